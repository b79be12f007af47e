package ginauth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// serveEveryMethod is an engine whose route "/" answers 200 with show(value
// of dep) for every method, safe or not.
func serveEveryMethod[T any](dep di.Dep[T], show func(T) string) *gin.Engine {
	e := gin.New()
	r := di.NewRouter(e)
	for _, m := range []string{"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"} {
		r.Handle(m, "/", di.Handle1(dep, func(c *gin.Context, v T) { c.String(200, show(v)) }))
	}
	return e
}

func tokenCookie(token string) string { return "__Host-access_token=" + token }

var (
	crossOrigin   = answer{403, "", `{"detail":"Cross-origin request refused"}`}
	tokenMissing  = answer{401, "Bearer", notAuthenticated}
	tokenTooLong  = answer{401, `Bearer error="invalid_token", error_description="The access token is too long"`, `{"detail":"Could not validate credentials"}`}
	tokenMalformd = answer{401, `Bearer error="invalid_token", error_description="The access token is malformed"`, `{"detail":"Could not validate credentials"}`}
)

func TestBearerCookie(t *testing.T) {
	e := serveEveryMethod(ginauth.BearerCookie{}.Dep(), showString)
	off := serveEveryMethod(ginauth.BearerCookie{AutoError: ginauth.Off}.Dep(), showString)
	small := serveEveryMethod(ginauth.BearerCookie{MaxTokenBytes: 16}.Dep(), showString)
	named := serveEveryMethod(ginauth.BearerCookie{CookieName: "__Host-sid"}.Dep(), showString)
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig-_~+/=="
	ck := func(v string) []string { return []string{"Cookie", v} }
	for _, tc := range []struct {
		name   string
		engine *gin.Engine
		req    request
		want   answer
	}{
		{"token", e, request{header: ck(tokenCookie("tok"))}, answer{200, "", "key=tok"}},
		{"JWT-like token", e, request{header: ck(tokenCookie(jwt))}, answer{200, "", "key=" + jwt}},
		{"quoted cookie value", e, request{header: ck(`__Host-access_token="tok"`)}, answer{200, "", "key=tok"}},
		{"among other cookies", e, request{header: ck("a=1; " + tokenCookie("tok") + "; b=2")}, answer{200, "", "key=tok"}},
		{"no cookie", e, request{}, tokenMissing},
		{"empty cookie", e, request{header: ck(tokenCookie(""))}, tokenMissing},
		{"another cookie", e, request{header: ck("access_token=tok")}, tokenMissing},
		{"the name is case-sensitive", e, request{header: ck("__host-access_token=tok")}, tokenMissing},
		{"the Authorization header is not read", e, request{header: []string{"Authorization", "Bearer tok"}}, tokenMissing},
		{"two cookies", e, request{header: ck(tokenCookie("a") + "; " + tokenCookie("b"))},
			answer{400, "", `{"detail":"The cookie __Host-access_token was given more than once"}`}},
		{"two cookies in two headers", e, request{header: append(ck(tokenCookie("a")), ck(tokenCookie("a"))...)},
			answer{400, "", `{"detail":"The cookie __Host-access_token was given more than once"}`}},
		{"two cookies, one empty", e, request{header: ck(tokenCookie("") + "; " + tokenCookie("b"))},
			answer{400, "", `{"detail":"The cookie __Host-access_token was given more than once"}`}},
		{"comma", e, request{header: ck(tokenCookie("a,b"))}, tokenMalformd},
		{"space", e, request{header: ck(tokenCookie("a b"))}, tokenMalformd},
		{"quoted space", e, request{header: ck(`__Host-access_token="a b"`)}, tokenMalformd},
		{"padding in the middle", e, request{header: ck(tokenCookie("a=b"))}, tokenMalformd},
		{"only padding", e, request{header: ck(tokenCookie("=="))}, tokenMalformd},
		{"8 KiB", e, request{header: ck(tokenCookie(strings.Repeat("a", 8<<10)))}, answer{200, "", "key=" + strings.Repeat("a", 8<<10)}},
		{"over 8 KiB", e, request{header: ck(tokenCookie(strings.Repeat("a", 8<<10+1)))}, tokenTooLong},
		{"1 MiB of dots", e, request{header: ck(tokenCookie(strings.Repeat(".", 1<<20)))}, tokenTooLong},
		{"MaxTokenBytes", small, request{header: ck(tokenCookie(strings.Repeat("a", 16)))}, answer{200, "", "key=" + strings.Repeat("a", 16)}},
		{"over MaxTokenBytes", small, request{header: ck(tokenCookie(strings.Repeat("a", 17)))}, tokenTooLong},
		{"AutoError Off, no cookie", off, request{}, answer{200, "", "key="}},
		{"AutoError Off, token", off, request{header: ck(tokenCookie("tok"))}, answer{200, "", "key=tok"}},
		{"AutoError Off, malformed", off, request{header: ck(tokenCookie("a,b"))}, tokenMalformd},
		{"AutoError Off, two cookies", off, request{header: ck(tokenCookie("a") + "; " + tokenCookie("a"))},
			answer{400, "", `{"detail":"The cookie __Host-access_token was given more than once"}`}},
		{"CookieName", named, request{header: ck("__Host-sid=tok")}, answer{200, "", "key=tok"}},
		{"CookieName, default cookie", named, request{header: ck(tokenCookie("tok"))}, tokenMissing},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(tc.engine, tc.req), tc.want) })
	}
}

func TestBearerCookieRefusesCrossOriginRequestsThatChangeState(t *testing.T) {
	e := serveEveryMethod(ginauth.BearerCookie{}.Dep(), showString)
	trusted := serveEveryMethod(ginauth.BearerCookie{TrustedOrigins: []string{"https://app.example.com"}}.Dep(), showString)
	ok := answer{200, "", "key=tok"}
	// httptest's requests are for the host example.com.
	for _, tc := range []struct {
		name   string
		engine *gin.Engine
		method string
		header []string
		want   answer
	}{
		{"POST cross-site", e, "POST", []string{"Sec-Fetch-Site", "cross-site"}, crossOrigin},
		{"POST same-site (another origin)", e, "POST", []string{"Sec-Fetch-Site", "same-site"}, crossOrigin},
		{"PUT cross-site", e, "PUT", []string{"Sec-Fetch-Site", "cross-site"}, crossOrigin},
		{"PATCH cross-site", e, "PATCH", []string{"Sec-Fetch-Site", "cross-site"}, crossOrigin},
		{"DELETE cross-site", e, "DELETE", []string{"Sec-Fetch-Site", "cross-site"}, crossOrigin},
		{"POST from another Origin", e, "POST", []string{"Origin", "https://evil.example"}, crossOrigin},
		{"POST from another port", e, "POST", []string{"Origin", "http://example.com:8080"}, crossOrigin},
		{"POST with a null Origin", e, "POST", []string{"Origin", "null"}, crossOrigin},
		{"POST same-origin", e, "POST", []string{"Sec-Fetch-Site", "same-origin"}, ok},
		{"POST typed in by the user", e, "POST", []string{"Sec-Fetch-Site", "none"}, ok},
		{"POST with this Origin", e, "POST", []string{"Origin", "http://example.com"}, ok},
		{"POST from no browser", e, "POST", nil, ok},
		{"GET cross-site", e, "GET", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, ok},
		{"HEAD cross-site", e, "HEAD", []string{"Sec-Fetch-Site", "cross-site"}, ok},
		{"OPTIONS cross-site", e, "OPTIONS", []string{"Sec-Fetch-Site", "cross-site"}, ok},

		{"trusted origin", trusted, "POST", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://app.example.com"}, ok},
		{"trusted origin, old browser", trusted, "POST", []string{"Origin", "https://app.example.com"}, ok},
		{"untrusted origin", trusted, "POST", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, crossOrigin},
		{"trusted host over http", trusted, "POST", []string{"Sec-Fetch-Site", "cross-site", "Origin", "http://app.example.com"}, crossOrigin},
		{"cross-site with no Origin", trusted, "POST", []string{"Sec-Fetch-Site", "cross-site"}, crossOrigin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check(t, do(tc.engine, request{method: tc.method, header: append([]string{"Cookie", tokenCookie("tok")}, tc.header...)}), tc.want)
		})
	}

	// Without the cookie there is nothing to protect: the answer is the
	// usual one for a missing credential.
	check(t, do(e, request{method: "POST", header: []string{"Sec-Fetch-Site", "cross-site"}}), tokenMissing)
	off := serveEveryMethod(ginauth.BearerCookie{AutoError: ginauth.Off}.Dep(), showString)
	check(t, do(off, request{method: "POST", header: []string{"Sec-Fetch-Site", "cross-site"}}), answer{200, "", "key="})
	check(t, do(off, request{method: "POST", header: []string{"Sec-Fetch-Site", "cross-site", "Cookie", tokenCookie("tok")}}), crossOrigin)
}

func TestBearerCookieConfiguration(t *testing.T) {
	msg := mustPanic(t, func() { ginauth.BearerCookie{CookieName: "access_token"}.Dep() })
	if want := `ginauth: BearerCookie "access_token": the name must start with __Host-, so that browsers only take the cookie from this host, over HTTPS, for every path`; msg != want {
		t.Errorf("panic %q\nwant  %q", msg, want)
	}
	for _, name := range []string{"__Secure-token", "__host-token", "__Host", "x__Host-token"} {
		if msg := mustPanic(t, func() { ginauth.BearerCookie{CookieName: name}.Dep() }); !strings.Contains(msg, "must start with __Host-") {
			t.Errorf("%s: panic %q", name, msg)
		}
	}
	// A name that is no cookie name: SetCookie would write nothing and the
	// cookie would never be read.
	for _, name := range []string{"__Host-my token", "__Host-a;b", "__Host-a=b", "__Host-\x00", "__Host-é"} {
		if msg := mustPanic(t, func() { ginauth.BearerCookie{CookieName: name}.Dep() }); !strings.Contains(msg, "is not a valid cookie name") {
			t.Errorf("%q: panic %q", name, msg)
		}
	}
	if msg := mustPanic(t, func() { ginauth.BearerCookie{TrustedOrigins: []string{"app.example.com"}}.Dep() }); !strings.HasPrefix(msg, `ginauth: BearerCookie: trusted origin "app.example.com": `) {
		t.Errorf("panic %q", msg)
	}
}

func TestBearerCookieOpenAPI(t *testing.T) {
	for _, tc := range []struct {
		s    ginauth.BearerCookie
		want string
	}{
		{ginauth.BearerCookie{}, `{"type":"apiKey","in":"cookie","name":"__Host-access_token"}`},
		{ginauth.BearerCookie{CookieName: "__Host-sid", Description: "Session token"}, `{"type":"apiKey","in":"cookie","name":"__Host-sid","description":"Session token"}`},
	} {
		b, err := json.Marshal(tc.s.OpenAPI())
		if err != nil {
			t.Fatal(err)
		}
		if !jsonEqual(t, string(b), tc.want) {
			t.Errorf("got %s, want %s", b, tc.want)
		}
	}
	e := gin.New()
	r := di.NewRouter(e)
	r.GET("/a", di.Handle1(ginauth.BearerCookie{}.Dep(), func(*gin.Context, string) {}))
	r.GET("/b", di.Handle1(ginauth.BearerCookie{SchemeName: "session"}.Dep(), func(*gin.Context, string) {}))
	routes := r.Routes()
	if got := routes[0].Security[0].Scheme.SchemeName(); got != "BearerCookie" {
		t.Errorf("scheme name %q", got)
	}
	if got := routes[1].Security[0].Scheme.SchemeName(); got != "session" {
		t.Errorf("scheme name %q", got)
	}
}

// jsonEqual compares two JSON texts as values.
func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}

func TestBearerCookieSetAndClear(t *testing.T) {
	s := ginauth.BearerCookie{}
	named := ginauth.BearerCookie{CookieName: "__Host-sid"}
	for _, tc := range []struct {
		name string
		set  func(c *gin.Context)
		want string
	}{
		{"an hour", func(c *gin.Context) { s.SetCookie(c, "tok.en-_~+/=", time.Hour) },
			"__Host-access_token=tok.en-_~+/=; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict"},
		{"CookieName", func(c *gin.Context) { named.SetCookie(c, "tok", 90*time.Second) },
			"__Host-sid=tok; Path=/; Max-Age=90; HttpOnly; Secure; SameSite=Strict"},
		{"a second and a half, rounded up", func(c *gin.Context) { s.SetCookie(c, "tok", 1500*time.Millisecond) },
			"__Host-access_token=tok; Path=/; Max-Age=2; HttpOnly; Secure; SameSite=Strict"},
		{"under a second is not a session cookie", func(c *gin.Context) { s.SetCookie(c, "tok", time.Millisecond) },
			"__Host-access_token=tok; Path=/; Max-Age=1; HttpOnly; Secure; SameSite=Strict"},
		{"zero is a session cookie", func(c *gin.Context) { s.SetCookie(c, "tok", 0) },
			"__Host-access_token=tok; Path=/; HttpOnly; Secure; SameSite=Strict"},
		{"negative deletes", func(c *gin.Context) { s.SetCookie(c, "tok", -time.Second) },
			"__Host-access_token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"},
		{"clear", s.ClearCookie,
			"__Host-access_token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"},
		{"clear CookieName", named.ClearCookie,
			"__Host-sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gin.New()
			e.GET("/", func(c *gin.Context) { tc.set(c); c.Status(204) })
			w := do(e, request{})
			if got := strings.Join(w.Header().Values("Set-Cookie"), " | "); got != tc.want {
				t.Errorf("Set-Cookie: %s\nwant        %s", got, tc.want)
			}
		})
	}
}

func TestBearerCookieReadsWhatSetCookieWrites(t *testing.T) {
	s := ginauth.BearerCookie{}
	e := gin.New()
	e.POST("/login", func(c *gin.Context) { s.SetCookie(c, "abc.def-ghi", time.Minute); c.Status(204) })
	di.NewRouter(e).GET("/me", di.Handle1(s.Dep(), func(c *gin.Context, tok string) { c.String(200, tok) }))

	w := do(e, request{method: "POST", target: "/login"})
	req := request{target: "/me"}
	for _, ck := range (&http.Response{Header: w.Header()}).Cookies() {
		req.header = append(req.header, "Cookie", ck.Name+"="+ck.Value)
	}
	check(t, do(e, req), answer{200, "", "abc.def-ghi"})
}

func TestSetCookieRefusesATokenItCannotCarry(t *testing.T) {
	s := ginauth.BearerCookie{}
	for _, tok := range []string{"a;b", `a"b`, "a b", "", strings.Repeat("a", 4000)} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		if err := s.SetCookie(c, tok, time.Minute); err == nil || c.Writer.Header().Get("Set-Cookie") != "" {
			t.Errorf("%.20q: accepted", tok)
		}
	}
}
