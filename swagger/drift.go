package swagger

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/swaggo/swag"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/internal/oauthflows"
)

// Difference is one place where swag's annotations and the declarations
// disagree. The served document follows the declarations; the annotations
// should be fixed, so that swag's own output and the code review read
// true.
type Difference struct {
	// Operation is "GET /users/me", or "" for swag's general API info,
	// the comments of main.go.
	Operation string
	// Problem says what differs, in plain words.
	Problem string
	// Fix is the annotation to write instead, exactly; "" when the fix is to
	// remove the annotation the problem names.
	Fix string
}

func (d Difference) String() string {
	where := d.Operation
	if where == "" {
		where = "general API info (main.go)"
	}
	s := where + ": " + d.Problem
	if d.Fix != "" {
		s += "\n\twrite:\n\t\t" + strings.ReplaceAll(d.Fix, "\n", "\n\t\t")
	}
	return s
}

// Drift compares swag's document (docs.SwaggerInfo) with the declarations
// of api's routes: routes served but not annotated and the reverse;
// @Security lines that name other schemes or scopes, schemes or scopes that
// do not exist, || where alternatives are meant (swag reads || as AND);
// @Param lines that no binding reads; a success status that the route does
// not answer; security definitions that differ from the schemes. Each
// difference comes with the annotation to write. An error means the swag
// document cannot be read.
func Drift(api *di.Router, annotations swag.Swagger) ([]Difference, error) {
	ann, err := parseAnnotations(annotations.ReadDoc())
	if err != nil {
		return nil, err
	}
	routes := api.Routes() // one copy, for the document and what follows
	built, err := build(routes, newConfig(nil), nil)
	if err != nil {
		return nil, err
	}
	declared, err := validate(built) // and its references resolved
	if err != nil {
		return nil, err
	}
	// A handler that writes its own answer has no status the code knows:
	// whatever @Success says of it is not drift.
	ownAnswer := map[string]bool{}
	for _, rt := range routes {
		if rt.Status == 0 {
			p, _ := openapiPath(rt.Path)
			ownAnswer[rt.Method+" "+p] = true
		}
	}
	return drift(declared, ann, ownAnswer), nil
}

// DriftFromDocuments is [Drift] for documents: swag's swagger.json and a
// document built by this package, such as the one an app serves at
// /openapi.json. It is what the drift command runs.
func DriftFromDocuments(swagJSON, openAPIJSON []byte) ([]Difference, error) {
	ann, err := parseAnnotations(string(swagJSON))
	if err != nil {
		return nil, err
	}
	declared, err := openapi3.NewLoader().LoadFromData(openAPIJSON)
	if err == nil && (!strings.HasPrefix(declared.OpenAPI, "3.") || declared.Paths == nil) {
		err = errors.New("it is not an OpenAPI 3 document with paths")
	}
	if err != nil {
		return nil, fmt.Errorf("swagger: the OpenAPI document does not load: %w", err)
	}
	return drift(declared, ann, nil), nil
}

func drift(declared *openapi3.T, ann *annotations, ownAnswer map[string]bool) []Difference {
	var out []Difference
	schemes := openapi3.SecuritySchemes{}
	if declared.Components != nil && declared.Components.SecuritySchemes != nil {
		schemes = declared.Components.SecuritySchemes
	}
	out = append(out, schemeDrift(schemes, ann.v2.SecurityDefinitions)...)

	annotated := map[string]bool{}
	for p, item := range ann.v2.Paths {
		if item == nil {
			continue // "/a": null, which Operations cannot read
		}
		for method := range item.Operations() { // upper case: http.MethodGet...
			annotated[method+" "+p] = true
		}
	}
	served := map[string]bool{}
	for _, p := range declared.Paths.InMatchingOrder() {
		item := declared.Paths.Value(p)
		for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
			op := item.GetOperation(method)
			key := method + " " + p
			served[key] = true
			var swagOp *openapi2.Operation
			if pi := ann.v2.Paths[p]; pi != nil {
				swagOp = pi.GetOperation(method)
			}
			if swagOp == nil {
				out = append(out, Difference{Operation: key, Problem: "served, but not annotated",
					Fix: strings.Join(append(securityLines(op.Security), fmt.Sprintf("// @Router %s [%s]", p, strings.ToLower(method))), "\n")})
				continue
			}
			out = append(out, operationDrift(key, op, swagOp, schemes, ann, ownAnswer[key])...)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(annotated)) {
		if !served[key] {
			out = append(out, Difference{Operation: key, Problem: "annotated (@Router), but no route serves it: remove the annotations, or register the route"})
		}
	}
	slices.SortStableFunc(out, func(a, b Difference) int { return cmp.Compare(a.Operation, b.Operation) })
	return out
}

func operationDrift(key string, op *openapi3.Operation, swagOp *openapi2.Operation, schemes openapi3.SecuritySchemes, ann *annotations, ownAnswer bool) []Difference {
	var out []Difference
	// Security: what swag says, against what the route enforces. swag
	// cannot say "or none" ({}), so an optional requirement is written
	// without it.
	want, got := nameSchemes(op.Security), nameSchemes(swagOp.Security)
	if !sameRequirements(want, got) {
		fix := strings.Join(securityLines(op.Security), "\n")
		problems := securityProblems(want, got, schemes)
		if len(problems) == 0 {
			problems = []string{fmt.Sprintf("the annotations say %s, the route requires %s", describeSecurity(got), describeSecurity(want))}
		}
		for _, p := range problems {
			out = append(out, Difference{Operation: key, Problem: p, Fix: fix})
		}
	}
	// Parameters that no binding reads.
	for _, p := range swagOp.Parameters {
		if p == nil {
			continue
		}
		if !reads(op, p) {
			out = append(out, Difference{Operation: key, Problem: fmt.Sprintf("@Param %s (%s) is read by no binding of the route: remove it, or bind it", p.Name, p.In)})
		}
	}
	// The success status. A document served with swag's annotations merged
	// may list several (those of a handler that writes its own answer): any
	// of them will do, and the first is the one to write, so that the report
	// does not depend on map order. Codes are compared as text: a document
	// may have any key there, "" too.
	wantOK, gotOK := successCodes(op.Responses.Map()), successCodes(swagOp.Responses.Map())
	if !ownAnswer && len(wantOK) > 0 && len(gotOK) > 0 && !slices.ContainsFunc(gotOK, func(c string) bool { return slices.Contains(wantOK, c) }) {
		out = append(out, Difference{Operation: key,
			Problem: fmt.Sprintf("@Success %s, but the route answers %s", strings.Join(gotOK, ", "), wantOK[0]),
			Fix:     successLine(wantOK[0], op.Responses.Value(wantOK[0]).Value)})
	}
	return out
}

// reads reports whether a binding of op reads the swag parameter p.
func reads(op *openapi3.Operation, p *openapi2.Parameter) bool {
	switch p.In {
	case "body":
		return op.RequestBody != nil && op.RequestBody.Value.Content.Get("application/json") != nil
	case "formData":
		if op.RequestBody == nil {
			return false
		}
		for _, mt := range op.RequestBody.Value.Content {
			if mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Properties[p.Name] != nil {
				return true
			}
		}
		return false
	}
	for _, dp := range op.Parameters {
		if sameParameter(dp.Value.In, dp.Value.Name, p.In, p.Name) {
			return true
		}
	}
	return false
}

func successLine(code string, r *openapi3.Response) string {
	if mt := r.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		s := mt.Schema
		kind := "{object}"
		if s.Ref == "" && s.Value != nil && s.Value.Type.Is("array") && s.Value.Items != nil {
			kind, s = "{array}", s.Value.Items
		}
		if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
			return fmt.Sprintf("// @Success %s %s %s", code, kind, name)
		}
		// swag names JSON's primitive types as JSON Schema does: a []string
		// is {array} string; "object" there would say a list of objects.
		if s != nil && s.Value != nil && s.Value.Type != nil && len(*s.Value.Type) == 1 {
			switch t := (*s.Value.Type)[0]; t {
			case "string", "integer", "number", "boolean":
				return fmt.Sprintf("// @Success %s %s %s", code, kind, t)
			}
		}
		return fmt.Sprintf("// @Success %s %s object", code, kind)
	}
	return "// @Success " + code
}

func sameRequirements(a, b []map[string][]string) bool {
	key := func(reqs []map[string][]string) []string {
		var out []string
		for _, r := range reqs {
			var parts []string
			for _, name := range slices.Sorted(maps.Keys(r)) {
				parts = append(parts, name+"["+strings.Join(slices.Sorted(slices.Values(r[name])), ",")+"]")
			}
			out = append(out, strings.Join(parts, "&&"))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(key(a), key(b))
}

// securityProblems names what is wrong with swag's requirements, as
// precisely as can be said.
func securityProblems(want, got []map[string][]string, schemes openapi3.SecuritySchemes) []string {
	var out []string
	alone := map[string]bool{}
	for _, r := range want {
		if len(r) == 1 {
			for name := range r {
				alone[name] = true
			}
		}
	}
	for _, r := range got {
		names := slices.Sorted(maps.Keys(r))
		for _, name := range names {
			s := schemes[name]
			if s == nil {
				out = append(out, fmt.Sprintf("@Security names %s, a scheme that none of the routes uses (they use: %s)", name, strings.Join(slices.Sorted(maps.Keys(schemes)), ", ")))
				continue
			}
			if s.Value.Type != "oauth2" {
				continue
			}
			declaredScopes := oauthflows.Scopes(s.Value.Flows)
			for _, sc := range r[name] {
				if _, ok := declaredScopes[sc]; !ok {
					out = append(out, fmt.Sprintf("@Security asks %s for the scope %q, which it does not declare", name, sc))
				}
			}
		}
		if len(names) > 1 && !slices.ContainsFunc(want, func(w map[string][]string) bool { return len(w) > 1 }) &&
			!slices.ContainsFunc(names, func(n string) bool { return !alone[n] }) {
			out = append(out, fmt.Sprintf("@Security requires %s together, but any one of them is enough: swag reads || as AND, like &&; write one @Security line for each", strings.Join(names, " and ")))
		}
	}
	if len(out) > 0 && sameSchemes(want, got) {
		return out
	}
	if len(out) == 0 {
		return nil
	}
	return append(out, fmt.Sprintf("the annotations say %s, the route requires %s", describeSecurity(got), describeSecurity(want)))
}

func sameSchemes(a, b []map[string][]string) bool {
	names := func(reqs []map[string][]string) []string {
		var out []string
		for _, r := range reqs {
			out = append(out, slices.Collect(maps.Keys(r))...)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(names(a), names(b))
}

// nameSchemes are the requirements of reqs that name a scheme, in a
// document of either version.
func nameSchemes[S ~[]R, R ~map[string][]string](reqs *S) []map[string][]string {
	var out []map[string][]string
	if reqs != nil {
		for _, req := range *reqs {
			if len(req) > 0 {
				out = append(out, req)
			}
		}
	}
	return out
}

// successCodes are the 2xx keys of responses, sorted.
func successCodes[V any](responses map[string]V) []string {
	var out []string
	for code := range responses {
		if strings.HasPrefix(code, "2") {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

func describeSecurity(reqs []map[string][]string) string {
	if len(reqs) == 0 {
		return "no security"
	}
	var alts []string
	for _, r := range reqs {
		alts = append(alts, requirementText(r))
	}
	return strings.Join(alts, " or ")
}

func requirementText(r map[string][]string) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(r)) {
		if len(r[name]) == 0 {
			parts = append(parts, name)
		} else {
			parts = append(parts, name+"["+strings.Join(r[name], ",")+"]")
		}
	}
	return strings.Join(parts, " && ")
}

// securityLines are the @Security lines that say reqs: one line per
// alternative. swag has no way to say "or none", so an optional
// requirement is written as a required one.
func securityLines(reqs *openapi3.SecurityRequirements) []string {
	if reqs == nil {
		return nil
	}
	var out []string
	for _, r := range *reqs {
		if len(r) > 0 {
			out = append(out, "// @Security "+requirementText(r))
		}
	}
	return out
}

// schemeDrift compares swag's security definitions with the schemes the
// routes use. Swagger 2.0 has no HTTP bearer, digest or OpenID Connect
// scheme: those need no definition, and any is accepted.
func schemeDrift(schemes openapi3.SecuritySchemes, defs map[string]*openapi2.SecurityScheme) []Difference {
	var out []Difference
	for _, name := range slices.Sorted(maps.Keys(schemes)) {
		s := schemes[name].Value
		block, forms := definition(name, s)
		if block == "" {
			continue
		}
		def := defs[name]
		if def == nil {
			out = append(out, Difference{Problem: "no security definition for " + name + ", a scheme the routes use (separate definitions with a line that is not a comment: swag reads one up to the end of its comment)", Fix: block})
			continue
		}
		if !slices.ContainsFunc(forms, func(f openapi2.SecurityScheme) bool { return sameDefinition(f, *def) }) {
			out = append(out, Difference{Problem: "the security definition of " + name + " differs from the scheme the routes use", Fix: block})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		if schemes[name] == nil {
			out = append(out, Difference{Problem: "@securityDefinitions defines " + name + ", which no route uses: remove it, or use the scheme"})
		}
	}
	return out
}

func sameDefinition(a, b openapi2.SecurityScheme) bool {
	return a.Type == b.Type && a.In == b.In && a.Name == b.Name && a.Flow == b.Flow &&
		a.AuthorizationURL == b.AuthorizationURL && a.TokenURL == b.TokenURL &&
		slices.Equal(slices.Sorted(maps.Keys(a.Scopes)), slices.Sorted(maps.Keys(b.Scopes)))
}

// definition is the general-API annotation that defines s under name, and
// the Swagger 2.0 definitions that say it; "" when Swagger 2.0 cannot.
func definition(name string, s *openapi3.SecurityScheme) (string, []openapi2.SecurityScheme) {
	var lines []string
	var forms []openapi2.SecurityScheme
	add := func(kind string, def openapi2.SecurityScheme, extra ...string) {
		if len(lines) == 0 { // the first form is the one to write
			lines = append([]string{"// @securityDefinitions." + kind + " " + name}, extra...)
			for _, sc := range slices.Sorted(maps.Keys(def.Scopes)) {
				lines = append(lines, "// @scope."+sc+" "+def.Scopes[sc])
			}
			if s.Description != "" {
				lines = append(lines, "// @description "+s.Description)
			}
		}
		forms = append(forms, def)
	}
	switch s.Type {
	case "http":
		if strings.EqualFold(s.Scheme, "basic") {
			add("basic", openapi2.SecurityScheme{Type: "basic"})
		}
	case "apiKey":
		add("apikey", openapi2.SecurityScheme{Type: "apiKey", In: s.In, Name: s.Name}, "// @in "+s.In, "// @name "+s.Name)
	case "oauth2":
		f := s.Flows
		if f == nil {
			break
		}
		if fl := f.Password; fl != nil {
			add("oauth2.password", openapi2.SecurityScheme{Type: "oauth2", Flow: "password", TokenURL: fl.TokenURL, Scopes: fl.Scopes}, "// @tokenUrl "+fl.TokenURL)
		}
		if fl := f.AuthorizationCode; fl != nil {
			add("oauth2.accessCode", openapi2.SecurityScheme{Type: "oauth2", Flow: "accessCode", TokenURL: fl.TokenURL, AuthorizationURL: fl.AuthorizationURL, Scopes: fl.Scopes},
				"// @tokenUrl "+fl.TokenURL, "// @authorizationUrl "+fl.AuthorizationURL)
		}
		if fl := f.Implicit; fl != nil {
			add("oauth2.implicit", openapi2.SecurityScheme{Type: "oauth2", Flow: "implicit", AuthorizationURL: fl.AuthorizationURL, Scopes: fl.Scopes}, "// @authorizationUrl "+fl.AuthorizationURL)
		}
		if fl := f.ClientCredentials; fl != nil {
			add("oauth2.application", openapi2.SecurityScheme{Type: "oauth2", Flow: "application", TokenURL: fl.TokenURL, Scopes: fl.Scopes}, "// @tokenUrl "+fl.TokenURL)
		}
	}
	return strings.Join(lines, "\n"), forms
}
