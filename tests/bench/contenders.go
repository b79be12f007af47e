// Package bench measures what it costs to protect one route with a JWT
// bearer token, end to end through gin's ServeHTTP, five ways:
//
//	A          a bare handler: no authentication at all (the floor)
//	B          a careful hand-written golang-jwt v5 middleware (the baseline)
//	C-nocache  gindepends: ginauth.Bearer under di.Security, cache off
//	C-cache    the same with ginauth's token cache on (its default)
//	D          github.com/appleboy/gin-jwt/v2
//	E          github.com/auth0/go-jwt-middleware/v2 and its validator
//
// Every contender guards GET /users/me/items, which requires the scopes
// "items" and "me", with the same keys and the same tokens, for HS256,
// RS256, ES256 and EdDSA. conformance_test.go shows what each one answers
// to a dozen kinds of bad request, so that no speed figure hides a check
// that was left out; bench_test.go measures them.
package bench

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	ginjwt "github.com/appleboy/gin-jwt/v2"
	jwtmiddleware "github.com/auth0/go-jwt-middleware/v2"
	"github.com/auth0/go-jwt-middleware/v2/validator"
	"github.com/gin-gonic/gin"
	jwtv4 "github.com/golang-jwt/jwt/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// What every contender requires of a token.
const (
	Issuer   = "https://auth.example.com"
	Audience = "https://api.example.com"
	// Path is the route every contender guards.
	Path = "/users/me/items"
	// Realm is the realm of the challenges of B and C.
	Realm = "api"
	// KeyID is the kid of the server's key, in the header of every token.
	KeyID = "k1"
	// MaxTokenBytes is the largest token B and C take: ginauth's default.
	MaxTokenBytes = ginauth.DefaultMaxTokenBytes
)

// RequiredScopes are the scopes the route requires, all of them.
var RequiredScopes = []string{"items", "me"}

// Algorithms are the signature algorithms measured.
var Algorithms = []string{"HS256", "RS256", "ES256", "EdDSA"}

// Contenders are the ways of guarding the route, in the order of the tables.
var Contenders = []string{"A", "B", "C-nocache", "C-cache", "D", "E"}

// Item is what the route answers.
type Item struct {
	Name  string `json:"name"`
	Owner string `json:"owner"`
}

var items = []Item{{Name: "Foo", Owner: "alice"}, {Name: "Bar", Owner: "alice"}}

// listItems is the route's handler for the contenders that are gin
// middleware: the same answer, written the same way (c.JSON), as C's.
func listItems(c *gin.Context) { c.JSON(http.StatusOK, items) }

// ---------------------------------------------------------------------------
// Keys and tokens

// KeyPair is a key of one algorithm: what signs, what verifies.
type KeyPair struct {
	Alg    string
	Method jwt.SigningMethod
	// Private signs: the HMAC secret, or a private key.
	Private any
	// Public verifies: the HMAC secret, or the public key.
	Public any
	// PEM is the public key as PEM (PKIX); nil for HMAC.
	PEM []byte
}

var (
	keysOnce                sync.Once
	serverKeys, otherKeys   map[string]*KeyPair
	errUnknownContender     = errors.New("bench: unknown contender")
	errUnsupportedAlgorithm = errors.New("bench: unsupported algorithm")
)

// ServerKey is the key every contender verifies with, for alg; made once
// per process.
func ServerKey(alg string) *KeyPair { makeKeys(); return mustKey(serverKeys, alg) }

// OtherKey is another key of the same algorithm, which the server does not
// know: what signs the badly signed tokens.
func OtherKey(alg string) *KeyPair { makeKeys(); return mustKey(otherKeys, alg) }

func mustKey(m map[string]*KeyPair, alg string) *KeyPair {
	k := m[alg]
	if k == nil {
		panic(fmt.Errorf("%w: %q", errUnsupportedAlgorithm, alg))
	}
	return k
}

func makeKeys() {
	keysOnce.Do(func() {
		serverKeys, otherKeys = newKeys(), newKeys()
	})
}

func newKeys() map[string]*KeyPair {
	secret := make([]byte, 32) // HS256's minimum for ginauth (and RFC 7518 §3.2)
	_, _ = rand.Read(secret)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	edPub, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return map[string]*KeyPair{
		"HS256": {Alg: "HS256", Method: jwt.SigningMethodHS256, Private: secret, Public: secret},
		"RS256": {Alg: "RS256", Method: jwt.SigningMethodRS256, Private: rsaKey, Public: &rsaKey.PublicKey, PEM: pemOf(&rsaKey.PublicKey)},
		"ES256": {Alg: "ES256", Method: jwt.SigningMethodES256, Private: ecKey, Public: &ecKey.PublicKey, PEM: pemOf(&ecKey.PublicKey)},
		"EdDSA": {Alg: "EdDSA", Method: jwt.SigningMethodEdDSA, Private: edKey, Public: edPub, PEM: pemOf(edPub)},
	}
}

func pemOf(pub any) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Claims are a token's claims; a nil value leaves the claim out (see With).
type Claims map[string]any

// GoodClaims are claims every contender accepts: issued now, for an hour,
// granting the scopes the route requires.
func GoodClaims() Claims {
	now := time.Now().Unix()
	return Claims{
		"iss": Issuer, "aud": Audience, "sub": "alice",
		"iat": now, "exp": now + 3600,
		"scope": "items me",
	}
}

// With returns GoodClaims changed by name, value pairs; a nil value removes
// the claim.
func With(kv ...any) Claims {
	c := GoodClaims()
	for i := 0; i+1 < len(kv); i += 2 {
		name := kv[i].(string)
		if kv[i+1] == nil {
			delete(c, name)
		} else {
			c[name] = kv[i+1]
		}
	}
	return c
}

// Sign signs claims with k, under the header {"alg", "typ":"JWT", "kid"}.
func Sign(k *KeyPair, claims Claims) string {
	t := jwt.NewWithClaims(k.Method, jwt.MapClaims(claims))
	t.Header["kid"] = KeyID
	s, err := t.SignedString(k.Private)
	if err != nil {
		panic(err)
	}
	return s
}

// ValidToken is a token every contender accepts for alg.
func ValidToken(alg string) string { return Sign(ServerKey(alg), GoodClaims()) }

// ExpiredToken expired an hour ago (beyond any leeway), otherwise good.
func ExpiredToken(alg string) string {
	now := time.Now().Unix()
	return Sign(ServerKey(alg), With("iat", now-7200, "exp", now-3600))
}

// BadSigToken has good claims, signed by a key of the same algorithm that
// the server does not know: a full signature check that fails.
func BadSigToken(alg string) string { return Sign(OtherKey(alg), GoodClaims()) }

// GarbageToken is three segments of random bytes in base64url, the shape
// of a JWS and nothing more; seed makes it reproducible.
func GarbageToken(seed uint64) string {
	r := mrand.New(mrand.NewPCG(seed, 0x9e3779b97f4a7c15))
	seg := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return seg(27) + "." + seg(96) + "." + seg(64)
}

// NoneToken is good claims under {"alg":"none"}, with an empty signature.
func NoneToken() string {
	h, _ := json.Marshal(map[string]any{"alg": "none", "typ": "JWT", "kid": KeyID})
	p, _ := json.Marshal(GoodClaims())
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p) + "."
}

// ConfusionToken is good claims signed with HS256, the HMAC secret being
// the server's public key as PEM: the algorithm-confusion attack on
// verifiers that let the token choose the algorithm. For the HS256 route
// the PEM is the RSA key's, so it is merely a bad HMAC.
func ConfusionToken(alg string) string {
	pemKey := ServerKey(alg).PEM
	if pemKey == nil {
		pemKey = ServerKey("RS256").PEM
	}
	return Sign(&KeyPair{Alg: "HS256", Method: jwt.SigningMethodHS256, Private: pemKey}, GoodClaims())
}

// Token is a token of kind for alg: "valid", "garbage", "expired" or
// "badsig", the kinds the benchmarks measure.
func Token(alg, kind string) string {
	switch kind {
	case "valid":
		return ValidToken(alg)
	case "garbage":
		return GarbageToken(1)
	case "expired":
		return ExpiredToken(alg)
	case "badsig":
		return BadSigToken(alg)
	}
	panic("bench: unknown token kind " + kind)
}

// TokenKinds are the kinds of Token, and the status each must get.
var TokenKinds = []struct {
	Name   string
	Status int
}{
	{"valid", http.StatusOK},
	{"garbage", http.StatusUnauthorized},
	{"expired", http.StatusUnauthorized},
	{"badsig", http.StatusUnauthorized},
}

// ---------------------------------------------------------------------------
// The contenders

// New returns the engine of contender (one of Contenders) for alg.
func New(contender, alg string) http.Handler {
	switch contender {
	case "A":
		return NewA()
	case "B":
		return NewB(alg)
	case "C-nocache":
		return NewC(alg, func(c *ginauth.JWTConfig) { c.NoCache = true })
	case "C-cache":
		return NewC(alg, nil)
	case "D":
		return NewD(alg)
	case "E":
		return NewE(alg)
	}
	panic(fmt.Errorf("%w: %q", errUnknownContender, contender))
}

// NewA is the route with no authentication: the cost of gin and of the
// answer, under every other figure.
func NewA() http.Handler {
	e := gin.New()
	e.GET(Path, listItems)
	return e
}

// ---------------------------------------------------------------------------
// B: a careful hand-written golang-jwt v5 middleware.
//
// It checks: one Authorization header (two are a 400 invalid_request), the
// scheme "Bearer" in any case (RFC 7235 §2.1), a token of at most
// MaxTokenBytes, the algorithm pinned to the route's (never none), the
// signature, iss, aud, exp required, nbf and iat if present, no leeway, and
// every required scope (split on spaces, matched exactly). It answers RFC
// 6750's 401 with WWW-Authenticate, and 403 insufficient_scope. It does not
// check the typ header, crit, sub, or an access token in the URL (it only
// ignores one).

// BClaims are B's typed claims.
type BClaims struct {
	jwt.RegisteredClaims
	Scope string `json:"scope"`
}

// HasScope reports whether the token grants scope, matched exactly.
func (c *BClaims) HasScope(scope string) bool {
	for s := range strings.SplitSeq(c.Scope, " ") {
		if s == scope {
			return true
		}
	}
	return false
}

// HandWritten is B's middleware: a bearer token for alg, verified with key,
// that grants every one of scopes.
func HandWritten(alg string, key any, scopes ...string) gin.HandlerFunc {
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{alg}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(0),
	)
	keyFunc := func(*jwt.Token) (any, error) { return key, nil }
	challenge := `Bearer realm="` + Realm + `"`
	invalid := challenge + `, error="invalid_token"`
	insufficient := challenge + `, error="insufficient_scope", scope="` + strings.Join(scopes, " ") + `"`
	refuse := func(c *gin.Context, status int, challenge, detail string) {
		c.Header("WWW-Authenticate", challenge)
		c.AbortWithStatusJSON(status, gin.H{"detail": detail})
	}
	return func(c *gin.Context) {
		values := c.Request.Header.Values("Authorization")
		switch {
		case len(values) == 0:
			refuse(c, http.StatusUnauthorized, challenge, "Not authenticated")
			return
		case len(values) > 1:
			refuse(c, http.StatusBadRequest, challenge+`, error="invalid_request"`, "One Authorization header, please")
			return
		}
		scheme, raw, _ := strings.Cut(values[0], " ")
		if !strings.EqualFold(scheme, "Bearer") || raw == "" {
			refuse(c, http.StatusUnauthorized, challenge, "Not authenticated")
			return
		}
		if len(raw) > MaxTokenBytes {
			refuse(c, http.StatusUnauthorized, invalid, "Invalid token")
			return
		}
		var claims BClaims
		if _, err := p.ParseWithClaims(raw, &claims, keyFunc); err != nil {
			refuse(c, http.StatusUnauthorized, invalid, "Invalid token")
			return
		}
		for _, s := range scopes {
			if !claims.HasScope(s) {
				refuse(c, http.StatusForbidden, insufficient, "Not enough permissions")
				return
			}
		}
		c.Set("claims", &claims)
		c.Next()
	}
}

// NewB is the route behind HandWritten.
func NewB(alg string) http.Handler {
	e := gin.New()
	e.GET(Path, HandWritten(alg, ServerKey(alg).Public, RequiredScopes...), listItems)
	return e
}

// ---------------------------------------------------------------------------
// C: gindepends.
//
// ginauth.JWT checks all that B does, and besides: the typ header (no ID
// token), crit and embedded keys refused, strict base64, JSON-number dates,
// registered claims given once, sub required, the key pinned by kid to one
// algorithm; the scheme refuses an access token in the URL (400) and
// tokens outside RFC 6750's charset. See the package's docs.

var (
	cScheme = ginauth.OAuth2PasswordBearer{
		TokenURL: "token",
		Realm:    Realm,
		Scopes:   map[string]string{"items": "Read items.", "me": "Read information about the current user."},
	}.Dep()
	cTokens = di.Provided[ginauth.TokenValidator]("tokens")
	cToken  = ginauth.Bearer(cScheme, cTokens)
)

// CValidator is C's validator for alg; change adjusts its configuration
// (the cache: NoCache, CacheSize). Its keys are static: Close has nothing
// to stop.
func CValidator(alg string, change func(*ginauth.JWTConfig)) *ginauth.JWT {
	cfg := ginauth.JWTConfig{
		Issuer:     Issuer,
		Audience:   Audience,
		Keys:       ginauth.StaticKeys(ginauth.Key{ID: KeyID, Algorithm: alg, Key: ServerKey(alg).Public}),
		Algorithms: []string{alg},
	}
	if change != nil {
		change(&cfg)
	}
	return ginauth.MustJWT(cfg)
}

// NewC is the route as gindepends declares it, with the validator of
// CValidator(alg, change).
func NewC(alg string, change func(*ginauth.JWTConfig)) http.Handler {
	e := gin.New()
	api := di.NewRouter(e, di.Provide(cTokens, ginauth.TokenValidator(CValidator(alg, change))))
	api.GET(Path, di.JSON1(di.Security(cToken, RequiredScopes...), func(_ *gin.Context, _ *ginauth.Token) ([]Item, error) {
		return items, nil
	}))
	return e
}

// ---------------------------------------------------------------------------
// D: appleboy/gin-jwt v2 (golang-jwt v4 underneath).
//
// Configured: a KeyFunc that pins the algorithm (its built-in key handling
// knows HS* and RS* only) plus jwt.WithValidMethods; gin-jwt itself requires
// exp (a token without one is a 400, not a 401) and golang-jwt v4 checks
// nbf and iat when present. It cannot check iss, aud or scopes: a small
// middleware after it (dClaims) does, on the claims it verified (401 for
// iss and aud, 403 for scopes). It reads "Bearer" case-sensitively, takes
// the first of several Authorization headers, has no size limit, and does
// not check typ, crit or sub. Its answers carry
// WWW-Authenticate: JWT realm=..., not Bearer.

// NewD is the route behind gin-jwt and dClaims.
func NewD(alg string) http.Handler {
	key := ServerKey(alg).Public
	mw, err := ginjwt.New(&ginjwt.GinJWTMiddleware{
		Realm:            Realm,
		SigningAlgorithm: alg,
		KeyFunc: func(t *jwtv4.Token) (any, error) {
			if t.Method.Alg() != alg {
				return nil, ginjwt.ErrInvalidSigningAlgorithm
			}
			return key, nil
		},
		ParseOptions: []jwtv4.ParserOption{jwtv4.WithValidMethods([]string{alg})},
		TokenLookup:  "header:Authorization",
	})
	if err != nil {
		panic(err)
	}
	e := gin.New()
	e.GET(Path, mw.MiddlewareFunc(), dClaims(RequiredScopes...), listItems)
	return e
}

// dClaims checks what gin-jwt leaves out: iss, aud and scopes, on the
// claims it verified.
func dClaims(scopes ...string) gin.HandlerFunc {
	realm := `JWT realm=` + Realm
	return func(c *gin.Context) {
		claims := ginjwt.ExtractClaims(c)
		if iss, _ := claims["iss"].(string); iss != Issuer || !audienceHas(claims["aud"], Audience) {
			c.Header("WWW-Authenticate", realm)
			c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"code": http.StatusUnauthorized, "message": "token is not for this API"})
			return
		}
		granted, _ := claims["scope"].(string)
		for _, s := range scopes {
			if !hasScope(granted, s) {
				c.Header("WWW-Authenticate", realm)
				c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"code": http.StatusForbidden, "message": ginjwt.ErrForbidden.Error()})
				return
			}
		}
		c.Next()
	}
}

// audienceHas reports whether aud, a decoded JSON string or array, holds
// want.
func audienceHas(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		return slices.Contains(a, any(want))
	}
	return false
}

func hasScope(granted, scope string) bool {
	for s := range strings.SplitSeq(granted, " ") {
		if s == scope {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// E: auth0/go-jwt-middleware v2 and its validator (go-jose v2 underneath),
// wrapped for gin as its gin example does.
//
// Configured: the algorithm pinned, iss and aud (both required by its
// validator), nbf, exp and iat when present, no clock skew; exp required by
// custom claims (eClaims.Validate), which also carry the scope, checked by
// a small middleware after it (403). Its default error handler answers a
// missing token with 400 and a malformed Authorization header with 500,
// without WWW-Authenticate: eErrors answers 401 and 400 with a Bearer
// challenge instead, as B does. It takes the first of several
// Authorization headers, caps tokens at 1 MiB only, and does not check
// typ, crit or sub.

// eClaims are E's custom claims: the scope, and exp, which its validator
// checks when present but does not require.
type eClaims struct {
	Scope string   `json:"scope"`
	Exp   *float64 `json:"exp"`
}

var errNoExp = errors.New("exp is required")

func (c *eClaims) Validate(context.Context) error {
	if c.Exp == nil {
		return errNoExp
	}
	return nil
}

// eErrors is E's error handler: RFC 6750's answers, as B gives them.
func eErrors(w http.ResponseWriter, _ *http.Request, err error) {
	challenge := `Bearer realm="` + Realm + `"`
	status := http.StatusUnauthorized
	switch {
	case errors.Is(err, jwtmiddleware.ErrJWTMissing):
	case errors.Is(err, jwtmiddleware.ErrJWTInvalid):
		challenge += `, error="invalid_token"`
	default: // the Authorization header is not "Bearer <token>"
		status = http.StatusBadRequest
		challenge += `, error="invalid_request"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"message":"JWT is missing or invalid."}`))
}

// NewE is the route behind go-jwt-middleware, adapted to gin, and a scope
// check.
func NewE(alg string) http.Handler {
	key := ServerKey(alg).Public
	v, err := validator.New(
		func(context.Context) (any, error) { return key, nil },
		validator.SignatureAlgorithm(alg),
		Issuer,
		[]string{Audience},
		validator.WithCustomClaims(func() validator.CustomClaims { return &eClaims{} }),
		validator.WithAllowedClockSkew(0),
	)
	if err != nil {
		panic(err)
	}
	mw := jwtmiddleware.New(v.ValidateToken, jwtmiddleware.WithErrorHandler(eErrors))
	e := gin.New()
	e.GET(Path, ginAdapter(mw), eScopes(RequiredScopes...), listItems)
	return e
}

// ginAdapter runs mw's CheckJWT as gin middleware, as go-jwt-middleware's
// gin example does: the rest of the chain runs inside it, with the request
// that carries the validated claims.
func ginAdapter(mw *jwtmiddleware.JWTMiddleware) gin.HandlerFunc {
	return func(c *gin.Context) {
		passed := false
		next := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			passed = true
			c.Request = r
			c.Next()
		})
		mw.CheckJWT(next).ServeHTTP(c.Writer, c.Request)
		if !passed {
			c.Abort() // the error handler has answered
		}
	}
}

// eScopes checks the scopes of the claims E validated.
func eScopes(scopes ...string) gin.HandlerFunc {
	challenge := `Bearer realm="` + Realm + `", error="insufficient_scope", scope="` + strings.Join(scopes, " ") + `"`
	return func(c *gin.Context) {
		vc, _ := c.Request.Context().Value(jwtmiddleware.ContextKey{}).(*validator.ValidatedClaims)
		var granted string
		if vc != nil {
			if cc, ok := vc.CustomClaims.(*eClaims); ok {
				granted = cc.Scope
			}
		}
		for _, s := range scopes {
			if !hasScope(granted, s) {
				c.Header("WWW-Authenticate", challenge)
				c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"message": "Not enough permissions"})
				return
			}
		}
		c.Next()
	}
}
