package ginauth

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
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

// b64TokenChars holds 1 for the bytes of RFC 6750's b64token, but the '='
// padding, and 0 for the others.
var b64TokenChars = func() (t [256]uint8) {
	for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/" {
		t[r] = 1
	}
	return t
}()

// isB64Token reports whether s is an RFC 6750 b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// It refuses white space, commas, quotes, CR/LF and anything not ASCII.
func isB64Token(s string) bool {
	// On a cached token this scan is a good part of the request. Eight
	// table loads at a time, ANDed, are independent of one another, where
	// a byte-at-a-time loop waits on each load before the next.
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		if b64TokenChars[b[0]]&b64TokenChars[b[1]]&b64TokenChars[b[2]]&b64TokenChars[b[3]]&
			b64TokenChars[b[4]]&b64TokenChars[b[5]]&b64TokenChars[b[6]]&b64TokenChars[b[7]] == 0 {
			break // the bad byte, or the padding, is in these eight
		}
	}
	for i < len(s) && b64TokenChars[s[i]] == 1 {
		i++
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
	if !equalFoldASCII(scheme, "bearer") || token == "" {
		return "", false, nil
	}
	if err := checkToken(token, maxBytes, realm); err != nil {
		return "", false, err // before the body is touched: a bad token costs no read
	}
	if tokenInForm(c.Request) {
		return "", false, invalidRequest("Bearer", realm, "Send the access token once, in the Authorization header only")
	}
	return token, true, nil
}

// formPeekBytes is how much of a form body tokenInForm reads: a form that
// carries an access token as well as the header is a small one, and the
// check must cost a bounded read, not the whole body.
const formPeekBytes = 4 << 10

// tokenInForm reports an access_token in a form body (RFC 6750 §2.2), which
// must not come with a header too (§2). It reads at most formPeekBytes of
// the body and puts them back, so that later bindings and handlers read the
// body as it came, under their own size limits; an access_token past that
// prefix goes unseen, which is harmless, as tokens are only ever read from
// the header.
func tokenInForm(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return false
	}
	if r.PostForm != nil { // parsed already, by a binding that ran first
		return r.PostForm.Has("access_token")
	}
	size := int64(formPeekBytes)
	if r.ContentLength > 0 {
		size = min(size, r.ContentLength)
	}
	prefix := make([]byte, size)
	n, err := io.ReadFull(r.Body, prefix)
	prefix = prefix[:n]
	complete := err != nil // the body ended (or failed) within the prefix
	rest := io.Reader(r.Body)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		rest = errReader{err} // whoever reads the body next sees the failure too
	}
	r.Body = peekedBody{Reader: io.MultiReader(bytes.NewReader(prefix), rest), Closer: r.Body}
	return formHasKey(prefix, "access_token", complete || int64(n) == r.ContentLength)
}

// formHasKey reports whether the urlencoded form prefix names key, as
// url.ParseQuery would read it. When the prefix is not the whole form, its
// last pair may be cut short, and only counts if its name is complete.
func formHasKey(prefix []byte, key string, whole bool) bool {
	for len(prefix) > 0 {
		var pair []byte
		pair, prefix, _ = bytes.Cut(prefix, []byte("&"))
		name, _, hasValue := bytes.Cut(pair, []byte("="))
		if len(prefix) == 0 && !whole && !hasValue {
			return false
		}
		if string(name) == key {
			return true
		}
		if bytes.ContainsAny(name, "%+") {
			if u, err := url.QueryUnescape(string(name)); err == nil && u == key {
				return true
			}
		}
	}
	return false
}

// peekedBody is a request body with a prefix read and put back.
type peekedBody struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// equalFoldASCII compares authentication scheme names, which are ASCII and
// case-insensitive (RFC 9110 §11.1). strings.EqualFold folds Unicode too,
// and would take "baſic" (a long s) for basic. Claim names are compared
// with it too, as bytes.
func equalFoldASCII[S ~string | ~[]byte](a, b S) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
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
