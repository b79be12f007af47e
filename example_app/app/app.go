// Package app is the example API: FastAPI's dependency tutorials on Gin,
// written with gindepends. It grows with the library.
package app

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// Item is a thing users own.
type Item struct {
	ID    int     `json:"id"`
	Name  string  `json:"name" binding:"required,min=1,max=50"`
	Price float64 `json:"price" binding:"gte=0"`
	Owner string  `json:"owner"`
}

// User is who calls the API, named by the X-User header until the
// security schemes arrive.
type User struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Disabled bool   `json:"disabled"`
}

// Store is the example's database: a map behind a lock, with transactions
// that only apply their writes on commit.
type Store struct {
	mu    sync.Mutex
	items []Item
	users map[string]User
}

// NewStore returns a store with the example's users and items.
func NewStore() *Store {
	return &Store{
		users: map[string]User{
			"johndoe": {Username: "johndoe", FullName: "John Doe"},
			"alice":   {Username: "alice", FullName: "Alice Wonderson", Disabled: true},
		},
		items: []Item{{ID: 1, Name: "Portal Gun", Price: 42, Owner: "johndoe"}, {ID: 2, Name: "Plumbus", Price: 32, Owner: "johndoe"}},
	}
}

// Tx is one request's view of the store.
type Tx struct {
	store   *Store
	pending []Item
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

// userHeader is a stand-in security scheme, until the real ones: the caller
// names itself in the X-User header. Declared with di.Scheme, it shows in
// the route registry of every route that reaches it.
type userHeader struct{}

func (userHeader) SchemeName() string { return "UserHeader" }

var callerName = di.Scheme(userHeader{}, func(c *gin.Context) (string, error) {
	if name := c.GetHeader("X-User"); name != "" {
		return name, nil
	}
	return "", di.Error(http.StatusUnauthorized, "Not authenticated").WithHeader("WWW-Authenticate", "X-User")
})

// TokenHeader is the header every /items route checks.
type TokenHeader struct {
	Token string `header:"X-Token" binding:"required"`
}

// Register adds the example API to engine, and returns its router so that
// tests can override dependencies.
func Register(engine *gin.Engine, store *Store) *di.Router {
	// The database session: one per request, committed before the response
	// is sent, so that a failed commit answers 500 instead of 201.
	db := di.Resource("db", func(*gin.Context) (*Tx, di.Cleanup, error) {
		tx := &Tx{store: store}
		return tx, func(err error) error {
			if err != nil {
				return nil // roll back: drop the pending writes
			}
			return tx.commit()
		}, nil
	}).BeforeResponse()

	currentUser := di.Func1("currentUser", callerName, func(_ *gin.Context, name string) (*User, error) {
		store.mu.Lock()
		defer store.mu.Unlock()
		u, ok := store.users[name]
		if !ok {
			return nil, di.Error(http.StatusUnauthorized, "Unknown user").WithHeader("WWW-Authenticate", "X-User")
		}
		return &u, nil
	})
	activeUser := di.Func1("activeUser", currentUser, func(_ *gin.Context, u *User) (*User, error) {
		if u.Disabled {
			return nil, di.Error(http.StatusBadRequest, "Inactive user")
		}
		return u, nil
	})
	verifyToken := di.Func1("verifyToken", di.Header[TokenHeader](), func(_ *gin.Context, h TokenHeader) (bool, error) {
		if h.Token != "fake-super-secret-token" {
			return false, di.Error(http.StatusBadRequest, "X-Token header invalid")
		}
		return true, nil
	})

	api := di.NewRouter(engine)

	api.GET("/", di.Handle(func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"message": "gindepends example", "routes": "/routes"})
	}))
	api.GET("/users/me", di.Handle1(activeUser, func(c *gin.Context, u *User) { c.JSON(http.StatusOK, u) }))

	items := api.Group("/items", verifyToken)
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
	items.POST("", di.Handle3(activeUser, di.Body[Item](), db, func(c *gin.Context, u *User, it Item, tx *Tx) {
		it.Owner = u.Username
		c.JSON(http.StatusCreated, tx.add(it))
	}))

	// The route registry: what the docs will be built from.
	api.GET("/routes", di.Handle(func(c *gin.Context) {
		type route struct {
			Method   string              `json:"method"`
			Path     string              `json:"path"`
			Security map[string][]string `json:"security"`
		}
		var out []route
		for _, r := range api.Routes() {
			sec := map[string][]string{}
			for _, s := range r.Security {
				sec[s.Scheme.SchemeName()] = s.Scopes
			}
			out = append(out, route{r.Method, r.Path, sec})
		}
		c.JSON(http.StatusOK, out)
	}))
	return api
}

func (tx *Tx) list(p Page) []Item {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	var out []Item
	for _, it := range tx.store.items {
		if strings.Contains(strings.ToLower(it.Name), strings.ToLower(p.Q)) {
			out = append(out, it)
		}
	}
	out = out[min(p.Skip, len(out)):]
	return slices.Clone(out[:min(p.Limit, len(out))])
}

func (tx *Tx) get(id int) (Item, bool) {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	i := slices.IndexFunc(tx.store.items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		return Item{}, false
	}
	return tx.store.items[i], true
}

func (tx *Tx) add(it Item) Item {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	it.ID = len(tx.store.items) + len(tx.pending) + 1
	tx.pending = append(tx.pending, it)
	return it
}

// errDuplicate is what a commit of an item whose name is taken answers.
var errDuplicate = di.Error(http.StatusConflict, "An item with this name exists")

func (tx *Tx) commit() error {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	for _, it := range tx.pending {
		if slices.ContainsFunc(tx.store.items, func(o Item) bool { return o.Name == it.Name }) {
			return errors.Join(errDuplicate, fmt.Errorf("item %q", it.Name))
		}
	}
	tx.store.items = append(tx.store.items, tx.pending...)
	return nil
}
