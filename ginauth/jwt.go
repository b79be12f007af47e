package ginauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTConfig says which access tokens a [JWT] validator accepts. Its zero
// values are the safe ones; what would weaken validation must be asked for
// by name.
type JWTConfig struct {
	// Issuer is the exact iss tokens must have. Required, unless NoIssuer;
	// with keys from Discover, it is the issuer discovered.
	Issuer string
	// Audience is the identifier of this API, which the token's aud (a
	// string or an array) must contain exactly. Required, unless NoAudience.
	Audience string
	// NoIssuer and NoAudience turn those checks off, for issuers that do not
	// set the claims. Prefer not to.
	NoIssuer, NoAudience bool

	// Keys verify the signatures: StaticKeys, PEMKey, JWKSet or JWKS.
	Keys Keys
	// Algorithms narrows the algorithms the keys may verify.
	Algorithms []string

	// Leeway allows for clock skew in exp, nbf and iat. Default 0.
	Leeway time.Duration
	// MaxAge refuses tokens issued (iat) longer ago; 0 means no limit. A
	// token without iat is then refused.
	MaxAge time.Duration
	// RFC9068 requires RFC 9068's profile of access tokens in full: typ
	// at+jwt, and sub, client_id, jti and iat. By default the validator
	// takes the access tokens of the major providers as they are: typ may
	// be at+jwt, JWT or absent (Okta and Cognito send none), sub is
	// required, and the client is read from client_id, azp (Auth0,
	// Keycloak, Entra ID), cid (Okta) or appid (Entra ID v1). Tokens that
	// say they are something else are refused either way: another typ, an
	// OpenID Connect ID token's at_hash or c_hash, Keycloak's "typ":"ID" or
	// "Refresh", Cognito's "token_use":"id". Set Audience to the API's
	// identifier, not a client's: an ID token's aud is its client.
	RFC9068 bool
	// Clients, when set, are the clients whose tokens are taken: the client
	// as the token names it (client_id, azp, cid or appid). For providers
	// whose access tokens have no aud (Cognito), it is the check that a
	// token was meant for this API's clients.
	Clients []string
	// RequiredClaims must be present and not empty, beyond what RFC9068
	// requires; nil means sub. Use an empty, non-nil slice to require none.
	RequiredClaims []string
	// ScopeClaim names the claim that holds the scopes, as a space-delimited
	// string or an array of strings; by default scope, else scp.
	ScopeClaim string
	// MaxTokenBytes caps the size of a token: Validate refuses a larger one
	// before decoding anything, as the bearer schemes do. Default
	// DefaultMaxTokenBytes; raise both together.
	MaxTokenBytes int

	// CacheSize is how many verified tokens are kept, so that a token seen
	// again costs a map lookup instead of a signature check; default 4096.
	// Entries are keyed on the token (a re-encoded ECDSA signature is the
	// same token, see Token.ID), check exp, nbf and MaxAge on
	// every use, and never outlive the token, nor the keys: a remote set
	// that is fetched again (every RefreshInterval, or for an unknown kid)
	// sends every token back to verification. So the cache trusts a token no
	// longer than the keys do, and is on by default.
	CacheSize int
	// NoCache verifies every token afresh.
	NoCache bool
}

// TokenValidator validates access tokens: a [*JWT], or [Issuers].
type TokenValidator interface {
	Validate(ctx context.Context, raw string) (*Token, error)
}

// JWT validates JWT access tokens with golang-jwt, safely configured:
// algorithms pinned per key (never none), exp required, iss and aud checked,
// strict base64, and what golang-jwt leaves to its callers: the typ header,
// crit and embedded keys refused, dates that are JSON numbers, registered
// claims given once, UTF-8 claims, RFC 9068's required claims, a maximum age.
type JWT struct {
	cfg      JWTConfig
	parser   *jwt.Parser
	keyfunc  jwt.Keyfunc // for keys that never need the network
	remote   bool
	required []string
	cache    *tokenCache
}

// NewJWT returns a validator for cfg, or an error when cfg is unsafe: no
// keys, a weak key, no issuer or audience without the opt-out. A remote key
// set makes its first fetch now, waiting no longer than its Timeout.
func NewJWT(cfg JWTConfig) (*JWT, error) {
	if d, ok := cfg.Keys.(interface{ issuer() string }); ok && cfg.Issuer == "" && !cfg.NoIssuer {
		cfg.Issuer = d.issuer() // the keys were discovered from the issuer
	}
	switch {
	case cfg.Keys == nil:
		return nil, errors.New("ginauth: JWTConfig needs Keys")
	case cfg.Issuer == "" && !cfg.NoIssuer:
		return nil, errors.New("ginauth: JWTConfig needs an Issuer (or NoIssuer: true, to accept any)")
	case cfg.Audience == "" && !cfg.NoAudience:
		return nil, errors.New("ginauth: JWTConfig needs an Audience (or NoAudience: true, to accept any)")
	case cfg.Leeway < 0 || cfg.MaxAge < 0 || cfg.MaxTokenBytes < 0:
		return nil, errors.New("ginauth: JWTConfig: Leeway, MaxAge and MaxTokenBytes cannot be negative")
	}
	if cfg.MaxTokenBytes == 0 {
		cfg.MaxTokenBytes = DefaultMaxTokenBytes
	}
	required := cfg.RequiredClaims
	if required == nil {
		required = []string{"sub"}
	}
	if cfg.RFC9068 {
		required = union(required, []string{"sub", "client_id", "jti", "iat"})
	}
	for _, c := range required {
		if !slices.Contains([]string{"sub", "client_id", "jti", "iat", "nbf"}, c) {
			return nil, fmt.Errorf("ginauth: JWTConfig: RequiredClaims: %q is not a claim it knows (sub, client_id, jti, iat, nbf)", c)
		}
	}
	if err := cfg.Keys.start(); err != nil {
		return nil, err
	}
	algs := cfg.Keys.algorithms()
	if cfg.Algorithms != nil {
		algs = slices.DeleteFunc(slices.Clone(algs), func(a string) bool { return !slices.Contains(cfg.Algorithms, a) })
	}
	if len(algs) == 0 {
		cfg.Keys.close()
		return nil, errors.New("ginauth: JWTConfig: no algorithm left to verify with")
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(algs),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithStrictDecoding(),
	}
	if !cfg.NoIssuer {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if !cfg.NoAudience {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v := &JWT{cfg: cfg, parser: jwt.NewParser(opts...), required: required}
	v.remote = cfg.Keys.remote()
	v.keyfunc = func(t *jwt.Token) (any, error) { return v.key(context.Background(), t) }
	if !cfg.NoCache {
		size := cfg.CacheSize
		if size <= 0 {
			size = 4096
		}
		v.cache = newTokenCache(size)
	}
	return v, nil
}

// MustJWT is NewJWT for package-level validators: it panics on an unsafe
// configuration, with the reason.
func MustJWT(cfg JWTConfig) *JWT {
	v, err := NewJWT(cfg)
	if err != nil {
		panic(err.Error())
	}
	return v
}

// Close stops the background work of the validator's keys (a remote set's
// fetches).
func (v *JWT) Close() { v.cfg.Keys.close() }

// Health says whether the validator's keys can verify tokens now, and when
// a remote set was last fetched or failed to be: for a readiness probe,
// which should fail while Ready is false (routes then answer 503).
func (v *JWT) Health() KeysHealth { return v.cfg.Keys.health() }

// Validate checks raw and returns its token, or why it was refused: one of
// golang-jwt's errors or of this package's (see ErrTokenType), to check with
// errors.Is.
//
// A token over MaxTokenBytes is refused before anything decodes it. When
// the keys cannot be had (see [ErrKeysUnavailable]), no token is valid,
// cached ones included.
func (v *JWT) Validate(ctx context.Context, raw string) (*Token, error) {
	if len(raw) > v.cfg.MaxTokenBytes {
		return nil, fmt.Errorf("%w: %w", jwt.ErrTokenMalformed, errTooLong)
	}
	now := time.Now()
	generation := v.cfg.Keys.generation()
	if v.cfg.Keys.usable(now) {
		if t, ok := v.cache.get(raw, generation, now, v.cfg.Leeway, v.cfg.MaxAge); ok {
			return t, nil // only verified tokens are cached: raw was checked before
		}
	}
	if !isCompactJWS(raw) {
		// golang-jwt's decoder would skip CR and LF (row 7 of the matrix).
		return nil, fmt.Errorf("%w: not three segments of base64url", jwt.ErrTokenMalformed)
	}
	c := claims{scopeClaim: v.cfg.ScopeClaim}
	custom, err := checkPayload(raw, v.cfg.ScopeClaim)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", jwt.ErrTokenMalformed, err)
	}
	if custom != nil {
		_ = c.custom.UnmarshalJSON(custom)
	}
	kf := v.keyfunc
	if v.remote {
		kf = func(t *jwt.Token) (any, error) { return v.key(ctx, t) }
	}
	parsed, err := v.parser.ParseWithClaims(raw, &c, kf)
	if err != nil {
		return nil, err
	}
	for _, name := range v.required {
		if !c.has(name) {
			return nil, fmt.Errorf("%w: %s", ErrMissingClaim, name)
		}
	}
	if !c.accessToken() {
		return nil, ErrTokenType
	}
	if v.cfg.Clients != nil && !slices.Contains(v.cfg.Clients, c.clientID()) {
		return nil, errClient
	}
	if v.cfg.MaxAge > 0 && (!c.IssuedAt.set || now.Sub(c.IssuedAt.Time) > v.cfg.MaxAge+v.cfg.Leeway) {
		return nil, ErrTokenTooOld
	}
	t := &Token{
		Issuer: c.Issuer, Subject: c.Subject, ClientID: c.clientID(), ID: c.ID,
		ExpiresAt: c.ExpiresAt.time(), IssuedAt: c.IssuedAt.time(), NotBefore: c.NotBefore.time(),
		Raw: raw, audience: c.Audience.ClaimStrings, scopes: c.scopes(),
	}
	if v.cache != nil {
		v.cache.put(t, parsed.Method.Alg(), generation)
		return t.clone(), nil
	}
	return t, nil
}

// key checks a token's header, then finds its key.
func (v *JWT) key(ctx context.Context, t *jwt.Token) (any, error) {
	h := t.Header
	if _, ok := h["crit"]; ok {
		return nil, ErrCriticalHeader
	}
	for _, name := range []string{"jku", "x5u", "jwk", "x5c"} {
		if _, ok := h[name]; ok {
			return nil, ErrEmbeddedKey
		}
	}
	if !v.accessTokenType(h["typ"]) {
		return nil, ErrTokenType
	}
	return v.cfg.Keys.lookup(ctx, t)
}

// accessTokenType reports whether typ, a JOSE header's, may be an access
// token's: at+jwt (RFC 9068; the only one under RFC9068), or JWT or none,
// as the major providers send. A media type compares in ASCII, without case.
func (v *JWT) accessTokenType(typ any) bool {
	s, isString := typ.(string)
	switch {
	case equalFoldASCII(s, "at+jwt"), equalFoldASCII(s, "application/at+jwt"):
		return true
	case v.cfg.RFC9068:
		return false
	}
	return typ == nil || isString && equalFoldASCII(s, "jwt")
}

// union appends to a the elements of b not yet in it.
func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

// isCompactJWS reports whether raw is three segments of base64url
// characters, no padding: what a JWS in compact form is.
func isCompactJWS(raw string) bool {
	// As isB64Token: eight independent table loads at a time, then the
	// dots counted apart (strings.Count is vectorised).
	i := 0
	for ; i+8 <= len(raw); i += 8 {
		b := raw[i : i+8]
		if jwsChars[b[0]]&jwsChars[b[1]]&jwsChars[b[2]]&jwsChars[b[3]]&
			jwsChars[b[4]]&jwsChars[b[5]]&jwsChars[b[6]]&jwsChars[b[7]] == 0 {
			return false
		}
	}
	for ; i < len(raw); i++ {
		if jwsChars[raw[i]] == 0 {
			return false
		}
	}
	return strings.Count(raw, ".") == 2
}

// jwsChars is 1 for the base64url characters and the dot, 0 for others.
var jwsChars = func() (t [256]uint8) {
	for _, ch := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_." {
		t[ch] = 1
	}
	return t
}()
