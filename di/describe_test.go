package di_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

type describedQuery struct {
	Q string `form:"q"`
}

type describedPath struct {
	ID int `uri:"id"`
}

type describedHeader struct {
	Trace string `header:"X-Trace"`
}

type describedCookie struct {
	Session string `cookie:"session"`
}

type describedForm struct {
	Name string `form:"name"`
}

type describedBody struct {
	Name string `json:"name"`
}

// The registry lists what a route reads, depth first in declaration order,
// each declaration once, with the errors the library may answer.
func TestRegistryRecordsBindingsAndErrors(t *testing.T) {
	query, path, header, cookie := di.Query[describedQuery](), di.Path[describedPath](), di.Header[describedHeader](), di.Cookie[describedCookie]()
	form, body := di.Form[describedForm](di.MaxBytes(512)), di.Body[describedBody]()
	// A dependency that reads the path itself, and the query twice.
	item := di.Func3("item", path, query, query, func(_ *gin.Context, p describedPath, _, _ describedQuery) (int, error) { return p.ID, nil })
	scheme := di.Scheme(fakeScheme("key"), func(*gin.Context) (string, error) { return "k", nil })

	r := di.NewRouter(gin.New())
	r.With(header).GET("/items/:id", di.JSON2(item, cookie, func(*gin.Context, int, describedCookie) (int, error) { return 0, nil }))
	r.POST("/forms", di.JSON2(form, di.Security(scheme, "write"), func(*gin.Context, describedForm, string) (int, error) { return 0, nil }))
	r.PUT("/bodies", di.JSON2(body, scheme, func(*gin.Context, describedBody, string) (int, error) { return 0, nil }))
	r.GET("/plain", di.JSON(func(*gin.Context) (int, error) { return 0, nil }))

	describe := func(rt di.Route) string {
		var parts []string
		for _, b := range rt.Bindings {
			parts = append(parts, fmt.Sprintf("%s %s %s %d", b.In, b.Type.Name(), b.Tag, b.MaxBytes))
		}
		return fmt.Sprintf("%s %s: [%s] %v", rt.Method, rt.Path, strings.Join(parts, ", "), rt.Errors)
	}
	var got []string
	for _, rt := range r.Routes() {
		got = append(got, describe(rt))
	}
	want := []string{
		"GET /items/:id: [header describedHeader header 0, path describedPath uri 0, query describedQuery form 0, cookie describedCookie cookie 0] [422]",
		"POST /forms: [form describedForm form 512] [401 403 413 422]",
		"PUT /bodies: [body describedBody json 1048576] [401 413 422]",
		"GET /plain: [] []",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Routes hands out copies.
	routes := r.Routes()
	routes[0].Bindings[0].In = "changed"
	routes[0].Errors[0] = 0
	if again := r.Routes(); again[0].Bindings[0].In != "header" || again[0].Errors[0] != 422 {
		t.Fatal("Routes shares its slices")
	}
}

// Describe records a dependency that reads the request itself as the
// bindings are recorded; wrong places and types panic at startup.
func TestDescribeRecordsABindingOfItsOwn(t *testing.T) {
	login := di.Describe(di.Func("login", func(c *gin.Context) (string, error) { return c.PostForm("user"), nil }),
		di.Binding{In: "form", Type: reflect.TypeFor[describedForm](), MaxBytes: 1024})
	r := di.NewRouter(gin.New())
	r.POST("/login", di.JSON1(login, func(_ *gin.Context, u string) (string, error) { return u, nil }))
	rt := r.Routes()[0]
	if len(rt.Bindings) != 1 || rt.Bindings[0] != (di.Binding{In: "form", Type: reflect.TypeFor[describedForm](), Tag: "form", MaxBytes: 1024}) ||
		!slices.Equal(rt.Errors, []int{413, 422}) {
		t.Fatalf("%+v %v", rt.Bindings, rt.Errors)
	}
	for _, tc := range []struct {
		b    di.Binding
		want string
	}{
		{di.Binding{In: "json", Type: reflect.TypeFor[describedBody]()}, `di: Describe("x"): a binding is in the query, path, header, cookie, body or form, not "json"`},
		{di.Binding{In: "query", Type: reflect.TypeFor[string]()}, `di: Describe("x"): the Type of a binding is a struct, with one field per value; got string`},
		{di.Binding{In: "query"}, `di: Describe("x"): the Type of a binding is a struct, with one field per value; got <nil>`},
	} {
		if msg := mustPanic(t, func() { di.Describe(di.Func("x", func(*gin.Context) (int, error) { return 0, nil }), tc.b) }); msg != tc.want {
			t.Errorf("panic %q\nwant  %q", msg, tc.want)
		}
	}
}
