package jose_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/gindepends/gindepends/ginauth"
)

const (
	issuer   = "https://issuer.jose.example"
	audience = "https://api.jose.example"
)

// alg is one signature algorithm the validator allows, with a key of its
// own: jwx signs with priv, ginauth verifies with pub.
type alg struct {
	name string                 // as JOSE, golang-jwt and ginauth spell it
	sig  jwa.SignatureAlgorithm // as jwx does
	priv any                    // a crypto.Signer, or an HMAC secret
	pub  any                    // its public key, or the secret again
}

// kid is the key's ID in the sets of the tests.
func (a alg) kid() string { return "jwx-" + strings.ToLower(a.name) }

// hmac reports whether the algorithm is HS256, HS384 or HS512: keys that
// only StaticKeys and JWKSet take (not PEMKey, nor a remote JWKS).
func (a alg) hmac() bool { return strings.HasPrefix(a.name, "HS") }

func rsaKey(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return k
}

func ecKey(c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

func edKey() ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

func secret(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// allAlgs are the algorithms ginauth allows (Key.Algorithm's list; golang-jwt
// has no others ginauth takes), each with a key of its own, made once. HMAC
// secrets have the least length ginauth takes (RFC 7518 §3.2).
var allAlgs = sync.OnceValue(func() []alg {
	var algs []alg
	add := func(name string, sig jwa.SignatureAlgorithm, priv any) {
		pub := priv
		if s, ok := priv.(crypto.Signer); ok {
			pub = s.Public()
		}
		algs = append(algs, alg{name: name, sig: sig, priv: priv, pub: pub})
	}
	add("RS256", jwa.RS256(), rsaKey(2048))
	add("RS384", jwa.RS384(), rsaKey(2048))
	add("RS512", jwa.RS512(), rsaKey(3072))
	add("PS256", jwa.PS256(), rsaKey(2048))
	add("PS384", jwa.PS384(), rsaKey(2048))
	add("PS512", jwa.PS512(), rsaKey(3072))
	add("ES256", jwa.ES256(), ecKey(elliptic.P256()))
	add("ES384", jwa.ES384(), ecKey(elliptic.P384()))
	add("ES512", jwa.ES512(), ecKey(elliptic.P521()))
	add("EdDSA", jwa.EdDSA(), edKey())
	add("HS256", jwa.HS256(), secret(32))
	add("HS384", jwa.HS384(), secret(48))
	add("HS512", jwa.HS512(), secret(64))
	return algs
})

// algNamed is the algorithm of allAlgs with that name.
func algNamed(name string) alg {
	for _, a := range allAlgs() {
		if a.name == name {
			return a
		}
	}
	panic("no algorithm " + name)
}

// jwkOf is a's key as jwx writes it: its public half unless private, with
// kid, "alg" and "use" when not empty.
func jwkOf(t testing.TB, a alg, kid string, private bool, withAlg bool, use string) jwk.Key {
	t.Helper()
	raw := a.pub
	if private {
		raw = a.priv
	}
	k, err := jwk.Import(raw)
	if err != nil {
		t.Fatalf("jwk.Import(%T): %v", raw, err)
	}
	set := func(name string, v any) {
		if err := k.Set(name, v); err != nil {
			t.Fatalf("jwk %s: %v", name, err)
		}
	}
	if kid != "" {
		set(jwk.KeyIDKey, kid)
	}
	if withAlg {
		set(jwk.AlgorithmKey, a.sig)
	}
	if use != "" {
		set(jwk.KeyUsageKey, use)
	}
	return k
}

// setDoc is the JWK Set document jwx writes for keys.
func setDoc(t testing.TB, keys ...jwk.Key) []byte {
	t.Helper()
	set := jwk.NewSet()
	for _, k := range keys {
		if err := set.AddKey(k); err != nil {
			t.Fatalf("AddKey: %v", err)
		}
	}
	doc, err := json.Marshal(set)
	if err != nil {
		t.Fatalf("marshal the set: %v", err)
	}
	return doc
}

// jwxSet is doc as jwx reads it back.
func jwxSet(t testing.TB, doc []byte) jwk.Set {
	t.Helper()
	set, err := jwk.Parse(doc)
	if err != nil {
		t.Fatalf("jwk.Parse: %v", err)
	}
	return set
}

// serveSet serves doc at a loopback URL until the test ends.
func serveSet(t testing.TB, doc []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(srv.Close) // after the validator's Close, registered later
	return srv.URL
}

// newValidator is a validator of the tests' issuer and audience with keys;
// it is closed when the test ends.
func newValidator(t testing.TB, keys ginauth.Keys, change ...func(*ginauth.JWTConfig)) *ginauth.JWT {
	t.Helper()
	cfg := ginauth.JWTConfig{Issuer: issuer, Audience: audience, Keys: keys}
	for _, f := range change {
		f(&cfg)
	}
	v, err := ginauth.NewJWT(cfg)
	if err != nil {
		t.Fatalf("NewJWT: %v", err)
	}
	t.Cleanup(v.Close)
	return v
}

// remoteValidator reads its keys from doc, served over HTTP on loopback.
func remoteValidator(t testing.TB, doc []byte) *ginauth.JWT {
	t.Helper()
	return newValidator(t, ginauth.JWKS(serveSet(t, doc), ginauth.JWKSOptions{Timeout: 5 * time.Second}))
}

// validate is v.Validate, with a panic turned into a failure of the test.
func validate(t testing.TB, v ginauth.TokenValidator, raw string) (tok *ginauth.Token, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("Validate panicked: %v", p)
			tok, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return v.Validate(context.Background(), raw)
}

// claims are what a token minted by jwx says.
type claims struct {
	sub, jti      string
	aud           []string
	clientClaim   string // client_id, or azp as Auth0, Keycloak and Entra ID write it
	client        string
	scopeClaim    string // scope (a string) or scp (an array)
	scopes        []string
	iat, nbf, exp time.Time
	noNbf         bool
	extra         map[string]any
	without       []string // claims to leave out
	issuer        string   // the iss, when not the tests' issuer
}

// now is the time in whole seconds, as NumericDates carry it.
func now() time.Time { return time.Now().Truncate(time.Second) }

// goodClaims are claims every validator of the tests accepts.
func goodClaims() claims {
	n := now()
	return claims{
		sub: "alice", jti: "jti-" + rand.Text()[:8], aud: []string{audience},
		clientClaim: "client_id", client: "jwx-client",
		scopeClaim: "scope", scopes: []string{"read", "write", "items:all"},
		iat: n.Add(-5 * time.Second), nbf: n.Add(-5 * time.Second), exp: n.Add(10 * time.Minute),
	}
}

// token builds c with jwx's builder.
func (c claims) token(t testing.TB) jwt.Token {
	t.Helper()
	iss := issuer
	if c.issuer != "" {
		iss = c.issuer
	}
	b := jwt.NewBuilder().Issuer(iss).Subject(c.sub).Audience(c.aud).JwtID(c.jti).
		IssuedAt(c.iat).Expiration(c.exp).Claim(c.clientClaim, c.client)
	if !c.noNbf {
		b = b.NotBefore(c.nbf)
	}
	if c.scopeClaim == "scope" {
		b = b.Claim("scope", strings.Join(c.scopes, " "))
	} else {
		b = b.Claim(c.scopeClaim, c.scopes)
	}
	for k, v := range c.extra {
		b = b.Claim(k, v)
	}
	tok, err := b.Build()
	if err != nil {
		t.Fatalf("jwt.Builder: %v", err)
	}
	for _, name := range c.without {
		if err := tok.Remove(name); err != nil {
			t.Fatalf("Remove(%q): %v", name, err)
		}
	}
	return tok
}

// mint signs tok with jwx's jwt.Sign and a's key. With a kid, the key is a
// jwk.Key that has it, which jwx writes in the header (as it writes typ
// JWT); without, a Go key, and the header has no kid. Headers are added
// to (or change) jwx's own.
func mint(t testing.TB, tok jwt.Token, a alg, kid string, headers map[string]any) string {
	t.Helper()
	var key any = a.priv
	if kid != "" {
		key = jwkOf(t, a, kid, true, true, "")
	}
	var opts []jwt.Option
	if len(headers) > 0 {
		opts = append(opts, jws.WithProtectedHeaders(jwsHeaders(t, headers)))
	}
	raw, err := jwt.Sign(tok, jwt.WithKey(a.sig, key, opts...))
	if err != nil {
		t.Fatalf("jwt.Sign %s: %v", a.name, err)
	}
	return string(raw)
}

// signPayload signs payload as it is with jws.Sign, for claims jwx's
// builder would not write; headers as in mint.
func signPayload(t testing.TB, payload []byte, a alg, key any, headers map[string]any) string {
	t.Helper()
	raw, err := jws.Sign(payload, jws.WithKey(a.sig, key, jws.WithProtectedHeaders(jwsHeaders(t, headers))))
	if err != nil {
		t.Fatalf("jws.Sign %s: %v", a.name, err)
	}
	return string(raw)
}

func jwsHeaders(t testing.TB, kv map[string]any) jws.Headers {
	t.Helper()
	h := jws.NewHeaders()
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range kv {
			if !yield(k) {
				return
			}
		}
	}) {
		if err := h.Set(k, kv[k]); err != nil {
			t.Fatalf("header %s: %v", k, err)
		}
	}
	return h
}

// jwxVerify is jwx's verdict on raw, configured as the validator is: the
// signature checked with opts' key or set, exp, nbf and iat checked, iss
// and aud required to be the tests'.
func jwxVerify(raw string, opts ...jwt.ParseOption) (jwt.Token, error) {
	opts = append(opts, jwt.WithValidate(true), jwt.WithIssuer(issuer), jwt.WithAudience(audience))
	return jwt.ParseString(raw, opts...)
}

// readBack is what a validated token says, to compare with claims.
type readBack struct {
	Issuer, Subject, ClientID, ID  string
	Audience, Scopes               []string
	ExpiresAt, IssuedAt, NotBefore time.Time
}

func (c claims) want() readBack {
	iss := issuer
	if c.issuer != "" {
		iss = c.issuer
	}
	r := readBack{Issuer: iss, Subject: c.sub, ClientID: c.client, ID: c.jti, Audience: c.aud, Scopes: c.scopes,
		ExpiresAt: c.exp, IssuedAt: c.iat, NotBefore: c.nbf}
	if c.noNbf {
		r.NotBefore = time.Time{}
	}
	return r
}

func ginauthReads(t *ginauth.Token) readBack {
	return readBack{Issuer: t.Issuer, Subject: t.Subject, ClientID: t.ClientID, ID: t.ID, Audience: t.Audience(), Scopes: t.Scopes(),
		ExpiresAt: t.ExpiresAt, IssuedAt: t.IssuedAt, NotBefore: t.NotBefore}
}

// jwxReads is what jwx reads in tok, with scopes and client as c names them.
func jwxReads(t testing.TB, tok jwt.Token, c claims) readBack {
	t.Helper()
	var r readBack
	r.Issuer, _ = tok.Issuer()
	r.Subject, _ = tok.Subject()
	r.ID, _ = tok.JwtID()
	r.Audience, _ = tok.Audience()
	r.ExpiresAt, _ = tok.Expiration()
	r.IssuedAt, _ = tok.IssuedAt()
	r.NotBefore, _ = tok.NotBefore()
	if err := tok.Get(c.clientClaim, &r.ClientID); err != nil {
		t.Errorf("jwx: %s: %v", c.clientClaim, err)
	}
	var scopes any
	if err := tok.Get(c.scopeClaim, &scopes); err != nil {
		t.Errorf("jwx: %s: %v", c.scopeClaim, err)
	}
	switch s := scopes.(type) {
	case string:
		r.Scopes = strings.Split(s, " ")
	case []any:
		for _, v := range s {
			str, _ := v.(string)
			r.Scopes = append(r.Scopes, str)
		}
	case []string:
		r.Scopes = s
	default:
		t.Errorf("jwx: %s is a %T", c.scopeClaim, scopes)
	}
	return r
}

func (r readBack) equal(o readBack) bool {
	return r.Issuer == o.Issuer && r.Subject == o.Subject && r.ClientID == o.ClientID && r.ID == o.ID &&
		slices.Equal(r.Audience, o.Audience) && slices.Equal(r.Scopes, o.Scopes) &&
		r.ExpiresAt.Equal(o.ExpiresAt) && r.IssuedAt.Equal(o.IssuedAt) && r.NotBefore.Equal(o.NotBefore)
}
