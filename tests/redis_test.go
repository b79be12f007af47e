package tests

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/gindepends/gindepends/example_app/app"
)

// forEachBackend runs test, in parallel, with each of the authorization
// server's stores: the embedded database in a data folder, and Redis. The
// config it gets keeps the state: start again with it to restart.
func forEachBackend(t *testing.T, test func(t *testing.T, cfg app.Config)) {
	for _, b := range []struct {
		name string
		cfg  func(t *testing.T) app.Config
	}{
		{"bolt", func(t *testing.T) app.Config { return app.Config{DataDir: t.TempDir()} }},
		{"redis", func(t *testing.T) app.Config { return app.Config{RedisURL: redisServer(t)} }},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b.cfg(t))
		})
	}
}

// redisServer starts a redis-server of its own for the test, on a free
// port of 127.0.0.1, keeping nothing on disk, and returns its URL; it is
// stopped when the test ends.
func redisServer(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed: apt-get install redis-server")
	}
	var last string
	for range 3 { // the free port may be taken before redis-server binds it
		ln := listen(t, "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		_, port, _ := net.SplitHostPort(addr)
		var out bytes.Buffer
		cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--dir", t.TempDir(), "--loglevel", "warning")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if pong(addr, exited) {
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				<-exited
			})
			return "redis://" + addr + "/0"
		}
		_ = cmd.Process.Kill()
		<-exited
		last = out.String()
	}
	t.Fatalf("redis-server did not start: %s", last)
	return ""
}

// pong waits for the Redis server at addr to answer PING, unless it exits.
func pong(addr string, exited chan error) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err
			return false
		default:
		}
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = conn.SetDeadline(time.Now().Add(time.Second))
			fmt.Fprint(conn, "PING\r\n")
			line, _ := bufio.NewReader(conn).ReadString('\n')
			conn.Close()
			if line == "+PONG\r\n" {
				return true
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// Two instances behind one URL, as behind a load balancer, share one
// Redis: a token of either works on both, an authorization started on one
// ends on the other, and a refresh token works once across both.
func TestExampleAppInstancesShareOneRedis(t *testing.T) {
	t.Parallel()
	cfg := app.Config{RedisURL: redisServer(t)}
	a, _ := start(t, cfg)
	// B's PublicURL is A's: B's API reads the keys from there.
	cfg.PublicURL = a.URL
	b, _ := start(t, cfg)

	t.Run("tokens and refresh tokens", func(t *testing.T) {
		fromA := password(t, a, "johndoe", "secret", "me")
		fromB := refreshed(t, b, fromA.RefreshToken) // issued by A, used on B
		run(t, b, []exchange{{name: "A's token on B", path: "/users/me/", header: bearer(fromA.AccessToken), status: 200, want: johndoe}})
		run(t, a, []exchange{{name: "B's token on A", path: "/users/me/", header: bearer(fromB.AccessToken), status: 200, want: johndoe}})
		r1 := fromB.RefreshToken
		r2 := refreshed(t, a, r1).RefreshToken
		// r1 was used on A: reused on B, it is refused, and revokes its
		// family there and everywhere.
		wantRefused(t, b, r1)
		wantRefused(t, a, r2)
		wantRefused(t, b, r2)
	})

	t.Run("authorization across instances", func(t *testing.T) {
		br := newBrowser(t, a)
		conf := oauthConfig(a.URL, "me")
		verifier := oauth2.GenerateVerifier()
		f := br.startLogin(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
		// Started on A, the login form is posted to B and the code
		// exchanged there: whichever instance the load balancer picks.
		f.page.Host = strings.TrimPrefix(b.URL, "http://")
		redirect := br.allow(f, "me")
		code := codeOf(t, redirect, conf.RedirectURL, "s")
		tok := token(t, b, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {conf.RedirectURL}, "client_id": {publicID}, "code_verifier": {verifier}})
		run(t, a, []exchange{{name: "its token on A", path: "/users/me/", header: bearer(tok.AccessToken), status: 200, want: johndoe}})
	})
}
