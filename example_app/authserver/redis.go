package authserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisPingTimeout bounds OpenRedis's first round trip, so that a wrong
// address fails at start-up instead of at the first request.
const redisPingTimeout = 5 * time.Second

// redisScanCount is the COUNT hint of List's SCAN: a few round trips for
// a large keyspace rather than one per ten keys, Redis's default.
const redisScanCount = 1000

// Redis is a [Backend] in Redis, for several server instances sharing one
// store. Each value is one string key, prefix + bucket + ":" + key, and
// Redis's own key expiry is its TTL.
//
// List finds a bucket's keys with SCAN MATCH prefix + bucket + ":*" rather
// than a per-bucket index set. An index would be a second copy of the
// truth: members of values that expire are only dropped when someone
// lists, so the index of a bucket that is never listed (codes,
// authorization requests: most of them expire unredeemed) would grow
// without bound, and a crash between the value and its member would need
// repairs. SCAN reads the keys themselves, and returns every key that
// exists throughout the scan; one that expires meanwhile is dropped when
// its GET finds nothing. Its cost grows with
// the whole database, not the bucket; that is acceptable because List
// serves the small, rarely listed buckets (signing keys, clients), and
// because the server's keys are expected to have a Redis database to
// themselves or nearly so.
//
// Take uses GETDEL, so it needs Redis 6.2 or later.
type Redis struct {
	client redis.UniversalClient
	prefix string
	owned  bool // Close closes client: OpenRedis made it
}

var _ Backend = (*Redis)(nil)

// NewRedis stores under keys beginning with prefix, so that several
// servers, or tests, can share one Redis database. The caller keeps
// ownership of client: Close leaves it open.
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	return &Redis{client: client, prefix: prefix}
}

// OpenRedis connects to the Redis server at url, redis://[user:password@]host:port/db
// (rediss:// for TLS), and checks that it answers. Keys have no prefix.
func OpenRedis(url string) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("authserver: redis url: %w", err)
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), redisPingTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("authserver: redis at %s: %w", opts.Addr, err)
	}
	r := NewRedis(client, "")
	r.owned = true
	return r, nil
}

// Client is the Redis client r works with, for the rest of an app to share
// its connections; closing r closes it, if OpenRedis made it.
func (r *Redis) Client() redis.UniversalClient { return r.client }

func (r *Redis) key(bucket, key string) string {
	return r.prefix + bucket + ":" + key
}

func (r *Redis) Put(ctx context.Context, bucket, key string, value []byte, ttl time.Duration) error {
	if err := checkArgs(ctx, bucket, key); err != nil {
		return err
	}
	// go-redis reads a negative expiration as KEEPTTL, which would keep
	// the old value's expiry instead of failing.
	if ttl < 0 {
		return fmt.Errorf("authserver: negative ttl %s", ttl)
	}
	if err := r.client.Set(ctx, r.key(bucket, key), value, ttl).Err(); err != nil {
		return fmt.Errorf("authserver: redis set: %w", err)
	}
	return nil
}

func (r *Redis) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	if err := checkArgs(ctx, bucket, key); err != nil {
		return nil, err
	}
	v, err := r.client.Get(ctx, r.key(bucket, key)).Bytes()
	return v, redisErr("get", err)
}

func (r *Redis) Take(ctx context.Context, bucket, key string) ([]byte, error) {
	if err := checkArgs(ctx, bucket, key); err != nil {
		return nil, err
	}
	v, err := r.client.GetDel(ctx, r.key(bucket, key)).Bytes()
	return v, redisErr("getdel", err)
}

func (r *Redis) Delete(ctx context.Context, bucket, key string) error {
	if err := checkArgs(ctx, bucket, key); err != nil {
		return err
	}
	if err := r.client.Del(ctx, r.key(bucket, key)).Err(); err != nil {
		return fmt.Errorf("authserver: redis del: %w", err)
	}
	return nil
}

func (r *Redis) List(ctx context.Context, bucket string) (map[string][]byte, error) {
	if err := checkBucket(ctx, bucket); err != nil {
		return nil, err
	}
	head := r.key(bucket, "")
	pattern := globEscape(head) + "*"

	// A cluster or ring spreads keys over servers, and SCAN only walks
	// the server it is sent to.
	var keys []string
	var err error
	switch c := r.client.(type) {
	case *redis.ClusterClient:
		err = forEachNode(ctx, c.ForEachMaster, pattern, &keys)
	case *redis.Ring:
		err = forEachNode(ctx, c.ForEachShard, pattern, &keys)
	default:
		keys, err = scan(ctx, r.client, pattern)
	}
	if err != nil {
		return nil, fmt.Errorf("authserver: redis scan: %w", err)
	}

	// One GET per key, pipelined: MGET would fail on a cluster when keys
	// hash to different slots. A key that expires or is taken between the
	// scan and its GET is simply not listed.
	out := make(map[string][]byte, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	cmds := make([]*redis.StringCmd, 0, len(keys))
	_, err = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			cmds = append(cmds, p.Get(ctx, k))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("authserver: redis get: %w", err)
	}
	for i, cmd := range cmds {
		v, err := cmd.Bytes()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("authserver: redis get: %w", err)
		}
		out[strings.TrimPrefix(keys[i], head)] = v
	}
	return out, nil
}

// Close closes the client if OpenRedis made it.
func (r *Redis) Close() error {
	if !r.owned {
		return nil
	}
	return r.client.Close()
}

// forEachNode scans every node of a cluster or ring into keys.
func forEachNode(ctx context.Context, each func(context.Context, func(context.Context, *redis.Client) error) error, pattern string, keys *[]string) error {
	var mu sync.Mutex // each calls fn on the nodes concurrently
	return each(ctx, func(ctx context.Context, node *redis.Client) error {
		ks, err := scan(ctx, node, pattern)
		mu.Lock()
		*keys = append(*keys, ks...)
		mu.Unlock()
		return err
	})
}

// scan returns the keys of one server that match pattern. A key may come
// back twice when the server rehashes during the scan; the duplicates are
// harmless, since List collects into a map.
func scan(ctx context.Context, c redis.Cmdable, pattern string) ([]string, error) {
	var keys []string
	var cursor uint64
	for {
		batch, next, err := c.Scan(ctx, cursor, pattern, redisScanCount).Result()
		if err != nil {
			return nil, err
		}
		keys = append(keys, batch...)
		if next == 0 {
			return keys, nil
		}
		cursor = next
	}
}

// globEscape quotes the characters that SCAN MATCH reads as a pattern, so
// that a prefix such as "app[1]" or a bucket "a*" matches only itself.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch c {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// redisErr turns Redis's nil reply into ErrNotFound.
func redisErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return ErrNotFound
	default:
		return fmt.Errorf("authserver: redis %s: %w", op, err)
	}
}
