package ginauth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// BearerCookie reads a bearer token from an HttpOnly cookie, for browser
// apps that must keep tokens out of reach of scripts (FastAPI issue 480,
// which FastAPI left to its users). Its value is the token, not yet
// validated: "" when absent with AutoError off.
//
// It is safe by construction: the cookie's name must start with __Host-,
// which browsers only accept from this host, over HTTPS (localhost counts),
// with Path=/; [BearerCookie.SetCookie] adds HttpOnly and SameSite=Strict.
// Requests that change state (any method but GET, HEAD and OPTIONS) and come
// from another origin are refused with 403, as net/http's
// CrossOriginProtection judges them from Sec-Fetch-Site and Origin. Two
// cookies of that name are a 400.
type BearerCookie struct {
	CookieName       string // default "__Host-access_token"
	SchemeName       string // default "BearerCookie"
	Description      string
	AutoError        Toggle
	MaxTokenBytes    int
	TrustedOrigins   []string // origins, such as "https://app.example.com", allowed to send state-changing requests
	NotAuthenticated func(challenge string) error
}

const defaultTokenCookie = "__Host-access_token"

func (s BearerCookie) name() string {
	if s.CookieName == "" {
		return defaultTokenCookie
	}
	if !strings.HasPrefix(s.CookieName, "__Host-") {
		panic(fmt.Sprintf("ginauth: BearerCookie %q: the name must start with __Host-, so that browsers only take the cookie from this host, over HTTPS, for every path", s.CookieName))
	}
	if (&http.Cookie{Name: s.CookieName}).Valid() != nil {
		// net/http would write no Set-Cookie for it, and never read it.
		panic(fmt.Sprintf("ginauth: BearerCookie %q is not a valid cookie name: use letters, digits and !#$%%&'*+-.^_`|~", s.CookieName))
	}
	return s.CookieName
}

// Dep declares the scheme as a dependency of the token.
func (s BearerCookie) Dep() di.Dep[string] { return declare[string](s) }

// OpenAPI is the scheme's entry: an apiKey in a cookie, as OpenAPI 3 has no
// other way to say it.
func (s BearerCookie) OpenAPI() *openapi3.SecurityScheme {
	return &openapi3.SecurityScheme{Type: "apiKey", In: "cookie", Name: s.name(), Description: s.Description}
}

func (s BearerCookie) settings() settings {
	st := newSettings(s.SchemeName, "BearerCookie", s.OpenAPI(), s.AutoError, "Bearer", s.NotAuthenticated)
	st.token = true
	return st
}

func (s BearerCookie) reader() func(*gin.Context) (string, bool, error) {
	sameOrigin := crossOriginCheck("BearerCookie", s.TrustedOrigins)
	name := s.name()
	return func(c *gin.Context) (string, bool, error) {
		token, found, err := cookieToken(c, name, s.MaxTokenBytes)
		if found {
			if err := sameOrigin(c); err != nil {
				return "", false, err
			}
		}
		return token, found, err
	}
}

// crossOriginCheck returns the check that cookie schemes run when they found
// their cookie, which browsers attach to requests that other sites make: a
// request that changes state from another origin, as net/http's
// CrossOriginProtection judges it, is a 403.
func crossOriginCheck(scheme string, trusted []string) func(*gin.Context) error {
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		if err := cop.AddTrustedOrigin(o); err != nil {
			panic(fmt.Sprintf("ginauth: %s: trusted origin %q: %v", scheme, o, err))
		}
	}
	return func(c *gin.Context) error {
		if cop.Check(c.Request) != nil {
			return di.Error(http.StatusForbidden, "Cross-origin request refused")
		}
		return nil
	}
}

func cookieToken(c *gin.Context, name string, maxBytes int) (string, bool, error) {
	token, found, err := oneValue(cookies(c.Request, name), "cookie", name)
	if !found {
		return "", false, err
	}
	if err := checkToken(token, maxBytes, ""); err != nil {
		return "", false, err
	}
	return token, true, nil
}

// SetCookie sends token in the scheme's cookie for maxAge, rounded up to
// whole seconds: Secure, HttpOnly, SameSite=Strict, Path=/. A maxAge of 0
// makes a session cookie, which the browser keeps until it closes; a
// negative one deletes the cookie, as [BearerCookie.ClearCookie] does. It
// refuses a token the cookie could not carry back.
func (s BearerCookie) SetCookie(c *gin.Context, token string, maxAge time.Duration) error {
	if maxAge < 0 {
		s.ClearCookie(c)
		return nil
	}
	// Browsers drop cookies over 4096 bytes, and net/http would drop the
	// characters a cookie cannot hold: either way the token would not come back.
	if !isB64Token(token) || len(s.name())+len(token) > 4000 {
		return errors.New("ginauth: SetCookie: the token is not a bearer token a cookie can hold (b64token, under 4000 bytes)")
	}
	secs := int(maxAge / time.Second)
	if maxAge%time.Second != 0 {
		secs++ // 500ms must not become 0: a session cookie, which lives longer
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: s.name(), Value: token, Path: "/", MaxAge: secs,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	return nil
}

// ClearCookie asks the browser to forget the scheme's cookie (a logout).
func (s BearerCookie) ClearCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: s.name(), Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}
