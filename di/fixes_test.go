package di_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

func TestDependencyThatAbortsStopsTheRoute(t *testing.T) {
	// A dependency written the gin way: it answers and aborts, returning no error.
	j := &journal{}
	guard := di.Func("guard", func(c *gin.Context) (bool, error) {
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"detail": "no"})
		return false, nil
	})
	after := step(j, "after")
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle2(guard, after, func(c *gin.Context, _ bool, _ string) {
		c.String(200, "secret")
	}))
	expect(t, serve(e, "GET", "/", ""), 401, `{"detail":"no"}`)
	if j.String() != "" {
		t.Fatalf("ran after the abort: %q", j)
	}
}

func TestCleanupsSeeOnlyThisRoutesErrors(t *testing.T) {
	var seen []error
	r := di.Resource("tx", func(*gin.Context) (int, di.Cleanup, error) {
		return 1, func(err error) error { seen = append(seen, err); return nil }, nil
	})
	e := gin.New()
	// A middleware reports an error of its own and goes on.
	e.Use(func(c *gin.Context) { _ = c.Error(errors.New("metrics push failed")) })
	api := di.NewRouter(e)
	api.GET("/ok", di.Handle1(r, func(c *gin.Context, _ int) { c.Status(204) }))
	api.GET("/conflict", di.Handle1(r, func(c *gin.Context, _ int) { c.AbortWithStatusJSON(409, gin.H{"detail": "taken"}) }))
	api.GET("/redirect", di.Handle1(r, func(c *gin.Context, _ int) { c.Redirect(302, "/ok"); c.Abort() }))
	serve(e, "GET", "/ok", "")
	serve(e, "GET", "/conflict", "")
	serve(e, "GET", "/redirect", "")
	if len(seen) != 3 || seen[0] != nil || !errors.Is(seen[1], di.ErrAborted) || seen[2] != nil {
		t.Fatalf("cleanups saw %v", seen)
	}
}

func TestOverrideKeepsTheReplacementsTiming(t *testing.T) {
	// The replacement's BeforeResponse holds: its failing commit replaces
	// the response.
	realDB := di.Resource("db", func(*gin.Context) (int, di.Cleanup, error) { return 1, nil, nil })
	fake := di.Resource("fakeDB", func(*gin.Context) (int, di.Cleanup, error) {
		return 2, func(error) error { return di.Error(503, "commit failed") }, nil
	})
	var n int
	counted := di.Func("counted", func(*gin.Context) (int, error) { n++; return n, nil })
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/", di.Handle1(realDB, func(c *gin.Context, v int) { c.String(200, "%d", v) }))
	api.GET("/twice", di.Handle2(counted, counted, func(c *gin.Context, a, b int) { c.String(200, "%d %d", a, b) }))
	di.Override(api, realDB, fake.BeforeResponse())
	expect(t, serve(e, "GET", "/", ""), 503, `{"detail":"commit failed"}`)
	// And its NoCache.
	di.Override(api, counted, di.Func("fresh", func(*gin.Context) (int, error) { n++; return n, nil }).NoCache())
	expect(t, serve(e, "GET", "/twice", ""), 200, "1 2")
}

func TestRoutesIsADeepCopy(t *testing.T) {
	scheme := schemeDep("S")
	api := di.NewRouter(gin.New())
	api.GET("/", di.Handle1(di.Security(scheme, "read"), func(*gin.Context, string) {}))
	api.Routes()[0].Security[0].Scopes[0] = "X"
	if got := api.Routes()[0].Security[0].Scopes[0]; got != "read" {
		t.Fatalf("registry changed through a copy: %q", got)
	}
}

func TestBufferedWriterLetsResponseControllerThrough(t *testing.T) {
	tx := di.Resource("tx", func(*gin.Context) (int, di.Cleanup, error) { return 1, func(error) error { return nil }, nil })
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle1(tx.BeforeResponse(), func(c *gin.Context, _ int) {
		if err := http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			c.String(500, err.Error())
			return
		}
		c.String(200, "ok")
	}))
	srv := httptest.NewServer(e)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestPublishValuesReachesGinMiddleware(t *testing.T) {
	user := di.Func("user", func(*gin.Context) (string, error) { return "alice", nil })
	var logged string
	e := gin.New()
	e.Use(func(c *gin.Context) {
		c.Next()
		logged, _ = di.Get(c, user)
	})
	api := di.NewRouter(e, di.PublishValues())
	api.GET("/", di.Handle1(user, func(c *gin.Context, u string) { c.String(200, u) }))
	expect(t, serve(e, "GET", "/", ""), 200, "alice")
	if logged != "alice" {
		t.Fatalf("middleware read %q", logged)
	}
	// Without the option, the values stay in the route (and are pooled).
	e2 := gin.New()
	e2.Use(func(c *gin.Context) { c.Next(); logged, _ = di.Get(c, user) })
	di.NewRouter(e2).GET("/", di.Handle1(user, func(c *gin.Context, u string) { c.String(200, u) }))
	serve(e2, "GET", "/", "")
	if logged != "" {
		t.Fatalf("middleware read %q", logged)
	}
}

func TestNilFunctionsPanicAtStartup(t *testing.T) {
	one := di.Func("one", func(*gin.Context) (int, error) { return 1, nil })
	for _, tc := range []struct {
		want string
		f    func()
	}{
		{`"d": the function is nil`, func() { di.Func[int]("d", nil) }},
		{`"r": the function is nil`, func() { di.Resource2[int, int, int]("r", one, one, nil) }},
		{`Handle1: the handler function is nil`, func() { di.Handle1[int](one, nil) }},
		{`Handle: handler 2 is nil`, func() { di.Handle(func(*gin.Context) {}, nil) }},
	} {
		if msg := mustPanic(t, tc.f); !strings.Contains(msg, tc.want) {
			t.Errorf("panic %q, want %q", msg, tc.want)
		}
	}
}

func TestInternalErrorsReachGinWhateverTheRenderer(t *testing.T) {
	var reported []string
	e := gin.New()
	e.Use(func(c *gin.Context) {
		c.Next()
		for _, err := range c.Errors {
			reported = append(reported, err.Error())
		}
	})
	fail := di.Func("fail", func(*gin.Context) (int, error) { return 0, errors.New("db down") })
	noStatus := di.Func("noStatus", func(*gin.Context) (int, error) { return 0, &di.HTTPError{Detail: "boom"} })
	deny := di.Func("deny", func(*gin.Context) (int, error) { return 0, di.Error(403, "no") })
	api := di.NewRouter(e, di.RenderErrors(func(c *gin.Context, err error) { c.String(599, "custom") }))
	api.GET("/fail", di.Handle1(fail, func(*gin.Context, int) {}))
	api.GET("/deny", di.Handle1(deny, func(*gin.Context, int) {}))
	di.NewRouter(e).GET("/nostatus", di.Handle1(noStatus, func(*gin.Context, int) {}))
	serve(e, "GET", "/fail", "")
	serve(e, "GET", "/deny", "")
	// An HTTPError without a status is a mistake: a 500, reported.
	expect(t, serve(e, "GET", "/nostatus", ""), 500, `{"detail":"Internal Server Error"}`)
	if strings.Join(reported, ",") != "db down,0 : boom" {
		t.Fatalf("reported %q", reported)
	}
}

func TestRefusedRouteIsNotRegistered(t *testing.T) {
	api := di.NewRouter(gin.New())
	h := di.Handle(func(*gin.Context) {})
	api.GET("/x", h)
	mustPanic(t, func() { api.GET("/x", h) }) // gin refuses a duplicate
	if len(api.Routes()) != 1 {
		t.Fatalf("%d routes", len(api.Routes()))
	}
}
