package ginauth_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

func TestAnyOfAPIKeyInHeaderQueryOrCookie(t *testing.T) {
	header := ginauth.APIKeyHeader{Name: "X-API-Key"}
	query := ginauth.APIKeyQuery{Name: "api_key"}
	cookie := ginauth.APIKeyCookie{Name: "api_key"}
	e := serveDep(ginauth.AnyOf[string](header.Dep(), query.Dep(), cookie.Dep()), showCredential)
	off := serveDep(ginauth.AnyOf[string](
		ginauth.APIKeyHeader{Name: "X-API-Key", AutoError: ginauth.Off}.Dep(),
		ginauth.APIKeyQuery{Name: "api_key", AutoError: ginauth.Off}.Dep(),
		ginauth.APIKeyCookie{Name: "api_key", AutoError: ginauth.Off}.Dep(),
	), showCredential)
	// One Off, two On: a missing key is still an error.
	mixed := serveDep(ginauth.AnyOf[string](ginauth.APIKeyHeader{Name: "X-API-Key", AutoError: ginauth.Off}.Dep(), query.Dep()), showCredential)
	// The API key schemes all challenge with APIKey: it is sent once.
	missing := answer{401, "APIKey", notAuthenticated}
	for _, tc := range []struct {
		name   string
		engine *gin.Engine
		req    request
		want   answer
	}{
		{"header", e, request{header: []string{"X-API-Key", "h"}}, answer{200, "", "key=h"}},
		{"query", e, request{target: "/?api_key=q"}, answer{200, "", "key=q"}},
		{"cookie", e, request{header: []string{"Cookie", "api_key=c"}}, answer{200, "", "key=c"}},
		{"header before query", e, request{target: "/?api_key=q", header: []string{"X-API-Key", "h"}}, answer{200, "", "key=h"}},
		{"header before cookie", e, request{header: []string{"X-API-Key", "h", "Cookie", "api_key=c"}}, answer{200, "", "key=h"}},
		{"query before cookie", e, request{target: "/?api_key=q", header: []string{"Cookie", "api_key=c"}}, answer{200, "", "key=q"}},
		{"an empty header is absent", e, request{target: "/?api_key=q", header: []string{"X-API-Key", ""}}, answer{200, "", "key=q"}},
		{"an empty query is absent", e, request{target: "/?api_key=", header: []string{"Cookie", "api_key=c"}}, answer{200, "", "key=c"}},
		{"none", e, request{}, missing},
		{"all empty", e, request{target: "/?api_key=", header: []string{"X-API-Key", "", "Cookie", "api_key="}}, missing},
		{"a bad header fails at once", e, request{target: "/?api_key=q", header: []string{"X-API-Key", "a", "X-API-Key", "b"}},
			answer{400, "", `{"detail":"The header X-API-Key was given more than once"}`}},
		{"a bad query fails at once", e, request{target: "/?api_key=a&api_key=b", header: []string{"Cookie", "api_key=c"}},
			answer{400, "", `{"detail":"The query parameter api_key was given more than once"}`}},
		{"a bad cookie after nothing", e, request{header: []string{"Cookie", "api_key=a; api_key=b"}},
			answer{400, "", `{"detail":"The cookie api_key was given more than once"}`}},
		{"a bad cookie after a good header", e, request{header: []string{"X-API-Key", "h", "Cookie", "api_key=a; api_key=b"}},
			answer{200, "", "key=h"}},
		{"all Off, none", off, request{}, answer{200, "", "key="}},
		{"all Off, cookie", off, request{header: []string{"Cookie", "api_key=c"}}, answer{200, "", "key=c"}},
		{"all Off, bad query", off, request{target: "/?api_key=a&api_key=b"},
			answer{400, "", `{"detail":"The query parameter api_key was given more than once"}`}},
		{"some Off, none", mixed, request{}, missing},
		{"some Off, query", mixed, request{target: "/?api_key=q"}, answer{200, "", "key=q"}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(tc.engine, tc.req), tc.want) })
	}
}

func TestAnyOfAPIKeyOrOAuth2Token(t *testing.T) {
	keyFirst := serveDep(ginauth.AnyOf[string](
		ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(),
		ginauth.OAuth2PasswordBearer{TokenURL: "token", Realm: "api"}.Dep(),
	), showCredential)
	tokenFirst := serveDep(ginauth.AnyOf[string](
		ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep(),
		ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(),
	), showCredential)
	off := serveDep(ginauth.AnyOf[string](
		ginauth.APIKeyHeader{Name: "X-API-Key", AutoError: ginauth.Off}.Dep(),
		ginauth.OAuth2PasswordBearer{TokenURL: "token", AutoError: ginauth.Off}.Dep(),
	), showCredential)
	malformed := answer{401, `Bearer error="invalid_token", error_description="The access token is malformed"`, `{"detail":"Could not validate credentials"}`}
	for _, tc := range []struct {
		name   string
		engine *gin.Engine
		req    request
		want   answer
	}{
		{"key", keyFirst, request{header: []string{"X-API-Key", "k"}}, answer{200, "", "key=k"}},
		{"token", keyFirst, request{header: []string{"Authorization", "Bearer tok"}}, answer{200, "", "key=tok"}},
		{"key before token", keyFirst, request{header: []string{"Authorization", "Bearer tok", "X-API-Key", "k"}}, answer{200, "", "key=k"}},
		{"token before key", tokenFirst, request{header: []string{"Authorization", "Bearer tok", "X-API-Key", "k"}}, answer{200, "", "key=tok"}},
		{"none: every challenge, in order", keyFirst, request{}, answer{401, `APIKey | Bearer realm="api"`, notAuthenticated}},
		{"none: every challenge, in order (token first)", tokenFirst, request{}, answer{401, `Bearer | APIKey`, notAuthenticated}},
		{"another scheme is no token", keyFirst, request{header: []string{"Authorization", "Basic dTpw"}}, answer{401, `APIKey | Bearer realm="api"`, notAuthenticated}},
		{"Bearer with no token is missing", keyFirst, request{header: []string{"Authorization", "Bearer "}}, answer{401, `APIKey | Bearer realm="api"`, notAuthenticated}},
		{"another scheme, then a key", tokenFirst, request{header: []string{"Authorization", "Basic dTpw", "X-API-Key", "k"}}, answer{200, "", "key=k"}},
		{"a malformed token fails at once", tokenFirst, request{header: []string{"Authorization", "Bearer a,b", "X-API-Key", "k"}}, malformed},
		{"a malformed token after no key", keyFirst, request{header: []string{"Authorization", "Bearer a,b"}},
			answer{401, `Bearer realm="api", error="invalid_token", error_description="The access token is malformed"`, `{"detail":"Could not validate credentials"}`}},
		{"two Authorization headers fail at once", tokenFirst, request{header: []string{"Authorization", "Bearer a", "Authorization", "Bearer a", "X-API-Key", "k"}},
			answer{400, `Bearer error="invalid_request", error_description="Only one Authorization header is allowed"`, `{"detail":"Only one Authorization header is allowed"}`}},
		{"all Off, none", off, request{}, answer{200, "", "key="}},
		{"all Off, token", off, request{header: []string{"Authorization", "bearer tok"}}, answer{200, "", "key=tok"}},
		{"all Off, malformed token", off, request{header: []string{"Authorization", "Bearer a,b"}}, malformed},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(tc.engine, tc.req), tc.want) })
	}
}

func TestAnyOfHTTPSchemes(t *testing.T) {
	e := serveDep(ginauth.ValueOf(ginauth.AnyOf[*ginauth.HTTPAuthorizationCredentials](ginauth.HTTPBearer{}.Dep(), ginauth.HTTPDigest{}.Dep())), func(c *ginauth.HTTPAuthorizationCredentials) string {
		if c == nil {
			return "nil"
		}
		return c.Scheme + " " + c.Credentials
	})
	check(t, do(e, request{header: []string{"Authorization", "Bearer tok"}}), answer{200, "", "Bearer tok"})
	check(t, do(e, request{header: []string{"Authorization", "digest username=\"u\""}}), answer{200, "", `digest username="u"`})
	check(t, do(e, request{header: []string{"Authorization", "Basic dTpw"}}), answer{401, "Bearer | Digest", notAuthenticated})
	check(t, do(e, request{}), answer{401, "Bearer | Digest", notAuthenticated})
}

func TestAnyOfWithBearerCookieKeepsItsCrossOriginCheck(t *testing.T) {
	e := serveDep(ginauth.AnyOf[string](ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep(), ginauth.BearerCookie{}.Dep()), showCredential)
	crossSite := []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
	withCookie := append([]string{"Cookie", tokenCookie("ck")}, crossSite...)
	check(t, do(e, request{method: "POST", header: withCookie}), crossOrigin)
	check(t, do(e, request{method: "GET", header: withCookie}), answer{200, "", "key=ck"})
	check(t, do(e, request{method: "POST", header: []string{"Cookie", tokenCookie("ck"), "Sec-Fetch-Site", "same-origin"}}), answer{200, "", "key=ck"})
	// A token in the header cannot be sent by another site's page: no check.
	check(t, do(e, request{method: "POST", header: append([]string{"Authorization", "Bearer hd"}, crossSite...)}), answer{200, "", "key=hd"})
	// Both Bearer challenges are the same: sent once.
	check(t, do(e, request{method: "POST", header: crossSite}), answer{401, "Bearer", notAuthenticated})

	cookieFirst := serveDep(ginauth.AnyOf[string](ginauth.BearerCookie{}.Dep(), ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep()), showCredential)
	check(t, do(cookieFirst, request{method: "POST", header: append([]string{"Authorization", "Bearer hd"}, withCookie...)}), crossOrigin)
	check(t, do(cookieFirst, request{method: "POST", header: append([]string{"Authorization", "Bearer hd"}, crossSite...)}), answer{200, "", "key=hd"})
}

func TestAnyOfInTheRegistry(t *testing.T) {
	header := ginauth.APIKeyHeader{Name: "X-API-Key"}
	query := ginauth.APIKeyQuery{Name: "api_key"}
	cookie := ginauth.APIKeyCookie{Name: "api_key"}
	bearer := ginauth.OAuth2PasswordBearer{TokenURL: "token", Scopes: map[string]string{"items": "Read items."}}
	keys := ginauth.AnyOf[string](header.Dep(), query.Dep(), cookie.Dep())
	keyOrToken := ginauth.AnyOf[string](ginauth.APIKeyHeader{Name: "X-API-Key", SchemeName: "apiKey"}.Dep(), bearer.Dep())

	e := gin.New()
	r := di.NewRouter(e)
	r.GET("/keys", di.Handle1(keys, func(*gin.Context, ginauth.Credential[string]) {}))
	r.GET("/items", di.Handle1(di.Security(keyOrToken, "items"), func(*gin.Context, ginauth.Credential[string]) {}))
	routes := r.Routes()

	describe := func(req di.SecurityRequirement) string {
		var alts []string
		for _, a := range ginauth.Alternatives(req.Scheme) {
			m, _ := ginauth.OpenAPI(a)
			alts = append(alts, fmt.Sprintf("%s(%s %s %s)", a.SchemeName(), m.Type, m.In, m.Name))
		}
		return fmt.Sprintf("%s %q: %s", req.Scheme.SchemeName(), req.Scopes, strings.Join(alts, ", "))
	}
	for i, want := range []string{
		`APIKeyHeader | APIKeyQuery | APIKeyCookie []: APIKeyHeader(apiKey header X-API-Key), APIKeyQuery(apiKey query api_key), APIKeyCookie(apiKey cookie api_key)`,
		`apiKey | OAuth2PasswordBearer ["items"]: apiKey(apiKey header X-API-Key), OAuth2PasswordBearer(oauth2  )`,
	} {
		if len(routes[i].Security) != 1 {
			t.Fatalf("%s: %d requirements, want one", routes[i].Path, len(routes[i].Security))
		}
		if got := describe(routes[i].Security[0]); got != want {
			t.Errorf("%s:\ngot  %s\nwant %s", routes[i].Path, got, want)
		}
	}
	info := routes[1].Security[0].Scheme
	if m, _ := ginauth.OpenAPI(ginauth.Alternatives(info)[1]); m.Flows.Password.Scopes["items"] != "Read items." {
		t.Errorf("scopes of the OAuth2 alternative: %v", m.Flows.Password.Scopes)
	}
	if m, ok := ginauth.OpenAPI(info); ok {
		t.Errorf("an AnyOf has no entry of its own: %+v", m)
	}
	// Alternatives is a copy.
	alts := ginauth.Alternatives(info)
	alts[0] = nil
	if slices.Contains(ginauth.Alternatives(info), nil) {
		t.Error("Alternatives shares its slice")
	}
	// A plain scheme has no alternatives.
	r.GET("/plain", di.Handle1(header.Dep(), func(*gin.Context, string) {}))
	if alts := ginauth.Alternatives(r.Routes()[2].Security[0].Scheme); alts != nil {
		t.Errorf("alternatives of a plain scheme: %v", alts)
	}

	// A scope that the OAuth2 alternative does not declare is refused at registration.
	msg := mustPanic(t, func() {
		r.GET("/admin", di.Handle1(di.Security(keyOrToken, "admin"), func(*gin.Context, ginauth.Credential[string]) {}))
	})
	if !strings.Contains(msg, `scope "admin" is not declared`) {
		t.Errorf("panic %q", msg)
	}
}

func TestAnyOfConfiguration(t *testing.T) {
	want := "ginauth: AnyOf needs two schemes or more; use the scheme's Dep for one"
	if msg := mustPanic(t, func() { ginauth.AnyOf[string]() }); msg != want {
		t.Errorf("panic %q", msg)
	}
	if msg := mustPanic(t, func() { ginauth.AnyOf[string](ginauth.APIKeyHeader{Name: "k"}.Dep()) }); msg != want {
		t.Errorf("panic %q", msg)
	}
	// Two alternatives of one name would be one entry in the docs.
	msg := mustPanic(t, func() {
		ginauth.AnyOf[string](ginauth.APIKeyHeader{Name: "X-A"}.Dep(), ginauth.APIKeyHeader{Name: "X-B"}.Dep())
	})
	if want := `ginauth: AnyOf: two schemes are named "APIKeyHeader": give them distinct SchemeNames, as the docs list each under its name`; msg != want {
		t.Errorf("panic %q\nwant  %q", msg, want)
	}
	e := serveDep(ginauth.AnyOf[string](ginauth.APIKeyHeader{Name: "X-A"}.Dep(), ginauth.APIKeyHeader{Name: "X-B", SchemeName: "keyB"}.Dep()), showCredential)
	check(t, do(e, request{header: []string{"X-B", "b"}}), answer{200, "", "key=b"})
	// A misconfigured alternative panics as the scheme itself would.
	if msg := mustPanic(t, func() { ginauth.AnyOf[string](ginauth.APIKeyHeader{}.Dep(), ginauth.APIKeyQuery{Name: "k"}.Dep()) }); !strings.Contains(msg, "needs a Name") {
		t.Errorf("panic %q", msg)
	}
	if msg := mustPanic(t, func() {
		ginauth.AnyOf[string](ginauth.BearerCookie{CookieName: "sid"}.Dep(), ginauth.APIKeyQuery{Name: "k"}.Dep())
	}); !strings.Contains(msg, "must start with __Host-") {
		t.Errorf("panic %q", msg)
	}
}

// showCredential renders what AnyOf found as showString renders a value.
func showCredential(c ginauth.Credential[string]) string { return showString(c.Value) }

func TestAnyOfSaysWhichSchemeMatched(t *testing.T) {
	// An API key and a bearer token are both strings: the handler must know
	// which it got, or an API key sent as a bearer token would pass as a key.
	e := serveDep(ginauth.AnyOf[string](ginauth.APIKeyHeader{Name: "X-Key"}.Dep(), ginauth.OAuth2PasswordBearer{TokenURL: "t"}.Dep()),
		func(c ginauth.Credential[string]) string { return c.Scheme + ":" + c.Value })
	check(t, do(e, request{header: []string{"X-Key", "k1"}}), answer{200, "", "APIKeyHeader:k1"})
	check(t, do(e, request{header: []string{"Authorization", "Bearer k1"}}), answer{200, "", "OAuth2PasswordBearer:k1"})
	off := serveDep(ginauth.AnyOf[string](ginauth.APIKeyHeader{Name: "X-Key", AutoError: ginauth.Off}.Dep(), ginauth.APIKeyQuery{Name: "k", AutoError: ginauth.Off}.Dep()),
		func(c ginauth.Credential[string]) string { return "[" + c.Scheme + ":" + c.Value + "]" })
	check(t, do(off, request{}), answer{200, "", "[:]"})
}

func TestAnyOfUsesTheFirstSchemesNotAuthenticated(t *testing.T) {
	e := serveDep(ginauth.AnyOf[string](ginauth.APIKeyHeader{Name: "X-Key", NotAuthenticated: ginauth.Legacy403}.Dep(), ginauth.APIKeyQuery{Name: "k"}.Dep()), showCredential)
	check(t, do(e, request{}), answer{403, "", notAuthenticated})
}

// Every combinator takes a scheme the one way, its Dep; anything else is a
// mistake caught at startup, with the fix in the message.
func TestCombinatorsTakeASchemesDep(t *testing.T) {
	notAScheme := di.Func("notAScheme", func(*gin.Context) (string, error) { return "", nil })
	for name, f := range map[string]func(){
		"Bearer": func() { ginauth.Bearer(notAScheme, testTokens) },
		"AnyOf":  func() { ginauth.AnyOf(ginauth.APIKeyHeader{Name: "k"}.Dep(), notAScheme) },
	} {
		msg := mustPanic(t, f)
		if !strings.Contains(msg, name+` needs a scheme of this package, declared with its Dep(), such as ginauth.OAuth2PasswordBearer{...}.Dep(); "notAScheme" is not one`) {
			t.Errorf("%s: panic %q", name, msg)
		}
	}
}

// Bearer checks bearer tokens: an API key or a whole Authorization header
// is not one, and saying so is a mistake caught at startup.
func TestBearerNeedsABearerTokenScheme(t *testing.T) {
	for _, s := range []di.Dep[string]{ginauth.APIKeyHeader{Name: "X-Key"}.Dep(), ginauth.OAuth2{}.Dep(), ginauth.OpenIdConnect{OpenIDConnectURL: "/oidc"}.Dep()} {
		if msg := mustPanic(t, func() { ginauth.Bearer(s, testTokens) }); !strings.Contains(msg, "Bearer needs a scheme whose credential is a bearer token") {
			t.Errorf("%s: panic %q", s.Name(), msg)
		}
	}
	for _, s := range []di.Dep[string]{ginauth.OAuth2PasswordBearer{TokenURL: "t"}.Dep(), ginauth.OAuth2AuthorizationCodeBearer{AuthorizationURL: "a", TokenURL: "t"}.Dep(), ginauth.BearerCookie{}.Dep()} {
		ginauth.Bearer(s, testTokens)
	}
}
