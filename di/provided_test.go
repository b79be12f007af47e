package di_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

type greeter interface{ Greet(string) string }

type english struct{}

func (english) Greet(n string) string { return "hello " + n }

type french struct{}

func (french) Greet(n string) string { return "bonjour " + n }

// Declared at package level, as the dependencies that use it are; the value
// comes from main, or from each test's router.
var greetings = di.Provided[greeter]("greetings")

var greeting = di.Func1("greeting", greetings, func(c *gin.Context, g greeter) (string, error) {
	return g.Greet(c.Query("name")), nil
})

func greetingRoutes(opts ...di.Option) *gin.Engine {
	e := gin.New()
	di.NewRouter(e, opts...).GET("/", di.JSON1(greeting, func(_ *gin.Context, s string) (string, error) { return s, nil }))
	return e
}

// Each router provides its own value: routers in parallel tests stay
// apart, and a concrete type is taken for its interface.
func TestProvidedValuePerRouter(t *testing.T) {
	var wg sync.WaitGroup
	for _, tc := range []struct {
		g    greeter
		want string
	}{{english{}, `"hello ann"`}, {french{}, `"bonjour ann"`}} {
		wg.Go(func() {
			e := greetingRoutes(di.Provide(greetings, tc.g))
			for range 50 {
				if w := serve(e, "GET", "/?name=ann", ""); w.Body.String() != tc.want {
					t.Errorf("got %s, want %s", w.Body, tc.want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// A route that needs a value its router does not provide fails at
// registration, saying how to provide it; so do a value of the wrong type
// and Provide on another kind of dependency.
func TestProvidedMistakesPanicAtStartup(t *testing.T) {
	msg := mustPanic(t, func() { greetingRoutes() })
	if !strings.Contains(msg, `"greetings" is a value the router provides, and this router does not: di.NewRouter(engine, di.Provide(greetings, value))`) {
		t.Errorf("panic %q", msg)
	}
	msg = mustPanic(t, func() { di.Provide(greetings, 42) })
	if !strings.Contains(msg, `a int is not a di_test.greeter`) {
		t.Errorf("panic %q", msg)
	}
	msg = mustPanic(t, func() { di.Provide(greeting, "x") })
	if !strings.Contains(msg, "only a dependency declared with di.Provided takes a value from the router") {
		t.Errorf("panic %q", msg)
	}
	// An override stands in for a value not provided.
	e := gin.New()
	api := di.NewRouter(e, di.Provide(greetings, english{}))
	api.GET("/", di.JSON1(greeting, func(_ *gin.Context, s string) (string, error) { return s, nil }))
	di.Override(api, greetings, di.Func("fr", func(*gin.Context) (greeter, error) { return french{}, nil }))
	expect(t, serve(e, "GET", "/?name=bob", ""), 200, `"bonjour bob"`)
}
