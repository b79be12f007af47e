package ginauth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gindepends/gindepends/ginauth"
)

// The issuer adds the application's claims, which ClaimsOf reads back; it
// refuses to let them stand in for the claims it sets or the validator
// reads.
func TestIssueWithClaims(t *testing.T) {
	fixtures()
	issuer, err := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: testIssuer, Audience: testAudience, Key: hsSecret, Algorithm: "HS256"})
	if err != nil {
		t.Fatal(err)
	}
	v := validator(t, func(c *ginauth.JWTConfig) { c.Keys = issuer.Keys(); c.RFC9068 = true })
	type profile struct {
		Email  string   `json:"email"`
		Roles  []string `json:"roles"`
		Tenant string   `json:"tenant,omitempty"`
	}
	for name, claims := range map[string]any{
		"a struct": profile{Email: "alice@example.com", Roles: []string{"admin"}},
		"a map":    map[string]any{"email": "alice@example.com", "roles": []string{"admin"}},
	} {
		at, err := issuer.Issue("alice", "cli", []string{"read"}, ginauth.WithClaims(claims))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tok, err := v.Validate(context.Background(), at.AccessToken)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := ginauth.ClaimsOf[profile](tok)
		if err != nil || got.Email != "alice@example.com" || strings.Join(got.Roles, ",") != "admin" || tok.Subject != "alice" || !tok.HasScope("read") {
			t.Errorf("%s: %+v %v; token %+v", name, got, err, tok)
		}
	}
	for _, name := range []string{"sub", "SUB", "scope", "aud", "exp", "nbf", "client_id", "azp", "token_use", "typ"} {
		if _, err := issuer.Issue("alice", "cli", nil, ginauth.WithClaims(map[string]any{name: "x"})); err == nil {
			t.Errorf("WithClaims set %q", name)
		}
	}
	if _, err := issuer.Issue("alice", "cli", nil, ginauth.WithClaims([]string{"x"})); err == nil {
		t.Error("WithClaims took a list")
	}
}

// NewToken makes the tokens of other kinds of validators: scopes that are
// not scopes grant nothing, as in a JWT.
func TestNewToken(t *testing.T) {
	tok := ginauth.NewToken("alice", "read", "read", "write admin", "items")
	if tok.Subject != "alice" || strings.Join(tok.Scopes(), ",") != "read,items" || tok.HasScope("admin") {
		t.Errorf("token %+v, scopes %q", tok, tok.Scopes())
	}
}
