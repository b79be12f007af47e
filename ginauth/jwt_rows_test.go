package ginauth_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/ginauth"
)

// One test per row of section 1 of token-security.md that concerns tokens
// (rows 1-7 and 9-12 are in the scheme tests): each through a real route,
// in both directions.

const (
	notValid     = "The access token is not valid"
	malformedTok = "The access token is malformed"
)

type tokenCase struct {
	name  string
	token string
	want  answer
}

func runTokens(t *testing.T, v ginauth.TokenValidator, cases []tokenCase, opts ...ginauth.BearerOption) {
	t.Helper()
	e := tokenRoute(v, opts...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { check(t, do(e, auth("Bearer "+tc.token)), tc.want) })
	}
}

func TestRow08InvalidTokenAndInsufficientScope(t *testing.T) {
	v := validator(t)
	runTokens(t, v, []tokenCase{
		{"valid", good(t, "hs"), accepted},
		{"bad signature", tamper(good(t, "hs")), refused(notValid)},
		{"tampered payload", good(t, "hs")[:40] + "x" + good(t, "hs")[41:], refused(malformedTok)},
		{"expired", sign(t, "hs", header("hs"), with("exp", time.Now().Unix()-60)), refused("The access token expired")},
		{"wrong audience", sign(t, "hs", header("hs"), with("aud", "https://other.example.com")), refused("The access token is meant for another audience")},
		{"missing scope", sign(t, "hs", header("hs"), with("scope", "write")), answer{403,
			`Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="read"`,
			`{"detail":"Not enough permissions"}`}},
	})
	// FastAPI's tutorial answer, on request.
	runTokens(t, v, []tokenCase{
		{"missing scope as 401", sign(t, "hs", header("hs"), with("scope", "write")),
			answer{401, `Bearer realm="api", scope="read"`, `{"detail":"Not enough permissions"}`}},
	}, ginauth.MissingScopeAs401())
}

func TestRow13AlgNone(t *testing.T) {
	v := validator(t)
	none := func(alg string) string {
		return signWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, map[string]any{"alg": alg, "typ": "at+jwt", "kid": "hs"}, goodClaims())
	}
	runTokens(t, v, []tokenCase{
		{"none", none("none"), refused(notValid)},
		{"None", none("None"), refused(notValid)},
		{"NONE", none("NONE"), refused(notValid)},
		{"empty signature", strings.TrimRight(good(t, "hs"), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"), refused(notValid)},
		{"HS256 passes", good(t, "hs"), accepted},
	})
}

func TestRow14HMACWithThePublicKey(t *testing.T) {
	// The algorithm-confusion attack: HS256 signed with the RSA public key.
	fixtures()
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	v := validator(t)
	runTokens(t, v, []tokenCase{
		{"public key as PEM", signWith(t, jwt.SigningMethodHS256, pemKey, header("rs", "alg", "HS256"), goodClaims()), refused(notValid)},
		{"public key as DER", signWith(t, jwt.SigningMethodHS256, der, header("rs", "alg", "HS256"), goodClaims()), refused(notValid)},
		{"modulus", signWith(t, jwt.SigningMethodHS256, rsaKey.N.Bytes(), header("rs", "alg", "HS256"), goodClaims()), refused(notValid)},
		{"RS256 passes", good(t, "rs"), accepted},
	})
}

func TestRow15AlgorithmPinnedPerKey(t *testing.T) {
	fixtures()
	v := validator(t)
	ps256 := signWith(t, jwt.SigningMethodPS256, rsaKey, header("rs", "alg", "PS256"), goodClaims())
	es384 := signWith(t, jwt.SigningMethodES256, ecKey, header("es", "alg", "ES384"), goodClaims())
	rs512 := signWith(t, jwt.SigningMethodRS512, rsaKey, header("rs", "alg", "RS512"), goodClaims())
	runTokens(t, v, []tokenCase{
		{"PS256 with the RS256 key", ps256, refused(notValid)},
		{"ES384 claimed with the ES256 key", es384, refused(notValid)},
		{"RS512 with the RS256 key", rs512, refused(notValid)},
		{"HS256 with the ES256 kid", sign(t, "hs", header("es", "alg", "HS256"), goodClaims()), refused(notValid)},
		{"each key with its algorithm", good(t, "es"), accepted},
		{"EdDSA", good(t, "ed"), accepted},
	})
	// Algorithms narrows what the keys may verify.
	onlyRS := validator(t, func(c *ginauth.JWTConfig) { c.Algorithms = []string{"RS256"} })
	runTokens(t, onlyRS, []tokenCase{
		{"narrowed: HS256 refused", good(t, "hs"), refused(notValid)},
		{"narrowed: RS256 passes", good(t, "rs"), accepted},
	})
}

func TestRow16AlgMissingOrOdd(t *testing.T) {
	v := validator(t)
	runTokens(t, v, []tokenCase{
		{"missing", sign(t, "hs", header("hs", "alg", nil), goodClaims()), refused(notValid)},
		{"a number", sign(t, "hs", header("hs", "alg", 256), goodClaims()), refused(notValid)},
		{"padded", sign(t, "hs", header("hs", "alg", " HS256 "), goodClaims()), refused(notValid)},
		{"lower case", sign(t, "hs", header("hs", "alg", "hs256"), goodClaims()), refused(notValid)},
	})
}

func TestRow17OddKids(t *testing.T) {
	v := validator(t)
	runTokens(t, v, []tokenCase{
		{"unknown", sign(t, "hs", header("hs", "kid", "nope"), goodClaims()), refused(notValid)},
		{"a number", sign(t, "hs", header("hs", "kid", 1), goodClaims()), refused(notValid)},
		{"an object", sign(t, "hs", header("hs", "kid", map[string]any{"a": 1}), goodClaims()), refused(notValid)},
		{"a path", sign(t, "hs", header("hs", "kid", "../../dev/null"), goodClaims()), refused(notValid)},
		{"SQL", sign(t, "hs", header("hs", "kid", "' OR 1=1--"), goodClaims()), refused(notValid)},
		{"4 KB", sign(t, "hs", header("hs", "kid", strings.Repeat("k", 4<<10)), goodClaims()), refused(notValid)},
		{"10 KB: over the size cap", sign(t, "hs", header("hs", "kid", strings.Repeat("k", 10<<10)), goodClaims()), refused("The access token is too long")},
		{"NUL", sign(t, "hs", header("hs", "kid", "hs\x00"), goodClaims()), refused(notValid)},
		{"the right kid", good(t, "hs"), accepted},
	})
}

func TestRow18NoKidWithSeveralKeys(t *testing.T) {
	several := validator(t)
	runTokens(t, several, []tokenCase{{"refused: several keys", sign(t, "hs", header("hs", "kid", nil), goodClaims()), refused(notValid)}})
	one := validator(t, func(c *ginauth.JWTConfig) {
		c.Keys = ginauth.StaticKeys(ginauth.Key{ID: "hs", Algorithm: "HS256", Key: hsSecret})
	})
	runTokens(t, one, []tokenCase{{"accepted: the only key", sign(t, "hs", header("hs", "kid", nil), goodClaims()), accepted}})
}

func TestRow19EmbeddedKeys(t *testing.T) {
	v := validator(t)
	var cases []tokenCase
	for _, name := range []string{"jku", "x5u", "jwk", "x5c"} {
		cases = append(cases, tokenCase{name, sign(t, "hs", header("hs", name, "https://attacker.example/key"), goodClaims()), refused(notValid)})
	}
	runTokens(t, v, cases)
}

func TestRow20Crit(t *testing.T) {
	v := validator(t)
	runTokens(t, v, []tokenCase{
		{"b64 false", sign(t, "hs", header("hs", "crit", []string{"b64"}, "b64", false), goodClaims()), refused(notValid)},
		{"unknown", sign(t, "hs", header("hs", "crit", []string{"exp"}), goodClaims()), refused(notValid)},
		{"empty", sign(t, "hs", header("hs", "crit", []string{}), goodClaims()), refused(notValid)},
	})
}

func TestRow21TokenType(t *testing.T) {
	notAccess := refused("The token is not an access token")
	typ := func(v any) string { return sign(t, "hs", header("hs", "typ", v), goodClaims()) }
	runTokens(t, validator(t), []tokenCase{
		{"at+jwt", typ("at+jwt"), accepted},
		{"application/at+jwt", typ("application/at+jwt"), accepted},
		{"AT+JWT", typ("AT+JWT"), accepted},
		{"JWT", typ("JWT"), accepted},
		{"absent, as Okta and Cognito send them", typ(nil), accepted},
		{"an ID token", typ("id_token+jwt"), notAccess},
		{"a logout token", typ("logout+jwt"), notAccess},
		{"JOSE", typ("JOSE"), notAccess},
		{"a number", typ(1), notAccess},
		{"Cognito's ID token", sign(t, "hs", header("hs"), with("token_use", "id")), notAccess},
		{"Cognito's access token", sign(t, "hs", header("hs"), with("token_use", "access")), accepted},
		{"Keycloak's ID token", sign(t, "hs", header("hs", "typ", "JWT"), with("typ", "ID")), notAccess},
		{"Keycloak's refresh token", sign(t, "hs", header("hs", "typ", "JWT"), with("typ", "Refresh")), notAccess},
		{"Keycloak's access token", sign(t, "hs", header("hs", "typ", "JWT"), with("typ", "Bearer")), accepted},
	})
	// RFC 9068's profile in full: at+jwt only.
	strict := validator(t, func(c *ginauth.JWTConfig) { c.RFC9068 = true })
	runTokens(t, strict, []tokenCase{
		{"RFC 9068: at+jwt", typ("at+jwt"), accepted},
		{"RFC 9068: JWT", typ("JWT"), notAccess},
		{"RFC 9068: absent", typ(nil), notAccess},
	})
}

func TestRow22Segments(t *testing.T) {
	tok := good(t, "hs")
	parts := strings.Split(tok, ".")
	runTokens(t, validator(t), []tokenCase{
		{"2 segments", parts[0] + "." + parts[1], refused(malformedTok)},
		{"4 segments", tok + ".x", refused(malformedTok)},
		{"5 segments", tok + ".x.y", refused(malformedTok)},
		{"padding", parts[0] + "." + parts[1] + "==." + parts[2], refused(malformedTok)},
		{"+/ alphabet", parts[0] + "." + parts[1] + "." + strings.NewReplacer("-", "+", "_", "/").Replace(parts[2]) + "+/", refused(malformedTok)},
	})
}

func TestRow23FlippedTrailingBits(t *testing.T) {
	// A 32-byte HMAC in base64url ends with a character that carries 2
	// unused bits: flipping them changes the string, not the bytes.
	tok := good(t, "hs")
	last := tok[len(tok)-1]
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, last)
	flipped := tok[:len(tok)-1] + string(alphabet[i^1])
	if b, err := base64.RawURLEncoding.DecodeString(strings.Split(flipped, ".")[2]); err != nil || len(b) != 32 {
		t.Fatalf("flipped signature does not decode leniently: %v", err)
	}
	runTokens(t, validator(t), []tokenCase{
		{"flipped", flipped, refused(malformedTok)},
		{"original", tok, accepted},
	})
}

func TestRow24ECDSASignatures(t *testing.T) {
	tok := good(t, "es")
	parts := strings.Split(tok, ".")
	zero := base64.RawURLEncoding.EncodeToString(make([]byte, 64))
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	// The same signature in DER: SEQUENCE { INTEGER r, INTEGER s }.
	derInt := func(b []byte) []byte {
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return append([]byte{2, byte(len(b))}, b...)
	}
	body := append(derInt(sig[:32]), derInt(sig[32:])...)
	der := base64.RawURLEncoding.EncodeToString(append([]byte{0x30, byte(len(body))}, body...))
	runTokens(t, validator(t), []tokenCase{
		{"r=s=0", parts[0] + "." + parts[1] + "." + zero, refused(notValid)},
		{"DER", parts[0] + "." + parts[1] + "." + der, refused(notValid)},
		{"raw r||s", tok, accepted},
	})
}

func TestRow25ShortHMACKeys(t *testing.T) {
	for _, secret := range [][]byte{nil, {}, []byte("x"), hsSecret[:31]} {
		_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience,
			Keys: ginauth.StaticKeys(ginauth.Key{ID: "hs", Algorithm: "HS256", Key: secret})})
		if err == nil || !strings.Contains(err.Error(), "HS256 needs a secret of 32 bytes or more") {
			t.Errorf("%d-byte secret: %v", len(secret), err)
		}
	}
	_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience,
		Keys: ginauth.StaticKeys(ginauth.Key{ID: "hs", Algorithm: "HS512", Key: hsSecret})})
	if err == nil {
		t.Error("a 32-byte secret was accepted for HS512")
	}
	// A 1-byte oct JWK.
	_, err = ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience,
		Keys: ginauth.JWKSet([]byte(`{"keys":[{"kty":"oct","kid":"o","alg":"HS256","k":"eA"}]}`))})
	if err == nil {
		t.Error("a 1-byte oct JWK was accepted")
	}
}

func TestRow26WeakRSAKeys(t *testing.T) {
	small, err := rsa.GenerateKey(randReader(), 1024)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience,
		Keys: ginauth.StaticKeys(ginauth.Key{ID: "rs", Algorithm: "RS256", Key: &small.PublicKey})})
	if err == nil || !strings.Contains(err.Error(), "RS256 needs an RSA key of 2048 bits or more, not 1024") {
		t.Errorf("1024-bit key: %v", err)
	}
}

func TestRow27ExpRequired(t *testing.T) {
	runTokens(t, validator(t), []tokenCase{
		{"no exp", sign(t, "hs", header("hs"), with("exp", nil)), refused("The access token lacks a required claim")},
		{"null exp", sign(t, "hs", header("hs"), `{"iss":"`+testIssuer+`","aud":"`+testAudience+`","sub":"a","client_id":"c","jti":"j","exp":null}`),
			refused("The access token lacks a required claim")},
	})
}

func TestRow28Leeway(t *testing.T) {
	now := time.Now().Unix()
	v := validator(t, func(c *ginauth.JWTConfig) { c.Leeway = 30 * time.Second })
	runTokens(t, v, []tokenCase{
		{"expired 20 s ago", sign(t, "hs", header("hs"), with("exp", now-20, "iat", now-100)), accepted},
		{"expired 40 s ago", sign(t, "hs", header("hs"), with("exp", now-40, "iat", now-100)), refused("The access token expired")},
		{"nbf in 20 s", sign(t, "hs", header("hs"), with("nbf", now+20)), accepted},
		{"nbf in 40 s", sign(t, "hs", header("hs"), with("nbf", now+40)), refused("The access token is not valid yet")},
	})
	runTokens(t, validator(t), []tokenCase{
		{"no leeway: expired 20 s ago", sign(t, "hs", header("hs"), with("exp", now-20, "iat", now-100)), refused("The access token expired")},
	})
}

func TestRow29ExpZero(t *testing.T) {
	runTokens(t, validator(t), []tokenCase{
		{"exp 0", sign(t, "hs", header("hs"), with("exp", 0)), refused("The access token expired")},
	})
}

func TestRow30DatesAreNumbers(t *testing.T) {
	runTokens(t, validator(t), []tokenCase{
		{"exp as a string", sign(t, "hs", header("hs"), with("exp", "9999999999")), refused(malformedTok)},
		{"nbf as a string", sign(t, "hs", header("hs"), with("nbf", "0")), refused(malformedTok)},
		{"iat as a string", sign(t, "hs", header("hs"), with("iat", "0")), refused(malformedTok)},
		{"exp with a fraction", sign(t, "hs", header("hs"), with("exp", float64(time.Now().Unix())+300.5)), accepted},
	})
}

func TestRow31DatesOutOfRange(t *testing.T) {
	runTokens(t, validator(t), []tokenCase{
		{"exp 1e300", sign(t, "hs", header("hs"), with("exp", 1e300)), refused(malformedTok)},
		{"exp negative", sign(t, "hs", header("hs"), with("exp", -1)), refused("The access token expired")},
		{"nbf in the future", sign(t, "hs", header("hs"), with("nbf", time.Now().Unix()+3600)), refused("The access token is not valid yet")},
	})
}

func TestRow32IssuedAtAndMaxAge(t *testing.T) {
	now := time.Now().Unix()
	runTokens(t, validator(t), []tokenCase{
		{"iat in the future", sign(t, "hs", header("hs"), with("iat", now+3600)), refused("The access token is not valid yet")},
		{"no MaxAge: an old token", sign(t, "hs", header("hs"), with("iat", now-86400)), accepted},
	})
	aged := validator(t, func(c *ginauth.JWTConfig) { c.MaxAge = time.Hour })
	runTokens(t, aged, []tokenCase{
		{"older than MaxAge", sign(t, "hs", header("hs"), with("iat", now-7200)), refused("The access token is too old")},
		{"no iat with MaxAge", sign(t, "hs", header("hs"), with("iat", nil)), refused("The access token is too old")},
		{"young enough", good(t, "hs"), accepted},
	})
}

func TestRow33IssuerExactly(t *testing.T) {
	wrong := refused("The access token comes from another issuer")
	runTokens(t, validator(t), []tokenCase{
		{"trailing slash", sign(t, "hs", header("hs"), with("iss", testIssuer+"/")), wrong},
		{"other case", sign(t, "hs", header("hs"), with("iss", strings.ToUpper(testIssuer))), wrong},
		{"zero-width space", sign(t, "hs", header("hs"), with("iss", testIssuer+"\u200b")), wrong},
		{"missing", sign(t, "hs", header("hs"), with("iss", nil)), refused("The access token lacks a required claim")},
		{"a number", sign(t, "hs", header("hs"), with("iss", 1)), refused(malformedTok)},
		{"exact", good(t, "hs"), accepted},
	})
}

func TestRow34OneKeySetPerIssuer(t *testing.T) {
	a := validator(t, func(c *ginauth.JWTConfig) {
		c.Issuer = "https://a.example"
		c.Keys = ginauth.StaticKeys(ginauth.Key{ID: "hs", Algorithm: "HS256", Key: hsSecret})
	})
	otherSecret := []byte(strings.Repeat("b", 32))
	b := validator(t, func(c *ginauth.JWTConfig) {
		c.Issuer = "https://b.example"
		c.Keys = ginauth.StaticKeys(ginauth.Key{ID: "hs", Algorithm: "HS256", Key: otherSecret})
	})
	both := ginauth.Issuers(a, b)
	runTokens(t, both, []tokenCase{
		{"B's iss signed with A's key", sign(t, "hs", header("hs"), with("iss", "https://b.example")), refused(notValid)},
		{"A's token", sign(t, "hs", header("hs"), with("iss", "https://a.example")), accepted},
		{"B's token", signWith(t, jwt.SigningMethodHS256, otherSecret, header("hs"), with("iss", "https://b.example")), accepted},
		{"an unknown issuer", sign(t, "hs", header("hs"), with("iss", "https://c.example")), refused("The access token comes from another issuer")},
		{"garbage", "a.b.c", refused(malformedTok)},
	})
	if msg := mustPanic(t, func() { ginauth.Issuers(a, a) }); !strings.Contains(msg, "two validators") {
		t.Errorf("panic %q", msg)
	}
}

func TestRow35Audience(t *testing.T) {
	other := refused("The access token is meant for another audience")
	lacks := refused("The access token lacks a required claim")
	runTokens(t, validator(t), []tokenCase{
		{"a string", good(t, "hs"), accepted},
		{"an array with it", sign(t, "hs", header("hs"), with("aud", []string{"x", testAudience})), accepted},
		{"empty array", sign(t, "hs", header("hs"), with("aud", []string{})), lacks},
		{"array of empty", sign(t, "hs", header("hs"), with("aud", []string{""})), lacks},
		{"missing", sign(t, "hs", header("hs"), with("aud", nil)), lacks},
		{"a number", sign(t, "hs", header("hs"), with("aud", 1)), refused(malformedTok)},
		{"a prefix", sign(t, "hs", header("hs"), with("aud", testAudience[:len(testAudience)-1])), other},
		{"a suffix", sign(t, "hs", header("hs"), with("aud", testAudience+"/v2")), other},
		{"other case", sign(t, "hs", header("hs"), with("aud", strings.ToUpper(testAudience))), other},
	})
}

func TestRow36RequiredClaims(t *testing.T) {
	lacks := refused("The access token lacks a required claim")
	// By default, what every major provider sets: sub.
	runTokens(t, validator(t), []tokenCase{
		{"no sub", sign(t, "hs", header("hs"), with("sub", nil)), lacks},
		{"empty sub", sign(t, "hs", header("hs"), with("sub", "")), lacks},
		{"no client_id, no jti", sign(t, "hs", header("hs"), with("client_id", nil, "jti", nil)), accepted},
	})
	// RFC 9068's profile in full: client_id, jti and iat too.
	full := validator(t, func(c *ginauth.JWTConfig) { c.RFC9068 = true })
	runTokens(t, full, []tokenCase{
		{"RFC 9068: all there", sign(t, "hs", header("hs"), goodClaims()), accepted},
		{"RFC 9068: no client_id", sign(t, "hs", header("hs"), with("client_id", nil)), lacks},
		{"RFC 9068: azp is not client_id", sign(t, "hs", header("hs"), with("client_id", nil, "azp", "cli")), lacks},
		{"RFC 9068: no jti", sign(t, "hs", header("hs"), with("jti", nil)), lacks},
		{"RFC 9068: no iat", sign(t, "hs", header("hs"), with("iat", nil)), lacks},
	})
	none := validator(t, func(c *ginauth.JWTConfig) { c.RequiredClaims = []string{} })
	runTokens(t, none, []tokenCase{{"none required: no sub", sign(t, "hs", header("hs"), with("sub", nil)), answer{200, "", ""}}})
	if _, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: signingKeys(), RequiredClaims: []string{"email"}}); err == nil {
		t.Error("an unknown required claim was accepted")
	}
}

func TestRow37ScopesExactly(t *testing.T) {
	lacking := answer{403, `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="read"`,
		`{"detail":"Not enough permissions"}`}
	runTokens(t, validator(t), []tokenCase{
		{"read:all", sign(t, "hs", header("hs"), with("scope", "read:all")), lacking},
		{"reader", sign(t, "hs", header("hs"), with("scope", "reader")), lacking},
		{"READ", sign(t, "hs", header("hs"), with("scope", "READ")), lacking},
		{"a number", sign(t, "hs", header("hs"), with("scope", 1)), lacking},
		{"an object", sign(t, "hs", header("hs"), with("scope", map[string]any{"read": true})), lacking},
		{"none", sign(t, "hs", header("hs"), with("scope", nil)), lacking},
		{"read among others", sign(t, "hs", header("hs"), with("scope", "write  read")), accepted},
		{"scp array", sign(t, "hs", header("hs"), with("scope", nil, "scp", []any{"read", 2})), accepted},
		{"scp of numbers", sign(t, "hs", header("hs"), with("scope", nil, "scp", []any{1, 2})), lacking},
		{"scope wins over scp", sign(t, "hs", header("hs"), with("scope", "write", "scp", []string{"read"})), lacking},
	})
	custom := validator(t, func(c *ginauth.JWTConfig) { c.ScopeClaim = "permissions" })
	runTokens(t, custom, []tokenCase{
		{"custom claim", sign(t, "hs", header("hs"), with("scope", nil, "permissions", []string{"read"})), accepted},
		{"custom claim as a string", sign(t, "hs", header("hs"), with("scope", nil, "permissions", "read")), accepted},
		{"custom claim: scope is ignored", sign(t, "hs", header("hs"), with("scope", "read")), lacking},
		{"custom claim in another case", sign(t, "hs", header("hs"), with("scope", nil, "PERMISSIONS", []string{"read"})), refused(malformedTok)},
	})
}

func TestRow38DuplicateClaims(t *testing.T) {
	exp := time.Now().Unix() + 300
	raw := func(dup string) string {
		return `{"iss":"` + testIssuer + `","aud":"` + testAudience + `","sub":"alice","client_id":"c","jti":"j","scope":"read","exp":` +
			itoa(exp) + `,` + dup + `}`
	}
	runTokens(t, validator(t), []tokenCase{
		{"exp twice", sign(t, "hs", header("hs"), raw(`"exp":1`)), refused(malformedTok)},
		{"EXP", sign(t, "hs", header("hs"), raw(`"EXP":1`)), refused(malformedTok)},
		{"scope twice", sign(t, "hs", header("hs"), raw(`"scope":"admin"`)), refused(malformedTok)},
		{"escaped name", sign(t, "hs", header("hs"), raw(`"\u0073ub":"mallory"`)), refused(malformedTok)},
		{"long s folds to sub", sign(t, "hs", header("hs"), raw(`"ſub":"mallory"`)), refused(malformedTok)},
		{"another claim", sign(t, "hs", header("hs"), raw(`"name":"Alice"`)), accepted},
		{"a case variant alone", sign(t, "hs", header("hs"), strings.Replace(raw(`"name":"Alice"`), `"exp"`, `"eXp"`, 1)), refused(malformedTok)},
	})
}

func TestRow39ClaimsAreUTF8(t *testing.T) {
	exp := itoa(time.Now().Unix() + 300)
	base := `{"iss":"` + testIssuer + `","aud":"` + testAudience + `","client_id":"c","jti":"j","scope":"read","exp":` + exp
	runTokens(t, validator(t), []tokenCase{
		{"invalid byte", sign(t, "hs", header("hs"), base+`,"sub":"ali`+"\xff"+`ce"}`), refused(malformedTok)},
		{"lone surrogate", sign(t, "hs", header("hs"), base+`,"sub":"ali\ud800ce"}`), refused(malformedTok)},
		{"escaped backslash", sign(t, "hs", header("hs"), base+`,"sub":"alice","note":"\\ud800"}`), accepted},
		{"UTF-8", sign(t, "hs", header("hs"), base+`,"sub":"alice","name":"Zoë"}`), accepted},
		{"a surrogate pair, as Python escapes emoji", sign(t, "hs", header("hs"), base+`,"sub":"alice","name":"\ud83c\udf38"}`), accepted},
		{"a low surrogate alone", sign(t, "hs", header("hs"), base+`,"sub":"alice","name":"\udf38"}`), refused(malformedTok)},
		{"a high surrogate, then no low one", sign(t, "hs", header("hs"), base+`,"sub":"alice","name":"\ud83c\u0041"}`), refused(malformedTok)},
	})
}

func TestRow07ValidateChecksTheCharsetItself(t *testing.T) {
	// Called directly, without a scheme's checks, Validate refuses CR/LF
	// that golang-jwt's decoder would skip.
	tok := good(t, "hs")
	i := strings.LastIndexByte(tok, '.') + 5
	for _, bad := range []string{tok[:i] + "\r\n" + tok[i:], tok[:i] + " " + tok[i:], tok + "="} {
		if _, err := validator(t).Validate(context.Background(), bad); !errors.Is(err, jwt.ErrTokenMalformed) {
			t.Errorf("%q: %v", bad[i-2:i+4], err)
		}
	}
}

func TestRow39HeaderIsUTF8(t *testing.T) {
	runTokens(t, validator(t), []tokenCase{
		{"invalid byte in the header", sign(t, "hs", `{"alg":"HS256","typ":"at+jwt","kid":"hs","x":"`+"\xff"+`"}`, goodClaims()), refused(malformedTok)},
	})
}

func TestRow40ExpiredAndWrongAudience(t *testing.T) {
	// Whatever the first error golang-jwt reports, the token is refused.
	runTokens(t, validator(t), []tokenCase{
		{"expired, wrong aud", sign(t, "hs", header("hs"), with("exp", time.Now().Unix()-60, "aud", "x")), refused("The access token expired")},
	})
}

// tamper changes one character in the middle of the signature.
func tamper(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 10
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}
