package clients_test

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

func TestZZDebug(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	cfg := app.Config{PublicURL: "http://" + ln.Addr().String(), DataDir: t.TempDir()}
	engine := gin.New()
	t0 := time.Now()
	ex, err := app.New(context.Background(), engine, cfg)
	t.Log("New took", time.Since(t0), err)
	srv := httptest.NewUnstartedServer(engine)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	defer ex.Close()
	c := &http.Client{Timeout: 3 * time.Second}
	for _, p := range []string{"/ready", "/oauth/.well-known/openid-configuration", "/oauth/keys", "/ready"} {
		t0 := time.Now()
		resp, err := c.Get(cfg.PublicURL + p)
		if err != nil {
			t.Log(p, err, time.Since(t0))
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Log(p, resp.StatusCode, len(b), time.Since(t0))
	}
}
