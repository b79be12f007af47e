// Package tutorial003 is FastAPI's security tutorial 003 with gindepends:
// a login form, and tokens that are (for show) the user's name.
package tutorial003

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

type User struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Disabled bool   `json:"disabled"`
}

type UserInDB struct {
	User
	HashedPassword string `json:"hashed_password"`
}

var fakeUsersDB = map[string]UserInDB{
	"johndoe": {User{"johndoe", "johndoe@example.com", "John Doe", false}, "fakehashedsecret"},
	"alice":   {User{"alice", "alice@example.com", "Alice Wonderson", true}, "fakehashedsecret2"},
}

func fakeHashPassword(password string) string { return "fakehashed" + password }

var oauth2Scheme = ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep()

// fakeDecodeToken provides no security at all: see the next tutorial.
var currentUser = di.Func1("currentUser", oauth2Scheme, func(_ *gin.Context, token string) (*UserInDB, error) {
	user, ok := fakeUsersDB[token]
	if !ok {
		return nil, ginauth.NotAuthenticated("Bearer")
	}
	return &user, nil
})

var currentActiveUser = di.Func1("currentActiveUser", currentUser, func(_ *gin.Context, user *UserInDB) (*UserInDB, error) {
	if user.Disabled {
		return nil, di.Error(http.StatusBadRequest, "Inactive user")
	}
	return user, nil
})

func App() *gin.Engine {
	app := gin.New()
	api := di.NewRouter(app)
	api.POST("/token", di.JSON1(ginauth.PasswordRequestForm, func(_ *gin.Context, form *ginauth.OAuth2PasswordRequestForm) (gin.H, error) {
		user, ok := fakeUsersDB[form.Username]
		if !ok || fakeHashPassword(form.Password) != user.HashedPassword {
			return nil, di.Error(http.StatusBadRequest, "Incorrect username or password")
		}
		return gin.H{"access_token": user.Username, "token_type": "bearer"}, nil
	}))
	api.GET("/users/me", di.JSON1(currentActiveUser, func(_ *gin.Context, user *UserInDB) (*UserInDB, error) { return user, nil }))
	return app
}
