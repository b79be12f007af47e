// Package app is the example API: FastAPI's security tutorials on Gin,
// written with gindepends. It grows with the library.
package app

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/example_app/docs"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger"
)

// Item is a thing users own.
type Item struct {
	ID    int     `json:"id"`
	Name  string  `json:"name" binding:"required,min=1,max=50"`
	Price float64 `json:"price" binding:"gte=0"`
	Owner string  `json:"owner"`
}

// User is an account of the API, as FastAPI's tutorial shows it: never
// with its password hash.
type User struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Disabled bool   `json:"disabled"`
}

// TutorialItem is an item of FastAPI's scopes tutorial.
type TutorialItem struct {
	ItemID string `json:"item_id"`
	Owner  string `json:"owner"`
}

// Page is the query of a list.
type Page struct {
	Skip  int    `form:"skip,default=0" binding:"gte=0"`
	Limit int    `form:"limit,default=10" binding:"gte=1,lte=100"`
	Q     string `form:"q" binding:"omitempty,min=3"`
}

// ItemPath is the path of one item.
type ItemPath struct {
	ID int `uri:"id" binding:"gte=1"`
}

// The API's dependencies, declared once at package level, as FastAPI's
// tutorials declare theirs: the security schemes, the values main provides
// (the store, the token validator), and what is built on them. Their
// declarations are what the route registry, and so the docs, describe.
var (
	// OAuth2: clients get a token from the authorization server, with the
	// authorization-code flow (a login page, PKCE) or the password flow.
	// The server is found at these URLs, whether it runs in this process
	// or elsewhere; the tokens are checked with its published keys.
	oauth2Scheme = ginauth.OAuth2AuthorizationCodeBearer{
		AuthorizationURL: AuthorizationURL,
		TokenURL:         TokenURL,
		RefreshURL:       TokenURL,
		PasswordFlow:     true,
		Scopes:           Scopes,
	}.Dep()
	// Machine clients send an API key, in a header or a cookie.
	apiKey = ginauth.AnyOf(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), ginauth.APIKeyCookie{Name: "api_key"}.Dep())
	// HTTP Basic, for the tutorial's /basic/me.
	basic = ginauth.HTTPBasic{Realm: realm}.Dep()

	// What main makes, and tests replace: given to the router by Register.
	stores         = di.Provided[*Store]("store")
	tokenValidator = di.Provided[ginauth.TokenValidator]("tokens")

	// The database session: one per request, committed before the response
	// is sent, so that a failed commit answers with its error, not 201;
	// any error of the request rolls it back.
	db = di.Resource1("db", stores, func(_ *gin.Context, store *Store) (*Tx, di.Cleanup, error) {
		tx := &Tx{store: store}
		return tx, func(err error) error {
			if err != nil {
				return nil // roll back: drop the pending writes
			}
			return tx.commit()
		}, nil
	}).BeforeResponse()

	// The user a validated token was issued to (FastAPI's tutorial005):
	// Bearer checks the signature, the claims and every scope required
	// where the token is used, and answers 401/403 as RFC 6750 says.
	token       = ginauth.Bearer(oauth2Scheme, tokenValidator)
	currentUser = di.Func2("currentUser", token, stores, func(_ *gin.Context, t *ginauth.Token, store *Store) (*User, error) {
		u, ok := store.user(t.Subject)
		if !ok {
			return nil, ginauth.InvalidToken("The access token's user is unknown")
		}
		return u, nil
	})
	activeUser = di.Func1("activeUser", di.Security(currentUser, "me"), func(_ *gin.Context, u *User) (*User, error) {
		if u.Disabled {
			return nil, di.Error(http.StatusBadRequest, "Inactive user")
		}
		return u, nil
	})

	// The owner of a valid API key.
	client = di.Func2("client", ginauth.ValueOf(apiKey), stores, func(_ *gin.Context, key string, store *Store) (string, error) {
		owner, ok := store.apiKeys.Owner(key)
		if !ok {
			return "", di.Error(http.StatusUnauthorized, "Invalid API key").WithHeader("WWW-Authenticate", "APIKey")
		}
		return owner, nil
	})

	// The user of HTTP Basic credentials, which the login limits guard.
	basicUser = di.Func2("basicUser", basic, stores, func(c *gin.Context, cred *ginauth.HTTPBasicCredentials, store *Store) (*User, error) {
		u, err := store.authenticate(c.Request.Context(), cred.Username, cred.Password, c.RemoteIP())
		if errors.Is(err, errLogin) {
			return nil, di.Error(http.StatusUnauthorized, "Incorrect username or password").
				WithHeader("WWW-Authenticate", `Basic realm="`+realm+`", charset="UTF-8"`)
		}
		return u, err
	})
)

// Where clients get tokens, as the docs say: the authorization server,
// which the example runs under /oauth on the API's own origin.
const (
	AuthorizationURL = "/oauth/authorize"
	TokenURL         = "/oauth/token"
)

// Scopes are the API's scopes, with what they allow.
var Scopes = map[string]string{"me": "Read information about the current user.", "items": "Read items."}

// Register adds the example API to engine, with the store, and tokens, the
// validator of the authorization server's tokens; it serves the API's docs
// at /docs and /openapi.json. It returns the API's router so that tests
// can override dependencies.
func Register(engine *gin.Engine, store *Store, tokens ginauth.TokenValidator) *di.Router {
	api := di.NewRouter(engine, di.Provide(stores, store), di.Provide(tokenValidator, tokens))
	api.GET("/", di.JSON(root))
	// FastAPI's scopes tutorial, its paths, answers and scopes exactly.
	api.GET("/users/me/", di.JSON1(activeUser, readUsersMe))
	api.GET("/users/me/items/", di.JSON1(di.Security(activeUser, "items"), readOwnItems))
	api.GET("/status/", di.JSON1(currentUser, readSystemStatus))

	// The richer items of a user, in a database session.
	api.GET("/my/items", di.JSON2(di.Security(activeUser, "items"), db, listMyItems))
	api.POST("/my/items", di.JSON3(di.Security(activeUser, "items"), di.Body[Item](), db, createItem), di.Status(http.StatusCreated))
	api.GET("/basic/me", di.JSON1(basicUser, readBasicUser))
	// Authentication optional on one route: no token greets a stranger, a
	// bad one is still a 401.
	api.GET("/greeting", di.JSON1(di.Optional(currentUser), greet))
	api.GET("/ready", di.Handle1(tokenValidator, ready))

	// Machine clients: every route of the group needs a valid API key.
	items := api.Group("/items", client)
	items.GET("", di.JSON2(di.Query[Page](), db, listItems))
	items.GET("/:id", di.JSON2(di.Path[ItemPath](), db, readItem))

	// The docs, built from the declarations above, with the prose of the
	// annotations below (swag init: make docs).
	swagger.Mount(engine, api, swagger.Annotations(docs.SwaggerInfo), swagger.ClientID(PublicClient))
	return api
}

// root points at the docs.
//
// @Summary	Where to start
// @Tags		meta
// @Success	200	{object}	map[string]string
// @Router		/ [get]
func root(*gin.Context) (gin.H, error) {
	return gin.H{"message": "gindepends example", "docs": "/docs"}, nil
}

// readUsersMe is the user the token was issued to.
//
// @Summary	The current user
// @Tags		tutorial
// @Security	OAuth2AuthorizationCodeBearer[me]
// @Success	200	{object}	User	"The user the token was issued to"
// @Router		/users/me/ [get]
func readUsersMe(_ *gin.Context, u *User) (*User, error) { return u, nil }

// readOwnItems lists the current user's items, as FastAPI's tutorial does.
//
// @Summary	The current user's items
// @Tags		tutorial
// @Security	OAuth2AuthorizationCodeBearer[items,me]
// @Success	200	{array}	TutorialItem	"The items the user owns"
// @Router		/users/me/items/ [get]
func readOwnItems(_ *gin.Context, u *User) ([]TutorialItem, error) {
	return []TutorialItem{{ItemID: "Foo", Owner: u.Username}}, nil
}

// readSystemStatus needs a valid token, whatever its scopes.
//
// @Summary	The system's status
// @Tags		tutorial
// @Security	OAuth2AuthorizationCodeBearer
// @Success	200	{object}	map[string]string
// @Router		/status/ [get]
func readSystemStatus(*gin.Context, *User) (gin.H, error) { return gin.H{"status": "ok"}, nil }

// listMyItems lists the current user's items from the database.
//
// @Summary	My items
// @Tags		users
// @Security	OAuth2AuthorizationCodeBearer[items,me]
// @Success	200	{array}	Item	"The items the user owns"
// @Router		/my/items [get]
func listMyItems(_ *gin.Context, u *User, tx *Tx) ([]Item, error) {
	return tx.ownedBy(u.Username), nil
}

// createItem adds an item, owned by the current user.
//
// @Summary	Add an item
// @Tags		users
// @Security	OAuth2AuthorizationCodeBearer[items,me]
// @Param		item	body		Item	true	"The item; its id and owner are set by the API"
// @Success	201		{object}	Item	"The item as stored"
// @Router		/my/items [post]
func createItem(_ *gin.Context, u *User, it Item, tx *Tx) (Item, error) {
	it.Owner = u.Username
	return tx.add(it), nil
}

// readBasicUser is the user of HTTP Basic credentials.
//
// @Summary	The user of HTTP Basic credentials
// @Tags		users
// @Security	HTTPBasic
// @Success	200	{object}	User
// @Router		/basic/me [get]
func readBasicUser(_ *gin.Context, u *User) (*User, error) { return u, nil }

// greet greets the current user, or a stranger when there is no token.
//
// @Summary	A greeting, personal with a token
// @Tags		users
// @Security	OAuth2AuthorizationCodeBearer
// @Success	200	{object}	map[string]string
// @Router		/greeting [get]
func greet(_ *gin.Context, u *User) (gin.H, error) {
	if u == nil {
		return gin.H{"greeting": "Hello, stranger"}, nil
	}
	return gin.H{"greeting": "Hello, " + u.FullName}, nil
}

// ready is readiness, for a load balancer: whether the keys that check
// tokens are usable. Keys known at startup always are; a remote JWK Set is
// not before its first fetch, nor when it has been stale for too long, and
// routes then answer 503 rather than refusing good tokens.
//
// @Summary	Readiness
// @Tags		meta
// @Success	200	{object}	map[string]string
// @Failure	503	{object}	map[string]string	"The keys that verify tokens are unavailable"
// @Router		/ready [get]
func ready(c *gin.Context, tokens ginauth.TokenValidator) {
	if h, ok := tokens.(interface{ Health() ginauth.KeysHealth }); ok && !h.Health().Ready {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "the keys that verify tokens are unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// listItems lists items, a page at a time.
//
// @Summary	List items
// @Tags		items
// @Security	APIKeyHeader
// @Security	APIKeyCookie
// @Param		skip	query	int		false	"How many items to skip"
// @Param		limit	query	int		false	"How many items to list, at most"
// @Param		q		query	string	false	"Only the items whose name holds this"
// @Success	200		{array}	Item
// @Router		/items [get]
func listItems(_ *gin.Context, p Page, tx *Tx) ([]Item, error) {
	return tx.list(p), nil
}

// readItem is one item.
//
// @Summary	One item
// @Tags		items
// @Security	APIKeyHeader
// @Security	APIKeyCookie
// @Param		id	path		int		true	"The item's id"
// @Success	200	{object}	Item
// @Failure	404	{object}	object	"Item not found"
// @Router		/items/{id} [get]
func readItem(_ *gin.Context, p ItemPath, tx *Tx) (Item, error) {
	it, ok := tx.get(p.ID)
	if !ok {
		return Item{}, di.Error(http.StatusNotFound, "Item not found")
	}
	return it, nil
}
