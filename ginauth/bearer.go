package ginauth

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// Bearer declares a dependency of the validated access token that scheme
// (a bearer scheme's Dep) reads, checked by the validator that tokens gives,
// with every scope required where it is used: under di.Security(token,
// "items", "me"), the token must grant both, exactly (RFC 6749 §3.3:
// case-sensitive, no prefixes). Declare them at package level, the
// validator as a value that main provides:
//
//	var oauth2Scheme = ginauth.OAuth2PasswordBearer{TokenURL: "token", Scopes: ...}.Dep()
//	var tokens = di.Provided[ginauth.TokenValidator]("tokens")
//	var token = ginauth.Bearer(oauth2Scheme, tokens)
//
//	// in main: v := ginauth.MustJWT(...); defer v.Close()
//	api := di.NewRouter(engine, di.Provide(tokens, v))
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
// For a route where authentication is optional, use di.Optional(token) (or
// a dependency above it): no token is then nil, and a bad one still a 401.
// The scheme's AutoError Off does the same for every route, except where
// scopes are required: under di.Security(token, "admin"), no token is the
// scheme's 401 whatever AutoError says, unless di.Optional says otherwise.
func Bearer(scheme di.Dep[string], tokens di.Dep[TokenValidator], opts ...BearerOption) di.Dep[*Token] {
	info, _ := infoOf("Bearer", scheme)
	if !info.st.token {
		panic(fmt.Sprintf("ginauth: Bearer needs a scheme whose credential is a bearer token (OAuth2PasswordBearer, OAuth2AuthorizationCodeBearer, BearerCookie); %q is not one (API keys: VerifyAPIKey)", info.name))
	}
	var cfg bearerConfig
	for _, o := range opts {
		o(&cfg)
	}
	st := info.st
	realm := st.realm
	// The answers are made once: a refused token, which anyone can send in
	// bulk, then costs no formatting.
	var invalid [refusals]*di.HTTPError
	for r, d := range descriptions {
		invalid[r] = invalidToken(realm, d)
	}
	var scopeAnswers sync.Map // required scopes -> *di.HTTPError
	return di.Func3("Bearer("+info.name+")", di.Scopes, scheme, tokens, func(c *gin.Context, required di.SecurityScopes, raw string, v TokenValidator) (*Token, error) {
		if raw == "" {
			if required.Len() > 0 {
				return nil, st.missing()
			}
			return nil, nil
		}
		if v == nil {
			return nil, errNoValidator
		}
		t, err := v.Validate(c.Request.Context(), raw)
		if err != nil {
			if errors.Is(err, ErrKeysUnavailable) {
				return nil, keysUnavailable(err)
			}
			return nil, invalid[describe(err)]
		}
		for scope := range required.All() {
			if !t.HasScope(scope) {
				if e, ok := scopeAnswers.Load(required.String()); ok {
					return nil, e.(*di.HTTPError)
				}
				e := insufficientScope(realm, required.String(), cfg.scope401)
				scopeAnswers.Store(required.String(), e) // one per place of use: bounded
				return nil, e
			}
		}
		return t, nil
	})
}

// errNoValidator is a provided TokenValidator that is nil: a 500, logged.
var errNoValidator = errors.New("ginauth: Bearer: the TokenValidator provided is nil")

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
