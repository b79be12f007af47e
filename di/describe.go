package di

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
)

// Binding is a part of the request that a route reads into a struct: what
// the docs list as the route's parameters or its request body.
type Binding struct {
	// In is where the values are: "query", "path", "header", "cookie",
	// "body" (a JSON body) or "form" (a form body).
	In string
	// Type is the struct the values fill. Its fields' Tag (form, uri,
	// header, cookie or json) name the values; their binding tags say what
	// the validator refuses, and a form tag's default= what a missing value
	// becomes.
	Type reflect.Type
	Tag  string
	// MaxBytes is the largest body read, for a body or a form: a larger one
	// is a 413. 0 for the other parts.
	MaxBytes int64
}

// Describe records that dep, a dependency that reads the request itself
// with [Func], reads what b says, so that the registry, and so the docs,
// list it as the bindings do theirs: ginauth's password form is declared
// this way. It returns dep, and panics when b's place is not one of those
// of [Binding] or its Type is not a struct.
func Describe[T any](dep Dep[T], b Binding) Dep[T] {
	mustDeclared("Describe", dep.u)
	want, ok := bindingTags[b.In]
	if !ok {
		panic(fmt.Sprintf("di: Describe(%q): a binding is in the query, path, header, cookie, body or form, not %q", dep.u.d.name, b.In))
	}
	if b.Type == nil || b.Type.Kind() != reflect.Struct {
		panic(fmt.Sprintf("di: Describe(%q): the Type of a binding is a struct, with one field per value; got %v", dep.u.d.name, b.Type))
	}
	if b.Tag == "" {
		b.Tag = want
	}
	dep.u.d.binding = &b
	return dep
}

// bindingTags are the tags that name the values of each part of a request.
var bindingTags = map[string]string{"query": "form", "path": "uri", "header": "header", "cookie": "cookie", "body": "json", "form": "form"}

// bindingsOf lists, in the order FastAPI does (depth first, in declaration
// order), what a route's dependencies read from the request.
func bindingsOf(deps []use) []Binding {
	var out []Binding
	seen := map[*decl]bool{}
	var visit func(u use)
	visit = func(u use) {
		if seen[u.d] {
			return
		}
		seen[u.d] = true
		for _, child := range u.d.deps {
			visit(child)
		}
		if b := u.d.binding; b != nil {
			out = append(out, *b)
		}
	}
	for _, u := range deps {
		visit(u)
	}
	return out
}

// errorsOf are the statuses the library itself may answer a route with:
// 401 where a scheme is reached, 403 where scopes are required, 413 where a
// body has a limit, 422 where anything is bound.
func errorsOf(security []SecurityRequirement, bindings []Binding) []int {
	var out []int
	if len(security) > 0 {
		out = append(out, http.StatusUnauthorized)
	}
	if slices.ContainsFunc(security, func(r SecurityRequirement) bool { return len(r.Scopes) > 0 }) {
		out = append(out, http.StatusForbidden)
	}
	if slices.ContainsFunc(bindings, func(b Binding) bool { return b.MaxBytes > 0 }) {
		out = append(out, http.StatusRequestEntityTooLarge)
	}
	if len(bindings) > 0 {
		out = append(out, http.StatusUnprocessableEntity)
	}
	return out
}
