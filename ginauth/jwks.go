package ginauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// JWKSet reads keys from a JWK Set document known at startup ({"keys":[...]}).
// Keys for encryption (use "enc") are left out; a key without "alg" is pinned
// to its type's usual algorithm (RS256, ES256/384/512 by curve, EdDSA); an
// HMAC key must name its algorithm. A key that does not parse, is weak or
// malformed, or shares its kid with another key of the set fails the
// validator's creation. The keys may serve several validators.
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
	keys, refused, err := readJWKSet(s.doc, true)
	if err != nil {
		return fmt.Errorf("ginauth: JWKSet: %w", err)
	}
	for _, kid := range sortedKids(refused) {
		if why := refused[kid]; why != errEncryptionKey {
			return fmt.Errorf("ginauth: JWKSet: key %q: %w", kid, why)
		}
	}
	if len(keys) == 0 {
		return errors.New("ginauth: JWKSet: no key for signatures in the set")
	}
	s.keys = keys
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
	// requests: tokens whose kid is unknown, or any token while the keys are
	// not usable (never fetched, or stale). At most one per interval,
	// however many such tokens arrive; those that arrive during the fetch
	// wait for it, those after it fail at once until the interval is over.
	// Default 1 minute.
	UnknownKeyInterval time.Duration
	// MaxStale is how long the keys of the last successful fetch stay
	// trusted while later fetches fail. Past it, as before the first fetch,
	// tokens are answered 503 with Retry-After rather than 401: with no key
	// to check them, good tokens cannot be told from bad ones, and a 401
	// would make clients throw good tokens away. Default 3 RefreshIntervals;
	// at least RefreshInterval plus Timeout.
	MaxStale time.Duration
	// MaxBytes caps the size of the JWK Set document. Default 512 KiB.
	MaxBytes int64
	// Client makes the requests; default a client with Timeout. Redirects
	// are followed only to https (from plain http on loopback, also to
	// loopback), whatever the client says.
	Client *http.Client
}

// JWKS reads keys from a remote JWK Set: fetched at startup and every
// RefreshInterval in the background, so that in steady state no request
// waits on the network. A token whose kid is unknown may cause one fetch,
// rate-limited; kids still unknown after it fail at once until the next.
// Only keys for signatures are used ("use" "sig" or absent), pinned to
// their "alg", or to their type's usual one; a token must name its key's
// kid.
//
// The set is read key by key: a key that does not parse, is weak or
// malformed (see [ErrWeakKey]), is published with its private part (anyone
// could sign with it), or shares its kid with another is left out and
// logged once, and the other keys are used; so one bad key does not
// stop rotation and revocation. While the keys cannot be had (the first
// fetch failed, or none succeeded for MaxStale), routes answer 503 with
// Retry-After, and [JWT.Health] says why.
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
	if o.MaxStale <= 0 {
		o.MaxStale = max(3*o.RefreshInterval, o.RefreshInterval+o.Timeout)
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 512 << 10
	}
	return &remoteKeys{url: url, opts: o}
}

type remoteKeys struct {
	url  string // of the JWK Set, or of the issuer with discover
	opts JWKSOptions

	discover bool                   // url is an issuer's, whose metadata names the set
	setURL   atomic.Pointer[string] // the set's URL, once discovered

	client    *http.Client
	transport *http.Transport // ours, if the options gave no client
	ctx       context.Context // ends with Close, and every fetch with it
	cancel    context.CancelFunc
	stopped   chan struct{} // closed when the refresh loop has returned

	set      atomic.Pointer[keySet]    // nil before the first successful fetch
	replaced atomic.Uint64             // times the set was replaced
	fetched  atomic.Pointer[time.Time] // the last successful fetch (monotonic: a clock step does not age the keys)
	fetches  atomic.Uint64             // fetches started

	mu       sync.Mutex
	started  bool // by a validator, whose Close stops the refreshes
	limiter  *rate.Limiter
	inflight *fetchCall
	absent   map[string]time.Time // kids still unknown after a fetch, until when
	stored   uint64               // the fetch whose outcome stands
	failed   time.Time            // the last failed fetch
	lastErr  error                // its error; nil after a success
	logged   map[string]string    // refused kids already logged, and why
}

// fetchCall is a fetch that requests wait for.
type fetchCall struct {
	done chan struct{}
	err  error
}

// errFetchLimited is a fetch a request may not cause yet.
var errFetchLimited = errors.New("ginauth: JWKS: fetched less than UnknownKeyInterval ago")

// errFetchPanicked is what requests waiting for a fetch that panicked see.
var errFetchPanicked = errors.New("ginauth: JWKS: the fetch panicked")

func (r *remoteKeys) start() error {
	// Close stops the refreshes: the keys of a second validator would keep
	// running after its Close, or stop at the first's.
	r.mu.Lock()
	if r.started {
		r.mu.Unlock()
		return fmt.Errorf("ginauth: JWKS %q: these keys already serve a validator; call JWKS for each", r.url)
	}
	if u, err := url.Parse(r.url); err != nil || !secureURL(u) {
		r.mu.Unlock()
		return fmt.Errorf("ginauth: JWKS %q: fetch keys over https (plain http only on loopback): on the way, anyone could swap them", r.url)
	}
	if r.opts.MaxStale < r.opts.RefreshInterval+r.opts.Timeout {
		// The keys would go stale between two refreshes that succeed.
		r.mu.Unlock()
		return fmt.Errorf("ginauth: JWKS %q: MaxStale (%v) must be at least RefreshInterval plus Timeout (%v)", r.url, r.opts.MaxStale, r.opts.RefreshInterval+r.opts.Timeout)
	}
	client := r.opts.Client
	if client == nil {
		// A transport of its own, so that Close can end its connections.
		r.transport = http.DefaultTransport.(*http.Transport).Clone()
		client = &http.Client{Timeout: r.opts.Timeout, Transport: r.transport}
	}
	r.client = safeClient(client, r.opts.MaxBytes)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.stopped = make(chan struct{})
	r.limiter = rate.NewLimiter(rate.Every(r.opts.UnknownKeyInterval), 1)
	r.absent = map[string]time.Time{}
	r.logged = map[string]string{}
	r.started = true
	r.mu.Unlock()

	// The first fetch may fail: the service starts anyway, answers 503
	// until the keys come, and requests fetch again as the limiter allows.
	ctx, cancel := context.WithTimeout(r.ctx, r.opts.Timeout)
	_ = r.fetch(ctx)
	cancel()
	go r.refreshLoop()
	return nil
}

func (r *remoteKeys) refreshLoop() {
	defer close(r.stopped)
	tick := time.NewTicker(r.opts.RefreshInterval)
	defer tick.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(r.ctx, r.opts.Timeout)
			_ = r.fetch(ctx)
			cancel()
		}
	}
}

// fetch gets the set, and replaces the keys with those it holds; a failure
// keeps the keys fetched before, and is logged.
func (r *remoteKeys) fetch(ctx context.Context) error {
	// Fetches may overlap (a refresh and a request's): the one that started
	// last has the last word, whichever ends first.
	seq := r.fetches.Add(1)
	keys, refused, err := r.get(ctx)
	r.mu.Lock()
	if seq < r.stored {
		r.mu.Unlock()
		return err
	}
	if err != nil {
		r.failed, r.lastErr = time.Now(), err
		r.mu.Unlock()
		if r.ctx.Err() == nil {
			slog.WarnContext(ctx, "ginauth: fetching a JWK Set failed; keeping the keys fetched before", "url", r.url, "error", err)
		}
		return err
	}
	r.stored = seq
	r.set.Store(newKeySet(keys, refused))
	r.replaced.Add(1)
	now := time.Now()
	r.fetched.Store(&now)
	r.lastErr = nil
	// Each refused key is logged once, not at every refresh; again if the
	// reason changes.
	var fresh []string
	for _, kid := range sortedKids(refused) {
		if why := refused[kid]; why != errEncryptionKey && r.logged[kid] != why.Error() {
			fresh = append(fresh, kid)
		}
	}
	clear(r.logged)
	for kid, why := range refused {
		r.logged[kid] = why.Error()
	}
	r.mu.Unlock()
	for _, kid := range fresh {
		slog.WarnContext(ctx, "ginauth: a key of the JWK Set is refused; the others are used", "url", r.url, "kid", kid, "error", refused[kid])
	}
	return nil
}

func (r *remoteKeys) get(ctx context.Context) ([]Key, map[string]error, error) {
	setURL := r.url
	if r.discover {
		if p := r.setURL.Load(); p != nil {
			setURL = *p
		} else {
			u, err := r.discoverSet(ctx)
			if err != nil {
				return nil, nil, err
			}
			r.setURL.Store(&u)
			setURL = u
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, setURL, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("ginauth: JWKS: status %d", resp.StatusCode)
	}
	doc, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	return readJWKSet(doc, false) // no secrets from the network
}

func (r *remoteKeys) lookup(ctx context.Context, t *jwt.Token) (any, error) {
	kid, ok := t.Header["kid"].(string)
	if !ok {
		// Trying every key of the set is what RFC 8725 §3.1 warns of; and a
		// set that may grow cannot have an only key.
		return nil, ErrUnknownKey
	}
	if !r.usable(time.Now()) {
		// Never fetched, or stale: fetch now if the limiter allows, so that
		// the service recovers as soon as the set is back.
		_ = r.refresh(ctx)
		if !r.usable(time.Now()) {
			return nil, r.unavailable()
		}
	}
	k, err := r.set.Load().find(t, true)
	if errors.Is(err, errAbsentKid) && r.refreshFor(ctx, kid) {
		k, err = r.set.Load().find(t, true)
	}
	if err != nil {
		return nil, err
	}
	return k.Key, nil
}

// refreshFor fetches the set again for a kid it lacks: as the limiter
// allows, never for a kid the last fetch did not find. It reports whether
// the fetch succeeded.
func (r *remoteKeys) refreshFor(ctx context.Context, kid string) bool {
	r.mu.Lock()
	until, ok := r.absent[kid]
	r.mu.Unlock()
	if ok && time.Now().Before(until) {
		return false
	}
	if r.refresh(ctx) != nil {
		return false
	}
	if _, found := r.set.Load().byID[kid]; !found {
		r.mu.Lock()
		if len(r.absent) >= 1024 {
			clear(r.absent) // a flood of random kids: forget them, the limiter still holds
		}
		r.absent[kid] = time.Now().Add(r.opts.UnknownKeyInterval)
		r.mu.Unlock()
	}
	return true
}

// refresh fetches the set for requests: at most once per
// UnknownKeyInterval, once at a time; others wait for it.
func (r *remoteKeys) refresh(ctx context.Context) error {
	r.mu.Lock()
	if call := r.inflight; call != nil {
		r.mu.Unlock()
		select {
		case <-call.done:
			return call.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if !r.limiter.Allow() {
		r.mu.Unlock()
		return errFetchLimited
	}
	call := &fetchCall{done: make(chan struct{}), err: errFetchPanicked}
	r.inflight = call
	r.mu.Unlock()
	// Whatever happens to the fetch (a client's transport may panic), those
	// waiting for it are let go, and the next request may fetch again.
	defer func() {
		r.mu.Lock()
		r.inflight = nil
		r.mu.Unlock()
		close(call.done)
	}()

	// The fetch serves every request waiting for it: a client that gives up
	// must not cancel it, or it could spend the interval's one fetch for
	// nothing. Close does.
	fctx, cancel := context.WithTimeout(r.ctx, r.opts.Timeout)
	defer cancel()
	call.err = r.fetch(fctx)
	return call.err
}

func (r *remoteKeys) usable(now time.Time) bool {
	f := r.fetched.Load()
	return f != nil && now.Sub(*f) <= r.opts.MaxStale
}

// unavailable is the error for a token that no key can be had for: it
// says when a request may fetch again.
func (r *remoteKeys) unavailable() error {
	wait := time.Second
	if tokens := r.limiter.Tokens(); tokens < 1 {
		wait = max(wait, time.Duration((1-tokens)/float64(r.limiter.Limit())*float64(time.Second)))
	}
	r.mu.Lock()
	cause := r.lastErr
	r.mu.Unlock()
	return &keysUnavailableError{retryAfter: wait, cause: cause}
}

func (r *remoteKeys) algorithms() []string {
	return []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
}

func (r *remoteKeys) remote() bool { return true }

func (r *remoteKeys) generation() uint64 { return r.replaced.Load() }

func (r *remoteKeys) health() KeysHealth {
	h := KeysHealth{Ready: r.usable(time.Now())}
	if set := r.set.Load(); set != nil {
		h.Keys = len(set.byID)
	}
	if f := r.fetched.Load(); f != nil {
		h.LastSuccess = *f
	}
	r.mu.Lock()
	h.LastFailure, h.LastError = r.failed, r.lastErr
	r.mu.Unlock()
	return h
}

func (r *remoteKeys) close() {
	r.mu.Lock()
	started := r.started
	r.mu.Unlock()
	if !started {
		return
	}
	r.cancel()
	<-r.stopped
	if r.transport != nil {
		r.transport.CloseIdleConnections()
	}
}

// keysUnavailableError is ErrKeysUnavailable with the time after which a
// request may fetch the keys again.
type keysUnavailableError struct {
	retryAfter time.Duration
	cause      error
}

func (e *keysUnavailableError) Error() string {
	if e.cause == nil {
		return ErrKeysUnavailable.Error()
	}
	return ErrKeysUnavailable.Error() + ": " + e.cause.Error()
}

func (e *keysUnavailableError) Is(target error) bool { return target == ErrKeysUnavailable }

// retryAfterSeconds is for a Retry-After header: whole seconds, at least 1.
func (e *keysUnavailableError) retryAfterSeconds() int {
	return max(1, int(math.Ceil(e.retryAfter.Seconds())))
}

// secureURL is where keys may come from: https, or plain http on loopback.
func secureURL(u *url.URL) bool {
	return u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// safeClient returns a copy of client that follows redirects only to
// secure URLs, since the first URL's https would be worth nothing if a
// redirect could take the fetch to plain http, and whose responses are cut
// off, with an error, past max bytes: a JWK Set is small, and an endpoint
// that sends gigabytes must not fill the memory.
func safeClient(client *http.Client, max int64) *http.Client {
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
	next := client.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		// No downgrade: from https, every hop is https; plain http is only
		// ever loopback to loopback.
		if req.URL.Scheme != "https" && (via[0].URL.Scheme == "https" || !secureURL(req.URL)) {
			return fmt.Errorf("ginauth: JWKS: refused a redirect to %s: keys are fetched over https only", req.URL.Redacted())
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("ginauth: JWKS: stopped after 10 redirects")
		}
		return nil
	}
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
