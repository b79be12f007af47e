package di_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// trace is gin middleware that notes its name before and after the rest of
// the chain.
func trace(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set("trace", c.GetString("trace")+name+".")
		c.Next()
		c.Header("X-After-"+name, "1")
	}
}

// Gin middleware on the router, a group, a With router and a route run in
// gin's order, before the route's dependencies; one registry holds every
// route, and one set of overrides reaches them all.
func TestGinMiddlewareInGinsOrder(t *testing.T) {
	dep := di.Func("dep", func(c *gin.Context) (string, error) { return c.GetString("trace") + "dep.", nil })
	show := di.JSON1(dep, func(c *gin.Context, s string) (string, error) { return s + "handler", nil })
	e := gin.New()
	api := di.NewRouter(e).Use(trace("engine"))
	v1 := api.Group("/v1").Use(trace("group"))
	v1.GET("/a", show, di.Middleware(trace("route")))
	v1.With().Use(trace("with")).GET("/b", show)
	v1.GET("/c", show) // the With router's middleware stays its own
	api.GET("/d", show)

	for path, want := range map[string]string{
		"/v1/a": `"engine.group.route.dep.handler"`,
		"/v1/b": `"engine.group.with.dep.handler"`,
		"/v1/c": `"engine.group.dep.handler"`,
		"/d":    `"engine.dep.handler"`,
	} {
		w := serve(e, "GET", path, "")
		expect(t, w, 200, want)
		if w.Header().Get("X-After-engine") != "1" {
			t.Errorf("%s: the engine's middleware did not resume after the route", path)
		}
	}
	if n := len(api.Routes()); n != 4 {
		t.Errorf("%d routes in the registry, want 4", n)
	}
	di.Override(api, dep, di.Func("fake", func(*gin.Context) (string, error) { return "fake.", nil }))
	expect(t, serve(e, "GET", "/v1/b", ""), 200, `"fake.handler"`)
}

// Middleware that aborts keeps the route from running, dependencies
// included, as in gin.
func TestMiddlewareThatAbortsStopsTheRoute(t *testing.T) {
	ran := false
	dep := di.Func("dep", func(*gin.Context) (int, error) { ran = true; return 1, nil })
	e := gin.New()
	deny := func(c *gin.Context) { c.AbortWithStatusJSON(http.StatusTooManyRequests, gin.H{"detail": "slow down"}) }
	di.NewRouter(e).GET("/", di.JSON1(dep, func(*gin.Context, int) (int, error) { return 1, nil }), di.Middleware(deny))
	expect(t, serve(e, "GET", "/", ""), 429, `{"detail":"slow down"}`)
	if ran {
		t.Error("a dependency ran after middleware aborted")
	}
}

func TestNilMiddlewarePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Use":        func() { di.NewRouter(gin.New()).Use(nil) },
		"Middleware": func() { di.Middleware(trace("a"), nil) },
	} {
		if msg := mustPanic(t, f); !strings.Contains(msg, "is nil") {
			t.Errorf("%s: panic %q", name, msg)
		}
	}
}
