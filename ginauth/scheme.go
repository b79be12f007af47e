package ginauth

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/internal/oauthflows"
)

// Toggle is a setting that is on unless it is turned off: its zero value is
// On, so that a scheme declared without it keeps FastAPI's default.
type Toggle uint8

const (
	// On is the default.
	On Toggle = iota
	// Off turns the setting off.
	Off
)

// scheme is what every scheme type of this package is: its declaration
// (Dep), its OpenAPI entry, and how it reads its credential.
type scheme[T any] interface {
	Dep() di.Dep[T]
	OpenAPI() *openapi3.SecurityScheme
	settings() settings
	reader() func(c *gin.Context) (cred T, found bool, err error)
}

// settings are what every scheme shares.
type settings struct {
	info             *schemeInfo
	realm            string // for bearer challenges
	autoError        bool
	challenge        string // WWW-Authenticate when the credential is missing
	notAuthenticated func(challenge string) error
	missingAnswer    error // made once: under di.Optional, a missing credential is no error
	token            bool  // the credential is a bearer token, for Bearer
}

func newSettings(name, defaultName string, model *openapi3.SecurityScheme, auto Toggle, challenge string, notAuth func(string) error) settings {
	if name == "" {
		name = defaultName
	}
	st := settings{info: &schemeInfo{name: name, model: model}, autoError: auto == On, challenge: challenge, notAuthenticated: notAuth}
	if notAuth != nil {
		st.missingAnswer = di.MissingCredential(notAuth(challenge))
	} else {
		st.missingAnswer = di.MissingCredential(NotAuthenticated(challenge))
	}
	return st
}

// bearerSettings are those of a scheme that reads a bearer token from the
// Authorization header, whose challenge carries the realm.
func bearerSettings(name, defaultName string, model *openapi3.SecurityScheme, auto Toggle, realm string, notAuth func(string) error) settings {
	st := newSettings(name, defaultName, model, auto, challenge("Bearer", "realm", realm), notAuth)
	st.realm = realm
	st.token = true
	return st
}

// missing is the answer when the credential is absent and AutoError is on,
// marked so that di.Optional tells it from a bad credential.
func (s settings) missing() error { return s.missingAnswer }

// declare turns a scheme into its dependency: absent credentials answer
// 401 (or nothing, with AutoError off); present but bad ones always fail.
// The registry's view of it (a *schemeInfo) keeps its settings and reader,
// for the combinators that take the dependency: Bearer, AnyOf.
func declare[T any](s scheme[T]) di.Dep[T] {
	st := s.settings()
	read := s.reader()
	info := st.info
	info.st, info.read = st, read
	return di.Scheme(info, func(c *gin.Context) (T, error) {
		v, found, err := read(c)
		if err == nil && !found && st.autoError {
			err = st.missing()
		}
		return v, err
	})
}

// infoOf is the scheme that dep was declared from, with the reader of its
// credential, or a panic naming what, which needs one.
func infoOf[T any](what string, dep di.Dep[T]) (*schemeInfo, func(*gin.Context) (T, bool, error)) {
	info, ok := dep.Scheme().(*schemeInfo)
	if ok {
		if read, ok := info.read.(func(*gin.Context) (T, bool, error)); ok {
			return info, read
		}
	}
	panic(fmt.Sprintf("ginauth: %s needs a scheme of this package, declared with its Dep(), such as ginauth.OAuth2PasswordBearer{...}.Dep(); %q is not one", what, dep.Name()))
}

// NotAuthenticated is FastAPI's answer for a missing credential (since
// 0.122): 401 {"detail":"Not authenticated"}, with the scheme's challenge.
func NotAuthenticated(challenge string) error {
	return di.Error(401, "Not authenticated").WithHeader("WWW-Authenticate", challenge)
}

// Legacy403 is FastAPI's answer for a missing credential before 0.122: 403
// {"detail":"Not authenticated"}, with no challenge, as HTTPBase,
// HTTPBearer, HTTPDigest, the APIKey schemes, OAuth2 and OpenIdConnect gave
// it (HTTPBasic and the OAuth2 bearer classes already answered 401). Set it
// as a scheme's NotAuthenticated for clients that depend on it.
func Legacy403(string) error { return di.Error(403, "Not authenticated") }

// OpenAPI is the components.securitySchemes entry of s, a scheme that the
// route registry lists (di.Route's Security), if s is a scheme of this
// package other than an AnyOf, which has an entry per alternative.
func OpenAPI(s di.SecurityScheme) (*openapi3.SecurityScheme, bool) {
	info, ok := s.(*schemeInfo)
	if !ok || info.alternatives != nil {
		return nil, false
	}
	return copyModel(info.model), true
}

// Alternatives are the schemes that s, an [AnyOf], accepts, any one of
// which is enough (an OR in OpenAPI); nil for any other scheme.
func Alternatives(s di.SecurityScheme) []di.SecurityScheme {
	if info, ok := s.(*schemeInfo); ok {
		return slices.Clone(info.alternatives)
	}
	return nil
}

// schemeInfo is how a scheme appears in the route registry
// ([di.Router.Routes]) and in the docs: a di.SecurityScheme, whose OpenAPI
// entry and alternatives the functions OpenAPI and Alternatives read.
type schemeInfo struct {
	name         string
	model        *openapi3.SecurityScheme
	alternatives []di.SecurityScheme
	st           settings
	read         any // func(*gin.Context) (T, bool, error) of the scheme's T
}

// SchemeName is the name the docs use for the scheme (FastAPI's
// scheme_name, by default the type's name).
func (s *schemeInfo) SchemeName() string { return s.name }

// CheckScopes refuses, at startup, what is not a scope (RFC 6749 §3.3: no
// space, printable ASCII), which no token could grant, and scopes that an
// OAuth2 scheme does not declare: the docs would offer no way to ask for them.
func (s *schemeInfo) CheckScopes(scopes []string) error {
	for _, sc := range scopes {
		if !isScopeToken(sc) {
			return fmt.Errorf("%q is not a scope: use printable ASCII without space, '\"' or '\\' (RFC 6749 §3.3)", sc)
		}
	}
	if s.alternatives != nil {
		for _, alt := range s.alternatives {
			if err := alt.(*schemeInfo).CheckScopes(scopes); err != nil {
				return err
			}
		}
		return nil
	}
	if s.model.Type != "oauth2" {
		return nil
	}
	declared := oauthflows.Scopes(s.model.Flows)
	for _, sc := range scopes {
		if _, ok := declared[sc]; !ok {
			return fmt.Errorf("scope %q is not declared in the Scopes of %s (declared: %s)", sc, s.name, strings.Join(slices.Sorted(maps.Keys(declared)), ", "))
		}
	}
	return nil
}

// checkFlows returns a copy of the flows with scopes always present, and
// panics on a flow that lacks a URL it needs.
func checkFlows(f openapi3.OAuthFlows, scheme string) *openapi3.OAuthFlows {
	flow := func(name string, fl *openapi3.OAuthFlow, needAuth, needToken bool) *openapi3.OAuthFlow {
		if fl == nil {
			return nil
		}
		if needAuth && fl.AuthorizationURL == "" || needToken && fl.TokenURL == "" {
			panic(fmt.Sprintf("ginauth: %s: the %s flow needs %s", scheme, name, map[bool]string{true: "an AuthorizationURL", false: "a TokenURL"}[needAuth && fl.AuthorizationURL == ""]))
		}
		for _, sc := range slices.Sorted(maps.Keys(fl.Scopes)) {
			if !isScopeToken(sc) {
				panic(fmt.Sprintf("ginauth: %s: %q in Scopes is not a scope: use printable ASCII without space, '\"' or '\\' (RFC 6749 §3.3)", scheme, sc))
			}
		}
		cp := *fl
		cp.Scopes = maps.Clone(fl.Scopes)
		if cp.Scopes == nil {
			cp.Scopes = map[string]string{}
		}
		return &cp
	}
	return &openapi3.OAuthFlows{
		Extensions:        maps.Clone(f.Extensions),
		Implicit:          flow("implicit", f.Implicit, true, false),
		Password:          flow("password", f.Password, false, true),
		ClientCredentials: flow("clientCredentials", f.ClientCredentials, false, true),
		AuthorizationCode: flow("authorizationCode", f.AuthorizationCode, true, true),
	}
}

// copyModel is a deep copy of a scheme's entry: what the registry hands out
// must not let anyone change the scheme.
func copyModel(m *openapi3.SecurityScheme) *openapi3.SecurityScheme {
	cp := *m
	cp.Extensions = maps.Clone(m.Extensions)
	if m.Flows != nil {
		cp.Flows = checkFlows(*m.Flows, "")
	}
	return &cp
}
