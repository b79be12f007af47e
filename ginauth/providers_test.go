package ginauth_test

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/ginauth"
)

// The access tokens of the major identity providers, in the shape their
// documentation shows (claims and JOSE headers), signed by a test key that
// a local server publishes with a discovery document: each validates with a
// configuration of one or two lines, and its client and scopes are read as
// the provider means them.

// provider serves an issuer's metadata and JWK Set on 127.0.0.1.
type provider struct {
	srv    *httptest.Server
	issuer string
}

// newProvider serves the metadata of the issuer at base+path (its
// OpenID Connect discovery document, or only RFC 8414's when rfc8414) and
// a JWK Set of key under kid.
func newProvider(t *testing.T, path string, rfc8414 bool, key *rsa.PrivateKey, kid string) *provider {
	t.Helper()
	p := &provider{}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	p.issuer = p.srv.URL + path
	meta := func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.issuer, "jwks_uri": p.srv.URL + "/keys", "token_endpoint": p.srv.URL + "/token"})
	}
	trimmed := strings.TrimSuffix(path, "/")
	if rfc8414 {
		mux.HandleFunc("/.well-known/oauth-authorization-server"+trimmed, meta)
	} else {
		mux.HandleFunc(trimmed+"/.well-known/openid-configuration", meta)
	}
	mux.HandleFunc("/keys", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"keys":[` + string(jwkOf(t, key, kid, "", "sig")) + `]}`))
	})
	return p
}

// signed is a token with exactly the header and claims given.
func signed(t *testing.T, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	return signWith(t, jwt.SigningMethodRS256, key, header, claims)
}

func TestProviderAccessTokens(t *testing.T) {
	k := jwksKeys()
	now := time.Now().Unix()
	for _, tc := range []struct {
		name     string
		path     string
		rfc8414  bool
		config   func(issuer string) ginauth.JWTConfig
		header   map[string]any
		claims   func(issuer string) map[string]any
		subject  string
		clientID string
		scopes   []string
	}{{
		name: "Keycloak", path: "/realms/demo",
		config: func(iss string) ginauth.JWTConfig {
			return ginauth.JWTConfig{Keys: ginauth.Discover(iss), Audience: "account"}
		},
		header: map[string]any{"alg": "RS256", "typ": "JWT", "kid": "kc-1"},
		claims: func(iss string) map[string]any {
			return map[string]any{"exp": now + 300, "iat": now, "jti": "onrtac:6b3e", "iss": iss, "aud": "account",
				"sub": "f0c5b0b6-8f3a-4d51-9d16-1c2f6e0d1a55", "typ": "Bearer", "azp": "todo-app", "sid": "8d1c",
				"acr": "1", "allowed-origins": []string{"http://localhost:8080"},
				"realm_access":    map[string]any{"roles": []string{"offline_access", "uma_authorization"}},
				"resource_access": map[string]any{"account": map[string]any{"roles": []string{"manage-account"}}},
				"scope":           "openid profile email todos:read", "email_verified": true, "preferred_username": "alice"}
		},
		subject: "f0c5b0b6-8f3a-4d51-9d16-1c2f6e0d1a55", clientID: "todo-app", scopes: []string{"openid", "profile", "email", "todos:read"},
	}, {
		name: "Auth0", path: "/", // Auth0's issuer ends in a slash
		config: func(iss string) ginauth.JWTConfig {
			return ginauth.JWTConfig{Keys: ginauth.Discover(iss), Audience: "https://api.example.com"}
		},
		header: map[string]any{"alg": "RS256", "typ": "JWT", "kid": "a0-1"},
		claims: func(iss string) map[string]any {
			return map[string]any{"iss": iss, "sub": "auth0|64f1c0", "aud": []string{"https://api.example.com", iss + "userinfo"},
				"iat": now, "exp": now + 300, "azp": "Xq9gW3t0", "scope": "openid profile todos:read", "permissions": []string{"todos:read"}}
		},
		subject: "auth0|64f1c0", clientID: "Xq9gW3t0", scopes: []string{"openid", "profile", "todos:read"},
	}, {
		name: "Okta", path: "/oauth2/default",
		config: func(iss string) ginauth.JWTConfig {
			return ginauth.JWTConfig{Keys: ginauth.Discover(iss), Audience: "api://default"}
		},
		header: map[string]any{"kid": "okta-1", "alg": "RS256"}, // no typ
		claims: func(iss string) map[string]any {
			return map[string]any{"ver": 1, "jti": "AT.Zk1f", "iss": iss, "aud": "api://default", "iat": now, "exp": now + 300,
				"cid": "0oa1b2c3", "uid": "00u1d2e3", "scp": []string{"openid", "todos:read"}, "auth_time": now - 60, "sub": "alice@example.com"}
		},
		subject: "alice@example.com", clientID: "0oa1b2c3", scopes: []string{"openid", "todos:read"},
	}, {
		name: "Microsoft Entra ID", path: "/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
		config: func(iss string) ginauth.JWTConfig {
			return ginauth.JWTConfig{Keys: ginauth.Discover(iss), Audience: "api://b7c2e4f0-todo"}
		},
		header: map[string]any{"typ": "JWT", "alg": "RS256", "kid": "entra-1", "x5t": "entra-1"},
		claims: func(iss string) map[string]any {
			return map[string]any{"aud": "api://b7c2e4f0-todo", "iss": iss, "iat": now, "nbf": now, "exp": now + 300,
				"aio": "AWQAm/8", "azp": "c44b4083-3bb0", "azpacr": "0", "name": "Alice", "oid": "690222be-ff1a",
				"preferred_username": "alice@contoso.com", "rh": "I", "scp": "Todos.Read User.Read", "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
				"tid": "9188040d-6c67-4c5b-b112-36a304b66dad", "uti": "fqiBqXLPj0eQa82S", "ver": "2.0"}
		},
		subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", clientID: "c44b4083-3bb0", scopes: []string{"Todos.Read", "User.Read"},
	}, {
		name: "Google", path: "",
		config: func(iss string) ginauth.JWTConfig {
			return ginauth.JWTConfig{Keys: ginauth.Discover(iss), Audience: "https://api.example.com"}
		},
		header: map[string]any{"alg": "RS256", "kid": "g-1", "typ": "JWT"},
		claims: func(iss string) map[string]any {
			return map[string]any{"iss": iss, "azp": "1234.apps.googleusercontent.com", "aud": "https://api.example.com",
				"sub": "110169484474386276334", "scope": "openid https://www.googleapis.com/auth/userinfo.email",
				"email": "alice@gmail.com", "email_verified": true, "iat": now, "exp": now + 300}
		},
		subject: "110169484474386276334", clientID: "1234.apps.googleusercontent.com", scopes: []string{"openid", "https://www.googleapis.com/auth/userinfo.email"},
	}, {
		name: "Amazon Cognito", path: "/us-east-1_Example", rfc8414: false,
		config: func(iss string) ginauth.JWTConfig {
			// Cognito's access tokens have no aud: the client is the check.
			return ginauth.JWTConfig{Keys: ginauth.Discover(iss), NoAudience: true, Clients: []string{"5k3t9s1q"}}
		},
		header: map[string]any{"kid": "cog-1", "alg": "RS256"},
		claims: func(iss string) map[string]any {
			return map[string]any{"sub": "aaaaaaaa-bbbb-cccc-dddd-example", "cognito:groups": []string{"admin"}, "iss": iss,
				"version": 2, "client_id": "5k3t9s1q", "origin_jti": "ab12", "event_id": "cd34", "token_use": "access",
				"scope": "todos/read openid", "auth_time": now, "exp": now + 300, "iat": now, "jti": "ef56", "username": "alice"}
		},
		subject: "aaaaaaaa-bbbb-cccc-dddd-example", clientID: "5k3t9s1q", scopes: []string{"todos/read", "openid"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProvider(t, tc.path, tc.rfc8414, k.r1, tc.header["kid"].(string))
			v, err := ginauth.NewJWT(tc.config(p.issuer))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(v.Close)
			tok, err := v.Validate(t.Context(), signed(t, k.r1, tc.header, tc.claims(p.issuer)))
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if tok.Subject != tc.subject || tok.ClientID != tc.clientID || !slices.Equal(tok.Scopes(), tc.scopes) || tok.Issuer != p.issuer {
				t.Errorf("token: sub %q client %q scopes %q iss %q\nwant sub %q client %q scopes %q iss %q",
					tok.Subject, tok.ClientID, tok.Scopes(), tok.Issuer, tc.subject, tc.clientID, tc.scopes, p.issuer)
			}
			// Signed by another key: refused, whatever the shape.
			if err := validate(v, signed(t, k.r2, tc.header, tc.claims(p.issuer))); err == nil {
				t.Error("a token signed by another key passed")
			}
		})
	}
}

// The ID tokens of those providers are not access tokens.
func TestProviderIDTokensRefused(t *testing.T) {
	k := jwksKeys()
	now := time.Now().Unix()
	cognito := newProvider(t, "/us-east-1_Example", false, k.r1, "cog-1")
	keycloak := newProvider(t, "/realms/demo", false, k.r1, "kc-1")
	for _, tc := range []struct {
		name   string
		p      *provider
		config ginauth.JWTConfig
		header map[string]any
		claims map[string]any
	}{
		{"Cognito", cognito, ginauth.JWTConfig{Keys: ginauth.Discover(cognito.issuer), NoAudience: true},
			map[string]any{"kid": "cog-1", "alg": "RS256"},
			map[string]any{"sub": "u", "aud": "5k3t9s1q", "token_use": "id", "iss": cognito.issuer, "exp": now + 300, "iat": now, "email": "a@example.com"}},
		{"Keycloak", keycloak, ginauth.JWTConfig{Keys: ginauth.Discover(keycloak.issuer), Audience: "todo-app"},
			map[string]any{"alg": "RS256", "typ": "JWT", "kid": "kc-1"},
			map[string]any{"sub": "u", "aud": "todo-app", "typ": "ID", "azp": "todo-app", "iss": keycloak.issuer, "exp": now + 300, "iat": now, "nonce": "n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := ginauth.NewJWT(tc.config)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(v.Close)
			if err := validate(v, signed(t, k.r1, tc.header, tc.claims)); err == nil || !strings.Contains(err.Error(), "not an access token") {
				t.Errorf("an ID token: %v", err)
			}
		})
	}
}

// An OpenID Connect ID token, whatever its provider, carries at_hash or
// c_hash: it is refused even when its aud is the configured audience (as an
// app's own client ID can be).
func TestOpenIDConnectIDTokensRefused(t *testing.T) {
	k := jwksKeys()
	now := time.Now().Unix()
	p := newProvider(t, "/tenant/v2.0", false, k.r1, "e-1")
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Keys: ginauth.Discover(p.issuer), Audience: "c44b4083-3bb0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	header := map[string]any{"typ": "JWT", "alg": "RS256", "kid": "e-1"}
	base := map[string]any{"aud": "c44b4083-3bb0", "iss": p.issuer, "iat": now, "exp": now + 300, "sub": "AAAA", "nonce": "n", "name": "Alice"}
	for _, marker := range []string{"at_hash", "c_hash"} {
		claims := maps.Clone(base)
		claims[marker] = "dGhpcyBpcyBhIGhhc2g"
		if err := validate(v, signed(t, k.r1, header, claims)); !errors.Is(err, ginauth.ErrTokenType) {
			t.Errorf("an ID token with %s: %v", marker, err)
		}
	}
	if err := validate(v, signed(t, k.r1, header, base)); err != nil {
		t.Errorf("the same claims without them: %v", err)
	}
}

// Where access tokens have no aud (Cognito), Clients says whose tokens the
// API takes.
func TestClientsRestrictTheClient(t *testing.T) {
	k := jwksKeys()
	now := time.Now().Unix()
	p := newProvider(t, "/us-east-1_Example", false, k.r1, "cog-1")
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Keys: ginauth.Discover(p.issuer), NoAudience: true, Clients: []string{"5k3t9s1q"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	token := func(client string) string {
		return signed(t, k.r1, map[string]any{"kid": "cog-1", "alg": "RS256"}, map[string]any{"sub": "u", "iss": p.issuer,
			"token_use": "access", "client_id": client, "scope": "openid", "exp": now + 300, "iat": now})
	}
	if err := validate(v, token("5k3t9s1q")); err != nil {
		t.Errorf("the API's client: %v", err)
	}
	e := jwksEngine(v)
	check(t, do(e, auth("Bearer "+token("another"))), answer{401,
		`Bearer error="invalid_token", error_description="The access token was issued to another client"`, couldNotValidate})
}
