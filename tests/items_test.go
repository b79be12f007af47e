package tests

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/tests/internal/exampletest"
)

// A user's items in a database session: the commit happens before the
// answer, so that a failed commit answers with its error, not 201.
func TestExampleAppMyItems(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	hdr := append(bearer(login(t, srv, "johndoe", "secret", "me", "items")), "Content-Type", "application/json")
	run(t, srv, []exchange{
		{name: "create", method: "POST", path: "/my/items", body: `{"name":"Gizmo","price":3.5}`, header: hdr,
			status: 201, want: `{"id":3,"name":"Gizmo","price":3.5,"owner":"johndoe"}`},
		// The commit fails: the 201 the handler wrote is replaced.
		{name: "duplicate", method: "POST", path: "/my/items", body: `{"name":"Gizmo","price":1}`, header: hdr,
			status: 409, want: `{"detail":"An item with this name exists"}`},
		// As with a database sequence, the rolled-back insert's ID stays used.
		{name: "create after a rollback", method: "POST", path: "/my/items", body: `{"name":"Widget","price":2}`, header: hdr,
			status: 201, want: `{"id":5,"name":"Widget","price":2,"owner":"johndoe"}`},
		// The owner is the token's user, whatever the body says.
		{name: "owner from the token", method: "POST", path: "/my/items", body: `{"name":"Doohickey","price":1,"owner":"alice","id":99}`, header: hdr,
			status: 201, want: `{"id":6,"name":"Doohickey","price":1,"owner":"johndoe"}`},
		{name: "list", path: "/my/items", header: hdr, status: 200,
			want: `[{"id":1,"name":"Portal Gun","price":42,"owner":"johndoe"},{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"},` +
				`{"id":3,"name":"Gizmo","price":3.5,"owner":"johndoe"},{"id":5,"name":"Widget","price":2,"owner":"johndoe"},` +
				`{"id":6,"name":"Doohickey","price":1,"owner":"johndoe"}]`},
		{name: "every body error", method: "POST", path: "/my/items", body: `{"price":"free"}`, header: hdr, status: 422,
			want: `{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"price":"free"}},` +
				`{"type":"float_type","loc":["body","price"],"msg":"Input should be a valid number","input":"free"}]}`},
		// Authentication is resolved first: 401 wins over 422.
		{name: "no token, bad body", method: "POST", path: "/my/items", body: `{"price":"free"}`,
			header: []string{"Content-Type", "application/json"}, status: 401, challenge: "Bearer", want: notAuthenticated},
		{name: "a service's token", method: "POST", path: "/my/items", body: `{"name":"Thing","price":1}`,
			header: append(bearer(serviceToken(t, srv, "me", "items")), "Content-Type", "application/json"),
			status: 401, challenge: invalidToken("The access token's user is unknown"), want: notValidated},
		// The refused creations took no ID.
		{name: "create after refusals", method: "POST", path: "/my/items", body: `{"name":"Thing","price":0}`, header: hdr,
			status: 201, want: `{"id":7,"name":"Thing","price":0,"owner":"johndoe"}`},
	})
}

func TestExampleAppGivesConcurrentItemsDistinctIDs(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	hdr := append(bearer(login(t, srv, "johndoe", "secret", "me", "items")), "Content-Type", "application/json")
	const n = 200
	type answer struct {
		status int
		body   string
		err    error
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			status, _, body, err := send(srv, "POST", "/my/items", fmt.Sprintf(`{"name":"Thing %d","price":%d}`, i, i), hdr...)
			answers[i] = answer{status, body, err}
		})
	}
	wg.Wait()

	byID := map[int]int{} // item ID -> request
	for i, a := range answers {
		if a.err != nil || a.status != 201 {
			t.Fatalf("item %d: %d %s %v", i, a.status, a.body, a.err)
		}
		var it struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		}
		if err := json.Unmarshal([]byte(a.body), &it); err != nil || it.Name != fmt.Sprintf("Thing %d", i) {
			t.Fatalf("item %d: %s %v", i, a.body, err)
		}
		if other, dup := byID[it.ID]; dup {
			t.Fatalf("items %d and %d both have ID %d", other, i, it.ID)
		}
		byID[it.ID] = i
	}
	for id, i := range byID {
		status, _, body := call(t, srv, "GET", fmt.Sprint("/items/", id), "", "X-API-Key", apiKey)
		if status != 200 || body != answers[i].body {
			t.Fatalf("GET /items/%d: %d %s, want 200 %s", id, status, body, answers[i].body)
		}
	}
}

func TestExampleAppAPIKeys(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	key := []string{"X-API-Key", apiKey}
	run(t, srv, []exchange{
		{name: "list", path: "/items?limit=1", header: key, status: 200, want: `[{"id":1,"name":"Portal Gun","price":42,"owner":"johndoe"}]`},
		{name: "key in a cookie", path: "/items?q=plum", header: []string{"Cookie", "api_key=" + apiKey}, status: 200,
			want: `[{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"}]`},
		{name: "no key: both challenges", path: "/items", status: 401, challenge: "APIKey", want: notAuthenticated},
		{name: "wrong key", path: "/items", header: []string{"X-API-Key", "example-api-kez"}, status: 401, challenge: "APIKey",
			want: `{"detail":"Invalid API key"}`},
		{name: "a bearer token is no key", path: "/items", header: bearer(serviceToken(t, srv, "me", "items")), status: 401,
			challenge: "APIKey", want: notAuthenticated},
		{name: "every query error", path: "/items?skip=-1&limit=abc&q=a", header: key, status: 422,
			want: `{"detail":[` +
				`{"type":"greater_than_equal","loc":["query","skip"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},` +
				`{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"},` +
				`{"type":"string_too_short","loc":["query","q"],"msg":"String should have at least 3 characters","input":"a","ctx":{"min_length":3}}]}`},
		{name: "one item", path: "/items/2", header: key, status: 200, want: `{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"}`},
		{name: "bad path", path: "/items/two", header: key, status: 422,
			want: `{"detail":[{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"two"}]}`},
		{name: "no item", path: "/items/99", header: key, status: 404, want: `{"detail":"Item not found"}`},
		{name: "no item, no key", path: "/items/99", status: 401, challenge: "APIKey", want: notAuthenticated},
	})
}

func TestExampleAppHTTPBasic(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const challenge = `Basic realm="example", charset="UTF-8"`
	run(t, srv, []exchange{
		{name: "right password", path: "/basic/me", header: basicAuth("johndoe", "secret"), status: 200, want: johndoe},
		{name: "wrong password", path: "/basic/me", header: basicAuth("johndoe", "nope"), status: 401,
			challenge: challenge, want: `{"detail":"Incorrect username or password"}`},
		{name: "no credentials", path: "/basic/me", status: 401, challenge: challenge, want: notAuthenticated},
		{name: "a bearer token", path: "/basic/me", header: bearer(serviceToken(t, srv)), status: 401,
			challenge: challenge, want: notAuthenticated},
		{name: "disabled user", path: "/basic/me", header: basicAuth("alice", "secret2"), status: 400, want: inactive},
	})
}

// The other routes of the example: where to start, and readiness, which
// a load balancer asks before any client comes: the example is ready at
// once, no token needed to make it read the keys.
func TestExampleAppMetaRoutes(t *testing.T) {
	t.Parallel()
	srv := exampletest.Launch(t, listen(t, "127.0.0.1:0"), app.Config{}, false).Server
	run(t, srv, []exchange{
		{name: "ready", path: "/ready", status: 200, want: `{"status":"ready"}`},
		{name: "root", path: "/", status: 200, want: `{"docs":"/docs","message":"gindepends example"}`},
	})
}
