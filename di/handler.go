package di

import (
	"fmt"
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
	h.once.Do(func() { h.fn = compile(nil, h, compileConfig{}).serve })
	return h.fn
}

// Handle adapts plain gin handlers, run in order until one aborts. They
// read the values of the route's dependencies (router, group and route
// dependencies) with [Get]: the way to move one route at a time to gindepends.
// They are not a gin chain: c.Next() in one of them does not run the next.
func Handle(handlers ...gin.HandlerFunc) *Handler {
	chain := append([]gin.HandlerFunc(nil), handlers...)
	for i, h := range chain {
		if h == nil {
			panic(fmt.Sprintf("di: Handle: handler %d is nil", i+1))
		}
	}
	return &Handler{publish: true, bind: func([]int) func(*gin.Context, *frame) {
		return func(c *gin.Context, _ *frame) {
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
	return newHandler([]use{a.u}, fn == nil, func(in []int) func(*gin.Context, *frame) {
		ia := in[0]
		return func(c *gin.Context, f *frame) { fn(c, load[A](f, ia)) }
	})
}

// Handle2 adapts a handler that takes two dependencies.
func Handle2[A, B any](a Dep[A], b Dep[B], fn func(c *gin.Context, a A, b B)) *Handler {
	return newHandler([]use{a.u, b.u}, fn == nil, func(in []int) func(*gin.Context, *frame) {
		ia, ib := in[0], in[1]
		return func(c *gin.Context, f *frame) { fn(c, load[A](f, ia), load[B](f, ib)) }
	})
}

// Handle3 adapts a handler that takes three dependencies.
func Handle3[A, B, C any](a Dep[A], b Dep[B], c Dep[C], fn func(c *gin.Context, a A, b B, cc C)) *Handler {
	return newHandler([]use{a.u, b.u, c.u}, fn == nil, func(in []int) func(*gin.Context, *frame) {
		ia, ib, ic := in[0], in[1], in[2]
		return func(c *gin.Context, f *frame) { fn(c, load[A](f, ia), load[B](f, ib), load[C](f, ic)) }
	})
}

// Handle4 adapts a handler that takes four dependencies.
func Handle4[A, B, C, D any](a Dep[A], b Dep[B], c Dep[C], d Dep[D], fn func(c *gin.Context, a A, b B, cc C, d D)) *Handler {
	return newHandler([]use{a.u, b.u, c.u, d.u}, fn == nil, func(in []int) func(*gin.Context, *frame) {
		ia, ib, ic, id := in[0], in[1], in[2], in[3]
		return func(c *gin.Context, f *frame) {
			fn(c, load[A](f, ia), load[B](f, ib), load[C](f, ic), load[D](f, id))
		}
	})
}

func newHandler(deps []use, nilFn bool, bind func([]int) func(*gin.Context, *frame)) *Handler {
	if nilFn {
		panic(fmt.Sprintf("di: Handle%d: the handler function is nil", len(deps)))
	}
	for i, u := range deps {
		if u.d == nil {
			panic(fmt.Sprintf("di: Handle%d: argument %d is a zero di.Dep; declare it (di.Func, di.Resource, a binding or a scheme) before it is used", len(deps), i+1))
		}
	}
	return &Handler{deps: deps, bind: bind}
}

type frameKey struct{}

// Get returns the value of dep resolved for this request, for plain gin
// handlers registered with [Handle], and for any handler or middleware of a
// router made with [PublishValues]. It reports false when dep is not among
// the route's dependencies, or was not resolved.
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
