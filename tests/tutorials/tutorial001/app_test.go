package tutorial001_test

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/tests/tutorials/internal/check"
	"github.com/gindepends/gindepends/tests/tutorials/tutorial001"
)

// FastAPI's tests of the tutorial (tests/test_tutorial/test_security/test_tutorial001.py).
func TestTutorial001(t *testing.T) {
	gin.SetMode(gin.TestMode)
	check.Run(t, tutorial001.App(), []check.Case{
		check.C("no token", check.Get("/items/"), check.Want(401, "Bearer", `{"detail":"Not authenticated"}`)),
		check.C("token", check.Get("/items/", check.Bearer("testtoken")...), check.Want(200, "", `{"token":"testtoken"}`)),
		check.C("incorrect token", check.Get("/items/", "Authorization", "Notexistent testtoken"), check.Want(401, "Bearer", `{"detail":"Not authenticated"}`)),
	})
}
