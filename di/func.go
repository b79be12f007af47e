package di

import (
	"fmt"

	"github.com/gin-gonic/gin"
)

// Func declares a dependency computed by fn for each request (FastAPI's
// Depends). An error from fn ends the request: an [*HTTPError] is answered as
// it says, a [*ValidationError] joins the request's 422, anything else is a
// 500 that does not leak.
func Func[T any](name string, fn func(c *gin.Context) (T, error)) Dep[T] {
	return declareValue[T](name, nil, false, fn == nil, func(s site) runFunc {
		return func(c *gin.Context, f *frame) error {
			v, err := fn(c)
			return put(f, s, v, nil, err)
		}
	})
}

// Func1 declares a dependency computed from one other dependency.
func Func1[A, T any](name string, a Dep[A], fn func(c *gin.Context, a A) (T, error)) Dep[T] {
	return declareValue[T](name, []use{a.u}, false, fn == nil, func(s site) runFunc {
		ia := s.in[0]
		return func(c *gin.Context, f *frame) error {
			v, err := fn(c, load[A](f, ia))
			return put(f, s, v, nil, err)
		}
	})
}

// Func2 declares a dependency computed from two other dependencies.
func Func2[A, B, T any](name string, a Dep[A], b Dep[B], fn func(c *gin.Context, a A, b B) (T, error)) Dep[T] {
	return declareValue[T](name, []use{a.u, b.u}, false, fn == nil, func(s site) runFunc {
		ia, ib := s.in[0], s.in[1]
		return func(c *gin.Context, f *frame) error {
			v, err := fn(c, load[A](f, ia), load[B](f, ib))
			return put(f, s, v, nil, err)
		}
	})
}

// Func3 declares a dependency computed from three other dependencies.
func Func3[A, B, C, T any](name string, a Dep[A], b Dep[B], c Dep[C], fn func(c *gin.Context, a A, b B, cc C) (T, error)) Dep[T] {
	return declareValue[T](name, []use{a.u, b.u, c.u}, false, fn == nil, func(s site) runFunc {
		ia, ib, ic := s.in[0], s.in[1], s.in[2]
		return func(c *gin.Context, f *frame) error {
			v, err := fn(c, load[A](f, ia), load[B](f, ib), load[C](f, ic))
			return put(f, s, v, nil, err)
		}
	})
}

// Func4 declares a dependency computed from four other dependencies.
func Func4[A, B, C, D, T any](name string, a Dep[A], b Dep[B], c Dep[C], d Dep[D], fn func(c *gin.Context, a A, b B, cc C, d D) (T, error)) Dep[T] {
	return declareValue[T](name, []use{a.u, b.u, c.u, d.u}, false, fn == nil, func(s site) runFunc {
		ia, ib, ic, id := s.in[0], s.in[1], s.in[2], s.in[3]
		return func(c *gin.Context, f *frame) error {
			v, err := fn(c, load[A](f, ia), load[B](f, ib), load[C](f, ic), load[D](f, id))
			return put(f, s, v, nil, err)
		}
	})
}

// Cleanup releases what a [Resource] acquired. It receives the request's
// error: nil on success, else the error that ended the request (a
// dependency's error, the last of the handler's c.Errors, or one matching
// [ErrPanic]) joined with the errors of the cleanups that ran before it. It
// returns its own failure, or nil.
type Cleanup func(err error) error

// Resource declares a dependency with a cleanup (FastAPI's dependency with
// yield): fn acquires the value and returns how to release it, or a nil
// Cleanup when there is nothing to release. Cleanups run once the handler has
// returned, in the reverse order of acquisition, also when the handler or a
// later dependency fails, aborts or panics. If fn returns an error, it
// acquired nothing and no cleanup of its runs.
//
// By default a cleanup runs after the handler, before the route's gin handler
// returns: what the handler wrote is in the response writer already, so the
// status is fixed, but a streamed body has been written in full. An error
// from such a cleanup becomes the response only if nothing was written yet;
// otherwise it is logged. Use [Dep.BeforeResponse] where the cleanup's
// outcome must decide the response.
func Resource[T any](name string, fn func(c *gin.Context) (T, Cleanup, error)) Dep[T] {
	return declareValue[T](name, nil, true, fn == nil, func(s site) runFunc {
		return func(c *gin.Context, f *frame) error {
			v, cl, err := fn(c)
			return put(f, s, v, cl, err)
		}
	})
}

// Resource1 declares a [Resource] acquired from one other dependency.
func Resource1[A, T any](name string, a Dep[A], fn func(c *gin.Context, a A) (T, Cleanup, error)) Dep[T] {
	return declareValue[T](name, []use{a.u}, true, fn == nil, func(s site) runFunc {
		ia := s.in[0]
		return func(c *gin.Context, f *frame) error {
			v, cl, err := fn(c, load[A](f, ia))
			return put(f, s, v, cl, err)
		}
	})
}

// Resource2 declares a [Resource] acquired from two other dependencies.
func Resource2[A, B, T any](name string, a Dep[A], b Dep[B], fn func(c *gin.Context, a A, b B) (T, Cleanup, error)) Dep[T] {
	return declareValue[T](name, []use{a.u, b.u}, true, fn == nil, func(s site) runFunc {
		ia, ib := s.in[0], s.in[1]
		return func(c *gin.Context, f *frame) error {
			v, cl, err := fn(c, load[A](f, ia), load[B](f, ib))
			return put(f, s, v, cl, err)
		}
	})
}

// Resource3 declares a [Resource] acquired from three other dependencies.
func Resource3[A, B, C, T any](name string, a Dep[A], b Dep[B], c Dep[C], fn func(c *gin.Context, a A, b B, cc C) (T, Cleanup, error)) Dep[T] {
	return declareValue[T](name, []use{a.u, b.u, c.u}, true, fn == nil, func(s site) runFunc {
		ia, ib, ic := s.in[0], s.in[1], s.in[2]
		return func(c *gin.Context, f *frame) error {
			v, cl, err := fn(c, load[A](f, ia), load[B](f, ib), load[C](f, ic))
			return put(f, s, v, cl, err)
		}
	})
}

// Resource4 declares a [Resource] acquired from four other dependencies.
func Resource4[A, B, C, D, T any](name string, a Dep[A], b Dep[B], c Dep[C], d Dep[D], fn func(c *gin.Context, a A, b B, cc C, d D) (T, Cleanup, error)) Dep[T] {
	return declareValue[T](name, []use{a.u, b.u, c.u, d.u}, true, fn == nil, func(s site) runFunc {
		ia, ib, ic, id := s.in[0], s.in[1], s.in[2], s.in[3]
		return func(c *gin.Context, f *frame) error {
			v, cl, err := fn(c, load[A](f, ia), load[B](f, ib), load[C](f, ic), load[D](f, id))
			return put(f, s, v, cl, err)
		}
	})
}

// Scheme declares a security scheme as a dependency: fn reads the credential
// from the request, and scheme describes it. The route registry lists the
// scheme, with the scopes required above it, for every route that reaches it;
// that is how the docs learn each route's security. Packages of schemes (see
// ginauth) build on this; applications rarely call it.
//
// Like FastAPI's security classes, a scheme uses scopes: it is resolved once
// per distinct set of scopes in a request.
func Scheme[T any](scheme SecurityScheme, fn func(c *gin.Context) (T, error)) Dep[T] {
	if scheme == nil {
		panic("di: Scheme needs a SecurityScheme")
	}
	d := Func(scheme.SchemeName(), fn).u.d
	d.scheme = scheme
	d.usesScopes = true
	return Dep[T]{u: use{d: d}}
}

// SecurityScheme describes how a dependency authenticates a request. The di
// package only needs its name, which the registry merges on, as OpenAPI does;
// a scheme also describes itself for the docs through methods of its own,
// which the packages that write the docs look for.
//
// A scheme that also has a method CheckScopes([]string) error is asked, when
// a route is registered, whether it knows the scopes the route requires of
// it; an error panics there, naming the route.
type SecurityScheme interface {
	SchemeName() string
}

// put stores what a declared function returned, and its cleanup.
func put[T any](f *frame, s site, v T, cl Cleanup, err error) error {
	if err != nil {
		return err
	}
	if cl != nil {
		f.deferCleanup(s.before, cl)
	}
	store(f, s.out, v)
	return nil
}

func declareValue[T any](name string, deps []use, resource, nilFn bool, compile func(site) runFunc) Dep[T] {
	if nilFn {
		panic(fmt.Sprintf("di: %q: the function is nil", name))
	}
	d := declare(name, deps, compile, newSlot[T])
	d.resource = resource
	return Dep[T]{u: use{d: d}}
}
