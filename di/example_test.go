package di_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// get sends a GET to h and prints the status and body.
func get(h http.Handler, target string, header ...string) {
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Body.String())
}

type User struct {
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
}

var users = map[string]*User{"alice": {Name: "alice"}, "bob": {Name: "bob", Disabled: true}}

// Dependencies are declared once, at package level, from the dependencies
// they need.
var (
	username = di.Func("username", func(c *gin.Context) (string, error) {
		name := c.GetHeader("X-User")
		if name == "" {
			return "", di.Error(http.StatusUnauthorized, "Not authenticated")
		}
		return name, nil
	})
	currentUser = di.Func1("currentUser", username, func(_ *gin.Context, name string) (*User, error) {
		u, ok := users[name]
		if !ok {
			return nil, di.Error(http.StatusUnauthorized, "Unknown user")
		}
		return u, nil
	})
	activeUser = di.Func1("activeUser", currentUser, func(_ *gin.Context, u *User) (*User, error) {
		if u.Disabled {
			return nil, di.Error(http.StatusBadRequest, "Inactive user")
		}
		return u, nil
	})
)

func ExampleFunc1() {
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/users/me", di.Handle1(activeUser, func(c *gin.Context, u *User) { c.JSON(200, u) }))

	get(e, "/users/me", "X-User", "alice")
	get(e, "/users/me", "X-User", "bob")
	get(e, "/users/me")
	// Output:
	// 200 {"name":"alice","disabled":false}
	// 400 {"detail":"Inactive user"}
	// 401 {"detail":"Not authenticated"}
}

func ExampleSecurity() {
	// A dependency that reads the scopes required where it is used.
	require := di.Func1("require", di.Scopes, func(_ *gin.Context, s di.SecurityScopes) (string, error) {
		return s.String(), nil
	})
	me := di.Security(require, "me")

	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/users/me", di.Handle1(me, func(c *gin.Context, s string) { c.String(200, "needs: "+s) }))
	api.GET("/users/me/items", di.Handle1(di.Security(me, "items"), func(c *gin.Context, s string) { c.String(200, "needs: "+s) }))

	get(e, "/users/me")
	get(e, "/users/me/items")
	// Output:
	// 200 needs: me
	// 200 needs: me items
}

func ExampleResource() {
	session := di.Resource("session", func(*gin.Context) (string, di.Cleanup, error) {
		fmt.Println("open session")
		return "session-1", func(err error) error {
			fmt.Println("close session, request error:", err)
			return nil
		}, nil
	})

	e := gin.New()
	di.NewRouter(e).GET("/items", di.Handle1(session, func(c *gin.Context, s string) {
		fmt.Println("handler uses", s)
		c.Status(http.StatusNoContent)
	}))
	get(e, "/items")
	// Output:
	// open session
	// handler uses session-1
	// close session, request error: <nil>
	// 204
}

func ExampleQuery() {
	type Page struct {
		Limit int    `form:"limit,default=10" binding:"gte=1,lte=100"`
		Sort  string `form:"sort" binding:"omitempty,oneof=name date"`
	}
	page := di.Query[Page]()

	e := gin.New()
	di.NewRouter(e).GET("/items", di.Handle1(page, func(c *gin.Context, p Page) {
		c.String(200, "limit=%d sort=%q", p.Limit, p.Sort)
	}))
	get(e, "/items?sort=date")
	get(e, "/items?limit=x&sort=size")
	// Output:
	// 200 limit=10 sort="date"
	// 422 {"detail":[{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},{"type":"literal_error","loc":["query","sort"],"msg":"Input should be 'name' or 'date'","input":"size","ctx":{"expected":"'name' or 'date'"}}]}
}

func ExampleRouter_With() {
	verifyKey := di.Func("verifyKey", func(c *gin.Context) (string, error) {
		if c.GetHeader("X-Key") != "fake-super-secret-key" {
			return "", di.Error(http.StatusBadRequest, "X-Key header invalid")
		}
		return "", nil
	})

	e := gin.New()
	api := di.NewRouter(e)
	api.With(verifyKey).GET("/items", di.Handle(func(c *gin.Context) { c.JSON(200, []string{"Portal Gun"}) }))

	get(e, "/items")
	get(e, "/items", "X-Key", "fake-super-secret-key")
	// Output:
	// 400 {"detail":"X-Key header invalid"}
	// 200 ["Portal Gun"]
}

func ExampleOverride() {
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/users/me", di.Handle1(activeUser, func(c *gin.Context, u *User) { c.JSON(200, u) }))

	// In a test: replace the user lookup for this router only.
	di.Override(api, currentUser, di.Func("testUser", func(*gin.Context) (*User, error) {
		return &User{Name: "test"}, nil
	}))
	get(e, "/users/me")
	// Output:
	// 200 {"name":"test","disabled":false}
}

func ExampleGet() {
	e := gin.New()
	api := di.NewRouter(e, di.Dependencies(activeUser))
	// A plain gin handler, moved as it is: it reads what the router resolved.
	api.GET("/legacy", di.Handle(func(c *gin.Context) {
		u, _ := di.Get(c, activeUser)
		c.String(200, "hello "+u.Name)
	}))
	get(e, "/legacy", "X-User", "alice")
	// Output:
	// 200 hello alice
}

func ExampleHandler_HandlerFunc() {
	e := gin.New()
	e.GET("/users/me", di.Handle1(activeUser, func(c *gin.Context, u *User) { c.JSON(200, u) }).HandlerFunc())
	get(e, "/users/me", "X-User", "alice")
	// Output:
	// 200 {"name":"alice","disabled":false}
}

type bearer struct{}

func (bearer) SchemeName() string { return "HTTPBearer" }

func ExampleRouter_Routes() {
	token := di.Scheme(bearer{}, func(c *gin.Context) (string, error) { return c.GetHeader("Authorization"), nil })
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/items", di.Handle1(di.Security(token, "items"), func(*gin.Context, string) {}))
	api.GET("/status", di.Handle(func(*gin.Context) {}))
	for _, r := range api.Routes() {
		fmt.Print(r.Method, " ", r.Path)
		for _, s := range r.Security {
			fmt.Print(" ", s.Scheme.SchemeName(), s.Scopes)
		}
		fmt.Println()
	}
	// Output:
	// GET /items HTTPBearer[items]
	// GET /status
}
