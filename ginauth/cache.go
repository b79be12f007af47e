package ginauth

import (
	"crypto/elliptic"
	"encoding/base64"
	"math/big"
	"strings"
	"sync"
	"time"
)

// tokenCache keeps tokens already verified, keyed on their exact bytes, so
// that a token seen again skips the signature check, which costs tens of
// microseconds for RS256 or ES256. Each use checks the token's dates again.
//
// An ECDSA token has two encodings that verify: its signature (r, s) and
// (r, n-s). The entry of such a token is kept under both, so that the
// token is one entry however it is sent, and a re-encoded copy is no way
// around the cache. Only encodings that verify are ever keys.
type tokenCache struct {
	mu      sync.RWMutex
	max     int
	entries map[string]cacheEntry
}

type cacheEntry struct {
	token      *Token
	twin       string // the token's other encoding, kept under it too; "" for all but ECDSA
	generation uint64 // of the keys that verified it
}

func newTokenCache(max int) *tokenCache {
	return &tokenCache{max: max, entries: make(map[string]cacheEntry, min(max, 1024))}
}

// get returns a copy of the token cached for raw, if it is still valid now
// and the keys have not changed since it was verified. Its Raw is raw.
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
		delete(c.entries, e.twin)
		c.mu.Unlock()
		return nil, false
	}
	cp := t.clone()
	cp.Raw = raw
	return cp, true
}

// put keeps t, verified with alg by keys of generation. A full cache first
// drops expired entries, then arbitrary ones (map order): a flood of fresh
// tokens cannot grow it.
func (c *tokenCache) put(t *Token, alg string, generation uint64) {
	e := cacheEntry{token: t, twin: ecdsaTwin(alg, t.Raw), generation: generation}
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
	c.entries[t.Raw] = e
	if e.twin != "" {
		c.entries[e.twin] = cacheEntry{token: t, twin: t.Raw, generation: generation}
	}
}

// curveOrders are the orders n of the curves of ES256, ES384 and ES512.
var curveOrders = map[string]*big.Int{
	"ES256": elliptic.P256().Params().N,
	"ES384": elliptic.P384().Params().N,
	"ES512": elliptic.P521().Params().N,
}

// ecdsaTwin is the other encoding of a verified ECDSA token: the JWS
// signature r || s as r || n-s, which verifies too (RFC 8725 §3.10 on
// malleability); "" for other algorithms.
func ecdsaTwin(alg, raw string) string {
	n := curveOrders[alg]
	i := strings.LastIndexByte(raw, '.')
	if n == nil || i < 0 {
		return ""
	}
	sig, err := base64URL.DecodeString(raw[i+1:])
	if err != nil || len(sig)%2 != 0 {
		return ""
	}
	s := sig[len(sig)/2:]
	twin := new(big.Int).SetBytes(s)
	if twin.Sign() == 0 || twin.Cmp(n) >= 0 {
		return ""
	}
	twin.Sub(n, twin).FillBytes(s)
	return raw[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}
