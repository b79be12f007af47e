package ginauth_test

import (
	"fmt"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// showCreds renders HTTPAuthorizationCredentials, nil included.
func showCreds(c *ginauth.HTTPAuthorizationCredentials) string {
	if c == nil {
		return "nil"
	}
	return c.Scheme + "|" + c.Credentials
}

func showBasic(c *ginauth.HTTPBasicCredentials) string {
	if c == nil {
		return "nil"
	}
	return c.Username + "|" + c.Password
}

func showToken(s string) string { return fmt.Sprintf("%q", s) }

// auth is a request with one Authorization header.
func auth(v string) request { return request{header: []string{"Authorization", v}} }

type schemeCase struct {
	name string
	req  request
	want answer
}

func runCases(t *testing.T, e *gin.Engine, cases []schemeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { check(t, do(e, tc.req), tc.want) })
	}
}

const couldNotValidate = `{"detail":"Could not validate credentials"}`

var malformed = answer{401, `Bearer error="invalid_token", error_description="The access token is malformed"`, couldNotValidate}

func TestHTTPBase(t *testing.T) {
	e := serveDep(ginauth.HTTPBase{Scheme: "Other"}.Dep(), showCreds)
	runCases(t, e, []schemeCase{
		{"present", auth("Other foobar"), answer{200, "", "Other|foobar"}},
		{"any scheme, unchecked (as FastAPI)", auth("Basic x"), answer{200, "", "Basic|x"}},
		{"credentials stripped", auth("Other   foo bar  "), answer{200, "", "Other|foo bar"}},
		{"missing", request{}, answer{401, "Other", notAuthenticated}},
		{"empty header", auth(""), answer{401, "Other", notAuthenticated}},
		{"no credentials", auth("Other"), answer{401, "Other", notAuthenticated}},
		{"only spaces after the scheme", auth("Other   "), answer{401, "Other", notAuthenticated}},
		{"leading space: empty scheme", auth(" Other tok"), answer{401, "Other", notAuthenticated}},
		{"tab is not a separator", auth("Other\ttok"), answer{401, "Other", notAuthenticated}},
		{"two headers", request{header: []string{"Authorization", "Other a", "Authorization", "Other b"}},
			answer{400, "", `{"detail":"Only one Authorization header is allowed"}`}},
	})
	// The challenge is the scheme in title case.
	e = serveDep(ginauth.HTTPBase{Scheme: "my-scheme"}.Dep(), showCreds)
	check(t, do(e, request{}), answer{401, "My-Scheme", notAuthenticated})
	e = serveDep(ginauth.HTTPBase{Scheme: "other", AutoError: ginauth.Off}.Dep(), showCreds)
	runCases(t, e, []schemeCase{
		{"off: missing", request{}, answer{200, "", "nil"}},
		{"off: no credentials", auth("Other"), answer{200, "", "nil"}},
		{"off: present", auth("other x"), answer{200, "", "other|x"}},
	})
}

func TestHTTPBearer(t *testing.T) {
	e := serveDep(ginauth.HTTPBearer{}.Dep(), showCreds)
	runCases(t, e, []schemeCase{
		{"present", auth("Bearer foobar"), answer{200, "", "Bearer|foobar"}},
		{"lower case keeps its case", auth("bearer foobar"), answer{200, "", "bearer|foobar"}},
		{"upper case", auth("BEARER foobar"), answer{200, "", "BEARER|foobar"}},
		{"spaces around the token", auth("Bearer   tok  "), answer{200, "", "Bearer|tok"}},
		{"b64token charset", auth("Bearer aZ09-._~+/=="), answer{200, "", "Bearer|aZ09-._~+/=="}},
		{"missing", request{}, answer{401, "Bearer", notAuthenticated}},
		{"no token", auth("Bearer"), answer{401, "Bearer", notAuthenticated}},
		{"only spaces", auth("Bearer    "), answer{401, "Bearer", notAuthenticated}},
		{"wrong scheme", auth("Basic notreally"), answer{401, "Bearer", notAuthenticated}},
		{"tab is not a separator", auth("Bearer\ttok"), answer{401, "Bearer", notAuthenticated}},
		{"two tokens", auth("Bearer a b"), malformed},
		{"padding inside", auth("Bearer a=b"), malformed},
	})
	e = serveDep(ginauth.HTTPBearer{AutoError: ginauth.Off}.Dep(), showCreds)
	runCases(t, e, []schemeCase{
		{"off: missing", request{}, answer{200, "", "nil"}},
		{"off: no token", auth("Bearer "), answer{200, "", "nil"}},
		{"off: wrong scheme", auth("Basic x"), answer{200, "", "nil"}},
		{"off: present", auth("Bearer t"), answer{200, "", "Bearer|t"}},
		{"off: malformed is still refused", auth("Bearer a b"), malformed},
	})
}

func TestHTTPDigest(t *testing.T) {
	e := serveDep(ginauth.HTTPDigest{}.Dep(), showCreds)
	runCases(t, e, []schemeCase{
		{"present", auth(`Digest username="x", realm="r"`), answer{200, "", `Digest|username="x", realm="r"`}},
		{"lower case", auth("digest foobar"), answer{200, "", "digest|foobar"}},
		{"missing", request{}, answer{401, "Digest", notAuthenticated}},
		{"no credentials", auth("Digest"), answer{401, "Digest", notAuthenticated}},
		{"wrong scheme", auth("Bearer x"), answer{401, "Digest", notAuthenticated}},
	})
	e = serveDep(ginauth.HTTPDigest{AutoError: ginauth.Off}.Dep(), showCreds)
	check(t, do(e, auth("Other x")), answer{200, "", "nil"})
}

func TestHTTPBasic(t *testing.T) {
	e := serveDep(ginauth.HTTPBasic{}.Dep(), showBasic)
	runCases(t, e, []schemeCase{
		{"present", auth("Basic am9objpzZWNyZXQ="), answer{200, "", "john|secret"}}, // john:secret
		{"lower case scheme", auth("basic am9objpzZWNyZXQ="), answer{200, "", "john|secret"}},
		{"split at the first colon", auth("Basic am9objpzZTpjcmV0"), answer{200, "", "john|se:cret"}},
		{"missing", request{}, answer{401, `Basic charset="UTF-8"`, notAuthenticated}},
		{"wrong scheme", auth("Bearer x"), answer{401, `Basic charset="UTF-8"`, notAuthenticated}},
		{"no credentials", auth("Basic"), answer{401, `Basic charset="UTF-8"`, notAuthenticated}},
		{"not base64", auth("Basic notabase64token"), answer{401, `Basic charset="UTF-8"`, notAuthenticated}},
	})
	// With a realm; malformed credentials are refused even when optional.
	e = serveDep(ginauth.HTTPBasic{Realm: `my "realm"`, AutoError: ginauth.Off}.Dep(), showBasic)
	runCases(t, e, []schemeCase{
		{"off: missing", request{}, answer{200, "", "nil"}},
		{"off: wrong scheme", auth("Bearer x"), answer{200, "", "nil"}},
		{"off: malformed", auth("Basic !!"), answer{401, `Basic realm="my realm", charset="UTF-8"`, notAuthenticated}},
		{"off: no colon", auth("Basic am9obg=="), answer{401, `Basic realm="my realm", charset="UTF-8"`, notAuthenticated}},
	})
}

func TestOAuth2BearerSchemes(t *testing.T) {
	for name, s := range map[string]di.Dep[string]{
		"OAuth2PasswordBearer":          ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep(),
		"OAuth2AuthorizationCodeBearer": ginauth.OAuth2AuthorizationCodeBearer{AuthorizationURL: "authorize", TokenURL: "token"}.Dep(),
	} {
		t.Run(name, func(t *testing.T) {
			runCases(t, serveDep(s, showToken), []schemeCase{
				{"present", auth("Bearer testtoken"), answer{200, "", `"testtoken"`}},
				{"lower case", auth("bearer testtoken"), answer{200, "", `"testtoken"`}},
				{"missing", request{}, answer{401, "Bearer", notAuthenticated}},
				{"wrong scheme", auth("Basic notreally"), answer{401, "Bearer", notAuthenticated}},
				// FastAPI returns "" here; a bearer scheme never yields an empty token.
				{"no token", auth("Bearer"), answer{401, "Bearer", notAuthenticated}},
				{"no token, a space", auth("Bearer "), answer{401, "Bearer", notAuthenticated}},
				{"two tokens", auth("Bearer a b"), malformed},
			})
		})
	}
	off := ginauth.OAuth2PasswordBearer{TokenURL: "token", AutoError: ginauth.Off}.Dep()
	runCases(t, serveDep(off, showToken), []schemeCase{
		{"off: missing", request{}, answer{200, "", `""`}},
		{"off: wrong scheme", auth("Basic x"), answer{200, "", `""`}},
		{"off: present", auth("Bearer t"), answer{200, "", `"t"`}},
	})
}

func TestOAuth2AndOpenIdConnectGiveTheWholeHeader(t *testing.T) {
	for _, dep := range []di.Dep[string]{ginauth.OAuth2{}.Dep(), ginauth.OpenIdConnect{OpenIDConnectURL: "/openid"}.Dep()} {
		t.Run(dep.Name(), func(t *testing.T) {
			runCases(t, serveDep(dep, showToken), []schemeCase{
				{"any scheme", auth("Other footokenbar"), answer{200, "", `"Other footokenbar"`}},
				{"bearer", auth("Bearer footokenbar"), answer{200, "", `"Bearer footokenbar"`}},
				{"missing", request{}, answer{401, "Bearer", notAuthenticated}},
				{"empty", auth(""), answer{401, "Bearer", notAuthenticated}},
				{"two headers", request{header: []string{"Authorization", "a", "Authorization", "b"}},
					answer{400, `Bearer error="invalid_request", error_description="Only one Authorization header is allowed"`,
						`{"detail":"Only one Authorization header is allowed"}`}},
			})
		})
	}
	off := ginauth.OAuth2{AutoError: ginauth.Off}.Dep()
	check(t, do(serveDep(off, showToken), request{}), answer{200, "", `""`})
}

func TestLegacy403(t *testing.T) {
	// FastAPI before 0.122: 403 Not authenticated, no challenge.
	for _, dep := range []di.Dep[string]{
		ginauth.APIKeyHeader{Name: "key", NotAuthenticated: ginauth.Legacy403}.Dep(),
		ginauth.OAuth2PasswordBearer{TokenURL: "t", NotAuthenticated: ginauth.Legacy403}.Dep(),
	} {
		check(t, do(serveDep(dep, showToken), request{}), answer{403, "", notAuthenticated})
	}
	bearer := ginauth.HTTPBearer{NotAuthenticated: ginauth.Legacy403}.Dep()
	check(t, do(serveDep(bearer, showCreds), auth("Basic x")), answer{403, "", notAuthenticated})
	// A custom answer sees the challenge it replaces.
	custom := ginauth.HTTPBasic{Realm: "r", NotAuthenticated: func(ch string) error {
		return di.Error(401, "Log in first").WithHeader("WWW-Authenticate", ch)
	}}.Dep()
	check(t, do(serveDep(custom, showBasic), request{}), answer{401, `Basic realm="r", charset="UTF-8"`, `{"detail":"Log in first"}`})
}

func TestScopesAreRegisteredAndChecked(t *testing.T) {
	scheme := ginauth.OAuth2PasswordBearer{
		TokenURL: "token",
		Scopes:   map[string]string{"me": "Read information about the current user.", "items": "Read items."},
	}.Dep()
	api := di.NewRouter(gin.New())
	api.GET("/users/me/items", di.Handle1(di.Security(scheme, "items", "me"), func(*gin.Context, string) {}))
	routes := api.Routes()
	if info := routes[0].Security[0].Scheme; info.SchemeName() != "OAuth2PasswordBearer" || fmt.Sprint(routes[0].Security[0].Scopes) != "[items me]" {
		t.Fatalf("registry: %+v", routes[0].Security)
	}
	msg := mustPanic(t, func() {
		api.GET("/admin", di.Handle1(di.Security(scheme, "admin"), func(*gin.Context, string) {}))
	})
	if msg != `di: GET /admin: scope "admin" is not declared in the Scopes of OAuth2PasswordBearer (declared: items, me)` {
		t.Fatalf("panic %q", msg)
	}
	// Other schemes carry scopes without declaring them, as in FastAPI.
	key := ginauth.APIKeyHeader{Name: "key", SchemeName: "Key"}.Dep()
	api.GET("/key", di.Handle1(di.Security(key, "x"), func(*gin.Context, string) {}))
	if r := api.Routes()[1]; r.Security[0].Scheme.SchemeName() != "Key" || fmt.Sprint(r.Security[0].Scopes) != "[x]" {
		t.Fatalf("registry: %+v", r.Security)
	}
}
