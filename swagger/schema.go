package swagger

import (
	"encoding"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
)

// schemas turns Go types into JSON Schemas with kin-openapi's generator,
// then says in the schemas what the binding tags make gin's validator
// refuse, as far as JSON Schema can say it. Named structs become
// components, shared by every operation that uses them.
type schemas struct {
	components openapi3.Schemas
	names      map[string]reflect.Type // component name -> the type that has it
}

func newSchemas(components openapi3.Schemas) *schemas {
	return &schemas{components: components, names: map[string]reflect.Type{}}
}

// typeName names a component after its Go type, and after its package too
// when two packages have a type of that name.
func (s *schemas) typeName(t reflect.Type) string {
	name := sanitize(t.Name())
	if name == "" {
		return ""
	}
	if prev, ok := s.names[name]; ok && prev != t {
		name = sanitize(pkgName(t) + "." + t.Name())
	}
	s.names[name] = t
	return name
}

func pkgName(t reflect.Type) string {
	p := t.PkgPath()
	return p[strings.LastIndex(p, "/")+1:]
}

// sanitize keeps what OpenAPI allows in a component name.
func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, name)
}

// of is the schema of values of t, written as encoding/json writes them.
func (s *schemas) of(t reflect.Type) (*openapi3.SchemaRef, error) {
	if t == nil || t.Kind() == reflect.Interface {
		return openapi3.NewSchemaRef("", &openapi3.Schema{}), nil
	}
	g := openapi3gen.NewGenerator(
		openapi3gen.UseAllExportedFields(),
		openapi3gen.CreateTypeNameGenerator(s.typeName),
		openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{ExportComponentSchemas: true, ExportTopLevelSchema: true}),
		openapi3gen.SchemaCustomizer(customize),
	)
	ref, err := g.NewSchemaRefForValue(reflect.Zero(t).Interface(), s.components)
	if err != nil {
		return nil, fmt.Errorf("the schema of %v: %w", t, err)
	}
	if ref == nil { // a func or a channel: nothing JSON can carry
		return openapi3.NewSchemaRef("", &openapi3.Schema{}), nil
	}
	// A struct without fields is never written out as a component; its
	// references must still resolve.
	for name, typ := range s.names {
		if _, ok := s.components[name]; !ok && typ.Kind() == reflect.Struct {
			s.components[name] = openapi3.NewSchemaRef("", openapi3.NewObjectSchema())
		}
	}
	return ref, nil
}

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	timeType      = reflect.TypeFor[time.Time]()
	durationType  = reflect.TypeFor[time.Duration]()
)

// customize completes the schema of a struct with what its fields' tags
// say: which are required, and each one's constraints. It works on the
// struct rather than on each field because kin-openapi hands a field's tag
// to the items of a list too, where binding:"min=1" means another thing.
func customize(_ string, t reflect.Type, _ reflect.StructTag, schema *openapi3.Schema) error {
	if t != timeType && t.Kind() != reflect.String && reflect.PointerTo(t).Implements(textMarshaler) {
		// encoding/json writes it as text: a UUID's [16]byte is a string.
		*schema = openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Nullable: schema.Nullable}
		return nil
	}
	if t.Kind() != reflect.Struct || t == timeType {
		return nil
	}
	// encoding/json names fields as gin's form mapping does, by tag.
	for _, f := range formFields(t, "json") {
		prop := schema.Properties[f.key]
		if prop == nil {
			continue
		}
		required := describeField(prop, f.field)
		if required {
			schema.Required = append(schema.Required, f.key)
		}
	}
	return nil
}

// describeField writes into the schema of a field what its tags say, and
// reports whether the field is required. A reference to a component takes
// no constraint: they belong to the field, not to the type.
func describeField(ref *openapi3.SchemaRef, sf reflect.StructField) (required bool) {
	rules := sf.Tag.Get("binding")
	// While the generator runs (customize), the schema of a field of a
	// named type such as string or int has the type's name as its Ref,
	// which it clears at the end: only a component's Ref marks a reference.
	// Checking Ref != "" dropped every constraint of a JSON body's scalar
	// fields (minLength, minimum, format...).
	if strings.HasPrefix(ref.Ref, "#/components/schemas/") || ref.Value == nil {
		return hasRule(rules, "required")
	}
	s := ref.Value
	if f := sf.Tag.Get("format"); f != "" { // swag's tags, which Gin teams already write
		s.Format = f
	}
	if ex, ok := sf.Tag.Lookup("example"); ok {
		s.Example = typedValue(deref(sf.Type), ex)
	}
	if d := sf.Tag.Get("description"); d != "" {
		s.Description = d
	}
	t := deref(sf.Type)
	required = applyRules(s, t, rules)
	if hasRule(rules, "omitempty") && sf.Type.Kind() != reflect.Pointer {
		allowZero(s, t)
	}
	return required
}

// timeFormat writes what gin's form mapping reads into a time.Time with a
// time_format tag: a date, a Unix time, or another layout than RFC 3339's.
func timeFormat(s *openapi3.Schema, sf reflect.StructField) {
	layout, ok := sf.Tag.Lookup("time_format")
	if !ok || deref(sf.Type) != timeType {
		return
	}
	switch layout {
	case "unix", "unixmilli", "unixmicro", "unixnano":
		s.Type, s.Format = &openapi3.Types{openapi3.TypeInteger}, "int64"
	case time.DateOnly:
		s.Format = "date"
	case time.RFC3339, time.RFC3339Nano:
	default:
		s.Format = "" // no JSON Schema format says it: the layout, in words
		if s.Description == "" {
			s.Description = "In Go's layout " + layout
		}
	}
}

// allowZero is for omitempty: gin's validator passes a zero value whatever
// the other rules say, so that ?page=0 is accepted where gte=1 is written.
// Where the rules refuse the zero value, the schema says "the zero value,
// or what the rules allow".
func allowZero(s *openapi3.Schema, t reflect.Type) {
	var zero any
	switch {
	case isNumber(t) && t != durationType:
		zero = 0
	case t.Kind() == reflect.String:
		zero = ""
	default:
		return
	}
	if admitsZero(s, zero) {
		return
	}
	bounded := *s
	bounded.Description, bounded.Default, bounded.Example, bounded.Nullable = "", nil, nil, false
	*s = openapi3.Schema{Description: s.Description, Default: s.Default, Example: s.Example, Nullable: s.Nullable,
		AnyOf: openapi3.SchemaRefs{
			openapi3.NewSchemaRef("", &openapi3.Schema{Type: s.Type, Enum: []any{zero}}),
			openapi3.NewSchemaRef("", &bounded),
		}}
}

func admitsZero(s *openapi3.Schema, zero any) bool {
	if len(s.Enum) > 0 {
		for _, e := range s.Enum {
			if fmt.Sprint(e) == fmt.Sprint(zero) {
				return true
			}
		}
		return false
	}
	if zero == "" {
		if s.MinLength > 0 || s.Format != "" {
			return false
		}
		if s.Pattern != "" {
			re, err := regexp.Compile(s.Pattern)
			return err == nil && re.MatchString("")
		}
		return true
	}
	if m := s.Min; m != nil && (*m > 0 || *m == 0 && s.ExclusiveMin.Bool != nil && *s.ExclusiveMin.Bool) {
		return false
	}
	if m := s.Max; m != nil && (*m < 0 || *m == 0 && s.ExclusiveMax.Bool != nil && *s.ExclusiveMax.Bool) {
		return false
	}
	return true
}

func hasRule(rules, name string) bool {
	for r := range strings.SplitSeq(rules, ",") {
		if r == name {
			return true
		}
		if r == "dive" {
			return false
		}
	}
	return false
}

// applyRules writes the validator's rules into s, the schema of values of
// t, up to a dive, whose rules go to the items; rules JSON Schema cannot
// say (required_if, custom validators, alternatives with |) are left to the
// 422. It reports whether the value is required.
func applyRules(s *openapi3.Schema, t reflect.Type, rules string) (required bool) {
	if rules == "" {
		return false
	}
	parts := strings.Split(rules, ",")
	for i, rule := range parts {
		name, param, _ := strings.Cut(rule, "=")
		if strings.Contains(rule, "|") {
			continue
		}
		switch name {
		case "required":
			required = true
		case "dive":
			// As in describeField: only a component's Ref is a reference here.
			if s.Items != nil && s.Items.Value != nil && !strings.HasPrefix(s.Items.Ref, "#/components/schemas/") {
				et := t.Elem()
				applyRules(s.Items.Value, deref(et), strings.Join(parts[i+1:], ","))
			}
			return required
		case "min", "gte":
			bound(s, t, param, true, false)
		case "max", "lte":
			bound(s, t, param, false, false)
		case "gt":
			bound(s, t, param, true, true)
		case "lt":
			bound(s, t, param, false, true)
		case "len":
			bound(s, t, param, true, false)
			bound(s, t, param, false, false)
		case "eq":
			if isScalar(t) {
				s.Enum = []any{typedValue(t, param)}
			}
		case "oneof":
			if isScalar(t) {
				s.Enum = nil
				for v := range strings.FieldsSeq(param) {
					s.Enum = append(s.Enum, typedValue(t, v))
				}
			}
		case "email":
			s.Format = "email"
		case "url", "uri", "http_url":
			s.Format = "uri"
		case "uuid", "uuid3", "uuid4", "uuid5", "uuid_rfc4122", "uuid4_rfc4122":
			s.Format = "uuid"
		case "ipv4", "ip4_addr":
			s.Format = "ipv4"
		case "ipv6", "ip6_addr":
			s.Format = "ipv6"
		case "hostname", "hostname_rfc1123":
			s.Format = "hostname"
		case "datetime":
			if param == time.RFC3339 {
				s.Format = "date-time"
			}
		case "alpha":
			s.Pattern = "^[a-zA-Z]+$"
		case "alphanum":
			s.Pattern = "^[a-zA-Z0-9]+$"
		case "numeric":
			s.Pattern = `^[-+]?[0-9]+(?:\.[0-9]+)?$`
		}
	}
	return required
}

// bound writes a lower or upper bound: of the value for a number, of the
// length for a string, a list or a map, as the validator reads it.
func bound(s *openapi3.Schema, t reflect.Type, param string, lower, exclusive bool) {
	if param == "" {
		return
	}
	switch {
	case isNumber(t):
		v, err := strconv.ParseFloat(param, 64)
		if err != nil {
			return
		}
		if t == durationType {
			return // a duration's bound is written "1h", and its JSON is a number of nanoseconds
		}
		yes := true
		if lower {
			s.Min = &v
			if exclusive {
				s.ExclusiveMin = openapi3.ExclusiveBound{Bool: &yes}
			}
		} else {
			s.Max = &v
			if exclusive {
				s.ExclusiveMax = openapi3.ExclusiveBound{Bool: &yes}
			}
		}
	case t.Kind() == reflect.String, t.Kind() == reflect.Slice, t.Kind() == reflect.Array, t.Kind() == reflect.Map:
		n, err := strconv.ParseUint(param, 10, 64)
		if err != nil {
			return
		}
		if exclusive {
			if lower {
				n++
			} else if n == 0 {
				return
			} else {
				n--
			}
		}
		switch {
		case t.Kind() == reflect.String && lower:
			s.MinLength = n
		case t.Kind() == reflect.String:
			s.MaxLength = &n
		case t.Kind() == reflect.Map && lower:
			s.MinProps = n
		case t.Kind() == reflect.Map:
			s.MaxProps = &n
		case lower:
			s.MinItems = n
		default:
			s.MaxItems = &n
		}
	}
}

func isNumber(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func isScalar(t reflect.Type) bool { return isNumber(t) || t.Kind() == reflect.String }

// typedValue reads text as a value of t, for enums, defaults and examples:
// 3 for an int, not "3".
func typedValue(t reflect.Type, text string) any {
	switch {
	case t.Kind() == reflect.Bool:
		if b, err := strconv.ParseBool(text); err == nil {
			return b
		}
	case isNumber(t) && t != durationType:
		if strings.HasPrefix(t.Kind().String(), "int") || strings.HasPrefix(t.Kind().String(), "uint") {
			if n, err := strconv.ParseInt(text, 10, 64); err == nil {
				return n
			}
		}
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f
		}
	}
	return text
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
