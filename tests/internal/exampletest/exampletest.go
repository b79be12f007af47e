// Package exampletest runs the example, its authorization server and its
// API, for the black-box tests of the packages under tests/.
package exampletest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	if cfg.DataDir == "" && cfg.RedisURL == "" {
		cfg.DataDir = t.TempDir()
	}
	engine := gin.New()
	engine.Use(middleware...)
	ex, err := app.New(context.Background(), engine, cfg)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(engine)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		if err := ex.Close(); err != nil {
			t.Error(err)
		}
	})
	client := &http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := client.Get(srv.URL + "/ready")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return srv, ex
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/ready: %v", err)
		}
	}
}
