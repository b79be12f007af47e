package authserver

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/cors"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Users is who may log in: the API's user database, which the server
// reads and never writes.
type Users interface {
	// Authenticate checks username's password, sent from remoteIP, and
	// returns the scopes the user may be granted. It answers
	// ErrInvalidCredentials, ErrInactive, or a *ThrottledError when it
	// checked no password because of its limits.
	Authenticate(ctx context.Context, username, password, remoteIP string) (scopes []string, err error)
	// Scopes are those an active user may be granted; false for a user
	// unknown or disabled.
	Scopes(ctx context.Context, username string) ([]string, bool)
	// Name is the user's full name, for the ID token.
	Name(ctx context.Context, username string) (string, bool)
}

// Why a login fails.
var (
	ErrInvalidCredentials = errors.New("incorrect username or password")
	ErrInactive           = errors.New("inactive user")
)

// ThrottledError is a login refused before any password was checked: too
// many failures, or every hash slot busy.
type ThrottledError struct {
	Status     int    // 429 or 503
	RetryAfter string // seconds, for the Retry-After header
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("login refused: %s, retry after %s s", http.StatusText(e.Status), e.RetryAfter)
}

// Config is the server's.
type Config struct {
	// Issuer is the server's URL; its path is where it is mounted:
	// http://127.0.0.1:8080/oauth.
	Issuer string
	// Audience is the API's identifier, the aud of the access tokens.
	Audience string
	// Scopes are the API's scopes, with their descriptions for the
	// consent page.
	Scopes  map[string]string
	Backend Backend
	Users   Users
	// Clients are registered (written to the backend) at startup.
	Clients []Client
	// DefaultClient is the public client of a password grant that names
	// none, as FastAPI's tutorial sends it.
	DefaultClient string
	// Lifetimes; zero values take the defaults: 30 minutes, 7 days, and
	// 10 minutes between /authorize and the exchange of the code.
	AccessTokenLifetime  time.Duration
	RefreshTokenLifetime time.Duration
	LoginTimeout         time.Duration
}

func (c *Config) devMode() bool { return strings.HasPrefix(c.Issuer, "http://") }

// keyRetention is how long a retired key stays published: as long as the
// longest-lived token it signed, an ID token, may be checked.
func (c *Config) keyRetention() time.Duration {
	return max(c.AccessTokenLifetime, time.Hour) + time.Minute
}

// Server is the authorization server: zitadel's OpenID provider on the
// backend, with a password grant and a login page of its own.
type Server struct {
	cfg      Config
	provider *op.Provider
	storage  *storage
	handler  http.Handler
	prefix   string
	login    *loginPage
}

// New makes the server and registers its clients.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Backend == nil || cfg.Users == nil || cfg.Audience == "" {
		return nil, errors.New("authserver: a Backend, Users and an Audience are needed")
	}
	issuer, err := url.Parse(cfg.Issuer)
	if err != nil || issuer.Host == "" || (issuer.Scheme != "http" && issuer.Scheme != "https") {
		return nil, fmt.Errorf("authserver: the issuer %q is not an http(s) URL", cfg.Issuer)
	}
	cfg.AccessTokenLifetime = or(cfg.AccessTokenLifetime, 30*time.Minute)
	cfg.RefreshTokenLifetime = or(cfg.RefreshTokenLifetime, 7*24*time.Hour)
	cfg.LoginTimeout = or(cfg.LoginTimeout, 10*time.Minute)
	s := &Server{cfg: cfg, prefix: strings.TrimSuffix(issuer.Path, "/")}
	s.storage = &storage{backend: cfg.Backend, cfg: &s.cfg, users: cfg.Users, loginURL: s.prefix + "/login"}
	for _, c := range cfg.Clients {
		if err := s.storage.put(ctx, bucketClients, c.ID, c, 0); err != nil {
			return nil, fmt.Errorf("authserver: registering client %s: %w", c.ID, err)
		}
	}
	var opCfg op.Config
	if _, err := rand.Read(opCfg.CryptoKey[:]); err != nil { // for opaque tokens, which no client gets
		return nil, err
	}
	opCfg.CodeMethodS256 = true
	opCfg.AuthMethodPost = true
	opCfg.GrantTypeRefreshToken = true
	opts := []op.Option{
		op.WithCustomTokenEndpoint(op.NewEndpoint("token")),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint("introspect")),
		op.WithHttpInterceptors(s.passwordGrant),
		// Only same-origin pages (Swagger UI at /docs) use the server
		// from a browser: no cross-origin request is allowed.
		op.WithCORSOptions(&cors.Options{AllowOriginFunc: func(string) bool { return false }}),
	}
	if issuer.Scheme == "http" {
		opts = append(opts, op.WithAllowInsecure())
	}
	s.provider, err = op.NewProvider(&opCfg, s.storage, op.StaticIssuer(cfg.Issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("authserver: %w", err)
	}
	s.login = newLoginPage(s)
	mux := http.NewServeMux()
	mux.Handle("/login", op.NewIssuerInterceptor(s.provider.IssuerFromRequest).Handler(s.login))
	mux.Handle("/", s.provider)
	s.handler = http.StripPrefix(s.prefix, mux)
	return s, nil
}

func or(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// ServeHTTP serves the server's endpoints, under its issuer's path: give it
// every request under that path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Prefix is the path the server is mounted at, its issuer's path.
func (s *Server) Prefix() string { return s.prefix }

// TokenHandler serves the token endpoint at any path: FastAPI's tutorial
// posts its password form to /token.
func (s *Server) TokenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = s.prefix + "/token"
		r2.URL.RawPath = ""
		s.handler.ServeHTTP(w, r2)
	})
}

// Endpoints are the server's URLs, for the API's docs.
func (s *Server) Endpoints() (authorize, token string) {
	return s.cfg.Issuer + "/authorize", s.cfg.Issuer + "/token"
}
