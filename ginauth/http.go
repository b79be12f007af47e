package ginauth

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// HTTPAuthorizationCredentials are an Authorization header's scheme, in the
// case it was sent in, and credentials.
type HTTPAuthorizationCredentials struct {
	Scheme      string
	Credentials string
}

// HTTPBase reads an Authorization header of any scheme (FastAPI's HTTPBase):
// it does not check that the scheme is Scheme, which only names it in the
// docs and in the challenge. Its value is nil when absent with AutoError off.
type HTTPBase struct {
	Scheme           string // the HTTP authentication scheme, as IANA registers it: "bearer", "basic", ...
	SchemeName       string // default "HTTPBase"
	Description      string
	AutoError        Toggle
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the credentials.
func (s HTTPBase) Dep() di.Dep[*HTTPAuthorizationCredentials] {
	return declare[*HTTPAuthorizationCredentials](s)
}

// OpenAPI is the scheme's entry: an http scheme, named as given.
func (s HTTPBase) OpenAPI() *openapi3.SecurityScheme {
	if !isToken(s.Scheme) {
		panic(fmt.Sprintf("ginauth: HTTPBase needs a Scheme that is an HTTP token, such as \"bearer\"; got %q", s.Scheme))
	}
	return &openapi3.SecurityScheme{Type: "http", Scheme: s.Scheme, Description: s.Description}
}

func (s HTTPBase) settings() settings {
	return newSettings(s.SchemeName, "HTTPBase", s.OpenAPI(), s.AutoError, titleCase(s.Scheme), s.NotAuthenticated)
}

func (s HTTPBase) reader() func(*gin.Context) (*HTTPAuthorizationCredentials, bool, error) {
	return func(c *gin.Context) (*HTTPAuthorizationCredentials, bool, error) {
		return credentials(c, titleCase(s.Scheme), "")
	}
}

// HTTPBearer reads "Authorization: Bearer <token>" (FastAPI's HTTPBearer):
// its value gives the scheme word as sent and the token, nil when absent
// with AutoError off. It is as strict as [OAuth2PasswordBearer].
type HTTPBearer struct {
	BearerFormat     string // a hint for the docs, such as "JWT"
	SchemeName       string // default "HTTPBearer"
	Description      string
	AutoError        Toggle
	Realm            string
	MaxTokenBytes    int
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the credentials.
func (s HTTPBearer) Dep() di.Dep[*HTTPAuthorizationCredentials] {
	return declare[*HTTPAuthorizationCredentials](s)
}

// OpenAPI is the scheme's entry: an http bearer scheme.
func (s HTTPBearer) OpenAPI() *openapi3.SecurityScheme {
	return &openapi3.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: s.BearerFormat, Description: s.Description}
}

func (s HTTPBearer) settings() settings {
	return bearerSettings(s.SchemeName, "HTTPBearer", s.OpenAPI(), s.AutoError, s.Realm, s.NotAuthenticated)
}

func (s HTTPBearer) reader() func(*gin.Context) (*HTTPAuthorizationCredentials, bool, error) {
	return func(c *gin.Context) (*HTTPAuthorizationCredentials, bool, error) {
		token, found, err := bearerToken(c, s.MaxTokenBytes, s.Realm)
		if !found {
			return nil, false, err
		}
		scheme, _ := splitAuthorization(c.Request.Header.Get("Authorization"))
		return &HTTPAuthorizationCredentials{Scheme: scheme, Credentials: token}, true, nil
	}
}

// HTTPDigest reads "Authorization: Digest <params>" (FastAPI's
// HTTPDigest). Like FastAPI's, it only hands over the parameters: checking
// the digest is the application's work.
type HTTPDigest struct {
	SchemeName       string // default "HTTPDigest"
	Description      string
	AutoError        Toggle
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the credentials.
func (s HTTPDigest) Dep() di.Dep[*HTTPAuthorizationCredentials] {
	return declare[*HTTPAuthorizationCredentials](s)
}

// OpenAPI is the scheme's entry: an http digest scheme.
func (s HTTPDigest) OpenAPI() *openapi3.SecurityScheme {
	return &openapi3.SecurityScheme{Type: "http", Scheme: "digest", Description: s.Description}
}

func (s HTTPDigest) settings() settings {
	return newSettings(s.SchemeName, "HTTPDigest", s.OpenAPI(), s.AutoError, "Digest", s.NotAuthenticated)
}

func (s HTTPDigest) reader() func(*gin.Context) (*HTTPAuthorizationCredentials, bool, error) {
	return func(c *gin.Context) (*HTTPAuthorizationCredentials, bool, error) {
		return credentials(c, "Digest", "digest")
	}
}

// credentials reads an Authorization header whose scheme is want (any, if
// want is ""); challengeScheme names it in a 400.
func credentials(c *gin.Context, challengeScheme, want string) (*HTTPAuthorizationCredentials, bool, error) {
	v, err := authorization(c, challengeScheme, "")
	if err != nil || v == "" {
		return nil, false, err
	}
	scheme, creds := splitAuthorization(v)
	if scheme == "" || creds == "" || want != "" && !equalFoldASCII(scheme, want) {
		return nil, false, nil
	}
	return &HTTPAuthorizationCredentials{Scheme: scheme, Credentials: creds}, true, nil
}

// HTTPBasicCredentials are the user's name and password from HTTP Basic.
type HTTPBasicCredentials struct {
	Username string
	Password string
}

// HTTPBasic reads HTTP Basic credentials (FastAPI's HTTPBasic). Its value is
// nil when there is no Basic header and AutoError is off; a Basic header
// that does not decode is a 401 whatever AutoError says.
//
// Stricter than FastAPI, after RFC 7617: the base64 must be canonical and
// padded, the credentials valid UTF-8 with no control characters, and the
// user name not empty; "u:p:a" is user "u", password "p:a". The challenge
// says charset="UTF-8", and the realm is escaped, not pasted.
type HTTPBasic struct {
	Realm            string
	SchemeName       string // default "HTTPBasic"
	Description      string
	AutoError        Toggle
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the credentials.
func (s HTTPBasic) Dep() di.Dep[*HTTPBasicCredentials] { return declare[*HTTPBasicCredentials](s) }

// OpenAPI is the scheme's entry: an http basic scheme (the realm is not part
// of it).
func (s HTTPBasic) OpenAPI() *openapi3.SecurityScheme {
	return &openapi3.SecurityScheme{Type: "http", Scheme: "basic", Description: s.Description}
}

func (s HTTPBasic) settings() settings {
	return newSettings(s.SchemeName, "HTTPBasic", s.OpenAPI(), s.AutoError, s.challenge(), s.NotAuthenticated)
}

func (s HTTPBasic) challenge() string {
	return challenge("Basic", "realm", s.Realm, "charset", "UTF-8")
}

func (s HTTPBasic) reader() func(*gin.Context) (*HTTPBasicCredentials, bool, error) {
	st := s.settings()
	return func(c *gin.Context) (*HTTPBasicCredentials, bool, error) {
		v, err := authorization(c, "Basic", "")
		if err != nil || v == "" {
			return nil, false, err
		}
		scheme, param := splitAuthorization(v)
		if !equalFoldASCII(scheme, "basic") {
			return nil, false, nil
		}
		user, password, ok := DecodeBasic(param)
		if !ok {
			return nil, false, st.missing() // FastAPI answers bad credentials as missing ones
		}
		return &HTTPBasicCredentials{Username: user, Password: password}, true, nil
	}
}
