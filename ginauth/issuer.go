package ginauth

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
)

// IssuerConfig configures an [Issuer].
type IssuerConfig struct {
	Issuer   string
	Audience string
	// Key signs the tokens: a private key (crypto.Signer: RSA, ECDSA,
	// Ed25519) or a []byte HMAC secret, as strong as [StaticKeys] requires.
	Key any
	// KeyID is the kid of the tokens and of the published key.
	KeyID string
	// Algorithm defaults to the key's usual one: RS256, ES256/384/512 by
	// curve, EdDSA; HMAC keys must name theirs.
	Algorithm string
	// Lifetime of the tokens; default 15 minutes.
	Lifetime time.Duration
}

// Issuer signs access tokens for applications that issue their own, as
// FastAPI's OAuth2 tutorial does: RFC 9068 tokens (typ at+jwt) with iss,
// aud, sub, client_id, exp, iat, jti and scope. It publishes its public key
// as a JWK Set, and gives the keys that validate its tokens.
type Issuer struct {
	cfg    IssuerConfig
	method jwt.SigningMethod
	keys   Key
}

// NewIssuer returns an Issuer, or why cfg cannot make safe tokens.
func NewIssuer(cfg IssuerConfig) (*Issuer, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("ginauth: IssuerConfig needs an Issuer and an Audience")
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = 15 * time.Minute
	}
	if cfg.Algorithm == "" {
		cfg.Algorithm = defaultAlgorithm(publicKey(cfg.Key))
	}
	pub, err := checkKey(cfg.Algorithm, cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("ginauth: IssuerConfig: %w", err)
	}
	if _, hmac := cfg.Key.([]byte); !hmac {
		if _, ok := cfg.Key.(crypto.Signer); !ok {
			return nil, errors.New("ginauth: IssuerConfig: Key must be a private key or an HMAC secret")
		}
	}
	return &Issuer{cfg: cfg, method: jwt.GetSigningMethod(cfg.Algorithm),
		keys: Key{ID: cfg.KeyID, Algorithm: cfg.Algorithm, Key: pub}}, nil
}

// AccessToken is what a token endpoint answers (RFC 6749 §5.1).
type AccessToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope,omitempty"`
}

// IssueOption adds to a token that [Issuer.Issue] signs.
type IssueOption func(*issueConfig)

type issueConfig struct{ claims any }

// WithClaims adds the application's own claims to a token: a struct with
// json tags, or a map, which the API reads back with [ClaimsOf]. They may
// not name a claim that Issue sets or the validator reads (iss, sub, aud,
// exp, nbf, iat, jti, client_id, scope, scp, azp, cid, appid, token_use,
// typ), in any case: Issue refuses them.
func WithClaims(claims any) IssueOption { return func(c *issueConfig) { c.claims = claims } }

// Issue signs a token for subject, obtained by clientID, granting scopes.
func (i *Issuer) Issue(subject, clientID string, scopes []string, opts ...IssueOption) (AccessToken, error) {
	var o issueConfig
	for _, opt := range opts {
		opt(&o)
	}
	if subject == "" || clientID == "" {
		return AccessToken{}, errors.New("ginauth: Issue needs a subject and a client ID (RFC 9068 §2.2)")
	}
	for _, s := range scopes {
		// The validator splits on spaces only, and refuses what is not a
		// scope-token: a token must read back as it was meant.
		if !isScopeToken(s) {
			return AccessToken{}, fmt.Errorf("ginauth: Issue: %q is not a scope: printable ASCII without space, '\"' or '\\' (RFC 6749 §3.3)", s)
		}
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return AccessToken{}, err
	}
	now := time.Now()
	c := issuedClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: i.cfg.Issuer, Subject: subject, Audience: jwt.ClaimStrings{i.cfg.Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(i.cfg.Lifetime)), IssuedAt: jwt.NewNumericDate(now),
			ID: base64.RawURLEncoding.EncodeToString(jti),
		},
		ClientID: clientID,
		Scope:    strings.Join(scopes, " "),
	}
	var claims jwt.Claims = c
	if o.claims != nil {
		merged, err := withExtra(c, o.claims)
		if err != nil {
			return AccessToken{}, err
		}
		claims = merged
	}
	t := jwt.NewWithClaims(i.method, claims)
	t.Header["typ"] = "at+jwt"
	if i.cfg.KeyID != "" {
		t.Header["kid"] = i.cfg.KeyID
	}
	signed, err := t.SignedString(i.cfg.Key)
	if err != nil {
		return AccessToken{}, err
	}
	return AccessToken{AccessToken: signed, TokenType: "bearer", ExpiresIn: int(i.cfg.Lifetime / time.Second), Scope: c.Scope}, nil
}

// withExtra is c with the application's claims beside it.
func withExtra(c issuedClaims, extra any) (jwt.MapClaims, error) {
	b, err := json.Marshal(extra)
	if err != nil {
		return nil, fmt.Errorf("ginauth: WithClaims: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, fmt.Errorf("ginauth: WithClaims takes a struct or a map: %w", err)
	}
	merged := jwt.MapClaims{}
	for name, v := range fields {
		if strings.EqualFold(name, "nbf") || slices.ContainsFunc(registeredClaims, func(r []byte) bool { return strings.EqualFold(name, string(r)) }) {
			return nil, fmt.Errorf("ginauth: WithClaims: %q is a claim that Issue sets or the validator reads", name)
		}
		merged[name] = v
	}
	b, _ = json.Marshal(c)
	var own map[string]json.RawMessage
	_ = json.Unmarshal(b, &own)
	for name, v := range own {
		merged[name] = v
	}
	return merged, nil
}

type issuedClaims struct {
	jwt.RegisteredClaims
	ClientID string `json:"client_id"`
	Scope    string `json:"scope,omitempty"`
}

// Keys are the keys that validate the issuer's tokens, for a validator in
// the same process.
func (i *Issuer) Keys() Keys { return StaticKeys(i.keys) }

// JWKS is the issuer's public key as a JWK Set document, for validators
// elsewhere; an HMAC issuer has none to publish.
func (i *Issuer) JWKS() ([]byte, error) {
	if _, hmac := i.keys.Key.([]byte); hmac {
		return nil, errors.New("ginauth: an HMAC secret is not published")
	}
	jwk, err := jwkset.NewJWKFromKey(i.keys.Key, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{
		KID: i.keys.ID, ALG: jwkset.ALG(i.keys.Algorithm), USE: jwkset.UseSig,
	}})
	if err != nil {
		return nil, err
	}
	store := jwkset.NewMemoryStorage()
	if err := store.KeyWrite(context.Background(), jwk); err != nil {
		return nil, err
	}
	return store.JSONPublic(context.Background())
}

// JWKSHandler serves JWKS, as /.well-known/jwks.json does.
func (i *Issuer) JWKSHandler() gin.HandlerFunc {
	doc, err := i.JWKS()
	if err != nil {
		panic(err.Error())
	}
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "application/jwk-set+json", doc)
	}
}

// Issuers validates tokens from several issuers, each with its own keys:
// a token goes to the validator of its (unverified) iss, which then checks
// everything, so a token naming issuer B but signed with A's key fails.
func Issuers(validators ...*JWT) TokenValidator {
	byIssuer := map[string]*JWT{}
	maxBytes := 0
	for _, v := range validators {
		maxBytes = max(maxBytes, v.cfg.MaxTokenBytes)
		if v.cfg.NoIssuer || v.cfg.Issuer == "" {
			panic("ginauth: Issuers: each validator needs its own Issuer")
		}
		if _, dup := byIssuer[v.cfg.Issuer]; dup {
			panic(fmt.Sprintf("ginauth: Issuers: two validators for %q", v.cfg.Issuer))
		}
		byIssuer[v.cfg.Issuer] = v
	}
	return &issuers{byIssuer: byIssuer, maxBytes: maxBytes}
}

type issuers struct {
	byIssuer map[string]*JWT
	maxBytes int // the largest of the validators': the peek below decodes
}

func (m *issuers) Validate(ctx context.Context, raw string) (*Token, error) {
	if len(raw) > m.maxBytes {
		return nil, fmt.Errorf("%w: %w", jwt.ErrTokenMalformed, errTooLong)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, jwt.ErrTokenMalformed
	}
	payload, err := base64URL.DecodeString(parts[1])
	if err != nil {
		return nil, jwt.ErrTokenMalformed
	}
	var peek struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &peek); err != nil {
		return nil, jwt.ErrTokenMalformed
	}
	v, ok := m.byIssuer[peek.Issuer]
	if !ok {
		return nil, ErrUnknownIssuer
	}
	return v.Validate(ctx, raw)
}
