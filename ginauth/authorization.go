package ginauth

import (
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// DefaultMaxTokenBytes caps the size of a bearer token: larger ones are
// refused before any decoding (net/http accepts up to 1 MiB of headers, and
// JWT parsers have had denial-of-service bugs on huge inputs).
const DefaultMaxTokenBytes = 8 << 10

// authorization returns the request's Authorization header. More than one
// is an invalid request: net/http's Header.Get would quietly take the first,
// and a proxy might have taken the other.
func authorization(c *gin.Context, scheme, realm string) (value string, err error) {
	vs := c.Request.Header["Authorization"]
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", invalidRequest(scheme, realm, "Only one Authorization header is allowed")
}

// splitAuthorization splits a header value into its scheme and its
// credentials as FastAPI does: at the first space, credentials trimmed of
// HTTP's optional white space (spaces and tabs; a CR or LF is no white space
// here, but a character the charset checks refuse). "Bearer\ttok" has no
// space, so its scheme is all of it.
func splitAuthorization(v string) (scheme, credentials string) {
	scheme, credentials, _ = strings.Cut(v, " ")
	return scheme, strings.Trim(credentials, " \t")
}

// isB64Token reports whether s is an RFC 6750 b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// It refuses white space, commas, quotes, CR/LF and anything not ASCII.
func isB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		ch := s[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' ||
			ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '+' || ch == '/' {
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// bearerToken reads "Authorization: Bearer <token>", as every bearer scheme
// here does. No header, another scheme, or "Bearer" with no token: not
// found. A token outside the b64token charset or over maxBytes: invalid.
// A token also offered as access_token in the URL: an invalid request
// (RFC 6750 §2.3 URLs leak into logs; here they are never read).
func bearerToken(c *gin.Context, maxBytes int, realm string) (string, bool, error) {
	if q := c.Request.URL.RawQuery; (strings.Contains(q, "access_token") || strings.Contains(q, "%")) && c.Request.URL.Query().Has("access_token") {
		return "", false, invalidRequest("Bearer", realm, "Access tokens in the URL are refused; send them in the Authorization header")
	}
	v, err := authorization(c, "Bearer", realm)
	if err != nil || v == "" {
		return "", false, err
	}
	scheme, token := splitAuthorization(v)
	if !strings.EqualFold(scheme, "bearer") || token == "" {
		return "", false, nil
	}
	if tokenInForm(c.Request) {
		return "", false, invalidRequest("Bearer", realm, "Send the access token once, in the Authorization header only")
	}
	if err := checkToken(token, maxBytes, realm); err != nil {
		return "", false, err
	}
	return token, true, nil
}

// tokenInForm reports an access_token in a form body (RFC 6750 §2.2), which
// must not come with a header too (§2). The form stays readable afterwards.
func tokenInForm(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Body == nil {
		return false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return false
	}
	return r.ParseForm() == nil && r.PostForm.Has("access_token")
}

// bearerReader reads a bearer token as the OAuth2 bearer schemes do.
func bearerReader(maxBytes int, realm string) func(*gin.Context) (string, bool, error) {
	return func(c *gin.Context) (string, bool, error) { return bearerToken(c, maxBytes, realm) }
}

func checkToken(token string, maxBytes int, realm string) error {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxTokenBytes
	}
	if len(token) > maxBytes {
		return invalidToken(realm, "The access token is too long")
	}
	if !isB64Token(token) {
		return invalidToken(realm, "The access token is malformed")
	}
	return nil
}

// titleCase is Python's str.title(), which FastAPI applies to HTTPBase's
// scheme for its challenge: "my-scheme" becomes "My-Scheme".
func titleCase(s string) string {
	b := []byte(strings.ToLower(s))
	prevLetter := false
	for i, ch := range b {
		letter := 'a' <= ch && ch <= 'z'
		if letter && !prevLetter {
			b[i] = ch - 'a' + 'A'
		}
		prevLetter = letter || 'A' <= ch && ch <= 'Z'
	}
	return string(b)
}

// isToken reports whether s is an RFC 9110 token, as a scheme name must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch <= ' ' || ch >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", ch) >= 0 {
			return false
		}
	}
	return true
}
