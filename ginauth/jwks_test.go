package ginauth_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/goleak"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// The JWKS tests run a JWK Set server on 127.0.0.1 whose keys, status,
// delay and body each test changes, and count its requests. Every interval
// is short and every wait polls with a deadline: no assertion rests on a
// tight timing, only on the number of fetches and on what passes.

const (
	jwksIssuer   = "https://issuer.example"
	jwksAudience = "https://api.example"
)

// jwksServer serves a JWK Set; its fields are behind mu.
type jwksServer struct {
	srv      *httptest.Server
	url      string
	requests atomic.Int64

	mu     sync.Mutex
	keys   []json.RawMessage
	status int
	delay  time.Duration
	body   []byte // sent instead of the set when not nil
	gzip   bool   // body is gzipped: say so

	closing   chan struct{}
	closeOnce sync.Once
}

// newJWKSServer starts a server on 127.0.0.1 serving keys at /jwks.json.
func newJWKSServer(t testing.TB, keys ...json.RawMessage) *jwksServer {
	t.Helper()
	return newJWKSServerAt(t, "127.0.0.1:0", keys...)
}

// newJWKSServerAt starts it on addr, to bring back a server that was down.
func newJWKSServerAt(t testing.TB, addr string, keys ...json.RawMessage) *jwksServer {
	t.Helper()
	var (
		l   net.Listener
		err error
	)
	// The port of a server that was down is free, but give the kernel a
	// moment if it is not yet.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if l, err = net.Listen("tcp", addr); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	s := &jwksServer{keys: keys, status: http.StatusOK, closing: make(chan struct{})}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = l
	s.srv.Start()
	s.url = s.srv.URL + "/jwks.json"
	t.Cleanup(s.close)
	return s
}

// freeAddr is an address on 127.0.0.1 where nothing listens: a JWK Set
// server that is down.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func (s *jwksServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	status, delay, body, gzipped := s.status, s.delay, s.body, s.gzip
	if body == nil {
		body, _ = json.Marshal(map[string]any{"keys": s.keys})
	}
	s.mu.Unlock()
	if delay > 0 {
		timer := time.NewTimer(delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		}
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	if gzipped {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.WriteHeader(status)
	w.Write(body)
}

func (s *jwksServer) count() int64 { return s.requests.Load() }

func (s *jwksServer) setKeys(keys ...json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
}

func (s *jwksServer) setStatus(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

func (s *jwksServer) setDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

func (s *jwksServer) setBody(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.gzip = b, false
}

func (s *jwksServer) setGzipBody(b []byte) {
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	w.Write(b)
	w.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.gzip = z.Bytes(), true
}

// close stops the server, ending the requests it delays first.
func (s *jwksServer) close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.srv.Close()
	})
}

// jwksTestKeys are made once: RSA keys take a while.
type jwksTestKeys struct {
	r1, r2, r3 *rsa.PrivateKey // 2048 bits
	weak       *rsa.PrivateKey // 1024 bits
	e1         *ecdsa.PrivateKey
	p384       *ecdsa.PrivateKey
}

var jwksKeys = sync.OnceValue(func() jwksTestKeys {
	rsaKey := func(bits int) *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			panic(err)
		}
		return k
	}
	ecKey := func(c elliptic.Curve) *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			panic(err)
		}
		return k
	}
	return jwksTestKeys{
		r1: rsaKey(2048), r2: rsaKey(2048), r3: rsaKey(2048), weak: rsaKey(1024),
		e1: ecKey(elliptic.P256()), p384: ecKey(elliptic.P384()),
	}
})

// jwkOf is the public JWK of key, with kid, alg and use ("" leaves one out).
func jwkOf(t testing.TB, key any, kid, alg, use string) json.RawMessage {
	t.Helper()
	if s, ok := key.(interface{ Public() any }); ok {
		key = s.Public()
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		key = &k.PublicKey
	case *ecdsa.PrivateKey:
		key = &k.PublicKey
	}
	jwk, err := jwkset.NewJWKFromKey(key, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{
		KID: kid, ALG: jwkset.ALG(alg), USE: jwkset.USE(use),
	}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(jwk.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signJWKS signs a valid access token with key for method; kid "" leaves
// the kid out. Each token is new (its own jti), so that the validator's
// cache never answers for it.
func signJWKS(t testing.TB, method jwt.SigningMethod, key any, kid string) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(method, jwt.MapClaims{
		"iss": jwksIssuer, "aud": jwksAudience, "sub": "alice", "client_id": "cli",
		"jti": rand.Text(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "scope": "read",
	})
	tok.Header["typ"] = "at+jwt"
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// remoteValidator makes a validator of the set at url, closed when the test
// ends, and says how long NewJWT took.
func remoteValidator(t testing.TB, url string, o ginauth.JWKSOptions) (*ginauth.JWT, time.Duration) {
	t.Helper()
	start := time.Now()
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: jwksAudience, Keys: ginauth.JWKS(url, o)})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("NewJWT: %v", err)
	}
	t.Cleanup(v.Close)
	return v, took
}

func validate(v ginauth.TokenValidator, raw string) error {
	_, err := v.Validate(context.Background(), raw)
	return err
}

// jwksEngine answers GET / with the subject of a token that grants "read".
func jwksEngine(v ginauth.TokenValidator) *gin.Engine {
	tok := ginauth.Bearer(ginauth.OAuth2PasswordBearer{TokenURL: "token", Scopes: map[string]string{"read": "Read"}}.Dep(), testTokens)
	e := gin.New()
	di.NewRouter(e, di.Provide(testTokens, v)).GET("/", di.Handle1(di.Security(tok, "read"), func(c *gin.Context, t *ginauth.Token) { c.String(http.StatusOK, t.Subject) }))
	return e
}

func wantPass(t *testing.T, e *gin.Engine, tok string) {
	t.Helper()
	check(t, do(e, auth("Bearer "+tok)), answer{200, "", "alice"})
}

// wantRefused checks a 401 invalid_token, whatever its description.
func wantRefused(t *testing.T, e *gin.Engine, tok string) {
	t.Helper()
	w := do(e, auth("Bearer "+tok))
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="invalid_token"`) || w.Body.String() != couldNotValidate {
		t.Errorf("got %d [%s] %s, want a 401 invalid_token", w.Code, w.Header().Get("WWW-Authenticate"), w.Body.String())
	}
}

// wantUnavailable checks that tok meets no key because there is none to be
// had: ErrKeysUnavailable from Validate, 503 with Retry-After on a route.
func wantUnavailable(t *testing.T, v ginauth.TokenValidator, e *gin.Engine, tok string) {
	t.Helper()
	if err := validate(v, tok); !errors.Is(err, ginauth.ErrKeysUnavailable) {
		t.Errorf("Validate: %v, want ErrKeysUnavailable", err)
	}
	w := do(e, auth("Bearer "+tok))
	retry, err := strconv.Atoi(w.Header().Get("Retry-After"))
	if w.Code != http.StatusServiceUnavailable || err != nil || retry < 1 || w.Header().Get("WWW-Authenticate") != "" ||
		w.Body.String() != `{"detail":"The keys that verify access tokens are unavailable; try again later"}` {
		t.Errorf("got %d [Retry-After: %s] [%s] %s, want a 503 with Retry-After", w.Code, w.Header().Get("Retry-After"), w.Header().Get("WWW-Authenticate"), w.Body.String())
	}
}

func wantUnknownKey(t *testing.T, v ginauth.TokenValidator, tok string) {
	t.Helper()
	if err := validate(v, tok); !errors.Is(err, ginauth.ErrUnknownKey) {
		t.Errorf("Validate: %v, want ErrUnknownKey", err)
	}
}

func wantCount(t *testing.T, s *jwksServer, want int64, when string) {
	t.Helper()
	if got := s.count(); got != want {
		t.Errorf("%s: %d requests to the JWK Set, want %d", when, got, want)
	}
}

// eventually polls cond every few milliseconds until it holds, and fails
// the test if it still does not after within.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not after %v: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// quiet are options under which nothing is fetched unless a test asks.
var quiet = ginauth.JWKSOptions{Timeout: 2 * time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: time.Hour}

func TestJWKSSteadyState(t *testing.T) {
	k := jwksKeys()
	s := newJWKSServer(t, jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.e1, "e1", "ES256", ""))
	v, _ := remoteValidator(t, s.url, quiet)
	wantCount(t, s, 1, "after NewJWT")
	e := jwksEngine(v)

	for range 20 {
		wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
		wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
	}
	// The same token again, from the cache.
	tok := signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")
	for range 5 {
		wantPass(t, e, tok)
	}
	wantCount(t, s, 1, "in steady state")

	// Many at once, still without the network.
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 32 {
		tok := signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")
		wg.Go(func() {
			if validate(v, tok) != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d concurrent validations failed", failed.Load())
	}
	wantCount(t, s, 1, "after concurrent validations")
}

// A slow JWK Set does not slow requests whose keys are known: the refreshes
// happen in the background, and a failed one keeps the keys.
func TestJWKSSteadyStateWhileTheSetIsSlow(t *testing.T) {
	k := jwksKeys()
	s := newJWKSServer(t, jwkOf(t, k.r1, "r1", "RS256", "sig"))
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: 200 * time.Millisecond, RefreshInterval: 50 * time.Millisecond, UnknownKeyInterval: time.Hour, MaxStale: time.Hour})
	e := jwksEngine(v)
	s.setDelay(time.Minute)
	before := s.count()
	start := time.Now()
	for n := 0; s.count() < before+3; n++ {
		if time.Since(start) > 10*time.Second {
			t.Fatal("no background refresh in 10s")
		}
		wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
		time.Sleep(5 * time.Millisecond)
	}
}

func TestJWKSRotation(t *testing.T) {
	k := jwksKeys()
	r1 := jwkOf(t, k.r1, "r1", "RS256", "sig")
	s := newJWKSServer(t, r1)
	v, _ := remoteValidator(t, s.url, quiet)
	e := jwksEngine(v)
	wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
	wantCount(t, s, 1, "before the rotation")

	// The issuer publishes a second key and signs with it.
	s.setKeys(r1, jwkOf(t, k.r2, "r2", "RS256", "sig"))
	wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2"))
	wantCount(t, s, 2, "after the first token of the new key")
	for range 10 {
		wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2"))
		wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
	}
	wantCount(t, s, 2, "once the new key is known")
}

// Requests that arrive together for a new key share one fetch, and all pass.
func TestJWKSRotationConcurrent(t *testing.T) {
	k := jwksKeys()
	r1 := jwkOf(t, k.r1, "r1", "RS256", "sig")
	s := newJWKSServer(t, r1)
	v, _ := remoteValidator(t, s.url, quiet)
	s.setKeys(r1, jwkOf(t, k.e1, "e1", "ES256", "sig"))
	s.setDelay(100 * time.Millisecond) // so that the requests overlap the fetch
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		tok := signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")
		wg.Go(func() { errs <- validate(v, tok) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Validate: %v", err)
		}
	}
	wantCount(t, s, 2, "after 50 concurrent tokens of a new key")
}

// A key taken out of the set stops validating once a refresh has seen it
// gone, tokens already verified (cached) included.
func TestJWKSRotationRemovedKey(t *testing.T) {
	k := jwksKeys()
	r1, r2 := jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.r2, "r2", "RS256", "sig")
	s := newJWKSServer(t, r1, r2)
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: 2 * time.Second, RefreshInterval: 100 * time.Millisecond, UnknownKeyInterval: time.Hour})
	e := jwksEngine(v)
	cached := signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")
	wantPass(t, e, cached)
	wantPass(t, e, cached)

	s.setKeys(r2)
	removedAt := s.count()
	eventually(t, 5*time.Second, "a new token of the removed key still passes", func() bool {
		return validate(v, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")) != nil
	})
	if s.count() == removedAt {
		t.Error("the key went away without a fetch")
	}
	wantUnknownKey(t, v, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
	eventually(t, 5*time.Second, "a cached token of the removed key still passes", func() bool {
		return validate(v, cached) != nil
	})
	wantRefused(t, e, cached)
	wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2"))
}

// forgedKid is a token whose kid is kid (any JSON value), signed with the
// ES256 test key: the kid is looked up before the signature is checked.
func forgedKid(t testing.TB, kid any) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": jwksIssuer, "aud": jwksAudience, "sub": "alice", "client_id": "cli",
		"jti": "j", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
	})
	tok.Header["kid"] = kid
	s, err := tok.SignedString(jwksKeys().e1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWKSUnknownKidFlood(t *testing.T) {
	k := jwksKeys()
	s := newJWKSServer(t, jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.e1, "e1", "ES256", "sig"))
	opts := quiet
	opts.Timeout = 5 * time.Second
	v, _ := remoteValidator(t, s.url, opts)
	e := jwksEngine(v)

	flood := make([]string, 2000) // past the 1024 kids remembered as absent
	for i := range flood {
		flood[i] = forgedKid(t, rand.Text())
	}
	start := time.Now()
	for i, tok := range flood {
		if err := validate(v, tok); !errors.Is(err, ginauth.ErrUnknownKey) {
			t.Fatalf("random kid %d: %v, want ErrUnknownKey", i, err)
		}
	}
	took := time.Since(start)
	t.Logf("%d random kids refused in %v", len(flood), took)
	if took > opts.Timeout {
		t.Errorf("%d random kids took %v, more than one Timeout (%v): they do not fail fast", len(flood), took, opts.Timeout)
	}
	if got := s.count(); got > 2 {
		t.Errorf("%d requests to the JWK Set for a flood of random kids, want at most 1 after the first", got)
	}

	// Concurrently, and through a route.
	before := s.count()
	var wg sync.WaitGroup
	var wrong atomic.Int64
	for i := range 200 {
		wg.Go(func() {
			w := do(e, auth("Bearer "+flood[i]))
			if w.Code != http.StatusUnauthorized {
				wrong.Add(1)
			}
		})
	}
	wg.Wait()
	if wrong.Load() != 0 {
		t.Errorf("%d of 200 random kids not answered 401", wrong.Load())
	}
	wantCount(t, s, before, "after a concurrent flood within the interval")

	// Known keys keep working.
	wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
	wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
}

// With a short interval, the fetches an unknown-kid flood causes stay at
// about one per interval.
func TestJWKSUnknownKidRate(t *testing.T) {
	k := jwksKeys()
	s := newJWKSServer(t, jwkOf(t, k.e1, "e1", "ES256", "sig"))
	interval := 100 * time.Millisecond
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: 2 * time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: interval})
	before := s.count()
	start := time.Now()
	n := 0
	for time.Since(start) < 5*interval {
		var wg sync.WaitGroup
		for range 8 {
			tok := forgedKid(t, rand.Text())
			wg.Go(func() { validate(v, tok) })
		}
		wg.Wait()
		n += 8
	}
	elapsed := time.Since(start)
	fetches := s.count() - before
	allowed := int64(elapsed/interval) + 1
	t.Logf("%d random kids in %v: %d fetches (at most %d allowed)", n, elapsed, fetches, allowed)
	if fetches > allowed {
		t.Errorf("%d fetches in %v with UnknownKeyInterval %v", fetches, elapsed, interval)
	}
	if fetches == 0 {
		t.Error("no fetch at all for unknown kids")
	}
}

// Row 17 with a remote set: odd kids are opaque map keys, refused, and cost
// at most one fetch; kids that are not strings cost none.
func TestJWKSOddKids(t *testing.T) {
	k := jwksKeys()
	s := newJWKSServer(t, jwkOf(t, k.e1, "e1", "ES256", "sig"))
	v, _ := remoteValidator(t, s.url, quiet)
	e := jwksEngine(v)
	for _, kid := range []any{42, map[string]any{"a": 1}, []any{"e1"}, true, nil} {
		wantUnknownKey(t, v, forgedKid(t, kid))
	}
	wantCount(t, s, 1, "after kids that are not strings")
	for _, kid := range []string{"../../dev/null", "' OR 1=1--", strings.Repeat("k", 4<<10), "e1\x00", "E1", " e1", "", "e1/../e1"} {
		tok := forgedKid(t, kid)
		wantUnknownKey(t, v, tok)
		wantRefused(t, e, tok)
	}
	if got := s.count(); got > 2 {
		t.Errorf("%d requests to the JWK Set, want at most one fetch for odd kids", got)
	}
	wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
}

// Row 18: a token without kid gets no key from a remote set (keyfunc would
// try every key), one key or several.
func TestJWKSNoKid(t *testing.T) {
	k := jwksKeys()
	for _, keys := range [][]json.RawMessage{
		{jwkOf(t, k.r1, "r1", "RS256", "sig")},
		{jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.r2, "r2", "RS256", "sig")},
		{jwkOf(t, k.r1, "", "RS256", "sig")}, // a key without kid either
	} {
		s := newJWKSServer(t, keys...)
		v, _ := remoteValidator(t, s.url, quiet)
		tok := signJWKS(t, jwt.SigningMethodRS256, k.r1, "")
		wantUnknownKey(t, v, tok)
		wantRefused(t, jwksEngine(v), tok)
		wantCount(t, s, 1, "after tokens without kid")
	}
}

// Only keys for signatures are used, pinned to one algorithm each, and
// strong enough for it (rows 15, 25, 26). None of these refusals fetches.
func TestJWKSKeyFilters(t *testing.T) {
	k := jwksKeys()
	tiny := []byte{1}
	s := newJWKSServer(t,
		jwkOf(t, k.r1, "r1", "RS256", "sig"),
		jwkOf(t, k.r2, "enc", "", "enc"),      // an encryption key
		jwkOf(t, k.r3, "noalg", "", ""),       // pinned to RS256, its type's usual algorithm
		jwkOf(t, k.weak, "weak", "RS256", ""), // 1024 bits
		jwkOf(t, k.e1, "e1", "ES256", "sig"),
		jwkOf(t, k.p384, "p384", "", "sig"), // pinned to ES384
		json.RawMessage(`{"kty":"oct","kid":"tiny","alg":"HS256","k":"AQ"}`),
		json.RawMessage(`{"kty":"oct","kid":"long","alg":"HS256","k":"`+strings.Repeat("A", 43)+`"}`),
	)
	v, _ := remoteValidator(t, s.url, quiet)
	e := jwksEngine(v)
	pass := []struct {
		name string
		tok  string
	}{
		{"RS256 key", signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")},
		{"RSA key without alg, RS256", signJWKS(t, jwt.SigningMethodRS256, k.r3, "noalg")},
		{"ES256 key", signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")},
		{"P-384 key without alg, ES384", signJWKS(t, jwt.SigningMethodES384, k.p384, "p384")},
	}
	for _, tc := range pass {
		t.Run("pass/"+tc.name, func(t *testing.T) { wantPass(t, e, tc.tok) })
	}
	refuse := []struct {
		name string
		tok  string
		is   error // nil: any error
	}{
		{"use enc", signJWKS(t, jwt.SigningMethodRS256, k.r2, "enc"), ginauth.ErrUnknownKey},
		{"RSA 1024 (row 26)", signJWKS(t, jwt.SigningMethodRS256, k.weak, "weak"), ginauth.ErrWeakKey},
		{"RS256 key, PS256 token (row 15)", signJWKS(t, jwt.SigningMethodPS256, k.r1, "r1"), nil},
		{"RS256 key, RS512 token (row 15)", signJWKS(t, jwt.SigningMethodRS512, k.r1, "r1"), nil},
		{"RSA key without alg, PS256 token", signJWKS(t, jwt.SigningMethodPS256, k.r3, "noalg"), nil},
		{"RSA key without alg, RS384 token", signJWKS(t, jwt.SigningMethodRS384, k.r3, "noalg"), nil},
		{"ES256 key, ES384 token", signJWKS(t, jwt.SigningMethodES384, k.p384, "e1"), nil},
		{"1-byte oct key (row 25)", signJWKS(t, jwt.SigningMethodHS256, tiny, "tiny"), nil},
		{"oct key, RS256 token", signJWKS(t, jwt.SigningMethodRS256, k.r1, "tiny"), nil},
		{"32-byte oct key: no HMAC from a remote set", signJWKS(t, jwt.SigningMethodHS256, make([]byte, 32), "long"), nil},
		{"wrong key for the kid", signJWKS(t, jwt.SigningMethodRS256, k.r2, "r1"), jwt.ErrTokenSignatureInvalid},
	}
	for _, tc := range refuse {
		t.Run("refuse/"+tc.name, func(t *testing.T) {
			err := validate(v, tc.tok)
			if err == nil || tc.is != nil && !errors.Is(err, tc.is) {
				want := "an error"
				if tc.is != nil {
					want = tc.is.Error()
				}
				t.Errorf("Validate: %v, want %s", err, want)
			}
			wantRefused(t, e, tc.tok)
		})
	}
	wantCount(t, s, 1, "after tokens of keys that are in the set")
}

// Down at startup: NewJWT does not fail nor wait; tokens fail until the set
// comes back, then pass.
func TestJWKSOutageAtStartup(t *testing.T) {
	k := jwksKeys()
	opts := ginauth.JWKSOptions{Timeout: 500 * time.Millisecond, RefreshInterval: 150 * time.Millisecond, UnknownKeyInterval: 100 * time.Millisecond}

	t.Run("connection refused", func(t *testing.T) {
		addr := freeAddr(t)
		v, took := remoteValidator(t, "http://"+addr+"/jwks.json", opts)
		t.Logf("NewJWT took %v", took)
		if took > opts.Timeout+2*time.Second {
			t.Errorf("NewJWT took %v with a Timeout of %v", took, opts.Timeout)
		}
		e := jwksEngine(v)
		tok := signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")
		wantUnavailable(t, v, e, tok)

		s := newJWKSServerAt(t, addr, jwkOf(t, k.r1, "r1", "RS256", "sig"))
		eventually(t, 10*time.Second, "the set came back, the token still fails", func() bool { return validate(v, tok) == nil })
		wantPass(t, e, tok)
		wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1"))
		if s.count() == 0 {
			t.Error("no request to the set that came back")
		}
	})

	t.Run("500", func(t *testing.T) {
		s := newJWKSServer(t, jwkOf(t, k.e1, "e1", "ES256", "sig"))
		s.setStatus(http.StatusInternalServerError)
		v, took := remoteValidator(t, s.url, opts)
		if took > opts.Timeout+2*time.Second {
			t.Errorf("NewJWT took %v with a Timeout of %v", took, opts.Timeout)
		}
		wantCount(t, s, 1, "after NewJWT")
		e := jwksEngine(v)
		tok := signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")
		wantUnavailable(t, v, e, tok)
		s.setStatus(http.StatusOK)
		eventually(t, 10*time.Second, "the set came back, the token still fails", func() bool { return validate(v, tok) == nil })
		wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
	})

	t.Run("not a JWK Set", func(t *testing.T) {
		s := newJWKSServer(t, jwkOf(t, k.e1, "e1", "ES256", "sig"))
		s.setBody([]byte(`<html>maintenance</html>`))
		v, _ := remoteValidator(t, s.url, opts)
		tok := signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")
		wantUnavailable(t, v, jwksEngine(v), tok)
		s.setBody(nil)
		eventually(t, 10*time.Second, "the set came back, the token still fails", func() bool { return validate(v, tok) == nil })
	})
}

// A set that hangs delays startup by one Timeout, and a token with an
// unknown kid fails instead of hanging, within the Timeout or the request's
// own deadline.
func TestJWKSSlowServer(t *testing.T) {
	k := jwksKeys()
	s := newJWKSServer(t, jwkOf(t, k.e1, "e1", "ES256", "sig"))
	s.setDelay(time.Minute)
	opts := ginauth.JWKSOptions{Timeout: 300 * time.Millisecond, RefreshInterval: time.Hour, UnknownKeyInterval: 50 * time.Millisecond}
	v, took := remoteValidator(t, s.url, opts)
	t.Logf("NewJWT took %v", took)
	if took > opts.Timeout+5*time.Second {
		t.Errorf("NewJWT took %v with a Timeout of %v", took, opts.Timeout)
	}
	wantCount(t, s, 1, "after NewJWT")
	e := jwksEngine(v)

	tok := signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")
	start := time.Now()
	wantUnavailable(t, v, e, tok)
	if took := time.Since(start); took > 2*opts.Timeout+5*time.Second {
		t.Errorf("a token with no key to be had took %v with a Timeout of %v", took, opts.Timeout)
	}

	// The request's deadline bounds the wait too.
	time.Sleep(2 * opts.UnknownKeyInterval) // let the limiter allow a fetch
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	start = time.Now()
	_, err := v.Validate(ctx, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
	cancel()
	if err == nil {
		t.Error("a token passed while the set hangs")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("a request with a 20ms deadline took %v", took)
	}

	// Many requests while one fetch hangs: each fails within about the
	// Timeout.
	time.Sleep(2 * opts.UnknownKeyInterval)
	start = time.Now()
	var wg sync.WaitGroup
	for range 20 {
		tok := signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")
		wg.Go(func() {
			if w := do(e, auth("Bearer "+tok)); w.Code != http.StatusServiceUnavailable {
				t.Errorf("got %d while the set hangs, want 503", w.Code)
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took > opts.Timeout+5*time.Second {
		t.Errorf("20 requests while the set hangs took %v with a Timeout of %v", took, opts.Timeout)
	}

	// When the set answers again, the keys load.
	s.setDelay(0)
	eventually(t, 10*time.Second, "the set answers again, the token still fails", func() bool { return validate(v, tok) == nil })
	wantPass(t, e, tok)
}

// hugeSet is a JWK Set of size bytes or more: valid JSON, many copies of key.
func hugeSet(key json.RawMessage, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"keys":[`)
	b.Write(key)
	for b.Len() < size {
		b.WriteByte(',')
		b.Write(key)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// A set over MaxBytes is not read past the cap: no keys, bounded memory; a
// normal set then loads.
func TestJWKSHugeResponse(t *testing.T) {
	k := jwksKeys()
	e1 := jwkOf(t, k.e1, "e1", "ES256", "sig")
	s := newJWKSServer(t, e1)
	const size = 16 << 20
	s.setBody(hugeSet(e1, size))
	opts := ginauth.JWKSOptions{Timeout: 5 * time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: 100 * time.Millisecond, MaxBytes: 256 << 10}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, took := remoteValidator(t, s.url, opts)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("NewJWT with a %d MiB set took %v and allocated %d KiB", size>>20, took, allocated>>10)
	if allocated > size/2 {
		t.Errorf("NewJWT allocated %d KiB for a set capped at %d KiB", allocated>>10, opts.MaxBytes>>10)
	}
	wantCount(t, s, 1, "after NewJWT")
	e := jwksEngine(v)
	tok := signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")
	wantUnavailable(t, v, e, tok)

	s.setBody(nil)
	eventually(t, 10*time.Second, "a normal set after a huge one, the token still fails", func() bool { return validate(v, tok) == nil })
	wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
}

// The cap holds for what a gzipped answer inflates to: 32 MiB in a few
// hundred KiB.
func TestJWKSGzipBomb(t *testing.T) {
	k := jwksKeys()
	e1 := jwkOf(t, k.e1, "e1", "ES256", "sig")
	s := newJWKSServer(t, e1)
	const size = 32 << 20
	s.setGzipBody(hugeSet(e1, size))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: 5 * time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: 100 * time.Millisecond})
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("a gzipped %d MiB set: NewJWT allocated %d KiB", size>>20, allocated>>10)
	if allocated > size/4 {
		t.Errorf("NewJWT allocated %d KiB for a set capped at 512 KiB", allocated>>10)
	}
	tok := signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")
	wantUnavailable(t, v, jwksEngine(v), tok)

	// A small gzipped set is fine.
	s.setGzipBody([]byte(`{"keys":[` + string(e1) + `]}`))
	eventually(t, 10*time.Second, "a small gzipped set, the token still fails", func() bool { return validate(v, tok) == nil })
}

// JWKSet keys may serve several validators (they have no goroutine).
func TestJWKSetSharedByValidators(t *testing.T) {
	k := jwksKeys()
	keys := ginauth.JWKSet([]byte(`{"keys":[` + string(jwkOf(t, k.e1, "e1", "ES256", "sig")) + `]}`))
	var vs []*ginauth.JWT
	for _, aud := range []string{jwksAudience, "another"} {
		v, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: aud, Keys: keys})
		if err != nil {
			t.Fatalf("NewJWT for %s: %v", aud, err)
		}
		defer v.Close()
		vs = append(vs, v)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := validate(vs[0], signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
	wg.Wait()
	if err := validate(vs[1], signJWKS(t, jwt.SigningMethodES256, k.e1, "e1")); !errors.Is(err, jwt.ErrTokenInvalidAudience) {
		t.Errorf("the second validator: %v, want ErrTokenInvalidAudience", err)
	}
}

// A huge set served later keeps the keys fetched before; so does the
// default cap (512 KiB).
func TestJWKSHugeResponseKeepsKeys(t *testing.T) {
	k := jwksKeys()
	e1 := jwkOf(t, k.e1, "e1", "ES256", "sig")
	s := newJWKSServer(t, e1)
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: 5 * time.Second, RefreshInterval: 50 * time.Millisecond, UnknownKeyInterval: time.Hour, MaxStale: time.Hour})
	e := jwksEngine(v)
	wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
	s.setBody(hugeSet(e1, 2<<20))
	before := s.count()
	eventually(t, 10*time.Second, "no refresh", func() bool { return s.count() >= before+3 })
	wantPass(t, e, signJWKS(t, jwt.SigningMethodES256, k.e1, "e1"))
}

// Close stops every goroutine: the refreshes, a fetch in flight, a
// validator whose configuration failed after the first fetch.
func TestJWKSCloseStopsGoroutines(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	k := jwksKeys()
	r1 := jwkOf(t, k.r1, "r1", "RS256", "sig")

	s := newJWKSServer(t, r1)
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: time.Second, RefreshInterval: 20 * time.Millisecond, UnknownKeyInterval: 20 * time.Millisecond})
	if err := validate(v, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")); err != nil {
		t.Fatal(err)
	}
	wantUnknownKey(t, v, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2"))
	before := s.count()
	eventually(t, 5*time.Second, "no background refresh", func() bool { return s.count() > before })
	v.Close()
	v.Close() // twice is harmless

	// A refresh in flight when Close is called.
	slow := newJWKSServer(t, r1)
	v2, _ := remoteValidator(t, slow.url, ginauth.JWKSOptions{Timeout: time.Minute, RefreshInterval: 20 * time.Millisecond})
	slow.setDelay(time.Hour)
	before = slow.count()
	eventually(t, 5*time.Second, "no background refresh", func() bool { return slow.count() > before })
	v2.Close()

	// Configurations that fail once the set was fetched.
	for _, cfg := range []ginauth.JWTConfig{
		{Issuer: jwksIssuer, Audience: jwksAudience, Algorithms: []string{"HS256"}},
		{Issuer: jwksIssuer, Audience: jwksAudience, RequiredClaims: []string{"email"}},
	} {
		cfg.Keys = ginauth.JWKS(s.url, ginauth.JWKSOptions{RefreshInterval: 10 * time.Millisecond})
		if v, err := ginauth.NewJWT(cfg); err == nil {
			v.Close()
			t.Errorf("NewJWT(%+v) did not fail", cfg)
		}
	}

	// One JWKS given to two validators: the second is refused (its
	// refreshes would outlive its Close, or stop at the first one's).
	keys := ginauth.JWKS(s.url, ginauth.JWKSOptions{RefreshInterval: 10 * time.Millisecond})
	v3, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: jwksAudience, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if v4, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: "another", Keys: keys}); err == nil {
		v4.Close()
		t.Error("one JWKS serves two validators")
	}
	if err := validate(v3, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")); err != nil {
		t.Errorf("the first validator: %v", err)
	}
	v3.Close()

	s.close()
	slow.close()
	goleak.VerifyNone(t, ignore)
}

func TestJWKSCacheDropsTokensOfARemovedKey(t *testing.T) {
	// A token verified once is cached; when a fetch sees its key gone, the
	// cache no longer vouches for it: at once, not after a delay.
	k := jwksKeys()
	r1, r2 := jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.r2, "r2", "RS256", "sig")
	s := newJWKSServer(t, r1)
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: 2 * time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: time.Millisecond})
	cached := signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")
	if err := validate(v, cached); err != nil {
		t.Fatal(err)
	}
	s.setKeys(r2)
	// A token of the new key makes the one fetch that sees r1 gone.
	if err := validate(v, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2")); err != nil {
		t.Fatal(err)
	}
	if err := validate(v, cached); !errors.Is(err, ginauth.ErrUnknownKey) {
		t.Fatalf("a cached token of a removed key: %v", err)
	}
}

func TestJWKSCancelledRequestDoesNotWasteTheFetch(t *testing.T) {
	k := jwksKeys()
	r1, r2 := jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.r2, "r2", "RS256", "sig")
	s := newJWKSServer(t, r1)
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Timeout: 5 * time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: time.Hour})
	s.setKeys(r1, r2)
	s.setDelay(200 * time.Millisecond)
	// A client with a random kid gives up at once: the fetch goes on.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	if _, err := v.Validate(ctx, forgedKid(t, "random")); err == nil {
		t.Fatal("a forged token passed")
	}
	eventually(t, 5*time.Second, "the key published meanwhile is not used", func() bool {
		return validate(v, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2")) == nil
	})
}

func TestJWKSNeedsHTTPS(t *testing.T) {
	_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: jwksAudience,
		Keys: ginauth.JWKS("http://auth.example.com/.well-known/jwks.json")})
	if err == nil || !strings.Contains(err.Error(), "fetch keys over https") {
		t.Fatalf("plain http: %v", err)
	}
	for _, u := range []string{"http://127.0.0.1:1/jwks", "http://localhost:1/jwks", "http://[::1]:1/jwks"} {
		v, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: jwksAudience,
			Keys: ginauth.JWKS(u, ginauth.JWKSOptions{Timeout: time.Second})})
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		v.Close()
	}
}

func TestJWKSCloseEndsItsConnections(t *testing.T) {
	// With its own client, a validator keeps a connection open between
	// fetches; Close must end it, not leave it to the idle timeout.
	k := jwksKeys()
	s := newJWKSServer(t, jwkOf(t, k.r1, "r1", "RS256", "sig"))
	ignore := goleak.IgnoreCurrent()
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: jwksAudience,
		Keys: ginauth.JWKS(s.url, ginauth.JWKSOptions{Timeout: time.Second, RefreshInterval: time.Hour})})
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(v, signJWKS(t, jwt.SigningMethodRS256, k.r1, "r1")); err != nil {
		t.Fatal(err)
	}
	v.Close()
	goleak.VerifyNone(t, ignore) // the server is still up: only Close can have ended them
}

// Fetches overlap when a request fetches during a slow refresh: the one
// that started last stands, even when the older one ends after it.
func TestJWKSSlowerOlderFetchDoesNotUndoANewerOne(t *testing.T) {
	k := jwksKeys()
	r1, r2 := jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.r2, "r2", "RS256", "sig")
	set := func(keys ...json.RawMessage) []byte { b, _ := json.Marshal(map[string]any{"keys": keys}); return b }
	var requests atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch requests.Add(1) {
		case 1: // at startup
			w.Write(set(r1))
		case 2: // the first refresh, which sees the set before r2 came
			<-release
			w.Write(set(r1))
		case 3: // a request's fetch for r2
			w.Write(set(r1, r2))
		default: // later refreshes fail: the keys stay what the fetches made them
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	v, _ := remoteValidator(t, srv.URL, ginauth.JWKSOptions{Timeout: 5 * time.Second, RefreshInterval: 50 * time.Millisecond, UnknownKeyInterval: time.Hour, MaxStale: time.Hour})
	e := jwksEngine(v)
	eventually(t, 5*time.Second, "no refresh", func() bool { return requests.Load() >= 2 })
	wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2")) // fetched by the request
	close(release)
	eventually(t, 5*time.Second, "no refresh after the slow one", func() bool { return requests.Load() >= 4 })
	wantPass(t, e, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2"))
}

// A fetch that panics (in a client's transport, say) lets those waiting for
// it go, and the next request fetches again.
func TestJWKSFetchThatPanicsDoesNotBlockTheNext(t *testing.T) {
	k := jwksKeys()
	s := newJWKSServer(t, jwkOf(t, k.r1, "r1", "RS256", "sig"))
	var calls atomic.Int64
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) == 2 {
			panic("transport")
		}
		return tr.RoundTrip(r)
	})}
	v, _ := remoteValidator(t, s.url, ginauth.JWKSOptions{Client: client, Timeout: time.Second, RefreshInterval: time.Hour, UnknownKeyInterval: time.Millisecond})
	s.setKeys(jwkOf(t, k.r1, "r1", "RS256", "sig"), jwkOf(t, k.r2, "r2", "RS256", "sig"))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the fetch did not panic")
			}
		}()
		validate(v, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2"))
	}()
	time.Sleep(5 * time.Millisecond) // past the UnknownKeyInterval
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := v.Validate(ctx, signJWKS(t, jwt.SigningMethodRS256, k.r2, "r2")); err != nil {
		t.Fatalf("after a fetch that panicked: %v", err)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// MaxStale shorter than a refresh would let the keys go stale between two
// refreshes that succeed: refused at startup.
func TestJWKSMaxStaleCoversARefresh(t *testing.T) {
	_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: jwksIssuer, Audience: jwksAudience,
		Keys: ginauth.JWKS("https://issuer.example/jwks.json", ginauth.JWKSOptions{RefreshInterval: time.Hour, Timeout: time.Second, MaxStale: 50 * time.Millisecond})})
	if err == nil || !strings.Contains(err.Error(), "MaxStale (50ms) must be at least RefreshInterval plus Timeout (1h0m1s)") {
		t.Errorf("NewJWT: %v", err)
	}
}
