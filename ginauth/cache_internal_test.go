package ginauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The token cache, with explicit times: each use checks the token's dates
// again, with the leeway both ways, as golang-jwt would; a refused entry is
// dropped; the cache never grows past its size.

var cacheT0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// cacheToken is a token issued at cacheT0, valid for an hour.
func cacheToken() *Token {
	return &Token{
		Issuer: "iss", Subject: "alice", ClientID: "cli", ID: "jti",
		IssuedAt: cacheT0, ExpiresAt: cacheT0.Add(time.Hour), Raw: "h.raw.s",
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

// cached is t, verified as raw.
func cached(raw string, t *Token) *Token {
	t.Raw = raw
	return t
}

func cacheLen(c *tokenCache) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

func TestTokenCacheNil(t *testing.T) {
	var c *tokenCache
	if tok, ok := c.get("h.raw.s", 1, cacheT0, 0, 0); ok || tok != nil {
		t.Errorf("a nil cache answered %v, %v", tok, ok)
	}
}

func TestTokenCacheMiss(t *testing.T) {
	c := newTokenCache(8)
	c.put(cached("h.raw.s", cacheToken()), "HS256", 1)
	for _, raw := range []string{"", "h.raw", "h.raw.s ", "H.RAW.S", "h.raw.s\x00", "h.raw.t", "h.raw.", "h.raw"} {
		if _, ok := c.get(raw, 1, cacheT0, 0, 0); ok {
			t.Errorf("get(%q) found the entry of %q", raw, "h.raw.s")
		}
	}
}

func TestTokenCacheCopy(t *testing.T) {
	c := newTokenCache(8)
	orig := cacheToken()
	c.put(cached("h.raw.s", orig), "HS256", 1)
	got, ok := c.get("h.raw.s", 1, cacheT0.Add(time.Minute), 0, 0)
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

	again, ok := c.get("h.raw.s", 1, cacheT0.Add(time.Minute), 0, 0)
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
	if _, ok := c.get("h.raw.s", 1, cacheT0.Add(2*time.Hour), 0, 0); ok {
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
			c.put(cached("h.raw.s", tok), "HS256", 1)
			got, ok := c.get("h.raw.s", keys, cacheT0.Add(tc.at), tc.leeway, tc.maxAge)
			if ok != tc.hit {
				t.Fatalf("hit %v, want %v", ok, tc.hit)
			}
			if ok {
				if got.Subject != "alice" {
					t.Errorf("got %+v", got)
				}
				if !cacheHas(c, "h.raw.s") {
					t.Error("a hit dropped the entry")
				}
				return
			}
			if got != nil {
				t.Errorf("a miss returned %+v", got)
			}
			if cacheHas(c, "h.raw.s") {
				t.Error("a refused entry was kept")
			}
			// Dropped: no later time brings it back.
			if _, ok := c.get("h.raw.s", 1, cacheT0.Add(time.Minute), 0, 0); ok {
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
				raw := fmt.Sprint("h.raw.s", i)
				c.put(cached(raw, cacheToken()), "HS256", 1)
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
		c.put(cached(fmt.Sprint("h.old", i, ".s"), expired), "HS256", 1)
	}
	if n := cacheLen(c); n != max {
		t.Fatalf("%d entries, want %d", n, max)
	}
	fresh := cacheToken()
	fresh.ExpiresAt = time.Now().Add(time.Hour)
	c.put(cached("h.new.s", fresh), "HS256", 1)
	if n := cacheLen(c); n != 1 {
		t.Errorf("%d entries after a put into a cache full of stale ones, want 1", n)
	}
}

// Putting the same token again replaces its entry: it neither grows the
// cache nor keeps the first generation.
func TestTokenCachePutAgain(t *testing.T) {
	c := newTokenCache(4)
	c.put(cached("h.raw.s", cacheToken()), "HS256", 1)
	c.put(cached("h.raw.s", cacheToken()), "HS256", 2)
	if n := cacheLen(c); n != 1 {
		t.Errorf("%d entries, want 1", n)
	}
	if _, ok := c.get("h.raw.s", 2, cacheT0.Add(10*time.Minute), 0, 0); !ok {
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
				raw := fmt.Sprint("h.", g, "/", i%50, ".s")
				tok := cacheToken()
				tok.IssuedAt, tok.ExpiresAt = now, now.Add(time.Hour)
				if i%3 == 0 {
					tok.ExpiresAt = now // refused and dropped on get
				}
				c.put(cached(raw, tok), "HS256", 1)
				if got, ok := c.get(raw, 1, now.Add(time.Second), 0, 0); ok {
					got.Subject = "changed"
				}
				c.get(fmt.Sprint("h.", g, "/", (i+7)%50, ".s"), 1, now.Add(time.Second), 0, 0)
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

// An ECDSA signature (r, s) has a twin (r, n-s) that verifies too: the
// same token, which is one entry under both encodings, so that the twin is
// served from the cache and a re-encoded copy is no way around it.
func TestTokenCacheECDSATwinIsOneEntry(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewJWT(JWTConfig{Issuer: "iss", Audience: "aud", Keys: StaticKeys(Key{ID: "k", Algorithm: "ES256", Key: key})})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": "iss", "aud": "aud", "sub": "a", "client_id": "c", "jti": "j",
		"exp": time.Now().Add(time.Hour).Unix()})
	tok.Header["typ"], tok.Header["kid"] = "at+jwt", "k"
	raw, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndexByte(raw, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(raw[i+1:])
	s := new(big.Int).SetBytes(sig[32:])
	s.Sub(elliptic.P256().Params().N, s).FillBytes(sig[32:])
	twin := raw[:i+1] + base64.RawURLEncoding.EncodeToString(sig)

	if _, err := v.Validate(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	entry := func(k string) *Token {
		v.cache.mu.RLock()
		defer v.cache.mu.RUnlock()
		return v.cache.entries[k].token
	}
	first := entry(raw)
	got, err := v.Validate(context.Background(), twin)
	if err != nil {
		t.Fatal(err)
	}
	if n := cacheLen(v.cache); n != 2 || entry(twin) != first || entry(raw) != first {
		t.Errorf("%d keys; the twin's entry is the token's: %v; want 2 keys of one entry, the twin served from it", n, entry(twin) == first)
	}
	if got.Raw != twin || got.ID != "j" {
		t.Errorf("the twin read as %+v", got)
	}
	// Both keys go together.
	v.cache.get(raw, 1, time.Now(), 0, 0) // another generation: dropped
	if n := cacheLen(v.cache); n != 0 {
		t.Errorf("%d keys left after the entry was dropped", n)
	}

	for _, tc := range []struct{ alg, raw, want string }{
		{"ES256", raw, twin}, {"ES256", twin, raw},
		{"EdDSA", raw, ""}, {"HS512", raw, ""}, {"RS256", raw, ""},
		{"ES256", raw[:i], ""}, {"ES256", raw[:i+1] + "!" + raw[i+2:], ""},
		{"ES256", raw[:i+1] + base64.RawURLEncoding.EncodeToString(make([]byte, 64)), ""}, // s = 0
	} {
		if got := ecdsaTwin(tc.alg, tc.raw); got != tc.want {
			t.Errorf("ecdsaTwin(%s, %.12s…) = %.12q…, want %.12q…", tc.alg, tc.raw, got, tc.want)
		}
	}
}
