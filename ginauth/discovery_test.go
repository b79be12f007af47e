package ginauth_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/ginauth"
)

func discoveredToken(t *testing.T, iss string) string {
	now := time.Now().Unix()
	return signed(t, jwksKeys().r1, map[string]any{"alg": "RS256", "kid": "k1"},
		map[string]any{"iss": iss, "aud": "api", "sub": "alice", "iat": now, "exp": now + 300, "scope": "read"})
}

// An issuer that publishes only RFC 8414's metadata is found there, and
// the issuer discovered is the one tokens must name.
func TestDiscoverRFC8414AndTheIssuer(t *testing.T) {
	p := newProvider(t, "/tenant", true, jwksKeys().r1, "k1")
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Keys: ginauth.Discover(p.issuer), Audience: "api"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	if err := validate(v, discoveredToken(t, p.issuer)); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := validate(v, discoveredToken(t, p.issuer+"/")); !errors.Is(err, jwt.ErrTokenInvalidIssuer) {
		t.Errorf("another issuer: %v", err)
	}
}

// metadataServer serves one metadata document for any issuer, and a key set.
func metadataServer(t *testing.T, tls bool, doc func(base string) map[string]any) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(mux)
	} else {
		srv = httptest.NewServer(mux)
	}
	t.Cleanup(srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(doc(srv.URL))
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"keys":[` + string(jwkOf(t, jwksKeys().r1, "k1", "", "sig")) + `]}`))
	})
	return srv
}

// Metadata that names another issuer, or a key set over plain http for an
// https issuer, is refused: no key, 503, and Health says why.
func TestDiscoverRefusesMixUpsAndDowngrades(t *testing.T) {
	keysAt := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"keys":[` + string(jwkOf(t, jwksKeys().r1, "k1", "", "sig")) + `]}`))
	}))
	t.Cleanup(keysAt.Close)
	for _, tc := range []struct {
		name string
		tls  bool
		doc  func(base string) map[string]any
		why  string
	}{
		{"another issuer", false, func(base string) map[string]any {
			return map[string]any{"issuer": "https://evil.example", "jwks_uri": base + "/keys"}
		}, `names the issuer "https://evil.example"`},
		{"a trailing slash", false, func(base string) map[string]any {
			return map[string]any{"issuer": base + "/", "jwks_uri": base + "/keys"}
		}, "names the issuer"},
		{"no jwks_uri", false, func(base string) map[string]any { return map[string]any{"issuer": base} }, "has no jwks_uri"},
		{"keys over http for an https issuer", true, func(base string) map[string]any {
			return map[string]any{"issuer": base, "jwks_uri": keysAt.URL + "/keys"}
		}, "names a JWK Set over plain http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := metadataServer(t, tc.tls, tc.doc)
			v, err := ginauth.NewJWT(ginauth.JWTConfig{Audience: "api",
				Keys: ginauth.Discover(srv.URL, ginauth.JWKSOptions{Client: srv.Client(), Timeout: time.Second})})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(v.Close)
			wantUnavailable(t, v, jwksEngine(v), discoveredToken(t, srv.URL))
			if h := v.Health(); h.Ready || h.LastError == nil || !strings.Contains(h.LastError.Error(), tc.why) {
				t.Errorf("Health: %+v, want the error to say %q", h, tc.why)
			}
		})
	}
	// The same https issuer with its keys over https is fine.
	srv := metadataServer(t, true, func(base string) map[string]any { return map[string]any{"issuer": base, "jwks_uri": base + "/keys"} })
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Audience: "api", Keys: ginauth.Discover(srv.URL, ginauth.JWKSOptions{Client: srv.Client()})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	if err := validate(v, discoveredToken(t, srv.URL)); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

// Metadata that cannot be had at startup is fetched again, as the keys
// are: 503 until then, then the tokens pass.
func TestDiscoverRecoversAfterAFailedStart(t *testing.T) {
	var up atomic.Bool
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys"})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"keys":[` + string(jwkOf(t, jwksKeys().r1, "k1", "", "sig")) + `]}`))
	})
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Audience: "api",
		Keys: ginauth.Discover(srv.URL, ginauth.JWKSOptions{Timeout: time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: 20 * time.Millisecond})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	tok := discoveredToken(t, srv.URL)
	wantUnavailable(t, v, jwksEngine(v), tok)
	up.Store(true)
	eventually(t, 5*time.Second, "the metadata is back, the token still fails", func() bool { return validate(v, tok) == nil })
}
