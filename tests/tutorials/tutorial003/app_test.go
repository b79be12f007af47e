package tutorial003_test

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/tests/tutorials/internal/check"
	"github.com/gindepends/gindepends/tests/tutorials/tutorial003"
)

// FastAPI's tests of the tutorial (test_tutorial003.py).
func TestTutorial003(t *testing.T) {
	gin.SetMode(gin.TestMode)
	notAuthenticated := check.Want(401, "Bearer", `{"detail":"Not authenticated"}`)
	incorrect := check.Want(400, "", `{"detail":"Incorrect username or password"}`)
	check.Run(t, tutorial003.App(), []check.Case{
		check.C("login", check.Post("/token", "username=johndoe&password=secret"), check.Want(200, "", `{"access_token":"johndoe","token_type":"bearer"}`)),
		check.C("login, incorrect password", check.Post("/token", "username=johndoe&password=incorrect"), incorrect),
		check.C("login, incorrect username", check.Post("/token", "username=foo&password=secret"), incorrect),
		check.C("no token", check.Get("/users/me"), notAuthenticated),
		check.C("token", check.Get("/users/me", check.Bearer("johndoe")...), check.Want(200, "",
			`{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false,"hashed_password":"fakehashedsecret"}`)),
		check.C("incorrect token", check.Get("/users/me", check.Bearer("nonexistent")...), notAuthenticated),
		check.C("incorrect token type", check.Get("/users/me", "Authorization", "Notexistent testtoken"), notAuthenticated),
		check.C("inactive user", check.Get("/users/me", check.Bearer("alice")...), check.Want(400, "", `{"detail":"Inactive user"}`)),
	})
}
