package todo

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/ginauth/authtest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}

const (
	issuerURL = "https://auth.example.com"
	audience  = "https://todo.example.com"

	notAuthenticated = `{"detail":"Not authenticated"}`
	couldNotValidate = `{"detail":"Could not validate credentials"}`
	invalidToken     = `Bearer error="invalid_token", error_description="The access token is not valid"`
	malformedToken   = `Bearer error="invalid_token", error_description="The access token is malformed"`
	needsWrite       = `Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="todos:write"`
	needsRead        = `Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="todos:read"`
	notEnough        = `{"detail":"Not enough permissions"}`
)

// server is the API as it runs, with an authorization server of its own
// whose JWK Set is served over HTTP, as a real one's is.
type server struct {
	t      *testing.T
	issuer *ginauth.Issuer
	engine *gin.Engine
	api    *di.Router
	store  *Store
	seen   atomic.Int32 // tokens the validator was asked about
}

// countingValidator counts the validations, to see how often a request
// reaches the validator.
type countingValidator struct {
	ginauth.TokenValidator
	n *atomic.Int32
}

func (v countingValidator) Validate(ctx context.Context, raw string) (*ginauth.Token, error) {
	v.n.Add(1)
	return v.TokenValidator.Validate(ctx, raw)
}

// The seed: two to-dos of ann (one shared), one of bob (shared), one of bob's
// own.
func seed() *Store {
	return NewStore(
		Todo{Owner: "ann", Title: "Buy milk"},
		Todo{Owner: "ann", Title: "Plan the party", Shared: true},
		Todo{Owner: "bob", Title: "Fix the bike", Shared: true},
		Todo{Owner: "bob", Title: "Call mum"},
	)
}

func newServer(t *testing.T) *server {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: issuerURL, Audience: audience, Key: key, KeyID: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := issuer.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	t.Cleanup(keys.Close)
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: issuerURL, Audience: audience, Keys: ginauth.JWKS(keys.URL)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close) // before keys.Close: cleanups run last in, first out

	s := &server{t: t, issuer: issuer, engine: gin.New(), store: seed()}
	s.api = Register(s.engine, countingValidator{v, &s.seen}, s.store)
	return s
}

// token signs an access token for subject, with the custom claim name.
func (s *server) token(subject, name string, scopes ...string) string {
	s.t.Helper()
	at, err := s.issuer.Issue(subject, "todo-cli", scopes, ginauth.WithClaims(map[string]string{"name": name}))
	if err != nil {
		s.t.Fatal(err)
	}
	return at.AccessToken
}

func (s *server) ann(scopes ...string) string { return s.token("ann", "Ann", scopes...) }

func (s *server) do(method, target, token, body string) *httptest.ResponseRecorder {
	return serve(s.engine, method, target, token, body)
}

func serve(h http.Handler, method, target, token, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// expect checks the status, the WWW-Authenticate header ("" for none) and
// the body, exactly.
func expect(t *testing.T, w *httptest.ResponseRecorder, status int, challenge, body string) {
	t.Helper()
	got := strings.Join(w.Header().Values("WWW-Authenticate"), " | ")
	if w.Code != status || got != challenge || w.Body.String() != body {
		t.Errorf("got  %d [%s] %s\nwant %d [%s] %s", w.Code, got, w.Body, status, challenge, body)
	}
}

// unchanged checks that the store holds what it was seeded with, and no audit.
func (s *server) unchanged() {
	s.t.Helper()
	todos, trail := s.store.Snapshot()
	want, _ := seed().Snapshot()
	if !slices.Equal(todos, want) || len(trail) != 0 {
		s.t.Errorf("the store changed: %v, audit %q", todos, trail)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	good := s.ann("todos:read", "todos:write")
	tampered := good[:len(good)-4] + "AAAA"
	unnamed := s.token("ann", "", "todos:read")

	for _, method := range []string{"GET /todos", "POST /todos", "GET /todos/1", "PATCH /todos/1", "DELETE /todos/1"} {
		m, path, _ := strings.Cut(method, " ")
		expect(t, s.do(m, path, "", `{"title":"x"}`), 401, "Bearer", notAuthenticated)
		expect(t, s.do(m, path, "not-a-jwt", `{"title":"x"}`), 401, malformedToken, couldNotValidate)
		expect(t, s.do(m, path, tampered, `{"title":"x"}`), 401, invalidToken, couldNotValidate)
	}
	// A token of the issuer, but without the claim the API needs.
	expect(t, s.do("GET", "/todos", unnamed, ""), 401,
		`Bearer error="invalid_token", error_description="The access token has no name"`, couldNotValidate)
	s.unchanged()
}

func TestScopes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	read, write := s.ann("todos:read"), s.ann("todos:write")
	expect(t, s.do("POST", "/todos", read, `{"title":"Walk the dog"}`), 403, needsWrite, notEnough)
	expect(t, s.do("PATCH", "/todos/1", read, `{"done":true}`), 403, needsWrite, notEnough)
	expect(t, s.do("DELETE", "/todos/1", read, ""), 403, needsWrite, notEnough)
	expect(t, s.do("GET", "/todos", write, ""), 403, needsRead, notEnough)
	expect(t, s.do("GET", "/todos/1", write, ""), 403, needsRead, notEnough)
	s.unchanged()
}

func TestList(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	expect(t, s.do("GET", "/todos", s.ann("todos:read"), ""), 200, "",
		`[{"id":1,"owner":"ann","title":"Buy milk","done":false,"shared":false},{"id":2,"owner":"ann","title":"Plan the party","done":false,"shared":true}]`)
	expect(t, s.do("GET", "/todos", s.token("cid", "Cid", "todos:read"), ""), 200, "", `[]`)
}

func TestCreate(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	w := s.do("POST", "/todos", s.ann("todos:write"), `{"title":"Walk the dog","shared":true}`)
	expect(t, w, 201, "", `{"id":5,"owner":"ann","title":"Walk the dog","done":false,"shared":true}`)
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	todos, _ := s.store.Snapshot()
	if len(todos) != 5 || todos[4].Title != "Walk the dog" {
		t.Errorf("not committed: %v", todos)
	}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	write := s.ann("todos:write")
	// gin's required means "not the zero value": an empty title is missing,
	// where pydantic would say string_too_short.
	expect(t, s.do("POST", "/todos", write, `{"title":""}`), 422, "",
		`{"detail":[{"type":"missing","loc":["body","title"],"msg":"Field required","input":{"title":""}}]}`)
	expect(t, s.do("POST", "/todos", write, `{"title":"`+strings.Repeat("x", 101)+`"}`), 422, "",
		`{"detail":[{"type":"string_too_long","loc":["body","title"],"msg":"String should have at most 100 characters","input":"`+strings.Repeat("x", 101)+`","ctx":{"max_length":100}}]}`)
	expect(t, s.do("POST", "/todos", write, `{"shared":"yes"}`), 422, "",
		`{"detail":[{"type":"missing","loc":["body","title"],"msg":"Field required","input":{"shared":"yes"}},{"type":"bool_type","loc":["body","shared"],"msg":"Input should be a valid boolean","input":"yes"}]}`)
	expect(t, s.do("POST", "/todos", write, ""), 422, "",
		`{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`)
	s.unchanged()
}

// A title ann already has is refused at commit: the transaction rolls back,
// and the 201 the handler answered becomes a 409.
func TestCreateDuplicateRollsBack(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	w := s.do("POST", "/todos", s.ann("todos:write"), `{"title":"Buy milk"}`)
	expect(t, w, 409, "", `{"detail":"A to-do with this title already exists"}`)
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	s.unchanged()
	// Another user may have it; and the store is usable after the rollback.
	expect(t, s.do("POST", "/todos", s.token("bob", "Bob", "todos:write"), `{"title":"Buy milk"}`), 201, "",
		`{"id":5,"owner":"bob","title":"Buy milk","done":false,"shared":false}`)
}

func TestGet(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	read := s.ann("todos:read")
	expect(t, s.do("GET", "/todos/2", read, ""), 200, "", `{"id":2,"owner":"ann","title":"Plan the party","done":false,"shared":true}`)
	expect(t, s.do("GET", "/todos/3", read, ""), 404, "", `{"detail":"To-do not found"}`) // bob's, shared or not
	expect(t, s.do("GET", "/todos/99", read, ""), 404, "", `{"detail":"To-do not found"}`)
	expect(t, s.do("GET", "/todos/0", read, ""), 404, "", `{"detail":"To-do not found"}`)
	expect(t, s.do("GET", "/todos/abc", read, ""), 422, "",
		`{"detail":[{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}`)
}

// PATCH takes five dependencies: the user under the write scope, the path,
// the body, the transaction and the audit logger, which writes in the same
// transaction.
func TestPatch(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	write := s.ann("todos:write")
	expect(t, s.do("PATCH", "/todos/1", write, `{"title":"Buy oat milk","done":true}`), 200, "",
		`{"id":1,"owner":"ann","title":"Buy oat milk","done":true,"shared":false}`)
	todos, trail := s.store.Snapshot()
	if todos[0] != (Todo{ID: 1, Owner: "ann", Title: "Buy oat milk", Done: true}) {
		t.Errorf("not committed: %v", todos[0])
	}
	want := []string{`Ann: renamed #1 from "Buy milk" to "Buy oat milk"`, `Ann: marked #1 done=true`}
	if !slices.Equal(trail, want) {
		t.Errorf("audit %q\nwant  %q", trail, want)
	}
	// The audit logger takes the user at the same place as the handler (under
	// the write scope), so the request validates the token once: the user
	// without scopes would be another cache entry, and a second validation.
	if n := s.seen.Load(); n != 1 {
		t.Errorf("the request validated the token %d times", n)
	}
}

func TestPatchErrorsRollBack(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	write := s.ann("todos:write")
	// The handler changed the to-do and wrote the audit trail; the commit
	// finds the title taken, and none of it stays.
	expect(t, s.do("PATCH", "/todos/1", write, `{"title":"Plan the party","done":true}`), 409, "",
		`{"detail":"A to-do with this title already exists"}`)
	expect(t, s.do("PATCH", "/todos/3", write, `{"done":true}`), 404, "", `{"detail":"To-do not found"}`)
	expect(t, s.do("PATCH", "/todos/1", write, `{"title":""}`), 422, "",
		`{"detail":[{"type":"string_too_short","loc":["body","title"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]}`)
	s.unchanged()
}

func TestDelete(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	write := s.ann("todos:write")
	w := s.do("DELETE", "/todos/1", write, "")
	expect(t, w, 204, "", "")
	if ct := w.Header().Get("Content-Type"); ct != "" {
		t.Errorf("a 204 with Content-Type %q", ct)
	}
	expect(t, s.do("DELETE", "/todos/1", write, ""), 404, "", `{"detail":"To-do not found"}`)
	expect(t, s.do("DELETE", "/todos/3", write, ""), 404, "", `{"detail":"To-do not found"}`)
	todos, _ := s.store.Snapshot()
	if len(todos) != 3 || todos[0].ID != 2 {
		t.Errorf("after delete: %v", todos)
	}
}

// Authentication is optional on /todos/shared: no token, the shared to-dos;
// a good one, the user's own too; a bad one is still refused.
func TestShared(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	expect(t, s.do("GET", "/todos/shared", "", ""), 200, "",
		`[{"id":2,"owner":"ann","title":"Plan the party","done":false,"shared":true},{"id":3,"owner":"bob","title":"Fix the bike","done":false,"shared":true}]`)
	if n := s.seen.Load(); n != 0 {
		t.Errorf("the validator ran %d times without a token", n)
	}
	expect(t, s.do("GET", "/todos/shared", s.token("bob", "Bob", "todos:read"), ""), 200, "",
		`[{"id":2,"owner":"ann","title":"Plan the party","done":false,"shared":true},{"id":3,"owner":"bob","title":"Fix the bike","done":false,"shared":true},{"id":4,"owner":"bob","title":"Call mum","done":false,"shared":false}]`)
	expect(t, s.do("GET", "/todos/shared", "not-a-jwt", ""), 401, malformedToken, couldNotValidate)
	// Signed in, the scope applies.
	expect(t, s.do("GET", "/todos/shared", s.token("bob", "Bob", "todos:write"), ""), 403, needsRead, notEnough)

	// The registry says the route takes no credential, or one with the scope.
	for _, r := range s.api.Routes() {
		if r.Path != "/todos/shared" {
			continue
		}
		if len(r.Security) != 1 || !r.Security[0].Optional || !slices.Equal(r.Security[0].Scopes, []string{"todos:read"}) {
			t.Errorf("security of /todos/shared: %+v", r.Security)
		}
	}
}

// FastAPI's dependency_overrides: act as a fixed user, with no token at all.
func TestOverrideCurrentUser(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	di.Override(s.api, currentUser, di.Func("fixedUser", func(*gin.Context) (*User, error) {
		return &User{ID: "bob", Name: "Bob"}, nil
	}))
	t.Cleanup(s.api.ResetOverrides)
	expect(t, s.do("GET", "/todos", "", ""), 200, "",
		`[{"id":3,"owner":"bob","title":"Fix the bike","done":false,"shared":true},{"id":4,"owner":"bob","title":"Call mum","done":false,"shared":false}]`)
	expect(t, s.do("PATCH", "/todos/4", "", `{"done":true}`), 200, "",
		`{"id":4,"owner":"bob","title":"Call mum","done":true,"shared":false}`)
	if _, trail := s.store.Snapshot(); !slices.Equal(trail, []string{"Bob: marked #4 done=true"}) {
		t.Errorf("audit %q", trail)
	}
	// Under Optional, the replacement is the user, without a token.
	w := s.do("GET", "/todos/shared", "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"Call mum"`) {
		t.Errorf("shared with an overridden user: %d %s", w.Code, w.Body)
	}
	if n := s.seen.Load(); n != 0 {
		t.Errorf("the validator ran %d times under the override", n)
	}

	s.api.ResetOverrides()
	expect(t, s.do("GET", "/todos", "", ""), 401, "Bearer", notAuthenticated)
}

// The fake validator of authtest, provided instead of the JWT one: tokens
// skip the signature, not the scheme nor the scope checks.
func TestFakeValidatorKeepsScopeChecks(t *testing.T) {
	t.Parallel()
	fake := authtest.NewValidator()
	e := gin.New()
	st := seed()
	Register(e, fake, st)
	name := map[string]string{"name": "Ann"}
	readOnly := fake.TokenWithClaims(name, "ann", "todos:read")

	expect(t, serve(e, "POST", "/todos", readOnly, `{"title":"Walk the dog"}`), 403, needsWrite, notEnough)
	expect(t, serve(e, "GET", "/todos/1", readOnly, ""), 200, "", `{"id":1,"owner":"ann","title":"Buy milk","done":false,"shared":false}`)
	expect(t, serve(e, "POST", "/todos", fake.TokenWithClaims(name, "ann", "todos:write"), `{"title":"Walk the dog"}`), 201, "",
		`{"id":5,"owner":"ann","title":"Walk the dog","done":false,"shared":false}`)
	// The custom claim is read from the fake token as from a JWT.
	expect(t, serve(e, "GET", "/todos", fake.Token("ann", "todos:read"), ""), 401,
		`Bearer error="invalid_token", error_description="The access token has no name"`, couldNotValidate)
}

// The registry, from which docs are made, knows each route's answer and
// security.
func TestRegistry(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var got []string
	for _, r := range s.api.Routes() {
		line := r.Method + " " + r.Path + " " + strconv.Itoa(r.Status) + " " + r.Result.String()
		for _, sec := range r.Security {
			line += " " + sec.Scheme.SchemeName() + "[" + strings.Join(sec.Scopes, ",") + "]"
			if sec.Optional {
				line += "?"
			}
		}
		got = append(got, line)
	}
	want := []string{
		"GET /todos 200 []todo.Todo OAuth2AuthorizationCodeBearer[todos:read]",
		"POST /todos 201 todo.Todo OAuth2AuthorizationCodeBearer[todos:write]",
		"GET /todos/shared 200 []todo.Todo OAuth2AuthorizationCodeBearer[todos:read]?",
		"GET /todos/:id 200 todo.Todo OAuth2AuthorizationCodeBearer[todos:read]",
		"PATCH /todos/:id 200 todo.Todo OAuth2AuthorizationCodeBearer[todos:write]",
		"DELETE /todos/:id 204 di.NoContent OAuth2AuthorizationCodeBearer[todos:write]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
