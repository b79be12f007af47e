package tests

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
)

const token = "fake-super-secret-token"

// call sends one request to a real server running the example API.
func call(t *testing.T, srv *httptest.Server, method, path, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func newServer(t *testing.T) *httptest.Server {
	engine := gin.New()
	app.Register(engine, app.NewStore())
	srv := httptest.NewServer(engine)
	t.Cleanup(srv.Close)
	return srv
}

func TestExampleAppItems(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		name, method, path, body string
		header                   []string
		status                   int
		want                     string
	}{
		{"list", "GET", "/items?limit=1", "", []string{"X-Token", token}, 200,
			`[{"id":1,"name":"Portal Gun","price":42,"owner":"johndoe"}]`},
		{"search", "GET", "/items?q=plum", "", []string{"X-Token", token}, 200,
			`[{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"}]`},
		{"no token", "GET", "/items", "", nil, 422,
			`{"detail":[{"type":"missing","loc":["header","x-token"],"msg":"Field required","input":null}]}`},
		{"bad token", "GET", "/items", "", []string{"X-Token", "nope"}, 400, `{"detail":"X-Token header invalid"}`},
		{"every query error", "GET", "/items?skip=-1&limit=abc&q=a", "", []string{"X-Token", token}, 422,
			`{"detail":[` +
				`{"type":"greater_than_equal","loc":["query","skip"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},` +
				`{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"},` +
				`{"type":"string_too_short","loc":["query","q"],"msg":"String should have at least 3 characters","input":"a","ctx":{"min_length":3}}]}`},
		{"one item", "GET", "/items/2", "", []string{"X-Token", token}, 200, `{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"}`},
		{"bad path", "GET", "/items/two", "", []string{"X-Token", token}, 422,
			`{"detail":[{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"two"}]}`},
		{"no item", "GET", "/items/99", "", []string{"X-Token", token}, 404, `{"detail":"Item not found"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := call(t, srv, tc.method, tc.path, tc.body, tc.header...)
			if status != tc.status || body != tc.want {
				t.Fatalf("got %d %s\nwant %d %s", status, body, tc.status, tc.want)
			}
		})
	}
}

func TestExampleAppCreateCommitsBeforeAnswering(t *testing.T) {
	srv := newServer(t)
	hdr := []string{"X-Token", token, "X-User", "johndoe", "Content-Type", "application/json"}

	status, _, body := call(t, srv, "POST", "/items", `{"name":"Gizmo","price":3.5}`, hdr...)
	if status != 201 || body != `{"id":3,"name":"Gizmo","price":3.5,"owner":"johndoe"}` {
		t.Fatalf("create: %d %s", status, body)
	}
	// The commit fails: the 201 the handler wrote is replaced.
	status, _, body = call(t, srv, "POST", "/items", `{"name":"Gizmo","price":1}`, hdr...)
	if status != 409 || body != `{"detail":"An item with this name exists"}` {
		t.Fatalf("duplicate: %d %s", status, body)
	}
	status, _, body = call(t, srv, "GET", "/items?q=gizmo", "", hdr...)
	if status != 200 || body != `[{"id":3,"name":"Gizmo","price":3.5,"owner":"johndoe"}]` {
		t.Fatalf("list after: %d %s", status, body)
	}
	// Authentication is checked before the body: 401 wins over 422.
	status, hd, body := call(t, srv, "POST", "/items", `{"price":"free"}`, "X-Token", token, "Content-Type", "application/json")
	if status != 401 || body != `{"detail":"Not authenticated"}` || hd.Get("WWW-Authenticate") != "X-User" {
		t.Fatalf("no user: %d %v %s", status, hd, body)
	}
	status, _, body = call(t, srv, "POST", "/items", `{"price":"free"}`, hdr...)
	want := `{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"price":"free"}},` +
		`{"type":"float_type","loc":["body","price"],"msg":"Input should be a valid number","input":"free"}]}`
	if status != 422 || body != want {
		t.Fatalf("bad body: %d %s\nwant %s", status, body, want)
	}
}

func TestExampleAppUsers(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		user   string
		status int
		want   string
	}{
		{"johndoe", 200, `{"username":"johndoe","full_name":"John Doe","disabled":false}`},
		{"alice", 400, `{"detail":"Inactive user"}`},
		{"mallory", 401, `{"detail":"Unknown user"}`},
		{"", 401, `{"detail":"Not authenticated"}`},
	} {
		status, _, body := call(t, srv, "GET", "/users/me", "", "X-User", tc.user)
		if status != tc.status || body != tc.want {
			t.Errorf("%q: got %d %s, want %d %s", tc.user, status, body, tc.status, tc.want)
		}
	}
}

func TestExampleAppRegistry(t *testing.T) {
	srv := newServer(t)
	status, _, body := call(t, srv, "GET", "/routes", "")
	want := `[{"method":"GET","path":"/","security":{}},` +
		`{"method":"GET","path":"/users/me","security":{"UserHeader":[]}},` +
		`{"method":"GET","path":"/items","security":{}},` +
		`{"method":"GET","path":"/items/:id","security":{}},` +
		`{"method":"POST","path":"/items","security":{"UserHeader":[]}},` +
		`{"method":"GET","path":"/routes","security":{}}]`
	if status != 200 || body != want {
		t.Fatalf("got %d %s", status, body)
	}
}
