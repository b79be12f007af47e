// Package tutorial007 is FastAPI's security tutorial 007 with gindepends:
// HTTP Basic, checked in constant time.
package tutorial007

import (
	"crypto/subtle"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

var security = ginauth.HTTPBasic{}.Dep()

var currentUsername = di.Func1("currentUsername", security, func(_ *gin.Context, credentials *ginauth.HTTPBasicCredentials) (string, error) {
	isCorrectUsername := subtle.ConstantTimeCompare([]byte(credentials.Username), []byte("stanleyjobson"))
	isCorrectPassword := subtle.ConstantTimeCompare([]byte(credentials.Password), []byte("swordfish"))
	if isCorrectUsername&isCorrectPassword != 1 {
		return "", di.Error(http.StatusUnauthorized, "Incorrect username or password").WithHeader("WWW-Authenticate", "Basic")
	}
	return credentials.Username, nil
})

func App() *gin.Engine {
	app := gin.New()
	di.NewRouter(app).GET("/users/me", di.JSON1(currentUsername, func(_ *gin.Context, username string) (gin.H, error) {
		return gin.H{"username": username}, nil
	}))
	return app
}
