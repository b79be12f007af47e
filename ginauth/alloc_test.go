//go:build !race

// Allocation counts mean nothing under the race detector (sync.Pool drops
// items at random there): these tests run in make test's second pass.

package ginauth_test

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// A request without a credential, where authentication is optional, costs
// what the same route costs with no security at all: the missing-credential
// answer is made once, not per request.
func TestOptionalWithoutATokenAllocatesNothingMore(t *testing.T) {
	token := ginauth.Bearer(readScheme.Dep(), testTokens)
	e := gin.New()
	api := di.NewRouter(e, di.Provide(testTokens, validator(t)))
	api.GET("/bare", di.JSON(func(*gin.Context) (string, error) { return "anonymous", nil }))
	api.GET("/optional", di.JSON1(di.Optional(token), func(_ *gin.Context, t *ginauth.Token) (string, error) { return "anonymous", nil }))
	allocs := func(target string) float64 {
		req := httptest.NewRequest("GET", target, nil)
		return testing.AllocsPerRun(200, func() { e.ServeHTTP(httptest.NewRecorder(), req) })
	}
	check(t, do(e, request{target: "/optional"}), answer{200, "", `"anonymous"`})
	if bare, optional := allocs("/bare"), allocs("/optional"); optional > bare {
		t.Errorf("an anonymous request allocates %v times under Optional, %v with no security", optional, bare)
	}
}
