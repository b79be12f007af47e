package tutorial002_test

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/tests/tutorials/internal/check"
	"github.com/gindepends/gindepends/tests/tutorials/tutorial002"
)

// FastAPI's tests of the tutorial (test_tutorial002.py).
func TestTutorial002(t *testing.T) {
	gin.SetMode(gin.TestMode)
	check.Run(t, tutorial002.App(), []check.Case{
		check.C("no token", check.Get("/users/me"), check.Want(401, "Bearer", `{"detail":"Not authenticated"}`)),
		check.C("token", check.Get("/users/me", check.Bearer("testtoken")...),
			check.Want(200, "", `{"username":"testtokenfakedecoded","email":"john@example.com","full_name":"John Doe","disabled":null}`)),
	})
}
