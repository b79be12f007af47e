package di

import (
	"fmt"
	"net/http"
	"reflect"
	"sync"

	"github.com/gin-gonic/gin"
)

// Handler is a route's handler together with the dependencies it declares.
// Register it on a [Router], which adds the router's own dependencies and
// records the route; or turn it into a plain gin.HandlerFunc with
// [Handler.HandlerFunc].
type Handler struct {
	deps []use
	// bind makes the handler of a route, given the slots of its
	// dependencies and the route's success status.
	bind    func(in []int, status int) func(c *gin.Context, f *frame) error
	publish bool
	result  reflect.Type // what a JSON handler returns; nil for the others
	status  int          // a JSON handler's default success status

	once       sync.Once
	fn         gin.HandlerFunc
	compileErr any // what compiling for HandlerFunc panicked with
}

// HandlerFunc returns h as a plain gin.HandlerFunc, for routes registered on
// gin directly: its dependencies are resolved for each request, with no router
// dependencies, no overrides and no provided values (a [Provided]
// dependency needs a Router: HandlerFunc panics, every time), and errors
// rendered by [RenderDetail].
func (h *Handler) HandlerFunc() gin.HandlerFunc {
	h.once.Do(func() {
		defer func() { h.compileErr = recover() }()
		h.fn = compile(nil, h, h.status, compileConfig{}).serve
	})
	if h.compileErr != nil {
		panic(h.compileErr)
	}
	return h.fn
}

// Handle adapts plain gin handlers, run in order until one aborts. They
// read the values of the route's dependencies (router, group and route
// dependencies) with [Get]: the way to move one route at a time to gindepends.
// They are not a gin chain: c.Next() in one of them does not run the next.
//
// Handle and Handle1..8 are for handlers that write the response
// themselves; prefer [JSON] and JSON1..8 otherwise. Such a handler reports a
// failure the gin way, with c.Error(err) or by aborting with an error
// status (c.AbortWithStatusJSON(409, ...)): the cleanups then see it (the
// error, or [ErrAborted]), so that a [Resource] rolls back. A handler that
// writes c.JSON(500, ...) and returns has, as far as gin knows, succeeded.
func Handle(handlers ...gin.HandlerFunc) *Handler {
	chain := append([]gin.HandlerFunc(nil), handlers...)
	for i, h := range chain {
		if h == nil {
			panic(fmt.Sprintf("di: Handle: handler %d is nil", i+1))
		}
	}
	return &Handler{publish: true, bind: func([]int, int) func(*gin.Context, *frame) error {
		return func(c *gin.Context, _ *frame) error {
			for _, h := range chain {
				if c.IsAborted() {
					return nil
				}
				h(c)
			}
			return nil
		}
	}}
}

// NoContent is what a JSON handler returns when its answer has no body: the
// route answers 204 (or its [Status]) with nothing in it.
type NoContent struct{}

// JSON adapts a handler that returns its answer, as a FastAPI path function
// does, here with no dependencies; JSON1..8 take one to eight.
//
// A value is written as JSON with the route's success status: 200 by
// default (204, with no body, for [NoContent]), or what the route's [Status]
// option says. An error goes the way of a dependency's: the router's error
// renderer answers it (an [*HTTPError] with its status and detail, anything
// else a 500 that says nothing of it), and every cleanup sees it, so that a
// [Resource] rolls back. The route registry records Out, for the docs'
// response model.
func JSON[Out any](fn func(c *gin.Context) (Out, error)) *Handler {
	return newJSONHandler("JSON", nil, fn == nil, func([]int) func(*gin.Context, *frame) (Out, error) {
		return func(c *gin.Context, _ *frame) (Out, error) { return fn(c) }
	})
}

func newJSONHandler[Out any](what string, deps []use, nilFn bool, bind func([]int) func(*gin.Context, *frame) (Out, error)) *Handler {
	h := newHandler(what, deps, nilFn, nil)
	h.result = reflect.TypeFor[Out]()
	_, noContent := any(*new(Out)).(NoContent)
	h.status = http.StatusOK
	if noContent {
		h.status = http.StatusNoContent
	}
	h.bind = func(in []int, status int) func(*gin.Context, *frame) error {
		call := bind(in)
		return func(c *gin.Context, f *frame) error {
			out, err := call(c, f)
			switch {
			case err != nil:
				return err
			case c.IsAborted() || c.Writer.Written():
				// The handler answered itself: a second body would follow
				// the first.
				return nil
			case noContent || !bodyAllowed(status):
				c.Status(status)
			default:
				c.JSON(status, out)
			}
			return nil
		}
	}
	return h
}

func newHandler(what string, deps []use, nilFn bool, bind func([]int) func(*gin.Context, *frame)) *Handler {
	if nilFn {
		panic(fmt.Sprintf("di: %s: the handler function is nil", what))
	}
	for i, u := range deps {
		if u.d == nil {
			panic(fmt.Sprintf("di: %s: argument %d is a zero di.Dep; declare it (di.Func, di.Resource, a binding or a scheme) before it is used", what, i+1))
		}
	}
	h := &Handler{deps: deps}
	if bind != nil {
		h.bind = func(in []int, _ int) func(*gin.Context, *frame) error {
			call := bind(in)
			return func(c *gin.Context, f *frame) error {
				call(c, f)
				return nil
			}
		}
	}
	return h
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
