package authserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Short enough to keep the suite fast, long enough that a value put with
// it is still there when read back at once on a loaded machine.
const (
	shortTTL  = 100 * time.Millisecond
	expiryGap = 250 * time.Millisecond // sleep after which shortTTL has passed
)

// testBackend is what every Backend must do. open returns an empty
// backend for the subtest, closed when it ends.
func testBackend(t *testing.T, open func(t *testing.T) Backend) {
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		b := open(t)
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		large := bytes.Repeat([]byte("\x00authserver\xff"), 10000)
		values := map[string][]byte{
			"text":                           []byte("hello"),
			"zeros":                          {0, 0, 0, 0},
			"binary":                         {0xff, 0x00, 0x01, 0x00, 0xfe},
			"bytes":                          all,
			"large":                          large,
			"empty":                          {},
			"key with spaces/and:colons\x00": []byte("odd keys are keys too"),
		}
		for k, v := range values {
			mustPut(t, b, "rt", k, v, 0)
		}
		for k, v := range values {
			got, err := b.Get(ctx, "rt", k)
			if err != nil {
				t.Fatalf("Get %q: %v", k, err)
			}
			if !bytes.Equal(got, v) {
				t.Errorf("Get %q = %q, want %q", k, short(got), short(v))
			}
		}

		// Neither the caller's slice nor the returned one is the stored
		// value.
		v := []byte("original")
		mustPut(t, b, "rt", "alias", v, 0)
		copy(v, "CHANGED!")
		got := mustGet(t, b, "rt", "alias")
		if string(got) != "original" {
			t.Fatalf("after changing the put slice, Get = %q", got)
		}
		copy(got, "CHANGED!")
		if got := mustGet(t, b, "rt", "alias"); string(got) != "original" {
			t.Fatalf("after changing a returned slice, Get = %q", got)
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		b := open(t)
		mustPut(t, b, "ow", "k", []byte("first"), 0)
		mustPut(t, b, "ow", "k", []byte("second, longer than the first"), 0)
		mustPut(t, b, "ow", "k", []byte("3rd"), 0)
		if got := mustGet(t, b, "ow", "k"); string(got) != "3rd" {
			t.Fatalf("Get = %q, want the last value put", got)
		}

		// The ttl of the last Put is the one that counts, both ways.
		mustPut(t, b, "ow", "was-short", []byte("v1"), shortTTL)
		mustPut(t, b, "ow", "was-short", []byte("v2"), 0)
		mustPut(t, b, "ow", "now-short", []byte("v1"), 0)
		mustPut(t, b, "ow", "now-short", []byte("v2"), shortTTL)
		time.Sleep(expiryGap)
		if got := mustGet(t, b, "ow", "was-short"); string(got) != "v2" {
			t.Fatalf("a value put without ttl over one with a ttl: Get = %q", got)
		}
		mustNotFound(t, b, "ow", "now-short")
	})

	t.Run("NotFound", func(t *testing.T) {
		b := open(t)
		mustNotFound(t, b, "nf", "missing") // the bucket does not exist either
		mustPut(t, b, "nf", "present", []byte("v"), 0)
		mustNotFound(t, b, "nf", "missing")
		if _, err := b.Take(ctx, "nf", "missing"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Take of a missing key: err = %v, want ErrNotFound", err)
		}
		if _, err := b.Take(ctx, "nf-none", "missing"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Take in a missing bucket: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		b := open(t)
		mustPut(t, b, "exp", "short", []byte("s"), shortTTL)
		mustPut(t, b, "exp", "short-take", []byte("s"), shortTTL)
		mustPut(t, b, "exp", "long", []byte("l"), time.Hour)
		mustPut(t, b, "exp", "forever", []byte("f"), 0)
		if got := mustGet(t, b, "exp", "short"); string(got) != "s" {
			t.Fatalf("before its ttl: Get = %q", got)
		}
		time.Sleep(expiryGap)
		mustNotFound(t, b, "exp", "short")
		if _, err := b.Take(ctx, "exp", "short-take"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Take of an expired value: err = %v, want ErrNotFound", err)
		}
		mustList(t, b, "exp", map[string]string{"long": "l", "forever": "f"})
		// Expired is absent, not in the way: it can be put again.
		mustPut(t, b, "exp", "short", []byte("again"), 0)
		if got := mustGet(t, b, "exp", "short"); string(got) != "again" {
			t.Fatalf("put over an expired value: Get = %q", got)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		b := open(t)
		if err := b.Delete(ctx, "del", "never-was"); err != nil {
			t.Fatalf("Delete in a missing bucket: %v", err)
		}
		mustPut(t, b, "del", "k", []byte("v"), 0)
		mustPut(t, b, "del", "other", []byte("o"), 0)
		for i := range 2 {
			if err := b.Delete(ctx, "del", "k"); err != nil {
				t.Fatalf("Delete #%d: %v", i+1, err)
			}
		}
		mustNotFound(t, b, "del", "k")
		mustList(t, b, "del", map[string]string{"other": "o"})
		mustPut(t, b, "del", "expired", []byte("v"), shortTTL)
		time.Sleep(expiryGap)
		if err := b.Delete(ctx, "del", "expired"); err != nil {
			t.Fatalf("Delete of an expired value: %v", err)
		}
	})

	t.Run("Take", func(t *testing.T) {
		b := open(t)
		mustPut(t, b, "take", "code", []byte("once\x00only"), time.Minute)
		mustPut(t, b, "take", "other", []byte("o"), 0)
		got, err := b.Take(ctx, "take", "code")
		if err != nil || string(got) != "once\x00only" {
			t.Fatalf("Take = %q, %v", got, err)
		}
		if got, err := b.Take(ctx, "take", "code"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second Take = %q, %v; want ErrNotFound", got, err)
		}
		mustNotFound(t, b, "take", "code")
		mustList(t, b, "take", map[string]string{"other": "o"})
	})

	t.Run("TakeRace", func(t *testing.T) {
		b := open(t)
		testTakeRace(t, []Backend{b})
	})

	t.Run("List", func(t *testing.T) {
		b := open(t)
		got, err := b.List(ctx, "list")
		if err != nil {
			t.Fatalf("List of a missing bucket: %v", err)
		}
		if got == nil || len(got) != 0 {
			t.Fatalf("List of a missing bucket = %#v, want an empty map", got)
		}
		mustPut(t, b, "list", "a", []byte("A"), 0)
		mustPut(t, b, "list", "b", []byte{0, 'B', 0}, time.Hour)
		mustPut(t, b, "list", "c", []byte("C"), 0)
		mustPut(t, b, "list", "deleted", []byte("x"), 0)
		mustPut(t, b, "list", "taken", []byte("x"), 0)
		mustPut(t, b, "list", "expires", []byte("x"), shortTTL)
		mustPut(t, b, "list", "empty", []byte{}, 0)
		mustPut(t, b, "list", "c", []byte("C2"), 0)
		if err := b.Delete(ctx, "list", "deleted"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Take(ctx, "list", "taken"); err != nil {
			t.Fatal(err)
		}
		mustList(t, b, "list", map[string]string{
			"a": "A", "b": "\x00B\x00", "c": "C2", "expires": "x", "empty": "",
		})
		time.Sleep(expiryGap)
		mustList(t, b, "list", map[string]string{
			"a": "A", "b": "\x00B\x00", "c": "C2", "empty": "",
		})
	})

	t.Run("BucketsIndependent", func(t *testing.T) {
		b := open(t)
		// Names that are also prefixes or glob patterns of one another.
		buckets := []string{"a", "ab", "a*", "a?", "[a]", `a\`, "b"}
		for _, bk := range buckets {
			mustPut(t, b, bk, "k", []byte("in "+bk), 0)
			mustPut(t, b, bk, "only-"+bk, []byte(bk), 0)
		}
		for _, bk := range buckets {
			if got := mustGet(t, b, bk, "k"); string(got) != "in "+bk {
				t.Errorf("bucket %q: Get = %q", bk, got)
			}
			mustList(t, b, bk, map[string]string{"k": "in " + bk, "only-" + bk: bk})
		}
		if err := b.Delete(ctx, "a", "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Take(ctx, "ab", "k"); err != nil {
			t.Fatal(err)
		}
		mustNotFound(t, b, "a", "k")
		mustNotFound(t, b, "ab", "k")
		for _, bk := range buckets[2:] {
			if got := mustGet(t, b, bk, "k"); string(got) != "in "+bk {
				t.Errorf("after deleting from other buckets, bucket %q: Get = %q", bk, got)
			}
		}
	})

	t.Run("InvalidArguments", func(t *testing.T) {
		b := open(t)
		for _, bk := range []string{"", "a:b"} {
			if err := b.Put(ctx, bk, "k", []byte("v"), 0); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("Put in bucket %q: err = %v, want an invalid name", bk, err)
			}
			if _, err := b.List(ctx, bk); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("List of bucket %q: err = %v, want an invalid name", bk, err)
			}
		}
		if err := b.Put(ctx, "inv", "", []byte("v"), 0); err == nil {
			t.Error("Put with an empty key: no error")
		}
		if _, err := b.Get(ctx, "inv", ""); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get with an empty key: err = %v, want an invalid key", err)
		}
		if err := b.Put(ctx, "inv", "k", []byte("v"), -time.Second); err == nil {
			t.Error("Put with a negative ttl: no error")
		}
		mustNotFound(t, b, "inv", "k")

		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if err := b.Put(canceled, "inv", "k", []byte("v"), 0); !errors.Is(err, context.Canceled) {
			t.Errorf("Put with a canceled context: err = %v", err)
		}
		mustNotFound(t, b, "inv", "k")
	})
}

// testTakeRace has goroutines race to Take the same key, spread over the
// backends given (one, or several sharing a store as server instances
// do), for several keys in turn: exactly one may win each.
func testTakeRace(t *testing.T, backends []Backend) {
	t.Helper()
	const (
		rounds  = 10
		racers  = 32
		timeout = 10 * time.Second
	)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for round := range rounds {
		key := fmt.Sprintf("code-%d", round)
		want := fmt.Sprintf("value-%d\x00", round)
		mustPut(t, backends[0], "race", key, []byte(want), time.Minute)

		start := make(chan struct{})
		var wg sync.WaitGroup
		values := make([][]byte, racers)
		errs := make([]error, racers)
		for i := range racers {
			wg.Go(func() {
				<-start
				values[i], errs[i] = backends[i%len(backends)].Take(ctx, "race", key)
			})
		}
		close(start)
		wg.Wait()

		winners := 0
		for i := range racers {
			switch {
			case errs[i] == nil:
				winners++
				if string(values[i]) != want {
					t.Errorf("round %d: racer %d took %q, want %q", round, i, values[i], want)
				}
			case !errors.Is(errs[i], ErrNotFound):
				t.Errorf("round %d: racer %d: %v", round, i, errs[i])
			}
		}
		if winners != 1 {
			t.Fatalf("round %d: %d of %d racers took the value, want exactly 1", round, winners, racers)
		}
	}
}

func TestBolt(t *testing.T) {
	testBackend(t, func(t *testing.T) Backend {
		return openBolt(t, t.TempDir())
	})
}

func TestBoltRestart(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "not", "yet", "there")
	b := openBolt(t, dir)
	mustPut(t, b, "keys", "k1", []byte("signing\x00key"), 0)
	mustPut(t, b, "clients", "web", []byte("client"), time.Hour)
	mustPut(t, b, "codes", "c", []byte("code"), shortTTL)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := b.Get(ctx, "keys", "k1"); err == nil {
		t.Fatal("Get after Close: no error")
	}

	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, boltFile): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", path, got, want)
		}
	}

	b = openBolt(t, dir)
	if got := mustGet(t, b, "keys", "k1"); string(got) != "signing\x00key" {
		t.Errorf("after a restart: Get = %q", got)
	}
	mustList(t, b, "clients", map[string]string{"web": "client"})
	if got := mustGet(t, b, "codes", "c"); string(got) != "code" {
		t.Errorf("after a restart, before its ttl: Get = %q", got)
	}
	time.Sleep(expiryGap)
	// The expiry is a point in time, so it is kept across the restart.
	mustNotFound(t, b, "codes", "c")
}

func TestBoltSecondOpenFailsFast(t *testing.T) {
	dir := t.TempDir()
	first := openBolt(t, dir)
	mustPut(t, first, "b", "k", []byte("v"), 0)

	started := time.Now()
	second, err := OpenBolt(dir)
	if err == nil {
		second.Close()
		t.Fatal("second OpenBolt on an open folder: no error")
	}
	if took := time.Since(started); took > boltLockTimeout+2*time.Second {
		t.Errorf("second OpenBolt took %v to fail", took)
	}
	if !errors.Is(err, bolterrors.ErrTimeout) || !strings.Contains(err.Error(), "another server is using this data folder") {
		t.Errorf("second OpenBolt: err = %v, want a lock timeout that says why", err)
	}

	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	third := openBolt(t, dir)
	if got := mustGet(t, third, "b", "k"); string(got) != "v" {
		t.Errorf("after the first closed: Get = %q", got)
	}
}

// holdBoltEnv makes TestBoltHolder, run in a child process, hold the
// database in the folder it names until its standard input closes.
const holdBoltEnv = "AUTHSERVER_TEST_HOLD_BOLT"

func TestBoltHolder(t *testing.T) {
	dir := os.Getenv(holdBoltEnv)
	if dir == "" {
		t.Skip("runs as the child process of TestBoltLockedByOtherProcess")
	}
	b, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fmt.Println("holding")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
}

// The lock that matters is between processes: two servers started on the
// same folder.
func TestBoltLockedByOtherProcess(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBoltHolder$", "-test.count=1")
	cmd.Env = append(os.Environ(), holdBoltEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	t.Cleanup(func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "holding" {
		t.Fatalf("child did not open the database: %q %v", lines.Text(), lines.Err())
	}
	started := time.Now()
	if b, err := OpenBolt(dir); err == nil {
		b.Close()
		t.Fatal("OpenBolt while another process has the folder open: no error")
	} else if !errors.Is(err, bolterrors.ErrTimeout) {
		t.Fatalf("OpenBolt while another process has it open: err = %v, want a lock timeout", err)
	}
	if took := time.Since(started); took > boltLockTimeout+2*time.Second {
		t.Errorf("OpenBolt took %v to fail", took)
	}

	stdin.Close()
	for lines.Scan() { // drain, so that Wait does not race the reads
	}
	err = cmd.Wait()
	exited = true
	if err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	b := openBolt(t, dir)
	mustList(t, b, "any", map[string]string{})
}

func TestBoltSweep(t *testing.T) {
	ctx := context.Background()
	b := openBolt(t, t.TempDir())
	for _, bk := range []string{"codes", "requests"} {
		mustPut(t, b, bk, "expires-1", []byte("x"), shortTTL)
		mustPut(t, b, bk, "expires-2", []byte("x"), shortTTL)
		mustPut(t, b, bk, "stays", []byte("s"), time.Hour)
		mustPut(t, b, bk, "forever", []byte("f"), 0)
	}
	mustPut(t, b, "codes", "taken-expired", []byte("x"), shortTTL)
	time.Sleep(expiryGap)

	// Take of an expired value removes it, though it reports a miss.
	if _, err := b.Take(ctx, "codes", "taken-expired"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Take of an expired value: %v", err)
	}
	if n := rawCount(t, b, "codes"); n != 4 {
		t.Fatalf("codes holds %d entries before the sweep, want 4 (the expired one taken is gone)", n)
	}
	if err := b.sweep(time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, bk := range []string{"codes", "requests"} {
		if n := rawCount(t, b, bk); n != 2 {
			t.Errorf("%s holds %d entries after the sweep, want 2", bk, n)
		}
		mustList(t, b, bk, map[string]string{"stays": "s", "forever": "f"})
	}
}

func rawCount(t *testing.T, b *Bolt, bucket string) int {
	t.Helper()
	n := 0
	err := b.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte(bucket)).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func openBolt(t *testing.T, dir string) *Bolt {
	t.Helper()
	b, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func mustPut(t *testing.T, b Backend, bucket, key string, value []byte, ttl time.Duration) {
	t.Helper()
	if err := b.Put(context.Background(), bucket, key, value, ttl); err != nil {
		t.Fatalf("Put %s/%s: %v", bucket, key, err)
	}
}

func mustGet(t *testing.T, b Backend, bucket, key string) []byte {
	t.Helper()
	v, err := b.Get(context.Background(), bucket, key)
	if err != nil {
		t.Fatalf("Get %s/%s: %v", bucket, key, err)
	}
	return v
}

func mustNotFound(t *testing.T, b Backend, bucket, key string) {
	t.Helper()
	v, err := b.Get(context.Background(), bucket, key)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get %s/%s = %q, %v; want ErrNotFound", bucket, key, v, err)
	}
}

func mustList(t *testing.T, b Backend, bucket string, want map[string]string) {
	t.Helper()
	got, err := b.List(context.Background(), bucket)
	if err != nil {
		t.Fatalf("List %s: %v", bucket, err)
	}
	if len(got) != len(want) {
		t.Errorf("List %s: %d entries, want %d", bucket, len(got), len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("List %s: %q missing", bucket, k)
		} else if string(g) != w {
			t.Errorf("List %s: %q = %q, want %q", bucket, k, short(g), short([]byte(w)))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("List %s: unexpected %q", bucket, k)
		}
	}
}

// short keeps failure messages about large values readable.
func short(b []byte) []byte {
	if len(b) > 40 {
		return append(b[:40:40], "..."...)
	}
	return b
}
