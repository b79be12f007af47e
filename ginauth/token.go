package ginauth

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Token is a validated access token: its registered claims, its scopes and
// the token itself. Each request gets its own copy; the lists are behind
// methods, which give copies too, so no request can change another's token.
type Token struct {
	Issuer   string
	Subject  string
	ClientID string
	// ID is the token's jti: key revocation and deny lists on it, never on
	// Raw, since one token has several encodings (an ECDSA signature (r, s)
	// verifies as (r, n-s) too).
	ID        string
	ExpiresAt time.Time
	IssuedAt  time.Time // zero if absent
	NotBefore time.Time // zero if absent
	// Raw is the token as the client sent it.
	Raw string

	audience []string
	scopes   []string
}

// NewToken returns a token of subject granting scopes, for a
// TokenValidator of another kind of token (an opaque one, checked by
// introspection, say) and for tests (see package authtest); set the other
// fields as needed. Scopes that are not RFC 6749 scope-tokens grant
// nothing, as in a JWT.
func NewToken(subject string, scopes ...string) *Token {
	t := &Token{Subject: subject}
	for _, s := range scopes {
		if isScopeToken(s) && !slices.Contains(t.scopes, s) {
			t.scopes = append(t.scopes, s)
		}
	}
	return t
}

// Audience lists the audiences the token is meant for.
func (t *Token) Audience() []string { return slices.Clone(t.audience) }

// Scopes lists the scopes the token grants.
func (t *Token) Scopes() []string { return slices.Clone(t.scopes) }

// HasScope reports whether the token grants scope, matched exactly.
func (t *Token) HasScope(scope string) bool { return slices.Contains(t.scopes, scope) }

func (t *Token) clone() *Token {
	cp := *t
	return &cp
}

// ClaimsOf decodes the token's payload into the application's own claims
// type C, such as
//
//	type Claims struct {
//		Roles []string `json:"roles"`
//		Email string   `json:"email"`
//	}
//
// The token was validated first: what C reads is signed. It is decoded on
// each call, so call it once per request.
func ClaimsOf[C any](t *Token) (C, error) {
	var c C
	if t == nil {
		return c, errNoToken // no token, under di.Optional say
	}
	parts := strings.Split(t.Raw, ".")
	if len(parts) != 3 {
		return c, errMalformed
	}
	payload, err := base64URL.DecodeString(parts[1])
	if err != nil {
		return c, err
	}
	err = json.Unmarshal(payload, &c)
	return c, err
}
