package ginauth_test

import (
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/ginauth"
)

// fuzzEngine is one scheme under fuzzing: its engine, and what a 200 must
// look like.
type fuzzEngine struct {
	name   string
	engine *gin.Engine
	form   bool                    // POST a valid password form along
	ok     func(body string) error // checks the body of a 200
}

// isB64TokenRef is RFC 6750's b64token written out again, so as not to
// trust the code under test (charset_internal_test.go).
var isB64TokenRef = ginauth.B64TokenRef

func bearerBody(body string) error {
	tok, ok := strings.CutPrefix(body, "token=")
	if !ok {
		return fmt.Errorf("body %q", body)
	}
	if !isB64TokenRef(tok) {
		return fmt.Errorf("a 200 with the token %q, which is not a b64token", tok)
	}
	return nil
}

func anyBody(string) error { return nil }

func fuzzEngines() []fuzzEngine {
	token := func(s string) string { return "token=" + s }
	creds := func(c *ginauth.HTTPAuthorizationCredentials) string { return "token=" + c.Credentials }
	basic := func(c *ginauth.HTTPBasicCredentials) string { return c.Username + "\x00" + c.Password }
	return []fuzzEngine{
		{"OAuth2PasswordBearer", serveDep(ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep(), token), false, bearerBody},
		{"OAuth2PasswordBearer realm", serveDep(ginauth.OAuth2PasswordBearer{TokenURL: "token", Realm: `a "realm"`, MaxTokenBytes: 64}.Dep(), token), false, bearerBody},
		{"HTTPBearer", serveDep(ginauth.HTTPBearer{}.Dep(), creds), false, bearerBody},
		{"HTTPBasic", serveDep(ginauth.HTTPBasic{Realm: "api"}.Dep(), basic), false, func(body string) error {
			user, password, _ := strings.Cut(body, "\x00")
			if user == "" || strings.Contains(user, ":") || !utf8.ValidString(user) || !utf8.ValidString(password) {
				return fmt.Errorf("a 200 with user %q, password %q", user, password)
			}
			return nil
		}},
		{"HTTPBase other", serveDep(ginauth.HTTPBase{Scheme: "other"}.Dep(), func(c *ginauth.HTTPAuthorizationCredentials) string {
			return c.Scheme + " " + c.Credentials
		}), false, func(body string) error {
			scheme, creds, _ := strings.Cut(body, " ")
			if scheme == "" || creds == "" {
				return fmt.Errorf("a 200 with scheme %q, credentials %q", scheme, creds)
			}
			return nil
		}},
		{"HTTPDigest", serveDep(ginauth.HTTPDigest{}.Dep(), creds), false, anyBody},
		{"OAuth2", serveDep(ginauth.OAuth2{}.Dep(), token), false, func(body string) error {
			if body == "token=" {
				return fmt.Errorf("a 200 with an empty header")
			}
			return nil
		}},
		{"APIKeyHeader", serveDep(ginauth.APIKeyHeader{Name: "Authorization"}.Dep(), token), false, func(body string) error {
			if body == "token=" {
				return fmt.Errorf("a 200 with an empty key")
			}
			return nil
		}},
		{"AnyOf", serveDep(ginauth.ValueOf(ginauth.AnyOf[string](ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep(), ginauth.APIKeyQuery{Name: "k"}.Dep())), token), false, bearerBody},
		{"PasswordRequestForm", serveDep(ginauth.PasswordRequestForm, func(f *ginauth.OAuth2PasswordRequestForm) string {
			return deref(f.ClientID) + "\x00" + deref(f.ClientSecret)
		}), true, func(body string) error {
			id, secret, _ := strings.Cut(body, "\x00")
			for _, s := range []string{id, secret} {
				if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 }) {
					return fmt.Errorf("a 200 with client %q, secret %q", id, secret)
				}
			}
			return nil
		}},
	}
}

// checkChallenge parses a WWW-Authenticate value: a scheme, then
// name="value" parameters separated by ", ", values being quoted strings.
// Every byte must be visible ASCII or a space.
func checkChallenge(v string) error {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return fmt.Errorf("byte %#x at %d", v[i], i)
		}
	}
	scheme, params, hasParams := strings.Cut(v, " ")
	if scheme == "" || !isHTTPToken(scheme) {
		return fmt.Errorf("scheme %q", scheme)
	}
	for hasParams {
		name, rest, ok := strings.Cut(params, `="`)
		if !ok || !isHTTPToken(name) {
			return fmt.Errorf("parameter %q", params)
		}
		i := 0
		for ; i < len(rest) && rest[i] != '"'; i++ {
			if rest[i] == '\\' {
				i++ // a quoted-pair
			}
		}
		if i >= len(rest) {
			return fmt.Errorf("unterminated value in %q", params)
		}
		rest = rest[i+1:]
		if rest == "" {
			break
		}
		if params, ok = strings.CutPrefix(rest, ", "); !ok {
			return fmt.Errorf("%q after a value: an unescaped quote?", rest)
		}
	}
	return nil
}

func isHTTPToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0) {
			return false
		}
	}
	return true
}

func TestCheckChallenge(t *testing.T) {
	for v, ok := range map[string]bool{
		`Bearer`:                             true,
		`APIKey`:                             true,
		`Basic realm="api", charset="UTF-8"`: true,
		`Bearer realm="a \"b\"", error="invalid_token"`:         true,
		`Bearer error="invalid_token", error_description="a"b"`: false,
		`Bearer error="x`:                       false,
		"Bearer error=\"x\r\nSet-Cookie: a=b\"": false,
		`Bearer error="é"`:                      false,
		`Bearer realm="a", error="b", error_description="c", scope="d e"`: true,
		``: false,
	} {
		if err := checkChallenge(v); (err == nil) != ok {
			t.Errorf("checkChallenge(%q) = %v", v, err)
		}
	}
}

var authorizationSeeds = []string{
	"",
	"Bearer",
	"Bearer ",
	"Bearer tok",
	"bearer tok",
	"BEARER tok",
	"Bearer  tok ",
	"Bearer\ttok",
	" Bearer tok",
	"Bearer a b",
	"Bearer a,b",
	`Bearer "tok"`,
	"Bearer tok==",
	"Bearer ==",
	"Bearer tök",
	"Bearer tok\r\nX-Injected: 1",
	"Bearer tok\x00",
	"Bearer " + strings.Repeat("a", 8<<10),
	"Bearer " + strings.Repeat("a", 8<<10+1),
	"Bearer " + strings.Repeat(".", 1<<16),
	"Basic",
	"Basic ",
	"Basic " + base64.StdEncoding.EncodeToString([]byte("u:p")),
	"basic " + base64.StdEncoding.EncodeToString([]byte("u:p:a:b")),
	"Basic " + base64.StdEncoding.EncodeToString([]byte(":pass")),
	"Basic " + base64.StdEncoding.EncodeToString([]byte("nocolon")),
	"Basic " + base64.StdEncoding.EncodeToString([]byte("jörg:pässwörd")),
	"Basic " + base64.StdEncoding.EncodeToString([]byte("u\x00:p")),
	"Basic " + base64.StdEncoding.EncodeToString([]byte("my%3Aclient:s%2B%00")),
	"Basic dTpw\r\n",
	"Basic dTpwYR==",
	"Basic dTp",
	"Basic notabase64token",
	"Digest username=\"u\", realm=\"r\", nonce=\"n\"",
	"Other footokenbar",
	"Other",
	",",
	"\"",
	"\x7f\x80\xff",
}

func FuzzAuthorizationHeader(f *testing.F) {
	for _, s := range authorizationSeeds {
		f.Add(s, false)
	}
	f.Add("Bearer tok", true)
	f.Add("Basic "+base64.StdEncoding.EncodeToString([]byte("u:p")), true)
	f.Add("", true)
	engines := fuzzEngines()
	f.Fuzz(func(t *testing.T, value string, twice bool) {
		for _, fe := range engines {
			req := httptest.NewRequest("GET", "/", nil)
			if fe.form {
				req = httptest.NewRequest("POST", "/", strings.NewReader("username=u&password=p"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			req.Header.Add("Authorization", value)
			if twice {
				req.Header.Add("Authorization", value)
			}
			w := httptest.NewRecorder()
			fe.engine.ServeHTTP(w, req) // a panic fails the fuzzer
			switch w.Code {
			case 200:
				if err := fe.ok(w.Body.String()); err != nil {
					t.Errorf("%s, Authorization %q (twice: %v): %v", fe.name, value, twice, err)
				}
				if twice {
					t.Errorf("%s: a 200 with two Authorization headers %q", fe.name, value)
				}
			case 400, 401:
			default:
				t.Errorf("%s, Authorization %q (twice: %v): status %d %s", fe.name, value, twice, w.Code, w.Body)
			}
			for _, ch := range w.Header().Values("WWW-Authenticate") {
				if err := checkChallenge(ch); err != nil {
					t.Errorf("%s, Authorization %q: WWW-Authenticate %q: %v", fe.name, value, ch, err)
				}
			}
		}
	})
}

func FuzzDecodeBasic(f *testing.F) {
	for _, s := range authorizationSeeds {
		_, param, _ := strings.Cut(s, " ")
		f.Add(param)
	}
	for _, s := range []string{"u:p", ":", "a:", "\x00:\x00", "a\u0085:b", "a:b\xff", "a:b\ud7ff", "😀:🔑"} {
		f.Add(base64.StdEncoding.EncodeToString([]byte(s)))
	}
	f.Fuzz(func(t *testing.T, param string) {
		user, password, ok := ginauth.DecodeBasic(param)
		if !ok {
			if user != "" || password != "" {
				t.Errorf("DecodeBasic(%q) refused but gave %q, %q", param, user, password)
			}
			return
		}
		if user == "" || strings.Contains(user, ":") || !utf8.ValidString(user) || !utf8.ValidString(password) {
			t.Errorf("DecodeBasic(%q) = %q, %q", param, user, password)
		}
		for _, s := range []string{user, password} {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 }) {
				t.Errorf("DecodeBasic(%q) = %q, %q: a control character", param, user, password)
			}
		}
		if back := base64.StdEncoding.EncodeToString([]byte(user + ":" + password)); back != param {
			t.Errorf("DecodeBasic(%q) = %q, %q, which encode to %q", param, user, password, back)
		}
	})
}

// FuzzDecodeBasicRoundTrip decodes the canonical encoding of arbitrary
// credentials, which the fuzzer would rarely reach from arbitrary base64:
// they are accepted exactly when RFC 7617 allows them, split at the first
// colon.
func FuzzDecodeBasicRoundTrip(f *testing.F) {
	for _, s := range []string{"u:p", ":", "u:p:a:b", "nocolon", "jörg:pä", "\x00:p", "a\u0085:b", "a:\xff", "a\u00a0:b", "😀:🔑"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		user, password, ok := ginauth.DecodeBasic(base64.StdEncoding.EncodeToString([]byte(raw)))
		wantUser, wantPassword, colon := strings.Cut(raw, ":")
		want := colon && wantUser != "" && utf8.ValidString(raw) &&
			!strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 })
		if !want {
			wantUser, wantPassword = "", ""
		}
		if ok != want || user != wantUser || password != wantPassword {
			t.Errorf("DecodeBasic(base64(%q)) = %q, %q, %v; want %q, %q, %v", raw, user, password, ok, wantUser, wantPassword, want)
		}
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
