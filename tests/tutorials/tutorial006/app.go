// Package tutorial006 is FastAPI's security tutorial 006 with gindepends:
// HTTP Basic credentials, as sent.
package tutorial006

import (
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

var security = ginauth.HTTPBasic{}.Dep()

func App() *gin.Engine {
	app := gin.New()
	di.NewRouter(app).GET("/users/me", di.JSON1(security, func(_ *gin.Context, credentials *ginauth.HTTPBasicCredentials) (gin.H, error) {
		return gin.H{"username": credentials.Username, "password": credentials.Password}, nil
	}))
	return app
}
