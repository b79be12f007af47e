package tests

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

func TestExampleAppGivesConcurrentItemsDistinctIDs(t *testing.T) {
	srv := newServer(t)
	hdr := []string{"Authorization", "Bearer " + login(t, srv, "johndoe", "secret", "me", "items"), "Content-Type", "application/json"}
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
			status, _, body, err := send(srv, "POST", "/users/me/items", fmt.Sprintf(`{"name":"Thing %d","price":%d}`, i, i), hdr...)
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
