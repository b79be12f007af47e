// Package clients_test drives the example with golang.org/x/oauth2, the
// OAuth2 client most Go programs use: every grant the authorization server
// offers, then the API with each token.
package clients_test

import (
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}
