// Package app is the example API: FastAPI's security tutorials on Gin,
// written with gindepends. It grows with the library.
package app

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// Item is a thing users own.
type Item struct {
	ID    int     `json:"id"`
	Name  string  `json:"name" binding:"required,min=1,max=50"`
	Price float64 `json:"price" binding:"gte=0"`
	Owner string  `json:"owner"`
}

// User is an account of the API.
type User struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Disabled bool   `json:"disabled"`
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
	// OAuth2 with the password flow: clients get a token from /token.
	oauth2Scheme = ginauth.OAuth2PasswordBearer{
		TokenURL: "token",
		Scopes:   map[string]string{"me": "Read information about the current user.", "items": "Read items."},
	}.Dep()
	// Machine clients send an API key, in a header or a cookie.
	apiKey = ginauth.AnyOf(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), ginauth.APIKeyCookie{Name: "api_key"}.Dep())
	// HTTP Basic, for the tutorial's /basic/me.
	basic = ginauth.HTTPBasic{Realm: realm}.Dep()

	// What main makes, and tests replace: given to the router by Register.
	stores = di.Provided[*Store]("store")
	tokens = di.Provided[ginauth.TokenValidator]("tokens")

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
	token       = ginauth.Bearer(oauth2Scheme, tokens)
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

// Register adds the example API to engine, with the store and its token
// validator, and returns its router so that tests can override
// dependencies.
func Register(engine *gin.Engine, store *Store) *di.Router {
	api := di.NewRouter(engine, di.Provide(stores, store), di.Provide(tokens, store.tokens))
	api.GET("/", di.JSON(func(*gin.Context) (gin.H, error) {
		return gin.H{"message": "gindepends example", "routes": "/routes"}, nil
	}))
	// The token endpoint: FastAPI's login form, RFC 9068 access tokens. The
	// client first, since a request from a client that is not who it says
	// gets no password checked.
	api.POST("/token", di.JSON2(ginauth.PasswordRequestForm, stores, func(c *gin.Context, form *ginauth.OAuth2PasswordRequestForm, store *Store) (ginauth.AccessToken, error) {
		clientID, err := store.client(deref(form.ClientID), deref(form.ClientSecret))
		if err != nil {
			return ginauth.AccessToken{}, err
		}
		u, err := store.authenticate(c.Request.Context(), form.Username, form.Password, c.RemoteIP())
		if errors.Is(err, errLogin) {
			return ginauth.AccessToken{}, di.Error(http.StatusBadRequest, "Incorrect username or password")
		}
		if err != nil {
			return ginauth.AccessToken{}, err
		}
		return store.issue(u.Username, clientID, form.Scopes)
	}), di.Middleware(noStore))
	// Other services validate the tokens with this key set.
	engine.GET("/.well-known/jwks.json", store.issuer.JWKSHandler())
	api.GET("/users/me", di.JSON1(activeUser, func(_ *gin.Context, u *User) (*User, error) { return u, nil }))
	api.GET("/users/me/items", di.JSON2(di.Security(activeUser, "items"), db, func(_ *gin.Context, u *User, tx *Tx) ([]Item, error) {
		return tx.ownedBy(u.Username), nil
	}))
	api.POST("/users/me/items", di.JSON3(di.Security(activeUser, "items"), di.Body[Item](), db, func(_ *gin.Context, u *User, it Item, tx *Tx) (Item, error) {
		it.Owner = u.Username
		return tx.add(it), nil
	}), di.Status(http.StatusCreated))
	api.GET("/basic/me", di.JSON1(basicUser, func(_ *gin.Context, u *User) (*User, error) { return u, nil }))
	api.GET("/status", di.JSON(func(*gin.Context) (gin.H, error) { return gin.H{"status": "ok"}, nil }))
	// Authentication optional on one route: no token greets a stranger, a
	// bad one is still a 401.
	api.GET("/greeting", di.JSON1(di.Optional(currentUser), func(_ *gin.Context, u *User) (gin.H, error) {
		if u == nil {
			return gin.H{"greeting": "Hello, stranger"}, nil
		}
		return gin.H{"greeting": "Hello, " + u.FullName}, nil
	}))
	// Readiness, for a load balancer: whether the keys that check tokens are
	// usable. Keys known at startup always are; a remote JWK Set is not
	// before its first fetch, nor when it has been stale for too long, and
	// routes then answer 503 rather than refusing good tokens.
	api.GET("/ready", di.Handle(func(c *gin.Context) {
		if h := store.tokens.Health(); !h.Ready {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "the keys that verify tokens are unavailable"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}))

	// Machine clients: every route of the group needs a valid API key.
	items := api.Group("/items", client)
	items.GET("", di.JSON2(di.Query[Page](), db, func(_ *gin.Context, p Page, tx *Tx) ([]Item, error) {
		return tx.list(p), nil
	}))
	items.GET("/:id", di.JSON2(di.Path[ItemPath](), db, func(_ *gin.Context, p ItemPath, tx *Tx) (Item, error) {
		it, ok := tx.get(p.ID)
		if !ok {
			return Item{}, di.Error(http.StatusNotFound, "Item not found")
		}
		return it, nil
	}))

	// The route registry: what the docs will be built from.
	api.GET("/routes", di.JSON(func(*gin.Context) ([]route, error) { return describe(api.Routes()), nil }))
	return api
}

// noStore keeps a token response out of every cache on the way, as RFC 6749
// §5.1 requires: gin middleware, on one route.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
	c.Next()
}

// deref is an optional form field, "" when absent.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// route is a registry entry as /routes shows it.
type route struct {
	Method   string                `json:"method"`
	Path     string                `json:"path"`
	Security []map[string][]string `json:"security"`
}

// describe lists routes with their security as OpenAPI will: one object per
// alternative, so that an AnyOf shows as several, and an empty one where
// authentication is optional.
func describe(routes []di.Route) []route {
	out := make([]route, 0, len(routes))
	for _, r := range routes {
		sec := []map[string][]string{}
		optional := false
		for _, s := range r.Security {
			alts := ginauth.Alternatives(s.Scheme)
			if alts == nil {
				alts = []di.SecurityScheme{s.Scheme}
			}
			for _, a := range alts {
				sec = append(sec, map[string][]string{a.SchemeName(): s.Scopes})
			}
			optional = optional || s.Optional
		}
		if optional {
			sec = append(sec, map[string][]string{})
		}
		out = append(out, route{r.Method, r.Path, sec})
	}
	return out
}
