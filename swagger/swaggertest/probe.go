package swaggertest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// ProbeOptions are what [Probe] needs beyond the document: credentials,
// values of path parameters, and which operations to leave alone.
type ProbeOptions struct {
	// Document is the path of the OpenAPI document under the base URL;
	// default "/openapi.json", where swagger.Mount serves it.
	Document string

	// Username and Password are a user's, for the password grant (RFC 6749
	// §4.3) at the tokenUrl of an OAuth2 scheme's password flow, or at the
	// token_endpoint of an OpenID Connect scheme's discovery document.
	Username, Password string
	// ClientID names the client in that grant (client_id in the form);
	// with ClientSecret, the client authenticates with HTTP Basic instead
	// (RFC 6749 §2.3.1).
	ClientID, ClientSecret string
	// Token, when set, gives the bearer tokens instead of the password
	// grant: a token of the scheme (its name in the document) granting
	// scopes, exactly. It serves the schemes of type http and scheme bearer
	// too, which have no token endpoint.
	Token func(scheme string, scopes []string) (string, error)
	// APIKeys are the API keys to send, by scheme name (the key of
	// components.securitySchemes): {"APIKeyHeader": "secret"}. The scheme
	// says where the key goes: a header, the query or a cookie.
	APIKeys map[string]string
	// Basic is the username and password sent to every scheme of type
	// http and scheme basic; an empty username sends none.
	Basic [2]string

	// PathValues are values of path parameters, by name, for operations
	// whose path must name something that exists: {"id": "1"}. Without
	// one, a parameter takes a value its schema allows.
	PathValues map[string]string
	// Skip, when it returns true, leaves the operation alone; path is the
	// document's, /items/{id}.
	Skip func(method, path string) bool
	// Unsafe sends to operations of unsafe methods (POST, PUT, PATCH,
	// DELETE...) the requests that the document says the API carries out:
	// only against a server whose data may change. See [Probe].
	Unsafe bool
	// Client sends the requests; nil means a client of its own, which does
	// not follow redirects and gives up on a request after 30 seconds.
	Client *http.Client
}

// ProbeReport is what [Probe] did: each request it sent with the answer
// the document calls for, and each check it could not make, with why.
type ProbeReport struct {
	// Operations is how many operations of the document were probed.
	Operations int
	// Checks are the requests sent, one a line: "GET /items/{id}: id=abc
	// (not an integer): want 422".
	Checks []string
	// Skipped are the checks not made: "POST /items: every documented
	// credential (OAuth2[items]): not sent: POST is not a safe method
	// (ProbeOptions.Unsafe sends it)".
	Skipped []string
}

// Probe checks, from outside, that the API served at baseURL does what its
// OpenAPI document says: it reads only the document (GET baseURL +
// "/openapi.json") and the token endpoints the document names, so it works
// on any gindepends API, served by a test's listener or deployed. Every
// mismatch fails t with t.Errorf, naming the operation, what was sent, and
// the answer expected and got. For each operation of the document:
//
//   - with no credential: 401 where security is required; where it is
//     optional (a {} alternative) or absent, neither 401 nor 422;
//   - with an invalid credential of each scheme the operation names: 401;
//   - for each alternative of its security requirement, with every
//     credential it names (OAuth2 and OpenID Connect tokens with exactly the
//     scopes listed): neither 401 nor 403, nor 422;
//   - for each scope listed for an OAuth2 or OpenID Connect scheme, with a
//     token lacking it (and holding the scheme's other scopes): 403;
//   - for each constraint documented on a parameter or a body property,
//     with a request otherwise valid (every credential of the first
//     alternative that the probe can send, valid values everywhere else):
//     422. Constraints are types integer, number and boolean (given "abc";
//     a JSON body's strings are given a number, its objects and arrays a
//     string), minimum and maximum (exclusive too), minLength, maxLength
//     and pattern, minItems and maxItems, enum, and a required query,
//     header or cookie parameter, body property or body missing. A
//     parameter is never sent empty to break its minLength or minItems: an
//     empty parameter is not a short value. When the 422 lists its
//     problems as FastAPI does ({"detail": [{"loc": [...]}]}), one of them
//     must be at the place broken, and none elsewhere: a problem elsewhere
//     is a value the document allows that the API refuses;
//   - whatever the answer, its status must be one the operation's
//     responses list (or a default response): a handler's own errors (a 404,
//     say) need their @Failure annotations.
//
// Valid values come from each schema: its enum's first value, its default,
// its example, or a value within its bounds and lengths, of its format
// (email, uuid, uri, date, date-time...) and, where Go's regexp reads it,
// matching its pattern. Path parameters take [ProbeOptions.PathValues]
// first. A query, header or cookie parameter that is not required is sent
// only when broken; a body is sent whole, every property valid. An
// operation whose request body is neither JSON nor a URL-encoded form is
// skipped.
//
// Credentials: an API key from [ProbeOptions.APIKeys], HTTP Basic from
// [ProbeOptions.Basic], and tokens from [ProbeOptions.Token] or else the
// password grant, with [ProbeOptions.Username] and Password, at the tokenUrl
// of the scheme's password flow (or the token_endpoint that an OpenID
// Connect scheme's document gives), resolved against baseURL. An operation
// whose every alternative needs a credential the probe cannot send is
// checked for its 401s only; what is not checked is listed in the report's
// Skipped, and logged.
//
// Which requests are sent. Those that the document says the API refuses
// (no credential where one is required, an invalid one, a token lacking a
// scope, a broken parameter or body) are sent to every operation: anyone
// may send them, and an API that does what its document says changes
// nothing. To an operation of an unsafe method (any but GET, HEAD, OPTIONS
// and TRACE) the credential checks carry a broken parameter or body too,
// when the operation has one (a missing body or a value of the wrong type
// by preference: what cannot even be read), so that if the API forgot a
// credential check, validation still refuses the request (gindepends
// answers a missing credential or scope before a 422). Those that the document says
// the API carries out (every credential valid; no credential where none is
// required) go to operations of safe methods only, unless
// [ProbeOptions.Unsafe]: idempotent is not enough, as one DELETE already
// deletes. A constraint the API does not enforce lets its request through,
// broken value included: that is the mismatch reported, and why the probe
// is for servers whose data may change, as a test's.
func Probe(t testing.TB, baseURL string, opts ProbeOptions) ProbeReport {
	t.Helper()
	p := &prober{t: t, opts: opts, tokens: map[string]tokenResult{}, oidc: map[string]oidcResult{}, reported: map[string]bool{}}
	base, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		t.Fatalf("swaggertest.Probe: %q is not a base URL such as http://127.0.0.1:8080", baseURL)
		return p.report
	}
	p.base = base
	p.client = opts.Client
	if p.client == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		defer transport.CloseIdleConnections()
		p.client = &http.Client{Transport: transport, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	p.ctx = t.Context()
	docPath := cmp.Or(opts.Document, "/openapi.json")
	if p.doc, err = p.document(docPath); err != nil {
		t.Fatalf("swaggertest.Probe: GET %s: %v", docPath, err)
		return p.report
	}
	for _, o := range p.operations() {
		if opts.Skip != nil && opts.Skip(o.method, o.path) {
			continue
		}
		if o.unwritable {
			p.skip(o, "every check", "its request body is neither JSON nor a URL-encoded form, which the probe cannot write")
			continue
		}
		p.report.Operations++
		p.probe(o)
	}
	for _, s := range p.report.Skipped {
		t.Logf("swaggertest.Probe: skipped: %s", s)
	}
	t.Logf("swaggertest.Probe: %d operations, %d requests checked, %d checks skipped",
		p.report.Operations, len(p.report.Checks), len(p.report.Skipped))
	return p.report
}

type prober struct {
	t        testing.TB
	ctx      context.Context
	opts     ProbeOptions
	base     *url.URL
	client   *http.Client
	doc      *openapi3.T
	tokens   map[string]tokenResult
	oidc     map[string]oidcResult
	reported map[string]bool // what is reported once: a token that cannot be had, a status not documented
	report   ProbeReport
}

// document fetches and loads the OpenAPI document, its references resolved.
func (p *prober) document(path string) (*openapi3.T, error) {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodGet, p.base.String()+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%d %s", resp.StatusCode, clip(body))
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		return nil, fmt.Errorf("not an OpenAPI document: %w", err)
	}
	return doc, nil
}

// operation is one operation of the document, with what the probe reads of
// it.
type operation struct {
	method, path string
	op           *openapi3.Operation
	params       []*openapi3.Parameter
	body         *body
	safe         bool
	unwritable   bool // its request body is of a media type the probe does not write
}

// body is an operation's request body, in the one media type the probe
// writes.
type body struct {
	mediaType string // application/json or application/x-www-form-urlencoded
	schema    *openapi3.Schema
	required  bool
}

// safeMethods are RFC 9110's safe methods (§9.2.1).
var safeMethods = map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodOptions: true, http.MethodTrace: true}

var methodOrder = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace}

// operations lists the document's operations by path, then method.
func (p *prober) operations() []*operation {
	var out []*operation
	paths := p.doc.Paths.Keys()
	slices.Sort(paths)
	for _, path := range paths {
		item := p.doc.Paths.Value(path)
		ops := item.Operations()
		methods := slices.SortedFunc(maps.Keys(ops), func(a, b string) int {
			ia, ib := slices.Index(methodOrder, a), slices.Index(methodOrder, b)
			if ia != ib {
				return ia - ib
			}
			return strings.Compare(a, b)
		})
		for _, method := range methods {
			op := ops[method]
			o := &operation{method: method, path: path, op: op, safe: safeMethods[method]}
			seen := map[string]int{}
			for _, refs := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, ref := range refs {
					if ref == nil || ref.Value == nil {
						continue
					}
					key := paramKey(ref.Value.In, ref.Value.Name)
					if i, ok := seen[key]; ok {
						o.params[i] = ref.Value // the operation's overrides the path's
						continue
					}
					seen[key] = len(o.params)
					o.params = append(o.params, ref.Value)
				}
			}
			for _, name := range templateNames(path) {
				if _, ok := seen[paramKey(openapi3.ParameterInPath, name)]; !ok {
					o.params = append(o.params, openapi3.NewPathParameter(name).WithSchema(openapi3.NewStringSchema()))
				}
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				for _, mt := range []string{"application/json", "application/x-www-form-urlencoded"} {
					if media := rb.Value.Content.Get(mt); media != nil {
						o.body = &body{mediaType: mt, schema: schemaOf(media.Schema), required: rb.Value.Required}
						break
					}
				}
				if o.body == nil {
					o.unwritable = true
				}
			}
			out = append(out, o)
		}
	}
	return out
}

func templateNames(path string) []string {
	var names []string
	for rest := path; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
}

func paramKey(in, name string) string { return in + "\x00" + name }

func (p *prober) skip(o *operation, what, why string) {
	p.report.Skipped = append(p.report.Skipped, fmt.Sprintf("%s %s: %s: %s", o.method, o.path, what, why))
}

// probe makes every check of one operation.
func (p *prober) probe(o *operation) {
	p.t.Helper()
	valid := p.validRequest(o)
	breakers := p.breakers(o)
	alts, optional, ok := p.security(o)
	if !ok {
		return
	}
	// The request of the credential checks: to an unsafe operation, one
	// that validation refuses, should the credential check be missing.
	careful := !o.safe && !p.opts.Unsafe
	base, broken := valid, ""
	if careful && len(breakers) > 0 {
		// Preferably what cannot even be read: a missing body, a value of
		// the wrong type; a bound is what an API may forget.
		b := breakers[max(0, slices.IndexFunc(breakers, func(b breaker) bool { return b.unreadable }))]
		base, broken = b.request(valid), ", and "+b.what
	}

	switch {
	case len(alts) > 0 && !optional:
		p.check(o, "no credential"+broken, base, want{status: http.StatusUnauthorized})
	case !careful:
		p.check(o, "no credential", valid, want{not: []int{http.StatusUnauthorized, http.StatusUnprocessableEntity}})
	case len(breakers) > 0:
		p.check(o, "no credential"+broken, base, want{not: []int{http.StatusUnauthorized}})
		p.skip(o, "no credential, every value valid", notSent(o))
	default:
		p.skip(o, "no credential", notSent(o))
	}

	var schemes []string
	for _, alt := range alts {
		for _, name := range slices.Sorted(maps.Keys(alt)) {
			if !slices.Contains(schemes, name) {
				schemes = append(schemes, name)
			}
		}
	}
	for _, name := range schemes {
		c, why := p.invalidCredential(name)
		if why != "" {
			p.skip(o, "an invalid credential of "+name, why)
			continue
		}
		p.check(o, "an invalid credential of "+name+broken, base.with(c), want{status: http.StatusUnauthorized})
	}

	var constraintCreds []credential
	satisfied := false
	for _, alt := range alts {
		names := slices.Sorted(maps.Keys(alt))
		label := altLabel(alt)
		creds, why := p.credentials(alt, names, "", "")
		if why != "" {
			p.skip(o, "every documented credential ("+label+")", why)
			continue
		}
		if !satisfied {
			constraintCreds, satisfied = creds, true
		}
		if careful {
			p.skip(o, "every documented credential ("+label+")", notSent(o))
		} else {
			p.check(o, "every documented credential ("+label+")", valid.with(creds...),
				want{not: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity}})
		}
		for _, name := range names {
			model := p.scheme(name)
			if model.Type != "oauth2" && model.Type != "openIdConnect" {
				continue
			}
			for _, scope := range alt[name] {
				what := fmt.Sprintf("a token of %s lacking scope %q", name, scope)
				creds, why := p.credentials(alt, names, name, scope)
				if why != "" {
					p.skip(o, what, why)
					continue
				}
				p.check(o, what+broken, base.with(creds...), want{status: http.StatusForbidden})
			}
		}
	}

	if len(alts) > 0 && !optional && !satisfied {
		if len(breakers) > 0 {
			p.skip(o, fmt.Sprintf("its %d constraint checks", len(breakers)), "no credential that the document asks for can be sent")
		}
		return
	}
	for _, b := range breakers {
		p.check(o, b.what, b.request(valid).with(constraintCreds...), want{status: http.StatusUnprocessableEntity, loc: b.loc})
	}
}

func notSent(o *operation) string {
	return fmt.Sprintf("not sent: %s is not a safe method, and the API would carry it out (ProbeOptions.Unsafe sends it)", o.method)
}

// security is the operation's requirement: its alternatives that name a
// scheme, and whether one names none ({}: authentication is optional).
func (p *prober) security(o *operation) (alts []openapi3.SecurityRequirement, optional, ok bool) {
	p.t.Helper()
	reqs := p.doc.Security
	if o.op.Security != nil {
		reqs = *o.op.Security
	}
	for _, req := range reqs {
		if len(req) == 0 {
			optional = true
			continue
		}
		for name := range req {
			if p.scheme(name) == nil {
				p.t.Errorf("%s %s: the security requirement names %q, which components.securitySchemes does not define", o.method, o.path, name)
				return nil, false, false
			}
		}
		alts = append(alts, req)
	}
	return alts, optional, true
}

func (p *prober) scheme(name string) *openapi3.SecurityScheme {
	if p.doc.Components == nil {
		return nil
	}
	if ref := p.doc.Components.SecuritySchemes[name]; ref != nil {
		return ref.Value
	}
	return nil
}

func altLabel(alt openapi3.SecurityRequirement) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(alt)) {
		if len(alt[name]) > 0 {
			parts = append(parts, name+"["+strings.Join(alt[name], " ")+"]")
		} else {
			parts = append(parts, name)
		}
	}
	return strings.Join(parts, " and ")
}

// --- requests

// request is what the probe sends, before it is written out: parameter
// values by place and name, the body as a JSON value, the credentials.
type request struct {
	values  map[string][]string
	body    any
	hasBody bool
	creds   []credential
}

func (r request) clone() request {
	c := r
	c.values = maps.Clone(r.values)
	c.body = cloneJSON(r.body)
	c.creds = slices.Clone(r.creds)
	return c
}

func (r request) with(creds ...credential) request {
	c := r.clone()
	c.creds = append(c.creds, creds...)
	return c
}

func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = cloneJSON(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = cloneJSON(x)
		}
		return s
	}
	return v
}

// validRequest is the operation's request with every path parameter and
// every required parameter valid, and its body, valid, if it has one.
func (p *prober) validRequest(o *operation) request {
	r := request{values: map[string][]string{}}
	for _, prm := range o.params {
		if prm.In == openapi3.ParameterInPath {
			if v, ok := p.opts.PathValues[prm.Name]; ok {
				r.values[paramKey(prm.In, prm.Name)] = []string{v}
				continue
			}
		} else if !prm.Required {
			continue
		}
		r.values[paramKey(prm.In, prm.Name)] = paramValues(prm, validValue(schemaOf(prm.Schema), 0))
	}
	if o.body != nil {
		r.body, r.hasBody = validValue(o.body.schema, 0), true
	}
	return r
}

// breaker is one constraint of the document broken: what, where the 422
// should place the problem, and how.
type breaker struct {
	what       string
	loc        []any
	apply      func(*request)
	unreadable bool // a body missing, a value of another type: refused before any rule is read
}

func (b breaker) request(valid request) request {
	r := valid.clone()
	b.apply(&r)
	return r
}

// breakers are the operation's documented constraints, each broken.
func (p *prober) breakers(o *operation) []breaker {
	var out []breaker
	for _, prm := range o.params {
		prm, key := prm, paramKey(prm.In, prm.Name)
		where := prm.In + " parameter " + prm.Name
		if prm.Required && prm.In != openapi3.ParameterInPath {
			out = append(out, breaker{what: "no " + where + " (required)", loc: []any{prm.In, prm.Name},
				apply: func(r *request) { delete(r.values, key) }})
		}
		for _, bad := range brokenValuesOf(prm.Schema, true) {
			vs := paramValues(prm, bad.value)
			out = append(out, breaker{what: fmt.Sprintf("%s=%s (%s)", where, strings.Join(vs, ","), bad.why), loc: []any{prm.In, prm.Name},
				unreadable: bad.wrongType, apply: func(r *request) { r.values[key] = vs }})
		}
	}
	if o.body == nil {
		return out
	}
	if o.body.required {
		out = append(out, breaker{what: "no body (required)", loc: []any{"body"}, unreadable: true,
			apply: func(r *request) { r.body, r.hasBody = nil, false }})
	}
	valid := validValue(o.body.schema, 0)
	out = append(out, bodyBreakers(o.body.schema, valid, []any{"body"}, o.body.mediaType == "application/json", 0)...)
	return out
}

// bodyBreakers break the value at loc in a body, and what is inside it.
func bodyBreakers(s *openapi3.Schema, valid any, loc []any, json bool, depth int) []breaker {
	if s == nil || depth > maxDepth {
		return nil
	}
	var out []breaker
	where := "body"
	if len(loc) > 1 {
		where = "body property " + locString(loc[1:])
	}
	path := slices.Clone(loc[1:])
	if len(loc) > 1 || json {
		// A form body as a whole has no JSON type to break.
		for _, bad := range brokenValuesOfSchema(s, !json) {
			v := bad.value
			out = append(out, breaker{what: fmt.Sprintf("%s %s (%s)", where, showJSON(v), bad.why), loc: loc,
				unreadable: bad.wrongType, apply: func(r *request) { r.body = setAt(r.body, path, v) }})
		}
	}
	switch typeOf(s) {
	case openapi3.TypeObject:
		obj, _ := valid.(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			prop := schemaOf(s.Properties[name])
			if prop == nil || prop.ReadOnly {
				continue
			}
			at := append(slices.Clone(loc), name)
			if slices.Contains(s.Required, name) {
				inner := slices.Clone(at[1:])
				out = append(out, breaker{what: "body property " + locString(inner) + " missing (required)", loc: at,
					apply: func(r *request) { r.body = deleteAt(r.body, inner) }})
			}
			if raw := s.Properties[name].Value; raw != nil && typeOf(raw) == "" && (len(raw.AnyOf) > 1 || len(raw.OneOf) > 1) {
				prop = raw // alternatives: broken as a whole (brokenValuesOfSchema)
			}
			out = append(out, bodyBreakers(prop, obj[name], at, json, depth+1)...)
		}
	case openapi3.TypeArray:
		if arr, _ := valid.([]any); len(arr) > 0 && json { // a form's items are broken as its parameters' are
			out = append(out, bodyBreakers(schemaOf(s.Items), arr[0], append(slices.Clone(loc), 0), json, depth+1)...)
		}
	}
	return out
}

func locString(loc []any) string {
	parts := make([]string, len(loc))
	for i, l := range loc {
		parts[i] = fmt.Sprint(l)
	}
	return strings.Join(parts, ".")
}

func setAt(v any, path []any, x any) any {
	if len(path) == 0 {
		return x
	}
	switch c := v.(type) {
	case map[string]any:
		if k, ok := path[0].(string); ok {
			c[k] = setAt(c[k], path[1:], x)
		}
	case []any:
		if i, ok := path[0].(int); ok && i < len(c) {
			c[i] = setAt(c[i], path[1:], x)
		}
	}
	return v
}

func deleteAt(v any, path []any) any {
	if len(path) == 1 {
		if m, ok := v.(map[string]any); ok {
			delete(m, fmt.Sprint(path[0]))
		}
		return v
	}
	switch c := v.(type) {
	case map[string]any:
		if k, ok := path[0].(string); ok {
			c[k] = deleteAt(c[k], path[1:])
		}
	case []any:
		if i, ok := path[0].(int); ok && i < len(c) {
			c[i] = deleteAt(c[i], path[1:])
		}
	}
	return v
}

func showJSON(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

// --- values

const maxDepth = 8

// schemaOf is the schema a reference resolves to; of allOf, anyOf or oneOf
// without a type of their own, the first.
func schemaOf(ref *openapi3.SchemaRef) *openapi3.Schema {
	for depth := 0; ref != nil && ref.Value != nil; depth++ {
		s := ref.Value
		if typeOf(s) != "" || depth > maxDepth {
			return s
		}
		switch {
		case len(s.AllOf) == 1:
			ref = s.AllOf[0]
		case len(s.AnyOf) > 0:
			ref = s.AnyOf[0]
		case len(s.OneOf) > 0:
			ref = s.OneOf[0]
		default:
			return s
		}
	}
	return nil
}

// typeOf is the schema's type, null aside, or "" when it has none or many.
func typeOf(s *openapi3.Schema) string {
	if s == nil || s.Type == nil {
		return ""
	}
	var types []string
	for _, t := range s.Type.Slice() {
		if t != openapi3.TypeNull {
			types = append(types, t)
		}
	}
	if len(types) != 1 {
		return ""
	}
	return types[0]
}

// validValue is a value the schema allows, as a JSON value.
func validValue(s *openapi3.Schema, depth int) any {
	switch {
	case s == nil:
		return "probe"
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Default != nil:
		return s.Default
	case s.Example != nil:
		return s.Example
	}
	switch typeOf(s) {
	case openapi3.TypeInteger:
		return validNumber(s, true)
	case openapi3.TypeNumber:
		return validNumber(s, false)
	case openapi3.TypeBoolean:
		return true
	case openapi3.TypeString:
		return validString(s)
	case openapi3.TypeArray:
		n := max(s.MinItems, 1)
		if s.MaxItems != nil && n > *s.MaxItems {
			n = *s.MaxItems
		}
		items := make([]any, n)
		for i := range items {
			items[i] = validValue(schemaOf(s.Items), depth+1)
		}
		return items
	case openapi3.TypeObject:
		obj := map[string]any{}
		if depth > maxDepth {
			return obj
		}
		for name, ref := range s.Properties {
			if prop := schemaOf(ref); prop != nil && !prop.ReadOnly {
				obj[name] = validValue(prop, depth+1)
			}
		}
		return obj
	}
	return "probe"
}

// bounds are the schema's numeric bounds, each with whether it is
// exclusive (OpenAPI 3.0's boolean or 3.1's number).
func bounds(s *openapi3.Schema) (lo *float64, loExcl bool, hi *float64, hiExcl bool) {
	lo, hi = s.Min, s.Max
	if s.ExclusiveMin.Value != nil {
		lo, loExcl = s.ExclusiveMin.Value, true
	} else if lo != nil {
		loExcl = s.ExclusiveMin.IsTrue()
	}
	if s.ExclusiveMax.Value != nil {
		hi, hiExcl = s.ExclusiveMax.Value, true
	} else if hi != nil {
		hiExcl = s.ExclusiveMax.IsTrue()
	}
	return
}

// intBounds are the least and greatest integers within the bounds.
func intBounds(s *openapi3.Schema) (lo, hi *float64) {
	l, lExcl, h, hExcl := bounds(s)
	if l != nil {
		v := math.Ceil(*l)
		if lExcl && v == *l {
			v++
		}
		lo = &v
	}
	if h != nil {
		v := math.Floor(*h)
		if hExcl && v == *h {
			v--
		}
		hi = &v
	}
	return lo, hi
}

func validNumber(s *openapi3.Schema, integer bool) any {
	v := 1.0
	if integer {
		lo, hi := intBounds(s)
		if m := s.MultipleOf; m != nil && *m >= 1 {
			v = *m
		}
		if lo != nil && v < *lo {
			v = *lo
			if m := s.MultipleOf; m != nil && *m >= 1 {
				v = math.Ceil(v / *m) * *m
			}
		}
		if hi != nil && v > *hi {
			v = *hi
		}
		return int64(v)
	}
	lo, loExcl, hi, hiExcl := bounds(s)
	if lo != nil && (v < *lo || loExcl && v == *lo) {
		v = *lo
		if loExcl {
			v++
		}
	}
	if hi != nil && (v > *hi || hiExcl && v == *hi) {
		v = *hi
		if hiExcl {
			v--
		}
		if lo != nil && (v < *lo || loExcl && v == *lo) {
			v = (*lo + *hi) / 2 // a narrow range: its middle
		}
	}
	return v
}

var formatValues = map[string]string{
	"email": "probe@example.com", "idn-email": "probe@example.com",
	"uuid":      "7d444840-9dc0-11d1-b245-5ffdce74fad2",
	"date-time": "2024-01-02T03:04:05Z", "date": "2024-01-02", "time": "03:04:05Z",
	"uri": "https://example.com/probe", "url": "https://example.com/probe", "uri-reference": "/probe",
	"hostname": "example.com", "ipv4": "192.0.2.1", "ipv6": "2001:db8::1",
	"byte": "cHJvYmU=", "password": "probe-password",
}

func validString(s *openapi3.Schema) string {
	v, ok := formatValues[s.Format]
	if !ok {
		v = "probe"
	}
	if re := pattern(s); re != nil && !re.MatchString(fitLength(s, v)) {
		for _, c := range patternCandidates {
			if re.MatchString(fitLength(s, c)) {
				return fitLength(s, c)
			}
		}
	}
	return fitLength(s, v)
}

// patternCandidates are tried in turn for a string with a pattern.
var patternCandidates = []string{"probe", "1", "12345", "a", "A", "a1", "Probe1", "probe-1", "probe_1", "probe@example.com", "0.5"}

// pattern is the schema's pattern, if Go reads it as ECMA 262 does.
func pattern(s *openapi3.Schema) *regexp.Regexp {
	if s.Pattern == "" {
		return nil
	}
	re, err := regexp.Compile(s.Pattern)
	if err != nil {
		return nil
	}
	return re
}

// fitLength pads or cuts v to the schema's lengths.
func fitLength(s *openapi3.Schema, v string) string {
	if n := int(s.MinLength); len(v) < n {
		switch {
		case v == "":
			v = strings.Repeat("x", n)
		case strings.Contains(v, "@"):
			v = strings.Repeat(v[:1], n-len(v)) + v // still an email
		default:
			v += strings.Repeat(v[len(v)-1:], n-len(v)) // still of the same characters
		}
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

// bad is a value that breaks a constraint, and which.
type bad struct {
	value     any
	why       string
	wrongType bool
}

// brokenValuesOf breaks the schema ref resolves to. Of alternatives (anyOf,
// oneOf: omitempty's "the zero value, or what the rules allow"), it keeps
// the values that every alternative refuses.
func brokenValuesOf(ref *openapi3.SchemaRef, param bool) []bad {
	if ref == nil {
		return nil
	}
	return brokenValuesOfSchema(ref.Value, param)
}

func brokenValuesOfSchema(s *openapi3.Schema, param bool) []bad {
	if s == nil {
		return nil
	}
	alts := s.AnyOf
	if len(alts) == 0 {
		alts = s.OneOf
	}
	if typeOf(s) != "" || len(alts) < 2 {
		return brokenValues(schemaOf(openapi3.NewSchemaRef("", s)), param)
	}
	var out []bad
	// Last first: omitempty's alternatives put the zero value first, and the
	// rules, which the descriptions should name, after it.
	onlyEnums := !slices.ContainsFunc(alts, func(a *openapi3.SchemaRef) bool { return len(schemaOf(a).Enum) != 1 })
	for _, a := range slices.Backward(alts) {
		if as := schemaOf(a); len(as.Enum) == 1 && !onlyEnums {
			continue // the zero value's alternative: the others' rules are the ones to break
		}
		for _, b := range brokenValues(schemaOf(a), param) {
			if refusedByAll(alts, b.value, param) && !slices.ContainsFunc(out, func(o bad) bool { return fmt.Sprint(o.value) == fmt.Sprint(b.value) }) {
				out = append(out, b)
			}
		}
	}
	return out
}

// refusedByAll reports whether no alternative accepts v. A parameter's
// value travels as text: "3" is read as the number a number schema wants.
func refusedByAll(alts openapi3.SchemaRefs, v any, param bool) bool {
	for _, a := range alts {
		s := schemaOf(a)
		if s == nil {
			return false
		}
		x := v
		if text, ok := v.(string); ok && param {
			if f, err := strconv.ParseFloat(text, 64); err == nil && (typeOf(s) == openapi3.TypeInteger || typeOf(s) == openapi3.TypeNumber) {
				x = f
			}
		}
		if s.VisitJSON(x) == nil {
			return false
		}
	}
	return true
}

// brokenValues break each constraint of the schema in turn. A parameter's
// value is a string on the wire: it has no string type to break, and an
// empty string there is an empty parameter rather than a short string.
func brokenValues(s *openapi3.Schema, param bool) []bad {
	if s == nil {
		return nil
	}
	var out []bad
	typ := typeOf(s)
	switch typ {
	case openapi3.TypeInteger:
		out = append(out, bad{"abc", "not an integer", true})
	case openapi3.TypeNumber:
		out = append(out, bad{"abc", "not a number", true})
	case openapi3.TypeBoolean:
		out = append(out, bad{"abc", "not a boolean", true})
	case openapi3.TypeString:
		if !param {
			out = append(out, bad{12345, "not a string", true})
		}
	case openapi3.TypeObject:
		if !param {
			out = append(out, bad{"abc", "not an object", true})
		}
	case openapi3.TypeArray:
		if !param {
			out = append(out, bad{"abc", "not an array", true})
		} else {
			for _, b := range brokenValues(schemaOf(s.Items), true) {
				out = append(out, bad{[]any{b.value}, "an item " + b.why, b.wrongType})
			}
		}
	}
	if typ == openapi3.TypeInteger || typ == openapi3.TypeNumber {
		lo, loExcl, hi, hiExcl := bounds(s)
		ilo, ihi := intBounds(s)
		if lo != nil {
			v, why := *lo-1, "under its minimum "+num(*lo)
			if loExcl {
				v, why = *lo, "not over its exclusive minimum "+num(*lo)
			}
			if typ == openapi3.TypeInteger {
				v = *ilo - 1
			}
			out = append(out, bad{number(v, typ), why, false})
		}
		if hi != nil {
			v, why := *hi+1, "over its maximum "+num(*hi)
			if hiExcl {
				v, why = *hi, "not under its exclusive maximum "+num(*hi)
			}
			if typ == openapi3.TypeInteger {
				v = *ihi + 1
			}
			out = append(out, bad{number(v, typ), why, false})
		}
	}
	if typ == openapi3.TypeString {
		if n := s.MinLength; n > 0 && (n > 1 || !param) {
			out = append(out, bad{strings.Repeat("x", int(n-1)), fmt.Sprintf("%d characters, under its minLength %d", n-1, n), false})
		}
		if s.MaxLength != nil {
			n := *s.MaxLength
			out = append(out, bad{strings.Repeat("x", int(n+1)), fmt.Sprintf("%d characters, over its maxLength %d", n+1, n), false})
		}
	}
	if re := pattern(s); re != nil && typ == openapi3.TypeString {
		for _, c := range []string{"!", "probe!", "~ ~", "0", "a"} {
			if c = fitLength(s, c); c != "" && !re.MatchString(c) {
				out = append(out, bad{c, "not matching its pattern " + s.Pattern, false})
				break
			}
		}
	}
	if typ == openapi3.TypeArray {
		item := validValue(schemaOf(s.Items), 1)
		if n := s.MinItems; n > 0 && (n > 1 || !param) {
			out = append(out, bad{slices.Repeat([]any{item}, int(n-1)), fmt.Sprintf("%d items, under its minItems %d", n-1, n), false})
		}
		if s.MaxItems != nil {
			n := *s.MaxItems
			out = append(out, bad{slices.Repeat([]any{item}, int(n+1)), fmt.Sprintf("%d items, over its maxItems %d", n+1, n), false})
		}
	}
	if len(s.Enum) > 0 {
		if v, ok := outsideEnum(s.Enum, typ); ok {
			out = append(out, bad{v, fmt.Sprintf("not one of its enum %s", showJSON(s.Enum)), false})
		}
	}
	return out
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func number(v float64, typ string) any {
	if typ == openapi3.TypeInteger {
		return int64(v)
	}
	return v
}

// outsideEnum is a value of the type that the enum does not list.
func outsideEnum(enum []any, typ string) (any, bool) {
	in := func(v any) bool {
		return slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) })
	}
	switch typ {
	case openapi3.TypeInteger, openapi3.TypeNumber:
		top := math.Inf(-1)
		for _, e := range enum {
			if f, ok := e.(float64); ok {
				top = max(top, f)
			}
		}
		if math.IsInf(top, -1) {
			top = 0
		}
		return number(math.Floor(top)+1, typ), true
	case openapi3.TypeBoolean:
		for _, v := range []bool{true, false} {
			if !in(v) {
				return v, true
			}
		}
		return nil, false
	}
	v := "probe-not-in-enum"
	for in(v) {
		v += "x"
	}
	return v, true
}

// paramValues writes a value as the parameter travels: one string, or for
// a list, one per item where the parameter explodes and else joined.
func paramValues(p *openapi3.Parameter, v any) []string {
	items, ok := v.([]any)
	if !ok {
		return []string{scalar(v)}
	}
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = scalar(item)
	}
	sm, err := p.SerializationMethod()
	if err == nil && sm.Explode && (p.In == openapi3.ParameterInQuery || p.In == openapi3.ParameterInCookie) {
		return out
	}
	sep := ","
	if sm != nil {
		switch sm.Style {
		case openapi3.SerializationSpaceDelimited:
			sep = " "
		case openapi3.SerializationPipeDelimited:
			sep = "|"
		}
	}
	return []string{strings.Join(out, sep)}
}

func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return num(v)
	case nil:
		return ""
	case map[string]any, []any:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprint(v)
}

// --- credentials

// credential is one scheme's credential, as it is sent.
type credential struct {
	scheme string
	model  *openapi3.SecurityScheme
	value  string // a token or an API key
	user   string // HTTP Basic
	pass   string
	label  string // for messages, without the secret
}

// How a scheme's credential is sent: credentialKind tells them apart.
const (
	apiKeyCredential = "apiKey"
	basicCredential  = "basic"
	bearerCredential = "bearer"
)

// credentialKind is how a credential of model is sent, or "" if the probe
// cannot send one.
func credentialKind(model *openapi3.SecurityScheme) string {
	switch {
	case model.Type == "apiKey":
		return apiKeyCredential
	case model.Type == "http" && strings.EqualFold(model.Scheme, "basic"):
		return basicCredential
	case model.Type == "oauth2" || model.Type == "openIdConnect" ||
		model.Type == "http" && strings.EqualFold(model.Scheme, "bearer"):
		return bearerCredential
	}
	return ""
}

// cannotSend says that the probe cannot send a credential of the scheme.
func cannotSend(name string, model *openapi3.SecurityScheme) string {
	return fmt.Sprintf("the probe cannot send a credential of %s (type %s %s)", name, model.Type, model.Scheme)
}

func (c credential) apply(req *http.Request) {
	switch credentialKind(c.model) {
	case apiKeyCredential:
		switch c.model.In {
		case "header":
			req.Header.Set(c.model.Name, c.value)
		case "query":
			q := req.URL.Query()
			q.Set(c.model.Name, c.value)
			req.URL.RawQuery = q.Encode()
		case "cookie":
			req.AddCookie(&http.Cookie{Name: c.model.Name, Value: c.value})
		}
	case basicCredential:
		req.SetBasicAuth(c.user, c.pass)
	default:
		req.Header.Set("Authorization", "Bearer "+c.value)
	}
}

// credentials are every credential of an alternative, the tokens with the
// scopes it lists; with lacking, the token of that scheme lacks that scope
// and holds the scheme's others. why says what cannot be sent.
func (p *prober) credentials(alt openapi3.SecurityRequirement, names []string, scheme, lacking string) ([]credential, string) {
	p.t.Helper()
	var out []credential
	for _, name := range names {
		model := p.scheme(name)
		var (
			c   credential
			why string
		)
		switch credentialKind(model) {
		case apiKeyCredential:
			key, ok := p.opts.APIKeys[name]
			if !ok {
				return nil, fmt.Sprintf("no API key for %s (ProbeOptions.APIKeys)", name)
			}
			c = credential{value: key, label: name + " key"}
		case basicCredential:
			if p.opts.Basic[0] == "" {
				return nil, fmt.Sprintf("no username for %s (ProbeOptions.Basic)", name)
			}
			c = credential{user: p.opts.Basic[0], pass: p.opts.Basic[1], label: name + " " + p.opts.Basic[0]}
		case bearerCredential:
			c, why = p.bearer(name, model, alt[name], cond(name == scheme, lacking, ""))
			if why != "" {
				return nil, why
			}
		default:
			return nil, cannotSend(name, model)
		}
		c.scheme, c.model = name, model
		out = append(out, c)
	}
	return out, ""
}

func cond[T any](ok bool, a, b T) T {
	if ok {
		return a
	}
	return b
}

// invalidCredential is a credential of the scheme that no API takes.
func (p *prober) invalidCredential(name string) (credential, string) {
	model := p.scheme(name)
	c := credential{scheme: name, model: model, label: "invalid " + name}
	switch credentialKind(model) {
	case apiKeyCredential:
		c.value = "swaggertest-probe-invalid-key"
	case basicCredential:
		c.user, c.pass = "swaggertest-probe-nobody", "swaggertest-probe-invalid-password"
	case bearerCredential:
		c.value = "swaggertest-probe-invalid-token"
	default:
		return c, cannotSend(name, model)
	}
	return c, ""
}

type tokenResult struct {
	token   string
	granted []string // the scope the token endpoint answered, if it did
	err     error
}

type oidcResult struct {
	tokenURL string
	err      error
}

// bearer is a token of the scheme granting the requirement's scopes, or,
// with lacking, all the scheme's scopes but that one.
func (p *prober) bearer(name string, model *openapi3.SecurityScheme, scopes []string, lacking string) (credential, string) {
	p.t.Helper()
	candidates := [][]string{scopes}
	if lacking != "" {
		all := slices.Clone(scopes)
		if model.Flows != nil && model.Flows.Password != nil {
			for _, s := range slices.Sorted(maps.Keys(model.Flows.Password.Scopes)) {
				if !slices.Contains(all, s) {
					all = append(all, s)
				}
			}
		}
		without := func(list []string) []string {
			return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == lacking })
		}
		// The scheme's other scopes, or if the token endpoint refuses them
		// (a user may not hold them all), the requirement's others.
		candidates = [][]string{without(all)}
		if !slices.Equal(without(all), without(scopes)) {
			candidates = append(candidates, without(scopes))
		}
	}
	var errs []string
	for _, want := range candidates {
		tr, why := p.token(name, model, want)
		if why != "" {
			return credential{}, why
		}
		if tr.err != nil {
			errs = append(errs, tr.err.Error())
			continue
		}
		if tr.granted != nil {
			if lacking != "" && slices.Contains(tr.granted, lacking) {
				errs = append(errs, fmt.Sprintf("asked for scopes %q, the token endpoint granted %q, with %q", want, tr.granted, lacking))
				continue
			}
			if missing := slices.DeleteFunc(slices.Clone(want), func(s string) bool { return slices.Contains(tr.granted, s) }); len(missing) > 0 {
				errs = append(errs, fmt.Sprintf("asked for scopes %q, the token endpoint granted %q, without %q", want, tr.granted, missing))
				continue
			}
		}
		label := fmt.Sprintf("%s token [%s]", name, strings.Join(want, " "))
		if lacking != "" {
			label += fmt.Sprintf(" (lacking %s)", lacking)
		}
		return credential{value: tr.token, label: label}, ""
	}
	key := "token\x00" + name + "\x00" + strings.Join(slices.Sorted(slices.Values(scopes)), " ") + "\x00" + lacking
	if !p.reported[key] {
		p.reported[key] = true
		what := fmt.Sprintf("a token of %s with scopes %q", name, scopes)
		if lacking != "" {
			what = fmt.Sprintf("a token of %s lacking scope %q", name, lacking)
		}
		p.t.Errorf("swaggertest.Probe: cannot get %s: %s", what, strings.Join(errs, "; "))
	}
	return credential{}, "no token (the error is reported)"
}

// token gets a token of the scheme with the scopes, once for the probe.
func (p *prober) token(name string, model *openapi3.SecurityScheme, scopes []string) (tokenResult, string) {
	key := name + "\x00" + strings.Join(slices.Sorted(slices.Values(scopes)), " ")
	if tr, ok := p.tokens[key]; ok {
		return tr, ""
	}
	var tr tokenResult
	switch {
	case p.opts.Token != nil:
		tr.token, tr.err = p.opts.Token(name, slices.Clone(scopes))
		if tr.err != nil {
			tr.err = fmt.Errorf("ProbeOptions.Token: %w", tr.err)
		}
	case p.opts.Username == "":
		return tr, fmt.Sprintf("no token for %s: neither ProbeOptions.Token nor a Username for the password grant", name)
	case model.Type == "oauth2":
		if model.Flows == nil || model.Flows.Password == nil || model.Flows.Password.TokenURL == "" {
			return tr, fmt.Sprintf("no token for %s: it has no password flow (ProbeOptions.Token gives tokens of other flows)", name)
		}
		tr = p.passwordGrant(model.Flows.Password.TokenURL, scopes)
	case model.Type == "openIdConnect":
		endpoint, err := p.oidcTokenURL(model.OpenIdConnectUrl)
		if err != nil {
			tr.err = err
			break
		}
		tr = p.passwordGrant(endpoint, scopes)
	default:
		return tr, fmt.Sprintf("no token for %s: an HTTP bearer scheme names no token endpoint (ProbeOptions.Token)", name)
	}
	p.tokens[key] = tr
	return tr, ""
}

// passwordGrant asks the token endpoint for a token (RFC 6749 §4.3.2).
func (p *prober) passwordGrant(tokenURL string, scopes []string) tokenResult {
	endpoint, err := p.base.Parse(tokenURL)
	if err != nil {
		return tokenResult{err: fmt.Errorf("tokenUrl %q: %w", tokenURL, err)}
	}
	form := url.Values{"grant_type": {"password"}, "username": {p.opts.Username}, "password": {p.opts.Password}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	if p.opts.ClientID != "" && p.opts.ClientSecret == "" {
		form.Set("client_id", p.opts.ClientID)
	}
	req, err := http.NewRequestWithContext(p.ctx, http.MethodPost, endpoint.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return tokenResult{err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if p.opts.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(p.opts.ClientID), url.QueryEscape(p.opts.ClientSecret))
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return tokenResult{err: fmt.Errorf("POST %s: %w", endpoint, err)}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var answer struct {
		AccessToken string  `json:"access_token"`
		Scope       *string `json:"scope"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &answer) != nil || answer.AccessToken == "" {
		return tokenResult{err: fmt.Errorf("POST %s (password grant, scope %q): %d %s", endpoint, form.Get("scope"), resp.StatusCode, clip(b))}
	}
	tr := tokenResult{token: answer.AccessToken}
	if answer.Scope != nil {
		tr.granted = append([]string{}, strings.Fields(*answer.Scope)...)
	}
	return tr
}

// oidcTokenURL is the token endpoint of an OpenID Connect discovery
// document.
func (p *prober) oidcTokenURL(discovery string) (string, error) {
	if r, ok := p.oidc[discovery]; ok {
		return r.tokenURL, r.err
	}
	r := func() oidcResult {
		u, err := p.base.Parse(discovery)
		if err != nil {
			return oidcResult{err: fmt.Errorf("openIdConnectUrl %q: %w", discovery, err)}
		}
		req, err := http.NewRequestWithContext(p.ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return oidcResult{err: err}
		}
		resp, err := p.client.Do(req)
		if err != nil {
			return oidcResult{err: fmt.Errorf("GET %s: %w", u, err)}
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		var meta struct {
			TokenEndpoint string `json:"token_endpoint"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &meta) != nil || meta.TokenEndpoint == "" {
			return oidcResult{err: fmt.Errorf("GET %s: %d %s: no token_endpoint", u, resp.StatusCode, clip(b))}
		}
		return oidcResult{tokenURL: meta.TokenEndpoint}
	}()
	p.oidc[discovery] = r
	return r.tokenURL, r.err
}

// --- sending and checking

// want is the answer the document calls for: a status, or any but some;
// for a 422, the place of the problem.
type want struct {
	status int
	not    []int
	loc    []any
}

func (w want) String() string {
	if w.status != 0 {
		return strconv.Itoa(w.status)
	}
	parts := make([]string, len(w.not))
	for i, s := range w.not {
		parts[i] = strconv.Itoa(s)
	}
	return "not " + strings.Join(parts, ", ")
}

// check sends the request and reports how the answer differs from w.
func (p *prober) check(o *operation, what string, r request, w want) {
	p.t.Helper()
	p.report.Checks = append(p.report.Checks, fmt.Sprintf("%s %s: %s: want %s", o.method, o.path, what, w))
	req, sent, err := p.httpRequest(o, r)
	if err != nil {
		p.t.Errorf("%s %s: %s: the request cannot be made: %v", o.method, o.path, what, err)
		return
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Errorf("%s %s: %s: sent %s: %v", o.method, o.path, what, sent, err)
		return
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	got := resp.StatusCode

	if w.status != 0 && got != w.status || slices.Contains(w.not, got) {
		p.t.Errorf("%s %s: %s: sent %s: want %s, got %d %s", o.method, o.path, what, sent, w, got, clip(b))
	} else if got == http.StatusUnprocessableEntity {
		if problems, ok := validationProblems(b); ok && w.loc != nil {
			var at, elsewhere []string
			for _, pr := range problems {
				if locHasPrefix(pr.Loc, w.loc) {
					at = append(at, pr.String())
				} else {
					elsewhere = append(elsewhere, pr.String())
				}
			}
			switch {
			case len(at) == 0:
				p.t.Errorf("%s %s: %s: sent %s: want 422 for %s, got 422 for something else: %s",
					o.method, o.path, what, sent, locString(w.loc), strings.Join(elsewhere, "; "))
			case len(elsewhere) > 0:
				p.t.Errorf("%s %s: %s: sent %s: the 422 also refuses values the document allows: %s",
					o.method, o.path, what, sent, strings.Join(elsewhere, "; "))
			}
		}
	}
	if o.op.Responses == nil || o.op.Responses.Status(got) == nil && o.op.Responses.Default() == nil {
		if key := "status\x00" + o.method + " " + o.path + " " + strconv.Itoa(got); !p.reported[key] {
			p.reported[key] = true
			var listed []string
			if o.op.Responses != nil {
				listed = slices.Sorted(maps.Keys(o.op.Responses.Map()))
			}
			p.t.Errorf("%s %s: %s: sent %s: answered %d, which the operation's responses do not list (%s)",
				o.method, o.path, what, sent, got, strings.Join(listed, ", "))
		}
	}
}

// httpRequest writes the request out; sent describes it, secrets aside.
func (p *prober) httpRequest(o *operation, r request) (*http.Request, string, error) {
	path := o.path
	for _, name := range templateNames(o.path) {
		v := r.values[paramKey(openapi3.ParameterInPath, name)]
		path = strings.Replace(path, "{"+name+"}", url.PathEscape(strings.Join(v, ",")), 1)
	}
	query := url.Values{}
	header := http.Header{}
	var cookies []*http.Cookie
	var sent strings.Builder
	for _, prm := range o.params {
		vs, ok := r.values[paramKey(prm.In, prm.Name)]
		if !ok {
			continue
		}
		switch prm.In {
		case openapi3.ParameterInQuery:
			query[prm.Name] = vs
		case openapi3.ParameterInHeader:
			for _, v := range vs {
				header.Add(prm.Name, v)
				fmt.Fprintf(&sent, " %s: %s", prm.Name, v)
			}
		case openapi3.ParameterInCookie:
			for _, v := range vs {
				cookies = append(cookies, &http.Cookie{Name: prm.Name, Value: v, Quoted: strings.ContainsAny(v, " ,")})
				fmt.Fprintf(&sent, " cookie %s=%s", prm.Name, v)
			}
		}
	}
	var payload io.Reader
	if r.hasBody {
		var text string
		switch o.body.mediaType {
		case "application/json":
			b, err := json.Marshal(r.body)
			if err != nil {
				return nil, "", err
			}
			text = string(b)
		default:
			form := url.Values{}
			obj, _ := r.body.(map[string]any)
			for k, v := range obj {
				if items, ok := v.([]any); ok {
					for _, item := range items {
						form.Add(k, scalar(item))
					}
				} else {
					form.Set(k, scalar(v))
				}
			}
			text = form.Encode()
		}
		payload = strings.NewReader(text)
		fmt.Fprintf(&sent, " body %s", clip([]byte(text)))
	}
	target := p.base.String() + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(p.ctx, o.method, target, payload)
	if err != nil {
		return nil, "", err
	}
	req.Header = header
	req.Header.Set("Accept", "application/json")
	if r.hasBody {
		req.Header.Set("Content-Type", o.body.mediaType)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	var labels []string
	for _, c := range r.creds {
		c.apply(req)
		labels = append(labels, c.label)
	}
	// The URL as sent, without the API keys of the query.
	shown := req.URL.EscapedPath()
	if q := req.URL.Query(); len(q) > 0 {
		for _, c := range r.creds {
			if c.model.Type == "apiKey" && c.model.In == "query" {
				q.Set(c.model.Name, "<"+c.label+">")
			}
		}
		shown += "?" + q.Encode()
	}
	if len(labels) == 0 {
		sent.WriteString(" with no credential")
	} else {
		sent.WriteString(" with " + strings.Join(labels, " and "))
	}
	return req, o.method + " " + shown + sent.String(), nil
}

// problem is one item of FastAPI's 422.
type problem struct {
	Loc []any  `json:"loc"`
	Msg string `json:"msg"`
}

func (pr problem) String() string { return locString(pr.Loc) + ": " + pr.Msg }

// validationProblems reads a 422 in FastAPI's shape.
func validationProblems(b []byte) ([]problem, bool) {
	var v struct {
		Detail []problem `json:"detail"`
	}
	if json.Unmarshal(b, &v) != nil || len(v.Detail) == 0 {
		return nil, false
	}
	for _, pr := range v.Detail {
		if len(pr.Loc) == 0 {
			return nil, false
		}
	}
	return v.Detail, true
}

// locHasPrefix says whether loc is at prefix or inside it; names compare
// without case, as headers do.
func locHasPrefix(loc, prefix []any) bool {
	if len(loc) < len(prefix) {
		return false
	}
	for i, want := range prefix {
		if !strings.EqualFold(fmt.Sprint(loc[i]), fmt.Sprint(want)) {
			return false
		}
	}
	return true
}

// clip is an answer's body, cut for a message.
func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
