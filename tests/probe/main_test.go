// Package probe_test runs swaggertest.Probe against the example API, as a
// client sees it: its served document and its token endpoint, nothing else.
package probe_test

import (
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}
