package di_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// journal records what resources and handlers did, in order.
type journal struct {
	mu    sync.Mutex
	lines []string
}

func (j *journal) add(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lines = append(j.lines, fmt.Sprintf(format, args...))
}

func (j *journal) String() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return strings.Join(j.lines, "\n")
}

// resource opens name and closes it, writing both, and the error the
// cleanup saw, to j.
func resource(j *journal, name string) di.Dep[string] {
	return di.Resource(name, func(*gin.Context) (string, di.Cleanup, error) {
		j.add("open %s", name)
		return name, func(err error) error {
			j.add("close %s: %v", name, err)
			return nil
		}, nil
	})
}

func TestCleanupsRunInReverseOrderAfterTheHandler(t *testing.T) {
	j := &journal{}
	a := resource(j, "a")
	b := di.Resource1("b", a, func(_ *gin.Context, a string) (string, di.Cleanup, error) {
		j.add("open b(%s)", a)
		return "b", func(err error) error { j.add("close b: %v", err); return nil }, nil
	})
	c := resource(j, "c")
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle2(b, c, func(ctx *gin.Context, _, _ string) {
		j.add("handler")
		ctx.String(200, "ok")
	}))
	expect(t, serve(e, "GET", "/", ""), 200, "ok")
	want := "open a\nopen b(a)\nopen c\nhandler\nclose c: <nil>\nclose b: <nil>\nclose a: <nil>"
	if j.String() != want {
		t.Fatalf("journal:\n%s\nwant:\n%s", j, want)
	}
}

func TestCleanupsRunInReverseOrderAfterAPanic(t *testing.T) {
	j := &journal{}
	a, b := resource(j, "a"), resource(j, "b")
	e := gin.New()
	e.Use(gin.CustomRecovery(func(c *gin.Context, v any) {
		j.add("recovered %v", v)
		c.AbortWithStatus(500)
	}))
	di.NewRouter(e).GET("/", di.Handle2(a, b, func(*gin.Context, string, string) { panic("handler broke") }))

	w := serve(e, "GET", "/", "")
	if w.Code != 500 {
		t.Fatalf("status %d", w.Code)
	}
	want := "open a\nopen b\nclose b: di: panic\nclose a: di: panic\nrecovered handler broke"
	if j.String() != want {
		t.Fatalf("journal:\n%s\nwant:\n%s", j, want)
	}
}

func TestCleanupsSeeThePanicAsErrPanic(t *testing.T) {
	var seen error
	r := di.Resource("r", func(*gin.Context) (int, di.Cleanup, error) {
		return 1, func(err error) error { seen = err; return nil }, nil
	})
	e := gin.New()
	e.Use(gin.CustomRecovery(func(c *gin.Context, _ any) { c.AbortWithStatus(500) }))
	di.NewRouter(e).GET("/", di.Handle1(r, func(*gin.Context, int) { panic(http.ErrAbortHandler) }))
	serve(e, "GET", "/", "")
	if !errors.Is(seen, di.ErrPanic) {
		t.Fatalf("cleanup saw %v", seen)
	}
}

func TestCleanupsSeeTheHandlersError(t *testing.T) {
	j := &journal{}
	a := resource(j, "a")
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle1(a, func(c *gin.Context, _ string) {
		_ = c.AbortWithError(http.StatusConflict, errors.New("duplicate key"))
	}))
	w := serve(e, "GET", "/", "")
	if w.Code != 409 {
		t.Fatalf("status %d", w.Code)
	}
	if want := "open a\nclose a: duplicate key"; j.String() != want {
		t.Fatalf("journal:\n%s\nwant:\n%s", j, want)
	}
}

func TestFailingDependencyReleasesOnlyWhatWasAcquired(t *testing.T) {
	j := &journal{}
	a := resource(j, "a")
	deny := di.Func("deny", func(*gin.Context) (int, error) { return 0, di.Error(401, "Not authenticated") })
	b := resource(j, "b")
	failing := di.Resource("failing", func(*gin.Context) (int, di.Cleanup, error) {
		return 0, func(error) error { j.add("close failing"); return nil }, errors.New("could not connect")
	})
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/deny", di.Handle3(a, deny, b, func(*gin.Context, string, int, string) { j.add("handler") }))
	api.GET("/failing", di.Handle2(a, failing, func(*gin.Context, string, int) { j.add("handler") }))

	expect(t, serve(e, "GET", "/deny", ""), 401, `{"detail":"Not authenticated"}`)
	if want := "open a\nclose a: 401 Unauthorized: Not authenticated"; j.String() != want {
		t.Fatalf("journal:\n%s\nwant:\n%s", j, want)
	}
	j.lines = nil
	expect(t, serve(e, "GET", "/failing", ""), 500, `{"detail":"Internal Server Error"}`)
	if want := "open a\nclose a: could not connect"; j.String() != want {
		t.Fatalf("journal:\n%s\nwant:\n%s", j, want)
	}
}

func TestCleanupErrorAfterTheResponseIsLoggedNotSent(t *testing.T) {
	r := di.Resource("session", func(*gin.Context) (int, di.Cleanup, error) {
		return 1, func(error) error { return errors.New("commit failed") }, nil
	})
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/written", di.Handle1(r, func(c *gin.Context, _ int) { c.String(200, "done") }))
	api.GET("/unwritten", di.Handle1(r, func(c *gin.Context, _ int) { c.Status(201) }))
	// Once written, the response stands; the error is logged.
	expect(t, serve(e, "GET", "/written", ""), 200, "done")
	// Nothing written yet: the error becomes the response.
	expect(t, serve(e, "GET", "/unwritten", ""), 500, `{"detail":"Internal Server Error"}`)
}

func TestBeforeResponseCleanupErrorBecomesTheResponse(t *testing.T) {
	// FastAPI's scope="function": an HTTPException raised after yield is the
	// response (503 "Exception after yield").
	j := &journal{}
	session := di.Resource("session", func(*gin.Context) (string, di.Cleanup, error) {
		return "s", func(err error) error {
			j.add("session cleanup: %v", err)
			return di.Error(503, "Exception after yield")
		}, nil
	})
	after := resource(j, "after")
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle2(after, session.BeforeResponse(), func(c *gin.Context, _, _ string) {
		c.Header("X-Handler", "1")
		c.JSON(200, gin.H{"ok": true})
		j.add("handler")
	}))
	w := serve(e, "GET", "/", "")
	expect(t, w, 503, `{"detail":"Exception after yield"}`)
	if w.Header().Get("X-Handler") != "" {
		t.Fatal("the discarded response's headers were sent")
	}
	want := "open after\nhandler\nsession cleanup: <nil>\nclose after: 503 Service Unavailable: Exception after yield"
	if j.String() != want {
		t.Fatalf("journal:\n%s\nwant:\n%s", j, want)
	}
}

func TestBeforeResponseSendsTheBufferedResponse(t *testing.T) {
	var ok bool
	tx := di.Resource("tx", func(*gin.Context) (int, di.Cleanup, error) {
		return 1, func(error) error { ok = true; return nil }, nil
	})
	e := gin.New()
	api := di.NewRouter(e)
	api.POST("/items", di.Handle1(tx.BeforeResponse(), func(c *gin.Context, _ int) {
		c.Header("Location", "/items/1")
		c.JSON(201, gin.H{"id": 1})
	}))
	api.DELETE("/items", di.Handle1(tx.BeforeResponse(), func(c *gin.Context, _ int) { c.Status(204) }))
	w := serve(e, "POST", "/items", "")
	expect(t, w, 201, `{"id":1}`)
	if !ok || w.Header().Get("Location") != "/items/1" || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("cleanup ran: %t, headers %v", ok, w.Header())
	}
	expect(t, serve(e, "DELETE", "/items", ""), 204, "")
	// The pooled buffer serves the next request cleanly.
	expect(t, serve(e, "POST", "/items", ""), 201, `{"id":1}`)
}

func TestBeforeResponseFlushCommits(t *testing.T) {
	tx := di.Resource("tx", func(*gin.Context) (int, di.Cleanup, error) {
		return 1, func(error) error { return errors.New("too late") }, nil
	})
	e := gin.New()
	di.NewRouter(e).GET("/stream", di.Handle1(tx.BeforeResponse(), func(c *gin.Context, _ int) {
		c.String(200, "part1;")
		c.Writer.Flush()
		c.String(200, "part2")
	}))
	expect(t, serve(e, "GET", "/stream", ""), 200, "part1;part2")
}

func TestBeforeResponseDiscardedOnPanic(t *testing.T) {
	tx := di.Resource("tx", func(*gin.Context) (int, di.Cleanup, error) {
		return 1, func(error) error { return nil }, nil
	})
	e := gin.New()
	e.Use(gin.CustomRecovery(func(c *gin.Context, _ any) { c.AbortWithStatusJSON(500, gin.H{"detail": "recovered"}) }))
	di.NewRouter(e).GET("/", di.Handle1(tx.BeforeResponse(), func(c *gin.Context, _ int) {
		c.String(200, "half written")
		panic("boom")
	}))
	expect(t, serve(e, "GET", "/", ""), 500, `{"detail":"recovered"}`)
}

func TestAfterResourceCannotUseBeforeResource(t *testing.T) {
	inner := di.Resource("inner", func(*gin.Context) (int, di.Cleanup, error) { return 1, nil, nil })
	outer := di.Resource1("outer", inner.BeforeResponse(), func(_ *gin.Context, v int) (int, di.Cleanup, error) { return v, nil, nil })
	msg := mustPanic(t, func() {
		di.NewRouter(gin.New()).GET("/", di.Handle1(outer, func(*gin.Context, int) {}))
	})
	if !strings.Contains(msg, `"outer" cleans up after the response but uses "inner"`) {
		t.Fatalf("panic %q", msg)
	}
	// Both before the response is fine.
	di.NewRouter(gin.New()).GET("/", di.Handle1(outer.BeforeResponse(), func(*gin.Context, int) {}))
}

func TestPanickingCleanupDoesNotStopTheOthers(t *testing.T) {
	j := &journal{}
	a := resource(j, "a")
	bad := di.Resource("bad", func(*gin.Context) (int, di.Cleanup, error) {
		return 1, func(error) error { panic("cleanup broke") }, nil
	})
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle2(a, bad, func(c *gin.Context, _ string, _ int) { c.String(200, "ok") }))
	expect(t, serve(e, "GET", "/", ""), 200, "ok")
	// The error carries the cleanup's stack, for the logs.
	if want := "open a\nclose a: di: panic in a cleanup: cleanup broke\ngoroutine "; !strings.HasPrefix(j.String(), want) {
		t.Fatalf("journal:\n%s\nwant a prefix:\n%s", j, want)
	}
}

func TestResourceArities(t *testing.T) {
	j := &journal{}
	a := resource(j, "a")
	r3 := di.Resource3("r3", a, a, a, func(_ *gin.Context, x, y, z string) (string, di.Cleanup, error) {
		return x + y + z, nil, nil
	})
	r4 := di.Resource4("r4", r3, a, a, a, func(_ *gin.Context, w, x, y, z string) (string, di.Cleanup, error) {
		return w + x + y + z, func(error) error { j.add("close r4"); return nil }, nil
	})
	r2 := di.Resource2("r2", r4, a, func(_ *gin.Context, x, y string) (string, di.Cleanup, error) { return x + y, nil, nil })
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle1(r2, func(c *gin.Context, v string) { c.String(200, v) }))
	expect(t, serve(e, "GET", "/", ""), 200, "aaaaaaa")
	if want := "open a\nclose r4\nclose a: <nil>"; j.String() != want {
		t.Fatalf("journal:\n%s\nwant:\n%s", j, want)
	}
}

func TestConcurrentRequestsKeepTheirOwnValues(t *testing.T) {
	id := di.Func("id", func(c *gin.Context) (string, error) { return c.Query("id"), nil })
	echo := di.Resource1("echo", id, func(_ *gin.Context, v string) (string, di.Cleanup, error) { return v, nil, nil })
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle2(id, echo, func(c *gin.Context, a, b string) { c.String(200, a+"/"+b) }))
	var wg sync.WaitGroup
	errs := make(chan string, 200)
	for i := range 200 {
		wg.Go(func() {
			want := fmt.Sprintf("%d/%d", i, i)
			if w := serve(e, "GET", fmt.Sprintf("/?id=%d", i), ""); w.Body.String() != want {
				errs <- w.Body.String()
			}
		})
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("mixed values: %q", got)
	}
}
