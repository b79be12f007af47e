package tests

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/tests/internal/exampletest"
)

// The example's credentials: its API key, its users' passwords, and its
// confidential client with its secret (the example keeps digests only).
const (
	apiKey        = "example-api-key"
	serviceID     = "example-service"
	serviceSecret = "example-service-secret"
	publicID      = "example-app"
)

// johndoe is GET /users/me/ for johndoe, FastAPI's tutorial answer.
const johndoe = `{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}`

var formHeader = []string{"Content-Type", "application/x-www-form-urlencoded"}

// call sends one request to a real server running the example. Redirects
// are not followed: they are answers too.
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
	resp, err := noRedirects(srv, nil).Do(req)
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

// noRedirects is a client of srv (its transport, whose connections close
// with it) that does not follow redirects, with jar if not nil.
func noRedirects(srv *httptest.Server, jar http.CookieJar) *http.Client {
	return &http.Client{
		Transport:     srv.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func newServer(t *testing.T) *httptest.Server { return newServerWith(t, app.Config{}) }

// start runs the example, its authorization server and its API, on a real
// listener on 127.0.0.1 (see exampletest.Start), with cfg: state in a
// temporary data folder unless cfg says otherwise, and its own URL as
// PublicURL unless cfg has one (an instance behind a load balancer, which
// is another instance here).
func start(t *testing.T, cfg app.Config) (*httptest.Server, *app.Example) {
	t.Helper()
	return exampletest.Start(t, cfg)
}

func listen(t *testing.T, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// tokenResponse is the token endpoint's answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	IDToken      string `json:"id_token"`
	Scope        string `json:"scope"`
}

// token posts form to path (/token or /oauth/token) and wants a token,
// in an answer kept out of caches (RFC 6749 §5.1).
func token(t *testing.T, srv *httptest.Server, path string, form url.Values, header ...string) tokenResponse {
	t.Helper()
	status, hdr, body := call(t, srv, "POST", path, form.Encode(), append(header, formHeader...)...)
	var tok tokenResponse
	if status != 200 || json.Unmarshal([]byte(body), &tok) != nil || tok.TokenType != "Bearer" || tok.AccessToken == "" {
		t.Fatalf("POST %s %v: %d %s", path, form, status, body)
	}
	if hdr.Get("Content-Type") != "application/json" || hdr.Get("Cache-Control") != "no-store" || hdr.Get("Pragma") != "no-cache" {
		t.Fatalf("POST %s %s: Content-Type %q, Cache-Control %q, Pragma %q", path, form.Get("grant_type"),
			hdr.Get("Content-Type"), hdr.Get("Cache-Control"), hdr.Get("Pragma"))
	}
	return tok
}

// password is the password grant at /token, as FastAPI's tutorial sends it.
func password(t *testing.T, srv *httptest.Server, user, pass string, scopes ...string) tokenResponse {
	t.Helper()
	return token(t, srv, "/token", url.Values{"username": {user}, "password": {pass}, "scope": {strings.Join(scopes, " ")}})
}

// login gets an access token for user with scopes from /token.
func login(t *testing.T, srv *httptest.Server, user, pass string, scopes ...string) string {
	t.Helper()
	return password(t, srv, user, pass, scopes...).AccessToken
}

// refreshForm uses a refresh token: of the public client, or of the
// client that header authenticates.
func refreshForm(refreshToken string, header []string) url.Values {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	if len(header) == 0 {
		form.Set("client_id", publicID)
	}
	return form
}

// refresh posts refreshForm to /oauth/token.
func refresh(srv *httptest.Server, refreshToken string, header ...string) (int, string, error) {
	status, _, body, err := send(srv, "POST", "/oauth/token", refreshForm(refreshToken, header).Encode(), append(header, formHeader...)...)
	return status, body, err
}

// serviceToken is a client-credentials token of example-service.
func serviceToken(t *testing.T, srv *httptest.Server, scopes ...string) string {
	t.Helper()
	return token(t, srv, "/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(scopes, " ")}},
		basicAuth(serviceID, serviceSecret)...).AccessToken
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// basicAuth is an Authorization header with HTTP Basic credentials.
func basicAuth(user, pass string) []string {
	return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}
}

// jwtPart decodes part i (0 header, 1 claims) of a JWT.
func jwtPart(t *testing.T, jwt string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func claims(t *testing.T, jwt string) map[string]any { t.Helper(); return jwtPart(t, jwt, 1) }
func kid(t *testing.T, jwt string) string {
	t.Helper()
	s, _ := jwtPart(t, jwt, 0)["kid"].(string)
	return s
}

// keyIDs are the kids /oauth/keys publishes, sorted.
func keyIDs(t *testing.T, srv *httptest.Server) []string {
	t.Helper()
	status, hdr, body := call(t, srv, "GET", "/oauth/keys", "")
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
			Alg string `json:"alg"`
			Use string `json:"use"`
		} `json:"keys"`
	}
	if status != 200 || hdr.Get("Content-Type") != "application/json" || json.Unmarshal([]byte(body), &set) != nil {
		t.Fatalf("/oauth/keys: %d %s %s", status, hdr.Get("Content-Type"), body)
	}
	var ids []string
	for _, k := range set.Keys {
		if k.Alg != "ES256" || k.Use != "sig" {
			t.Fatalf("/oauth/keys: %s", body)
		}
		ids = append(ids, k.Kid)
	}
	slices.Sort(ids)
	return ids
}

// forged is a well-formed access token for johndoe with every scope, of
// issuer and the API's audience, under the key ID keyID, signed by a key
// of the attacker's.
func forged(t *testing.T, issuer, keyID string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: issuer, Audience: app.Audience, Key: key, KeyID: keyID})
	if err != nil {
		t.Fatal(err)
	}
	at, err := iss.Issue("johndoe", publicID, []string{"me", "items"})
	if err != nil {
		t.Fatal(err)
	}
	return at.AccessToken
}

// exchange is a request and the answer it must get: status, body and the
// WWW-Authenticate header exactly, and the headers of more (name, value
// pairs) too.
type exchange struct {
	name, method, path, body string
	header                   []string
	status                   int
	challenge                string
	want                     string
	more                     []string
}

func run(t *testing.T, srv *httptest.Server, cases []exchange) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Helper()
			method := tc.method
			if method == "" {
				method = "GET"
			}
			status, hdr, body := call(t, srv, method, tc.path, tc.body, tc.header...)
			if status != tc.status || body != tc.want || hdr.Get("WWW-Authenticate") != tc.challenge {
				t.Fatalf("%s %s: got %d [%s] %s\nwant %d [%s] %s", method, tc.path, status, hdr.Get("WWW-Authenticate"), body, tc.status, tc.challenge, tc.want)
			}
			for i := 0; i+1 < len(tc.more); i += 2 {
				if got := hdr.Get(tc.more[i]); got != tc.more[i+1] {
					t.Errorf("%s %s: %s %q, want %q", method, tc.path, tc.more[i], got, tc.more[i+1])
				}
			}
		})
	}
}
