package ginauth

import (
	"crypto/elliptic"
	"encoding/base64"
	"math/big"
	"strings"
	"sync"
	"time"
)

// tokenCache keeps tokens already verified, so that a token seen again
// skips the signature check, which costs tens of microseconds for RS256 or
// ES256. Each use checks the token's dates again.
//
// Entries are keyed on the signing input (header.payload) and hold the
// signature that was verified: a token hits only with that signature, or,
// for ECDSA, its twin (r, n-s), which verifies as well. So a token that an
// attacker re-encodes that way is the same entry, as it is the same token,
// and no signature that was not verified ever passes.
type tokenCache struct {
	mu      sync.RWMutex
	max     int
	entries map[string]cacheEntry
}

type cacheEntry struct {
	token      *Token
	signature  string // as verified
	alg        string
	generation uint64 // of the keys that verified it
}

func newTokenCache(max int) *tokenCache {
	return &tokenCache{max: max, entries: make(map[string]cacheEntry, min(max, 1024))}
}

// splitSignature splits a compact JWS into its signing input and signature.
func splitSignature(raw string) (input, signature string, ok bool) {
	i := strings.LastIndexByte(raw, '.')
	if i < 0 {
		return "", "", false
	}
	return raw[:i], raw[i+1:], true
}

// get returns a copy of the token cached for raw, if it is still valid now
// and the keys have not changed since it was verified. Its Raw is raw.
func (c *tokenCache) get(raw string, generation uint64, now time.Time, leeway, maxAge time.Duration) (*Token, bool) {
	if c == nil {
		return nil, false
	}
	input, sig, ok := splitSignature(raw)
	if !ok {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.entries[input]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	if e.signature != sig && !ecdsaTwins(e.alg, e.signature, sig) {
		return nil, false // another signature: verify it (the entry stays, for its own)
	}
	t := e.token
	switch {
	case e.generation != generation, // the keys changed: verify again
		!now.Before(t.ExpiresAt.Add(leeway)),
		!t.NotBefore.IsZero() && now.Before(t.NotBefore.Add(-leeway)),
		maxAge > 0 && now.Sub(t.IssuedAt) > maxAge+leeway:
		c.mu.Lock()
		delete(c.entries, input)
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
	input, sig, ok := splitSignature(t.Raw)
	if !ok {
		return
	}
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
	c.entries[input] = cacheEntry{token: t, signature: sig, alg: alg, generation: generation}
}

// curveOrders are the orders n of the curves of ES256, ES384 and ES512.
var curveOrders = map[string]*big.Int{
	"ES256": elliptic.P256().Params().N,
	"ES384": elliptic.P384().Params().N,
	"ES512": elliptic.P521().Params().N,
}

// ecdsaTwins reports whether the ECDSA signatures a and b (JWS encoding:
// r || s, base64url) are (r, s) and (r, n-s): for a verified a, b verifies
// too, and is the same token re-encoded (RFC 8725 §3.10 calls this
// malleability).
func ecdsaTwins(alg, a, b string) bool {
	n := curveOrders[alg]
	if n == nil || len(a) != len(b) {
		return false
	}
	da, err1 := base64.RawURLEncoding.Strict().DecodeString(a)
	db, err2 := base64.RawURLEncoding.Strict().DecodeString(b)
	if err1 != nil || err2 != nil || len(da)%2 != 0 || len(da) != len(db) {
		return false
	}
	half := len(da) / 2
	if string(da[:half]) != string(db[:half]) {
		return false
	}
	sum := new(big.Int).SetBytes(da[half:])
	sum.Add(sum, new(big.Int).SetBytes(db[half:]))
	return sum.Cmp(n) == 0
}
