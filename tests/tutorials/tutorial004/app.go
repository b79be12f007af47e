// Package tutorial004 is FastAPI's security tutorial 004 with gindepends:
// hashed passwords, and JWT access tokens that the library signs and
// validates.
package tutorial004

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// to get a string like this run: openssl rand -hex 32
var secretKey = []byte("09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7")

const accessTokenExpire = 30 * time.Minute

type User struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Disabled bool   `json:"disabled"`
}

type UserInDB struct {
	User
	HashedPassword string
}

var fakeUsersDB = map[string]UserInDB{
	"johndoe": {User{"johndoe", "johndoe@example.com", "John Doe", false}, "$2a$10$Ps5QVjAEplmoEIpjUn2Ub.wytOvbCbUv6RFNpeeoPEVMVjpTw673W"},
}

const dummyHash = "$2a$10$5GKqM7Jj8rDZQ7wHtpTjs.PN666r6Vwg5Iuz4WxmhWjZKkpw7F70y"

var oauth2Scheme = ginauth.OAuth2PasswordBearer{TokenURL: "token"}.Dep()

var tokens = di.Provided[ginauth.TokenValidator]("tokens")

func authenticateUser(username, password string) (*UserInDB, bool) {
	user, ok := fakeUsersDB[username]
	if !ok {
		bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password)) // as long as for a known user
		return nil, false
	}
	return &user, bcrypt.CompareHashAndPassword([]byte(user.HashedPassword), []byte(password)) == nil
}

var currentUser = di.Func1("currentUser", ginauth.Bearer(oauth2Scheme, tokens), func(_ *gin.Context, token *ginauth.Token) (*UserInDB, error) {
	user, ok := fakeUsersDB[token.Subject]
	if !ok {
		return nil, ginauth.InvalidToken("Unknown user")
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
	issuer, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: "tutorial", Audience: "tutorial", Key: secretKey, Algorithm: "HS256", Lifetime: accessTokenExpire})
	app := gin.New()
	api := di.NewRouter(app, di.Provide(tokens, ginauth.MustJWT(ginauth.JWTConfig{Issuer: "tutorial", Audience: "tutorial", Keys: issuer.Keys()})))
	api.POST("/token", di.JSON1(ginauth.PasswordRequestForm, func(_ *gin.Context, form *ginauth.OAuth2PasswordRequestForm) (ginauth.AccessToken, error) {
		user, ok := authenticateUser(form.Username, form.Password)
		if !ok {
			return ginauth.AccessToken{}, di.Error(http.StatusUnauthorized, "Incorrect username or password").WithHeader("WWW-Authenticate", "Bearer")
		}
		return issuer.Issue(user.Username, "tutorial", nil)
	}))
	api.GET("/users/me/", di.JSON1(currentActiveUser, func(_ *gin.Context, user *UserInDB) (User, error) { return user.User, nil }))
	api.GET("/users/me/items/", di.JSON1(currentActiveUser, func(_ *gin.Context, user *UserInDB) ([]gin.H, error) {
		return []gin.H{{"item_id": "Foo", "owner": user.Username}}, nil
	}))
	return app
}
