// Package tutorial001 is FastAPI's security tutorial 001 with gindepends:
// a route that needs a bearer token, and gets it as it was sent.
package tutorial001

import (
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

var oauth2Scheme = ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep()

func App() *gin.Engine {
	app := gin.New()
	di.NewRouter(app).GET("/items/", di.JSON1(oauth2Scheme, func(_ *gin.Context, token string) (gin.H, error) {
		return gin.H{"token": token}, nil
	}))
	return app
}
