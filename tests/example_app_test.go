package tests

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/ginauth"
)

const apiKey = "example-api-key"

// call sends one request to a real server running the example API.
func call(t *testing.T, srv *httptest.Server, method, path, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	status, hdr, b, err := send(srv, method, path, body, header...)
	if err != nil {
		t.Fatal(err)
	}
	return status, hdr, b
}

// send is call for goroutines other than the test's, which must not call
// t.Fatal.
func send(srv *httptest.Server, method, path, body string, header ...string) (int, http.Header, string, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, r)
	if err != nil {
		return 0, nil, "", err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, "", err
	}
	return resp.StatusCode, resp.Header, string(b), nil
}

func newServer(t *testing.T) *httptest.Server {
	return serve(t, app.NewStore())
}

// serve runs the example API on store, for tests that change the store or
// its limits.
func serve(t *testing.T, store *app.Store) *httptest.Server {
	engine := gin.New()
	app.Register(engine, store)
	srv := httptest.NewServer(engine)
	t.Cleanup(srv.Close)
	return srv
}

// login gets a token for user with scopes from /token.
func login(t *testing.T, srv *httptest.Server, user, password string, scopes ...string) string {
	t.Helper()
	form := url.Values{"username": {user}, "password": {password}, "scope": {strings.Join(scopes, " ")}}
	status, _, body := call(t, srv, "POST", "/token", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &tok) != nil || tok.TokenType != "bearer" || tok.AccessToken == "" {
		t.Fatalf("login %s: %d %s", user, status, body)
	}
	return tok.AccessToken
}

type exchange struct {
	name, method, path, body string
	header                   []string
	status                   int
	challenge                string
	want                     string
}

func run(t *testing.T, srv *httptest.Server, cases []exchange) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "GET"
			}
			status, hdr, body := call(t, srv, method, tc.path, tc.body, tc.header...)
			if status != tc.status || body != tc.want || hdr.Get("WWW-Authenticate") != tc.challenge {
				t.Fatalf("got %d [%s] %s\nwant %d [%s] %s", status, hdr.Get("WWW-Authenticate"), body, tc.status, tc.challenge, tc.want)
			}
		})
	}
}

const johndoe = `{"username":"johndoe","full_name":"John Doe","disabled":false}`

func TestExampleAppOAuth2PasswordFlowWithScopes(t *testing.T) {
	store := app.NewStore()
	srv := serve(t, store)
	all := login(t, srv, "johndoe", "secret", "me", "items")
	meOnly := login(t, srv, "johndoe", "secret", "me")
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	run(t, srv, []exchange{
		{name: "me", path: "/users/me", header: bearer(all), status: 200, want: johndoe},
		{name: "my items", path: "/users/me/items", header: bearer(all), status: 200,
			want: `[{"id":1,"name":"Portal Gun","price":42,"owner":"johndoe"},{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"}]`},
		{name: "items scope missing", path: "/users/me/items", header: bearer(meOnly), status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="items me"`,
			want:      `{"detail":"Not enough permissions"}`},
		{name: "no token", path: "/users/me", status: 401, challenge: "Bearer", want: `{"detail":"Not authenticated"}`},
		{name: "not a JWT", path: "/users/me", header: bearer("nope"), status: 401,
			challenge: `Bearer error="invalid_token", error_description="The access token is malformed"`,
			want:      `{"detail":"Could not validate credentials"}`},
		{name: "forged with another key", path: "/users/me", header: bearer(forged(t)), status: 401,
			challenge: `Bearer error="invalid_token", error_description="The access token is not valid"`,
			want:      `{"detail":"Could not validate credentials"}`},
		{name: "malformed token", path: "/users/me", header: bearer("a b"), status: 401,
			challenge: `Bearer error="invalid_token", error_description="The access token is malformed"`,
			want:      `{"detail":"Could not validate credentials"}`},
		{name: "public", path: "/status", status: 200, want: `{"status":"ok"}`},
	})
	// A user disabled after login: the token is still valid, its user not.
	store.SetDisabled("johndoe", true)
	run(t, srv, []exchange{
		{name: "inactive user", path: "/users/me", header: bearer(all), status: 400, want: `{"detail":"Inactive user"}`},
	})
}

func TestExampleAppTokenEndpoint(t *testing.T) {
	srv := newServer(t)
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	run(t, srv, []exchange{
		{name: "wrong password", method: "POST", path: "/token", body: "username=johndoe&password=nope", header: form,
			status: 400, want: `{"detail":"Incorrect username or password"}`},
		{name: "unknown user", method: "POST", path: "/token", body: "username=nobody&password=secret", header: form,
			status: 400, want: `{"detail":"Incorrect username or password"}`},
		{name: "disabled user", method: "POST", path: "/token", body: "username=alice&password=secret2", header: form,
			status: 400, want: `{"detail":"Inactive user"}`},
		{name: "disabled user, wrong password", method: "POST", path: "/token", body: "username=alice&password=nope", header: form,
			status: 400, want: `{"detail":"Incorrect username or password"}`},
		{name: "FastAPI's 422", method: "POST", path: "/token", body: "grant_type=passwordblah", header: form, status: 422,
			want: `{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"passwordblah","ctx":{"pattern":"^password$"}},` +
				`{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},` +
				`{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}`},
	})
}

func TestExampleAppCreateCommitsBeforeAnswering(t *testing.T) {
	srv := newServer(t)
	hdr := []string{"Authorization", "Bearer " + login(t, srv, "johndoe", "secret", "me", "items"), "Content-Type", "application/json"}
	run(t, srv, []exchange{
		{name: "create", method: "POST", path: "/users/me/items", body: `{"name":"Gizmo","price":3.5}`, header: hdr,
			status: 201, want: `{"id":3,"name":"Gizmo","price":3.5,"owner":"johndoe"}`},
		// The commit fails: the 201 the handler wrote is replaced.
		{name: "duplicate", method: "POST", path: "/users/me/items", body: `{"name":"Gizmo","price":1}`, header: hdr,
			status: 409, want: `{"detail":"An item with this name exists"}`},
		// As with a database sequence, the rolled-back insert's ID stays used.
		{name: "create after a rollback", method: "POST", path: "/users/me/items", body: `{"name":"Widget","price":2}`, header: hdr,
			status: 201, want: `{"id":5,"name":"Widget","price":2,"owner":"johndoe"}`},
		{name: "every body error", method: "POST", path: "/users/me/items", body: `{"price":"free"}`, header: hdr, status: 422,
			want: `{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"price":"free"}},` +
				`{"type":"float_type","loc":["body","price"],"msg":"Input should be a valid number","input":"free"}]}`},
		// Authentication is resolved first: 401 wins over 422.
		{name: "no token, bad body", method: "POST", path: "/users/me/items", body: `{"price":"free"}`,
			header: []string{"Content-Type", "application/json"}, status: 401, challenge: "Bearer", want: `{"detail":"Not authenticated"}`},
	})
}

func TestExampleAppAPIKeys(t *testing.T) {
	srv := newServer(t)
	key := []string{"X-API-Key", apiKey}
	run(t, srv, []exchange{
		{name: "list", path: "/items?limit=1", header: key, status: 200, want: `[{"id":1,"name":"Portal Gun","price":42,"owner":"johndoe"}]`},
		{name: "key in a cookie", path: "/items?q=plum", header: []string{"Cookie", "api_key=" + apiKey}, status: 200,
			want: `[{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"}]`},
		{name: "no key: both challenges", path: "/items", status: 401, challenge: "APIKey", want: `{"detail":"Not authenticated"}`},
		{name: "wrong key", path: "/items", header: []string{"X-API-Key", "example-api-kez"}, status: 401, challenge: "APIKey",
			want: `{"detail":"Invalid API key"}`},
		{name: "every query error", path: "/items?skip=-1&limit=abc&q=a", header: key, status: 422,
			want: `{"detail":[` +
				`{"type":"greater_than_equal","loc":["query","skip"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},` +
				`{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"},` +
				`{"type":"string_too_short","loc":["query","q"],"msg":"String should have at least 3 characters","input":"a","ctx":{"min_length":3}}]}`},
		{name: "one item", path: "/items/2", header: key, status: 200, want: `{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"}`},
		{name: "bad path", path: "/items/two", header: key, status: 422,
			want: `{"detail":[{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"two"}]}`},
		{name: "no item", path: "/items/99", header: key, status: 404, want: `{"detail":"Item not found"}`},
	})
}

func TestExampleAppHTTPBasic(t *testing.T) {
	srv := newServer(t)
	basic := func(user, pass string) []string {
		req := httptest.NewRequest("GET", "/", nil)
		req.SetBasicAuth(user, pass)
		return []string{"Authorization", req.Header.Get("Authorization")}
	}
	run(t, srv, []exchange{
		{name: "right password", path: "/basic/me", header: basic("johndoe", "secret"), status: 200, want: johndoe},
		{name: "wrong password", path: "/basic/me", header: basic("johndoe", "nope"), status: 401,
			challenge: `Basic realm="example", charset="UTF-8"`, want: `{"detail":"Incorrect username or password"}`},
		{name: "no credentials", path: "/basic/me", status: 401,
			challenge: `Basic realm="example", charset="UTF-8"`, want: `{"detail":"Not authenticated"}`},
	})
}

// The served document lists every route with the security it enforces:
// an AnyOf as alternatives, optional authentication as an added {}.
func TestExampleAppDocsSecurity(t *testing.T) {
	srv := newServer(t)
	status, hdr, body := call(t, srv, "GET", "/openapi.json", "")
	if status != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %s", status, hdr.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Security any `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range slices.Sorted(maps.Keys(doc.Paths)) {
		for _, m := range slices.Sorted(maps.Keys(doc.Paths[p])) {
			sec, _ := json.Marshal(doc.Paths[p][m].Security)
			got = append(got, m+" "+p+" "+string(sec))
		}
	}
	want := []string{
		`get / null`,
		`get /basic/me [{"HTTPBasic":[]}]`,
		`get /greeting [{"OAuth2PasswordBearer":[]},{}]`,
		`get /items [{"APIKeyHeader":[]},{"APIKeyCookie":[]}]`,
		`get /items/{id} [{"APIKeyHeader":[]},{"APIKeyCookie":[]}]`,
		`get /ready null`,
		`get /status null`,
		`post /token null`,
		`get /users/me [{"OAuth2PasswordBearer":["me"]}]`,
		`get /users/me/items [{"OAuth2PasswordBearer":["items","me"]}]`,
		`post /users/me/items [{"OAuth2PasswordBearer":["items","me"]}]`,
	}
	if doc.OpenAPI != "3.0.3" || !slices.Equal(got, want) {
		t.Fatalf("openapi %s, operations:\n%s", doc.OpenAPI, strings.Join(got, "\n"))
	}
}

// One route takes a token if there is one: no token is a stranger, a bad
// one a 401; the registry says the route's auth is optional.
func TestExampleAppOptionalAuthentication(t *testing.T) {
	srv := newServer(t)
	run(t, srv, []exchange{
		{name: "no token", path: "/greeting", status: 200, want: `{"greeting":"Hello, stranger"}`},
		{name: "a token", path: "/greeting", header: []string{"Authorization", "Bearer " + login(t, srv, "johndoe", "secret")},
			status: 200, want: `{"greeting":"Hello, John Doe"}`},
		{name: "a bad token", path: "/greeting", header: []string{"Authorization", "Bearer nope"}, status: 401,
			challenge: `Bearer error="invalid_token", error_description="The access token is malformed"`, want: `{"detail":"Could not validate credentials"}`},
	})
}

// Token responses are kept out of caches (RFC 6749 §5.1), by gin
// middleware on the route.
func TestExampleAppTokenResponsesAreNotStored(t *testing.T) {
	srv := newServer(t)
	status, hdr, _ := call(t, srv, "POST", "/token", "username=johndoe&password=secret", "Content-Type", "application/x-www-form-urlencoded")
	if status != 200 || hdr.Get("Cache-Control") != "no-store" || hdr.Get("Pragma") != "no-cache" {
		t.Errorf("got %d, Cache-Control %q, Pragma %q", status, hdr.Get("Cache-Control"), hdr.Get("Pragma"))
	}
}

// The readiness route says whether tokens can be checked: the example's
// keys are its own, known at startup.
func TestExampleAppReadiness(t *testing.T) {
	srv := newServer(t)
	run(t, srv, []exchange{{name: "ready", path: "/ready", status: 200, want: `{"status":"ready"}`}})
}

// forged is a well-formed token for johndoe with every scope, signed by a
// key of the attacker's.
func forged(t *testing.T) string {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	iss, err := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: "http://localhost:8080", Audience: "http://localhost:8080/users", Key: key, KeyID: "example-1"})
	if err != nil {
		t.Fatal(err)
	}
	at, err := iss.Issue("johndoe", "evil", []string{"me", "items"})
	if err != nil {
		t.Fatal(err)
	}
	return at.AccessToken
}

func TestExampleAppPublishesItsKeys(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv, "johndoe", "secret", "me")
	status, hdr, body := call(t, srv, "GET", "/.well-known/jwks.json", "")
	if status != 200 || hdr.Get("Content-Type") != "application/jwk-set+json" {
		t.Fatalf("%d %v", status, hdr)
	}
	// Another service validates the example's tokens with the published set.
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: "http://localhost:8080", Audience: "http://localhost:8080/users", Keys: ginauth.JWKSet([]byte(body))})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	got, err := v.Validate(context.Background(), tok)
	if err != nil || got.Subject != "johndoe" || !got.HasScope("me") || got.HasScope("items") {
		t.Fatalf("%+v %v", got, err)
	}
}
