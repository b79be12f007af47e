package ginauth_test

// Rows 10, 11 and 12 of section 1 of token-security.md, each in both
// directions: what must be accepted and what must be refused.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/ginauth"
)

func showBasicCreds(c *ginauth.HTTPBasicCredentials) string {
	if c == nil {
		return "nil"
	}
	return fmt.Sprintf("user=%q password=%q", c.Username, c.Password)
}

// Row 10: Basic: ':pass', no colon, bad or padded base64, trailing data,
// control characters: 401 `Basic realm="…", charset="UTF-8"`; 'u:p:a:b'
// gives user u, password p:a:b.
func TestRow10BasicCredentials(t *testing.T) {
	on := serveDep(ginauth.HTTPBasic{Realm: "api"}.Dep(), showBasicCreds)
	off := serveDep(ginauth.HTTPBasic{Realm: "api", AutoError: ginauth.Off}.Dep(), showBasicCreds)
	refused := answer{401, `Basic realm="api", charset="UTF-8"`, notAuthenticated}
	accepted := func(user, password string) answer {
		return answer{200, "", fmt.Sprintf("user=%q password=%q", user, password)}
	}
	for _, tc := range []struct {
		name   string
		engine *gin.Engine
		header string // the Authorization header; "-" for none
		want   answer
	}{
		// Accepted.
		{"user and password", on, "Basic " + b64("john:secret"), accepted("john", "secret")},
		{"u:p:a:b splits at the first colon", on, "Basic " + b64("u:p:a:b"), accepted("u", "p:a:b")},
		{"empty password", on, "Basic " + b64("john:"), accepted("john", "")},
		{"UTF-8 user", on, "Basic " + b64("jörg:pässwörd"), accepted("jörg", "pässwörd")},
		{"RFC 7617 UTF-8 vector", on, "Basic dGVzdDoxMjPCow==", accepted("test", "123£")},
		{"lower-case basic", on, "basic " + b64("u:p"), accepted("u", "p")},
		{"upper-case BASIC", on, "BASIC " + b64("u:p"), accepted("u", "p")},
		{"spaces around the credentials", on, "Basic   " + b64("u:p") + "  ", accepted("u", "p")},
		{"AutoError Off, valid", off, "Basic " + b64("u:p"), accepted("u", "p")},
		{"AutoError Off, missing", off, "-", answer{200, "", "nil"}},
		{"AutoError Off, another scheme", off, "Bearer tok", answer{200, "", "nil"}},

		// Refused.
		{"missing", on, "-", refused},
		{"another scheme", on, "Bearer tok", refused},
		{":pass (empty user)", on, "Basic " + b64(":pass"), refused},
		{": alone", on, "Basic " + b64(":"), refused},
		{"no colon", on, "Basic " + b64("johnsecret"), refused},
		{"Basic with nothing", on, "Basic", refused},
		{"Basic and a space", on, "Basic ", refused},
		{"bad base64", on, "Basic notabase64token!", refused},
		{"bad base64 (URL-safe alphabet)", on, "Basic " + strings.NewReplacer("+", "-", "/", "_").Replace(b64("u:\xfb\xff")), refused},
		{"unpadded base64", on, "Basic " + strings.TrimRight(b64("u:pa"), "="), refused},
		{"padded wrong: one = missing", on, "Basic " + strings.TrimSuffix(b64("u:pa"), "="), refused},
		{"padded wrong: one = too many", on, "Basic " + b64("u:pa") + "=", refused},
		{"padded wrong: padding where none is due", on, "Basic " + b64("u:p") + "==", refused},
		{"non-canonical trailing bits", on, "Basic dTpwYR==", refused},
		{"trailing data after padding", on, "Basic " + b64("u:pa") + b64("x:y"), refused},
		{"trailing data after a space", on, "Basic " + b64("u:p") + " " + b64("x:y"), refused},
		{"trailing garbage", on, "Basic " + b64("u:p") + "!", refused},
		{"a second scheme after a comma", on, "Basic " + b64("u:p") + ", Bearer tok", refused},
		{"NUL", on, "Basic " + b64("u\x00:p"), refused},
		{"CRLF in the password", on, "Basic " + b64("u:p\r\nX: y"), refused},
		{"tab", on, "Basic " + b64("u:p\tq"), refused},
		{"DEL", on, "Basic " + b64("u:p\x7f"), refused},
		{"C1 control (NEL)", on, "Basic " + b64("u\u0085:p"), refused},
		{"CR inside the base64", on, "Basic " + b64("user:pass")[:4] + "\r" + b64("user:pass")[4:], refused},
		{"invalid UTF-8", on, "Basic " + b64("j\xf6rg:p"), refused},
		{"AutoError Off, :pass", off, "Basic " + b64(":pass"), refused},
		{"AutoError Off, no colon", off, "Basic " + b64("johnsecret"), refused},
		{"AutoError Off, bad base64", off, "Basic !!!", refused},
		{"AutoError Off, control characters", off, "Basic " + b64("u:\x01"), refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var header []string
			if tc.header != "-" {
				header = []string{"Authorization", tc.header}
			}
			check(t, do(tc.engine, request{header: header}), tc.want)
		})
	}

	// Two Authorization headers are an invalid request (row 4).
	two := request{header: []string{"Authorization", "Basic " + b64("u:p"), "Authorization", "Basic " + b64("u:p")}}
	check(t, do(on, two), answer{400, "", `{"detail":"Only one Authorization header is allowed"}`})
	check(t, do(off, two), answer{400, "", `{"detail":"Only one Authorization header is allowed"}`})
}

// Row 11: cookie `sid=a; sid=b`: reject. Require __Host-, Secure, HttpOnly,
// SameSite; a CSRF check on unsafe methods.
func TestRow11CookieScheme(t *testing.T) {
	bearer := serveEveryMethod(ginauth.BearerCookie{CookieName: "__Host-sid"}.Dep(), showString)
	apiKey := serveEveryMethod(ginauth.APIKeyCookie{Name: "sid"}.Dep(), showString)
	trusted := serveEveryMethod(ginauth.APIKeyCookie{Name: "sid", TrustedOrigins: []string{"https://app.example.com"}}.Dep(), showString)
	twice := func(name string) answer {
		return answer{400, "", `{"detail":"The cookie ` + name + ` was given more than once"}`}
	}
	crossSite := []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
	for _, tc := range []struct {
		name   string
		engine *gin.Engine
		method string
		header []string
		want   answer
	}{
		// Accepted.
		{"bearer: one cookie", bearer, "GET", []string{"Cookie", "__Host-sid=a"}, answer{200, "", "key=a"}},
		{"bearer: one cookie among others", bearer, "GET", []string{"Cookie", "sid=x; __Host-sid=a; __Host-other=b"}, answer{200, "", "key=a"}},
		{"bearer: same-origin POST", bearer, "POST", []string{"Cookie", "__Host-sid=a", "Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"}, answer{200, "", "key=a"}},
		{"bearer: cross-site GET", bearer, "GET", append([]string{"Cookie", "__Host-sid=a"}, crossSite...), answer{200, "", "key=a"}},
		{"bearer: POST from no browser", bearer, "POST", []string{"Cookie", "__Host-sid=a"}, answer{200, "", "key=a"}},
		{"api key: one cookie", apiKey, "GET", []string{"Cookie", "sid=a"}, answer{200, "", "key=a"}},
		{"api key: cookies differing in case are others", apiKey, "GET", []string{"Cookie", "SID=b; sid=a; Sid=c"}, answer{200, "", "key=a"}},
		{"api key: same-origin DELETE", apiKey, "DELETE", []string{"Cookie", "sid=a", "Sec-Fetch-Site", "same-origin"}, answer{200, "", "key=a"}},
		{"api key: cross-site HEAD", apiKey, "HEAD", append([]string{"Cookie", "sid=a"}, crossSite...), answer{200, "", "key=a"}},
		{"api key: trusted origin POST", trusted, "POST", []string{"Cookie", "sid=a", "Sec-Fetch-Site", "cross-site", "Origin", "https://app.example.com"}, answer{200, "", "key=a"}},

		// Refused.
		{"bearer: sid=a; sid=b", bearer, "GET", []string{"Cookie", "__Host-sid=a; __Host-sid=b"}, twice("__Host-sid")},
		{"bearer: the same cookie twice", bearer, "GET", []string{"Cookie", "__Host-sid=a; __Host-sid=a"}, twice("__Host-sid")},
		{"bearer: two Cookie headers", bearer, "GET", []string{"Cookie", "__Host-sid=a", "Cookie", "__Host-sid=b"}, twice("__Host-sid")},
		{"bearer: cross-site POST", bearer, "POST", append([]string{"Cookie", "__Host-sid=a"}, crossSite...), crossOrigin},
		{"bearer: cross-site PUT (Sec-Fetch-Site only)", bearer, "PUT", []string{"Cookie", "__Host-sid=a", "Sec-Fetch-Site", "cross-site"}, crossOrigin},
		{"bearer: PATCH from another Origin (old browser)", bearer, "PATCH", []string{"Cookie", "__Host-sid=a", "Origin", "https://evil.example"}, crossOrigin},
		{"bearer: the unprefixed cookie is not read", bearer, "GET", []string{"Cookie", "sid=a"}, tokenMissing},
		{"api key: sid=a; sid=b", apiKey, "GET", []string{"Cookie", "sid=a; sid=b"}, twice("sid")},
		{"api key: two Cookie headers", apiKey, "GET", []string{"Cookie", "sid=a", "Cookie", "sid=b"}, twice("sid")},
		{"api key: cross-site POST", apiKey, "POST", append([]string{"Cookie", "sid=a"}, crossSite...), crossOrigin},
		{"api key: cross-site DELETE", apiKey, "DELETE", []string{"Cookie", "sid=a", "Sec-Fetch-Site", "same-site"}, crossOrigin},
		{"api key: untrusted origin POST", trusted, "POST", append([]string{"Cookie", "sid=a"}, crossSite...), crossOrigin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check(t, do(tc.engine, request{method: tc.method, header: tc.header}), tc.want)
		})
	}

	// __Host- is required of the token cookie, at startup.
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"__Host-sid", true},
		{"", true}, // the default, __Host-access_token
		{"sid", false},
		{"__Secure-sid", false},
		{"__host-sid", false},
	} {
		t.Run("name "+tc.name, func(t *testing.T) {
			s := ginauth.BearerCookie{CookieName: tc.name}
			if tc.ok {
				s.Dep()
				return
			}
			if msg := mustPanic(t, func() { s.Dep() }); !strings.Contains(msg, "must start with __Host-") {
				t.Errorf("panic %q", msg)
			}
		})
	}

	// The cookie is written Secure, HttpOnly, SameSite=Strict, Path=/ (what
	// __Host- requires, and no Domain).
	e := gin.New()
	e.GET("/", func(c *gin.Context) { ginauth.BearerCookie{CookieName: "__Host-sid"}.SetCookie(c, "a", 10*time.Minute) })
	if got, want := do(e, request{}).Header().Get("Set-Cookie"), "__Host-sid=a; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Strict"; got != want {
		t.Errorf("Set-Cookie %q, want %q", got, want)
	}
}

// Row 12: API key: an unknown id and a wrong secret take the same time and
// get the same 401; keys in the URL are refused.
func TestRow12APIKeys(t *testing.T) {
	const (
		id     = "ak_7f3a"
		secret = "9c2e5d1b4a8f6e3d2c1b0a9f8e7d6c5b"
		key    = id + "." + secret
	)
	keys := ginauth.NewAPIKeys(map[string]string{"ci-bot": key})
	e := serveDep(ginauth.VerifyAPIKey(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), keys), func(owner string) string { return "owner=" + owner })
	invalid := answer{401, "APIKey", `{"detail":"Invalid API key"}`}
	header := func(k string) []string { return []string{"X-API-Key", k} }
	for _, tc := range []struct {
		name string
		req  request
		want answer
	}{
		// Accepted.
		{"the key", request{header: header(key)}, answer{200, "", "owner=ci-bot"}},
		{"the key, with a key in the URL too, which is not read", request{target: "/?X-API-Key=junk&api_key=junk", header: header(key)}, answer{200, "", "owner=ci-bot"}},

		// Refused, all alike.
		{"unknown id", request{header: header("ak_0000." + secret)}, invalid},
		{"wrong secret", request{header: header(id + ".0c2e5d1b4a8f6e3d2c1b0a9f8e7d6c5b")}, invalid},
		{"wrong last character", request{header: header(key[:len(key)-1] + "c")}, invalid},
		{"secret only", request{header: header(secret)}, invalid},
		{"id only", request{header: header(id)}, invalid},
		{"longer", request{header: header(key + "0")}, invalid},
		{"upper case", request{header: header(strings.ToUpper(key))}, invalid},
		{"the stored digest", request{header: header(hexDigest(key))}, invalid},
		{"garbage", request{header: header(strings.Repeat("\xff", 100))}, invalid},

		// Keys in the URL are never read by a header scheme.
		{"key in the query", request{target: "/?X-API-Key=" + key}, answer{401, "APIKey", notAuthenticated}},
		{"key in the query as api_key", request{target: "/?api_key=" + key}, answer{401, "APIKey", notAuthenticated}},
		{"key in the query and a wrong one in the header", request{target: "/?X-API-Key=" + key, header: header("x")}, invalid},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(e, tc.req), tc.want) })
	}

	// The same answer, byte for byte, for an unknown id and a wrong secret.
	unknown := rawResponse(do(e, request{header: header("ak_0000." + secret)}))
	wrong := rawResponse(do(e, request{header: header(id + ".0c2e5d1b4a8f6e3d2c1b0a9f8e7d6c5b")}))
	if unknown != wrong {
		t.Errorf("unknown id:\n%s\nwrong secret:\n%s", unknown, wrong)
	}
	// The same path, a digest and a comparison with the same allocations,
	// for the key, an unknown id and a wrong secret: a proxy for the same
	// timing, which a shared test machine cannot measure reliably.
	want := testing.AllocsPerRun(100, func() { keys.Owner(key) })
	for _, k := range []string{"ak_0000." + secret, id + ".0c2e5d1b4a8f6e3d2c1b0a9f8e7d6c5b"} {
		if n := testing.AllocsPerRun(100, func() { keys.Owner(k) }); n != want {
			t.Errorf("Owner(%q): %v allocations, the valid key %v", k, n, want)
		}
	}
}
