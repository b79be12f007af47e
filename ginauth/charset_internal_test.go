package ginauth

import (
	"strings"
	"testing"
)

// The references below are exported to the package's external tests (the
// fuzzers) too.
var (
	B64TokenRef   = b64TokenRef
	CompactJWSRef = isCompactJWSRef
)

// b64TokenRef is RFC 6750's b64token written out again, a byte at a time,
// so as not to trust the table and the unrolled scan under test.
func b64TokenRef(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("-._~+/", ch) >= 0) {
			return false
		}
	}
	return true
}

// everyByteEveryPlace puts each of the 256 byte values at each place of
// each base, and wants f to answer as ref: a bad byte must be seen
// whichever lane of an eight-byte scan, or the tail, it falls in.
func everyByteEveryPlace(t *testing.T, name string, f, ref func(string) bool, bases []string) {
	t.Helper()
	for _, base := range bases {
		for at := range len(base) {
			for v := range 256 {
				b := []byte(base)
				b[at] = byte(v)
				if s := string(b); f(s) != ref(s) {
					t.Fatalf("%s(%q) = %v, want %v", name, s, f(s), ref(s))
				}
			}
		}
	}
}

// TestIsB64TokenEveryByteEveryPlace: tokens of 1 to 24 bytes, padded or
// not, and a few edge cases.
func TestIsB64TokenEveryByteEveryPlace(t *testing.T) {
	bases := []string{"", "=", "========", "abcdefgh=", "abcdefgh=a", "abcdefg=h", "abcdefghijklmnop=======", "=abcdefgh"}
	for n := 1; n <= 24; n++ {
		for _, pad := range []string{"", "=", "=="} {
			bases = append(bases, strings.Repeat("aZ0-._~+/", 3)[:n]+pad)
		}
	}
	everyByteEveryPlace(t, "isB64Token", isB64Token, b64TokenRef, bases)
	for _, s := range bases { // as they are, too
		if isB64Token(s) != b64TokenRef(s) {
			t.Errorf("isB64Token(%q) = %v, want %v", s, isB64Token(s), b64TokenRef(s))
		}
	}
}

func BenchmarkIsB64Token(b *testing.B) {
	tok := strings.Repeat("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 8) // about an HS256 token's size
	for b.Loop() {
		if !isB64Token(tok) {
			b.Fatal("refused")
		}
	}
}

// isCompactJWSRef is a JWS in compact form written out again: three
// segments of base64url characters.
func isCompactJWSRef(s string) bool {
	segs := strings.Split(s, ".")
	if len(segs) != 3 {
		return false
	}
	for _, seg := range segs {
		for i := 0; i < len(seg); i++ {
			ch := seg[i]
			if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || ch == '-' || ch == '_') {
				return false
			}
		}
	}
	return true
}

// TestIsCompactJWSEveryByteEveryPlace: compact tokens of 3 to 26 bytes,
// and a few edge cases.
func TestIsCompactJWSEveryByteEveryPlace(t *testing.T) {
	bases := []string{"", "..", "...", "a.b", "a.b.c.d", "abcdefgh.ijklmnop.qrstuvwx", "abcdefgh.ijklmnop.qrstuvw=", "abcdefgh.ijklmnopqrstuvwx"}
	for n := 3; n <= 26; n++ {
		b := []byte(strings.Repeat("aZ0-_", 6)[:n])
		b[n/3], b[2*n/3] = '.', '.'
		bases = append(bases, string(b))
	}
	everyByteEveryPlace(t, "isCompactJWS", isCompactJWS, isCompactJWSRef, bases)
	for _, s := range bases {
		if isCompactJWS(s) != isCompactJWSRef(s) {
			t.Errorf("isCompactJWS(%q) = %v, want %v", s, isCompactJWS(s), isCompactJWSRef(s))
		}
	}
}
