package ginauth

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// TestRegisteredClaim holds registeredClaim's switch to registeredClaims:
// every name, in any ASCII case, finds its own index, and encoding/json's
// Unicode foldings (the Kelvin sign, the long s) find theirs too.
func TestRegisteredClaim(t *testing.T) {
	for n, name := range registeredClaims {
		for _, key := range []string{string(name), strings.ToUpper(string(name)), strings.ToUpper(string(name[:1])) + string(name[1:])} {
			if got, ok := registeredClaim([]byte(key)); !ok || got != n {
				t.Errorf("registeredClaim(%q) = %d, %v; want %d", key, got, ok, n)
			}
		}
	}
	for key, want := range map[string]string{"\u017fcope": "scope", "jt\u0130": "", "clientid": "", "client_idx": "", "": "", "toKen_use": "token_use", "\u212aid": ""} {
		n, ok := registeredClaim([]byte(key))
		if got := ""; ok {
			got = string(registeredClaims[n])
			if got != want {
				t.Errorf("registeredClaim(%q) = %q, want %q", key, got, want)
			}
		} else if want != "" {
			t.Errorf("registeredClaim(%q) found nothing, want %q", key, want)
		}
	}
	// Only ASCII keys reach the switch: the names must all be ASCII.
	for n, name := range registeredClaims {
		if bytes.ContainsFunc(name, func(r rune) bool { return r >= 0x80 }) {
			t.Errorf("registeredClaims[%d] = %q is not ASCII", n, name)
		}
	}
}

// payload is a usual access token's payload.
var payload = []byte(`{"aud":"https://api.example.com","exp":1764480000,"iat":1764476400,"iss":"https://auth.example.com","scope":"items me","sub":"alice"}`)

func BenchmarkScanClaims(b *testing.B) {
	for b.Loop() {
		if _, err := scanClaims(payload, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckPayload is the validator's own pass over a token, besides
// golang-jwt's: it should allocate nothing.
func BenchmarkCheckPayload(b *testing.B) {
	raw := "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0." + base64.RawURLEncoding.EncodeToString(payload) + ".sig"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := checkPayload(raw, ""); err != nil {
			b.Fatal(err)
		}
	}
}
