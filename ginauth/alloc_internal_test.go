//go:build !race

// Allocation counts mean nothing under the race detector: these tests run
// in make test's second pass, as alloc_test.go's.

package ginauth

import (
	"encoding/base64"
	"testing"
)

// The validator's own pass over a token, besides golang-jwt's, decodes the
// header and payload on the stack: it allocates nothing for a usual token.
func TestCheckPayloadAllocatesNothing(t *testing.T) {
	raw := "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0." + base64.RawURLEncoding.EncodeToString(payload) + ".sig"
	if n := testing.AllocsPerRun(100, func() {
		if _, err := checkPayload(raw, ""); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("checkPayload allocates %v times per token, want 0", n)
	}
	// With a scope claim of its own, the claim's value is copied off the
	// stack: one allocation.
	if n := testing.AllocsPerRun(100, func() {
		if _, err := checkPayload(raw, "scope"); err != nil {
			t.Fatal(err)
		}
	}); n != 1 {
		t.Errorf("checkPayload with ScopeClaim allocates %v times per token, want 1", n)
	}
}
