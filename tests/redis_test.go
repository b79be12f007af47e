package tests

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/internal/redistest"
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

// redisServer starts a redis-server of its own for the test (see
// redistest.Server) and returns its URL.
func redisServer(t *testing.T) string {
	return "redis://" + redistest.Server(t) + "/0"
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
