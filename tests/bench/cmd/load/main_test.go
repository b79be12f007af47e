package main

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCountGoroutines checks countGoroutines against runtime.NumGoroutine:
// the test binary, started again, parks a few goroutines, prints its count
// and dumps its stacks with SIGQUIT, as the harness makes the servers do.
func TestCountGoroutines(t *testing.T) {
	if os.Getenv("LOAD_TEST_SIGQUIT") == "1" {
		var wg sync.WaitGroup
		block := make(chan struct{})
		for range 7 {
			wg.Add(1)
			go func() { wg.Done(); <-block }()
		}
		wg.Wait()
		time.Sleep(50 * time.Millisecond)
		os.Stdout.WriteString(strconv.Itoa(runtime.NumGoroutine()) + "\n")
		_ = syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(10 * time.Second)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCountGoroutines$")
	cmd.Env = append(os.Environ(), "LOAD_TEST_SIGQUIT=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, _ := cmd.Output() // exits 2 after the dump
	want, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("the child printed %q: %v\n%s", out, err, stderr.String())
	}
	got, err := countGoroutines(stderr.String())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("countGoroutines = %d, runtime.NumGoroutine = %d", got, want)
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 3s test @ http://127.0.0.1:1/users/me/items/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20ms  500.00us  10.00ms   80.00%
    Req/Sec     8.00k   500.00     9.00k    70.00%
  Latency Distribution
     50%    1.10ms
     75%    1.30ms
     90%    1.60ms
     99%    3.00ms
  48000 requests in 3.00s, 8.00MB read
  Non-2xx or 3xx responses: 9600
Requests/sec:  16000.00
Transfer/sec:      2.67MB
LOAD-SUMMARY requests=48000 duration_us=3000000 bytes=8388608 connect=0 read=0 write=0 status=9600 timeout=0
LOAD-LATENCY p50_us=1100 p90_us=1600 p99_us=3000 max_us=10000
LOAD-STATUS 200=38400 401=9600
`
	r, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 48000 || r.RPS != 16000 || r.Non2xx != 9600 || r.P50 != 1100*time.Microsecond ||
		r.P99 != 3*time.Millisecond || r.Status[200] != 38400 || r.Status[401] != 9600 || r.SockErrors != 0 {
		t.Errorf("parseWrk = %+v", r)
	}
	if _, err := parseWrk("Running 3s test\n"); err == nil {
		t.Error("parseWrk accepts an output without the script's lines")
	}
}

func TestReadProc(t *testing.T) {
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSSKiB <= 0 || s.HWMKiB < s.RSSKiB || s.Threads < 1 {
		t.Errorf("readProc = %+v", s)
	}
}
