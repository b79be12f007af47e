// Command example is the README's first example, compiled: FastAPI's
// OAuth2 scopes tutorial in the shape of its Python, against a real
// identity provider.
package main

import (
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger"
)

type User struct {
	Username string `json:"username"`
	Disabled bool   `json:"disabled"`
}

type Item struct {
	ItemID string `json:"item_id"`
	Owner  string `json:"owner"`
}

type userStore map[string]*User

func (s userStore) Find(_ *gin.Context, name string) (*User, error) {
	if u, ok := s[name]; ok {
		return u, nil
	}
	return nil, ginauth.InvalidToken("unknown user")
}

var users = userStore{"johndoe": {Username: "johndoe"}}

// README: begin
var oauth2Scheme = ginauth.OAuth2PasswordBearer{
	TokenURL: "token",
	Scopes:   map[string]string{"me": "Read information about the current user.", "items": "Read items."},
}.Dep()

var tokens = di.Provided[ginauth.TokenValidator]("tokens") // made in main

var currentUser = di.Func1("currentUser", ginauth.Bearer(oauth2Scheme, tokens), func(c *gin.Context, t *ginauth.Token) (*User, error) {
	return users.Find(c, t.Subject)
})

func main() {
	v := ginauth.MustJWT(ginauth.JWTConfig{Keys: ginauth.Discover("https://auth.example.com"), Audience: "https://api.example.com"})
	defer v.Close()
	engine := gin.Default()
	api := di.NewRouter(engine, di.Provide(tokens, v))
	api.GET("/users/me/", di.JSON1(di.Security(currentUser, "me"), readUsersMe))
	api.GET("/users/me/items/", di.JSON1(di.Security(currentUser, "items", "me"), readOwnItems))
	swagger.Mount(engine, api) // /openapi.json and /docs, from the declarations above
	engine.Run(":8080")
}

func readUsersMe(c *gin.Context, u *User) (*User, error) { return u, nil }

func readOwnItems(c *gin.Context, u *User) ([]Item, error) {
	return []Item{{ItemID: "Foo", Owner: u.Username}}, nil
}

// README: end
