// Package browser_test drives Swagger UI at /docs of the example app in a
// real, headless Chromium: its OAuth2 dialogs, the login page of the
// authorization server, and the calls it sends with the tokens it gets.
package browser_test

import (
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}
