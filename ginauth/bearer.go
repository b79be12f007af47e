package ginauth

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// Bearer declares a dependency of the validated access token that scheme
// reads, with every scope required where it is used: under
// di.Security(token, "items", "me"), the token must grant both, exactly (RFC
// 6749 §3.3: case-sensitive, no prefixes).
//
// The answers are RFC 6750's, in FastAPI's {"detail": ...} bodies:
//
//   - no token: the scheme's 401 (Bearer, with its realm, no error);
//   - a token that is not valid: 401 with error="invalid_token" and a short
//     error_description, also when the scheme's AutoError is off;
//   - a valid token without a required scope: 403 with
//     error="insufficient_scope" and scope="items me" (or FastAPI's tutorial
//     answer, 401 "Not enough permissions", with [MissingScopeAs401]).
//
// With the scheme's AutoError off, no token gives nil.
func Bearer(scheme Scheme[string], tokens TokenValidator, opts ...BearerOption) di.Dep[*Token] {
	if tokens == nil {
		panic("ginauth: Bearer needs a TokenValidator, such as MustJWT(...)")
	}
	var cfg bearerConfig
	for _, o := range opts {
		o(&cfg)
	}
	st := scheme.settings()
	realm := st.realm
	return di.Func2("Bearer("+st.info.name+")", di.Scopes, scheme.Dep(), func(c *gin.Context, required di.SecurityScopes, raw string) (*Token, error) {
		if raw == "" {
			return nil, nil
		}
		t, err := tokens.Validate(c.Request.Context(), raw)
		if err != nil {
			return nil, invalidToken(realm, describe(err))
		}
		for scope := range required.All() {
			if !t.HasScope(scope) {
				return nil, insufficientScope(realm, required.String(), cfg.scope401)
			}
		}
		return t, nil
	})
}

// BearerOption changes how [Bearer] answers.
type BearerOption func(*bearerConfig)

type bearerConfig struct{ scope401 bool }

// MissingScopeAs401 answers a missing scope as FastAPI's OAuth2 scopes
// tutorial does: 401 {"detail":"Not enough permissions"}, with
// WWW-Authenticate: Bearer scope="...". RFC 6750's 403 is the default.
func MissingScopeAs401() BearerOption { return func(c *bearerConfig) { c.scope401 = true } }

func insufficientScope(realm, scopes string, as401 bool) *di.HTTPError {
	if as401 {
		return di.Error(http.StatusUnauthorized, "Not enough permissions").
			WithHeader("WWW-Authenticate", challenge("Bearer", "realm", realm, "scope", scopes))
	}
	return di.Error(http.StatusForbidden, "Not enough permissions").WithHeader("WWW-Authenticate",
		challenge("Bearer", "realm", realm, "error", "insufficient_scope",
			"error_description", "The access token lacks a required scope", "scope", scopes))
}
