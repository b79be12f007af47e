// Package exampletest runs the example, its authorization server and its
// API, for the black-box tests under tests/.
package exampletest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
)

// Start runs the example on a real listener on 127.0.0.1, with cfg: its
// own URL as PublicURL and its state in a temporary data folder, unless cfg
// says otherwise; middleware runs before its routes. It returns once /ready
// answers 200, that is once the API has read the authorization server's
// keys through discovery; both are closed when the test ends.
func Start(t testing.TB, cfg app.Config, middleware ...gin.HandlerFunc) (*httptest.Server, *app.Example) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in := Launch(t, ln, cfg, true, middleware...)
	return in.Server, in.Example
}

// Instance is the example served on a real listener.
type Instance struct {
	Server  *httptest.Server
	Example *app.Example

	h    *Deferred
	cfg  app.Config
	t    testing.TB
	once sync.Once
}

// Launch serves the example on ln, as Start does, answering 503 until it
// is made; it waits for /ready if ready says so. It is stopped when the
// test ends, unless Stop was called before.
func Launch(t testing.TB, ln net.Listener, cfg app.Config, ready bool, middleware ...gin.HandlerFunc) *Instance {
	t.Helper()
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	if cfg.DataDir == "" && cfg.RedisURL == "" {
		cfg.DataDir = t.TempDir()
	}
	h := &Deferred{}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	ex, err := h.Build(cfg, middleware...)
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	in := &Instance{Server: srv, Example: ex, h: h, cfg: cfg, t: t}
	t.Cleanup(in.Stop)
	if ready {
		waitReady(t, srv)
	}
	return in
}

// Stop closes the server, then the example.
func (in *Instance) Stop() {
	in.once.Do(func() {
		in.Server.Close()
		if err := in.Example.Close(); err != nil {
			in.t.Error(err)
		}
	})
}

// Restart closes the example and makes it again, on the same state and
// behind the same URL, as when the process behind a URL restarts; it
// returns once the new one is ready.
func (in *Instance) Restart(t testing.TB) {
	t.Helper()
	in.h.engine.Store(nil)
	if err := in.Example.Close(); err != nil {
		t.Fatal(err)
	}
	ex, err := in.h.Build(in.cfg)
	if err != nil {
		t.Fatal(err)
	}
	in.Example = ex
	waitReady(t, in.Server)
}

// Deferred serves the example once it is built, and answers 503 before:
// a handler to serve before the example is made.
type Deferred struct{ engine atomic.Pointer[gin.Engine] }

func (d *Deferred) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e := d.engine.Load(); e != nil {
		e.ServeHTTP(w, r)
		return
	}
	http.Error(w, "starting", http.StatusServiceUnavailable)
}

// Build makes the example for cfg and serves it from then on. The caller
// closes it.
func (d *Deferred) Build(cfg app.Config, middleware ...gin.HandlerFunc) (*app.Example, error) {
	engine := gin.New()
	engine.Use(middleware...)
	ex, err := app.New(context.Background(), engine, cfg)
	if err == nil {
		d.engine.Store(engine)
	}
	return ex, err
}

// waitReady waits for /ready to answer 200: the API reads the server's
// keys at its first use, here, from the server the process serves.
func waitReady(t testing.TB, srv *httptest.Server) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := client.Get(srv.URL + "/ready")
		status := 0
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if status = resp.StatusCode; status == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/ready: %d %v", status, err)
		}
	}
}
