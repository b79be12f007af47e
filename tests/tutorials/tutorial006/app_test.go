package tutorial006_test

import (
	"encoding/base64"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/tests/tutorials/internal/check"
	"github.com/gindepends/gindepends/tests/tutorials/tutorial006"
)

func basic(user, password string) []string {
	return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}
}

// FastAPI's tests of the tutorial (test_tutorial006.py). The challenge says
// charset="UTF-8" (RFC 7617), where FastAPI's says "Basic".
func TestTutorial006(t *testing.T) {
	gin.SetMode(gin.TestMode)
	notAuthenticated := check.Want(401, `Basic charset="UTF-8"`, `{"detail":"Not authenticated"}`)
	check.Run(t, tutorial006.App(), []check.Case{
		check.C("basic", check.Get("/users/me", basic("john", "secret")...), check.Want(200, "", `{"password":"secret","username":"john"}`)),
		check.C("no credentials", check.Get("/users/me"), notAuthenticated),
		check.C("invalid credentials", check.Get("/users/me", "Authorization", "Basic notabase64token"), notAuthenticated),
		check.C("not basic", check.Get("/users/me", "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("johnsecret"))), notAuthenticated),
	})
}
