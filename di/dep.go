package di

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// Dep is a typed dependency: a value of type T that the resolver produces
// once per request for every handler that declares it.
//
// Declare a Dep once, as a package-level variable, with [Func], [Resource], a
// binding ([Query], [Body], ...) or a security scheme ([Scheme]); then use it
// as an argument of other declarations and of handlers. A Dep is a small
// value: copying it keeps its identity, and the methods below return adjusted
// copies for one place of use, leaving the declaration untouched.
//
// The zero Dep declares nothing; using one panics at startup.
type Dep[T any] struct {
	u use
}

// Dependency is any [Dep], whatever its type. Routers, groups and routes
// take Dependencies whose values are discarded (FastAPI's dependencies=[...]).
type Dependency interface {
	dependency() use
}

func (d Dep[T]) dependency() use { return d.u }

// Scheme is the security scheme d was declared with ([Scheme]), nil for
// any other dependency.
func (d Dep[T]) Scheme() SecurityScheme {
	if d.u.d == nil {
		return nil
	}
	return d.u.d.scheme
}

// Name is the name the dependency was declared with.
func (d Dep[T]) Name() string {
	if d.u.d == nil {
		return "<zero di.Dep>"
	}
	return d.u.d.name
}

// NoCache returns the dependency for a place where it must run every time it
// is reached, instead of once per request (FastAPI's use_cache=False). The
// value it produces there is also the one cached for other places, if none was
// cached before.
func (d Dep[T]) NoCache() Dep[T] {
	d.u.noCache = true
	return d
}

// BeforeResponse returns a [Resource] for a place where its cleanup must run
// before the response is sent (FastAPI's scope="function"). The route's
// response is then buffered until those cleanups have run, so that an error
// they return becomes the response instead of the handler's: a database
// transaction that fails to commit answers 500, not 200. A call to Flush or a
// hijack ends the buffering.
//
// It panics when d is not a Resource: only resources have a cleanup to time.
func (d Dep[T]) BeforeResponse() Dep[T] {
	mustDeclared("BeforeResponse", d.u)
	if !d.u.d.resource {
		panic(fmt.Sprintf("di: BeforeResponse on %q: it has no cleanup; only a dependency declared with di.Resource can run its cleanup before the response", d.u.d.name))
	}
	d.u.before = true
	return d
}

// Security returns dep for a place that requires scopes (FastAPI's Security).
// The scopes pass to every dependency below it, through plain dependencies
// too, but never to its siblings; [Scopes] yields them, and security schemes
// record them in the route registry and enforce them.
//
// Unlike FastAPI, scopes on a dependency that nothing below reads (no
// security scheme and no [Scopes]) panic: such scopes would never be checked,
// and a route that looks protected would not be.
func Security[T any](dep Dep[T], scopes ...string) Dep[T] {
	mustDeclared("Security", dep.u)
	if len(scopes) > 0 && !dep.u.d.usesScopes {
		panic(fmt.Sprintf("di: Security(%q, %q): nothing under %q reads scopes (no security scheme, no di.Scopes), so these scopes would never be checked; require them on a dependency that reaches a scheme", dep.u.d.name, scopes, dep.u.d.name))
	}
	for _, s := range scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			panic(fmt.Sprintf("di: Security(%q): scope %q is empty or holds white space; a scope is one token (RFC 6749 §3.3)", dep.u.d.name, s))
		}
	}
	dep.u.scopes = union(slices.Clip(dep.u.scopes), scopes)
	return dep
}

// Optional returns dep for a place where authentication is optional (what
// FastAPI's auto_error=False does for a whole scheme, for one use): when a
// security scheme below dep finds no credential in the request, dep's value
// there is its zero value (no user: nil), and nothing between the scheme and
// dep runs. A credential that is present but bad still fails, and the scopes
// required below are checked when there is one. The route registry marks
// the requirement optional, which the docs show as "or no security at all".
//
// It panics when nothing below dep reads credentials.
func Optional[T any](dep Dep[T]) Dep[T] {
	mustDeclared("Optional", dep.u)
	if !dep.u.d.credentials {
		panic(fmt.Sprintf("di: Optional(%q): nothing under %q reads credentials (no security scheme), so none could be missing", dep.u.d.name, dep.u.d.name))
	}
	dep.u.optional = true
	return dep
}

// MissingCredential marks answer, the error a security scheme gives a
// request that has no credential for it (FastAPI's 401 "Not
// authenticated"), so that [Optional] tells it from a credential that is
// present but bad. It renders as answer does. Packages of schemes (see
// ginauth) return it; applications rarely need to.
func MissingCredential(answer error) error { return &missingCredential{answer} }

type missingCredential struct{ answer error }

func (m *missingCredential) Error() string { return m.answer.Error() }
func (m *missingCredential) Unwrap() error { return m.answer }

// isMissingCredential unwraps by hand (find): errors.As would allocate, on
// what is, under Optional, the path of every anonymous request.
func isMissingCredential(err error) bool {
	_, ok := find[*missingCredential](err)
	return ok
}

// Provided declares a dependency whose value the router provides, with
// [Provide]: what main builds and closes, such as a token validator or a
// database pool, while the dependencies that use it are declared at package
// level. Tests provide another value, or override it. A route that reaches
// it on a router that does not provide it panics at registration.
func Provided[T any](name string) Dep[T] {
	d := declare(name, nil, func(s site) runFunc {
		v, _ := s.provided.(T)
		return func(_ *gin.Context, f *frame) error {
			store(f, s.out, v)
			return nil
		}
	}, newSlot[T])
	d.provided = true
	return Dep[T]{u: use{d: d}}
}

// SecurityScopes are the scopes required where [Scopes] is used: those of
// every [Security] above it, outermost first, without repeats (FastAPI's
// SecurityScopes). The value is shared by the requests of a route, so it
// hands out copies.
type SecurityScopes struct {
	scopes []string
	joined string
}

// NewSecurityScopes returns the SecurityScopes of scopes, for tests that
// call a dependency's function directly.
func NewSecurityScopes(scopes ...string) SecurityScopes {
	return SecurityScopes{scopes: slices.Clone(scopes), joined: strings.Join(scopes, " ")}
}

// List returns the scopes (FastAPI's scopes), an empty list when none are
// required.
func (s SecurityScopes) List() []string { return append([]string{}, s.scopes...) }

// String is the scopes joined by spaces, as in an OAuth 2.0 scope parameter
// (FastAPI's scope_str).
func (s SecurityScopes) String() string { return s.joined }

// Has reports whether scope is among the required scopes.
func (s SecurityScopes) Has(scope string) bool { return slices.Contains(s.scopes, scope) }

// All yields the scopes, outermost first, without copying them.
func (s SecurityScopes) All() iter.Seq[string] { return slices.Values(s.scopes) }

// Len is the number of scopes.
func (s SecurityScopes) Len() int { return len(s.scopes) }

// Scopes is a dependency that yields the scopes required at the place where
// it is used (FastAPI's SecurityScopes). A dependency that takes Scopes is
// resolved once per distinct set of scopes in a request.
var Scopes = Dep[SecurityScopes]{u: use{d: &decl{
	name:       "di.Scopes",
	usesScopes: true,
	slot:       newSlot[SecurityScopes],
	compile: func(s site) runFunc {
		v := NewSecurityScopes(s.scopes...)
		return func(_ *gin.Context, f *frame) error {
			store(f, s.out, v)
			return nil
		}
	},
}}}

// use is one place where a declaration is used: what it needs there.
type use struct {
	d        *decl
	scopes   []string // the scopes required at this place, beyond those above it
	noCache  bool
	before   bool
	optional bool // a missing credential below makes the value zero here
}

// decl is a declared dependency, whatever its type: the typed constructors
// capture T in slot and compile, so the resolver itself needs no reflection.
type decl struct {
	name        string
	deps        []use
	scheme      SecurityScheme // set when the dependency reads credentials
	usesScopes  bool           // it, or something below it, reads scopes
	credentials bool           // it, or something below it, is a security scheme
	resource    bool           // it returns a cleanup
	provided    bool           // its value comes from the router: see Provided
	binding     *Binding       // what it reads from the request, for the docs
	slot        func() cell
	compile     func(site) runFunc
}

// site is where the compiler placed one step of a plan.
type site struct {
	in       []int    // slots of the arguments
	out      int      // slot of the result
	scopes   []string // effective scopes at this place
	before   bool     // cleanup before the response
	provided any      // the value of a Provided dependency
}

// runFunc computes one dependency into its slot of the frame.
type runFunc func(c *gin.Context, f *frame) error

func declare(name string, deps []use, compile func(site) runFunc, slot func() cell) *decl {
	if name == "" {
		panic("di: a dependency needs a name: it appears in errors and logs")
	}
	d := &decl{name: name, deps: deps, slot: slot, compile: compile}
	for i, u := range deps {
		if u.d == nil {
			panic(fmt.Sprintf("di: %q: argument %d is a zero di.Dep; declare it (di.Func, di.Resource, a binding or a scheme) before it is used", name, i+1))
		}
		if u.d.usesScopes || len(u.scopes) > 0 {
			d.usesScopes = true
		}
		d.credentials = d.credentials || u.d.credentials
	}
	return d
}

func mustDeclared(what string, u use) {
	if u.d == nil {
		panic(fmt.Sprintf("di: %s on a zero di.Dep; declare it (di.Func, di.Resource, a binding or a scheme) before it is used", what))
	}
}

func uses(deps []Dependency) []use {
	out := make([]use, len(deps))
	for i, d := range deps {
		if d == nil {
			panic(fmt.Sprintf("di: dependency %d is nil", i+1))
		}
		out[i] = d.dependency()
		mustDeclared("a router, group or route dependency", out[i])
	}
	return out
}

// union appends to a the elements of b not yet in it, keeping first-seen order.
func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
