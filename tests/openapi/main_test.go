// Package openapi_test holds the example's served OpenAPI document, and the
// swagger package's expected documents, to the validators the ecosystem
// trusts: kin-openapi's validation, made strict, and the linter of Redocly
// CLI with redocly.yaml, pinned in package.json and package-lock.json here
// (npm ci --prefix tests/openapi installs it; CI does).
package openapi_test

import (
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}
