package ginauth

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// DecodeBasic decodes the credentials of an HTTP Basic header (what follows
// "Basic "), as RFC 7617 defines them: canonical, padded base64 of
// user-id ":" password, in UTF-8, split at the first colon. It refuses
// what Python's lenient decoder lets through (characters outside the
// alphabet, missing padding, trailing bits), control characters, and an
// empty user name.
func DecodeBasic(param string) (user, password string, ok bool) {
	if strings.ContainsAny(param, "\r\n") { // Go's decoder skips them, even in strict mode
		return "", "", false
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(param)
	if err != nil || len(raw) == 0 || !utf8.Valid(raw) {
		return "", "", false
	}
	s := string(raw)
	if strings.ContainsFunc(s, isControl) {
		return "", "", false
	}
	user, password, found := strings.Cut(s, ":")
	if !found || user == "" {
		return "", "", false
	}
	return user, password, true
}

// isControl reports whether r is a control character: C0, DEL or C1.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 }
