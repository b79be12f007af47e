package tutorial007_test

import (
	"encoding/base64"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/tests/tutorials/internal/check"
	"github.com/gindepends/gindepends/tests/tutorials/tutorial007"
)

func basic(user, password string) []string {
	return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}
}

// FastAPI's tests of the tutorial (test_tutorial007.py).
func TestTutorial007(t *testing.T) {
	gin.SetMode(gin.TestMode)
	notAuthenticated := check.Want(401, `Basic charset="UTF-8"`, `{"detail":"Not authenticated"}`)
	incorrect := check.Want(401, "Basic", `{"detail":"Incorrect username or password"}`)
	check.Run(t, tutorial007.App(), []check.Case{
		check.C("basic", check.Get("/users/me", basic("stanleyjobson", "swordfish")...), check.Want(200, "", `{"username":"stanleyjobson"}`)),
		check.C("no credentials", check.Get("/users/me"), notAuthenticated),
		check.C("invalid credentials", check.Get("/users/me", "Authorization", "Basic notabase64token"), notAuthenticated),
		check.C("not basic", check.Get("/users/me", "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("johnsecret"))), notAuthenticated),
		check.C("invalid username", check.Get("/users/me", basic("alice", "swordfish")...), incorrect),
		check.C("invalid password", check.Get("/users/me", basic("stanleyjobson", "wrongpassword")...), incorrect),
	})
}
