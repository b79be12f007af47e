package swagger

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// security writes a route's requirements as OpenAPI says them: a list of
// alternatives (OR), each a set of schemes all required (AND). The route's
// requirements are all required; an AnyOf is an OR of its schemes; an
// optional requirement adds the alternative without it, {} when nothing
// else is required. Scopes are listed for OAuth2 and OpenID Connect only,
// as OpenAPI 3.0 wants; the 403's description names them for the others.
func (b *builder) security(reqs []di.SecurityRequirement) (*openapi3.SecurityRequirements, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	var required, optional [][]openapi3.SecurityRequirement
	for _, req := range reqs {
		var choices []openapi3.SecurityRequirement
		for _, s := range schemesOf(req.Scheme) {
			model, err := b.securityScheme(s)
			if err != nil {
				return nil, err
			}
			scopes := []string{}
			if model.Type == "oauth2" || model.Type == "openIdConnect" {
				scopes = slices.Clone(req.Scopes)
			}
			choices = append(choices, openapi3.SecurityRequirement{s.SchemeName(): scopes})
		}
		if req.Optional {
			optional = append(optional, choices)
		} else {
			required = append(required, choices)
		}
	}
	out := product(append(slices.Clone(required), optional...))
	if len(optional) > 0 {
		out = append(out, product(required)...)
	}
	reqsOut := openapi3.SecurityRequirements(out)
	return &reqsOut, nil
}

// product is every way to take one choice of each list, merged.
func product(lists [][]openapi3.SecurityRequirement) []openapi3.SecurityRequirement {
	out := []openapi3.SecurityRequirement{{}}
	for _, choices := range lists {
		var next []openapi3.SecurityRequirement
		for _, acc := range out {
			for _, c := range choices {
				m := maps.Clone(acc)
				for name, scopes := range c {
					m[name] = union(m[name], scopes)
				}
				next = append(next, m)
			}
		}
		out = next
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	if out == nil {
		out = []string{}
	}
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// schemesOf are the schemes a requirement names: an AnyOf's alternatives,
// or the scheme itself.
func schemesOf(s di.SecurityScheme) []di.SecurityScheme {
	if alts := ginauth.Alternatives(s); alts != nil {
		return alts
	}
	return []di.SecurityScheme{s}
}

// OpenAPIScheme is what a security scheme of another package than ginauth
// implements to appear in the docs.
type OpenAPIScheme interface {
	di.SecurityScheme
	OpenAPI() *openapi3.SecurityScheme
}

// securityScheme puts s in components.securitySchemes under its name.
func (b *builder) securityScheme(s di.SecurityScheme) (*openapi3.SecurityScheme, error) {
	model, ok := ginauth.OpenAPI(s)
	if !ok {
		o, isOpenAPI := s.(OpenAPIScheme)
		if !isOpenAPI {
			return nil, fmt.Errorf("scheme %q (%T) has no OpenAPI entry: give it a method OpenAPI() *openapi3.SecurityScheme", s.SchemeName(), s)
		}
		model = o.OpenAPI()
	}
	name := s.SchemeName()
	if prev, ok := b.doc.Components.SecuritySchemes[name]; ok {
		if !reflect.DeepEqual(prev.Value, model) {
			return nil, fmt.Errorf("two different schemes are named %q: give one another SchemeName, as the docs list each under its name", name)
		}
		return prev.Value, nil
	}
	b.doc.Components.SecuritySchemes[name] = &openapi3.SecuritySchemeRef{Value: model}
	return model, nil
}
