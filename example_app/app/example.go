package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/example_app/authserver"
	"github.com/gindepends/gindepends/ginauth"
)

// The example's OAuth2 clients.
const (
	// PublicClient is Swagger UI at /docs, and any browser or mobile app:
	// no secret, PKCE. A password grant that names no client is its.
	PublicClient = "example-app"
	// ServiceClient is a backend service, with the secret
	// "example-service-secret": client credentials, or a user's password.
	ServiceClient = "example-service"
	// Audience is the API's identifier, the aud of its access tokens.
	Audience = "gindepends-example-api"
)

// Config says where the example is served and keeps its state.
type Config struct {
	// PublicURL is where clients reach the example, http://127.0.0.1:8080:
	// the authorization server's issuer is PublicURL/oauth.
	PublicURL string
	// DataDir holds the authorization server's embedded database (keys,
	// clients, codes, refresh tokens), created if missing. Unused with
	// RedisURL.
	DataDir string
	// RedisURL keeps that state in Redis instead, shared by the instances
	// behind a load balancer: redis://127.0.0.1:6379/0.
	RedisURL string
	// Limits bound password guessing; zero takes DefaultLoginLimits.
	Limits LoginLimits
	// AccessTokenLifetime is 30 minutes unless set.
	AccessTokenLifetime time.Duration
}

// Example is the API and its authorization server, served by one engine.
// The API knows the server only by its issuer URL: it reads the server's
// keys through OpenID discovery, as it would Keycloak's or Auth0's.
type Example struct {
	API   *di.Router
	Auth  *authserver.Server
	Store *Store

	tokens deferredValidator

	backend authserver.Backend
}

// New registers the example on engine: the authorization server under
// /oauth (and its token endpoint at /token too, for FastAPI's tutorial),
// the API, and its docs. Close releases what it opened.
func New(ctx context.Context, engine *gin.Engine, cfg Config) (*Example, error) {
	public, err := url.Parse(cfg.PublicURL)
	if err != nil || public.Host == "" {
		return nil, fmt.Errorf("example: PublicURL %q is not a URL", cfg.PublicURL)
	}
	if cfg.Limits == (LoginLimits{}) {
		cfg.Limits = DefaultLoginLimits()
	}
	e := &Example{Store: NewStoreWith(cfg.Limits)}
	if cfg.RedisURL != "" {
		// The login limits too: a guesser gets no more tries by reaching
		// another instance.
		r, err := authserver.OpenRedis(cfg.RedisURL)
		if err != nil {
			return nil, fmt.Errorf("example: REDIS_URL: %w", err)
		}
		e.backend = r
		e.Store.useRedis(r.Client(), cfg.Limits) // one pool: the backend's
	} else {
		e.backend, err = openBolt(cfg.DataDir)
		if err != nil {
			return nil, err
		}
	}
	issuer := cfg.PublicURL + "/oauth"
	e.Auth, err = authserver.New(ctx, authserver.Config{
		Issuer:              issuer,
		Audience:            Audience,
		Scopes:              Scopes,
		Backend:             e.backend,
		Users:               e.Store.Users(),
		Clients:             clients(public),
		DefaultClient:       PublicClient,
		AccessTokenLifetime: cfg.AccessTokenLifetime,
	})
	if err != nil {
		e.close()
		return nil, err
	}
	e.tokens.issuer = issuer
	engine.Any(e.Auth.Prefix()+"/*path", gin.WrapH(e.Auth))
	engine.POST("/token", gin.WrapH(e.Auth.TokenHandler()))
	e.API = Register(engine, e.Store, &e.tokens)
	return e, nil
}

func openBolt(dir string) (authserver.Backend, error) {
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	b, err := authserver.OpenBolt(filepath.Clean(dir))
	if err != nil {
		return nil, fmt.Errorf("example: the data folder %s: %w", dir, err)
	}
	return b, nil
}

// clients are the example's OAuth2 clients. Swagger UI's redirect page is
// registered under both loopback names, as the docs may be opened under
// either.
func clients(public *url.URL) []authserver.Client {
	redirects := []string{public.JoinPath("/docs/oauth2-redirect.html").String()}
	if host, port := public.Hostname(), public.Port(); host == "127.0.0.1" || host == "localhost" {
		other := map[string]string{"127.0.0.1": "localhost", "localhost": "127.0.0.1"}[host]
		if port != "" {
			other += ":" + port
		}
		redirects = append(redirects, public.Scheme+"://"+other+"/docs/oauth2-redirect.html")
	}
	scopes := []string{"me", "items"}
	return []authserver.Client{
		{ID: PublicClient, RedirectURIs: redirects, Scopes: scopes,
			Grants: []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken, "password"}},
		{ID: ServiceClient, SecretDigest: serviceSecretDigest, Scopes: scopes,
			Grants: []oidc.GrantType{oidc.GrantTypeClientCredentials, oidc.GrantTypeRefreshToken, "password"}},
	}
}

// deferredValidator is the API's validator, made at its first use: it
// reads the authorization server's keys through discovery as it is made,
// and the server it discovers is this process's, which answers only once
// it serves, that is by the time a request comes.
type deferredValidator struct {
	issuer string
	ready  atomic.Pointer[ginauth.JWT] // once made: what every request reads
	mu     sync.Mutex
	err    error
}

func (d *deferredValidator) get() (*ginauth.JWT, error) {
	if v := d.ready.Load(); v != nil {
		return v, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if v := d.ready.Load(); v != nil || d.err != nil {
		return v, d.err
	}
	v, err := ginauth.NewJWT(ginauth.JWTConfig{
		Keys:     ginauth.Discover(d.issuer),
		Audience: Audience,
		Leeway:   30 * time.Second,
	})
	if err != nil {
		d.err = err
		return nil, err
	}
	d.ready.Store(v)
	return v, nil
}

func (d *deferredValidator) Validate(ctx context.Context, raw string) (*ginauth.Token, error) {
	v, err := d.get()
	if err != nil {
		return nil, err
	}
	return v.Validate(ctx, raw)
}

// Health is the validator's, for /ready.
func (d *deferredValidator) Health() ginauth.KeysHealth {
	v, err := d.get()
	if err != nil {
		return ginauth.KeysHealth{}
	}
	return v.Health()
}

func (d *deferredValidator) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v := d.ready.Load(); v != nil {
		v.Close()
	}
	d.err = errors.New("example: closed")
}

// Close stops the validator's key refreshes and closes the server's store.
func (e *Example) Close() error {
	e.tokens.close()
	return e.close()
}

func (e *Example) close() error {
	var errs []error
	if e.backend != nil {
		errs = append(errs, e.backend.Close())
	}
	return errors.Join(errs...)
}
