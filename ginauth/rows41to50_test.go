package ginauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// Rows 41-50 of token-security.md, found by an attack on the library, and
// the other findings of that attack: each a regression test named after
// what it proves.

// insufficient is the 403 of tokenRoute, which requires "read".
var insufficient = answer{403, `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="read"`,
	`{"detail":"Not enough permissions"}`}

// unicodeSpaces are the white space characters other than U+0020 that
// strings.Fields splits on.
var unicodeSpaces = []string{"\t", "\v", "\f", "\n", "\r", "\u0085", "\u00a0", "\u1680",
	"\u2000", "\u2001", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a",
	"\u2028", "\u2029", "\u202f", "\u205f", "\u3000"}

func TestRow41ScopesSplitOnSpaceOnly(t *testing.T) {
	v := validator(t)
	var cases []tokenCase
	for _, sp := range unicodeSpaces {
		cases = append(cases,
			tokenCase{fmt.Sprintf("write%+qread", sp), sign(t, "hs", header("hs"), with("scope", "write"+sp+"read")), insufficient},
			tokenCase{fmt.Sprintf("scp [write%+qread]", sp), sign(t, "hs", header("hs"), with("scope", nil, "scp", []string{"write" + sp + "read"})), insufficient})
	}
	cases = append(cases,
		tokenCase{"spaces", sign(t, "hs", header("hs"), with("scope", " write  read ")), accepted},
		tokenCase{"read with a quote", sign(t, "hs", header("hs"), with("scope", `read"`)), insufficient},
		tokenCase{"read with a backslash", sign(t, "hs", header("hs"), with("scope", `read\`)), insufficient},
		tokenCase{"scp [read with a space]", sign(t, "hs", header("hs"), with("scope", nil, "scp", []string{"read "})), insufficient},
	)
	runTokens(t, v, cases)

	// The scopes a token shows are the ones it grants.
	tok, err := v.Validate(context.Background(), sign(t, "hs", header("hs"), with("scope", "me items\u00a0admin tenant:acme\u3000admin read")))
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Scopes(); !slices.Equal(got, []string{"me", "read"}) {
		t.Errorf("Scopes() = %q, want [me read]", got)
	}

	// The issuer refuses to mint what its validator would read otherwise.
	issuer, err := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: hsSecret, Algorithm: "HS256"})
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range append(unicodeSpaces, " ", `"`, `\`, "\x00", "é") {
		if _, err := issuer.Issue("alice", "cli", []string{"tenant:acme" + sp + "admin"}); err == nil {
			t.Errorf("Issue minted the scope %+q", "tenant:acme"+sp+"admin")
		}
	}
	if _, err := issuer.Issue("alice", "cli", []string{"tenant:acme", "admin"}); err != nil {
		t.Errorf("Issue: %v", err)
	}

	// A route cannot require, nor a scheme declare, what no token grants.
	msg := mustPanic(t, func() {
		di.NewRouter(gin.New(), di.Provide(testTokens, v)).GET("/", di.Handle1(di.Security(ginauth.Bearer(readScheme.Dep(), testTokens), "read\u00a0write"), func(*gin.Context, *ginauth.Token) {}))
	})
	if !strings.Contains(msg, "is not a scope") {
		t.Errorf("panic %q", msg)
	}
	msg = mustPanic(t, func() {
		ginauth.OAuth2PasswordBearer{TokenURL: "token", Scopes: map[string]string{"read write": "Both."}}.Dep()
	})
	if !strings.Contains(msg, `"read write" in Scopes is not a scope`) {
		t.Errorf("panic %q", msg)
	}
}

// smallOrderEd25519 are encodings of Ed25519 points of small order: the
// identity (order 1), order 2, order 4 (two), order 8 (two).
var smallOrderEd25519 = []string{
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
}

func okpJWK(kid string, x []byte) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"kty":"OKP","crv":"Ed25519","kid":%q,"x":%q}`, kid, base64.RawURLEncoding.EncodeToString(x)))
}

// forgedWithIdentity is a token for kid that the Ed25519 identity point
// "verifies": R = identity, S = 0.
func forgedWithIdentity(t *testing.T, kid string, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(map[string]any{"alg": "EdDSA", "typ": "at+jwt", "kid": kid})
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	identity, _ := hex.DecodeString(smallOrderEd25519[0])
	sig := append(slices.Clone(identity), make([]byte, 32)...)
	if !ed25519.Verify(identity, []byte(input), sig) {
		t.Fatal("crypto/ed25519 no longer verifies the forgery: the row's attack needs revisiting")
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestRow42SmallOrderEd25519KeysRefused(t *testing.T) {
	for _, h := range smallOrderEd25519 {
		pub, _ := hex.DecodeString(h)
		t.Run(h[:8], func(t *testing.T) {
			_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience,
				Keys: ginauth.StaticKeys(ginauth.Key{ID: "x", Algorithm: "EdDSA", Key: ed25519.PublicKey(pub)})})
			if !errors.Is(err, ginauth.ErrWeakKey) || !strings.Contains(err.Error(), "small order") {
				t.Errorf("StaticKeys: %v, want ErrWeakKey for a small order", err)
			}
			doc := `{"keys":[` + string(okpJWK("x", pub)) + `]}`
			if _, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.JWKSet([]byte(doc))}); !errors.Is(err, ginauth.ErrWeakKey) {
				t.Errorf("JWKSet: %v, want ErrWeakKey", err)
			}
		})
	}

	// A remote set: the key is refused, the others serve, and the forgery
	// with R = identity, S = 0 never verifies.
	k := jwksKeys()
	identity, _ := hex.DecodeString(smallOrderEd25519[0])
	s := newJWKSServer(t, okpJWK("zero", identity), jwkOf(t, k.e1, "e1", "ES256", "sig"))
	v, _ := remoteValidator(t, s.url, quiet)
	e := jwksEngine(v)
	now := time.Now().Unix()
	forged := forgedWithIdentity(t, "zero", map[string]any{"iss": jwksIssuer, "aud": jwksAudience, "sub": "root", "client_id": "cli",
		"jti": "j", "iat": now, "exp": now + 300, "scope": "read admin"})
	if err := validate(v, forged); !errors.Is(err, ginauth.ErrWeakKey) {
		t.Errorf("Validate: %v, want ErrWeakKey", err)
	}
	wantRefused(t, e, forged)
	wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
	wantCount(t, s, 1, "after a token of the refused key")
}

func TestRow43MalformedKeysRefused(t *testing.T) {
	fixtures()
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), randReader())
	withE := func(e int) *rsa.PublicKey { return &rsa.PublicKey{N: rsaKey.N, E: e} }
	for _, tc := range []struct {
		name string
		key  ginauth.Key
		why  string
	}{
		{"EC without a point", ginauth.Key{Algorithm: "ES256", Key: &ecdsa.PublicKey{Curve: elliptic.P256()}}, "has no point"},
		{"EC without Y", ginauth.Key{Algorithm: "ES256", Key: &ecdsa.PublicKey{Curve: elliptic.P256(), X: ecKey.X}}, "has no point"},
		{"EC private key without a point", ginauth.Key{Algorithm: "ES256", Key: &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: elliptic.P256()}, D: big.NewInt(1)}}, "has no point"},
		{"EC off the curve", ginauth.Key{Algorithm: "ES256", Key: &ecdsa.PublicKey{Curve: elliptic.P256(), X: big.NewInt(1), Y: big.NewInt(1)}}, "not a point"},
		{"EC point of another curve", ginauth.Key{Algorithm: "ES256", Key: &ecdsa.PublicKey{Curve: elliptic.P256(), X: p384.X, Y: p384.Y}}, "not a point"},
		{"EC negative coordinate", ginauth.Key{Algorithm: "ES256", Key: &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).Neg(ecKey.X), Y: ecKey.Y}}, "not a point"},
		{"RSA e=1", ginauth.Key{Algorithm: "RS256", Key: withE(1)}, "exponent 1"},
		{"RSA e=0", ginauth.Key{Algorithm: "RS256", Key: withE(0)}, "exponent 0"},
		{"RSA e=-3", ginauth.Key{Algorithm: "PS256", Key: withE(-3)}, "exponent -3"},
		{"RSA even e", ginauth.Key{Algorithm: "RS256", Key: withE(65536)}, "exponent 65536"},
		{"RSA even modulus", ginauth.Key{Algorithm: "RS256", Key: &rsa.PublicKey{N: new(big.Int).Add(rsaKey.N, big.NewInt(1)), E: 65537}}, "modulus is even"},
		{"RSA without modulus", ginauth.Key{Algorithm: "RS256", Key: &rsa.PublicKey{E: 65537}}, "needs an RSA key"},
		{"nil RSA key", ginauth.Key{Algorithm: "RS256", Key: (*rsa.PublicKey)(nil)}, "needs an RSA key"},
		{"nil EC key", ginauth.Key{Algorithm: "ES256", Key: (*ecdsa.PublicKey)(nil)}, "needs an ECDSA key"},
		{"nil RSA private key", ginauth.Key{Algorithm: "RS256", Key: (*rsa.PrivateKey)(nil)}, "needs an RSA key"},
		{"nil EC private key", ginauth.Key{Algorithm: "ES256", Key: (*ecdsa.PrivateKey)(nil)}, "needs an ECDSA key"},
		{"short Ed25519 private key", ginauth.Key{Algorithm: "EdDSA", Key: ed25519.PrivateKey(make([]byte, 10))}, "needs an Ed25519 key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.StaticKeys(tc.key)})
			if !errors.Is(err, ginauth.ErrWeakKey) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("NewJWT: %v, want ErrWeakKey saying %q", err, tc.why)
			}
			_, err = ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: tc.key.Key, Algorithm: tc.key.Algorithm})
			if err == nil {
				t.Error("NewIssuer took the key")
			}
		})
	}
	// The same in a JWK Set document.
	e1 := json.RawMessage(fmt.Sprintf(`{"kty":"RSA","kid":"r","n":%q,"e":"AQ"}`, base64.RawURLEncoding.EncodeToString(rsaKey.N.Bytes())))
	if _, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.JWKSet([]byte(`{"keys":[` + string(e1) + `]}`))}); !errors.Is(err, ginauth.ErrWeakKey) {
		t.Errorf("JWKSet with e=1: %v, want ErrWeakKey", err)
	}
}

// twin re-encodes an ES256 token's signature (r, s) as (r, n-s), which
// verifies as well.
func twin(t *testing.T, tok string) string {
	t.Helper()
	i := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || len(sig) != 64 {
		t.Fatalf("not an ES256 signature: %v", err)
	}
	s := new(big.Int).SetBytes(sig[32:])
	s.Sub(elliptic.P256().Params().N, s)
	s.FillBytes(sig[32:])
	return tok[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}

func TestRow44ECDSATwinSignatureIsTheSameToken(t *testing.T) {
	fixtures()
	v := validator(t, func(c *ginauth.JWTConfig) { c.NoCache = false })
	tok := good(t, "es")
	other := twin(t, tok)
	if other == tok {
		t.Fatal("the twin is the token")
	}
	first, err := v.Validate(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	second, err := v.Validate(context.Background(), other)
	if err != nil {
		t.Fatalf("the twin: %v", err)
	}
	if first.ID != second.ID || first.Subject != second.Subject || second.Raw != other || first.Raw != tok {
		t.Errorf("the twin reads as another token: %+v\nand %+v", first, second)
	}
	// Cached, the token lends its entry to no signature it was not checked
	// against, nor to a same-sized signature of another algorithm.
	runTokens(t, v, []tokenCase{
		{"cached", tok, accepted},
		{"its twin", other, accepted},
		{"another signature, same input", tamper(tok), refused(notValid)},
	})
	ed := good(t, "ed")
	if _, err := v.Validate(context.Background(), ed); err != nil {
		t.Fatal(err)
	}
	edTwin := twin(t, ed) // the same arithmetic on an EdDSA signature
	runTokens(t, v, []tokenCase{{"an EdDSA signature as (r, n-s)", edTwin, refused(notValid)}})
}

// captureLogs records what slog writes until the test ends.
type captureLogs struct {
	mu      sync.Mutex
	records []slog.Record
}

func (c *captureLogs) Enabled(context.Context, slog.Level) bool { return true }
func (c *captureLogs) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records = append(c.records, r.Clone())
	return nil
}
func (c *captureLogs) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *captureLogs) WithGroup(string) slog.Handler      { return c }

// count is the number of records with the attribute key=value.
func (c *captureLogs) count(key, value string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.records {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == key && a.Value.String() == value {
				n++
			}
			return true
		})
	}
	return n
}

func logsOf(t *testing.T) *captureLogs {
	c := &captureLogs{}
	prev := slog.Default()
	slog.SetDefault(slog.New(c))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return c
}

// withMember is the JWK with the member name set to value.
func withMember(t *testing.T, jwk json.RawMessage, name string, value any) json.RawMessage {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(jwk, &m); err != nil {
		t.Fatal(err)
	}
	m[name] = value
	b, _ := json.Marshal(m)
	return b
}

func TestRow45OneBadKeyDoesNotFreezeRotation(t *testing.T) {
	k := jwksKeys()
	p256 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	one := make([]byte, 32)
	one[31] = 1
	identity, _ := hex.DecodeString(smallOrderEd25519[0])
	stdN := base64.StdEncoding.EncodeToString(k.r3.N.Bytes())
	if !strings.ContainsAny(stdN, "+/") {
		t.Fatal("the test key's n has no + or /: pick another")
	}
	ecX := p256(k.e1.X.FillBytes(make([]byte, 32)))
	bad := map[string]json.RawMessage{
		"EC off the curve":       json.RawMessage(fmt.Sprintf(`{"kty":"EC","crv":"P-256","kid":"bad","x":%q,"y":%q}`, p256(one), p256(one))),
		"RSA e=1":                json.RawMessage(fmt.Sprintf(`{"kty":"RSA","kid":"bad","n":%q,"e":"AQ"}`, p256(k.r3.N.Bytes()))),
		"n in standard base64":   json.RawMessage(fmt.Sprintf(`{"kty":"RSA","kid":"bad","n":%q,"e":"AQAB"}`, stdN)),
		"EC without y":           json.RawMessage(fmt.Sprintf(`{"kty":"EC","crv":"P-256","kid":"bad","x":%q}`, ecX)),
		"oct without k":          json.RawMessage(`{"kty":"oct","kid":"bad","alg":"HS256"}`),
		"Ed25519 of small order": okpJWK("bad", identity),
		"x a number":             json.RawMessage(`{"kty":"EC","crv":"P-256","kid":"bad","x":1,"y":2}`),
		"unknown use":            withMember(t, jwkOf(t, k.r3, "bad", "RS256", "sig"), "use", "foo"),
	}
	for name, badKey := range bad {
		t.Run(name, func(t *testing.T) {
			logs := logsOf(t)
			r1, r2 := jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.r2, "r2", "RS256", "sig")
			s := newJWKSServer(t, r1, badKey)
			v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: 2 * time.Second, RefreshInterval: 30 * time.Millisecond, UnknownKeyInterval: time.Hour, MaxStale: time.Hour})
			e := jwksEngine(v)
			wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))

			// Rotation: r2 in, r1 out, the bad key still there.
			s.setKeys(badKey, r2)
			eventually(t, 5*time.Second, "the removed key still verifies", func() bool {
				return errors.Is(validate(v, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")), ginauth.ErrUnknownKey)
			})
			wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2"))
			if h := v.Health(); !h.Ready || h.Keys != 1 || h.LastError != nil {
				t.Errorf("Health: %+v, want ready with one key", h)
			}
			before := s.count()
			eventually(t, 5*time.Second, "no refresh", func() bool { return s.count() >= before+3 })
			if n := logs.count("kid", "bad"); n != 1 {
				t.Errorf("the bad key was logged %d times over several refreshes, want once", n)
			}
		})
	}
}

func TestRow46RedirectToPlainHTTPRefused(t *testing.T) {
	k := jwksKeys()
	plain := newJWKSServer(t, jwkOf(t, k.r1, "r1", "RS256", "sig"))
	mux := http.NewServeMux()
	mux.Handle("/to-http", http.RedirectHandler("http://keys.example/jwks.json", http.StatusFound))
	mux.Handle("/to-https", http.RedirectHandler("/jwks.json", http.StatusFound))
	mux.Handle("/to-loopback-http", http.RedirectHandler(plain.url, http.StatusFound))
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"keys":[` + string(jwkOf(t, k.r1, "r1", "RS256", "sig")) + `]}`))
	})
	secure := httptest.NewTLSServer(mux)
	t.Cleanup(secure.Close)

	// keys.example is the plain server: only the rule can stop the hop.
	tr := secure.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: tr.TLSClientConfig.RootCAs}
	plainAddr := strings.TrimPrefix(plain.srv.URL, "http://")
	var dialer net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "keys.example:80" {
			addr = plainAddr
		}
		return dialer.DialContext(ctx, network, addr)
	}
	t.Cleanup(tr.CloseIdleConnections)
	opts := ginauth.JWKSOptions{Client: &http.Client{Transport: tr}, Timeout: 2 * time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: time.Hour}

	v, _ := remoteValidator(t, secure.URL+"/to-http", opts)
	wantUnavailable(t, v, jwksEngine(v), signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
	if n := plain.count(); n != 0 {
		t.Errorf("the JWK Set was fetched over plain http (%d requests)", n)
	}
	if h := v.Health(); h.LastError == nil || !strings.Contains(h.LastError.Error(), "refused a redirect to http://keys.example/jwks.json") {
		t.Errorf("Health: %+v, want the refused redirect as LastError", h)
	}

	// Nor to plain http on loopback: an https URL never downgrades.
	v, _ = remoteValidator(t, secure.URL+"/to-loopback-http", opts)
	wantUnavailable(t, v, jwksEngine(v), signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
	if n := plain.count(); n != 0 {
		t.Errorf("the JWK Set was fetched over plain http on loopback (%d requests)", n)
	}

	// A redirect that stays on https is followed.
	v, _ = remoteValidator(t, secure.URL+"/to-https", opts)
	wantPass(t, jwksEngine(v), signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
}

func TestRow47NoUsableKeysAnswer503(t *testing.T) {
	k := jwksKeys()
	opts := ginauth.JWKSOptions{Timeout: 200 * time.Millisecond, RefreshInterval: 40 * time.Millisecond, UnknownKeyInterval: 50 * time.Millisecond, MaxStale: 300 * time.Millisecond}

	t.Run("never fetched", func(t *testing.T) {
		addr := freeAddr(t)
		v, _ := remoteValidator(t, "http://"+addr+"/jwks.json", opts)
		e := jwksEngine(v)
		tok := signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")
		wantUnavailable(t, v, e, tok)
		if h := v.Health(); h.Ready || h.Keys != 0 || !h.LastSuccess.IsZero() || h.LastError == nil || h.LastFailure.IsZero() {
			t.Errorf("Health: %+v, want not ready, the error, no success", h)
		}
		// A token that is bad whatever the keys stays a 401.
		wantRefused(t, e, "not-a-token")
		wantRefused(t, e, "e30.e30.e30")

		newJWKSServerAt(t, addr, jwkOf(t, k.r1, "r1", "RS256", "sig"))
		eventually(t, 10*time.Second, "the set is back, still 503", func() bool { return do(e, auth("Bearer "+tok)).Code == http.StatusOK })
		if h := v.Health(); !h.Ready || h.Keys != 1 || h.LastSuccess.IsZero() || h.LastError != nil {
			t.Errorf("Health: %+v, want ready", h)
		}
	})

	t.Run("stale", func(t *testing.T) {
		s := newJWKSServer(t, jwkOf(t, k.r1, "r1", "RS256", "sig"))
		v, _ := remoteValidator(t, s.url, opts)
		e := jwksEngine(v)
		tok := signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")
		wantPass(t, e, tok) // and cached
		s.setStatus(http.StatusBadGateway)
		eventually(t, 10*time.Second, "the keys are trusted past MaxStale", func() bool { return do(e, auth("Bearer "+tok)).Code == http.StatusServiceUnavailable })
		wantUnavailable(t, v, e, tok)
		if h := v.Health(); h.Ready || h.LastSuccess.IsZero() || h.LastError == nil || !strings.Contains(h.LastError.Error(), "status 502") {
			t.Errorf("Health: %+v, want not ready after a success, with the error", h)
		}
		s.setStatus(http.StatusOK)
		eventually(t, 10*time.Second, "the set is back, still 503", func() bool { return do(e, auth("Bearer "+tok)).Code == http.StatusOK })
	})
}

// countedBody counts what is read of a request body.
type countedBody struct {
	r    io.Reader
	read atomic.Int64
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

func TestRow48FormBodyIsNotReadBeforeTheToken(t *testing.T) {
	v := validator(t)
	token := ginauth.Bearer(readScheme.Dep(), testTokens)
	type form struct {
		Name string `form:"name"`
	}
	e := gin.New()
	api := di.NewRouter(e, di.Provide(testTokens, v))
	api.POST("/", di.Handle1(di.Security(token, "read"), func(c *gin.Context, tok *ginauth.Token) { c.String(200, tok.Subject) }))
	api.POST("/form", di.Handle2(di.Security(token, "read"), di.Form[form](di.MaxBytes(1024)), func(c *gin.Context, _ *ginauth.Token, f form) {
		c.String(200, "%d", len(f.Name))
	}))
	api.With(di.Security(token, "read")).POST("/plain", di.Handle(func(c *gin.Context) {
		b, _ := io.ReadAll(c.Request.Body)
		c.String(200, "%d %s", len(b), b[max(0, len(b)-10):])
	}))
	post := func(target, tok string, body io.Reader, size int64) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", target, body)
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		return w
	}
	const big = 9 << 20
	bigForm := "name=" + strings.Repeat("x", big)

	// A garbage token: refused, with at most a small prefix of the body
	// read, and none for a token the charset check refuses.
	for garbage, most := range map[string]int64{"garbage": 8 << 10, "e30.e30.e30": 8 << 10, "a,b": 0, strings.Repeat("a", 9<<10): 0} {
		body := &countedBody{r: strings.NewReader(bigForm)}
		w := post("/", garbage, body, int64(len(bigForm)))
		if w.Code != http.StatusUnauthorized {
			t.Errorf("%.20q: %d %s", garbage, w.Code, w.Body)
		}
		if n := body.read.Load(); n > most {
			t.Errorf("%.20q: %d bytes of the body read for a refused token, want at most %d", garbage, n, most)
		}
	}
	// A good token: later bindings keep their own size limit.
	good := good(t, "hs")
	if w := post("/form", good, strings.NewReader("name="+strings.Repeat("x", 2<<10)), -1); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 KiB form where the binding allows 1 KiB: %d %s", w.Code, w.Body)
	}
	check(t, post("/form", good, strings.NewReader("name=bob&x=1"), -1), answer{200, "", "3"})
	// And handlers read the body as it came, shorter or longer than what
	// the check looked at.
	for _, size := range []int{16, 4<<10 - 1, 4 << 10, 4<<10 + 1, 64 << 10} {
		body := "a=" + strings.Repeat("y", size-12) + "0123456789"
		check(t, post("/plain", good, strings.NewReader(body), int64(len(body))), answer{200, "", fmt.Sprintf("%d 0123456789", len(body))})
		check(t, post("/plain", good, strings.NewReader(body), -1), answer{200, "", fmt.Sprintf("%d 0123456789", len(body))})
	}
	// The check itself still holds where it looks.
	twice := answer{400, `Bearer realm="api", error="invalid_request", error_description="Send the access token once, in the Authorization header only"`,
		`{"detail":"Send the access token once, in the Authorization header only"}`}
	check(t, post("/", good, strings.NewReader("name=x&access%5Ftoken=y"), -1), twice)
}

func TestRow49SchemeNamesAreASCII(t *testing.T) {
	basic := serveDep(ginauth.HTTPBasic{Realm: "r"}.Dep(), func(c *ginauth.HTTPBasicCredentials) string { return c.Username })
	creds := base64.StdEncoding.EncodeToString([]byte("u:p"))
	check(t, do(basic, auth("BASIC "+creds)), answer{200, "", "u"})
	check(t, do(basic, auth("ba\u017fic "+creds)), answer{401, `Basic realm="r", charset="UTF-8"`, notAuthenticated}) // long s
	check(t, do(basic, auth("BA\u017fIC "+creds)), answer{401, `Basic realm="r", charset="UTF-8"`, notAuthenticated})

	digest := serveDep(ginauth.HTTPDigest{}.Dep(), func(c *ginauth.HTTPAuthorizationCredentials) string { return c.Credentials })
	check(t, do(digest, auth("DIGEST x=1")), answer{200, "", "x=1"})
	check(t, do(digest, auth("dige\u017ft x=1")), answer{401, "Digest", notAuthenticated})

	bearer := serveDep(rowScheme, showToken)
	check(t, do(bearer, auth("\u0299earer tok")), answer{401, `Bearer realm="api"`, notAuthenticated})

	// The password form reads client credentials from Basic only.
	form := serveDep(ginauth.PasswordRequestForm, showForm)
	check(t, do(form, post("username=u&password=p", "Authorization", "ba\u017fic "+base64.StdEncoding.EncodeToString([]byte("app:s3")))),
		answer{200, "", `grant="" user="u" pass="p" scopes=[] id=nil secret=nil`})

	// typ is a media type, compared in ASCII.
	v := validator(t)
	runTokens(t, v, []tokenCase{
		{"typ AT+JWT", sign(t, "hs", header("hs", "typ", "AT+JWT"), goodClaims()), accepted},
		{"typ with a Kelvin sign", sign(t, "hs", header("hs", "typ", "at+jw\u212at"), goodClaims()), refused("The token is not an access token")},
	})
}

func TestRow50ValidateCapsTheTokenSize(t *testing.T) {
	v := validator(t)
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"pad":"` + strings.Repeat("x", 10<<20) + `"}`))
	huge := "eyJhbGciOiJIUzI1NiJ9." + payload + ".c2ln"
	for name, tv := range map[string]ginauth.TokenValidator{"JWT": v, "Issuers": ginauth.Issuers(v)} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := tv.Validate(context.Background(), huge)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, jwt.ErrTokenMalformed) || !strings.Contains(err.Error(), "size limit") {
			t.Errorf("%s: %v, want a malformed token over the size limit", name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
			t.Errorf("%s: refusing a %d MiB token allocated %d KiB: it was decoded", name, len(huge)>>20, n>>10)
		}
	}
	// The limit follows the configuration, as the scheme's does.
	big := sign(t, "hs", header("hs"), with("pad", strings.Repeat("x", 9<<10)))
	if err := validate(v, big); !errors.Is(err, jwt.ErrTokenMalformed) {
		t.Errorf("a %d-byte token: %v, want refused by size", len(big), err)
	}
	roomy := validator(t, func(c *ginauth.JWTConfig) { c.MaxTokenBytes = 16 << 10 })
	if err := validate(roomy, big); err != nil {
		t.Errorf("a %d-byte token with MaxTokenBytes 16 KiB: %v", len(big), err)
	}
}

// Static and remote sets share one rule: keys that share a kid are
// ambiguous, whatever their use, and none of them is used.
func TestKeySetsRefuseAmbiguousKids(t *testing.T) {
	k := jwksKeys()
	for name, keys := range map[string][]json.RawMessage{
		"two keys for signatures": {jwkOf(t, k.r1, "k", "RS256", "sig"), jwkOf(t, k.r2, "k", "RS256", "sig")},
		"enc listed before sig":   {jwkOf(t, k.r2, "k", "RSA-OAEP", "enc"), jwkOf(t, k.r1, "k", "RS256", "sig")},
		"sig listed before enc":   {jwkOf(t, k.r1, "k", "RS256", "sig"), jwkOf(t, k.r2, "k", "RSA-OAEP", "enc")},
	} {
		t.Run(name, func(t *testing.T) {
			doc, _ := json.Marshal(map[string]any{"keys": append(slices.Clone(keys), jwkOf(t, k.e1, "e1", "ES256", "sig"))})
			_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: jwksAudience, Keys: ginauth.JWKSet(doc)})
			if err == nil || !strings.Contains(err.Error(), `2 keys of the set have the kid "k"`) {
				t.Errorf("JWKSet: %v, want the shared kid refused", err)
			}

			s := newJWKSServer(t, append(slices.Clone(keys), jwkOf(t, k.e1, "e1", "ES256", "sig"))...)
			v, _ := remoteValidator(t, s.url, quiet)
			e := jwksEngine(v)
			tok := signJWKS(t, jwt.SigningMethodRS256, k.r1, "k")
			if err := validate(v, tok); !errors.Is(err, ginauth.ErrUnknownKey) || !strings.Contains(err.Error(), `have the kid "k"`) {
				t.Errorf("JWKS: %v, want the shared kid refused", err)
			}
			wantRefused(t, e, tok)
			wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
			wantCount(t, s, 1, "after a token of a shared kid")
		})
	}
}

// A route that requires a scope requires a token: no token is the
// scheme's 401 even with AutoError off, and the handler never gets nil.
// Without a scope, AutoError off makes the token optional.
func TestScopeMakesTheTokenRequired(t *testing.T) {
	optional := ginauth.OAuth2PasswordBearer{TokenURL: "token", Realm: "api", Scopes: map[string]string{"read": "Read."}, AutoError: ginauth.Off}
	token := ginauth.Bearer(optional.Dep(), testTokens)
	show := func(c *gin.Context, tok *ginauth.Token) {
		if tok == nil {
			c.String(200, "anonymous")
			return
		}
		c.String(200, tok.Subject)
	}
	e := gin.New()
	api := di.NewRouter(e, di.Provide(testTokens, validator(t)))
	api.GET("/scoped", di.Handle1(di.Security(token, "read"), show))
	api.GET("/open", di.Handle1(token, show))
	check(t, do(e, request{target: "/scoped"}), answer{401, `Bearer realm="api"`, notAuthenticated})
	check(t, do(e, request{target: "/scoped", header: []string{"Authorization", "Bearer " + good(t, "hs")}}), accepted)
	check(t, do(e, request{target: "/open"}), answer{200, "", "anonymous"})
	check(t, do(e, request{target: "/open", header: []string{"Authorization", "Bearer " + good(t, "hs")}}), accepted)
	check(t, do(e, request{target: "/open", header: []string{"Authorization", "Bearer nope"}}), refused(malformedTok))
}

// Two RSA keys pinned to RS256 and PS256: PS256 is then an algorithm the
// validator allows, and only the per-key pin refuses a PS256 token that
// names the RS256 key, signed with its private key.
func TestRow15KeyPinnedToRS256RefusesPS256(t *testing.T) {
	fixtures()
	k := jwksKeys()
	pinned := func(t *testing.T) []ginauth.Keys {
		doc, _ := json.Marshal(map[string]any{"keys": []json.RawMessage{jwkOf(t, k.r1, "rs", "RS256", "sig"), jwkOf(t, k.r2, "ps", "PS256", "sig")}})
		return []ginauth.Keys{
			ginauth.StaticKeys(ginauth.Key{ID: "rs", Algorithm: "RS256", Key: &k.r1.PublicKey}, ginauth.Key{ID: "ps", Algorithm: "PS256", Key: &k.r2.PublicKey}),
			ginauth.JWKSet(doc),
		}
	}
	for i, keys := range pinned(t) {
		v, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: jwksAudience, Keys: keys, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		e := jwksEngine(v)
		t.Run([]string{"StaticKeys", "JWKSet"}[i], func(t *testing.T) {
			wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r1, "rs"))
			wantPass(t, e, signJWKS(t, jwt.SigningMethodPS256, k.r2, "ps"))
			forged := signJWKS(t, jwt.SigningMethodPS256, k.r1, "rs")
			if err := validate(v, forged); !errors.Is(err, ginauth.ErrUnknownKey) {
				t.Errorf("PS256 with the RS256 key: %v, want ErrUnknownKey", err)
			}
			wantRefused(t, e, forged)
		})
	}
}

// All the scopes required at a place are required, not any one of them.
func TestRow37AllScopesRequired(t *testing.T) {
	v := validator(t)
	e := gin.New()
	di.NewRouter(e, di.Provide(testTokens, v)).GET("/", di.Handle1(di.Security(ginauth.Bearer(readScheme.Dep(), testTokens), "read", "write"), func(c *gin.Context, tok *ginauth.Token) { c.String(200, tok.Subject) }))
	both := answer{403, `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="read write"`,
		`{"detail":"Not enough permissions"}`}
	for _, tc := range []tokenCase{
		{"read only", sign(t, "hs", header("hs"), with("scope", "read")), both},
		{"write only", sign(t, "hs", header("hs"), with("scope", "write")), both},
		{"both", sign(t, "hs", header("hs"), with("scope", "write read")), accepted},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(e, auth("Bearer "+tc.token)), tc.want) })
	}
}
