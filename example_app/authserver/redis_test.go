package authserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/gindepends/gindepends/internal/redistest"
)

// miniredisAddr starts an in-process Redis for the test. Its keys expire
// with the clock, as a real server's do: by default miniredis only expires
// them when told to.
func miniredisAddr(t *testing.T) string {
	t.Helper()
	mr := miniredis.RunT(t)
	mr.ClockTTL(true)
	return mr.Addr()
}

// newRedis returns a Redis backend with a client of its own, as a server
// instance has, closed when the test ends.
func newRedis(t *testing.T, addr, prefix string) *Redis {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { client.Close() })
	r := NewRedis(client, prefix)
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRedisMiniredis(t *testing.T) {
	testBackend(t, func(t *testing.T) Backend {
		return newRedis(t, miniredisAddr(t), "authserver:")
	})
}

func TestRedisServer(t *testing.T) {
	addr := redistest.Server(t)
	// One server for all subtests, each in a prefix of its own, which is
	// also how several deployments would share one Redis.
	var n atomic.Int64
	testBackend(t, func(t *testing.T) Backend {
		return newRedis(t, addr, fmt.Sprintf("authserver-%d:", n.Add(1)))
	})
}

// A cluster or a ring spreads keys over servers, which List must all
// scan. miniredis acts as a one-node cluster; the ring has two shards.
func TestRedisClusterAndRing(t *testing.T) {
	t.Run("Cluster", func(t *testing.T) {
		testBackend(t, func(t *testing.T) Backend {
			client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{miniredisAddr(t)}})
			t.Cleanup(func() { client.Close() })
			return NewRedis(client, "authserver:")
		})
	})
	newRing := func(t *testing.T) (*Redis, [2]*miniredis.Miniredis) {
		shards := [2]*miniredis.Miniredis{miniredis.RunT(t), miniredis.RunT(t)}
		for _, s := range shards {
			s.ClockTTL(true)
		}
		client := redis.NewRing(&redis.RingOptions{
			Addrs: map[string]string{"a": shards[0].Addr(), "b": shards[1].Addr()},
		})
		t.Cleanup(func() { client.Close() })
		return NewRedis(client, "authserver:"), shards
	}
	t.Run("Ring", func(t *testing.T) {
		testBackend(t, func(t *testing.T) Backend {
			r, _ := newRing(t)
			return r
		})
	})
	t.Run("RingListsEveryShard", func(t *testing.T) {
		r, shards := newRing(t)
		want := map[string]string{}
		for i := range 50 {
			k := fmt.Sprintf("client-%d", i)
			want[k] = k
			mustPut(t, r, "clients", k, []byte(k), 0)
		}
		mustList(t, r, "clients", want)
		if len(shards[0].Keys()) == 0 || len(shards[1].Keys()) == 0 {
			t.Fatalf("shards hold %d and %d keys; want both used", len(shards[0].Keys()), len(shards[1].Keys()))
		}
	})
}

// Two server instances behind a load balancer are two clients of one
// Redis; a code or refresh token must still work only once.
func TestRedisInstances(t *testing.T) {
	for _, server := range redisServers {
		t.Run(server.name, func(t *testing.T) {
			addr := server.addr(t)
			a := newRedis(t, addr, "app:")
			b := newRedis(t, addr, "app:")

			mustPut(t, a, "clients", "web", []byte("from a"), 0)
			if got := mustGet(t, b, "clients", "web"); string(got) != "from a" {
				t.Fatalf("b.Get of what a put = %q", got)
			}
			mustList(t, b, "clients", map[string]string{"web": "from a"})
			if err := b.Delete(context.Background(), "clients", "web"); err != nil {
				t.Fatal(err)
			}
			mustNotFound(t, a, "clients", "web")

			testTakeRace(t, []Backend{a, b})
		})
	}
}

// Prefixes keep deployments sharing a Redis apart, even prefixes that are
// glob patterns matching one another's keys.
func TestRedisPrefixes(t *testing.T) {
	for _, server := range redisServers {
		t.Run(server.name, func(t *testing.T) {
			addr := server.addr(t)
			prefixes := []string{"", "app:", "app1:", "app[1]:", "app?:", "app*:"}
			backends := make([]*Redis, len(prefixes))
			for i, p := range prefixes {
				backends[i] = newRedis(t, addr, p)
				mustPut(t, backends[i], "keys", "k", []byte("under "+p), 0)
			}
			for i, p := range prefixes {
				mustList(t, backends[i], "keys", map[string]string{"k": "under " + p})
			}
			if _, err := backends[3].Take(context.Background(), "keys", "k"); err != nil {
				t.Fatal(err)
			}
			mustNotFound(t, backends[3], "keys", "k")
			if got := mustGet(t, backends[2], "keys", "k"); string(got) != "under app1:" {
				t.Fatalf("after a Take under app[1]:, app1: has %q", got)
			}

			// The key layout is part of the contract: operators look
			// at it, and it must not change under stored data.
			raw := redis.NewClient(&redis.Options{Addr: addr})
			defer raw.Close()
			got, err := raw.Get(context.Background(), "app:keys:k").Result()
			if err != nil || got != "under app:" {
				t.Fatalf(`GET app:keys:k = %q, %v`, got, err)
			}
		})
	}
}

// A bucket larger than SCAN's page must come back whole: a real server
// answers it in several pages. (miniredis answers in one.)
func TestRedisListPages(t *testing.T) {
	servers := []struct {
		name string
		addr func(t *testing.T) string
	}{
		// Without ClockTTL: with it, miniredis sorts every key on every
		// command, and thousands of keys take seconds.
		{"miniredis", func(t *testing.T) string { return miniredis.RunT(t).Addr() }},
		{"redis-server", redistest.Server},
	}
	for _, server := range servers {
		t.Run(server.name, func(t *testing.T) {
			addr := server.addr(t)
			r := newRedis(t, addr, "app:")
			var scans atomic.Int64
			r.client.AddHook(countHook{"scan", &scans})

			const n = 2*redisScanCount + 500
			want := make(map[string]string, n)
			for i := range n {
				k, v := fmt.Sprintf("k%05d", i), fmt.Sprintf("v%d", i)
				want[k] = v
				mustPut(t, r, "many", k, []byte(v), 0)
			}
			mustPut(t, r, "other", "k00000", []byte("not listed"), 0)
			mustList(t, r, "many", want)
			if server.name == "redis-server" && scans.Load() < 2 {
				t.Errorf("List sent %d SCAN, want several pages", scans.Load())
			}
		})
	}
}

// countHook counts the commands named name that a client sends.
type countHook struct {
	name string
	n    *atomic.Int64
}

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == h.name {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func TestOpenRedis(t *testing.T) {
	ctx := context.Background()
	addr := miniredisAddr(t)

	r, err := OpenRedis("redis://" + addr + "/0")
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, r, "b", "k", []byte("v"), time.Minute)
	if got := mustGet(t, r, "b", "k"); string(got) != "v" {
		t.Fatalf("Get = %q", got)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get(ctx, "b", "k"); !errors.Is(err, redis.ErrClosed) {
		t.Fatalf("Get after Close: err = %v, want the client closed", err)
	}

	if _, err := OpenRedis("http://" + addr); err == nil || !strings.Contains(err.Error(), "redis url") {
		t.Errorf("OpenRedis of an http URL: err = %v", err)
	}

	// Nothing listens on a port just closed: OpenRedis must say so at
	// once rather than hand back a backend that fails later.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	started := time.Now()
	if r, err := OpenRedis("redis://" + closed); err == nil {
		r.Close()
		t.Errorf("OpenRedis of %s where nothing listens: no error", closed)
	} else if !strings.Contains(err.Error(), closed) {
		t.Errorf("OpenRedis of %s: err = %v, want the address in it", closed, err)
	}
	if took := time.Since(started); took > redisPingTimeout+time.Second {
		t.Errorf("OpenRedis of a closed port took %v", took)
	}
}

// A client handed to NewRedis belongs to the caller, who may use it for
// more than the backend.
func TestNewRedisLeavesClientOpen(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: miniredisAddr(t)})
	defer client.Close()
	r := NewRedis(client, "")
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("client after the backend's Close: %v", err)
	}
}

var redisServers = []struct {
	name string
	addr func(t *testing.T) string
}{
	{"miniredis", miniredisAddr},
	{"redis-server", redistest.Server},
}
