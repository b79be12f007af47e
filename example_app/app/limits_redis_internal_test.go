package app

import (
	"context"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Instances that share a Redis share the budget of failed logins: a
// guesser gets no more tries by reaching another instance, and a right
// password gives its attempt back.
func TestLoginLimitsInRedisAreSharedByInstances(t *testing.T) {
	mr := miniredis.RunT(t)
	l := DefaultLoginLimits()
	l.UserBurst, l.UserEvery = 2, time.Hour
	instance := func() *Store {
		client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		t.Cleanup(func() { client.Close() })
		s := NewStoreWith(l)
		s.checkHash = (&fakeHash{}).check
		s.useRedis(client, l)
		return s
	}
	a, b := instance(), instance()
	ctx := context.Background()
	if _, err := a.authenticate(ctx, "johndoe", "secret", "192.0.2.1"); err != nil {
		t.Fatalf("the right password: %v", err)
	}
	for i, s := range []*Store{a, b} {
		if _, err := s.authenticate(ctx, "johndoe", "wrong", "192.0.2.1"); err != errLogin {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	for i, s := range []*Store{b, a} {
		_, err := s.authenticate(ctx, "johndoe", "secret", "192.0.2.2")
		if err == nil || err.Error() != errTooManyFailures.Error() {
			t.Fatalf("instance %d after 2 failures: %v, want the 429", i+1, err)
		}
	}
	// Another user's budget is untouched.
	if _, err := b.authenticate(ctx, "alice", "wrong", "192.0.2.3"); err != errLogin {
		t.Fatalf("alice: %v", err)
	}
}
