package di

import (
	"fmt"
	"maps"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

// Router registers routes on a gin router with their dependencies, and keeps
// the registry of those routes: method, path and security requirements, from
// which the docs are built. Groups made with [Router.Group] and [Router.With]
// share their root's registry, error renderer and overrides.
type Router struct {
	reg    *registry
	routes gin.IRouter
	deps   []use
}

// Option configures a root [Router].
type Option func(*Router)

// Dependencies adds dependencies that every route of the router runs before
// its own, their values discarded (FastAPI's FastAPI(dependencies=[...])).
func Dependencies(deps ...Dependency) Option {
	return func(r *Router) { r.deps = append(r.deps, uses(deps)...) }
}

// RenderErrors sets how the router's routes answer errors; the default is
// [RenderDetail].
func RenderErrors(render ErrorRenderer) Option {
	return func(r *Router) { r.reg.cfg.render = render }
}

// Provide gives the value of dep, a [Provided] dependency, to every route of
// the router: di.Provide(tokens, validator). The value must be assignable
// to T (an implementation of an interface T, say); Provide panics
// otherwise, and when dep was not declared with Provided.
func Provide[T, V any](dep Dep[T], value V) Option {
	mustDeclared("Provide", dep.u)
	if !dep.u.d.provided {
		panic(fmt.Sprintf("di: Provide(%q): only a dependency declared with di.Provided takes a value from the router", dep.u.d.name))
	}
	v, ok := any(value).(T)
	if !ok {
		panic(fmt.Sprintf("di: Provide(%q): a %T is not a %v", dep.u.d.name, value, reflect.TypeFor[T]()))
	}
	return func(r *Router) {
		if r.reg.cfg.provided == nil {
			r.reg.cfg.provided = map[*decl]any{}
		}
		r.reg.cfg.provided[dep.u.d] = v
	}
}

// PublishValues keeps each request's values on its gin context, so that
// any gin handler or middleware of the request reads them with [Get], also
// after c.Next() returns (to log the current user, say). It costs an
// allocation per request: the values can no longer be pooled.
func PublishValues() Option {
	return func(r *Router) { r.reg.cfg.publish = true }
}

// NewRouter returns a Router that registers routes on routes, a *gin.Engine
// or a *gin.RouterGroup.
func NewRouter(routes gin.IRouter, opts ...Option) *Router {
	if routes == nil {
		panic("di: NewRouter needs a gin router: a *gin.Engine or a *gin.RouterGroup")
	}
	r := &Router{reg: &registry{cfg: compileConfig{render: RenderDetail}}, routes: routes}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// Group returns a router for the routes under relativePath, which run deps
// after those of r (FastAPI's APIRouter(dependencies=[...])), and r's gin
// middleware, then the group's own ([Router.Use]).
func (r *Router) Group(relativePath string, deps ...Dependency) *Router {
	return &Router{reg: r.reg, routes: r.routes.Group(relativePath), deps: concat(r.deps, uses(deps))}
}

// With returns a router for routes that run deps after those of r, at the
// same path (a route's own dependencies=[...]): r.With(verifyKey).GET(...).
// Middleware added to it with [Router.Use] stays its own.
func (r *Router) With(deps ...Dependency) *Router {
	return &Router{reg: r.reg, routes: r.routes.Group(""), deps: concat(r.deps, uses(deps))}
}

// Use adds gin middleware to the routes registered on r from now on, as
// gin's Use does (on an engine, to all of them, gin's own 404s included).
// For a request, gin runs the engine's middleware, then the groups', then a
// route's own ([Middleware]), then the route's dependencies and handler.
func (r *Router) Use(middleware ...gin.HandlerFunc) *Router {
	for i, mw := range middleware {
		if mw == nil {
			panic(fmt.Sprintf("di: Use: middleware %d is nil", i+1))
		}
	}
	r.routes.Use(middleware...)
	return r
}

// RouteOption configures one route: [Status], [Middleware].
type RouteOption func(*routeOptions)

type routeOptions struct {
	status     int
	middleware []gin.HandlerFunc
}

// Status sets the success status of a route whose handler returns its
// answer ([JSON]): http.StatusCreated for a POST that creates, say. A
// handler that writes its own response sets its own status; Status on its
// route panics.
func Status(code int) RouteOption {
	if code < 200 || code > 299 {
		panic(fmt.Sprintf("di: Status(%d): a success status is 2xx; errors are returned, and rendered by the router", code))
	}
	return func(o *routeOptions) { o.status = code }
}

// Middleware runs gin middleware for one route, after the engine's and the
// groups', before the route's dependencies (gin's r.GET(path, mw, handler)).
func Middleware(middleware ...gin.HandlerFunc) RouteOption {
	for i, mw := range middleware {
		if mw == nil {
			panic(fmt.Sprintf("di: Middleware: middleware %d is nil", i+1))
		}
	}
	return func(o *routeOptions) { o.middleware = append(o.middleware, middleware...) }
}

// Handle registers h for method and relativePath. The route's dependency
// graph is compiled now: wiring mistakes panic here, not on a request.
func (r *Router) Handle(method, relativePath string, h *Handler, opts ...RouteOption) {
	if h == nil {
		panic(fmt.Sprintf("di: %s %s: nil handler; make one with di.JSON, di.Handle or their numbered forms", method, relativePath))
	}
	var o routeOptions
	for _, opt := range opts {
		opt(&o)
	}
	status := h.status
	if o.status != 0 {
		if h.result == nil {
			panic(fmt.Sprintf("di: %s %s: di.Status is for handlers that return their answer (di.JSON...); this one writes its own", method, relativePath))
		}
		status = o.status
	}
	all := concat(r.deps, h.deps)
	rt := &route{deps: r.deps, handler: h, status: status, info: Route{
		Method:   method,
		Path:     joinPaths(basePath(r.routes), relativePath),
		Security: securityOf(all),
		Bindings: bindingsOf(all),
		Status:   status,
		Result:   h.result,
	}}
	rt.info.Errors = errorsOf(rt.info.Security, rt.info.Bindings)
	for _, req := range rt.info.Security {
		if sc, ok := req.Scheme.(interface{ CheckScopes([]string) error }); ok {
			if err := sc.CheckScopes(req.Scopes); err != nil {
				panic(fmt.Sprintf("di: %s %s: %v", method, rt.info.Path, err))
			}
		}
	}
	handlers := append(slices.Clip(o.middleware), rt.serve)
	r.reg.add(rt, func() { r.routes.Handle(method, relativePath, handlers...) })
}

// GET registers h for GET requests to relativePath.
func (r *Router) GET(relativePath string, h *Handler, opts ...RouteOption) {
	r.Handle(http.MethodGet, relativePath, h, opts...)
}

// POST registers h for POST requests to relativePath.
func (r *Router) POST(relativePath string, h *Handler, opts ...RouteOption) {
	r.Handle(http.MethodPost, relativePath, h, opts...)
}

// PUT registers h for PUT requests to relativePath.
func (r *Router) PUT(relativePath string, h *Handler, opts ...RouteOption) {
	r.Handle(http.MethodPut, relativePath, h, opts...)
}

// PATCH registers h for PATCH requests to relativePath.
func (r *Router) PATCH(relativePath string, h *Handler, opts ...RouteOption) {
	r.Handle(http.MethodPatch, relativePath, h, opts...)
}

// DELETE registers h for DELETE requests to relativePath.
func (r *Router) DELETE(relativePath string, h *Handler, opts ...RouteOption) {
	r.Handle(http.MethodDelete, relativePath, h, opts...)
}

// HEAD registers h for HEAD requests to relativePath.
func (r *Router) HEAD(relativePath string, h *Handler, opts ...RouteOption) {
	r.Handle(http.MethodHead, relativePath, h, opts...)
}

// OPTIONS registers h for OPTIONS requests to relativePath.
func (r *Router) OPTIONS(relativePath string, h *Handler, opts ...RouteOption) {
	r.Handle(http.MethodOptions, relativePath, h, opts...)
}

// Routes lists the routes registered through the router and its groups, in
// the order they were registered.
func (r *Router) Routes() []Route {
	r.reg.mu.Lock()
	defer r.reg.mu.Unlock()
	out := make([]Route, len(r.reg.routes))
	for i, rt := range r.reg.routes {
		out[i] = rt.info
		out[i].Security = slices.Clone(rt.info.Security)
		out[i].Bindings = slices.Clone(rt.info.Bindings)
		out[i].Errors = slices.Clone(rt.info.Errors)
		for j := range out[i].Security {
			out[i].Security[j].Scopes = slices.Clone(out[i].Security[j].Scopes)
		}
	}
	return out
}

// Override makes every route of r's root router use replacement wherever
// original is used, at every level, until [Router.ResetOverrides]
// (FastAPI's dependency_overrides, but scoped to one router so that parallel
// tests stay apart). The replacement keeps the scopes of the places it takes
// and their cache key; its own dependencies are resolved. The registry, and
// so the docs, still describe the original.
//
// The routes are recompiled at once; a cycle brought in by the replacement
// panics and leaves the overrides as they were.
func Override[T any](r *Router, original, replacement Dep[T]) {
	mustDeclared("Override", original.u)
	mustDeclared("Override", replacement.u)
	r.reg.setOverrides(func(m map[*decl]use) { m[original.u.d] = replacement.u })
}

// ResetOverrides removes every override of r's root router.
func (r *Router) ResetOverrides() {
	r.reg.setOverrides(func(m map[*decl]use) { clear(m) })
}

// Route is a route registered through a [Router].
type Route struct {
	Method string
	Path   string
	// Security lists the schemes the route's dependencies reach, merged by
	// scheme name in FastAPI's order (router, groups, route, handler; depth
	// first), each with the scopes required above it, unioned in first-seen
	// order. All of them are required, but those marked Optional.
	Security []SecurityRequirement
	// Status is the success status of a handler that returns its answer
	// ([JSON]); 0 for one that writes its own response.
	Status int
	// Result is the type such a handler returns, for the docs' response
	// model; nil for the others.
	Result reflect.Type
	// Bindings are what the route's dependencies read from the request
	// ([Query], [Path], [Header], [Cookie], [Form], [Body], [Describe]),
	// depth first in declaration order, each declaration once.
	Bindings []Binding
	// Errors are the statuses the library may answer instead of the
	// handler, in increasing order: 401 where a scheme is reached, 403 where
	// it requires scopes, 413 where a body has a size limit, 422 where
	// anything is bound. What the handler and dependencies return on their
	// own is theirs to document.
	Errors []int
}

// SecurityRequirement is one scheme a route requires, with its scopes.
type SecurityRequirement struct {
	Scheme SecurityScheme
	Scopes []string
	// Optional: the route reaches the scheme only under [Optional], and
	// answers without a credential for it.
	Optional bool
}

type registry struct {
	mu     sync.Mutex
	cfg    compileConfig
	routes []*route
}

type route struct {
	info    Route
	deps    []use
	handler *Handler
	status  int
	plan    atomic.Pointer[plan]
}

func (rt *route) serve(c *gin.Context) { rt.plan.Load().serve(c) }

// add compiles rt and registers it with gin, then records it: a route gin
// refuses (a conflict of paths) is not in the registry.
func (reg *registry) add(rt *route, register func()) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	rt.plan.Store(compile(rt.deps, rt.handler, rt.status, reg.cfg))
	register()
	reg.routes = append(reg.routes, rt)
}

func (reg *registry) setOverrides(change func(map[*decl]use)) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	cfg := reg.cfg
	cfg.overrides = maps.Clone(reg.cfg.overrides)
	if cfg.overrides == nil {
		cfg.overrides = map[*decl]use{}
	}
	change(cfg.overrides)
	plans := make([]*plan, len(reg.routes))
	for i, rt := range reg.routes {
		plans[i] = compile(rt.deps, rt.handler, rt.status, cfg)
	}
	reg.cfg = cfg
	for i, rt := range reg.routes {
		rt.plan.Store(plans[i])
	}
}

// securityOf walks a route's dependencies as FastAPI does for its docs:
// depth first, in declaration order, each cache key once.
func securityOf(deps []use) []SecurityRequirement {
	var reqs []SecurityRequirement
	seen := map[cacheKey]bool{}
	var visit func(u use, above []string, optional bool)
	visit = func(u use, above []string, optional bool) {
		scopes := union(slices.Clone(above), u.scopes)
		optional = optional || u.optional
		key := keyOf(u, scopes, optional)
		if seen[key] {
			return
		}
		seen[key] = true
		if s := u.d.scheme; s != nil {
			i := slices.IndexFunc(reqs, func(r SecurityRequirement) bool { return r.Scheme.SchemeName() == s.SchemeName() })
			if i < 0 {
				reqs = append(reqs, SecurityRequirement{Scheme: s, Scopes: []string{}, Optional: true})
				i = len(reqs) - 1
			}
			reqs[i].Scopes = union(reqs[i].Scopes, scopes)
			reqs[i].Optional = reqs[i].Optional && optional // required anywhere: required
		}
		for _, child := range u.d.deps {
			visit(child, scopes, optional)
		}
	}
	for _, u := range deps {
		visit(u, nil, false)
	}
	return reqs
}

func concat(a, b []use) []use { return append(slices.Clip(a), b...) }

func basePath(r gin.IRouter) string {
	if b, ok := r.(interface{ BasePath() string }); ok {
		return b.BasePath()
	}
	return "/"
}

// joinPaths joins as gin does, keeping a trailing slash.
func joinPaths(abs, rel string) string {
	if rel == "" {
		return abs
	}
	final := path.Join(abs, rel)
	if strings.HasSuffix(rel, "/") && !strings.HasSuffix(final, "/") {
		return final + "/"
	}
	return final
}
