package ginauth

import (
	"errors"
	"net/http"
	"strconv"

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
//     answer, 401 "Not enough permissions", with [MissingScopeAs401]);
//   - no key to check the token with (see [ErrKeysUnavailable]): 503 with
//     Retry-After, not 401, so that clients keep their good tokens.
//
// With the scheme's AutoError off, no token gives nil, for routes where
// authentication is optional; but where scopes are required, the token is
// too: under di.Security(token, "admin"), no token is the scheme's 401
// whatever AutoError says, so a handler that asks for a scope never gets a
// nil token.
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
			if required.Len() > 0 {
				return nil, st.missing()
			}
			return nil, nil
		}
		t, err := tokens.Validate(c.Request.Context(), raw)
		if err != nil {
			if errors.Is(err, ErrKeysUnavailable) {
				return nil, keysUnavailable(err)
			}
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

// keysUnavailable is the answer when no key can check a token: the service,
// not the token, is at fault, for a while.
func keysUnavailable(err error) *di.HTTPError {
	retry := 1
	var ku *keysUnavailableError
	if errors.As(err, &ku) {
		retry = ku.retryAfterSeconds()
	}
	return di.Error(http.StatusServiceUnavailable, "The keys that verify access tokens are unavailable; try again later").
		WithHeader("Retry-After", strconv.Itoa(retry))
}

func insufficientScope(realm, scopes string, as401 bool) *di.HTTPError {
	if as401 {
		return di.Error(http.StatusUnauthorized, "Not enough permissions").
			WithHeader("WWW-Authenticate", challenge("Bearer", "realm", realm, "scope", scopes))
	}
	return di.Error(http.StatusForbidden, "Not enough permissions").WithHeader("WWW-Authenticate",
		challenge("Bearer", "realm", realm, "error", "insufficient_scope",
			"error_description", "The access token lacks a required scope", "scope", scopes))
}
