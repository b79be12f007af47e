package bench

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// OverflowCacheSize and OverflowTokens make C-cache-overflow: a cache of
// OverflowCacheSize entries and OverflowTokens distinct valid tokens sent in
// turn, so that nearly every request misses the cache and pays for a
// signature check and an insertion (with its evictions).
const (
	OverflowCacheSize = 16
	OverflowTokens    = 256
)

// BenchmarkRoute is GET /users/me/items through gin's ServeHTTP, into an
// reused response writer (recorder), for every contender, algorithm and kind of token:
// BenchmarkRoute/<contender>/<alg>/<kind>. A, which checks nothing, is
// measured with the valid token only.
func BenchmarkRoute(b *testing.B) {
	for _, contender := range Contenders {
		for _, alg := range Algorithms {
			h := New(contender, alg)
			for _, kind := range TokenKinds {
				if contender == "A" && kind.Name != "valid" {
					continue
				}
				b.Run(contender+"/"+alg+"/"+kind.Name, func(b *testing.B) {
					benchRoute(b, h, []*http.Request{getItems(Token(alg, kind.Name))}, kind.Status)
				})
			}
		}
	}
	// C-cache with a working set larger than the cache.
	for _, alg := range Algorithms {
		b.Run("C-cache-overflow/"+alg+"/valid", func(b *testing.B) {
			h := NewC(alg, func(c *ginauth.JWTConfig) { c.CacheSize = OverflowCacheSize })
			reqs := make([]*http.Request, OverflowTokens)
			for i := range reqs {
				reqs[i] = getItems(Sign(ServerKey(alg), With("jti", "t-"+strconv.Itoa(i))))
			}
			benchRoute(b, h, reqs, http.StatusOK)
		})
	}
}

// benchRoute sends reqs to h in turn. Each must answer want once before the
// timer starts, so that no benchmark measures a failing path by mistake.
func benchRoute(b *testing.B, h http.Handler, reqs []*http.Request, want int) {
	w := newRecorder()
	for i, r := range reqs {
		if got := serve(h, w, r); got != want {
			b.Fatalf("request %d: status %d, want %d: %s", i, got, want, w.Body.String())
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		serve(h, w, reqs[i])
		if i++; i == len(reqs) {
			i = 0
		}
	}
}

// GraphSizes are the sizes of the dependency graphs of BenchmarkGraph.
var GraphSizes = []int{1, 4, 16, 64}

// BenchmarkGraph is a route whose handler needs the root of a dependency
// graph of n nodes (BenchmarkGraph/<n>), beside the same route in bare gin
// (BenchmarkGraph/bare): what di's resolution costs per node, through
// gin's ServeHTTP.
func BenchmarkGraph(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		e := gin.New()
		e.GET(Path, func(c *gin.Context) { c.Status(http.StatusNoContent) })
		benchRoute(b, e, []*http.Request{getItems("")}, http.StatusNoContent)
	})
	for _, n := range GraphSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			e := gin.New()
			di.NewRouter(e).GET(Path, di.Handle1(Graph(n), func(c *gin.Context, v int) {
				if v != n {
					c.Status(http.StatusInternalServerError)
					return
				}
				c.Status(http.StatusNoContent)
			}))
			benchRoute(b, e, []*http.Request{getItems("")}, http.StatusNoContent)
		})
	}
}

// Graph is a binary tree of n dependencies, declared with di.Func, Func1
// and Func2: node i needs nodes 2i+1 and 2i+2 where they exist. Each node
// is the number of nodes under it, itself included, so the root is n.
func Graph(n int) di.Dep[int] {
	var node func(i int) di.Dep[int]
	node = func(i int) di.Dep[int] {
		name := "node" + strconv.Itoa(i)
		left, right := 2*i+1, 2*i+2
		switch {
		case right < n:
			return di.Func2(name, node(left), node(right), func(_ *gin.Context, l, r int) (int, error) { return l + r + 1, nil })
		case left < n:
			return di.Func1(name, node(left), func(_ *gin.Context, l int) (int, error) { return l + 1, nil })
		default:
			return di.Func(name, func(*gin.Context) (int, error) { return 1, nil })
		}
	}
	return node(0)
}
