// Package di resolves typed dependencies for Gin handlers, the way FastAPI's
// Depends and Security do for path operations.
//
// A dependency is declared once, at package level, from a function and the
// dependencies it needs:
//
//	var db = di.Resource("db", openSession)               // a value with a cleanup
//	var currentUser = di.Func1("currentUser", token, findUser)
//	var page = di.Query[Page]()                           // the query string, validated
//
// A handler names what it needs and gets typed values, not a bag of keys,
// and returns its answer or an error, as a FastAPI path function does:
//
//	api := di.NewRouter(engine)
//	api.GET("/items", di.JSON2(currentUser, page, listItems))
//	api.POST("/items", di.JSON2(currentUser, di.Body[Item](), createItem), di.Status(http.StatusCreated))
//
// [JSON] and JSON1..8 write the value as JSON (the route registry records
// its type, for the docs); an error is answered by the router's renderer and
// reaches every cleanup. [Handle] and Handle1..8 keep handlers that write
// their own response. Up to eight dependencies are taken as they are;
// beyond, group some in a dependency of their own.
//
// A value that main makes (a token validator, a database pool) is declared
// with [Provided] and given to the router with [Provide], so that what uses
// it can be declared at package level and tests can give another.
//
// # Resolution
//
// For each request, every dependency of the route runs once, depth first, in
// declaration order, however many times it is reached: its value is cached
// for the request. The cache key is FastAPI's: the declaration and, for a
// dependency that uses scopes, the set of scopes at that place. [Dep.NoCache]
// runs a dependency every time it is reached.
//
// [Security] requires scopes at one place; they reach every dependency below
// it, never its siblings. [Scopes] yields them to whoever asks, and security
// schemes ([Scheme]) enforce and document them. [Optional] makes
// authentication optional at one place: no credential, and the value there
// is nil.
//
// A [Resource] returns a [Cleanup]; cleanups run in reverse order once the
// handler has returned, also after an error, an abort or a panic, and see the
// request's error. By default they run after the handler wrote its response;
// [Dep.BeforeResponse] runs them before the response is sent, so that their
// error can still become it.
//
// # Static graphs
//
// The dependency graph of a route is known when the route is registered, and
// is compiled then to a flat plan: a request walks a slice of steps and keeps
// its values in a pooled frame of typed slots, with no reflection and no map
// lookups. Wiring mistakes (scopes that nothing reads, a zero Dep, a cycle
// brought in by an override, a cleanup that would outlive what it uses) panic
// at startup with a message that says how to fix them, never on a request.
//
// The same graph feeds the route registry ([Router.Routes]): for each route,
// its method, path and the security schemes it requires with their scopes,
// merged as FastAPI merges them for OpenAPI. A dependency says it is a
// security scheme by being declared with [Scheme].
//
// # Bindings
//
// [Query], [Path], [Header], [Cookie], [Form] and [Body] give a handler a
// struct filled from one part of the request with gin's binding (the form,
// uri, header, cookie and json tags) and checked with gin's validator (the
// binding tags: binding:"gte=1,lte=100", oneof, email...), and answer
// FastAPI's 422 when that fails: every problem found, each with its type,
// location, message and input. Declare each once, like any dependency:
//
//	type Page struct {
//		Limit int `form:"limit,default=10" binding:"gte=1,lte=100"`
//	}
//	var page = di.Query[Page]()
//
// As in gin, binding:"required" refuses the zero value: 0, "" or false
// count as missing, so leave it off a path id whose 0 is merely not found,
// and use a pointer for a field whose zero value is a value. Problems in
// several bindings of one route are reported together; a dependency that
// needs a binding that failed is not run, while the others are, so an
// authentication error still wins over a bad parameter.
//
// The route registry ([Router.Routes]) records each route's bindings, with
// their types, and the errors they may answer, from which the docs write
// the route's parameters and body. A dependency that reads the request
// itself says what it reads with [Describe].
//
// # Errors
//
// A dependency fails by returning an error. An [*HTTPError] is answered with
// its status, headers and {"detail": ...}; a [*ValidationError] (what the
// bindings [Query], [Path], [Header], [Cookie], [Form] and [Body] return)
// joins the request's 422, which lists every problem in FastAPI's shape; any
// other error is a 500 {"detail":"Internal Server Error"}, logged and never
// sent. [RenderErrors] changes the rendering, for example to [RenderProblem].
//
// # Gin, unchanged
//
// Routes are registered on gin; what comes out is a plain gin.HandlerFunc
// ([Handler.HandlerFunc]); plain gin handlers registered through a [Router]
// with [Handle] read the route's values with [Get]. Dependencies can be set on
// the router ([Dependencies]), a [Router.Group] or a route ([Router.With]),
// and replaced in tests with [Override], per router. Gin middleware goes
// where gin users put it: [Router.Use] on a router or group, [Middleware] on
// a route, run in gin's order before the route's dependencies.
package di
