package ginauth

import (
	"net/http"
	"strings"

	"github.com/gindepends/gindepends/di"
)

// challenge builds a WWW-Authenticate value: the scheme, then its
// parameters as quoted strings, each sanitised to the characters RFC 6750 §3
// allows in them (%x20-21 / %x23-5B / %x5D-7E), so that nothing a client
// sent can break the header or forge a parameter. Empty values are left out.
func challenge(scheme string, params ...string) string {
	var b strings.Builder
	b.WriteString(scheme)
	sep := " "
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] == "" {
			continue
		}
		b.WriteString(sep)
		b.WriteString(params[i])
		b.WriteString(`="`)
		b.WriteString(sanitize(params[i+1]))
		b.WriteString(`"`)
		sep = ", "
	}
	return b.String()
}

// sanitize keeps the characters allowed in an RFC 6750 parameter and
// drops the rest, with a cap on the length.
func sanitize(s string) string {
	const maxLen = 200
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < maxLen; i++ {
		ch := s[i]
		if ch >= 0x20 && ch <= 0x7E && ch != '"' && ch != '\\' {
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// InvalidToken is the answer for a bearer token that is present but not
// valid (RFC 6750 §3.1): 401 {"detail":"Could not validate credentials"},
// with error="invalid_token" and a short description in the challenge.
func InvalidToken(description string) *di.HTTPError {
	return invalidToken("", description)
}

func invalidToken(realm, description string) *di.HTTPError {
	return di.Error(http.StatusUnauthorized, "Could not validate credentials").WithHeader("WWW-Authenticate",
		challenge("Bearer", "realm", realm, "error", "invalid_token", "error_description", description))
}

// invalidRequest is the answer for a request that carries its credentials
// in a way that is not allowed (RFC 6750 §3.1): 400, the reason in the body
// and, for bearer schemes, in the challenge.
func invalidRequest(scheme, realm, description string) *di.HTTPError {
	e := di.Error(http.StatusBadRequest, description)
	if scheme == "Bearer" {
		e = e.WithHeader("WWW-Authenticate", challenge("Bearer", "realm", realm, "error", "invalid_request", "error_description", description))
	}
	return e
}
