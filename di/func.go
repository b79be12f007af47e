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
	d.credentials = true
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
