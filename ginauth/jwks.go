package ginauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// JWKSet reads keys from a JWK Set document known at startup ({"keys":[...]}).
// Keys for encryption (use "enc") are left out; a key without "alg" is pinned
// to its type's usual algorithm (RS256, ES256/384/512 by curve, EdDSA); an
// HMAC key must name its algorithm. Weak keys fail the validator's creation.
// The keys may serve several validators.
func JWKSet(doc []byte) Keys { return &jwkSetKeys{doc: doc} }

type jwkSetKeys struct {
	doc  []byte
	once sync.Once // the keys may serve several validators: read them once
	err  error
	staticKeys
}

func (s *jwkSetKeys) start() error {
	s.once.Do(func() { s.err = s.load() })
	return s.err
}

func (s *jwkSetKeys) load() error {
	var set jwkset.JWKSMarshal
	if err := json.Unmarshal(s.doc, &set); err != nil {
		return fmt.Errorf("ginauth: JWKSet: %w", err)
	}
	jwks, err := set.JWKSlice()
	if err != nil {
		return fmt.Errorf("ginauth: JWKSet: %w", err)
	}
	for _, jwk := range jwks {
		m := jwk.Marshal()
		if m.USE == jwkset.UseEnc {
			continue
		}
		alg := m.ALG.String()
		if alg == "" {
			alg = defaultAlgorithm(publicKey(jwk.Key()))
		}
		s.keys = append(s.keys, Key{ID: m.KID, Algorithm: alg, Key: jwk.Key()})
	}
	if len(s.keys) == 0 {
		return errors.New("ginauth: JWKSet: no key for signatures in the set")
	}
	return s.staticKeys.start()
}

// JWKSOptions tune a remote JWK Set; zero fields take the defaults.
type JWKSOptions struct {
	// Timeout bounds each fetch, the first one at startup included: a JWK Set
	// that is down delays startup by no more. Default 5s.
	Timeout time.Duration
	// RefreshInterval is how often the set is fetched in the background; a
	// verified token is trusted for no longer without looking at the keys
	// again. Default 10 minutes.
	RefreshInterval time.Duration
	// UnknownKeyInterval is the least time between two fetches caused by
	// tokens whose kid is unknown: at most one per interval, however many
	// such tokens arrive. Those that arrive during the fetch wait for it;
	// those after it fail at once until the interval is over. Default 1 minute.
	UnknownKeyInterval time.Duration
	// MaxBytes caps the size of the JWK Set document. Default 512 KiB.
	MaxBytes int64
	// Client makes the requests; default a client with Timeout.
	Client *http.Client
}

// JWKS reads keys from a remote JWK Set, with keyfunc: fetched at startup
// and every RefreshInterval in the background, so that in steady state no
// request waits on the network. A token whose kid is unknown may cause one
// fetch, with the request's context, rate-limited; kids still unknown after
// it fail at once until the next. Only keys for signatures are used ("use"
// "sig" or absent), pinned to their "alg", or to their type's usual one;
// RSA keys under 2048 bits and short HMAC keys are refused.
//
// Close the validator to stop the background fetches. The keys serve one
// validator: NewJWT refuses them for a second (call JWKS again).
func JWKS(url string, opts ...JWKSOptions) Keys {
	var o JWKSOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.RefreshInterval <= 0 {
		o.RefreshInterval = 10 * time.Minute
	}
	if o.UnknownKeyInterval <= 0 {
		o.UnknownKeyInterval = time.Minute
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 512 << 10
	}
	return &remoteKeys{url: url, opts: o}
}

type remoteKeys struct {
	url  string
	opts JWKSOptions

	cancel    context.CancelFunc
	transport *http.Transport // ours, if the options gave no client
	replaced  atomic.Uint64   // times the set was replaced
	memory    jwkset.Storage  // the keys fetched so far
	fetching  jwkset.Storage  // the same, fetching again when a kid is unknown
	kf        keyfunc.Keyfunc

	mu       sync.Mutex
	started  bool // by a validator, whose Close stops the refreshes
	limiter  *rate.Limiter
	inflight chan struct{}
	absent   map[string]time.Time // kids still unknown after a fetch, until when
}

func (r *remoteKeys) start() error {
	// Close stops the refreshes: the keys of a second validator would keep
	// running after its Close, or stop at the first's.
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return fmt.Errorf("ginauth: JWKS %q: these keys already serve a validator; call JWKS for each", r.url)
	}
	if u, err := url.Parse(r.url); err != nil || u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return fmt.Errorf("ginauth: JWKS %q: fetch keys over https (plain http only on loopback): on the way, anyone could swap them", r.url)
	}
	client := r.opts.Client
	if client == nil {
		// A transport of its own, so that Close can end its connections.
		r.transport = http.DefaultTransport.(*http.Transport).Clone()
		client = &http.Client{Timeout: r.opts.Timeout, Transport: r.transport}
	}
	client = capBodies(client, r.opts.MaxBytes)
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	memory, err := jwkset.NewStorageFromHTTP(r.url, jwkset.HTTPClientStorageOptions{
		Storage:                   &countedStorage{MemoryJWKSet: jwkset.NewMemoryStorage(), gen: &r.replaced},
		Client:                    client,
		Ctx:                       ctx,
		HTTPTimeout:               r.opts.Timeout,
		NoErrorReturnFirstHTTPReq: true, // start anyway; fetch again later
		RefreshInterval:           r.opts.RefreshInterval,
		RefreshErrorHandler: func(ctx context.Context, err error) {
			slog.WarnContext(ctx, "ginauth: fetching a JWK Set failed; keeping the keys fetched before", "url", r.url, "error", err)
		},
	})
	if err != nil {
		cancel()
		return fmt.Errorf("ginauth: JWKS %q: %w", r.url, err)
	}
	fetching, err := jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		HTTPURLs:          map[string]jwkset.Storage{r.url: memory},
		RefreshUnknownKID: rate.NewLimiter(rate.Inf, 1), // remoteKeys gates the fetches itself
		RateLimitWaitMax:  r.opts.Timeout,
	})
	if err != nil {
		cancel()
		return fmt.Errorf("ginauth: JWKS %q: %w", r.url, err)
	}
	r.memory, r.fetching = memory, fetching
	r.limiter = rate.NewLimiter(rate.Every(r.opts.UnknownKeyInterval), 1)
	r.absent = map[string]time.Time{}
	r.kf, err = keyfunc.New(keyfunc.Options{
		Ctx:          ctx,
		Storage:      gatedStorage{Storage: fetching, r: r},
		UseWhitelist: []jwkset.USE{jwkset.UseSig, ""},
	})
	if err != nil {
		cancel()
		return err
	}
	r.started = true
	return nil
}

func (r *remoteKeys) lookup(ctx context.Context, t *jwt.Token) (any, error) {
	kid, ok := t.Header["kid"].(string)
	if !ok {
		// keyfunc would try every key of the set: refuse instead (RFC 8725 §3.1).
		return nil, ErrUnknownKey
	}
	key, err := r.kf.KeyfuncCtx(ctx)(t)
	if err != nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKey, kid)
	}
	// keyfunc checks the JWK's alg if it has one; one without answers to
	// its type's usual algorithm only, not to any its key type allows.
	alg := defaultAlgorithm(key)
	if jwk, err := r.memory.KeyRead(ctx, kid); err == nil && jwk.Marshal().ALG != "" {
		alg = jwk.Marshal().ALG.String()
	}
	if alg != t.Method.Alg() {
		return nil, fmt.Errorf("%w: %q is a key for %q", ErrUnknownKey, kid, alg)
	}
	return checkKey(t.Method.Alg(), key)
}

func (r *remoteKeys) algorithms() []string {
	return []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
}

func (r *remoteKeys) remote() bool { return true }

func (r *remoteKeys) generation() uint64 { return r.replaced.Load() }

// countedStorage counts the times the key set is replaced: a token verified
// before is not trusted from the cache after that.
type countedStorage struct {
	*jwkset.MemoryJWKSet
	gen *atomic.Uint64
}

func (s *countedStorage) KeyReplaceAll(ctx context.Context, given []jwkset.JWK) error {
	err := s.MemoryJWKSet.KeyReplaceAll(ctx, given)
	s.gen.Add(1)
	return err
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (r *remoteKeys) close() {
	if r.cancel != nil {
		r.cancel()
	}
	if r.transport != nil {
		r.transport.CloseIdleConnections()
	}
}

// gatedStorage reads keys from memory and lets an unknown kid cause a fetch
// only as remoteKeys allows.
type gatedStorage struct {
	jwkset.Storage
	r *remoteKeys
}

func (g gatedStorage) KeyRead(ctx context.Context, kid string) (jwkset.JWK, error) {
	jwk, err := g.r.memory.KeyRead(ctx, kid)
	if errors.Is(err, jwkset.ErrKeyNotFound) {
		jwk, err = g.r.fetchFor(ctx, kid)
	}
	return jwk, err
}

// fetchFor fetches the set again for an unknown kid: at most once per
// UnknownKeyInterval, once at a time (others wait for it), never for a kid
// the last fetch did not find.
func (r *remoteKeys) fetchFor(ctx context.Context, kid string) (jwkset.JWK, error) {
	notFound := fmt.Errorf("%w %q", jwkset.ErrKeyNotFound, kid)
	r.mu.Lock()
	if until, ok := r.absent[kid]; ok && time.Now().Before(until) {
		r.mu.Unlock()
		return jwkset.JWK{}, notFound
	}
	if wait := r.inflight; wait != nil {
		r.mu.Unlock()
		select {
		case <-wait:
			return r.memory.KeyRead(ctx, kid)
		case <-ctx.Done():
			return jwkset.JWK{}, ctx.Err()
		}
	}
	if !r.limiter.Allow() {
		r.mu.Unlock()
		return jwkset.JWK{}, notFound
	}
	done := make(chan struct{})
	r.inflight = done
	r.mu.Unlock()

	// The fetch serves every request waiting for it: a client that gives up
	// must not cancel it, or it could spend the interval's one fetch for nothing.
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.Timeout)
	jwk, err := r.fetching.KeyRead(fetchCtx, kid)
	cancel()

	r.mu.Lock()
	r.inflight = nil
	if errors.Is(err, jwkset.ErrKeyNotFound) {
		if len(r.absent) >= 1024 {
			clear(r.absent) // a flood of random kids: forget them, the limiter still holds
		}
		r.absent[kid] = time.Now().Add(r.opts.UnknownKeyInterval)
	}
	r.mu.Unlock()
	close(done)
	return jwk, err
}

// capBodies returns a copy of client whose responses are cut off, with an
// error, past max bytes: a JWK Set is small, and an endpoint that sends
// gigabytes must not fill the memory.
func capBodies(client *http.Client, max int64) *http.Client {
	cp := *client
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(req)
		if err == nil {
			resp.Body = &cappedBody{ReadCloser: resp.Body, left: max}
		}
		return resp, err
	})
	return &cp
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

var errBodyTooLarge = errors.New("ginauth: the JWK Set is over its size limit")

type cappedBody struct {
	io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
