package di_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// send sends a request to h and prints the status and body.
func send(h http.Handler, method, target string, header ...string) {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	fmt.Println(strings.TrimSpace(fmt.Sprint(w.Code, " ", w.Body.String())))
}

func ExampleJSON1() {
	type ItemPath struct {
		Name string `uri:"name"`
	}
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/items/:name", di.JSON1(di.Path[ItemPath](), func(_ *gin.Context, p ItemPath) (gin.H, error) {
		if p.Name == "nothing" {
			return nil, di.Error(http.StatusNotFound, "Item not found")
		}
		return gin.H{"name": p.Name}, nil
	}))
	api.DELETE("/items/:name", di.JSON1(di.Path[ItemPath](), func(*gin.Context, ItemPath) (di.NoContent, error) {
		return di.NoContent{}, nil
	}))
	api.PUT("/items/:name", di.JSON1(di.Path[ItemPath](), func(*gin.Context, ItemPath) (gin.H, error) {
		return nil, errors.New("the database is down") // logged, never sent
	}))
	send(e, "GET", "/items/gizmo")
	send(e, "GET", "/items/nothing")
	send(e, "DELETE", "/items/gizmo")
	send(e, "PUT", "/items/gizmo")
	// Output:
	// 200 {"name":"gizmo"}
	// 404 {"detail":"Item not found"}
	// 204
	// 500 {"detail":"Internal Server Error"}
}

func ExampleStatus() {
	e := gin.New()
	di.NewRouter(e).POST("/items", di.JSON(func(*gin.Context) (gin.H, error) {
		return gin.H{"id": 3}, nil
	}), di.Status(http.StatusCreated))
	send(e, "POST", "/items")
	// Output:
	// 201 {"id":3}
}

// The value main makes is declared at package level, and given to the
// router; a test gives another.
var clock = di.Provided[func() string]("clock")

var today = di.Func1("today", clock, func(_ *gin.Context, now func() string) (string, error) { return now(), nil })

func ExampleProvided() {
	e := gin.New()
	api := di.NewRouter(e, di.Provide(clock, func() string { return "2026-11-30" }))
	api.GET("/today", di.JSON1(today, func(_ *gin.Context, d string) (string, error) { return d, nil }))
	send(e, "GET", "/today")
	// Output:
	// 200 "2026-11-30"
}

func ExampleOptional() {
	// A scheme that reads X-User; no header is a missing credential.
	user := di.Scheme(bearer{}, func(c *gin.Context) (string, error) {
		if name := c.GetHeader("X-User"); name != "" {
			return name, nil
		}
		return "", di.MissingCredential(di.Error(http.StatusUnauthorized, "Not authenticated"))
	})
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/greeting", di.JSON1(di.Optional(user), func(_ *gin.Context, name string) (string, error) {
		if name == "" {
			return "hello, stranger", nil
		}
		return "hello, " + name, nil
	}))
	send(e, "GET", "/greeting")
	send(e, "GET", "/greeting", "X-User", "alice")
	fmt.Println("optional:", api.Routes()[0].Security[0].Optional)
	// Output:
	// 200 "hello, stranger"
	// 200 "hello, alice"
	// optional: true
}

func ExampleMiddleware() {
	noStore := func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Next()
	}
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/token", di.JSON(func(*gin.Context) (string, error) { return "t0k3n", nil }), di.Middleware(noStore))
	api.GET("/public", di.JSON(func(*gin.Context) (string, error) { return "hi", nil }))
	for _, path := range []string{"/token", "/public"} {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Printf("%s %q\n", path, w.Header().Get("Cache-Control"))
	}
	// Output:
	// /token "no-store"
	// /public ""
}

func ExampleRouter_Use() {
	e := gin.New()
	api := di.NewRouter(e)
	admin := api.Group("/admin").Use(func(c *gin.Context) {
		if c.GetHeader("X-Admin") != "yes" {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"detail": "Admins only"})
			return
		}
		c.Next()
	})
	admin.GET("/stats", di.JSON(func(*gin.Context) (gin.H, error) { return gin.H{"users": 2}, nil }))
	send(e, "GET", "/admin/stats")
	send(e, "GET", "/admin/stats", "X-Admin", "yes")
	// Output:
	// 403 {"detail":"Admins only"}
	// 200 {"users":2}
}
