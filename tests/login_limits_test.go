package tests

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/gindepends/gindepends/example_app/app"
)

// The answers of a login refused by the limits: the token endpoint's
// (RFC 8628's slow_down, which RFC 6749 clients read as an error), and
// HTTP Basic's.
const (
	tooManyToken = `{"error":"slow_down","error_description":"too many failed logins, or the server is busy"}` + "\n"
	tooManyBasic = `{"detail":"Too many failed attempts, try again later"}`
	wrongLogin   = `{"error":"invalid_grant","error_description":"Incorrect username or password"}` + "\n"
)

// limited is cfg with login limits small enough to reach in a test, and
// refilling too slowly to matter during one.
func limited(cfg app.Config, userBurst, addrBurst int) app.Config {
	l := app.DefaultLoginLimits()
	l.UserBurst, l.UserEvery = userBurst, time.Hour
	l.AddrBurst, l.AddrEvery = addrBurst, time.Hour
	cfg.Limits = l
	return cfg
}

func tokenForm(user, password string) string {
	return url.Values{"username": {user}, "password": {password}}.Encode()
}

// wantTooMany checks a 429 whose Retry-After, in whole seconds, is at least
// 1 and says when the next attempt is allowed: one refill (an hour) after
// the first failure of the test, which was at most since ago.
func wantTooMany(t *testing.T, status int, hdr http.Header, body, want string, since time.Duration) {
	t.Helper()
	if status != 429 || body != want {
		t.Fatalf("got %d %s, want 429 %s", status, body, want)
	}
	wantRetryAfter(t, hdr, since)
}

func wantRetryAfter(t *testing.T, hdr http.Header, since time.Duration) {
	t.Helper()
	ra := hdr.Get("Retry-After")
	secs, err := strconv.Atoi(ra)
	lowest := int(math.Floor((time.Hour - since).Seconds()))
	if err != nil || strconv.Itoa(secs) != ra || secs < max(1, lowest) || secs > 3600 {
		t.Fatalf("Retry-After %q, want whole seconds in [%d, 3600]", ra, max(1, lowest))
	}
}

// The limits are kept in the process, or in Redis when there is one, which
// instances share.
func TestExampleAppLimitsFailedLoginsPerUser(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, cfg app.Config) { limitsPerUser(t, cfg) })
}

func limitsPerUser(t *testing.T, cfg app.Config) {
	srv, _ := start(t, limited(cfg, 3, 100))
	start := time.Now()
	for i := range 3 {
		status, _, body := call(t, srv, "POST", "/token", tokenForm("johndoe", fmt.Sprint("wrong", i)), formHeader...)
		if status != 400 || body != wrongLogin {
			t.Fatalf("attempt %d: %d %s", i+1, status, body)
		}
	}
	status, hdr, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "wrong3"), formHeader...)
	wantTooMany(t, status, hdr, body, tooManyToken, time.Since(start))
	// While limited, the right password is refused too: a guesser must not
	// learn which guess was right.
	status, hdr, body = call(t, srv, "POST", "/oauth/token", "grant_type=password&"+tokenForm("johndoe", "secret"), formHeader...)
	wantTooMany(t, status, hdr, body, tooManyToken, time.Since(start))
	// HTTP Basic and the login page share the budget.
	status, hdr, body = call(t, srv, "GET", "/basic/me", "", basicAuth("johndoe", "secret")...)
	wantTooMany(t, status, hdr, body, tooManyBasic, time.Since(start))
	b := newBrowser(t, srv)
	f := b.startLogin(oauthConfig(srv.URL, "me").AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	resp, page := b.submit(f, url.Values{"username": {"johndoe"}, "password": {"secret"}, "decision": {"allow"}})
	readLoginForm(t, resp, page, http.StatusTooManyRequests)
	if !strings.Contains(page, `<p class="error" role="alert">Too many failed logins: wait a moment and try again.</p>`) {
		t.Fatalf("login page:\n%s", page)
	}
	wantRetryAfter(t, resp.Header, time.Since(start))
	// Another user name is not limited by johndoe's failures.
	status, _, body = call(t, srv, "POST", "/token", tokenForm("nobody", "wrong"), formHeader...)
	if status != 400 || body != wrongLogin {
		t.Fatalf("another user: %d %s", status, body)
	}
}

func TestExampleAppLimitsFailedLoginsPerAddress(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, cfg app.Config) { limitsPerAddress(t, cfg) })
}

func limitsPerAddress(t *testing.T, cfg app.Config) {
	srv, _ := start(t, limited(cfg, 100, 3))
	start := time.Now()
	for i := range 3 {
		// X-Forwarded-For is the client's to write: it must not give a
		// client a fresh budget.
		status, _, body := call(t, srv, "POST", "/token", tokenForm(fmt.Sprint("user", i), "wrong"),
			append([]string{"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)}, formHeader...)...)
		if status != 400 || body != wrongLogin {
			t.Fatalf("attempt %d: %d %s", i+1, status, body)
		}
	}
	status, hdr, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "secret"),
		append([]string{"X-Forwarded-For", "203.0.113.99"}, formHeader...)...)
	wantTooMany(t, status, hdr, body, tooManyToken, time.Since(start))
	status, hdr, body = call(t, srv, "GET", "/basic/me", "", basicAuth("someone", "wrong")...)
	wantTooMany(t, status, hdr, body, tooManyBasic, time.Since(start))
}

func TestExampleAppSuccessfulLoginsKeepTheBudget(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, cfg app.Config) { successesKeepTheBudget(t, cfg) })
}

func successesKeepTheBudget(t *testing.T, cfg app.Config) {
	srv, _ := start(t, limited(cfg, 2, 2))
	// As many successes as the budget has attempts.
	login(t, srv, "johndoe", "secret", "me")
	if status, _, body := call(t, srv, "GET", "/basic/me", "", basicAuth("johndoe", "secret")...); status != 200 {
		t.Fatalf("basic: %d %s", status, body)
	}
	wrong := func() {
		t.Helper()
		status, _, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "wrong"), formHeader...)
		if status != 400 || body != wrongLogin {
			t.Fatalf("wrong password: %d %s", status, body)
		}
	}
	start := time.Now()
	wrong()
	login(t, srv, "johndoe", "secret", "me")
	wrong()
	// Two failures are the whole budget; the successes cost none of it.
	status, hdr, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "wrong"), formHeader...)
	wantTooMany(t, status, hdr, body, tooManyToken, time.Since(start))
}

// Instances that share a Redis share the budget: a guesser gets no more
// tries by reaching another instance.
func TestExampleAppLoginLimitsSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	cfg := limited(app.Config{RedisURL: redisServer(t)}, 2, 100)
	a, _ := start(t, cfg)
	cfg.PublicURL = a.URL
	b, _ := start(t, cfg)
	start := time.Now()
	for i, srv := range []*httptest.Server{a, b} {
		status, _, body := call(t, srv, "POST", "/token", tokenForm("johndoe", fmt.Sprint("wrong", i)), formHeader...)
		if status != 400 || body != wrongLogin {
			t.Fatalf("attempt %d: %d %s", i+1, status, body)
		}
	}
	for _, srv := range []*httptest.Server{a, b} {
		status, hdr, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "secret"), formHeader...)
		wantTooMany(t, status, hdr, body, tooManyToken, time.Since(start))
	}
}
