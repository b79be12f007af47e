package swagger

import (
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gindepends/gindepends/di"
)

// formField is a field that gin fills from a form-like source, named as
// the binding's tag names it.
type formField struct {
	key   string
	field reflect.StructField
	opts  string // what follows the name in the tag: default=...
}

// formFields lists the fields of t that gin's form mapping fills from
// values named by tag (and encoding/json, with "json"): an embedded struct
// without a name of its own gives its fields.
func formFields(t reflect.Type, tag string) []formField {
	var out []formField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get(tag), ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && deref(sf.Type).Kind() == reflect.Struct && name == "" {
			out = append(out, formFields(deref(sf.Type), tag)...)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, formField{key: name, field: sf, opts: opts})
	}
	return out
}

// defaultOf is the value of a form tag's default= option, if it has one.
func defaultOf(f formField) (any, bool) {
	for opt := range strings.SplitSeq(f.opts, ",") {
		if v, ok := strings.CutPrefix(opt, "default="); ok {
			if isList(f.field) {
				return nil, false // gin splits such defaults on ';': leave them to the prose
			}
			return typedValue(deref(f.field.Type), v), true
		}
	}
	return nil, false
}

// fieldSchema is the schema of one value of a form-like source, with what
// its tags say, and whether it is required.
func (s *schemas) fieldSchema(f formField) (*openapi3.SchemaRef, bool, error) {
	ref, err := s.of(f.field.Type)
	if err != nil {
		return nil, false, err
	}
	required := describeField(ref, f.field)
	if ref.Value != nil && ref.Ref == "" {
		timeFormat(ref.Value, f.field)
		if d, ok := defaultOf(f); ok {
			ref.Value.Default = d
		}
		ref.Value.Nullable = f.field.Type.Kind() == reflect.Pointer // FastAPI's None: absent
	}
	return ref, required, nil
}

// parameters are the parameters of a query, path, header or cookie binding.
func (s *schemas) parameters(b di.Binding) (openapi3.Parameters, error) {
	var out openapi3.Parameters
	for _, f := range formFields(b.Type, b.Tag) {
		schema, required, err := s.fieldSchema(f)
		if err != nil {
			return nil, err
		}
		p := &openapi3.Parameter{In: b.In, Name: f.key, Required: required || b.In == openapi3.ParameterInPath, Schema: schema,
			Description: f.field.Tag.Get("description")}
		if cf := f.field.Tag.Get("collection_format"); b.In == openapi3.ParameterInQuery && isList(f.field) && cf != "" && cf != "multi" {
			// one value, split by gin: ?ids=1,2 rather than ?ids=1&ids=2
			p.Style, p.Explode = map[string]string{"csv": openapi3.SerializationForm, "ssv": openapi3.SerializationSpaceDelimited,
				"pipes": openapi3.SerializationPipeDelimited}[cf], openapi3.Ptr(false)
		}
		out = append(out, &openapi3.ParameterRef{Value: p})
	}
	return out, nil
}

func isList(sf reflect.StructField) bool {
	k := deref(sf.Type).Kind()
	return k == reflect.Slice || k == reflect.Array
}

// formSchema is the schema of a form body: an object of its fields.
func (s *schemas) formSchema(b di.Binding) (*openapi3.Schema, error) {
	obj := openapi3.NewObjectSchema()
	for _, f := range formFields(b.Type, b.Tag) {
		schema, required, err := s.fieldSchema(f)
		if err != nil {
			return nil, err
		}
		obj.WithPropertyRef(f.key, schema)
		if required {
			obj.Required = append(obj.Required, f.key)
		}
	}
	return obj, nil
}
