// Package snippets holds the README's smaller Go blocks, compiled with
// what they need around them.
package snippets

import (
	"database/sql"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/ginauth/authtest"
)

type User struct{ Username string }

type Item struct{ Name string }

var (
	pools       = di.Provided[*sql.DB]("pools")
	tokens      = di.Provided[ginauth.TokenValidator]("tokens")
	scheme      = ginauth.OAuth2PasswordBearer{TokenURL: "token", Scopes: map[string]string{"items": "Items.", "me": "Me."}}.Dep()
	currentUser = di.Func1("currentUser", ginauth.Bearer(scheme, tokens), func(_ *gin.Context, t *ginauth.Token) (*User, error) {
		return &User{Username: t.Subject}, nil
	})
)

func queryItems(*gin.Context, *sql.Tx, *User, int) ([]Item, error) { return nil, nil }
func publicItems(*gin.Context) ([]Item, error)                     { return nil, nil }
func itemsOf(*gin.Context, *User) ([]Item, error)                  { return nil, nil }

// README: the database session and the query.
var db = di.Resource1("db", pools, func(c *gin.Context, pool *sql.DB) (*sql.Tx, di.Cleanup, error) {
	tx, err := pool.BeginTx(c, nil)
	return tx, func(err error) error {
		if err != nil {
			return tx.Rollback()
		}
		return tx.Commit()
	}, err
}).BeforeResponse() // a failed commit answers 500, not the handler's 201

type Page struct {
	Limit int `form:"limit,default=10" binding:"gte=1,lte=100"`
}

var listItems = di.JSON3(currentUser, db, di.Query[Page](), func(c *gin.Context, u *User, tx *sql.Tx, p Page) ([]Item, error) {
	return queryItems(c, tx, u, p.Limit)
})

// README: AnyOf.
var apiKey = ginauth.AnyOf(
	ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(),
	ginauth.APIKeyCookie{Name: "api_key"}.Dep(),
)

// README: providers.
var keycloak = ginauth.JWTConfig{Keys: ginauth.Discover("https://sso.example.com/realms/demo"), Audience: "account"}
var auth0 = ginauth.JWTConfig{Keys: ginauth.Discover("https://tenant.eu.auth0.com/"), Audience: "https://api.example.com"}
var okta = ginauth.JWTConfig{Keys: ginauth.Discover("https://dev-1.okta.com/oauth2/default"), Audience: "api://default"}
var cognito = ginauth.JWTConfig{Keys: ginauth.Discover("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool"), NoAudience: true, Clients: []string{"5k3t9s1q"}}

// README: optional authentication and claims.
var sharedItems = di.JSON1(di.Optional(currentUser), func(c *gin.Context, u *User) ([]Item, error) {
	if u == nil {
		return publicItems(c) // no token: anonymous; a bad token is still a 401
	}
	return itemsOf(c, u)
})

type Claims struct {
	Roles []string `json:"roles"`
}

func roles(t *ginauth.Token) ([]string, error) {
	c, err := ginauth.ClaimsOf[Claims](t)
	return c.Roles, err
}

// README: tests.
func actAsAlice(engine *gin.Engine, req *http.Request) *di.Router {
	fake := authtest.NewValidator()
	api := di.NewRouter(engine, di.Provide(tokens, fake))
	req.Header.Set("Authorization", "Bearer "+fake.Token("alice", "items", "me"))
	return api
}

func overrideTheUser(api *di.Router) {
	di.Override(api, currentUser, di.Func("alice", func(*gin.Context) (*User, error) {
		return &User{Username: "alice"}, nil
	}))
}

var _, _, _, _, _, _, _, _ = listItems, apiKey, keycloak, auth0, okta, cognito, sharedItems, roles
var _, _ = actAsAlice, overrideTheUser
