// Package jose_test cross-checks ginauth's JWT validator against a second
// JOSE stack, github.com/lestrrat-go/jwx/v3: tokens and JWK Sets that jwx
// writes are read by ginauth, and ginauth's verdicts are compared with
// jwx's own.
package jose_test

import (
	"io"
	"log/slog"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// A remote JWK Set logs the keys it leaves out; the tests check them.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	goleak.VerifyTestMain(m)
}
