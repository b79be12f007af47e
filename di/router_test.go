package di_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// step is a dependency that writes its name to j.
func step(j *journal, name string) di.Dep[string] {
	return di.Func(name, func(*gin.Context) (string, error) {
		j.add("%s", name)
		return name, nil
	})
}

func TestRouterGroupAndRouteDependenciesRunFirst(t *testing.T) {
	j := &journal{}
	e := gin.New()
	api := di.NewRouter(e, di.Dependencies(step(j, "app")))
	v1 := api.Group("/v1", step(j, "group"))
	admin := v1.Group("/admin", step(j, "subgroup"))
	admin.With(step(j, "route")).GET("/items", di.Handle1(step(j, "param"), func(c *gin.Context, v string) {
		j.add("handler got %s", v)
		c.String(200, "ok")
	}))
	expect(t, serve(e, "GET", "/v1/admin/items", ""), 200, "ok")
	if want := "app\ngroup\nsubgroup\nroute\nparam\nhandler got param"; j.String() != want {
		t.Fatalf("journal:\n%s\nwant:\n%s", j, want)
	}
}

func TestRouteDependencyFailureAborts(t *testing.T) {
	verifyKey := di.Func("verifyKey", func(c *gin.Context) (string, error) {
		if c.GetHeader("X-Key") != "fake-super-secret-key" {
			return "", di.Error(400, "X-Key header invalid")
		}
		return "ok", nil
	})
	ran := 0
	e := gin.New()
	api := di.NewRouter(e).With(verifyKey)
	api.GET("/items", di.Handle(func(c *gin.Context) { ran++; c.JSON(200, []string{"Portal Gun"}) }))
	expect(t, serve(e, "GET", "/items", ""), 400, `{"detail":"X-Key header invalid"}`)
	expect(t, serve(e, "GET", "/items", "", "X-Key", "fake-super-secret-key"), 200, `["Portal Gun"]`)
	if ran != 1 {
		t.Fatalf("handler ran %d times", ran)
	}
}

func TestRouterDependencySharesTheCacheWithTheHandler(t *testing.T) {
	j := &journal{}
	user := step(j, "user")
	e := gin.New()
	di.NewRouter(e, di.Dependencies(user)).GET("/", di.Handle1(user, func(c *gin.Context, u string) { c.String(200, u) }))
	expect(t, serve(e, "GET", "/", ""), 200, "user")
	if j.String() != "user" {
		t.Fatalf("ran: %q", j)
	}
}

func TestGroupsAreGinGroups(t *testing.T) {
	e := gin.New()
	g := e.Group("/api")
	api := di.NewRouter(g)
	one := di.Func("one", func(*gin.Context) (int, error) { return 1, nil })
	h := di.Handle1(one, func(c *gin.Context, v int) { c.String(200, "%s %d", c.Request.Method, v) })
	api.Group("/v2").GET("/x/", h)
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		api.Handle(m, "/m", h)
	}
	api.POST("/p", h)
	api.PUT("/p", h)
	api.PATCH("/p", h)
	api.DELETE("/p", h)
	api.OPTIONS("/p", h)
	api.HEAD("/p", h)
	api.GET("/p", h)
	expect(t, serve(e, "GET", "/api/v2/x/", ""), 200, "GET 1")
	expect(t, serve(e, "PATCH", "/api/p", ""), 200, "PATCH 1")
	var paths []string
	for _, r := range api.Routes() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	want := "GET /api/v2/x/,POST /api/m,PUT /api/m,PATCH /api/m,DELETE /api/m,OPTIONS /api/m," +
		"POST /api/p,PUT /api/p,PATCH /api/p,DELETE /api/p,OPTIONS /api/p,HEAD /api/p,GET /api/p"
	if strings.Join(paths, ",") != want {
		t.Fatalf("routes %s", strings.Join(paths, ","))
	}
}

// fakeScheme is a security scheme for tests.
type fakeScheme string

func (s fakeScheme) SchemeName() string { return string(s) }

// schemeDep is a scheme that reads a header and yields it.
func schemeDep(name string) di.Dep[string] {
	return di.Scheme(fakeScheme(name), func(c *gin.Context) (string, error) {
		if v := c.GetHeader(name); v != "" {
			return v, nil
		}
		return "", di.Error(401, "Not authenticated").WithHeader("WWW-Authenticate", "Bearer")
	})
}

// security renders a route's requirements as {"Scheme":[scopes]} lines.
func security(r di.Route) string {
	var parts []string
	for _, s := range r.Security {
		b, _ := json.Marshal(s.Scopes)
		parts = append(parts, fmt.Sprintf("%s:%s", s.Scheme.SchemeName(), b))
	}
	return strings.Join(parts, " ")
}

func TestRegistryListsSecurityLikeFastAPI(t *testing.T) {
	// FastAPI's tutorial005: /users/me/ needs ["me"], /users/me/items/
	// ["items", "me"], /status/ nothing.
	oauth2 := schemeDep("OAuth2PasswordBearer")
	currentUser := di.Func2("currentUser", di.Scopes, oauth2, func(_ *gin.Context, _ di.SecurityScopes, tok string) (string, error) { return tok, nil })
	activeUser := di.Func1("activeUser", di.Security(currentUser, "me"), func(_ *gin.Context, u string) (string, error) { return u, nil })
	apiKey := schemeDep("APIKeyHeader")

	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/users/me/", di.Handle1(activeUser, func(*gin.Context, string) {}))
	api.GET("/users/me/items/", di.Handle1(di.Security(activeUser, "items"), func(*gin.Context, string) {}))
	api.GET("/status/", di.Handle(func(*gin.Context) {}))
	// Merged by scheme, scopes unioned in first-seen order, depth first:
	// router deps, then route deps, then the handler's.
	api.With(di.Security(oauth2, "read")).GET("/merged", di.Handle2(di.Security(oauth2, "write", "read"), apiKey, func(*gin.Context, string, string) {}))
	// Scopes on a non-OAuth scheme are kept too.
	api.GET("/key", di.Handle1(di.Security(apiKey, "x"), func(*gin.Context, string) {}))

	want := []string{
		"GET /users/me/ OAuth2PasswordBearer:[\"me\"]",
		"GET /users/me/items/ OAuth2PasswordBearer:[\"items\",\"me\"]",
		"GET /status/ ",
		"GET /merged OAuth2PasswordBearer:[\"read\",\"write\"] APIKeyHeader:[]",
		"GET /key APIKeyHeader:[\"x\"]",
	}
	routes := api.Routes()
	if len(routes) != len(want) {
		t.Fatalf("%d routes", len(routes))
	}
	for i, r := range routes {
		if got := r.Method + " " + r.Path + " " + security(r); got != want[i] {
			t.Errorf("got  %s\nwant %s", got, want[i])
		}
	}
}

func TestRegistryIncludesAppLevelSchemes(t *testing.T) {
	// FastAPI 0.120.4: app-level dependencies that reach a scheme count.
	oauth2 := schemeDep("OAuth2AuthorizationCodeBearer")
	getToken := di.Func1("getToken", oauth2, func(_ *gin.Context, t string) (string, error) { return t, nil })
	e := gin.New()
	api := di.NewRouter(e, di.Dependencies(getToken))
	api.GET("/", di.Handle(func(c *gin.Context) { c.Status(204) }))
	api.GET("/rw", di.Handle1(di.Security(getToken, "read", "write"), func(*gin.Context, string) {}))
	routes := api.Routes()
	if got := security(routes[0]); got != `OAuth2AuthorizationCodeBearer:[]` {
		t.Fatalf("got %s", got)
	}
	if got := security(routes[1]); got != `OAuth2AuthorizationCodeBearer:["read","write"]` {
		t.Fatalf("got %s", got)
	}
	// Routes returns a copy.
	routes[1].Security[0].Scopes = nil
	routes[1].Security = nil
	if got := security(api.Routes()[1]); got != `OAuth2AuthorizationCodeBearer:["read","write"]` {
		t.Fatalf("registry changed through a copy: %s", got)
	}
	expect(t, serve(e, "GET", "/", ""), 401, `{"detail":"Not authenticated"}`)
	expect(t, serve(e, "GET", "/", "", "OAuth2AuthorizationCodeBearer", "tok"), 204, "")
}

func TestOverrideReplacesAtEveryLevel(t *testing.T) {
	realUser := di.Func("user", func(*gin.Context) (string, error) { return "", di.Error(401, "Not authenticated") })
	fakeUser := di.Func("fakeUser", func(*gin.Context) (string, error) { return "alice", nil })
	profile := di.Func1("profile", realUser, func(_ *gin.Context, u string) (string, error) { return "profile of " + u, nil })

	e := gin.New()
	api := di.NewRouter(e, di.Dependencies(realUser))
	api.GET("/profile", di.Handle1(profile, func(c *gin.Context, p string) { c.String(200, p) }))
	expect(t, serve(e, "GET", "/profile", ""), 401, `{"detail":"Not authenticated"}`)

	di.Override(api, realUser, fakeUser)
	expect(t, serve(e, "GET", "/profile", ""), 200, "profile of alice")

	// Routes registered after the override get it too.
	api.Group("/g").GET("/p", di.Handle1(profile, func(c *gin.Context, p string) { c.String(200, p) }))
	expect(t, serve(e, "GET", "/g/p", ""), 200, "profile of alice")

	api.ResetOverrides()
	expect(t, serve(e, "GET", "/profile", ""), 401, `{"detail":"Not authenticated"}`)
	expect(t, serve(e, "GET", "/g/p", ""), 401, `{"detail":"Not authenticated"}`)
}

func TestOverrideKeepsScopesAndResolvesItsOwnDependencies(t *testing.T) {
	scheme := schemeDep("OAuth2PasswordBearer")
	realUser := di.Func2("user", di.Scopes, scheme, func(*gin.Context, di.SecurityScopes, string) (string, error) { return "real", nil })
	name := di.Func("name", func(c *gin.Context) (string, error) { return c.Query("as"), nil })
	fakeUser := di.Func2("fakeUser", di.Scopes, name, func(_ *gin.Context, s di.SecurityScopes, n string) (string, error) {
		return n + " with " + s.String(), nil
	})
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/", di.Handle1(di.Security(realUser, "foo", "bar"), func(c *gin.Context, u string) { c.String(200, u) }))
	di.Override(api, realUser, fakeUser)
	expect(t, serve(e, "GET", "/?as=bob", ""), 200, "bob with foo bar")
	// The docs still describe the original.
	if got := security(api.Routes()[0]); got != `OAuth2PasswordBearer:["foo","bar"]` {
		t.Fatalf("registry: %s", got)
	}
}

func TestOverrideIsScopedToOneRouter(t *testing.T) {
	t.Parallel()
	user := di.Func("user", func(*gin.Context) (string, error) { return "real", nil })
	newApp := func() (*gin.Engine, *di.Router) {
		e := gin.New()
		api := di.NewRouter(e)
		api.GET("/", di.Handle1(user, func(c *gin.Context, u string) { c.String(200, u) }))
		return e, api
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			e, api := newApp()
			name := fmt.Sprint("user", i)
			if i%2 == 0 {
				di.Override(api, user, di.Func(name, func(*gin.Context) (string, error) { return name, nil }))
			} else {
				name = "real"
			}
			for range 50 {
				if got := serve(e, "GET", "/", "").Body.String(); got != name {
					t.Errorf("app %d got %q", i, got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestOverrideWhileServing(t *testing.T) {
	user := di.Func("user", func(*gin.Context) (string, error) { return "real", nil })
	fake := di.Func("fake", func(*gin.Context) (string, error) { return "fake", nil })
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/", di.Handle1(user, func(c *gin.Context, u string) { c.String(200, u) }))
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 200 {
			if got := serve(e, "GET", "/", "").Body.String(); got != "real" && got != "fake" {
				t.Errorf("got %q", got)
				return
			}
		}
	})
	for range 50 {
		di.Override(api, user, fake)
		api.ResetOverrides()
	}
	wg.Wait()
}

func TestOverrideCyclePanicsAndChangesNothing(t *testing.T) {
	user := di.Func("user", func(*gin.Context) (string, error) { return "real", nil })
	wrapper := di.Func1("wrapper", user, func(_ *gin.Context, u string) (string, error) { return "wrapped " + u, nil })
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/", di.Handle1(user, func(c *gin.Context, u string) { c.String(200, u) }))
	msg := mustPanic(t, func() { di.Override(api, user, wrapper) })
	if !strings.Contains(msg, "dependency cycle: wrapper -> wrapper") {
		t.Fatalf("panic %q", msg)
	}
	expect(t, serve(e, "GET", "/", ""), 200, "real")
}

// strictScheme knows only the scope "read".
type strictScheme string

func (s strictScheme) SchemeName() string { return string(s) }

func (s strictScheme) CheckScopes(scopes []string) error {
	for _, sc := range scopes {
		if sc != "read" {
			return fmt.Errorf("scope %q is not declared", sc)
		}
	}
	return nil
}

func TestSchemesCheckTheirScopesAtRegistration(t *testing.T) {
	scheme := di.Scheme(strictScheme("Strict"), func(*gin.Context) (string, error) { return "", nil })
	api := di.NewRouter(gin.New())
	api.GET("/ok", di.Handle1(di.Security(scheme, "read"), func(*gin.Context, string) {}))
	msg := mustPanic(t, func() {
		api.GET("/bad", di.Handle1(di.Security(scheme, "read", "write"), func(*gin.Context, string) {}))
	})
	if msg != `di: GET /bad: scope "write" is not declared` {
		t.Fatalf("panic %q", msg)
	}
	if len(api.Routes()) != 1 {
		t.Fatal("the refused route was registered")
	}
}
