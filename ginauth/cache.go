package ginauth

import (
	"sync"
	"time"
)

// tokenCache keeps tokens already verified, keyed on their exact bytes, so
// that a token seen again skips the signature check, which costs tens of
// microseconds for RS256 or ES256. Each use checks the token's dates again.
type tokenCache struct {
	mu      sync.RWMutex
	max     int
	entries map[string]cacheEntry
}

type cacheEntry struct {
	token      *Token
	generation uint64 // of the keys that verified it
}

func newTokenCache(max int) *tokenCache {
	return &tokenCache{max: max, entries: make(map[string]cacheEntry, min(max, 1024))}
}

// get returns a copy of the token cached for raw, if it is still valid now
// and the keys have not changed since it was verified.
func (c *tokenCache) get(raw string, generation uint64, now time.Time, leeway, maxAge time.Duration) (*Token, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.entries[raw]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	t := e.token
	switch {
	case e.generation != generation, // the keys changed: verify again
		!now.Before(t.ExpiresAt.Add(leeway)),
		!t.NotBefore.IsZero() && now.Before(t.NotBefore.Add(-leeway)),
		maxAge > 0 && now.Sub(t.IssuedAt) > maxAge+leeway:
		c.mu.Lock()
		delete(c.entries, raw)
		c.mu.Unlock()
		return nil, false
	}
	return t.clone(), true
}

// put keeps t, verified by keys of generation. A full cache first drops
// expired entries, then arbitrary ones (map order): a flood of fresh tokens
// cannot grow it.
func (c *tokenCache) put(raw string, t *Token, generation uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		now := time.Now()
		dropped := 0
		for k, e := range c.entries {
			if now.After(e.token.ExpiresAt) || dropped < c.max/16+1 {
				delete(c.entries, k)
				dropped++
			}
		}
	}
	c.entries[raw] = cacheEntry{token: t, generation: generation}
}
