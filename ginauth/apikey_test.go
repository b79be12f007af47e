package ginauth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

func showString(s string) string { return "key=" + s }

func TestAPIKeySchemes(t *testing.T) {
	header := serveDep(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), showString)
	query := serveDep(ginauth.APIKeyQuery{Name: "key"}.Dep(), showString)
	cookie := serveDep(ginauth.APIKeyCookie{Name: "key"}.Dep(), showString)
	headerOff := serveDep(ginauth.APIKeyHeader{Name: "X-API-Key", AutoError: ginauth.Off}.Dep(), showString)
	queryOff := serveDep(ginauth.APIKeyQuery{Name: "key", AutoError: ginauth.Off}.Dep(), showString)
	cookieOff := serveDep(ginauth.APIKeyCookie{Name: "key", AutoError: ginauth.Off}.Dep(), showString)

	missing := answer{401, "APIKey", notAuthenticated}
	for _, tc := range []struct {
		name   string
		engine *gin.Engine
		req    request
		want   answer
	}{
		{"header present", header, request{header: []string{"X-API-Key", "secret"}}, answer{200, "", "key=secret"}},
		{"header name is case-insensitive", header, request{header: []string{"x-api-key", "secret"}}, answer{200, "", "key=secret"}},
		{"header kept as sent", header, request{header: []string{"X-API-Key", " a b "}}, answer{200, "", "key= a b "}},
		{"header missing", header, request{}, missing},
		{"header empty", header, request{header: []string{"X-API-Key", ""}}, missing},
		{"header in the query is not read", header, request{target: "/?X-API-Key=secret"}, missing},
		{"header twice", header, request{header: []string{"X-API-Key", "a", "X-API-Key", "b"}},
			answer{400, "", `{"detail":"The header X-API-Key was given more than once"}`}},
		{"header twice, one empty", header, request{header: []string{"X-API-Key", "", "X-API-Key", "b"}},
			answer{400, "", `{"detail":"The header X-API-Key was given more than once"}`}},
		{"header missing, AutoError Off", headerOff, request{}, answer{200, "", "key="}},
		{"header empty, AutoError Off", headerOff, request{header: []string{"X-API-Key", ""}}, answer{200, "", "key="}},
		{"header present, AutoError Off", headerOff, request{header: []string{"X-API-Key", "k"}}, answer{200, "", "key=k"}},
		{"header twice, AutoError Off", headerOff, request{header: []string{"X-API-Key", "a", "X-API-Key", "a"}},
			answer{400, "", `{"detail":"The header X-API-Key was given more than once"}`}},

		{"query present", query, request{target: "/?key=secret"}, answer{200, "", "key=secret"}},
		{"query escaped", query, request{target: "/?key=a%2Bb+c"}, answer{200, "", "key=a+b c"}},
		{"query missing", query, request{}, missing},
		{"query empty", query, request{target: "/?key="}, missing},
		{"query name is case-sensitive", query, request{target: "/?KEY=secret"}, missing},
		{"query in a header is not read", query, request{header: []string{"key", "secret"}}, missing},
		{"query twice", query, request{target: "/?key=a&key=b"},
			answer{400, "", `{"detail":"The query parameter key was given more than once"}`}},
		{"query twice, one empty", query, request{target: "/?key=&key=b"},
			answer{400, "", `{"detail":"The query parameter key was given more than once"}`}},
		{"query missing, AutoError Off", queryOff, request{}, answer{200, "", "key="}},
		{"query empty, AutoError Off", queryOff, request{target: "/?key="}, answer{200, "", "key="}},
		{"query twice, AutoError Off", queryOff, request{target: "/?key=a&key=a"},
			answer{400, "", `{"detail":"The query parameter key was given more than once"}`}},

		{"cookie present", cookie, request{header: []string{"Cookie", "key=secret"}}, answer{200, "", "key=secret"}},
		{"cookie among others", cookie, request{header: []string{"Cookie", "a=1; key=secret; b=2"}}, answer{200, "", "key=secret"}},
		{"cookie missing", cookie, request{header: []string{"Cookie", "other=x"}}, missing},
		{"cookie empty", cookie, request{header: []string{"Cookie", "key="}}, missing},
		{"cookie twice", cookie, request{header: []string{"Cookie", "key=a; key=b"}},
			answer{400, "", `{"detail":"The cookie key was given more than once"}`}},
		{"cookie twice in two headers", cookie, request{header: []string{"Cookie", "key=a", "Cookie", "key=a"}},
			answer{400, "", `{"detail":"The cookie key was given more than once"}`}},
		{"cookie missing, AutoError Off", cookieOff, request{}, answer{200, "", "key="}},
		{"cookie empty, AutoError Off", cookieOff, request{header: []string{"Cookie", "key="}}, answer{200, "", "key="}},
		{"cookie twice, AutoError Off", cookieOff, request{header: []string{"Cookie", "key=a; key=b"}},
			answer{400, "", `{"detail":"The cookie key was given more than once"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(tc.engine, tc.req), tc.want) })
	}
}

func TestAPIKeyLegacy403(t *testing.T) {
	e := serveDep(ginauth.APIKeyHeader{Name: "X-API-Key", NotAuthenticated: ginauth.Legacy403}.Dep(), showString)
	check(t, do(e, request{}), answer{403, "", notAuthenticated})
}

func TestAPIKeyOpenAPI(t *testing.T) {
	for _, tc := range []struct {
		s interface {
			OpenAPI() *openapi3.SecurityScheme
		}
		want string
	}{
		{ginauth.APIKeyHeader{Name: "X-API-Key"}, `{"type":"apiKey","name":"X-API-Key","in":"header"}`},
		{ginauth.APIKeyQuery{Name: "api_key", Description: "A key"}, `{"type":"apiKey","description":"A key","name":"api_key","in":"query"}`},
		{ginauth.APIKeyCookie{Name: "session"}, `{"type":"apiKey","name":"session","in":"cookie"}`},
	} {
		b, err := json.Marshal(tc.s.OpenAPI())
		if err != nil || !jsonEqual(t, string(b), tc.want) {
			t.Errorf("%T: got %s %v, want %s", tc.s, b, err, tc.want)
		}
	}
	for _, f := range []func(){
		func() { ginauth.APIKeyHeader{}.Dep() },
		func() { ginauth.APIKeyQuery{}.Dep() },
		func() { ginauth.APIKeyCookie{}.Dep() },
	} {
		if msg := mustPanic(t, f); !strings.Contains(msg, "needs a Name") {
			t.Errorf("panic: %q", msg)
		}
	}
}

func TestAPIKeySchemeNames(t *testing.T) {
	for _, tc := range []struct {
		dep  di.Dependency
		want string
	}{
		{ginauth.APIKeyHeader{Name: "k"}.Dep(), "APIKeyHeader"},
		{ginauth.APIKeyQuery{Name: "k"}.Dep(), "APIKeyQuery"},
		{ginauth.APIKeyCookie{Name: "k"}.Dep(), "APIKeyCookie"},
		{ginauth.APIKeyHeader{Name: "k", SchemeName: "partnerKey"}.Dep(), "partnerKey"},
	} {
		e := gin.New()
		r := di.NewRouter(e)
		r.With(tc.dep).GET("/", di.Handle(func(c *gin.Context) {}))
		sec := r.Routes()[0].Security
		if len(sec) != 1 || sec[0].Scheme.SchemeName() != tc.want || len(sec[0].Scopes) != 0 {
			t.Errorf("security %+v, want one %s", sec, tc.want)
		}
	}
}

const (
	aliceKey = "ak_live_4f9c2d1e8b7a6f5e4d3c2b1a"
	bobKey   = "ak_live_0a1b2c3d4e5f6a7b8c9d0e1f"
)

func testKeys() *ginauth.APIKeys {
	return ginauth.NewAPIKeys(map[string]string{"alice": aliceKey, "bob": bobKey})
}

func hexDigest(key string) string {
	d := sha256.Sum256([]byte(key))
	return hex.EncodeToString(d[:])
}

func TestAPIKeysOwner(t *testing.T) {
	fromDigests, err := ginauth.APIKeysFromDigests(map[string]string{
		"alice": hexDigest(aliceKey),
		"bob":   strings.ToUpper(hexDigest(bobKey)), // either case of hex
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, keys := range map[string]*ginauth.APIKeys{"NewAPIKeys": testKeys(), "APIKeysFromDigests": fromDigests} {
		for _, tc := range []struct {
			key, owner string
			ok         bool
		}{
			{aliceKey, "alice", true},
			{bobKey, "bob", true},
			{"", "", false},
			{"unknown", "", false},
			{aliceKey[:len(aliceKey)-1] + "b", "", false}, // one character differs
			{aliceKey + "x", "", false},                   // one longer
			{aliceKey[:len(aliceKey)-1], "", false},       // one shorter
			{strings.ToUpper(aliceKey), "", false},
			{hexDigest(aliceKey), "", false}, // the digest is not the key
		} {
			if owner, ok := keys.Owner(tc.key); owner != tc.owner || ok != tc.ok {
				t.Errorf("%s: Owner(%q) = %q, %v; want %q, %v", name, tc.key, owner, ok, tc.owner, tc.ok)
			}
		}
	}
}

func TestAPIKeysOwnerDoesTheSameWorkForEveryKey(t *testing.T) {
	keys := testKeys()
	// A valid key, an unknown one and a wrong one of the same length take
	// the same path: no allocation, one digest, one comparison.
	for _, key := range []string{aliceKey, "unknown", aliceKey[:len(aliceKey)-1] + "b", strings.Repeat("x", len(aliceKey))} {
		if n := testing.AllocsPerRun(100, func() { keys.Owner(key) }); n != 0 {
			t.Errorf("Owner(%.10q...) allocates %v times", key, n)
		}
	}
}

func TestAPIKeysFromDigestsRefusesBadDigests(t *testing.T) {
	good := hexDigest(aliceKey)
	for _, bad := range []string{
		"",
		good[:63],
		good[:62],
		good + "0",
		good + "00", // one byte too many: must not overflow the digest
		good + good,
		"zz" + good[2:],
		" " + good[1:],
		"0x" + good[2:],
	} {
		keys, err := ginauth.APIKeysFromDigests(map[string]string{"alice": bad})
		if err == nil || keys != nil {
			t.Errorf("APIKeysFromDigests(%q) = %v, %v; want an error", bad, keys, err)
			continue
		}
		if want := `ginauth: the digest of "alice" is not 64 hex digits`; err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
	}
}

func TestAPIKeysRefuseOneKeyForTwoOwners(t *testing.T) {
	msg := mustPanic(t, func() { ginauth.NewAPIKeys(map[string]string{"alice": "k", "bob": "k"}) })
	if want := `ginauth: NewAPIKeys: "alice" and "bob" have the same key`; msg != want {
		t.Errorf("panic %q, want %q", msg, want)
	}
	_, err := ginauth.APIKeysFromDigests(map[string]string{"alice": hexDigest("k"), "bob": strings.ToUpper(hexDigest("k"))})
	if want := `ginauth: "alice" and "bob" have the same digest`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if msg := mustPanic(t, func() { ginauth.NewAPIKeys(map[string]string{"alice": ""}) }); msg != `ginauth: NewAPIKeys: the key of "alice" is empty, or its owner has no name` {
		t.Errorf("panic %q", msg)
	}
	// An owner with no name would look like no key at all.
	if msg := mustPanic(t, func() { ginauth.NewAPIKeys(map[string]string{"": "k"}) }); !strings.Contains(msg, "its owner has no name") {
		t.Errorf("panic %q", msg)
	}
	if _, err := ginauth.APIKeysFromDigests(map[string]string{"": hexDigest("k")}); err == nil {
		t.Error("an owner without a name was accepted")
	}
	if msg := mustPanic(t, func() { ginauth.VerifyAPIKey(ginauth.APIKeyHeader{Name: "k"}.Dep(), nil) }); msg != "ginauth: VerifyAPIKey needs the valid keys" {
		t.Errorf("panic %q", msg)
	}
}

func TestVerifyAPIKey(t *testing.T) {
	keys := testKeys()
	e := serveDep(ginauth.VerifyAPIKey(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), keys), func(owner string) string { return "owner=" + owner })
	eOff := serveDep(ginauth.VerifyAPIKey(ginauth.APIKeyHeader{Name: "X-API-Key", AutoError: ginauth.Off}.Dep(), keys), func(owner string) string { return "owner=" + owner })
	invalid := answer{401, "APIKey", `{"detail":"Invalid API key"}`}
	key := func(k string) request { return request{header: []string{"X-API-Key", k}} }
	for _, tc := range []struct {
		name   string
		engine *gin.Engine
		req    request
		want   answer
	}{
		{"alice", e, key(aliceKey), answer{200, "", "owner=alice"}},
		{"bob", e, key(bobKey), answer{200, "", "owner=bob"}},
		{"no key", e, request{}, answer{401, "APIKey", notAuthenticated}},
		{"empty key", e, key(""), answer{401, "APIKey", notAuthenticated}},
		{"unknown key", e, key("nobody"), invalid},
		{"one character differs", e, key(aliceKey[:len(aliceKey)-1] + "b"), invalid},
		{"longer", e, key(aliceKey + "0"), invalid},
		{"prefix", e, key(aliceKey[:8]), invalid},
		{"key in the URL is not read", e, request{target: "/?X-API-Key=" + aliceKey}, answer{401, "APIKey", notAuthenticated}},
		{"two keys", e, request{header: []string{"X-API-Key", aliceKey, "X-API-Key", bobKey}},
			answer{400, "", `{"detail":"The header X-API-Key was given more than once"}`}},
		{"AutoError Off, no key", eOff, request{}, answer{200, "", "owner="}},
		{"AutoError Off, valid key", eOff, key(bobKey), answer{200, "", "owner=bob"}},
		{"AutoError Off, wrong key", eOff, key("nobody"), invalid},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(tc.engine, tc.req), tc.want) })
	}
}

// rawResponse is everything a client sees of a response.
func rawResponse(w *httptest.ResponseRecorder) string {
	var b strings.Builder
	w.Result().Header.Write(&b) //nolint:errcheck // a strings.Builder does not fail
	return w.Result().Status + "\n" + b.String() + "\n" + w.Body.String()
}

func TestVerifyAPIKeyAnswersEveryWrongKeyAlike(t *testing.T) {
	e := serveDep(ginauth.VerifyAPIKey(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), testKeys()), showString)
	want := rawResponse(do(e, request{header: []string{"X-API-Key", "unknown"}}))
	for _, k := range []string{
		aliceKey[:len(aliceKey)-1] + "b", // a wrong key of the right length
		aliceKey + "x",                   // different length
		aliceKey[:1],
		strings.Repeat("k", 8192),
		bobKey[1:],
	} {
		if got := rawResponse(do(e, request{header: []string{"X-API-Key", k}})); got != want {
			t.Errorf("key %.12q...:\n%s\nwant\n%s", k, got, want)
		}
	}
}

func TestVerifyAPIKeyWithEveryKeyScheme(t *testing.T) {
	keys := testKeys()
	show := func(owner string) string { return owner }
	query := serveDep(ginauth.VerifyAPIKey(ginauth.APIKeyQuery{Name: "api_key"}.Dep(), keys), show)
	cookie := serveDep(ginauth.VerifyAPIKey(ginauth.APIKeyCookie{Name: "api_key"}.Dep(), keys), show)
	check(t, do(query, request{target: "/?api_key=" + bobKey}), answer{200, "", "bob"})
	check(t, do(query, request{target: "/?api_key=x"}), answer{401, "APIKey", `{"detail":"Invalid API key"}`})
	check(t, do(cookie, request{header: []string{"Cookie", "api_key=" + aliceKey}}), answer{200, "", "alice"})
	check(t, do(cookie, request{header: []string{"Cookie", "api_key=x"}}), answer{401, "APIKey", `{"detail":"Invalid API key"}`})
}

func TestVerifyAPIKeyIsListedAsTheScheme(t *testing.T) {
	e := gin.New()
	r := di.NewRouter(e)
	r.GET("/", di.Handle1(ginauth.VerifyAPIKey(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), testKeys()), func(*gin.Context, string) {}))
	sec := r.Routes()[0].Security
	if len(sec) != 1 || sec[0].Scheme.SchemeName() != "APIKeyHeader" {
		t.Fatalf("security %+v", sec)
	}
	if got, ok := ginauth.OpenAPI(sec[0].Scheme); !ok || got.Type != "apiKey" || got.In != "header" || got.Name != "X-API-Key" {
		t.Errorf("OpenAPI %+v", got)
	}
}
