package main

// The hand-written equivalent of the example's route: what a team would
// write with gin and golang-jwt alone. It is this same binary, started again
// as a process of its own (load serve-handwritten ...), so that /proc
// accounts its CPU time and memory apart from the harness's.
//
// It takes the very tokens the example issues: ES256, verified with the
// public keys of the example's JWK Set, fetched once at start (the example
// reads the same set through OpenID discovery). It checks what the
// example's validator is configured to check, as a careful hand-written
// middleware would: one Authorization header, the Bearer scheme, a token of
// at most 8 KiB, the algorithm pinned to ES256, the key chosen by kid, the
// signature, iss, aud, exp required, nbf and iat when present, a leeway of
// 30 s as the example's, and both scopes "items" and "me"; then it looks the
// user up and refuses a disabled one, as FastAPI's tutorial does. Its
// answers are RFC 6750's: 401 with WWW-Authenticate, 403 insufficient_scope.
// It logs one line per request to stdout with gin's logger, and serves with
// the example's server timeouts, so that the per-request work is alike.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
)

// The route, its scopes, and the example's audience and leeway.
const (
	routePath     = "/users/me/items/"
	audience      = "gindepends-example-api"
	leeway        = 30 * time.Second
	maxTokenBytes = 8 << 10
	hwRealm       = "api"
)

var requiredScopes = []string{"items", "me"}

// hwUser is an account, as the tutorial's fake_users_db has them.
type hwUser struct {
	Username string
	FullName string
	Email    string
	Disabled bool
}

var hwUsers = map[string]hwUser{
	"johndoe": {Username: "johndoe", FullName: "John Doe", Email: "johndoe@example.com"},
	"alice":   {Username: "alice", FullName: "Alice Chains", Email: "alicechains@example.com", Disabled: true},
}

type hwItem struct {
	ItemID string `json:"item_id"`
	Owner  string `json:"owner"`
}

type hwClaims struct {
	jwt.RegisteredClaims
	Scope string `json:"scope"`
}

func (c *hwClaims) hasScope(scope string) bool {
	for s := range strings.SplitSeq(c.Scope, " ") {
		if s == scope {
			return true
		}
	}
	return false
}

// serveHandwritten is the subcommand serve-handwritten.
func serveHandwritten(args []string) error {
	fs := flag.NewFlagSet("serve-handwritten", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "where to listen")
	jwksURL := fs.String("jwks", "", "the example's JWK Set, fetched once at start")
	issuer := fs.String("issuer", "", "the tokens' issuer, the example's PublicURL/oauth")
	cache := fs.Bool("cache", false, "keep verified tokens, as the example's validator does")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *jwksURL == "" || *issuer == "" {
		return errors.New("serve-handwritten: -jwks and -issuer are required")
	}
	keys, err := fetchES256Keys(*jwksURL)
	if err != nil {
		return err
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	if err := engine.SetTrustedProxies(nil); err != nil {
		return err
	}
	engine.Use(gin.Logger(), gin.Recovery())
	engine.GET(routePath, bearer(keys, *issuer, *cache, requiredScopes...), func(c *gin.Context) {
		u := c.MustGet("user").(*hwUser)
		c.JSON(http.StatusOK, []hwItem{{ItemID: "Foo", Owner: u.Username}})
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// The example's timeouts (example_app/app/server.go).
	srv := &http.Server{
		Handler:           engine,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Printf("hand-written server on http://%s (%d key(s), cache %v)", ln.Addr(), len(keys), *cache)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	wait, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(wait)
}

// bearer is the middleware: a valid token granting every one of scopes,
// then its user, active.
func bearer(keys map[string]*ecdsa.PublicKey, issuer string, cache bool, scopes ...string) gin.HandlerFunc {
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
	)
	keyFunc := func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if k, ok := keys[kid]; ok {
			return k, nil
		}
		return nil, errors.New("unknown kid")
	}
	var verified *tokenCache
	if cache {
		verified = &tokenCache{m: make(map[string]*hwClaims)}
	}
	challenge := `Bearer realm="` + hwRealm + `"`
	invalid := challenge + `, error="invalid_token"`
	insufficient := challenge + `, error="insufficient_scope", scope="` + strings.Join(scopes, " ") + `"`
	refuse := func(c *gin.Context, status int, challenge, detail string) {
		if challenge != "" {
			c.Header("WWW-Authenticate", challenge)
		}
		c.AbortWithStatusJSON(status, gin.H{"detail": detail})
	}
	return func(c *gin.Context) {
		values := c.Request.Header.Values("Authorization")
		switch {
		case len(values) == 0:
			refuse(c, http.StatusUnauthorized, challenge, "Not authenticated")
			return
		case len(values) > 1:
			refuse(c, http.StatusBadRequest, challenge+`, error="invalid_request"`, "One Authorization header, please")
			return
		}
		scheme, raw, _ := strings.Cut(values[0], " ")
		if !strings.EqualFold(scheme, "Bearer") || raw == "" {
			refuse(c, http.StatusUnauthorized, challenge, "Not authenticated")
			return
		}
		if len(raw) > maxTokenBytes {
			refuse(c, http.StatusUnauthorized, invalid, "Invalid token")
			return
		}
		claims := verified.get(raw)
		if claims == nil {
			claims = new(hwClaims)
			if _, err := p.ParseWithClaims(raw, claims, keyFunc); err != nil {
				refuse(c, http.StatusUnauthorized, invalid, "Invalid token")
				return
			}
			verified.put(raw, claims)
		}
		for _, s := range scopes {
			if !claims.hasScope(s) {
				refuse(c, http.StatusForbidden, insufficient, "Not enough permissions")
				return
			}
		}
		u, ok := hwUsers[claims.Subject]
		if !ok {
			refuse(c, http.StatusUnauthorized, invalid, "Invalid token")
			return
		}
		if u.Disabled {
			refuse(c, http.StatusBadRequest, "", "Inactive user")
			return
		}
		c.Set("user", &u)
		c.Next()
	}
}

// tokenCache keeps verified tokens (with -cache): a token seen again skips
// the signature check while it has not expired. Bounded: emptied when full.
type tokenCache struct {
	mu sync.RWMutex
	m  map[string]*hwClaims
}

const tokenCacheSize = 4096

func (tc *tokenCache) get(raw string) *hwClaims {
	if tc == nil {
		return nil
	}
	tc.mu.RLock()
	c := tc.m[raw]
	tc.mu.RUnlock()
	if c == nil {
		return nil
	}
	now := time.Now()
	if !now.Before(c.ExpiresAt.Add(leeway)) || (c.NotBefore != nil && now.Before(c.NotBefore.Add(-leeway))) {
		tc.mu.Lock()
		delete(tc.m, raw)
		tc.mu.Unlock()
		return nil
	}
	return c
}

func (tc *tokenCache) put(raw string, c *hwClaims) {
	if tc == nil {
		return
	}
	tc.mu.Lock()
	if len(tc.m) >= tokenCacheSize {
		clear(tc.m)
	}
	tc.m[raw] = c
	tc.mu.Unlock()
}

// fetchES256Keys reads a JWK Set once: its P-256 signature keys, by kid.
func fetchES256Keys(url string) (map[string]*ecdsa.PublicKey, error) {
	// A client of its own, whose connection is closed once the set is
	// read: nothing stays open (nor a goroutine) after the fetch.
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("JWK Set: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("JWK Set %s: %s", url, resp.Status)
	}
	var set struct {
		Keys []struct {
			Kty, Crv, Kid, Alg, Use, X, Y string
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return nil, fmt.Errorf("JWK Set %s: %w", url, err)
	}
	keys := make(map[string]*ecdsa.PublicKey)
	for _, k := range set.Keys {
		if k.Kty != "EC" || k.Crv != "P-256" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "ES256") {
			continue
		}
		x, errX := base64.RawURLEncoding.DecodeString(k.X)
		y, errY := base64.RawURLEncoding.DecodeString(k.Y)
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			return nil, fmt.Errorf("JWK Set %s: key %q: bad coordinates", url, k.Kid)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("JWK Set %s: key %q: %w", url, k.Kid, err)
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("JWK Set %s: no ES256 key", url)
	}
	return keys, nil
}
