// Package tutorial002 is FastAPI's security tutorial 002 with gindepends:
// the current user, from a token decoded (for show) by a dependency.
package tutorial002

import (
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

var oauth2Scheme = ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep()

type User struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Disabled *bool  `json:"disabled"`
}

func fakeDecodeToken(token string) *User {
	return &User{Username: token + "fakedecoded", Email: "john@example.com", FullName: "John Doe"}
}

var currentUser = di.Func1("currentUser", oauth2Scheme, func(_ *gin.Context, token string) (*User, error) {
	return fakeDecodeToken(token), nil
})

func App() *gin.Engine {
	app := gin.New()
	di.NewRouter(app).GET("/users/me", di.JSON1(currentUser, func(_ *gin.Context, u *User) (*User, error) { return u, nil }))
	return app
}
