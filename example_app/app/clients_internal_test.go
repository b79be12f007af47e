package app

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/gindepends/gindepends/ginauth"
)

// With several confidential clients, a secret authenticates only the client
// it belongs to: one client must not get tokens in another's name.
func TestClientSecretsBelongToTheirClient(t *testing.T) {
	s := NewStore()
	digest := func(secret string) string {
		sum := sha256.Sum256([]byte(secret))
		return hex.EncodeToString(sum[:])
	}
	secrets, err := ginauth.APIKeysFromDigests(map[string]string{
		"example-service": serviceSecretDigest,
		"other-service":   digest("other-secret"),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.clients["other-service"] = confidential
	s.clientSecrets = secrets

	for _, tc := range []struct{ id, secret, want string }{
		{"example-service", "example-service-secret", "example-service"},
		{"other-service", "other-secret", "other-service"},
		{"example-service", "other-secret", ""},
		{"other-service", "example-service-secret", ""},
	} {
		got, err := s.client(tc.id, tc.secret)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("client(%q, %q) = %q, %v; want %q", tc.id, tc.secret, got, err, tc.want)
		}
		if err != nil && err != errInvalidClient {
			t.Errorf("client(%q, %q): %v, want Invalid client", tc.id, tc.secret, err)
		}
	}
}
