package swagger

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

// annotations is the document swag wrote from the annotations: as written
// (Swagger 2.0, for the drift check) and converted to OpenAPI 3, for the
// prose merged into the built document.
type annotations struct {
	v2 *openapi2.T
	v3 *openapi3.T
}

func (c config) annotations() (*annotations, error) {
	if c.swag == nil {
		return nil, nil
	}
	return parseAnnotations(c.swag.ReadDoc())
}

func parseAnnotations(text string) (*annotations, error) {
	var v2 openapi2.T
	if err := json.Unmarshal([]byte(text), &v2); err != nil {
		return nil, fmt.Errorf("swagger: swag's document does not read as Swagger 2.0: %w", err)
	}
	// Paths are written without swag's basePath, as gin has them.
	if base := strings.TrimSuffix(v2.BasePath, "/"); base != "" {
		paths := make(map[string]*openapi2.PathItem, len(v2.Paths))
		for p, item := range v2.Paths {
			paths[path.Join(base, p)+map[bool]string{true: "/"}[strings.HasSuffix(p, "/") && p != "/"]] = item
		}
		v2.Paths, v2.BasePath = paths, ""
	}
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, fmt.Errorf("swagger: swag's document does not convert to OpenAPI 3: %w", err)
	}
	return &annotations{v2: &v2, v3: v3}, nil
}

func (a *annotations) operation(method, p string) *openapi3.Operation {
	if a.v3.Paths == nil {
		return nil
	}
	item := a.v3.Paths.Value(p)
	if item == nil {
		return nil
	}
	return item.GetOperation(strings.ToUpper(method))
}

// sameParameter reports whether two parameters are one: the same place and
// name, where header names are case-insensitive (swag keeps them as
// written).
func sameParameter(in, name, otherIn, otherName string) bool {
	return in == otherIn && (name == otherName || in == openapi3.ParameterInHeader && strings.EqualFold(name, otherName))
}

// merge takes from an annotated operation what code cannot know: prose,
// tags, the operation's id, and the responses the code does not describe.
// declaredStatus says the route declares its success status (a handler that
// returns its answer): another success status of swag's is not one it
// answers.
func (b *builder) merge(op, ann *openapi3.Operation, declaredStatus bool) {
	op.Summary, op.Description, op.Tags = ann.Summary, ann.Description, ann.Tags
	op.Deprecated, op.ExternalDocs = ann.Deprecated, ann.ExternalDocs
	for _, p := range op.Parameters {
		for _, a := range ann.Parameters {
			if a.Value != nil && a.Value.Description != "" && sameParameter(a.Value.In, a.Value.Name, p.Value.In, p.Value.Name) {
				p.Value.Description = a.Value.Description
			}
		}
	}
	if op.RequestBody != nil && ann.RequestBody != nil && ann.RequestBody.Value != nil {
		op.RequestBody.Value.Description = ann.RequestBody.Value.Description
		b.describeForm(op, ann)
	}
	if ann.Responses == nil {
		return
	}
	for code, ar := range ann.Responses.Map() {
		if ar.Value == nil {
			continue
		}
		r := op.Responses.Value(code)
		if r == nil {
			if _, err := strconv.Atoi(code); err != nil && code != "default" {
				continue
			}
			if declaredStatus && strings.HasPrefix(code, "2") {
				// swag's @Success 200 on a route that answers 201 documented
				// both, and made DriftFromDocuments' choice of the success
				// status (and so its report) depend on map order.
				continue
			}
			cp := *ar.Value
			b.importContent(cp.Content)
			op.Responses.Set(code, &openapi3.ResponseRef{Value: &cp})
			continue
		}
		if ar.Value.Description != nil && *ar.Value.Description != "" {
			r.Value.Description = ar.Value.Description
		}
		if len(r.Value.Content) == 0 && len(ar.Value.Content) > 0 && strings.HasPrefix(code, "2") {
			if !isNoContent(code) {
				r.Value.Content = ar.Value.Content
				b.importContent(r.Value.Content)
			}
		}
	}
}

func isNoContent(code string) bool { return code == "204" || code == "304" }

// importContent copies into the document the schemas of swag's document
// that content refers to, at any depth.
func (b *builder) importContent(content openapi3.Content) {
	for _, mt := range content {
		b.importSchema(mt.Schema)
	}
}

func (b *builder) importSchema(ref *openapi3.SchemaRef) {
	if ref == nil {
		return
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		if _, have := b.doc.Components.Schemas[name]; have {
			return
		}
		src := b.ann.v3.Components.Schemas[name]
		if src == nil {
			return
		}
		b.doc.Components.Schemas[name] = src
		b.importSchema(src)
		return
	}
	s := ref.Value
	if s == nil {
		return
	}
	b.importSchema(s.Items)
	b.importSchema(s.Not)
	b.importSchema(s.AdditionalProperties.Schema)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range list {
			b.importSchema(r)
		}
	}
	for _, p := range s.Properties {
		b.importSchema(p)
	}
}

// describeForm gives the fields of a form body the descriptions of swag's
// formData parameters, which swag converts to a form body of its own.
func (b *builder) describeForm(op, ann *openapi3.Operation) {
	for mtName, mt := range op.RequestBody.Value.Content {
		name, ok := strings.CutPrefix(mt.Schema.Ref, "#/components/schemas/")
		am := ann.RequestBody.Value.Content.Get(mtName)
		if !ok || am == nil || am.Schema == nil || am.Schema.Value == nil {
			continue
		}
		form := b.doc.Components.Schemas[name]
		if form == nil || form.Value == nil {
			continue
		}
		for field, prop := range form.Value.Properties {
			if ap := am.Schema.Value.Properties[field]; ap != nil && ap.Value != nil && ap.Value.Description != "" && prop.Value != nil && prop.Ref == "" {
				prop.Value.Description = ap.Value.Description
			}
		}
	}
}
