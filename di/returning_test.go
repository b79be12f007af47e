package di_test

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

type item struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// tx is a resource whose cleanup says what it did with the request's error.
func tx(log *[]string) di.Dep[string] {
	return di.Resource("tx", func(*gin.Context) (string, di.Cleanup, error) {
		return "tx", func(err error) error {
			if err != nil {
				*log = append(*log, "rollback: "+err.Error())
				return nil
			}
			*log = append(*log, "commit")
			return nil
		}, nil
	})
}

// A handler that returns: its value is the answer, its error goes the way
// of a dependency's, and the cleanups see it.
func TestJSONHandlerAnswersItsValueOrItsError(t *testing.T) {
	var log []string
	db := tx(&log)
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/items/:id", di.JSON2(di.Path[struct {
		ID int `uri:"id"`
	}](), db, func(_ *gin.Context, p struct {
		ID int `uri:"id"`
	}, _ string) (item, error) {
		switch p.ID {
		case 1:
			return item{ID: 1, Name: "Portal Gun"}, nil
		case 2:
			return item{}, di.Error(http.StatusNotFound, "Item not found")
		}
		return item{}, errors.New("the database is down")
	}))
	api.POST("/items", di.JSON1(db, func(*gin.Context, string) (item, error) { return item{ID: 3, Name: "Plumbus"}, nil }), di.Status(http.StatusCreated))
	api.DELETE("/items/:id", di.JSON1(db, func(*gin.Context, string) (di.NoContent, error) { return di.NoContent{}, nil }))

	expect(t, serve(e, "GET", "/items/1", ""), 200, `{"id":1,"name":"Portal Gun"}`)
	expect(t, serve(e, "GET", "/items/2", ""), 404, `{"detail":"Item not found"}`)
	expect(t, serve(e, "GET", "/items/3", ""), 500, `{"detail":"Internal Server Error"}`)
	expect(t, serve(e, "POST", "/items", ""), 201, `{"id":3,"name":"Plumbus"}`)
	w := serve(e, "DELETE", "/items/1", "")
	expect(t, w, 204, "")
	want := []string{"commit", "rollback: 404 Not Found: Item not found", "rollback: the database is down", "commit", "commit"}
	if strings.Join(log, "|") != strings.Join(want, "|") {
		t.Errorf("cleanups saw %q\nwant %q", log, want)
	}

	// The registry knows what each route answers.
	var got []string
	for _, r := range api.Routes() {
		got = append(got, r.Method+" "+r.Path+" "+http.StatusText(r.Status)+" "+typeName(r.Result))
	}
	if w := "GET /items/:id OK di_test.item|POST /items Created di_test.item|DELETE /items/:id No Content di.NoContent"; strings.Join(got, "|") != w {
		t.Errorf("registry: %q\nwant %q", got, w)
	}
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "<nil>"
	}
	return t.String()
}

// A plain handler writes its own answer; the registry says so, and Status
// on its route is a mistake caught at startup.
func TestStatusIsForJSONHandlers(t *testing.T) {
	api := di.NewRouter(gin.New())
	api.GET("/plain", di.Handle(func(c *gin.Context) { c.String(200, "ok") }))
	if r := api.Routes()[0]; r.Status != 0 || r.Result != nil {
		t.Errorf("a plain handler's route: status %d, result %v", r.Status, r.Result)
	}
	msg := mustPanic(t, func() {
		api.POST("/plain", di.Handle(func(c *gin.Context) {}), di.Status(http.StatusCreated))
	})
	if !strings.Contains(msg, "di.Status is for handlers that return their answer") {
		t.Errorf("panic %q", msg)
	}
	msg = mustPanic(t, func() { di.Status(http.StatusNotFound) })
	if !strings.Contains(msg, "a success status is 2xx") {
		t.Errorf("panic %q", msg)
	}
}

// A plain handler that fails says so the gin way, and its resource rolls
// back; one that only writes a 500 has, for gin, succeeded.
func TestPlainHandlerRollsBackWithCError(t *testing.T) {
	var log []string
	db := tx(&log)
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/error", di.Handle1(db, func(c *gin.Context, _ string) {
		_ = c.Error(errors.New("conflict"))
		c.JSON(409, gin.H{"detail": "conflict"})
	}))
	api.GET("/abort", di.Handle1(db, func(c *gin.Context, _ string) { c.AbortWithStatusJSON(409, gin.H{"detail": "conflict"}) }))
	serve(e, "GET", "/error", "")
	serve(e, "GET", "/abort", "")
	if want := "rollback: conflict|rollback: di: aborted with an error status"; strings.Join(log, "|") != want {
		t.Errorf("cleanups saw %q, want %q", log, want)
	}
}

// Eight dependencies, in every form, without bundling.
func TestEightDependencies(t *testing.T) {
	n := func(i int) di.Dep[int] {
		return di.Func("n", func(*gin.Context) (int, error) { return i, nil }).NoCache()
	}
	sum8 := di.Func8("sum8", n(1), n(2), n(3), n(4), n(5), n(6), n(7), n(8),
		func(_ *gin.Context, a, b, c, d, e, f, g, h int) (int, error) {
			return a + b + c + d + e + f + g + h, nil
		})
	res8 := di.Resource8("res8", n(1), n(2), n(3), n(4), n(5), n(6), n(7), n(8),
		func(_ *gin.Context, a, b, c, d, e, f, g, h int) (int, di.Cleanup, error) {
			return a * b * c * d * e * f * g * h, nil, nil
		})
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/handle", di.Handle8(sum8, res8, n(3), n(4), n(5), n(6), n(7), n(8), func(c *gin.Context, a, b, p3, p4, p5, p6, p7, p8 int) {
		c.JSON(200, []int{a, b, p3, p4, p5, p6, p7, p8})
	}))
	api.GET("/json", di.JSON8(sum8, res8, n(3), n(4), n(5), n(6), n(7), n(8), func(_ *gin.Context, a, b, p3, p4, p5, p6, p7, p8 int) ([]int, error) {
		return []int{a, b, p3, p4, p5, p6, p7, p8}, nil
	}))
	expect(t, serve(e, "GET", "/handle", ""), 200, `[36,40320,3,4,5,6,7,8]`)
	expect(t, serve(e, "GET", "/json", ""), 200, `[36,40320,3,4,5,6,7,8]`)
}

// SecurityScopes with no scope above it lists none: [], as FastAPI writes
// it, not null.
func TestScopesListIsEmptyNotNil(t *testing.T) {
	e := gin.New()
	di.NewRouter(e).GET("/", di.JSON1(di.Scopes, func(_ *gin.Context, s di.SecurityScopes) ([]string, error) { return s.List(), nil }))
	expect(t, serve(e, "GET", "/", ""), 200, `[]`)
}

// A JSON handler that answered itself (aborted, or wrote) and then returns
// gets no second body; one that wrote and then fails keeps what it wrote,
// and the error reaches c.Errors and the cleanups.
func TestJSONHandlerThatAnsweredItself(t *testing.T) {
	var log []string
	db := tx(&log)
	e := gin.New()
	var errs []string
	e.Use(func(c *gin.Context) {
		c.Next()
		errs = append(errs, c.Errors.String())
	})
	api := di.NewRouter(e)
	api.GET("/abort", di.JSON1(db, func(c *gin.Context, _ string) (*item, error) {
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"detail": "conflict"})
		return nil, nil
	}))
	api.GET("/wrote", di.JSON1(db, func(c *gin.Context, _ string) (*item, error) {
		c.String(http.StatusAccepted, "queued")
		return nil, errors.New("the queue is full")
	}))
	expect(t, serve(e, "GET", "/abort", ""), 409, `{"detail":"conflict"}`)
	expect(t, serve(e, "GET", "/wrote", ""), 202, `queued`)
	if want := "rollback: di: aborted with an error status|rollback: the queue is full"; strings.Join(log, "|") != want {
		t.Errorf("cleanups saw %q, want %q", log, want)
	}
	if !strings.Contains(errs[1], "the queue is full") {
		t.Errorf("c.Errors: %q", errs)
	}
}

// A Provided dependency needs a router: HandlerFunc says so, every time.
func TestHandlerFuncWithAProvidedValuePanicsEveryTime(t *testing.T) {
	h := di.JSON1(greeting, func(_ *gin.Context, s string) (string, error) { return s, nil })
	for range 2 {
		if msg := mustPanic(t, func() { h.HandlerFunc() }); !strings.Contains(msg, `"greetings" is a value the router provides`) {
			t.Errorf("panic %q", msg)
		}
	}
}
