package di_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// discard is a ResponseWriter that keeps nothing, so that the benchmarks
// measure routing and resolution, not recording.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

type account struct{ id int }

var (
	benchAccount = &account{id: 1}
	// A 3-level, 4-node graph: root needs left and right, which both need
	// leaf (resolved once). None of them allocates.
	benchLeaf  = di.Func("leaf", func(*gin.Context) (*account, error) { return benchAccount, nil })
	benchLeft  = di.Func1("left", benchLeaf, func(_ *gin.Context, a *account) (int, error) { return a.id, nil })
	benchRight = di.Func1("right", benchLeaf, func(_ *gin.Context, a *account) (int, error) { return a.id + 1, nil })
	benchRoot  = di.Func2("root", benchLeft, benchRight, func(_ *gin.Context, l, r int) (int, error) { return l + r, nil })
)

func benchServe(b *testing.B, e *gin.Engine) {
	req := httptest.NewRequest("GET", "/bench", nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		e.ServeHTTP(w, req)
	}
}

// BenchmarkGinBaseline is a bare gin handler: the cost of gin itself.
func BenchmarkGinBaseline(b *testing.B) {
	e := gin.New()
	e.GET("/bench", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	benchServe(b, e)
}

// BenchmarkGraph4 is the same route with a 3-level, 4-node dependency graph.
func BenchmarkGraph4(b *testing.B) {
	e := gin.New()
	di.NewRouter(e).GET("/bench", di.Handle1(benchRoot, func(c *gin.Context, v int) {
		if v != 3 {
			b.Fatal("wrong value")
		}
		c.Status(http.StatusNoContent)
	}))
	benchServe(b, e)
}

// BenchmarkGraph4Resource adds a resource with a cleanup to the graph.
func BenchmarkGraph4Resource(b *testing.B) {
	res := di.Resource1("res", benchRoot, func(_ *gin.Context, v int) (int, di.Cleanup, error) {
		return v, cleanupNothing, nil
	})
	e := gin.New()
	di.NewRouter(e).GET("/bench", di.Handle1(res, func(c *gin.Context, _ int) { c.Status(http.StatusNoContent) }))
	benchServe(b, e)
}

func cleanupNothing(error) error { return nil }

// BenchmarkGraph4JSON is Graph4 with a handler that returns its answer
// (204, no body): the cost of the JSON handler's own path.
func BenchmarkGraph4JSON(b *testing.B) {
	e := gin.New()
	di.NewRouter(e).GET("/bench", di.JSON1(benchRoot, func(_ *gin.Context, v int) (di.NoContent, error) {
		if v != 3 {
			b.Fatal("wrong value")
		}
		return di.NoContent{}, nil
	}))
	benchServe(b, e)
}

// BenchmarkOptionalAnonymous is a route where authentication is optional,
// called without a credential: the scheme's missing answer is swallowed.
func BenchmarkOptionalAnonymous(b *testing.B) {
	missing := di.MissingCredential(di.Error(http.StatusUnauthorized, "Not authenticated"))
	scheme := di.Scheme(benchScheme{}, func(*gin.Context) (string, error) { return "", missing })
	user := di.Func1("user", scheme, func(_ *gin.Context, k string) (*account, error) { return benchAccount, nil })
	e := gin.New()
	di.NewRouter(e).GET("/bench", di.JSON1(di.Optional(user), func(_ *gin.Context, a *account) (di.NoContent, error) {
		if a != nil {
			b.Fatal("a user without a credential")
		}
		return di.NoContent{}, nil
	}))
	benchServe(b, e)
}

type benchScheme struct{}

func (benchScheme) SchemeName() string { return "bench" }
