package ginauth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// The token cache, with explicit times: each use checks the token's dates
// again, with the leeway both ways, as golang-jwt would; a refused entry is
// dropped; the cache never grows past its size.

var cacheT0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// cacheToken is a token issued at cacheT0, valid for an hour.
func cacheToken() *Token {
	return &Token{
		Issuer: "iss", Subject: "alice", ClientID: "cli", ID: "jti",
		IssuedAt: cacheT0, ExpiresAt: cacheT0.Add(time.Hour), Raw: "raw",
		audience: []string{"api"}, scopes: []string{"read", "write"},
	}
}

// cacheHas reports whether raw has an entry, without get's checks.
func cacheHas(c *tokenCache, raw string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.entries[raw]
	return ok
}

func cacheLen(c *tokenCache) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

func TestTokenCacheNil(t *testing.T) {
	var c *tokenCache
	if tok, ok := c.get("raw", 1, cacheT0, 0, 0); ok || tok != nil {
		t.Errorf("a nil cache answered %v, %v", tok, ok)
	}
}

func TestTokenCacheMiss(t *testing.T) {
	c := newTokenCache(8)
	c.put("raw", cacheToken(), 1)
	for _, raw := range []string{"", "ra", "raw ", "RAW", "raw\x00"} {
		if _, ok := c.get(raw, 1, cacheT0, 0, 0); ok {
			t.Errorf("get(%q) found the entry of %q", raw, "raw")
		}
	}
}

func TestTokenCacheCopy(t *testing.T) {
	c := newTokenCache(8)
	orig := cacheToken()
	c.put("raw", orig, 1)
	got, ok := c.get("raw", 1, cacheT0.Add(time.Minute), 0, 0)
	if !ok {
		t.Fatal("miss")
	}
	if got == orig {
		t.Fatal("get returned the cached token itself, not a copy")
	}
	got.Subject, got.ClientID, got.ID, got.Issuer, got.Raw = "mallory", "x", "x", "x", "x"
	got.ExpiresAt = cacheT0.Add(100 * time.Hour)
	got.NotBefore = cacheT0.Add(-time.Hour)
	got.IssuedAt = time.Time{}
	s := got.Scopes()
	s[0] = "admin"
	a := got.Audience()
	a[0] = "other"

	again, ok := c.get("raw", 1, cacheT0.Add(time.Minute), 0, 0)
	if !ok {
		t.Fatal("miss after a caller changed its copy")
	}
	want := cacheToken()
	if again.Subject != want.Subject || again.ClientID != want.ClientID || again.ID != want.ID ||
		again.Issuer != want.Issuer || again.Raw != want.Raw || !again.ExpiresAt.Equal(want.ExpiresAt) ||
		!again.IssuedAt.Equal(want.IssuedAt) || !again.NotBefore.IsZero() {
		t.Errorf("the cached token changed with a caller's copy: %+v", again)
	}
	if fmt.Sprint(again.Scopes(), again.Audience()) != "[read write] [api]" {
		t.Errorf("scopes %v, audience %v", again.Scopes(), again.Audience())
	}
	// An expiry pushed out in a copy does not keep the entry alive.
	if _, ok := c.get("raw", 1, cacheT0.Add(2*time.Hour), 0, 0); ok {
		t.Error("an expired token was served")
	}
}

// cacheCase is one use of the cached token at a time, with a leeway and a
// maximum age.
type cacheCase struct {
	name   string
	edit   func(*Token)
	keys   uint64        // the keys' generation at the get; 0: that of the put
	at     time.Duration // after cacheT0
	leeway time.Duration
	maxAge time.Duration
	hit    bool
}

func TestTokenCacheDates(t *testing.T) {
	exp := time.Hour
	nbf := func(d time.Duration) func(*Token) { return func(t *Token) { t.NotBefore = cacheT0.Add(d) } }
	cases := []cacheCase{
		{name: "fresh", at: time.Minute, hit: true},
		{name: "at issuance", at: 0, hit: true},

		// exp: valid while now < exp + leeway (golang-jwt's rule).
		{name: "just before exp", at: exp - time.Nanosecond, hit: true},
		{name: "at exp", at: exp},
		{name: "after exp", at: exp + time.Second},
		{name: "after exp, within the leeway", at: exp + 29*time.Second, leeway: 30 * time.Second, hit: true},
		{name: "at exp + leeway", at: exp + 30*time.Second, leeway: 30 * time.Second},
		{name: "after exp + leeway", at: exp + 40*time.Second, leeway: 30 * time.Second},

		// nbf: valid once now >= nbf - leeway.
		{name: "before nbf", edit: nbf(10 * time.Minute), at: 5 * time.Minute},
		{name: "just before nbf", edit: nbf(10 * time.Minute), at: 10*time.Minute - time.Nanosecond},
		{name: "at nbf", edit: nbf(10 * time.Minute), at: 10 * time.Minute, hit: true},
		{name: "before nbf, within the leeway", edit: nbf(10 * time.Minute), at: 9*time.Minute + 30*time.Second, leeway: 30 * time.Second, hit: true},
		{name: "before nbf - leeway", edit: nbf(10 * time.Minute), at: 9*time.Minute + 29*time.Second, leeway: 30 * time.Second},
		{name: "nbf in the past", edit: nbf(-time.Minute), at: time.Minute, hit: true},

		// MaxAge: valid while now - iat <= MaxAge + leeway.
		{name: "younger than MaxAge", at: 9 * time.Minute, maxAge: 10 * time.Minute, hit: true},
		{name: "exactly MaxAge old", at: 10 * time.Minute, maxAge: 10 * time.Minute, hit: true},
		{name: "older than MaxAge", at: 10*time.Minute + time.Nanosecond, maxAge: 10 * time.Minute},
		{name: "older than MaxAge, within the leeway", at: 10*time.Minute + 5*time.Second, maxAge: 10 * time.Minute, leeway: 5 * time.Second, hit: true},
		{name: "older than MaxAge + leeway", at: 10*time.Minute + 6*time.Second, maxAge: 10 * time.Minute, leeway: 5 * time.Second},
		{name: "MaxAge 0: no limit", at: 59 * time.Minute, hit: true},

		// The keys changed since: verify again, whatever the dates say.
		{name: "same keys", keys: 1, at: time.Minute, hit: true},
		{name: "the keys changed", keys: 2, at: time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTokenCache(8)
			tok := cacheToken()
			if tc.edit != nil {
				tc.edit(tok)
			}
			keys := tc.keys
			if keys == 0 {
				keys = 1
			}
			c.put("raw", tok, 1)
			got, ok := c.get("raw", keys, cacheT0.Add(tc.at), tc.leeway, tc.maxAge)
			if ok != tc.hit {
				t.Fatalf("hit %v, want %v", ok, tc.hit)
			}
			if ok {
				if got.Subject != "alice" {
					t.Errorf("got %+v", got)
				}
				if !cacheHas(c, "raw") {
					t.Error("a hit dropped the entry")
				}
				return
			}
			if got != nil {
				t.Errorf("a miss returned %+v", got)
			}
			if cacheHas(c, "raw") {
				t.Error("a refused entry was kept")
			}
			// Dropped: no later time brings it back.
			if _, ok := c.get("raw", 1, cacheT0.Add(time.Minute), 0, 0); ok {
				t.Error("a refused entry came back")
			}
		})
	}
}

func TestTokenCacheBounded(t *testing.T) {
	for _, max := range []int{1, 2, 16, 100, 1000} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			c := newTokenCache(max)
			for i := range max * 3 {
				raw := fmt.Sprint("raw", i)
				c.put(raw, cacheToken(), 1)
				if n := cacheLen(c); n > max {
					t.Fatalf("%d entries in a cache of %d", n, max)
				}
				// The entry just put is there.
				if !cacheHas(c, raw) {
					t.Fatalf("entry %d is not there right after put", i)
				}
			}
			if n := cacheLen(c); n == 0 {
				t.Error("empty after puts")
			}
		})
	}
}

// A full cache drops its expired entries first.
func TestTokenCacheFullOfStale(t *testing.T) {
	const max = 64
	c := newTokenCache(max)
	expired := cacheToken()
	expired.ExpiresAt = time.Now().Add(-time.Minute)
	for i := range max {
		c.put(fmt.Sprint("old", i), expired, 1)
	}
	if n := cacheLen(c); n != max {
		t.Fatalf("%d entries, want %d", n, max)
	}
	fresh := cacheToken()
	fresh.ExpiresAt = time.Now().Add(time.Hour)
	c.put("new", fresh, 1)
	if n := cacheLen(c); n != 1 {
		t.Errorf("%d entries after a put into a cache full of stale ones, want 1", n)
	}
}

// Putting the same token again replaces its entry: it neither grows the
// cache nor keeps the first generation.
func TestTokenCachePutAgain(t *testing.T) {
	c := newTokenCache(4)
	c.put("raw", cacheToken(), 1)
	c.put("raw", cacheToken(), 2)
	if n := cacheLen(c); n != 1 {
		t.Errorf("%d entries, want 1", n)
	}
	if _, ok := c.get("raw", 2, cacheT0.Add(10*time.Minute), 0, 0); !ok {
		t.Error("the second generation was not kept")
	}
}

func TestTokenCacheConcurrent(t *testing.T) {
	const max = 32
	c := newTokenCache(max)
	now := time.Now()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				raw := fmt.Sprint(g, "/", i%50)
				tok := cacheToken()
				tok.IssuedAt, tok.ExpiresAt = now, now.Add(time.Hour)
				if i%3 == 0 {
					tok.ExpiresAt = now // refused and dropped on get
				}
				c.put(raw, tok, 1)
				if got, ok := c.get(raw, 1, now.Add(time.Second), 0, 0); ok {
					got.Subject = "changed"
				}
				c.get(fmt.Sprint(g, "/", (i+7)%50), 1, now.Add(time.Second), 0, 0)
			}
		})
	}
	wg.Wait()
	if n := cacheLen(c); n > max {
		t.Errorf("%d entries in a cache of %d", n, max)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for raw, e := range c.entries {
		if e.token.Subject != "alice" {
			t.Errorf("entry %q changed: %q", raw, e.token.Subject)
		}
	}
}
