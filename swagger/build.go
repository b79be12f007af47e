package swagger

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gindepends/gindepends/di"
)

// OpenAPIVersion is the version of the documents built here: 3.0, which the
// Swagger UI that gin-swagger serves renders (it does not render 3.1).
const OpenAPIVersion = "3.0.3"

// Build returns the OpenAPI document of the routes registered through api:
// paths, parameters, bodies, responses and security from the declarations,
// prose from swag's annotations when [Annotations] gives them. The document
// passes kin-openapi's validation; an error says what in the declarations
// cannot be written down (two schemes under one name, say).
func Build(api *di.Router, opts ...Option) (*openapi3.T, error) {
	cfg := newConfig(opts)
	ann, err := cfg.annotations()
	if err != nil {
		return nil, err
	}
	doc, err := build(api.Routes(), cfg, ann)
	if err != nil {
		return nil, err
	}
	return validate(doc)
}

// validate checks doc as its readers will read it: written out as JSON,
// loaded, its references resolved. It returns the loaded document.
func validate(doc *openapi3.T) (*openapi3.T, error) {
	text, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("swagger: the document cannot be written as JSON: %w", err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(text)
	if err == nil {
		err = loaded.Validate(context.Background())
	}
	if err != nil {
		return nil, fmt.Errorf("swagger: the document built is not valid OpenAPI: %w", err)
	}
	return loaded, nil
}

func build(routes []di.Route, cfg config, ann *annotations) (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: OpenAPIVersion,
		Info:    cfg.info(ann),
		// The paths are gin's, whole: they are relative to the origin that
		// serves the document.
		Servers:    openapi3.Servers{{URL: "/"}},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: openapi3.Schemas{}, SecuritySchemes: openapi3.SecuritySchemes{}},
	}
	if ann != nil {
		doc.Tags = ann.v3.Tags
	}
	b := &builder{doc: doc, schemas: newSchemas(doc.Components.Schemas), ids: map[string]bool{}, ann: ann}
	for _, rt := range routes {
		if err := b.operation(rt); err != nil {
			return nil, fmt.Errorf("swagger: %s %s: %w", rt.Method, rt.Path, err)
		}
	}
	if len(doc.Components.SecuritySchemes) == 0 {
		doc.Components.SecuritySchemes = nil
	}
	return doc, nil
}

type builder struct {
	doc     *openapi3.T
	schemas *schemas
	ids     map[string]bool
	ann     *annotations
}

func (b *builder) operation(rt di.Route) error {
	path, pathParams := openapiPath(rt.Path)
	op := openapi3.NewOperation()
	var annotated *openapi3.Operation
	if b.ann != nil {
		annotated = b.ann.operation(rt.Method, path)
	}
	op.OperationID = operationID(rt.Method, rt.Path)
	if annotated != nil && annotated.OperationID != "" {
		op.OperationID = annotated.OperationID
	}
	for n := 2; b.ids[op.OperationID]; n++ {
		op.OperationID = strings.TrimSuffix(op.OperationID, "_"+strconv.Itoa(n-1)) + "_" + strconv.Itoa(n)
	}
	b.ids[op.OperationID] = true

	bound := map[string]bool{}
	for _, bd := range rt.Bindings {
		switch bd.In {
		case "body":
			schema, err := b.schemas.of(bd.Type)
			if err != nil {
				return err
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(schema)}
		case "form":
			schema, err := b.schemas.formSchema(bd)
			if err != nil {
				return err
			}
			name := "Body_" + sanitize(op.OperationID)
			schema.Title = name
			b.doc.Components.Schemas[name] = openapi3.NewSchemaRef("", schema)
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(len(schema.Required) > 0).
				WithContent(openapi3.NewContentWithSchemaRef(openapi3.NewSchemaRef("#/components/schemas/"+name, nil), []string{"application/x-www-form-urlencoded"}))}
		default:
			params, err := b.schemas.parameters(bd)
			if err != nil {
				return err
			}
			for _, p := range params {
				key := p.Value.In + "\x00" + p.Value.Name
				if bound[key] {
					continue // two bindings read it: the docs list it once
				}
				bound[key] = true
				op.AddParameter(p.Value)
			}
		}
	}
	for _, name := range pathParams {
		if !bound["path\x00"+name] {
			op.AddParameter(openapi3.NewPathParameter(name).WithSchema(openapi3.NewStringSchema()))
		}
	}
	if err := b.responses(op, rt); err != nil {
		return err
	}
	sec, err := b.security(rt.Security)
	if err != nil {
		return err
	}
	if sec == nil {
		// Public, and said so: linters (Redocly's security-defined) cannot
		// tell a forgotten requirement from none.
		sec = &openapi3.SecurityRequirements{}
	}
	op.Security = sec
	if annotated != nil {
		b.merge(op, annotated, rt.Status != 0)
	}
	b.doc.AddOperation(path, rt.Method, op)
	return nil
}

// responses are the success answer of the route and the errors the library
// may answer instead.
func (b *builder) responses(op *openapi3.Operation, rt di.Route) error {
	op.Responses = openapi3.NewResponses()
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := openapi3.NewResponse().WithDescription("Successful Response")
	switch {
	case rt.Result == reflect.TypeFor[di.NoContent]():
	case rt.Result != nil:
		schema, err := b.schemas.of(rt.Result)
		if err != nil {
			return err
		}
		ok.WithJSONSchemaRef(schema)
	}
	op.AddResponse(status, ok)
	for _, code := range rt.Errors {
		op.AddResponse(code, b.errorResponse(code, rt))
	}
	return nil
}

func (b *builder) errorResponse(code int, rt di.Route) *openapi3.Response {
	r := openapi3.NewResponse()
	switch code {
	case http.StatusUnprocessableEntity:
		b.validationSchemas()
		return r.WithDescription("Validation Error").WithJSONSchemaRef(openapi3.NewSchemaRef("#/components/schemas/HTTPValidationError", nil))
	case http.StatusUnauthorized:
		r.WithDescription("Not authenticated: the credential is missing or invalid")
		r.Headers = openapi3.Headers{"WWW-Authenticate": challengeHeader()}
	case http.StatusForbidden:
		var scopes []string
		for _, req := range rt.Security {
			scopes = union(scopes, req.Scopes)
		}
		r.WithDescription("Not enough permissions: the token lacks a required scope (" + strings.Join(scopes, ", ") + ")")
		r.Headers = openapi3.Headers{"WWW-Authenticate": challengeHeader()}
	case http.StatusRequestEntityTooLarge:
		var limit int64
		for _, bd := range rt.Bindings {
			limit = max(limit, bd.MaxBytes)
		}
		r.WithDescription("Request Entity Too Large: the body is over " + strconv.FormatInt(limit, 10) + " bytes")
	default:
		r.WithDescription(http.StatusText(code))
	}
	b.errorSchema()
	return r.WithJSONSchemaRef(openapi3.NewSchemaRef("#/components/schemas/HTTPError", nil))
}

func challengeHeader() *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "The challenge: the scheme, and for a bearer token the error and the scope required (RFC 6750 §3)",
		Schema:      openapi3.NewStringSchema().NewRef(),
	}}}
}

// errorSchema is the body of every error but 422: {"detail": "..."}.
func (b *builder) errorSchema() {
	if _, ok := b.doc.Components.Schemas["HTTPError"]; ok {
		return
	}
	s := openapi3.NewObjectSchema().WithProperty("detail", openapi3.NewStringSchema()).WithRequired([]string{"detail"})
	s.Title = "HTTPError"
	b.doc.Components.Schemas["HTTPError"] = s.NewRef()
}

// validationSchemas are FastAPI's schemas of a 422.
func (b *builder) validationSchemas() {
	if _, ok := b.doc.Components.Schemas["HTTPValidationError"]; ok {
		return
	}
	loc := openapi3.NewArraySchema().WithItems(&openapi3.Schema{AnyOf: openapi3.SchemaRefs{
		openapi3.NewStringSchema().NewRef(), openapi3.NewIntegerSchema().NewRef()}})
	loc.Title = "Location"
	msg, typ := openapi3.NewStringSchema(), openapi3.NewStringSchema()
	msg.Title, typ.Title = "Message", "Error Type"
	input, ctx := &openapi3.Schema{Title: "Input"}, openapi3.NewObjectSchema()
	ctx.Title = "Context"
	ve := openapi3.NewObjectSchema().
		WithProperty("loc", loc).WithProperty("msg", msg).WithProperty("type", typ).
		WithProperty("input", input).WithProperty("ctx", ctx).
		WithRequired([]string{"loc", "msg", "type"})
	ve.Title = "ValidationError"
	detail := openapi3.NewArraySchema().WithItems(nil)
	detail.Items = openapi3.NewSchemaRef("#/components/schemas/ValidationError", nil)
	detail.Title = "Detail"
	hve := openapi3.NewObjectSchema().WithProperty("detail", detail)
	hve.Title = "HTTPValidationError"
	b.doc.Components.Schemas["ValidationError"] = ve.NewRef()
	b.doc.Components.Schemas["HTTPValidationError"] = hve.NewRef()
}

// openapiPath writes a gin path as OpenAPI does: /items/:id and
// /files/*path become /items/{id} and /files/{path}. It returns the names
// of the parameters too.
func openapiPath(p string) (string, []string) {
	parts := strings.Split(p, "/")
	var names []string
	for i, part := range parts {
		if len(part) > 1 && (part[0] == ':' || part[0] == '*') {
			names = append(names, part[1:])
			parts[i] = "{" + part[1:] + "}"
		}
	}
	return strings.Join(parts, "/"), names
}

// operationID names an operation after its method and path:
// GET /users/me/items/ is getUsersMeItems, GET /items/:id getItemsById.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(path, "/") {
		by := len(seg) > 1 && (seg[0] == ':' || seg[0] == '*')
		if by {
			b.WriteString("By")
			seg = seg[1:]
		}
		for _, word := range strings.FieldsFunc(seg, func(r rune) bool {
			return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		}) {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	if b.Len() == len(method) {
		b.WriteString("Root")
	}
	return b.String()
}
