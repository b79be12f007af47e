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

// The security schemes, declared once. Their declarations are what the
// route registry, and so the docs, describe.
var (
	// OAuth2 with the password flow: clients get a token from /token.
	oauth2Scheme = ginauth.OAuth2PasswordBearer{
		TokenURL: "token",
		Scopes:   map[string]string{"me": "Read information about the current user.", "items": "Read items."},
	}
	// Machine clients send an API key, in a header or a cookie.
	apiKey = ginauth.AnyOf(ginauth.APIKeyHeader{Name: "X-API-Key"}, ginauth.APIKeyCookie{Name: "api_key"})
	// HTTP Basic, for the tutorial's /basic/me.
	basic = ginauth.HTTPBasic{Realm: realm}.Dep()
)

// Register adds the example API to engine, and returns its router so that
// tests can override dependencies.
func Register(engine *gin.Engine, store *Store) *di.Router {
	// The database session: one per request, committed before the response
	// is sent, so that a failed commit answers with its error, not 201.
	db := di.Resource("db", func(*gin.Context) (*Tx, di.Cleanup, error) {
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
	token := ginauth.Bearer(oauth2Scheme, store.tokens)
	currentUser := di.Func1("currentUser", token, func(_ *gin.Context, t *ginauth.Token) (*User, error) {
		u, ok := store.user(t.Subject)
		if !ok {
			return nil, ginauth.InvalidToken("The access token's user is unknown")
		}
		return u, nil
	})
	activeUser := di.Func1("activeUser", di.Security(currentUser, "me"), func(_ *gin.Context, u *User) (*User, error) {
		if u.Disabled {
			return nil, di.Error(http.StatusBadRequest, "Inactive user")
		}
		return u, nil
	})
	client := ginauth.VerifyAPIKey(ginauth.ValueOf(apiKey), store.apiKeys)
	basicUser := di.Func1("basicUser", basic, func(c *gin.Context, cred *ginauth.HTTPBasicCredentials) (*User, error) {
		u, err := store.authenticate(c.Request.Context(), cred.Username, cred.Password, c.RemoteIP())
		if errors.Is(err, errLogin) {
			return nil, di.Error(http.StatusUnauthorized, "Incorrect username or password").
				WithHeader("WWW-Authenticate", `Basic realm="`+realm+`", charset="UTF-8"`)
		}
		return u, err
	})
	// The token endpoint's answer: the client first, since a request from
	// a client that is not who it says gets no password checked.
	accessToken := di.Func1("accessToken", ginauth.PasswordRequestForm, func(c *gin.Context, form *ginauth.OAuth2PasswordRequestForm) (ginauth.AccessToken, error) {
		clientID, err := store.client(form.ClientID, form.ClientSecret)
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
	})

	api := di.NewRouter(engine)
	api.GET("/", di.Handle(func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"message": "gindepends example", "routes": "/routes"})
	}))
	// The token endpoint: FastAPI's login form, RFC 9068 access tokens.
	api.POST("/token", di.Handle1(accessToken, func(c *gin.Context, at ginauth.AccessToken) {
		c.JSON(http.StatusOK, at)
	}))
	// Other services validate the tokens with this key set.
	engine.GET("/.well-known/jwks.json", store.issuer.JWKSHandler())
	api.GET("/users/me", di.Handle1(activeUser, func(c *gin.Context, u *User) {
		c.JSON(http.StatusOK, u)
	}))
	api.GET("/users/me/items", di.Handle2(di.Security(activeUser, "items"), db, func(c *gin.Context, u *User, tx *Tx) {
		c.JSON(http.StatusOK, tx.ownedBy(u.Username))
	}))
	api.POST("/users/me/items", di.Handle3(di.Security(activeUser, "items"), di.Body[Item](), db, func(c *gin.Context, u *User, it Item, tx *Tx) {
		it.Owner = u.Username
		c.JSON(http.StatusCreated, tx.add(it))
	}))
	api.GET("/basic/me", di.Handle1(basicUser, func(c *gin.Context, u *User) { c.JSON(http.StatusOK, u) }))
	api.GET("/status", di.Handle(func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }))
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
	items.GET("", di.Handle2(di.Query[Page](), db, func(c *gin.Context, p Page, tx *Tx) {
		c.JSON(http.StatusOK, tx.list(p))
	}))
	items.GET("/:id", di.Handle2(di.Path[ItemPath](), db, func(c *gin.Context, p ItemPath, tx *Tx) {
		it, ok := tx.get(p.ID)
		if !ok {
			c.JSON(http.StatusNotFound, gin.H{"detail": "Item not found"})
			return
		}
		c.JSON(http.StatusOK, it)
	}))

	// The route registry: what the docs will be built from.
	api.GET("/routes", di.Handle(func(c *gin.Context) { c.JSON(http.StatusOK, describe(api.Routes())) }))
	return api
}

// route is a registry entry as /routes shows it.
type route struct {
	Method   string                `json:"method"`
	Path     string                `json:"path"`
	Security []map[string][]string `json:"security"`
}

// describe lists routes with their security as OpenAPI will: one object per
// alternative, so that an AnyOf shows as several.
func describe(routes []di.Route) []route {
	out := make([]route, 0, len(routes))
	for _, r := range routes {
		sec := []map[string][]string{}
		for _, s := range r.Security {
			info, _ := s.Scheme.(*ginauth.SchemeInfo)
			alts := []*ginauth.SchemeInfo{info}
			if info != nil && info.Alternatives() != nil {
				alts = info.Alternatives()
			}
			for _, a := range alts {
				name := s.Scheme.SchemeName()
				if a != nil {
					name = a.SchemeName()
				}
				sec = append(sec, map[string][]string{name: s.Scopes})
			}
		}
		out = append(out, route{r.Method, r.Path, sec})
	}
	return out
}
