package ginauth_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

func TestOptionalTokenIsNilWhenAbsentAndRefusedWhenBad(t *testing.T) {
	// Two ways: the scheme's AutoError Off, for every route; di.Optional, for
	// one route, with the same scheme as the others.
	off := ginauth.Bearer(ginauth.OAuth2PasswordBearer{TokenURL: "token", AutoError: ginauth.Off}.Dep(), testTokens)
	token := ginauth.Bearer(ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep(), testTokens)
	show := func(c *gin.Context, t *ginauth.Token) {
		if t == nil {
			c.String(200, "anonymous")
			return
		}
		c.String(200, t.Subject)
	}
	for name, dep := range map[string]di.Dep[*ginauth.Token]{"AutoError Off": off, "di.Optional": di.Optional(token)} {
		t.Run(name, func(t *testing.T) {
			e := gin.New()
			di.NewRouter(e, di.Provide(testTokens, validator(t))).GET("/", di.Handle1(dep, show))
			check(t, do(e, request{}), answer{200, "", "anonymous"})
			check(t, do(e, auth("Basic x")), answer{200, "", "anonymous"})
			check(t, do(e, auth("Bearer "+good(t, "hs"))), answer{200, "", "alice"})
			// Present but invalid: refused, whatever AutoError says.
			check(t, do(e, auth("Bearer "+tamper(good(t, "hs")))), answer{401,
				`Bearer error="invalid_token", error_description="The access token is not valid"`, `{"detail":"Could not validate credentials"}`})
		})
	}
	// The route that does not say Optional still needs the token.
	e := gin.New()
	api := di.NewRouter(e, di.Provide(testTokens, validator(t)))
	api.GET("/optional", di.Handle1(di.Optional(token), show))
	api.GET("/required", di.Handle1(token, show))
	check(t, do(e, request{target: "/required"}), answer{401, "Bearer", notAuthenticated})
	if r := api.Routes(); !r[0].Security[0].Optional || r[1].Security[0].Optional {
		t.Errorf("registry: %+v", r)
	}
}

func TestTokenCarriesItsClaims(t *testing.T) {
	v := validator(t)
	now := time.Now().Unix()
	raw := sign(t, "rs", header("rs"), with("aud", []string{"x", testAudience}, "nbf", now-5, "roles", []string{"admin"}, "email", "a@example.com"))
	tok, err := v.Validate(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Subject != "alice" || tok.ClientID != "cli" || tok.ID != "id-1" || tok.Issuer != testIssuer || tok.Raw != raw ||
		tok.ExpiresAt.Unix() != now+300 || tok.IssuedAt.Unix() != now-10 || tok.NotBefore.Unix() != now-5 {
		t.Fatalf("token %+v", tok)
	}
	if strings.Join(tok.Scopes(), ",") != "read,write" || strings.Join(tok.Audience(), ",") != "x,"+testAudience || !tok.HasScope("write") || tok.HasScope("admin") {
		t.Fatalf("scopes %q, audience %q", tok.Scopes(), tok.Audience())
	}
	type appClaims struct {
		Roles []string `json:"roles"`
		Email string   `json:"email"`
	}
	c, err := ginauth.ClaimsOf[appClaims](tok)
	if err != nil || c.Email != "a@example.com" || strings.Join(c.Roles, ",") != "admin" {
		t.Fatalf("claims %+v, %v", c, err)
	}
}

func TestEachRequestGetsItsOwnToken(t *testing.T) {
	// With the cache on, a handler that changes its token changes nothing for
	// the next request.
	cached := validator(t, func(c *ginauth.JWTConfig) { c.NoCache = false })
	e := gin.New()
	di.NewRouter(e, di.Provide(testTokens, cached)).GET("/", di.Handle1(ginauth.Bearer(readScheme.Dep(), testTokens), func(c *gin.Context, t *ginauth.Token) {
		c.String(200, t.Subject)
		t.Subject = "mallory"
		t.Scopes()[0] = "admin"
	}))
	tok := good(t, "es")
	for range 3 {
		check(t, do(e, auth("Bearer "+tok)), answer{200, "", "alice"})
	}
	got, _ := cached.Validate(context.Background(), tok)
	if got.Scopes()[0] != "read" {
		t.Fatalf("scopes changed: %q", got.Scopes())
	}
}

func TestCachedTokensAreStillCheckedForScopes(t *testing.T) {
	cached := validator(t, func(c *ginauth.JWTConfig) { c.NoCache = false })
	e := gin.New()
	token := ginauth.Bearer(readScheme.Dep(), testTokens)
	api := di.NewRouter(e, di.Provide(testTokens, cached))
	api.GET("/read", di.Handle1(di.Security(token, "read"), func(c *gin.Context, _ *ginauth.Token) { c.Status(204) }))
	api.GET("/write", di.Handle1(di.Security(token, "write"), func(c *gin.Context, _ *ginauth.Token) { c.Status(204) }))
	readOnly := sign(t, "rs", header("rs"), with("scope", "read"))
	check(t, do(e, request{target: "/read", header: []string{"Authorization", "Bearer " + readOnly}}), answer{204, "", ""})
	w := do(e, request{target: "/write", header: []string{"Authorization", "Bearer " + readOnly}})
	if w.Code != 403 {
		t.Fatalf("a cached token passed another route's scope check: %d", w.Code)
	}
}

func TestValidateErrorsAreSentinels(t *testing.T) {
	v := validator(t)
	ctx := context.Background()
	for _, tc := range []struct {
		token string
		want  error
	}{
		{sign(t, "hs", header("hs", "typ", "JOSE"), goodClaims()), ginauth.ErrTokenType},
		{sign(t, "hs", header("hs", "crit", []string{"x"}), goodClaims()), ginauth.ErrCriticalHeader},
		{sign(t, "hs", header("hs", "jwk", "x"), goodClaims()), ginauth.ErrEmbeddedKey},
		{sign(t, "hs", header("hs", "kid", "nope"), goodClaims()), ginauth.ErrUnknownKey},
		{sign(t, "hs", header("hs"), with("sub", nil)), ginauth.ErrMissingClaim},
		{sign(t, "hs", header("hs"), with("exp", 1)), jwt.ErrTokenExpired},
	} {
		if _, err := v.Validate(ctx, tc.token); !errors.Is(err, tc.want) {
			t.Errorf("got %v, want %v", err, tc.want)
		}
	}
}

func TestUnsafeConfigurationsFailAtStartup(t *testing.T) {
	keys := signingKeys()
	for _, tc := range []struct {
		cfg  ginauth.JWTConfig
		want string
	}{
		{ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience}, "needs Keys"},
		{ginauth.JWTConfig{Audience: testAudience, Keys: keys}, "needs an Issuer (or NoIssuer: true, to accept any)"},
		{ginauth.JWTConfig{Issuer: testIssuer, Keys: keys}, "needs an Audience (or NoAudience: true, to accept any)"},
		{ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: keys, Algorithms: []string{"PS512"}}, "no algorithm left"},
		{ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: keys, Leeway: -time.Second}, "cannot be negative"},
		{ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.StaticKeys()}, "needs a key"},
		{ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.StaticKeys(ginauth.Key{ID: "a", Algorithm: "none", Key: []byte{}})}, "not a signing algorithm"},
		{ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.StaticKeys(ginauth.Key{ID: "e", Algorithm: "ES384", Key: &ecKey.PublicKey})}, "ES384 needs an ECDSA key on P-384"},
		{ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.StaticKeys(ginauth.Key{ID: "e", Algorithm: "RS256", Key: hsSecret})}, "RS256 needs an RSA key"},
		{ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.StaticKeys(
			ginauth.Key{ID: "x", Algorithm: "HS256", Key: hsSecret}, ginauth.Key{ID: "x", Algorithm: "HS256", Key: hsSecret})}, `two keys have the ID "x"`},
	} {
		_, err := ginauth.NewJWT(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	if msg := mustPanic(t, func() { ginauth.MustJWT(ginauth.JWTConfig{}) }); msg != "ginauth: JWTConfig needs Keys" {
		t.Errorf("panic %q", msg)
	}
	// The opt-outs are explicit.
	v := validator(t, func(c *ginauth.JWTConfig) { c.Issuer, c.NoIssuer, c.Audience, c.NoAudience = "", true, "", true })
	runTokens(t, v, []tokenCase{{"any issuer and audience", sign(t, "hs", header("hs"), with("iss", "x", "aud", "y")), accepted}})
}

func TestPEMAndJWKSetKeys(t *testing.T) {
	fixtures()
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	k, err := ginauth.PEMKey("rs", "RS256", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	fromPEM := validator(t, func(c *ginauth.JWTConfig) { c.Keys = ginauth.StaticKeys(k) })
	runTokens(t, fromPEM, []tokenCase{{"PEM", good(t, "rs"), accepted}})
	if _, err := ginauth.PEMKey("x", "HS256", nil); err == nil {
		t.Error("PEMKey accepted an HMAC algorithm")
	}
	if _, err := ginauth.PEMKey("x", "ES256", []byte("not pem")); err == nil {
		t.Error("PEMKey accepted garbage")
	}

	// A JWK Set document, as an issuer publishes it.
	iss, err := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: ecKey, KeyID: "es"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := iss.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	fromJWKS := validator(t, func(c *ginauth.JWTConfig) { c.Keys = ginauth.JWKSet(doc) })
	runTokens(t, fromJWKS, []tokenCase{
		{"JWK Set", good(t, "es"), accepted},
		{"another key's token", good(t, "rs"), refused(notValid)},
	})
	// Keys for encryption are left out.
	enc := strings.Replace(string(doc), `"use":"sig"`, `"use":"enc"`, 1)
	if _, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.JWKSet([]byte(enc))}); err == nil {
		t.Error("a set of encryption keys verified nothing, yet was accepted")
	}
	if _, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: ginauth.JWKSet([]byte("{"))}); err == nil {
		t.Error("a broken JWK Set was accepted")
	}
}

func TestIssuerMakesRFC9068Tokens(t *testing.T) {
	fixtures()
	for _, key := range []any{rsaKey, ecKey, edKey, hsSecret} {
		alg := ""
		if _, ok := key.([]byte); ok {
			alg = "HS256"
		}
		iss, err := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: key, KeyID: "k", Algorithm: alg, Lifetime: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		at, err := iss.Issue("alice", "cli", []string{"read", "write"})
		if err != nil {
			t.Fatal(err)
		}
		if at.TokenType != "bearer" || at.ExpiresIn != 60 || at.Scope != "read write" {
			t.Fatalf("answer %+v", at)
		}
		v := validator(t, func(c *ginauth.JWTConfig) { c.Keys = iss.Keys(); c.RFC9068 = true })
		tok, err := v.Validate(context.Background(), at.AccessToken)
		if err != nil {
			t.Fatalf("%T: %v", key, err)
		}
		if tok.Subject != "alice" || tok.ClientID != "cli" || tok.ID == "" || !tok.HasScope("write") {
			t.Fatalf("token %+v", tok)
		}
		parts := strings.Split(at.AccessToken, ".")
		var h map[string]any
		b, _ := jwt.NewParser().DecodeSegment(parts[0])
		_ = json.Unmarshal(b, &h)
		if h["typ"] != "at+jwt" || h["kid"] != "k" {
			t.Fatalf("header %v", h)
		}
	}
	// Two tokens never share a jti.
	iss, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: ecKey})
	a, _ := iss.Issue("a", "c", nil)
	b, _ := iss.Issue("a", "c", nil)
	v := validator(t, func(c *ginauth.JWTConfig) { c.Keys = iss.Keys() })
	ta, _ := v.Validate(context.Background(), a.AccessToken)
	tb, _ := v.Validate(context.Background(), b.AccessToken)
	if ta == nil || tb == nil || ta.ID == tb.ID {
		t.Fatal("jti repeated")
	}
	// Unsafe issuers are refused.
	for _, cfg := range []ginauth.IssuerConfig{
		{Audience: testAudience, Key: ecKey},
		{Issuer: testIssuer, Audience: testAudience, Key: []byte("short"), Algorithm: "HS256"},
		{Issuer: testIssuer, Audience: testAudience, Key: &ecKey.PublicKey},
	} {
		if _, err := ginauth.NewIssuer(cfg); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
	hs, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: hsSecret, Algorithm: "HS256"})
	if _, err := hs.JWKS(); err == nil {
		t.Error("an HMAC secret was published")
	}
}

func TestJWKSHandler(t *testing.T) {
	fixtures()
	iss, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: ecKey, KeyID: "es"})
	e := gin.New()
	e.GET("/.well-known/jwks.json", iss.JWKSHandler())
	w := do(e, request{target: "/.well-known/jwks.json"})
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/jwk-set+json" || strings.Contains(w.Body.String(), `"d"`) {
		t.Fatalf("%d %v %s", w.Code, w.Header(), w.Body)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &set); err != nil || len(set.Keys) != 1 || set.Keys[0]["kid"] != "es" ||
		set.Keys[0]["alg"] != "ES256" || set.Keys[0]["use"] != "sig" || set.Keys[0]["kty"] != "EC" {
		t.Fatalf("set %s", w.Body)
	}
}

func TestIssuerRefusesWhatItsValidatorWould(t *testing.T) {
	fixtures()
	iss, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: ecKey})
	for _, tc := range []struct {
		sub, client string
		scopes      []string
	}{
		{"", "cli", nil},
		{"alice", "", nil},
		{"alice", "cli", []string{"a b"}},
		{"alice", "cli", []string{""}},
		{"alice", "cli", []string{`a"b`}},
	} {
		if _, err := iss.Issue(tc.sub, tc.client, tc.scopes); err == nil {
			t.Errorf("issued %+v", tc)
		}
	}
}

// Under di.Optional, no token is nil: ClaimsOf says so rather than panic.
func TestClaimsOfNoToken(t *testing.T) {
	if _, err := ginauth.ClaimsOf[map[string]any](nil); err == nil {
		t.Error("ClaimsOf(nil) gave no error")
	}
}
