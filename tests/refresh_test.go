package tests

import (
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gindepends/gindepends/example_app/app"
)

// refreshed uses refreshToken on srv (see refreshForm), wants a new pair,
// and checks its access token on srv's API.
func refreshed(t *testing.T, srv *httptest.Server, refreshToken string, header ...string) tokenResponse {
	t.Helper()
	tok := token(t, srv, "/oauth/token", refreshForm(refreshToken, header), header...)
	if tok.RefreshToken == "" || tok.RefreshToken == refreshToken {
		t.Fatalf("refreshed: refresh token %q", tok.RefreshToken)
	}
	if status, _, body := call(t, srv, "GET", "/status/", "", bearer(tok.AccessToken)...); status != 200 || body != `{"status":"ok"}` {
		t.Fatalf("the refreshed access token: %d %s", status, body)
	}
	return tok
}

// wantRefused wants refreshToken refused as RFC 6749 §5.2 says.
func wantRefused(t *testing.T, srv *httptest.Server, refreshToken string, header ...string) {
	t.Helper()
	status, body, err := refresh(srv, refreshToken, header...)
	if err != nil || status != 400 || body != `{"error":"invalid_grant"}`+"\n" {
		t.Fatalf("refresh: %d %s %v, want 400 invalid_grant", status, body, err)
	}
}

// A refresh token works once and is replaced by the next (RFC 9700
// §4.14.2): one used twice was stolen, or its owner's copy was, and the
// whole family is revoked, the newest token included. Other families, other
// logins, are untouched.
func TestExampleAppRefreshTokenRotation(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, cfg app.Config) {
		srv, _ := start(t, cfg)
		first := password(t, srv, "johndoe", "secret", "me", "items")
		other := password(t, srv, "johndoe", "secret", "me").RefreshToken
		r1 := refreshed(t, srv, first.RefreshToken).RefreshToken
		r2 := refreshed(t, srv, r1).RefreshToken
		wantRefused(t, srv, first.RefreshToken) // reused: the family is revoked
		wantRefused(t, srv, r2)                 // the newest of the family too
		refreshed(t, srv, other)
		wantRefused(t, srv, "not-a-refresh-token")
	})
}

// A refresh token is its client's: another client cannot use it, and
// trying does not burn it. What it gets is what the login got: the scopes,
// the user, the client.
func TestExampleAppRefreshTokenIsBoundToItsClient(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	service := basicAuth(serviceID, serviceSecret)

	public := password(t, srv, "johndoe", "secret", "me").RefreshToken
	wantRefused(t, srv, public, service...)
	tok := refreshed(t, srv, public)
	if c := claims(t, tok.AccessToken); tok.Scope != "me" || c["scope"] != "me" || c["sub"] != "johndoe" || c["client_id"] != publicID {
		t.Fatalf("scope %q, claims %v", tok.Scope, c)
	}
	run(t, srv, []exchange{
		{name: "me", path: "/users/me/", header: bearer(tok.AccessToken), status: 200, want: johndoe},
		{name: "not items", path: "/users/me/items/", header: bearer(tok.AccessToken), status: 403,
			challenge: insufficientScope("items me"), want: notPermitted},
	})

	confidential := token(t, srv, "/token", map[string][]string{"username": {"johndoe"}, "password": {"secret"}, "scope": {"me"}}, service...).RefreshToken
	wantRefused(t, srv, confidential) // as the public client
	// The confidential client must authenticate to use it.
	status, _, body := call(t, srv, "POST", "/oauth/token", "grant_type=refresh_token&client_id="+serviceID+"&refresh_token="+confidential, formHeader...)
	if status != 401 || body != `{"error":"invalid_client","error_description":"invalid client_id / client_secret"}`+"\n" {
		t.Fatalf("without its secret: %d %s", status, body)
	}
	if c := claims(t, refreshed(t, srv, confidential, service...).AccessToken); c["client_id"] != serviceID || c["sub"] != "johndoe" {
		t.Fatalf("claims %v", c)
	}
}

// A user disabled since the login gets no new access token; enabled
// again, the refresh token works.
func TestExampleAppRefreshRefusedToDisabledUsers(t *testing.T) {
	t.Parallel()
	srv, ex := start(t, app.Config{})
	r := password(t, srv, "johndoe", "secret", "me").RefreshToken
	ex.Store.SetDisabled("johndoe", true)
	wantRefused(t, srv, r)
	ex.Store.SetDisabled("johndoe", false)
	refreshed(t, srv, r)
}

// Of many uses of one refresh token at once, one at most gets tokens:
// taking a refresh token is atomic in both stores. (Maybe none: the others
// are reuses, which revoke the family, maybe before the winner is
// answered.) The token is used up after.
func TestExampleAppConcurrentRefreshesSucceedAtMostOnce(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, cfg app.Config) {
		srv, _ := start(t, cfg)
		r := password(t, srv, "johndoe", "secret", "me").RefreshToken
		const n = 20
		statuses := make([]int, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { statuses[i], _, errs[i] = refresh(srv, r) })
		}
		wg.Wait()
		ok := 0
		for i := range n {
			switch {
			case errs[i] != nil:
				t.Fatal(errs[i])
			case statuses[i] == 200:
				ok++
			case statuses[i] != 400:
				t.Fatalf("refresh %d: %d", i, statuses[i])
			}
		}
		if ok > 1 {
			t.Fatalf("%d of %d concurrent refreshes got tokens, want at most 1", ok, n)
		}
		wantRefused(t, srv, r)
	})
}

// A refresh may ask for fewer scopes than the login got (RFC 6749 §6),
// never for more: the narrowed family stays narrow.
func TestExampleAppRefreshCannotWidenTheGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	both := password(t, srv, "johndoe", "secret", "me", "items").RefreshToken
	form := refreshForm(both, nil)
	form.Set("scope", "me")
	narrow := token(t, srv, "/oauth/token", form)
	if c := claims(t, narrow.AccessToken); narrow.Scope != "me" || c["scope"] != "me" {
		t.Fatalf("narrowed: scope %q, claim %v", narrow.Scope, c["scope"])
	}
	form = refreshForm(narrow.RefreshToken, nil)
	form.Set("scope", "me items")
	run(t, srv, []exchange{{name: "widen", method: "POST", path: "/oauth/token", body: form.Encode(), header: formHeader,
		status: 400, want: `{"error":"invalid_scope"}` + "\n"}})
	if c := claims(t, refreshed(t, srv, narrow.RefreshToken).AccessToken); c["scope"] != "me" {
		t.Fatalf("after a refused widening: scope claim %v", c["scope"])
	}
}
