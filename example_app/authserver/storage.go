package authserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Buckets of the backend.
const (
	bucketAuthRequests = "auth-requests"
	bucketCodes        = "codes"          // code -> auth request ID
	bucketCodeIssued   = "code-issued"    // auth request ID -> "1"
	bucketRefresh      = "refresh"        // digest of a refresh token -> tokenRequest
	bucketRefreshUsed  = "refresh-used"   // digest of a used refresh token -> its family
	bucketRevoked      = "revoked-family" // family -> "1"
	bucketClients      = "clients"        // ID -> Client
	bucketKeys         = "signing-keys"   // ID -> signingKey
)

// storage is what the provider (zitadel's op) keeps in the backend.
type storage struct {
	backend  Backend
	cfg      *Config
	users    Users
	loginURL string
	parsed   sync.Map // signing key ID -> *ecdsa.PrivateKey: see keys
}

var _ op.Storage = (*storage)(nil)
var _ op.ClientCredentialsStorage = (*storage)(nil)
var _ op.CanGetPrivateClaimsFromRequest = (*storage)(nil)

func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// digest keys tokens in the backend: whoever reads the database does not
// get tokens that work.
func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *storage) put(ctx context.Context, bucket, key string, v any, ttl time.Duration) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.backend.Put(ctx, bucket, key, b, ttl)
}

func (s *storage) get(ctx context.Context, bucket, key string, v any) error {
	b, err := s.backend.Get(ctx, bucket, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// CreateAuthRequest records an authorization request. PKCE with S256 is
// required of public clients, and plain is refused of all: the provider
// alone would accept plain, and check PKCE only at the code exchange.
func (s *storage) CreateAuthRequest(ctx context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	c, err := s.client(ctx, r.ClientID)
	if err != nil {
		return nil, err
	}
	switch {
	case r.CodeChallenge == "" && c.public():
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge required: a public client must use PKCE (RFC 7636) with S256")
	case r.CodeChallenge != "" && r.CodeChallengeMethod != oidc.CodeChallengeMethodS256:
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	}
	a := &authRequest{
		ID: randomID(), ClientID: r.ClientID, RedirectURI: r.RedirectURI, State: r.State, Nonce: r.Nonce,
		ResponseType: r.ResponseType, ResponseMode: r.ResponseMode, Requested: r.Scopes,
		Challenge: r.CodeChallenge, ChallengeMeth: string(r.CodeChallengeMethod),
		Audience: []string{r.ClientID, s.cfg.Audience}, Created: time.Now(),
	}
	return a, s.put(ctx, bucketAuthRequests, a.ID, a, s.cfg.LoginTimeout)
}

func (s *storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	return s.authRequest(ctx, id)
}

func (s *storage) authRequest(ctx context.Context, id string) (*authRequest, error) {
	var a authRequest
	if err := s.get(ctx, bucketAuthRequests, id, &a); err != nil {
		return nil, fmt.Errorf("auth request: %w", err)
	}
	return &a, nil
}

// completeAuthRequest records that the user logged in to a, the auth
// request id, and granted scopes.
func (s *storage) completeAuthRequest(ctx context.Context, id string, a *authRequest, subject string, granted []string) error {
	a.Subject, a.Granted, a.AuthTime = subject, granted, time.Now()
	return s.put(ctx, bucketAuthRequests, id, a, s.cfg.LoginTimeout)
}

// AuthRequestByCode takes the code: a code works once, even when its
// exchange fails (a wrong code_verifier burns it).
func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	id, err := s.backend.Take(ctx, bucketCodes, digest(code))
	if err != nil {
		return nil, fmt.Errorf("code: %w", err)
	}
	return s.authRequest(ctx, string(id))
}

// SaveAuthCode gives a login one code: the callback, called again with
// the request's ID, does not mint another.
func (s *storage) SaveAuthCode(ctx context.Context, id, code string) error {
	if _, err := s.backend.Get(ctx, bucketCodeIssued, id); err == nil {
		return oidc.ErrInvalidRequest().WithDescription("a code was already issued for this login")
	}
	if err := s.backend.Put(ctx, bucketCodeIssued, id, []byte("1"), s.cfg.LoginTimeout); err != nil {
		return err
	}
	return s.backend.Put(ctx, bucketCodes, digest(code), []byte(id), s.cfg.LoginTimeout)
}

func (s *storage) DeleteAuthRequest(ctx context.Context, id string) error {
	return s.backend.Delete(ctx, bucketAuthRequests, id)
}

func (s *storage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return randomID(), time.Now().Add(s.cfg.AccessTokenLifetime), nil
}

// CreateAccessAndRefreshTokens issues a refresh token with the access
// token. Given the refresh token being used, it rotates: the old one is
// taken, atomically, so that it works once, on any instance; one that was
// already used revokes its whole family (RFC 9700 §4.14.2).
func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	next := &tokenRequest{Subject: req.GetSubject(), Audience: req.GetAudience(), Scopes: req.GetScopes(), AuthTime: time.Now(), AMR: []string{"pwd"}, Family: randomID()}
	switch r := req.(type) {
	case *tokenRequest:
		next.ClientID, next.AuthTime, next.AMR = r.ClientID, r.AuthTime, r.AMR
		if r.Family != "" {
			next.Family = r.Family
		}
	case *authRequest:
		next.ClientID, next.AuthTime = r.ClientID, r.AuthTime
	}
	if current != "" {
		if _, err := s.backend.Take(ctx, bucketRefresh, digest(current)); err != nil {
			s.revoke(ctx, next.Family)
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("the refresh token was already used: its family is revoked")
		}
		if err := s.backend.Put(ctx, bucketRefreshUsed, digest(current), []byte(next.Family), s.cfg.RefreshTokenLifetime); err != nil {
			return "", "", time.Time{}, err
		}
		if s.revoked(ctx, next.Family) {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("the refresh token was revoked")
		}
	}
	token := randomID()
	if err := s.put(ctx, bucketRefresh, digest(token), next, s.cfg.RefreshTokenLifetime); err != nil {
		return "", "", time.Time{}, err
	}
	return randomID(), token, time.Now().Add(s.cfg.AccessTokenLifetime), nil
}

func (s *storage) revoke(ctx context.Context, family string) {
	_ = s.backend.Put(ctx, bucketRevoked, family, []byte("1"), s.cfg.RefreshTokenLifetime)
}

func (s *storage) revoked(ctx context.Context, family string) bool {
	_, err := s.backend.Get(ctx, bucketRevoked, family)
	return err == nil
}

// TokenRequestByRefreshToken reads a refresh token being used. One already
// used revokes its family here: its thief, or its owner, learns it now.
func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	var r tokenRequest
	err := s.get(ctx, bucketRefresh, digest(token), &r)
	if errors.Is(err, ErrNotFound) {
		if family, err := s.backend.Get(ctx, bucketRefreshUsed, digest(token)); err == nil {
			s.revoke(ctx, string(family))
			return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token was already used: its family is revoked")
		}
		return nil, oidc.ErrInvalidGrant().WithDescription("unknown or expired refresh token")
	}
	if err != nil {
		return nil, err
	}
	if s.revoked(ctx, r.Family) {
		return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token was revoked")
	}
	// A user disabled since keeps no access.
	scopes, ok := s.users.Scopes(ctx, r.Subject)
	if !ok && r.Subject != r.ClientID {
		return nil, oidc.ErrInvalidGrant().WithDescription("the user is unknown or disabled")
	}
	if ok {
		r.Scopes = slices.DeleteFunc(r.Scopes, func(sc string) bool { return !slices.Contains(scopes, sc) && !standardScope(sc) })
	}
	return &r, nil
}

func standardScope(sc string) bool { return sc == oidc.ScopeOpenID || sc == oidc.ScopeOfflineAccess }

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

// RevokeToken revokes a refresh token's family (RFC 7009); an access
// token is a JWT, valid until it expires, which is why they are short.
func (s *storage) RevokeToken(ctx context.Context, token, _, clientID string) *oidc.Error {
	var r tokenRequest
	if err := s.get(ctx, bucketRefresh, digest(token), &r); err != nil {
		return nil // RFC 7009 §2.2: an unknown token is no error
	}
	if r.ClientID != clientID {
		return oidc.ErrInvalidClient().WithDescription("the token was issued to another client")
	}
	s.revoke(ctx, r.Family)
	return nil
}

func (s *storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	var r tokenRequest
	if err := s.get(ctx, bucketRefresh, digest(token), &r); err != nil || r.ClientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return r.Subject, digest(token), nil
}

func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	return s.client(ctx, id)
}

func (s *storage) client(ctx context.Context, id string) (*client, error) {
	var c Client
	if err := s.get(ctx, bucketClients, id, &c); err != nil {
		return nil, oidc.ErrInvalidClient().WithDescription("unknown client")
	}
	return &client{Client: c, loginURL: s.loginURL, devMode: s.cfg.devMode()}, nil
}

func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	c, err := s.client(ctx, id)
	if err != nil {
		return err
	}
	return c.checkSecret(secret)
}

// checkSecret compares digests in constant time: the time taken says
// nothing of how much of a secret matched.
func (c *client) checkSecret(secret string) error {
	want, err := hex.DecodeString(c.SecretDigest)
	got := sha256.Sum256([]byte(secret))
	if err != nil || c.public() || subtle.ConstantTimeCompare(want, got[:]) != 1 {
		return oidc.ErrInvalidClient().WithDescription("invalid client credentials")
	}
	return nil
}

func (s *storage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	c, err := s.client(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.checkSecret(secret); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *storage) ClientCredentialsTokenRequest(ctx context.Context, id string, scopes []string) (op.TokenRequest, error) {
	c, err := s.client(ctx, id)
	if err != nil {
		return nil, err
	}
	granted := slices.DeleteFunc(slices.Clone(scopes), func(sc string) bool { return !slices.Contains(c.Scopes, sc) })
	return &tokenRequest{Subject: id, ClientID: id, Scopes: granted, Audience: []string{s.cfg.Audience}, AuthTime: time.Now()}, nil
}

func (s *storage) SetUserinfoFromScopes(ctx context.Context, u *oidc.UserInfo, userID, _ string, _ []string) error {
	u.Subject = userID
	u.PreferredUsername = userID
	if name, ok := s.users.Name(ctx, userID); ok {
		u.Name = name
	}
	return nil
}

// SetUserinfoFromToken answers /userinfo for an access token only: every
// access token has an ID (jti), an ID token has none, and is no
// credential.
func (s *storage) SetUserinfoFromToken(ctx context.Context, u *oidc.UserInfo, tokenID, subject, _ string) error {
	if tokenID == "" {
		return oidc.ErrAccessDenied().WithDescription("not an access token")
	}
	return s.SetUserinfoFromScopes(ctx, u, subject, "", nil)
}

// SetIntrospectionFromToken refuses: access tokens are JWTs, checked with
// the published keys, and what introspection would say of one (its client,
// its scopes) is not kept here; an answer naming the caller as its client
// would mislead.
func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("authserver: introspection is not offered: validate the JWT with the published keys")
}

// GetPrivateClaimsFromRequest puts the granted scopes in the access token,
// where the API reads them (RFC 9068's scope claim); the provider does not.
func (s *storage) GetPrivateClaimsFromRequest(_ context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	return scopeClaim(req.GetScopes()), nil
}

func (s *storage) GetPrivateClaimsFromScopes(_ context.Context, _, _ string, scopes []string) (map[string]any, error) {
	return scopeClaim(scopes), nil
}

func scopeClaim(scopes []string) map[string]any {
	api := slices.DeleteFunc(slices.Clone(scopes), standardScope)
	return map[string]any{"scope": strings.Join(api, " ")}
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("authserver: JWT profile grants are not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("authserver: JWT profile grants are not supported")
}

func (s *storage) Health(ctx context.Context) error {
	_, err := s.backend.List(ctx, bucketClients)
	return err
}
