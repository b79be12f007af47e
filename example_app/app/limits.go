package app

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/gindepends/gindepends/di"
)

// LoginLimits bound what password guessing costs the server and gains a
// guesser. Only failed attempts count: a user who types the right password
// spends none of the budget.
type LoginLimits struct {
	// A user name may have UserBurst failed attempts at once, and one more
	// every UserEvery: a guesser of one account's password gets that far.
	UserBurst int
	UserEvery time.Duration
	// A client address may have AddrBurst failed attempts at once, and one
	// more every AddrEvery, whatever the user names: spraying one password
	// over many accounts gets that far.
	AddrBurst int
	AddrEvery time.Duration
	// MaxKeys is how many user names, and how many addresses, are tracked
	// at once; past it, the limiters that are full again (as a new one
	// would be) are dropped, and the names that find no room share one
	// limiter, so that memory stays bounded whatever names are sent.
	MaxKeys int
	// HashSlots is how many password hashes are checked at once: each takes
	// a core for tens of milliseconds, and a flood of them must leave cores
	// to the rest of the API.
	HashSlots int
	// SlotWait is how long a login waits for a slot before the server
	// answers 503.
	SlotWait time.Duration
}

// DefaultLoginLimits are the example's limits: 5 failed attempts per user
// name and then one every 12 s (300 an hour), 20 per address and then one
// every 3 s, 10000 names and addresses tracked, half the cores for hashes
// with a wait of up to 2 s.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{
		UserBurst: 5, UserEvery: 12 * time.Second,
		AddrBurst: 20, AddrEvery: 3 * time.Second,
		MaxKeys:   10000,
		HashSlots: max(1, runtime.GOMAXPROCS(0)/2),
		SlotWait:  2 * time.Second,
	}
}

func (l LoginLimits) check() {
	if l.UserBurst < 1 || l.AddrBurst < 1 || l.UserEvery <= 0 || l.AddrEvery <= 0 || l.MaxKeys < 1 || l.HashSlots < 1 || l.SlotWait < 0 {
		// A zero burst would refuse every login, a zero period none.
		panic(fmt.Sprintf("app: LoginLimits %+v: bursts, periods, MaxKeys and HashSlots must be positive", l))
	}
}

// The answers of a login the server will not check.
var (
	errTooManyFailures = di.Error(http.StatusTooManyRequests, "Too many failed attempts, try again later")
	errLoginsBusy      = di.Error(http.StatusServiceUnavailable, "Too many logins at once, try again later").
				WithHeader("Retry-After", "1")
)

// loginGuard holds the failed-attempt limiters and the hash slots of a store.
type loginGuard struct {
	users, addrs attempts
	slots        chan struct{}
	slotWait     time.Duration
}

// attempts is a budget of failed logins per key: in memory, or in Redis
// when instances share it (redisAttempts).
type attempts interface {
	// take takes an attempt of key at now. With none left, it says how
	// long until the next one; otherwise giveBack returns the attempt.
	take(ctx context.Context, key string, now time.Time) (wait time.Duration, giveBack func(), err error)
}

func (l *limiters) take(_ context.Context, key string, now time.Time) (time.Duration, func(), error) {
	r := l.reserve(key, now)
	// At the reservation's own time: Cancel uses the current time, and
	// restores nothing once the reservation's time has passed, which for a
	// token granted at once is at once.
	return r.DelayFrom(now), func() { r.CancelAt(now) }, nil
}

func newLoginGuard(l LoginLimits) *loginGuard {
	l.check()
	return &loginGuard{
		users:    newLimiters(l.UserBurst, l.UserEvery, l.MaxKeys),
		addrs:    newLimiters(l.AddrBurst, l.AddrEvery, l.MaxKeys),
		slots:    make(chan struct{}, l.HashSlots),
		slotWait: l.SlotWait,
	}
}

// check runs verify, which checks a password of username sent from
// remoteIP, if neither the user name nor the address is over its limit and
// a hash slot frees in time; verify's answer is whether the password was
// right. Otherwise it answers 429 or 503 without calling verify, so that a
// refused guess costs no hash.
func (g *loginGuard) check(ctx context.Context, username, remoteIP string, verify func() bool) (bool, error) {
	// Each attempt takes its token before its hash is checked, so that
	// attempts sent all at once are counted all at once. A right password,
	// or an attempt not checked at all, gives its tokens back.
	now := time.Now()
	userWait, userBack, err := g.users.take(ctx, userKey(username), now)
	if err != nil {
		return false, errLoginsBusy
	}
	addrWait, addrBack, err := g.addrs.take(ctx, addrKey(remoteIP), now)
	if err != nil {
		userBack()
		return false, errLoginsBusy
	}
	giveBack := func() {
		userBack()
		addrBack()
	}
	if wait := max(userWait, addrWait); wait > 0 {
		giveBack()
		return false, errTooManyFailures.WithHeader("Retry-After", retryAfter(wait))
	}
	if !g.acquire(ctx) {
		giveBack()
		return false, errLoginsBusy
	}
	ok := verify()
	<-g.slots
	if ok {
		giveBack()
	}
	return ok, nil
}

// acquire takes a hash slot, waiting at most slotWait for one.
func (g *loginGuard) acquire(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(g.slotWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// retryAfter is a wait in whole seconds, rounded up: a client that waits
// that long finds its next attempt allowed.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// userKey is what a user name is tracked by: its digest, so that a name
// of any length costs the same few bytes.
func userKey(username string) string {
	sum := sha256.Sum256([]byte(username))
	return string(sum[:])
}

// addrKey is what a client address is tracked by: the IPv4 address, or
// the IPv6 /64, since one host usually holds a whole /64 and could
// otherwise take a fresh address for each attempt.
//
// The address is the TCP peer's (c.RemoteIP), which a client cannot choose
// as it can X-Forwarded-For. Behind a reverse proxy every client has the
// proxy's address: there, list the proxy with engine.SetTrustedProxies and
// pass c.ClientIP() instead.
func addrKey(remoteIP string) string {
	a, err := netip.ParseAddr(remoteIP)
	if err != nil {
		return remoteIP
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64) // cannot fail: 64 bits of an IPv6 address without zone
	return p.String()
}

// limiters is a token bucket per key, for keys that anyone can make up:
// the map holds at most max of them.
type limiters struct {
	mu        sync.Mutex
	limit     rate.Limit
	burst     int
	every     time.Duration
	max       int
	m         map[string]*rate.Limiter
	overflow  *rate.Limiter // shared by the keys that find the map full
	nextSweep time.Time
}

func newLimiters(burst int, every time.Duration, maxKeys int) *limiters {
	return &limiters{
		limit: rate.Every(every), burst: burst, every: every, max: maxKeys,
		m:        make(map[string]*rate.Limiter),
		overflow: rate.NewLimiter(rate.Every(every), burst),
	}
}

// reserve takes a token of key's limiter at now.
func (l *limiters) reserve(key string, now time.Time) *rate.Reservation {
	// Under l.mu, so that a sweep cannot drop the limiter between the
	// lookup and the reservation, which would lose the token.
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) >= l.max {
			l.sweep(now)
		}
		if len(l.m) < l.max {
			lim = rate.NewLimiter(l.limit, l.burst)
			l.m[key] = lim
		} else {
			// No room: rather than no limit at all, one shared with every
			// other key without room.
			lim = l.overflow
		}
	}
	return lim.ReserveN(now, 1)
}

// sweep drops the limiters that are full again: forgetting them loses
// nothing, since a new one starts full. A sweep reads every limiter, so a
// flood of new keys gets at most one per period of refill.
func (l *limiters) sweep(now time.Time) {
	if now.Before(l.nextSweep) {
		return
	}
	l.nextSweep = now.Add(l.every)
	for k, lim := range l.m {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.m, k)
		}
	}
}

func (l *limiters) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}
