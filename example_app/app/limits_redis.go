package app

import (
	"context"
	"encoding/hex"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// redisAttempts keeps a budget of failed logins per key in Redis, so that
// instances behind a load balancer share it: a guesser gets no more tries
// by reaching another instance. GCRA, as go-redis/redis_rate computes it in
// one script, which also gives an attempt back with a negative cost.
type redisAttempts struct {
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
	prefix  string
}

func newRedisAttempts(client redis.UniversalClient, prefix string, burst int, every time.Duration) *redisAttempts {
	return &redisAttempts{limiter: redis_rate.NewLimiter(client), limit: redis_rate.Limit{Rate: 1, Period: every, Burst: burst}, prefix: prefix}
}

func (r *redisAttempts) take(ctx context.Context, key string, _ time.Time) (time.Duration, func(), error) {
	key = r.prefix + hex.EncodeToString([]byte(key))
	res, err := r.limiter.AllowN(ctx, key, r.limit, 1)
	if err != nil {
		return 0, nil, err
	}
	if res.Allowed == 0 {
		return res.RetryAfter, func() {}, nil // nothing was taken
	}
	return 0, func() {
		ctx := context.WithoutCancel(ctx)
		// redis_rate stores nothing when the refund leaves the bucket full:
		// the key would keep the attempt. Then the bucket is simply dropped,
		// as it would be once full again.
		if res, err := r.limiter.AllowN(ctx, key, r.limit, -1); err == nil && res.ResetAfter <= 0 {
			_ = r.limiter.Reset(ctx, key)
		}
	}, nil
}

// useRedis moves the store's login limits to Redis.
func (s *Store) useRedis(client redis.UniversalClient, l LoginLimits) {
	s.guard.users = newRedisAttempts(client, "example:login:user:", l.UserBurst, l.UserEvery)
	s.guard.addrs = newRedisAttempts(client, "example:login:addr:", l.AddrBurst, l.AddrEvery)
}
