package ginauth

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// OAuth2PasswordBearer reads a bearer token from the Authorization header
// for APIs whose clients get it from TokenURL with the password flow
// (FastAPI's OAuth2PasswordBearer). Its value is the token, not yet
// validated: "" when absent with AutoError off.
//
// Stricter than FastAPI: "Bearer" with no token is missing (401), not "";
// a token outside RFC 6750's b64token charset or over MaxTokenBytes is a 401
// invalid_token, and two Authorization headers, or an access_token in the
// URL, a 400 invalid_request, whatever AutoError says.
type OAuth2PasswordBearer struct {
	TokenURL   string
	RefreshURL string
	// Scopes maps each scope the API knows to its description. A route that
	// requires a scope not listed here panics at registration.
	Scopes      map[string]string
	SchemeName  string // default "OAuth2PasswordBearer"
	Description string
	// AutoError answers a missing token with 401; Off yields "" instead, for
	// routes where authentication is optional.
	AutoError Toggle
	// Realm goes into the challenge: Bearer realm="...".
	Realm string
	// MaxTokenBytes caps the token's size; 0 means DefaultMaxTokenBytes.
	MaxTokenBytes int
	// NotAuthenticated makes the answer to a missing token (FastAPI's
	// make_not_authenticated_error); nil means 401 with the challenge. See
	// Legacy403.
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the token.
func (s OAuth2PasswordBearer) Dep() di.Dep[string] { return declare[string](s) }

// OpenAPI is the scheme's entry: an oauth2 scheme with a password flow.
func (s OAuth2PasswordBearer) OpenAPI() *openapi3.SecurityScheme {
	if s.TokenURL == "" {
		panic("ginauth: OAuth2PasswordBearer needs a TokenURL: where clients get their tokens")
	}
	flows := openapi3.OAuthFlows{Password: &openapi3.OAuthFlow{TokenURL: s.TokenURL, RefreshURL: s.RefreshURL, Scopes: s.Scopes}}
	return &openapi3.SecurityScheme{Type: "oauth2", Description: s.Description, Flows: checkFlows(flows, "OAuth2PasswordBearer")}
}

func (s OAuth2PasswordBearer) settings() settings {
	return bearerSettings(s.SchemeName, "OAuth2PasswordBearer", s.OpenAPI(), s.AutoError, s.Realm, s.NotAuthenticated)
}

func (s OAuth2PasswordBearer) reader() func(*gin.Context) (string, bool, error) {
	return bearerReader(s.MaxTokenBytes, s.Realm)
}

// OAuth2AuthorizationCodeBearer reads a bearer token from the
// Authorization header for APIs whose clients get it with the authorization
// code flow (FastAPI's OAuth2AuthorizationCodeBearer). It behaves as
// [OAuth2PasswordBearer].
type OAuth2AuthorizationCodeBearer struct {
	AuthorizationURL string
	TokenURL         string
	RefreshURL       string
	// PasswordFlow says that TokenURL takes the password grant too: the
	// docs then offer both flows, and Swagger UI's Authorize dialog a
	// username and password form beside the login page.
	PasswordFlow     bool
	Scopes           map[string]string
	SchemeName       string // default "OAuth2AuthorizationCodeBearer"
	Description      string
	AutoError        Toggle
	Realm            string
	MaxTokenBytes    int
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the token.
func (s OAuth2AuthorizationCodeBearer) Dep() di.Dep[string] { return declare[string](s) }

// OpenAPI is the scheme's entry: an oauth2 scheme with an authorizationCode
// flow, and a password flow with PasswordFlow.
func (s OAuth2AuthorizationCodeBearer) OpenAPI() *openapi3.SecurityScheme {
	flows := openapi3.OAuthFlows{AuthorizationCode: &openapi3.OAuthFlow{AuthorizationURL: s.AuthorizationURL, TokenURL: s.TokenURL, RefreshURL: s.RefreshURL, Scopes: s.Scopes}}
	if s.PasswordFlow {
		flows.Password = &openapi3.OAuthFlow{TokenURL: s.TokenURL, RefreshURL: s.RefreshURL, Scopes: s.Scopes}
	}
	return &openapi3.SecurityScheme{Type: "oauth2", Description: s.Description, Flows: checkFlows(flows, "OAuth2AuthorizationCodeBearer")}
}

func (s OAuth2AuthorizationCodeBearer) settings() settings {
	return bearerSettings(s.SchemeName, "OAuth2AuthorizationCodeBearer", s.OpenAPI(), s.AutoError, s.Realm, s.NotAuthenticated)
}

func (s OAuth2AuthorizationCodeBearer) reader() func(*gin.Context) (string, bool, error) {
	return bearerReader(s.MaxTokenBytes, s.Realm)
}

// OAuth2 is a scheme with any OAuth 2.0 flows (FastAPI's OAuth2). Like
// FastAPI's, its value is the whole Authorization header, whatever its
// scheme word: "Bearer abc" gives "Bearer abc". Prefer OAuth2PasswordBearer
// or OAuth2AuthorizationCodeBearer, which read the token itself.
type OAuth2 struct {
	Flows            openapi3.OAuthFlows
	SchemeName       string // default "OAuth2"
	Description      string
	AutoError        Toggle
	MaxTokenBytes    int // caps the whole header; 0 means DefaultMaxTokenBytes
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the Authorization header.
func (s OAuth2) Dep() di.Dep[string] { return declare[string](s) }

// OpenAPI is the scheme's entry: an oauth2 scheme with its flows ("flows":{}
// when there are none, as FastAPI writes it).
func (s OAuth2) OpenAPI() *openapi3.SecurityScheme {
	return &openapi3.SecurityScheme{Type: "oauth2", Description: s.Description, Flows: checkFlows(s.Flows, "OAuth2")}
}

func (s OAuth2) settings() settings {
	return newSettings(s.SchemeName, "OAuth2", s.OpenAPI(), s.AutoError, "Bearer", s.NotAuthenticated)
}

func (s OAuth2) reader() func(*gin.Context) (string, bool, error) {
	return func(c *gin.Context) (string, bool, error) {
		return rawAuthorization(c, s.MaxTokenBytes)
	}
}

// OpenIdConnect is an OpenID Connect scheme (FastAPI's OpenIdConnect): the
// docs point clients at OpenIDConnectURL; the value is the whole
// Authorization header, as with [OAuth2].
type OpenIdConnect struct {
	OpenIDConnectURL string
	SchemeName       string // default "OpenIdConnect"
	Description      string
	AutoError        Toggle
	MaxTokenBytes    int
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the Authorization header.
func (s OpenIdConnect) Dep() di.Dep[string] { return declare[string](s) }

// OpenAPI is the scheme's entry: an openIdConnect scheme.
func (s OpenIdConnect) OpenAPI() *openapi3.SecurityScheme {
	if s.OpenIDConnectURL == "" {
		panic("ginauth: OpenIdConnect needs an OpenIDConnectURL: the provider's discovery document")
	}
	return &openapi3.SecurityScheme{Type: "openIdConnect", Description: s.Description, OpenIdConnectUrl: s.OpenIDConnectURL}
}

func (s OpenIdConnect) settings() settings {
	return newSettings(s.SchemeName, "OpenIdConnect", s.OpenAPI(), s.AutoError, "Bearer", s.NotAuthenticated)
}

func (s OpenIdConnect) reader() func(*gin.Context) (string, bool, error) {
	return func(c *gin.Context) (string, bool, error) {
		return rawAuthorization(c, s.MaxTokenBytes)
	}
}

// rawAuthorization is the whole Authorization header, checked only for
// being one and for its size.
func rawAuthorization(c *gin.Context, maxBytes int) (string, bool, error) {
	v, err := authorization(c, "Bearer", "")
	if err != nil || v == "" {
		return "", false, err
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxTokenBytes
	}
	if len(v) > maxBytes {
		return "", false, invalidToken("", fmt.Sprintf("The Authorization header is over %d bytes", maxBytes))
	}
	return v, true, nil
}
