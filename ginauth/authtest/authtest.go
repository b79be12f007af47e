// Package authtest lets tests act as a signed-in user, in the spirit of
// net/http/httptest: a [ginauth.TokenValidator] whose tokens are the ones
// it handed out, with the subject, scopes and claims the test chose.
// Requests carry them as any bearer token, and go through the real scheme,
// ginauth.Bearer and every scope check; nothing is signed, and no key is
// needed.
//
//	fake := authtest.NewValidator()
//	api := di.NewRouter(engine, di.Provide(tokens, fake))
//	req.Header.Set("Authorization", "Bearer "+fake.Token("alice", "todos:read"))
//
// Overriding the token dependency instead would skip the scope checks: a
// test could then pass where the route, for real, answers 403.
package authtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/gindepends/gindepends/ginauth"
)

// Validator is a TokenValidator for tests. Its zero value is not usable:
// make one with NewValidator.
type Validator struct {
	mu     sync.Mutex
	tokens map[string]*ginauth.Token
}

// NewValidator returns a validator that knows no token yet.
func NewValidator() *Validator { return &Validator{tokens: map[string]*ginauth.Token{}} }

// ErrUnknown is what Validate says of a token the validator did not hand
// out: routes answer it 401 invalid_token, as a bad signature.
var ErrUnknown = errors.New("authtest: not a token of this validator")

// Token returns a bearer token of subject granting scopes: send it as
// "Authorization: Bearer " + token. It stays valid as long as v lives.
func (v *Validator) Token(subject string, scopes ...string) string {
	return v.TokenWithClaims(nil, subject, scopes...)
}

// TokenWithClaims is Token with the application's own claims (a struct with
// json tags, or a map), which ginauth.ClaimsOf reads back.
func (v *Validator) TokenWithClaims(claims any, subject string, scopes ...string) string {
	payload := map[string]any{}
	if claims != nil {
		b, err := json.Marshal(claims)
		if err != nil || json.Unmarshal(b, &payload) != nil {
			panic("authtest: TokenWithClaims takes a struct or a map that encodes as a JSON object")
		}
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	jti := base64.RawURLEncoding.EncodeToString(id)
	now := time.Now()
	maps.Copy(payload, map[string]any{"sub": subject, "scope": strings.Join(scopes, " "), "jti": jti,
		"client_id": "authtest", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "authtest"})
	body, _ := json.Marshal(payload)
	// A JWT's shape, so that ClaimsOf reads the claims; the last part is no
	// signature, only what makes each token unique.
	raw := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(body) + "." + jti

	t := ginauth.NewToken(subject, scopes...)
	t.ID, t.ClientID, t.Raw = jti, "authtest", raw
	t.IssuedAt, t.ExpiresAt = now.Truncate(time.Second), now.Add(time.Hour).Truncate(time.Second)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.tokens[raw] = t
	return raw
}

// Validate returns the token handed out as raw, a copy each time, or
// ErrUnknown.
func (v *Validator) Validate(_ context.Context, raw string) (*ginauth.Token, error) {
	v.mu.Lock()
	t, ok := v.tokens[raw]
	v.mu.Unlock()
	if !ok {
		return nil, ErrUnknown
	}
	cp := *t
	return &cp, nil
}
