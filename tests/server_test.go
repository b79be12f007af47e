package tests

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/tests/internal/exampletest"
)

// served is app.Serve running on a free port until the test ends.
type served struct {
	base string             // the server's URL
	stop context.CancelFunc // ends Serve's context
	done chan struct{}      // closed when Serve has returned
	err  error              // what Serve returned, once done
}

// running serves h with app.Serve on ln, or on a free port if ln is nil.
func running(t *testing.T, ln net.Listener, h http.Handler) *served {
	t.Helper()
	if ln == nil {
		ln = listen(t, "127.0.0.1:0")
	}
	srv := app.NewServer(ln.Addr().String(), h)
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{base: "http://" + ln.Addr().String(), stop: cancel, done: make(chan struct{})}
	go func() {
		s.err = app.Serve(ctx, srv, ln)
		close(s.done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			srv.Close()
			<-s.done
			t.Error("Serve did not return after its context ended")
		}
	})
	return s
}

func TestExampleAppServerHasTimeouts(t *testing.T) {
	srv := app.NewServer(":8080", http.NotFoundHandler())
	if srv.Addr != ":8080" || srv.ReadHeaderTimeout != 5*time.Second ||
		srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Fatalf("addr %q, timeouts: header %v, read %v, write %v, idle %v",
			srv.Addr, srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
}

func TestExampleAppServerClosesConnectionsThatStallInTheHeader(t *testing.T) {
	t.Parallel()
	// The whole example, served as example_app/main.go serves it.
	ln := listen(t, "127.0.0.1:0")
	h := &exampletest.Deferred{}
	s := running(t, ln, h)
	ex, err := h.Build(app.Config{PublicURL: s.base, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ex.Close() })
	if status, _, err := get(s.base + "/"); err != nil || status != 200 {
		t.Fatalf("GET /: %d %v", status, err)
	}

	conn, err := net.Dial("tcp", s.base[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /status HTTP/1.1\r\nHost: example\r\n"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(app.ReadHeaderTimeout + 5*time.Second)
	if err := conn.SetReadDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	// The server answers nothing to half a header; the read ends when it
	// closes the connection, or at our deadline if it never does.
	got, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection was still open %v after the partial header (read %q)", app.ReadHeaderTimeout+5*time.Second, got)
	}
}

func TestExampleAppServeShutsDownGracefully(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	engine := gin.New()
	engine.GET("/slow", func(c *gin.Context) {
		close(entered)
		<-release
		c.String(http.StatusOK, "done")
	})
	s := running(t, nil, engine)

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := client.Get(s.base + "/slow")
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, string(b), err}
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the handler")
	}

	s.stop()
	// Shutting down has begun once the listener refuses connections.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", s.base[len("http://"):], time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("the server still accepts connections after its context ended")
		}
	}
	close(release)

	select {
	case a := <-answered:
		if a.err != nil || a.status != 200 || a.body != "done" {
			t.Fatalf("the request in flight got %d %q %v", a.status, a.body, a.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight never got its answer")
	}
	select {
	case <-s.done:
		if s.err != nil {
			t.Fatalf("Serve returned %v", s.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

func TestExampleAppLogsRedactTokensInURLs(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	srv := exampletest.Launch(t, listen(t, "127.0.0.1:0"), app.Config{}, true, app.Logger(&log)).Server
	for _, tc := range []struct{ path, logged string }{
		{"/users/me/?access_token=SECRETVALUE", "/users/me/?access_token=REDACTED"},
		{"/users/me/?page=2&access_token=SECRETVALUE&q=a%20b&empty=&flag",
			"/users/me/?page=2&access_token=REDACTED&q=a%20b&empty=&flag"},
		{"/token?refresh_token=SECRETVALUE&id_token=SECRETVALUE&client_secret=SECRETVALUE&code=SECRETVALUE&api_key=SECRETVALUE&state=xyz",
			"/token?refresh_token=REDACTED&id_token=REDACTED&client_secret=REDACTED&code=REDACTED&api_key=REDACTED&state=xyz"},
		// An escaped name is the same parameter to whoever reads it.
		{"/items?api%5Fkey=SECRETVALUE&Code=SECRETVALUE&x=1", "/items?api%5Fkey=REDACTED&Code=REDACTED&x=1"},
		// The authorization server's redirect to the client carries the code.
		{"/oauth/authorize/callback?id=x&code=SECRETVALUE", "/oauth/authorize/callback?id=REDACTED&code=REDACTED"},
		// A login in progress: whoever has its ID can watch it.
		{"/oauth/login?authRequestID=SECRETVALUE", "/oauth/login?authRequestID=REDACTED"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			log.Reset()
			call(t, srv, "GET", tc.path, "")
			line := log.String()
			// gin's default line: time | status | latency | client | method "path"
			format := regexp.MustCompile(`^\[GIN\] \d{4}/\d\d/\d\d - \d\d:\d\d:\d\d \| \d{3} \| +\S+ \| +127\.0\.0\.1 \| GET +"(.*)"\n$`)
			m := format.FindStringSubmatch(line)
			if m == nil || strings.Contains(line, "SECRETVALUE") || m[1] != tc.logged {
				t.Fatalf("logged %q, want the path %q in gin's format", line, tc.logged)
			}
		})
	}
}

// syncBuffer is a log written by the server's goroutines and read by the
// test's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
func (s *syncBuffer) Reset()         { s.mu.Lock(); defer s.mu.Unlock(); s.b.Reset() }

// get is a GET with a client of its own, closed after.
func get(u string) (int, string, error) {
	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()
	resp, err := c.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}
