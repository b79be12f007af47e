package tests

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gindepends/gindepends/example_app/app"
)

const tooMany = `{"detail":"Too many failed attempts, try again later"}`

// limited is a store whose login limits are small enough to reach in a
// test, and refill too slowly to matter during one.
func limited(t *testing.T, userBurst, addrBurst int) *httptest.Server {
	l := app.DefaultLoginLimits()
	l.UserBurst, l.UserEvery = userBurst, time.Hour
	l.AddrBurst, l.AddrEvery = addrBurst, time.Hour
	return serve(t, app.NewStoreWith(l))
}

func tokenForm(user, password string) string {
	return "username=" + user + "&password=" + password
}

// wantTooMany checks a 429 whose Retry-After, in whole seconds, is at least
// 1 and says when the next attempt is allowed: one refill (an hour) after
// the first failure of the test, which was at most since ago.
func wantTooMany(t *testing.T, status int, hdr http.Header, body string, since time.Duration) {
	t.Helper()
	if status != 429 || body != tooMany {
		t.Fatalf("got %d %s, want 429 %s", status, body, tooMany)
	}
	ra := hdr.Get("Retry-After")
	secs, err := strconv.Atoi(ra)
	lowest := int(math.Floor((time.Hour - since).Seconds()))
	if err != nil || strconv.Itoa(secs) != ra || secs < max(1, lowest) || secs > 3600 {
		t.Fatalf("Retry-After %q, want whole seconds in [%d, 3600]", ra, max(1, lowest))
	}
}

func TestExampleAppLimitsFailedLoginsPerUser(t *testing.T) {
	srv := limited(t, 3, 100)
	start := time.Now()
	for i := range 3 {
		status, _, body := call(t, srv, "POST", "/token", tokenForm("johndoe", fmt.Sprint("wrong", i)), formHeader...)
		if status != 400 || body != `{"detail":"Incorrect username or password"}` {
			t.Fatalf("attempt %d: %d %s", i+1, status, body)
		}
	}
	status, hdr, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "wrong3"), formHeader...)
	wantTooMany(t, status, hdr, body, time.Since(start))
	// While limited, the right password is refused too: a guesser must not
	// learn which guess was right.
	status, hdr, body = call(t, srv, "POST", "/token", tokenForm("johndoe", "secret"), formHeader...)
	wantTooMany(t, status, hdr, body, time.Since(start))
	// HTTP Basic shares the budget.
	status, hdr, body = call(t, srv, "GET", "/basic/me", "", basicAuth("johndoe", "secret")...)
	wantTooMany(t, status, hdr, body, time.Since(start))
	// Another user name is not limited by johndoe's failures.
	status, _, body = call(t, srv, "POST", "/token", tokenForm("nobody", "wrong"), formHeader...)
	if status != 400 || body != `{"detail":"Incorrect username or password"}` {
		t.Fatalf("another user: %d %s", status, body)
	}
}

func TestExampleAppLimitsFailedLoginsPerAddress(t *testing.T) {
	srv := limited(t, 100, 3)
	start := time.Now()
	for i := range 3 {
		// X-Forwarded-For is the client's to write: it must not give a
		// client a fresh budget.
		status, _, body := call(t, srv, "POST", "/token", tokenForm(fmt.Sprint("user", i), "wrong"),
			append([]string{"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)}, formHeader...)...)
		if status != 400 || body != `{"detail":"Incorrect username or password"}` {
			t.Fatalf("attempt %d: %d %s", i+1, status, body)
		}
	}
	status, hdr, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "secret"),
		append([]string{"X-Forwarded-For", "203.0.113.99"}, formHeader...)...)
	wantTooMany(t, status, hdr, body, time.Since(start))
	status, hdr, body = call(t, srv, "GET", "/basic/me", "", basicAuth("someone", "wrong")...)
	wantTooMany(t, status, hdr, body, time.Since(start))
}

func TestExampleAppSuccessfulLoginsKeepTheBudget(t *testing.T) {
	srv := limited(t, 2, 2)
	for range 2 {
		login(t, srv, "johndoe", "secret", "me")
		if status, _, body := call(t, srv, "GET", "/basic/me", "", basicAuth("johndoe", "secret")...); status != 200 {
			t.Fatalf("basic: %d %s", status, body)
		}
	}
	wrong := func() {
		t.Helper()
		status, _, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "wrong"), formHeader...)
		if status != 400 || body != `{"detail":"Incorrect username or password"}` {
			t.Fatalf("wrong password: %d %s", status, body)
		}
	}
	start := time.Now()
	wrong()
	login(t, srv, "johndoe", "secret", "me")
	wrong()
	// Two failures are the whole budget; the successes cost none of it.
	status, hdr, body := call(t, srv, "POST", "/token", tokenForm("johndoe", "wrong"), formHeader...)
	wantTooMany(t, status, hdr, body, time.Since(start))
}
