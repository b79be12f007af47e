package ginauth_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// Fuzzing the token path: arbitrary tokens (FuzzValidate), and arbitrary
// header and claims JSON correctly signed with the validator's key
// (FuzzValidateSigned; an empty header stands for a valid one), so that the header and claims checks run past the
// signature. A token Validate accepts must pass an independent reading of
// its header and claims; a route answers 200, 401 or 403 only, consistently
// with Validate.
//
//	go test -run '^$' -fuzz '^FuzzValidate$' -fuzztime 60s ./ginauth/
//	go test -run '^$' -fuzz '^FuzzValidateSigned$' -fuzztime 60s ./ginauth/

const (
	fuzzIssuer   = "https://issuer.fuzz"
	fuzzAudience = "fuzz-api"
	fuzzKid      = "k1"
	fuzzFarExp   = 4102444800 // 2100-01-01
)

// validateChecksCharset says Validate itself refuses what is not three
// segments of base64url. It does not yet: golang-jwt's strict decoding skips
// CR and LF (row 7), and only the schemes' b64token check refuses them, so a
// token taken from elsewhere than a scheme (Validate called directly) may
// carry them. Set it once Validate checks the charset.
const validateChecksCharset = true

// validateChecksHeaderUTF8 says Validate refuses a JOSE header that is not
// UTF-8 (RFC 7515 §5.2, RFC 8725 §3.7), as it refuses such claims. It does
// not yet: encoding/json turns the bytes into U+FFFD. Set it once it does.
const validateChecksHeaderUTF8 = true

var fuzzKey = []byte("0123456789abcdef0123456789abcdef") // HS256, 32 bytes

// fuzzTarget is the validator under fuzzing and a route that needs "read".
type fuzzTarget struct {
	v *ginauth.JWT
	e *gin.Engine
}

func newFuzzTarget(f testing.TB) fuzzTarget {
	v, err := ginauth.NewJWT(ginauth.JWTConfig{
		Issuer: fuzzIssuer, Audience: fuzzAudience,
		Keys: ginauth.StaticKeys(ginauth.Key{ID: fuzzKid, Algorithm: "HS256", Key: fuzzKey}),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(v.Close)
	scheme := ginauth.OAuth2PasswordBearer{TokenURL: "token", Scopes: map[string]string{"read": "Read"}}
	e := gin.New()
	di.NewRouter(e, di.Provide(testTokens, v)).GET("/", di.Handle1(di.Security(ginauth.Bearer(scheme.Dep(), testTokens), "read"),
		func(c *gin.Context, t *ginauth.Token) { c.String(http.StatusOK, t.Subject) }))
	return fuzzTarget{v, e}
}

// signHS256 makes a compact JWS of header and payload, signed with fuzzKey.
func signHS256(header, payload []byte) string {
	in := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, fuzzKey)
	io.WriteString(mac, in)
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// fuzzClaims is a valid claims set; fuzzHeader a valid header.
func fuzzClaims(exp int64, extra string) []byte {
	return fmt.Appendf(nil, `{"iss":%q,"aud":%q,"sub":"alice","client_id":"cli","jti":"j1","iat":%d,"exp":%d,"scope":"read"%s}`,
		fuzzIssuer, fuzzAudience, time.Now().Unix()-10, exp, extra)
}

const fuzzHeader = `{"alg":"HS256","typ":"at+jwt","kid":"k1"}`

// check runs raw through Validate and through the route, and checks what
// they say.
func (ft fuzzTarget) check(t *testing.T, raw string) {
	before := time.Now()
	tok, err := ft.v.Validate(context.Background(), raw)
	switch {
	case err == nil && tok == nil:
		t.Fatal("Validate returned neither a token nor an error")
	case err != nil && tok != nil:
		t.Fatalf("Validate returned a token and the error %v", err)
	case err == nil:
		if problem := acceptable(raw, tok, before); problem != "" {
			t.Fatalf("Validate accepted %q: %s", raw, problem)
		}
	}

	w := do(ft.e, auth("Bearer "+raw))
	switch w.Code {
	case http.StatusOK, http.StatusUnauthorized, http.StatusForbidden:
	default:
		t.Fatalf("the route answered %d %s", w.Code, w.Body)
	}
	if w.Code != http.StatusUnauthorized && err != nil {
		t.Fatalf("the route answered %d for a token Validate refuses (%v)", w.Code, err)
	}
	// What the scheme lets through, the route decides as Validate does.
	if err == nil && isCompactJWS(raw) && len(raw) <= ginauth.DefaultMaxTokenBytes {
		want := http.StatusForbidden
		if tok.HasScope("read") {
			want = http.StatusOK
		}
		if w.Code != want {
			t.Fatalf("the route answered %d %s, want %d", w.Code, w.Body, want)
		}
	}
	if w.Code == http.StatusOK && w.Body.String() != tok.Subject {
		t.Fatalf("the route answered %q, want the subject %q", w.Body, tok.Subject)
	}
}

// isCompactJWS is a JWS in compact form written out again
// (charset_internal_test.go).
var isCompactJWS = ginauth.CompactJWSRef

// acceptable reads an accepted token again, independently of the package,
// and says what is wrong with it, or "".
func acceptable(raw string, tok *ginauth.Token, before time.Time) string {
	switch {
	case tok.Subject == "":
		return "sub is empty"
	case !tok.ExpiresAt.After(before):
		return fmt.Sprintf("expired at %v, before %v", tok.ExpiresAt, before)
	case tok.Issuer != fuzzIssuer:
		return fmt.Sprintf("issuer %q", tok.Issuer)
	case !slices.Contains(tok.Audience(), fuzzAudience):
		return fmt.Sprintf("audience %q", tok.Audience())
	case tok.Raw != raw:
		return fmt.Sprintf("Raw %q", tok.Raw)
	case !isCompactJWS(raw) && validateChecksCharset:
		return "not three segments of base64url"
	case len(raw) > ginauth.DefaultMaxTokenBytes:
		return "over the size limit"
	}
	for _, s := range tok.Scopes() {
		// RFC 6749 §3.3: printable ASCII without space, '"' or '\'.
		if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r > '~' || r == '"' || r == '\\' }) {
			return fmt.Sprintf("the scope %+q is not a scope-token", s)
		}
	}
	segs := strings.Split(raw, ".")
	header, err := base64.RawURLEncoding.Strict().DecodeString(segs[0])
	if err != nil {
		return "header: " + err.Error()
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(segs[1])
	if err != nil {
		return "payload: " + err.Error()
	}
	if !utf8.Valid(payload) {
		return "claims not UTF-8"
	}
	if !utf8.Valid(header) && validateChecksHeaderUTF8 {
		return "header not UTF-8"
	}
	if p := acceptableHeader(header); p != "" {
		return "header " + p
	}
	if p := acceptableClaims(payload, tok, before); p != "" {
		return "claims " + p
	}
	return ""
}

func acceptableHeader(header []byte) string {
	var h map[string]any
	if err := json.Unmarshal(header, &h); err != nil {
		return err.Error()
	}
	if h["alg"] != "HS256" {
		return fmt.Sprintf("alg %v", h["alg"])
	}
	for _, name := range []string{"crit", "jku", "x5u", "jwk", "x5c"} {
		if _, ok := h[name]; ok {
			return "with " + name
		}
	}
	if typ, ok := h["typ"]; ok {
		s, _ := typ.(string)
		if s = strings.ToLower(s); s != "jwt" && s != "at+jwt" && s != "application/at+jwt" {
			return fmt.Sprintf("typ %v", typ)
		}
	}
	if kid, ok := h["kid"]; ok && kid != fuzzKid {
		return fmt.Sprintf("kid %v", kid)
	}
	return ""
}

// registered are the claims that may not be given twice, in any case.
var registered = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "client_id", "scope", "scp",
	"azp", "cid", "appid", "token_use", "typ", "at_hash", "c_hash"}

func acceptableClaims(payload []byte, tok *ginauth.Token, before time.Time) string {
	// The top-level members, in order, names decoded.
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return "not an object"
	}
	members := map[string]json.RawMessage{} // by registered name
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err.Error()
		}
		name := t.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return err.Error()
		}
		for _, r := range registered {
			if strings.EqualFold(name, r) {
				if _, dup := members[r]; dup {
					return fmt.Sprintf("%q given twice", r)
				}
				members[r] = v
			}
		}
	}
	str := func(name string) (string, bool) {
		var s string
		return s, json.Unmarshal(members[name], &s) == nil && members[name] != nil && string(members[name]) != "null"
	}
	// Required: sub (the default), iss; read when present: jti, and the
	// client, from the first of client_id, azp, cid, appid.
	for _, c := range []struct {
		name, got string
		required  bool
	}{{"sub", tok.Subject, true}, {"iss", tok.Issuer, true}, {"jti", tok.ID, false}} {
		if s, ok := str(c.name); (ok || c.required) && s != c.got || c.required && !ok {
			return fmt.Sprintf("%s is %s, the token says %q", c.name, members[c.name], c.got)
		}
	}
	// An ID token says so: at_hash, c_hash, a token_use other than access.
	if members["at_hash"] != nil || members["c_hash"] != nil {
		return "an ID token's at_hash or c_hash"
	}
	if use, ok := str("token_use"); members["token_use"] != nil && (!ok || use != "access") {
		return fmt.Sprintf("token_use %s", members["token_use"])
	}
	client := ""
	for _, name := range []string{"client_id", "azp", "cid", "appid"} {
		if s, ok := str(name); ok && s != "" {
			client = s
			break
		}
	}
	if client != tok.ClientID {
		return fmt.Sprintf("the client is %q, the token says %q", client, tok.ClientID)
	}
	switch aud := members["aud"]; {
	case len(aud) > 0 && aud[0] == '"':
		if s, _ := str("aud"); s != fuzzAudience {
			return fmt.Sprintf("aud %s", aud)
		}
	case len(aud) > 0 && aud[0] == '[':
		var list []string
		if json.Unmarshal(aud, &list) != nil || !slices.Contains(list, fuzzAudience) {
			return fmt.Sprintf("aud %s", aud)
		}
	default:
		return fmt.Sprintf("aud %s", aud)
	}
	// Dates: JSON numbers; exp after now, nbf and iat not after.
	date := func(name string) (float64, bool, string) {
		v := members[name]
		if v == nil || string(v) == "null" {
			return 0, false, ""
		}
		if v[0] != '-' && (v[0] < '0' || v[0] > '9') {
			return 0, false, fmt.Sprintf("%s is %s, not a number", name, v)
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false, fmt.Sprintf("%s is %s", name, v)
		}
		return f, true, ""
	}
	now := float64(time.Now().Unix()) + 1
	exp, ok, p := date("exp")
	switch {
	case p != "":
		return p
	case !ok:
		return "without exp"
	case exp <= float64(before.Unix())-1:
		return fmt.Sprintf("exp %v is past", exp)
	case math.Abs(float64(tok.ExpiresAt.Unix())-exp) > 1:
		return fmt.Sprintf("exp %v, the token says %v", exp, tok.ExpiresAt)
	}
	for _, name := range []string{"nbf", "iat"} {
		f, ok, p := date(name)
		if p != "" {
			return p
		}
		if ok && f > now {
			return fmt.Sprintf("%s %v is in the future", name, f)
		}
	}
	return ""
}

func FuzzValidate(f *testing.F) {
	ft := newFuzzTarget(f)
	valid := signHS256([]byte(fuzzHeader), fuzzClaims(fuzzFarExp, ""))
	segs := strings.Split(valid, ".")
	fresh, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": fuzzIssuer, "aud": []string{"x", fuzzAudience}, "sub": "bob", "client_id": "c", "jti": "j",
		"exp": time.Now().Add(time.Hour).Unix(), "scope": "write",
	}).SignedString(fuzzKey)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		valid,
		fresh,
		valid + "=",
		valid + ".",
		segs[0] + "." + segs[1] + ".",
		segs[0] + "." + segs[1] + "." + segs[2][:10] + "\r\n" + segs[2][10:],
		segs[0] + "." + segs[1] + "." + segs[2][:len(segs[2])-1] + "B",
		strings.ReplaceAll(valid, "-", "+"),
		base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + segs[1] + ".",
		"", ".", "..", "a.b.c", strings.Repeat(".", 100), "Bearer " + valid,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) { ft.check(t, raw) })
}

func FuzzValidateSigned(f *testing.F) {
	ft := newFuzzTarget(f)
	h := []byte(fuzzHeader)
	for _, seed := range []struct{ header, claims string }{
		{fuzzHeader, string(fuzzClaims(fuzzFarExp, ""))},
		{`{"alg":"HS256"}`, string(fuzzClaims(fuzzFarExp, `,"scp":["read","x"]`))},
		{`{"alg":"HS256","typ":"JWT"}`, string(fuzzClaims(fuzzFarExp, `,"aud":["a","fuzz-api"]`))},
		{`{"alg":"HS256","typ":"application/AT+JWT","kid":"k1"}`, string(fuzzClaims(fuzzFarExp, `,"nbf":1`))},
		{`{"alg":"HS256","crit":["b64"],"b64":false}`, string(fuzzClaims(fuzzFarExp, ""))},
		{`{"alg":"HS256","typ":"id+jwt"}`, string(fuzzClaims(fuzzFarExp, ""))},
		{`{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}`, string(fuzzClaims(fuzzFarExp, ""))},
		{`{"alg":"HS256","kid":1}`, string(fuzzClaims(fuzzFarExp, ""))},
		{`{"alg":"none"}`, string(fuzzClaims(fuzzFarExp, ""))},
		{`{"alg":"HS256","alg":"none"}`, string(fuzzClaims(fuzzFarExp, ""))},
		{fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"EXP":1`))},
		{fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"\u0065xp":1`))},
		{fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"ſub":"mallory"`))},
		{fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"client_ıd":"x"`))},
		{fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"sub":"\ud800"`))},
		{fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"x":"\\ud800"`))},
		{fuzzHeader, string(fuzzClaims(fuzzFarExp, "\t,\"x\" : {\"exp\":1,\"y\":[1,{\"}\":\"]\"}]}\n"))},
		{fuzzHeader, `{"iss":"https://issuer.fuzz","aud":"fuzz-api","sub":"a","client_id":"c","jti":"j","exp":"4102444800"}`},
		{fuzzHeader, `{"iss":"https://issuer.fuzz","aud":"fuzz-api","sub":"a","client_id":"c","jti":"j","exp":4102444800.999}`},
		{fuzzHeader, `{"iss":"https://issuer.fuzz","aud":"fuzz-api","sub":"a","client_id":"c","jti":"j","exp":1e300}`},
		{fuzzHeader, `{"iss":"https://issuer.fuzz","aud":"fuzz-api","sub":"a","client_id":"c","jti":"j","exp":4102444800,"iat":-1e15}`},
		{fuzzHeader, `{"iss":"https://issuer.fuzz","aud":"fuzz-api","sub":"a","client_id":"c","jti":"j","exp":4.1024448e9}`},
		{fuzzHeader, `{"iss":"https://issuer.fuzz","aud":["fuzz-api",1],"sub":"a","client_id":"c","jti":"j","exp":4102444800}`},
		{fuzzHeader, `{"iss":"https://issuer.fuzz","aud":"fuzz-api","sub":"a","client_id":"c","jti":"j","exp":4102444800,"scope":["read"],"scp":"read"}`},
		{fuzzHeader, `{"iss":"https://issuer.fuzz","aud":"fuzz-api","sub":"a","client_id":"c","jti":"j","exp":4102444800}garbage`},
		{fuzzHeader, `[{"exp":4102444800}]`},
		{fuzzHeader, `null`},
		{fuzzHeader, "{\"iss\":\"https://issuer.fuzz\",\"aud\":\"fuzz-api\",\"sub\":\"a\xff\",\"client_id\":\"c\",\"jti\":\"j\",\"exp\":4102444800}"},
	} {
		f.Add([]byte(seed.header), []byte(seed.claims))
	}
	f.Add(h, fuzzClaims(time.Now().Add(time.Hour).Unix(), ""))
	// An empty header stands for a valid one, so that the fuzzer also works
	// on the claims alone.
	for _, extra := range []string{"", `,"scp":["read"]`, `,"nbf":1e9,"aud":["x","fuzz-api"]`, `,"Sub":"x"`, `,"x":{"sub":"y"}`} {
		f.Add([]byte{}, fuzzClaims(fuzzFarExp, extra))
	}
	f.Fuzz(func(t *testing.T, header, claims []byte) {
		if len(header) == 0 {
			header = h
		}
		ft.check(t, signHS256(header, claims))
	})
}

// The fuzz targets are worth something only if valid tokens pass them: check
// a few signed inputs both ways.
func TestFuzzValidateTarget(t *testing.T) {
	ft := newFuzzTarget(t)
	for _, tc := range []struct {
		name           string
		header, claims string
		status         int
	}{
		{"valid", fuzzHeader, string(fuzzClaims(fuzzFarExp, "")), 200},
		{"scope given twice", `{"alg":"HS256"}`, string(fuzzClaims(fuzzFarExp, `,"scope":"write"`)), 401},
		{"scp only", `{"alg":"HS256","typ":"JWT"}`, strings.Replace(string(fuzzClaims(fuzzFarExp, `,"scp":["write"]`)), `,"scope":"read"`, "", 1), 403},
		{"expired", fuzzHeader, string(fuzzClaims(time.Now().Add(-time.Minute).Unix(), "")), 401},
		{"crit", `{"alg":"HS256","crit":["b64"],"b64":false}`, string(fuzzClaims(fuzzFarExp, "")), 401},
		{"exp in two cases", fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"EXP":1`)), 401},
		{"sub and long-s sub", fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"ſub":"mallory"`)), 401},
		{"unpaired surrogate", fuzzHeader, string(fuzzClaims(fuzzFarExp, `,"name":"\udc00"`)), 401},
		{"another kid", `{"alg":"HS256","kid":"k2"}`, string(fuzzClaims(fuzzFarExp, "")), 401},
		{"id token", `{"alg":"HS256","typ":"id+jwt"}`, string(fuzzClaims(fuzzFarExp, "")), 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := signHS256([]byte(tc.header), []byte(tc.claims))
			ft.check(t, raw)
			if w := do(ft.e, auth("Bearer "+raw)); w.Code != tc.status {
				t.Errorf("status %d, want %d (%s)", w.Code, tc.status, w.Header().Get("WWW-Authenticate"))
			}
		})
	}
}
