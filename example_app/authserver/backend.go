package authserver

import (
	"context"
	"errors"
	"time"
)

// Backend is where the server keeps what must survive a restart and be
// shared by the instances behind a load balancer: signing keys, clients,
// authorization requests and codes, refresh tokens. It is a key-value
// store of buckets; values expire.
//
// Two implementations: [OpenBolt], an embedded database in a data folder
// (the default), and [NewRedis], for several instances.
type Backend interface {
	// Put stores value under key in bucket, replacing what was there,
	// until ttl has passed; 0 keeps it until it is deleted.
	Put(ctx context.Context, bucket, key string, value []byte, ttl time.Duration) error
	// Get returns the value under key, or ErrNotFound when there is none
	// or it has expired.
	Get(ctx context.Context, bucket, key string) ([]byte, error)
	// Take returns the value under key and deletes it, atomically: of
	// callers racing for one key, on any instance, one gets the value and
	// the others ErrNotFound. Codes and refresh tokens work once this way.
	Take(ctx context.Context, bucket, key string) ([]byte, error)
	// Delete removes key; deleting what is not there is no error.
	Delete(ctx context.Context, bucket, key string) error
	// List returns every unexpired value of bucket, by key.
	List(ctx context.Context, bucket string) (map[string][]byte, error)
	// Close releases the backend.
	Close() error
}

// ErrNotFound is a key that has no value, or whose value expired.
var ErrNotFound = errors.New("authserver: not found")
