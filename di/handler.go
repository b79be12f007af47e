package di

import (
	"sync"

	"github.com/gin-gonic/gin"
)

// Handler is a route's handler together with the dependencies it declares.
// Register it on a [Router], which adds the router's own dependencies and
// records the route; or turn it into a plain gin.HandlerFunc with
// [Handler.HandlerFunc].
type Handler struct {
	deps    []use
	bind    func(in []int) func(c *gin.Context, f *frame)
	publish bool

	once sync.Once
	fn   gin.HandlerFunc
}

// HandlerFunc returns h as a plain gin.HandlerFunc, for routes registered on
// gin directly: its dependencies are resolved for each request, with no router
// dependencies and no overrides, and errors rendered by [RenderDetail].
func (h *Handler) HandlerFunc() gin.HandlerFunc {
	h.once.Do(func() { h.fn = compile(nil, h, nil, nil).serve })
	return h.fn
}

// Handle adapts plain gin handlers, run in order until one aborts. They
// read the values of the route's dependencies (router, group and route
// dependencies) with [Get]: the way to move one route at a time to gindepends.
func Handle(handlers ...gin.HandlerFunc) *Handler {
	chain := append([]gin.HandlerFunc(nil), handlers...)
	return &Handler{publish: true, bind: func([]int) func(*gin.Context, *frame) {
		return func(c *gin.Context, f *frame) {
			c.Set(frameKey{}, f)
			for _, h := range chain {
				if c.IsAborted() {
					return
				}
				h(c)
			}
		}
	}}
}

// Handle1 adapts a handler that takes one dependency.
func Handle1[A any](a Dep[A], fn func(c *gin.Context, a A)) *Handler {
	return newHandler([]use{a.u}, func(in []int) func(*gin.Context, *frame) {
		ia := in[0]
		return func(c *gin.Context, f *frame) { fn(c, load[A](f, ia)) }
	})
}

// Handle2 adapts a handler that takes two dependencies.
func Handle2[A, B any](a Dep[A], b Dep[B], fn func(c *gin.Context, a A, b B)) *Handler {
	return newHandler([]use{a.u, b.u}, func(in []int) func(*gin.Context, *frame) {
		ia, ib := in[0], in[1]
		return func(c *gin.Context, f *frame) { fn(c, load[A](f, ia), load[B](f, ib)) }
	})
}

// Handle3 adapts a handler that takes three dependencies.
func Handle3[A, B, C any](a Dep[A], b Dep[B], c Dep[C], fn func(c *gin.Context, a A, b B, cc C)) *Handler {
	return newHandler([]use{a.u, b.u, c.u}, func(in []int) func(*gin.Context, *frame) {
		ia, ib, ic := in[0], in[1], in[2]
		return func(c *gin.Context, f *frame) { fn(c, load[A](f, ia), load[B](f, ib), load[C](f, ic)) }
	})
}

// Handle4 adapts a handler that takes four dependencies.
func Handle4[A, B, C, D any](a Dep[A], b Dep[B], c Dep[C], d Dep[D], fn func(c *gin.Context, a A, b B, cc C, d D)) *Handler {
	return newHandler([]use{a.u, b.u, c.u, d.u}, func(in []int) func(*gin.Context, *frame) {
		ia, ib, ic, id := in[0], in[1], in[2], in[3]
		return func(c *gin.Context, f *frame) {
			fn(c, load[A](f, ia), load[B](f, ib), load[C](f, ic), load[D](f, id))
		}
	})
}

func newHandler(deps []use, bind func([]int) func(*gin.Context, *frame)) *Handler {
	for i, u := range deps {
		if u.d == nil {
			panic("di: Handle" + string(rune('0'+len(deps))) + ": argument " + string(rune('1'+i)) + " is a zero di.Dep; declare it (di.Func, di.Resource, a binding or a scheme) before it is used")
		}
	}
	return &Handler{deps: deps, bind: bind}
}

type frameKey struct{}

// Get returns the value of dep resolved for this request, for plain gin
// handlers registered with [Handle]. It reports false when dep is not among
// the route's dependencies, or outside such a handler.
func Get[T any](c *gin.Context, dep Dep[T]) (T, bool) {
	var zero T
	v, ok := c.Get(frameKey{})
	if !ok || dep.u.d == nil {
		return zero, false
	}
	f, ok := v.(*frame)
	if !ok {
		return zero, false
	}
	i, ok := f.plan.index[dep.u.d]
	if !ok || f.failed[i] {
		return zero, false
	}
	return load[T](f, i), true
}
