package authserver

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// boltFile is the one file OpenBolt keeps in its folder.
const boltFile = "authserver.db"

// boltLockTimeout bounds the wait for the database file's lock. bbolt
// waits forever by default, so a second server started on the same folder
// would hang silently; a second is enough to ride out a predecessor that
// is still closing.
const boltLockTimeout = time.Second

// boltSweepInterval spaces the removal of expired values. Codes and
// authorization requests that are never redeemed expire rather than being
// taken, and without a sweep they would stay in the file forever.
const boltSweepInterval = 5 * time.Minute

// expiryLen is the prefix of each stored value: its expiry in unix
// nanoseconds, big-endian, 0 for none. A wall-clock instant rather than a
// duration, so that it still means the same after a restart.
const expiryLen = 8

// Bolt is a [Backend] in an embedded database file, for a single server
// process.
type Bolt struct {
	db *bolt.DB

	stop      chan struct{}
	swept     sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

var _ Backend = (*Bolt)(nil)

// OpenBolt opens the database in the folder dir, creating both if missing.
// Only one process can have it open: while another does, OpenBolt fails
// after about a second with an error that says so.
func OpenBolt(dir string) (*Bolt, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("authserver: create data folder: %w", err)
	}
	path := filepath.Join(dir, boltFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: boltLockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("authserver: %s is locked: another server is using this data folder (%w)", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("authserver: open %s: %w", path, err)
	}
	b := &Bolt{db: db, stop: make(chan struct{})}
	b.swept.Add(1)
	go b.sweepEvery(boltSweepInterval)
	return b, nil
}

func (b *Bolt) Put(ctx context.Context, bucket, key string, value []byte, ttl time.Duration) error {
	if err := checkArgs(ctx, bucket, key); err != nil {
		return err
	}
	if ttl < 0 {
		return fmt.Errorf("authserver: negative ttl %s", ttl)
	}
	var expiry int64
	if ttl > 0 {
		expiry = time.Now().Add(ttl).UnixNano()
	}
	// bbolt keeps a reference to the slice until the transaction commits,
	// so it must be one the caller cannot change meanwhile.
	stored := make([]byte, expiryLen+len(value))
	binary.BigEndian.PutUint64(stored, uint64(expiry))
	copy(stored[expiryLen:], value)
	return b.db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return fmt.Errorf("authserver: bucket %q: %w", bucket, err)
		}
		return bk.Put([]byte(key), stored)
	})
}

func (b *Bolt) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	if err := checkArgs(ctx, bucket, key); err != nil {
		return nil, err
	}
	var out []byte
	err := b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return ErrNotFound
		}
		v, err := live(bk.Get([]byte(key)), time.Now())
		if err != nil {
			return err
		}
		// Bytes from bbolt are only valid inside the transaction.
		out = append([]byte{}, v...)
		return nil
	})
	return out, err
}

func (b *Bolt) Take(ctx context.Context, bucket, key string) ([]byte, error) {
	if err := checkArgs(ctx, bucket, key); err != nil {
		return nil, err
	}
	var out []byte
	found := false
	// bbolt runs one writable transaction at a time, so the read and the
	// delete cannot interleave with another Take.
	err := b.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return nil
		}
		raw := bk.Get([]byte(key))
		if raw == nil {
			return nil
		}
		v, err := live(raw, time.Now())
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err == nil {
			found = true
			out = append([]byte{}, v...)
		}
		// An expired value goes too; returning ErrNotFound here would
		// roll that back.
		return bk.Delete([]byte(key))
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotFound
	}
	return out, nil
}

func (b *Bolt) Delete(ctx context.Context, bucket, key string) error {
	if err := checkArgs(ctx, bucket, key); err != nil {
		return err
	}
	return b.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return nil
		}
		return bk.Delete([]byte(key))
	})
}

func (b *Bolt) List(ctx context.Context, bucket string) (map[string][]byte, error) {
	if err := checkBucket(ctx, bucket); err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	now := time.Now()
	err := b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return nil
		}
		return bk.ForEach(func(k, raw []byte) error {
			v, err := live(raw, now)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%w (key %q)", err, k)
			}
			out[string(k)] = append([]byte{}, v...)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Close stops the sweep and closes the file, releasing its lock. It may be
// called more than once.
func (b *Bolt) Close() error {
	b.closeOnce.Do(func() {
		close(b.stop)
		b.swept.Wait()
		b.closeErr = b.db.Close()
	})
	return b.closeErr
}

func (b *Bolt) sweepEvery(interval time.Duration) {
	defer b.swept.Done()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-tick.C:
			// A failed sweep loses nothing: expired values are already
			// invisible, and the next tick tries again.
			_ = b.sweep(time.Now())
		}
	}
}

// sweep deletes every value that has expired by now, in all buckets.
func (b *Bolt) sweep(now time.Time) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			// Deleting while a cursor walks the bucket can skip
			// entries, so the keys are gathered first.
			var expired [][]byte
			err := bk.ForEach(func(k, raw []byte) error {
				if _, err := live(raw, now); errors.Is(err, ErrNotFound) {
					expired = append(expired, append([]byte{}, k...))
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, k := range expired {
				if err := bk.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// live strips the expiry from a stored value, or reports ErrNotFound when
// there is no value or it has expired by now.
func live(raw []byte, now time.Time) ([]byte, error) {
	if raw == nil {
		return nil, ErrNotFound
	}
	if len(raw) < expiryLen {
		return nil, errors.New("authserver: corrupt stored value: shorter than its expiry")
	}
	expiry := int64(binary.BigEndian.Uint64(raw))
	if expiry != 0 && now.UnixNano() >= expiry {
		return nil, ErrNotFound
	}
	return raw[expiryLen:], nil
}

// checkBucket holds both backends to the same names, so that data and code
// can move from one to the other: Redis keys are bucket + ":" + key, where a
// colon in the bucket would let two buckets share keys, and bbolt refuses
// empty names.
func checkBucket(ctx context.Context, bucket string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if bucket == "" || strings.Contains(bucket, ":") {
		return fmt.Errorf("authserver: invalid bucket name %q: must be non-empty and without ':'", bucket)
	}
	return nil
}

func checkArgs(ctx context.Context, bucket, key string) error {
	if err := checkBucket(ctx, bucket); err != nil {
		return err
	}
	if key == "" {
		return errors.New("authserver: empty key")
	}
	return nil
}
