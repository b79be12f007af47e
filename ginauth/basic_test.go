package ginauth_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/gindepends/gindepends/ginauth"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestDecodeBasic(t *testing.T) {
	for _, tc := range []struct {
		name, param    string
		user, password string
		ok             bool
	}{
		{"user and password", b64("john:secret"), "john", "secret", true},
		{"RFC 7617's example", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame", true},
		{"empty password", b64("john:"), "john", "", true},
		{"split at the first colon", b64("u:p:a:b"), "u", "p:a:b", true},
		{"password of colons", b64("u:::"), "u", "::", true},
		{"UTF-8 user (RFC 7617 §2.1)", b64("jörg:pässwörd"), "jörg", "pässwörd", true},
		{"UTF-8 test vector of RFC 7617", "dGVzdDoxMjPCow==", "test", "123£", true},
		{"emoji", b64("😀:🔑"), "😀", "🔑", true},
		{"spaces are kept", b64(" a b : c "), " a b ", " c ", true},
		{"one padding character", b64("ab:cd"), "ab", "cd", true},
		{"two padding characters", b64("a:cd"), "a", "cd", true},
		{"no padding needed", b64("abc:de"), "abc", "de", true},
		{"non-breaking space is not a control character", b64("a\u00a0:b"), "a\u00a0", "b", true},
		{"a long password", b64("u:" + strings.Repeat("p", 4096)), "u", strings.Repeat("p", 4096), true},

		{"empty", "", "", "", false},
		{"empty user", b64(":pass"), "", "", false},
		{"only a colon", b64(":"), "", "", false},
		{"no colon", b64("johnsecret"), "", "", false},
		{"not base64", "notabase64token!", "", "", false},
		{"unpadded", strings.TrimRight(b64("a:cd"), "="), "", "", false},
		{"one padding character missing", strings.TrimSuffix(b64("a:cd"), "="), "", "", false},
		{"padding too much", b64("ab:cd") + "=", "", "", false},
		{"padding where none is due", b64("abc:de") + "==", "", "", false},
		{"canonical trailing bits", "YTo=", "a", "", true},         // "a:"
		{"non-canonical trailing bits", "YTp=", "", "", false},     // "a:" with a bit set
		{"non-canonical trailing bits", "dTpwYR==", "", "", false}, // "u:pa" with a bit set
		{"trailing data after padding", b64("a:cd") + b64("x:y"), "", "", false},
		{"trailing garbage", b64("a:bc") + "!", "", "", false},
		{"trailing space", b64("a:bc") + " ", "", "", false},
		{"leading space", " " + b64("a:bc"), "", "", false},
		{"inner space", b64("ab")[:2] + " " + b64("ab")[2:], "", "", false},
		{"URL-safe alphabet", base64.URLEncoding.EncodeToString([]byte("a:\xfb\xff")), "", "", false},
		{"CR inside", b64("abc:def")[:4] + "\r" + b64("abc:def")[4:], "", "", false},
		{"LF inside", b64("abc:def")[:4] + "\n" + b64("abc:def")[4:], "", "", false},
		{"CRLF at the end", b64("abc:def") + "\r\n", "", "", false},
		{"NUL in the user", b64("a\x00b:c"), "", "", false},
		{"NUL in the password", b64("a:b\x00"), "", "", false},
		{"tab in the password", b64("a:b\tc"), "", "", false},
		{"CRLF in the password", b64("a:b\r\nX-Injected: 1"), "", "", false},
		{"DEL", b64("a\x7f:b"), "", "", false},
		{"C1 control", b64("a\u0085:b"), "", "", false},
		{"invalid UTF-8", b64("a\xff:b"), "", "", false},
		{"Latin-1 encoded", b64("j\xf6rg:p"), "", "", false},
		{"truncated UTF-8", b64("a:\xc3"), "", "", false},
		{"a surrogate in UTF-8", b64("a:\xed\xa0\x80"), "", "", false},
		{"the scheme word too", "Basic " + b64("a:b"), "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user, password, ok := ginauth.DecodeBasic(tc.param)
			if user != tc.user || password != tc.password || ok != tc.ok {
				t.Errorf("DecodeBasic(%q) = %q, %q, %v; want %q, %q, %v", tc.param, user, password, ok, tc.user, tc.password, tc.ok)
			}
		})
	}
}
