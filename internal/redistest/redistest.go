// Package redistest starts a redis-server of its own for a test: the
// example's tests and the black-box tests both run against a real one.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Server starts redis-server on a free port of 127.0.0.1, keeping nothing
// on disk, and returns its address; it is stopped when the test ends. The
// test is skipped where redis-server is not installed.
func Server(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed: apt-get install redis-server")
	}
	// The free port is found by listening and closing, so another process
	// may take it first: then the server fails, and another port is tried.
	var failures []string
	for range 3 {
		addr, failure := start(t, bin)
		if failure == "" {
			return addr
		}
		failures = append(failures, failure)
	}
	t.Fatalf("redis-server did not start:\n%s", strings.Join(failures, "\n"))
	return ""
}

func start(t *testing.T, bin string) (addr, failure string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	logFile := filepath.Join(dir, "redis.log")
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", logFile)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case werr := <-exited:
			log, _ := os.ReadFile(logFile)
			return "", fmt.Sprintf("exited (%v) on %s:\n%s", werr, addr, log)
		default:
		}
		if pong(addr) {
			t.Cleanup(stop)
			return addr, ""
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	log, _ := os.ReadFile(logFile)
	return "", fmt.Sprintf("no answer on %s:\n%s", addr, log)
}

// pong reports whether the Redis server at addr answers PING.
func pong(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	fmt.Fprint(conn, "PING\r\n")
	line, _ := bufio.NewReader(conn).ReadString('\n')
	return line == "+PONG\r\n"
}
