package di_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// counter is a dependency that counts its calls in one test.
func counter(name string, n *atomic.Int32) di.Dep[int32] {
	return di.Func(name, func(*gin.Context) (int32, error) { return n.Add(1), nil })
}

func TestCachedOncePerRequest(t *testing.T) {
	// FastAPI's test_dependency_cache: a counter used by the endpoint and by
	// a sub-dependency runs once.
	var n atomic.Int32
	count := counter("count", &n)
	sub := di.Func1("sub", count, func(_ *gin.Context, v int32) (int32, error) { return v, nil })

	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/counter", di.Handle2(count, sub, func(c *gin.Context, a, b int32) {
		c.JSON(200, gin.H{"counter": a, "subcounter": b})
	}))
	expect(t, serve(e, "GET", "/counter", ""), 200, `{"counter":1,"subcounter":1}`)
	expect(t, serve(e, "GET", "/counter", ""), 200, `{"counter":2,"subcounter":2}`)
}

func TestNoCacheRunsEveryTime(t *testing.T) {
	// use_cache=False: the endpoint's counter runs again (2), the
	// sub-dependency got the first value (1).
	var n atomic.Int32
	count := counter("count", &n)
	sub := di.Func1("sub", count, func(_ *gin.Context, v int32) (int32, error) { return v, nil })

	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/counter", di.Handle2(sub, count.NoCache(), func(c *gin.Context, s, a int32) {
		c.JSON(200, gin.H{"counter": a, "subcounter": s})
	}))
	expect(t, serve(e, "GET", "/counter", ""), 200, `{"counter":2,"subcounter":1}`)
}

func TestNoCacheValueIsCachedForOthers(t *testing.T) {
	// FastAPI keeps the first value stored in the cache for everyone else,
	// even when a no-cache use put it there.
	var n atomic.Int32
	count := counter("count", &n)
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle3(count.NoCache(), count, count.NoCache(), func(c *gin.Context, a, b, cc int32) {
		c.String(200, "%d %d %d", a, b, cc)
	}))
	expect(t, serve(e, "GET", "/", ""), 200, "1 1 2")
}

func TestSecurityScopesAreInTheCacheKey(t *testing.T) {
	// FastAPI's scope counter: Security(dep), Security(dep, ["scope"]),
	// Security(dep, ["scope"]) run dep 1, 2, 2 times. dep reads its scopes,
	// which is what makes scopes part of its key.
	var n atomic.Int32
	dep := di.Func1("dep", di.Scopes, func(*gin.Context, di.SecurityScopes) (int32, error) { return n.Add(1), nil })

	e := gin.New()
	di.NewRouter(e).GET("/scope-counter", di.Handle3(di.Security(dep), di.Security(dep, "scope"), di.Security(dep, "scope"),
		func(c *gin.Context, a, b, cc int32) {
			c.JSON(200, gin.H{"counter": a, "scope_counter_1": b, "scope_counter_2": cc})
		}))
	expect(t, serve(e, "GET", "/scope-counter", ""), 200, `{"counter":1,"scope_counter_1":2,"scope_counter_2":2}`)
}

func TestScopesReachDescendantsNotSiblings(t *testing.T) {
	report := func(name string) di.Dep[string] {
		return di.Func1(name, di.Scopes, func(_ *gin.Context, s di.SecurityScopes) (string, error) {
			return name + "=" + s.String(), nil
		})
	}
	leaf := report("leaf")
	// plain passes scopes through without reading them.
	plain := di.Func1("plain", leaf, func(_ *gin.Context, v string) (string, error) { return v, nil })
	sibling := report("sibling")
	outer := di.Func2("outer", di.Security(plain, "me"), sibling, func(_ *gin.Context, a, b string) (string, error) {
		return a + "; " + b, nil
	})

	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle2(di.Security(outer, "items"), report("top"), func(c *gin.Context, v, top string) {
		c.String(200, v+"; "+top)
	}))
	expect(t, serve(e, "GET", "/", ""), 200, "leaf=items me; sibling=items; top=")
}

func TestSecurityScopesValue(t *testing.T) {
	var got di.SecurityScopes
	dep := di.Func1("dep", di.Scopes, func(_ *gin.Context, s di.SecurityScopes) (bool, error) {
		got = s
		return true, nil
	})
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle1(di.Security(di.Security(dep, "b", "a"), "a", "c"), func(c *gin.Context, _ bool) { c.Status(204) }))
	serve(e, "GET", "/", "")
	if strings.Join(got.List(), ",") != "b,a,c" || got.String() != "b a c" || !got.Has("b") || got.Has("d") || got.Len() != 3 {
		t.Fatalf("scopes %q, string %q", got.List(), got.String())
	}
	if s := di.NewSecurityScopes("x", "y"); s.String() != "x y" || s.Len() != 2 {
		t.Fatal("NewSecurityScopes")
	}
	// The value is shared by a route's requests: changing a list it gave
	// changes nothing for the next request.
	got.List()[0] = "evil"
	serve(e, "GET", "/", "")
	if got.List()[0] != "b" {
		t.Fatalf("scopes changed to %q", got.List())
	}
}

func TestPlainDependencyResolvedOnceUnderScopes(t *testing.T) {
	// get_db does not use scopes: reached under ["me"] and ["items", "me"] it
	// runs once. getCurrentUser reads its scopes: it runs twice.
	var dbs, users atomic.Int32
	db := counter("db", &dbs)
	user := di.Func2("user", db, di.Scopes, func(*gin.Context, int32, di.SecurityScopes) (int32, error) { return users.Add(1), nil })
	me := di.Func1("me", di.Security(user, "me"), func(_ *gin.Context, v int32) (int32, error) { return v, nil })

	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle3(me, di.Security(me, "items"), db, func(c *gin.Context, a, b, d int32) {
		c.String(200, "%d %d %d", a, b, d)
	}))
	expect(t, serve(e, "GET", "/", ""), 200, "1 2 1")
	if dbs.Load() != 1 || users.Load() != 2 {
		t.Fatalf("db ran %d times, user %d", dbs.Load(), users.Load())
	}
}

func TestValuesAreTyped(t *testing.T) {
	type user struct{ Name string }
	name := di.Func("name", func(c *gin.Context) (string, error) { return c.Query("name"), nil })
	u := di.Func1("user", name, func(_ *gin.Context, n string) (*user, error) { return &user{Name: n}, nil })
	n := di.Func("n", func(*gin.Context) (int, error) { return 7, nil })
	ok := di.Func("ok", func(*gin.Context) (bool, error) { return true, nil })

	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle4(u, name, n, ok, func(c *gin.Context, u *user, name string, n int, ok bool) {
		c.String(200, "%s %s %d %t", u.Name, name, n, ok)
	}))
	expect(t, serve(e, "GET", "/?name=ann", ""), 200, "ann ann 7 true")
}

func TestFunc2To4(t *testing.T) {
	one := di.Func("one", func(*gin.Context) (int, error) { return 1, nil })
	sum3 := di.Func3("sum3", one, one, one, func(_ *gin.Context, a, b, c int) (int, error) { return a + b + c, nil })
	sum4 := di.Func4("sum4", sum3, one, one, one, func(_ *gin.Context, a, b, c, d int) (int, error) { return a + b + c + d, nil })
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle1(sum4, func(c *gin.Context, v int) { c.String(200, "%d", v) }))
	expect(t, serve(e, "GET", "/", ""), 200, "6")
}

func TestHTTPErrorAnswers(t *testing.T) {
	inactive := di.Func("inactive", func(*gin.Context) (int, error) { return 0, di.Error(http.StatusBadRequest, "Inactive user") })
	challenge := di.Func("challenge", func(*gin.Context) (int, error) {
		return 0, di.Error(http.StatusUnauthorized, "Not authenticated").WithHeader("WWW-Authenticate", "Bearer")
	})
	bare := di.Func("bare", func(*gin.Context) (int, error) { return 0, di.Error(http.StatusForbidden, nil) })
	structured := di.Func("structured", func(*gin.Context) (int, error) {
		return 0, di.Error(http.StatusConflict, gin.H{"code": "taken", "ids": []int{1, 2}})
	})
	wrapped := di.Func("wrapped", func(*gin.Context) (int, error) {
		return 0, fmt.Errorf("loading: %w", di.Error(http.StatusNotFound, "Item not found"))
	})
	noBody := di.Func("noBody", func(*gin.Context) (int, error) { return 0, di.Error(http.StatusNotModified, "ignored") })
	internal := di.Func("internal", func(*gin.Context) (int, error) { return 0, errors.New("dial tcp 10.0.0.5:5432: secret") })

	ran := false
	e := gin.New()
	api := di.NewRouter(e)
	for path, dep := range map[string]di.Dep[int]{
		"/inactive": inactive, "/challenge": challenge, "/bare": bare, "/structured": structured,
		"/wrapped": wrapped, "/nobody": noBody, "/internal": internal,
	} {
		api.GET(path, di.Handle1(dep, func(*gin.Context, int) { ran = true }))
	}
	for _, tc := range []struct {
		path, body, challenge string
		status                int
	}{
		{"/inactive", `{"detail":"Inactive user"}`, "", 400},
		{"/challenge", `{"detail":"Not authenticated"}`, "Bearer", 401},
		{"/bare", `{"detail":"Forbidden"}`, "", 403},
		{"/structured", `{"detail":{"code":"taken","ids":[1,2]}}`, "", 409},
		{"/wrapped", `{"detail":"Item not found"}`, "", 404},
		{"/nobody", ``, "", 304},
		{"/internal", `{"detail":"Internal Server Error"}`, "", 500},
	} {
		w := serve(e, "GET", tc.path, "")
		expect(t, w, tc.status, tc.body)
		if got := w.Header().Get("WWW-Authenticate"); got != tc.challenge {
			t.Errorf("%s: WWW-Authenticate %q, want %q", tc.path, got, tc.challenge)
		}
	}
	if ran {
		t.Fatal("a handler ran although its dependency failed")
	}
}

func TestWithHeaderDoesNotChangeTheOriginal(t *testing.T) {
	base := di.Error(401, "Not authenticated")
	a := base.WithHeader("WWW-Authenticate", "Bearer")
	b := a.WithHeader("X-Extra", "1")
	if base.Header != nil || len(a.Header) != 1 || len(b.Header) != 2 {
		t.Fatalf("headers shared: %v %v %v", base.Header, a.Header, b.Header)
	}
	if base.Error() != "401 Unauthorized: Not authenticated" {
		t.Fatalf("Error() = %q", base.Error())
	}
}

func TestRenderProblem(t *testing.T) {
	fail := di.Func("fail", func(*gin.Context) (int, error) {
		return 0, di.Error(401, "Not authenticated").WithHeader("WWW-Authenticate", "Bearer")
	})
	type q struct {
		N int `form:"n" binding:"required"`
	}
	e := gin.New()
	api := di.NewRouter(e, di.RenderErrors(di.RenderProblem))
	api.GET("/auth", di.Handle1(fail, func(*gin.Context, int) {}))
	api.GET("/q", di.Handle1(di.Query[q](), func(*gin.Context, q) {}))

	w := serve(e, "GET", "/auth", "")
	expect(t, w, 401, `{"detail":"Not authenticated","status":401,"title":"Unauthorized","type":"about:blank"}`)
	if w.Header().Get("Content-Type") != "application/problem+json" || w.Header().Get("WWW-Authenticate") != "Bearer" {
		t.Fatalf("headers %v", w.Header())
	}
	expect(t, serve(e, "GET", "/q", ""), 422,
		`{"errors":[{"type":"missing","loc":["query","n"],"msg":"Field required","input":null}],"status":422,"title":"Unprocessable Entity","type":"about:blank"}`)
}

func TestCustomRendererSeesEveryError(t *testing.T) {
	var seen []string
	render := func(c *gin.Context, err error) {
		seen = append(seen, err.Error())
		c.String(599, "custom")
	}
	fail := di.Func("fail", func(*gin.Context) (int, error) { return 0, errors.New("boom") })
	e := gin.New()
	di.NewRouter(e, di.RenderErrors(render)).GET("/", di.Handle1(fail, func(*gin.Context, int) {}))
	expect(t, serve(e, "GET", "/", ""), 599, "custom")
	if len(seen) != 1 || seen[0] != "boom" {
		t.Fatalf("renderer saw %q", seen)
	}
}

func TestHandlerFuncOnPlainGin(t *testing.T) {
	greeting := di.Func("greeting", func(c *gin.Context) (string, error) {
		if c.Query("name") == "" {
			return "", di.Error(400, "name required")
		}
		return "hello " + c.Query("name"), nil
	})
	h := di.Handle1(greeting, func(c *gin.Context, g string) { c.String(200, g) })
	e := gin.New()
	e.GET("/hello", h.HandlerFunc())
	e.GET("/again", h.HandlerFunc())
	expect(t, serve(e, "GET", "/hello?name=go", ""), 200, "hello go")
	expect(t, serve(e, "GET", "/again", ""), 400, `{"detail":"name required"}`)
}

func TestPlainHandlersReadValuesWithGet(t *testing.T) {
	type user struct{ ID int }
	var mwSaw int
	currentUser := di.Func("currentUser", func(c *gin.Context) (*user, error) { return &user{ID: 42}, nil })
	other := di.Func("other", func(*gin.Context) (string, error) { return "x", nil })

	e := gin.New()
	api := di.NewRouter(e, di.Dependencies(currentUser))
	api.GET("/legacy", di.Handle(
		func(c *gin.Context) { // middleware
			u, ok := di.Get(c, currentUser)
			if !ok {
				c.AbortWithStatus(500)
				return
			}
			mwSaw = u.ID
		},
		func(c *gin.Context) {
			u, _ := di.Get(c, currentUser)
			_, found := di.Get(c, other)
			c.String(200, "%d %t", u.ID, found)
		},
	))
	api.GET("/abort", di.Handle(func(c *gin.Context) { c.AbortWithStatus(418) }, func(c *gin.Context) { c.String(200, "not reached") }))
	expect(t, serve(e, "GET", "/legacy", ""), 200, "42 false")
	if mwSaw != 42 {
		t.Fatalf("middleware saw %d", mwSaw)
	}
	expect(t, serve(e, "GET", "/abort", ""), 418, "")

	// Outside a di route there is nothing to get.
	e.GET("/outside", func(c *gin.Context) {
		_, ok := di.Get(c, currentUser)
		c.String(200, "%t", ok)
	})
	expect(t, serve(e, "GET", "/outside", ""), 200, "false")
}

func TestDependencyPanicsAtStartup(t *testing.T) {
	var zero di.Dep[int]
	one := di.Func("one", func(*gin.Context) (int, error) { return 1, nil })
	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"scope on nothing", `nothing under "one" reads scopes`, func() { di.Security(one, "admin") }},
		{"scope with space", `holds white space`, func() { di.Security(di.Scopes, "a b") }},
		{"zero argument", `argument 2 is a zero di.Dep`, func() {
			di.Func2("two", one, zero, func(*gin.Context, int, int) (int, error) { return 0, nil })
		}},
		{"zero handler argument", `argument 1 is a zero di.Dep`, func() { di.Handle1(zero, func(*gin.Context, int) {}) }},
		{"zero router dependency", `zero di.Dep`, func() { di.NewRouter(gin.New(), di.Dependencies(zero)) }},
		{"zero Security", `Security on a zero di.Dep`, func() { di.Security(zero) }},
		{"no name", `needs a name`, func() { di.Func("", func(*gin.Context) (int, error) { return 0, nil }) }},
		{"BeforeResponse on a Func", `only a dependency declared with di.Resource`, func() { one.BeforeResponse() }},
		{"nil handler", `nil handler`, func() { di.NewRouter(gin.New()).GET("/", nil) }},
		{"nil router", `needs a gin router`, func() { di.NewRouter(nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if msg := mustPanic(t, tc.f); !strings.Contains(msg, tc.want) {
				t.Fatalf("panic %q, want it to say %q", msg, tc.want)
			}
		})
	}
	if one.Name() != "one" || zero.Name() != "<zero di.Dep>" {
		t.Fatal("Name")
	}
}

func TestManyProblemsAreCappedAndCheap(t *testing.T) {
	// Thousands of bad values must cost linear time and give a bounded 422.
	type item struct {
		Name string `json:"name" binding:"required"`
	}
	type order struct {
		Items []item   `json:"items" binding:"dive"`
		Tags  []string `json:"tags"`
	}
	e := gin.New()
	di.NewRouter(e).POST("/", di.Handle1(di.Body[order](), func(*gin.Context, order) {}))
	n := 20000
	body := `{"items":[` + strings.Repeat(`{},`, n-1) + `{}],"tags":[` + strings.Repeat(`1,`, n-1) + `1]}`
	w := serve(e, "POST", "/", body, "Content-Type", "application/json") // quadratic matching took minutes here
	var got struct {
		Detail []di.FieldError `json:"detail"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 422 {
		t.Fatalf("%d %v", w.Code, err)
	}
	if len(got.Detail) != 101 || got.Detail[100].Type != "too_many_errors" {
		t.Fatalf("%d problems, last %+v", len(got.Detail), got.Detail[len(got.Detail)-1])
	}
}

func TestRequiredEmbeddedPointerDoesNotPanic(t *testing.T) {
	type Emb struct {
		X int `json:"x"`
	}
	type body struct {
		*Emb `binding:"required"`
		Name string `json:"name"`
	}
	e := gin.New()
	di.NewRouter(e).POST("/", di.Handle1(di.Body[body](), func(c *gin.Context, b body) { c.String(200, b.Name) }))
	w := serve(e, "POST", "/", `{"name":"x"}`, "Content-Type", "application/json")
	if w.Code != 422 {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}
