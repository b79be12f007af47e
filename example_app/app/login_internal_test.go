package app

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/gindepends/gindepends/ginauth/authtest"
)

// fakeHash stands for bcrypt: "secret" is every user's password, and each
// check is counted.
type fakeHash struct {
	checks, inFlight, most atomic.Int32
	// during, if set, runs inside the check: it holds the check open.
	during func(n int32)
}

func (f *fakeHash) check(_, password []byte) error {
	n := f.checks.Add(1)
	cur := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for m := f.most.Load(); cur > m && !f.most.CompareAndSwap(m, cur); m = f.most.Load() {
	}
	if f.during != nil {
		f.during(n)
	}
	if string(password) != "secret" {
		return bcrypt.ErrMismatchedHashAndPassword
	}
	return nil
}

// serveWith runs the example API on a store with limits l, whose password
// checks go to f.
func serveWith(t *testing.T, l LoginLimits, f *fakeHash) *httptest.Server {
	store := NewStoreWith(l)
	store.checkHash = f.check
	engine := gin.New()
	Register(engine, store, authtest.NewValidator())
	srv := httptest.NewServer(engine)
	t.Cleanup(srv.Close)
	return srv
}

// basicMe sends GET /basic/me with user and password.
func basicMe(srv *httptest.Server, user, password string) (int, http.Header, string, error) {
	req, err := http.NewRequest("GET", srv.URL+"/basic/me", nil)
	if err != nil {
		return 0, nil, "", err
	}
	req.SetBasicAuth(user, password)
	return do(srv, req)
}

func do(srv *httptest.Server, req *http.Request) (int, http.Header, string, error) {
	resp, err := srv.Client().Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b), err
}

func TestLoginHashChecksStayWithinTheirBound(t *testing.T) {
	l := DefaultLoginLimits()
	bound := max(1, runtime.GOMAXPROCS(0)/2)
	if l.HashSlots != bound {
		t.Fatalf("HashSlots %d, want max(1, GOMAXPROCS/2) = %d", l.HashSlots, bound)
	}
	// 20 logins at once are not a flood here, and nobody gives up waiting.
	l.UserBurst, l.AddrBurst, l.SlotWait = 1000, 1000, time.Minute
	// Each check lasts a moment, so that checks pile up unless held back.
	f := &fakeHash{during: func(int32) { time.Sleep(5 * time.Millisecond) }}
	srv := serveWith(t, l, f)

	const n = 20
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i], _, _, _ = basicMe(srv, "johndoe", "secret")
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 200 {
			t.Fatalf("request %d: %d", i, s)
		}
	}
	if got := f.checks.Load(); got != n {
		t.Fatalf("%d hash checks, want %d", got, n)
	}
	if most := f.most.Load(); most > int32(bound) {
		t.Fatalf("%d hash checks ran at once, the bound is %d", most, bound)
	}
}

func TestLoginAnswers503WhenNoHashSlotFreesInTime(t *testing.T) {
	l := DefaultLoginLimits()
	l.HashSlots, l.SlotWait = 1, 50*time.Millisecond
	entered, release := make(chan struct{}), make(chan struct{})
	f := &fakeHash{during: func(n int32) {
		if n == 1 { // the first check holds the only slot until released
			close(entered)
			<-release
		}
	}}
	srv := serveWith(t, l, f)

	first := make(chan int, 1)
	go func() {
		s, _, _, _ := basicMe(srv, "johndoe", "secret")
		first <- s
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first login never reached its hash check")
	}
	status, hdr, body, err := basicMe(srv, "johndoe", "secret")
	close(release)
	if err != nil || status != 503 || hdr.Get("Retry-After") != "1" ||
		body != `{"detail":"Too many logins at once, try again later"}` {
		t.Fatalf("got %d [Retry-After %q] %s %v", status, hdr.Get("Retry-After"), body, err)
	}
	if s := <-first; s != 200 {
		t.Fatalf("the first login: %d", s)
	}
	if got := f.checks.Load(); got != 1 {
		t.Fatalf("%d hash checks, want 1: the refused login must not check its password", got)
	}
}

func TestLoginOverTheLimitComputesNoHash(t *testing.T) {
	l := DefaultLoginLimits()
	l.UserBurst, l.UserEvery = 2, time.Hour
	f := &fakeHash{}
	srv := serveWith(t, l, f)
	for range 2 {
		if s, _, body, err := basicMe(srv, "johndoe", "wrong"); s != 401 || err != nil {
			t.Fatalf("%d %s %v", s, body, err)
		}
	}
	for _, password := range []string{"wrong", "secret"} {
		s, hdr, body, err := basicMe(srv, "johndoe", password)
		if s != 429 || hdr.Get("Retry-After") == "" || body != `{"detail":"Too many failed attempts, try again later"}` || err != nil {
			t.Fatalf("%d [Retry-After %q] %s %v", s, hdr.Get("Retry-After"), body, err)
		}
	}
	if got := f.checks.Load(); got != 2 {
		t.Fatalf("%d hash checks, want 2: a limited attempt must cost no hash", got)
	}
}

// An IPv6 host usually holds a whole /64: one budget for all of it.
func TestLoginAddressLimitCoversAnIPv6Slash64(t *testing.T) {
	l := DefaultLoginLimits()
	l.AddrBurst, l.AddrEvery = 2, time.Hour
	store := NewStoreWith(l)
	store.checkHash = (&fakeHash{}).check
	engine := gin.New()
	Register(engine, store, authtest.NewValidator())
	attempt := func(remote, user string) int {
		req := httptest.NewRequest("GET", "/basic/me", nil)
		req.SetBasicAuth(user, "wrong")
		req.RemoteAddr = remote
		w := httptest.NewRecorder()
		engine.ServeHTTP(w, req)
		return w.Code
	}
	for i, remote := range []string{"[2001:db8:1:2::1]:4000", "[2001:db8:1:2:ffff::9]:4001"} {
		if s := attempt(remote, fmt.Sprint("user", i)); s != 401 {
			t.Fatalf("attempt %d: %d", i+1, s)
		}
	}
	if s := attempt("[2001:db8:1:2:abcd::1]:4002", "user9"); s != 429 {
		t.Fatalf("a third address of the /64: %d, want 429", s)
	}
	if s := attempt("[2001:db8:1:3::1]:4003", "user9"); s != 401 {
		t.Fatalf("another /64: %d, want 401", s)
	}
	// IPv4 in IPv6 is the IPv4 address: one budget, however it is written.
	for i, remote := range []string{"192.0.2.7:1", "[::ffff:192.0.2.7]:2"} {
		if s := attempt(remote, fmt.Sprint("v4user", i)); s != 401 {
			t.Fatalf("IPv4 attempt %d: %d", i+1, s)
		}
	}
	if s := attempt("192.0.2.7:3", "v4user9"); s != 429 {
		t.Fatalf("IPv4 third attempt: %d, want 429", s)
	}
}

func TestLoginLimitersStayBoundedInSize(t *testing.T) {
	const burst, maxKeys = 2, 3
	every := time.Second
	ls := newLimiters(burst, every, maxKeys)
	now := time.Unix(1_000_000, 0)
	for _, k := range []string{"a", "b", "c"} {
		if r := ls.reserve(k, now); !r.OK() || r.DelayFrom(now) != 0 {
			t.Fatalf("%s: the first attempt is delayed", k)
		}
	}
	// A flood of fresh names: the map stays at its cap, and the names
	// beyond it are not free of limits (they share one budget).
	delayed := 0
	for i := range 1000 {
		if r := ls.reserve(fmt.Sprint("fresh", i), now); r.DelayFrom(now) > 0 {
			delayed++
		}
		if n := ls.size(); n > maxKeys {
			t.Fatalf("%d limiters kept after %d fresh names, the cap is %d", n, i+1, maxKeys)
		}
	}
	if delayed < 1000-burst {
		t.Fatalf("only %d of 1000 fresh names over the cap were limited", delayed)
	}
	// A key kept in the map keeps its state: a's second attempt is free, its
	// third is delayed.
	if r := ls.reserve("a", now); r.DelayFrom(now) != 0 {
		t.Fatal("a: the second attempt is delayed")
	}
	if r := ls.reserve("a", now); r.DelayFrom(now) == 0 {
		t.Fatal("a: the third attempt within the burst's time is not delayed")
	}
	// Once refilled, the limiters are like new ones, and make room.
	later := now.Add(time.Duration(burst+1) * every)
	if r := ls.reserve("d", later); r.DelayFrom(later) != 0 {
		t.Fatal("d: delayed")
	}
	if n := ls.size(); n != 1 {
		t.Fatalf("%d limiters kept, want 1: the full ones are dropped once the map is at its cap", n)
	}
}
