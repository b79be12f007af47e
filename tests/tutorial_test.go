package tests

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gindepends/gindepends/example_app/app"
)

// The answers of the API's bearer routes when refused (RFC 6750, in
// FastAPI's bodies).
const (
	notAuthenticated = `{"detail":"Not authenticated"}`
	notValidated     = `{"detail":"Could not validate credentials"}`
	notPermitted     = `{"detail":"Not enough permissions"}`
	inactive         = `{"detail":"Inactive user"}`
)

func invalidToken(description string) string {
	return `Bearer error="invalid_token", error_description="` + description + `"`
}

func insufficientScope(scope string) string {
	return `Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="` + scope + `"`
}

// tutorialRoutes are FastAPI's OAuth2 scopes tutorial's routes, and the
// richer list of a user's items, with their answer for johndoe and the
// scopes they require, as the 403's challenge names them.
var tutorialRoutes = []struct{ path, ok, scope string }{
	{"/users/me/", johndoe, "me"},
	{"/users/me/items/", `[{"item_id":"Foo","owner":"johndoe"}]`, "items me"},
	{"/status/", `{"status":"ok"}`, ""},
	{"/my/items", `[{"id":1,"name":"Portal Gun","price":42,"owner":"johndoe"},{"id":2,"name":"Plumbus","price":32,"owner":"johndoe"}]`, "items me"},
}

// Every tutorial route with every kind of credential: none, another
// scheme, tokens that are not valid access tokens, tokens of too few
// scopes, a token whose subject is no user, and the right token.
func TestExampleAppTutorialContract(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	all := password(t, srv, "johndoe", "secret", "me", "items")
	tokens := map[string]string{
		"me":    login(t, srv, "johndoe", "secret", "me"),
		"items": login(t, srv, "johndoe", "secret", "items"),
		"":      login(t, srv, "johndoe", "secret"),
	}
	for _, r := range tutorialRoutes {
		t.Run(r.path, func(t *testing.T) {
			cases := []exchange{
				{name: "no token", status: 401, challenge: "Bearer", want: notAuthenticated},
				{name: "HTTP Basic", header: basicAuth("johndoe", "secret"), status: 401, challenge: "Bearer", want: notAuthenticated},
				// RFC 6750 §2.3 allows it; the API does not, since URLs are logged.
				{name: "a token in the query", path: "?access_token=" + all.AccessToken, status: 400,
					challenge: `Bearer error="invalid_request", error_description="Access tokens in the URL are refused; send them in the Authorization header"`,
					want:      `{"detail":"Access tokens in the URL are refused; send them in the Authorization header"}`},
				{name: "not a JWT", header: bearer("nope"), status: 401, challenge: invalidToken("The access token is malformed"), want: notValidated},
				{name: "two tokens", header: bearer("a b"), status: 401, challenge: invalidToken("The access token is malformed"), want: notValidated},
				{name: "forged with the server's kid", header: bearer(forged(t, srv.URL+"/oauth", kid(t, all.AccessToken))), status: 401,
					challenge: invalidToken("The access token is not valid"), want: notValidated},
				{name: "an ID token", header: bearer(all.IDToken), status: 401, challenge: invalidToken("The token is not an access token"), want: notValidated},
				// Client credentials: its subject is the client, no user.
				{name: "a service's token", header: bearer(serviceToken(t, srv, "me", "items")), status: 401,
					challenge: invalidToken("The access token's user is unknown"), want: notValidated},
				{name: "every scope", header: bearer(all.AccessToken), status: 200, want: r.ok},
			}
			for _, granted := range []string{"me", "items", ""} {
				name := "scope " + granted + " only"
				if granted == "" {
					name = "no scope"
				}
				c := exchange{name: name, header: bearer(tokens[granted]), status: 200, want: r.ok}
				for _, need := range strings.Fields(r.scope) {
					if need != granted {
						c.status, c.challenge, c.want = 403, insufficientScope(r.scope), notPermitted
					}
				}
				cases = append(cases, c)
			}
			for i := range cases {
				cases[i].path = r.path + cases[i].path
			}
			run(t, srv, cases)
		})
	}
	// Gin's redirect to the path with its slash, as FastAPI's.
	var slashless []exchange
	for _, p := range []string{"/users/me/", "/users/me/items/", "/status/"} {
		slashless = append(slashless, exchange{name: "no slash " + p, path: strings.TrimSuffix(p, "/"), header: bearer(all.AccessToken),
			status: 301, want: `<a href="` + p + `">Moved Permanently</a>.` + "\n\n", more: []string{"Location", p}})
	}
	run(t, srv, slashless)
}

// A user disabled after login keeps a valid token, but the routes that
// need an active user refuse it (FastAPI's get_current_active_user); the
// status route only needs a user. Enabled again, the token works.
func TestExampleAppDisabledUser(t *testing.T) {
	t.Parallel()
	srv, ex := start(t, app.Config{})
	tok := login(t, srv, "johndoe", "secret", "me", "items")
	if !ex.Store.SetDisabled("johndoe", true) {
		t.Fatal("johndoe is not in the store")
	}
	var disabled, enabled []exchange
	for _, r := range tutorialRoutes {
		d := exchange{name: "disabled " + r.path, path: r.path, header: bearer(tok), status: 400, want: inactive}
		if r.path == "/status/" {
			d.status, d.want = 200, r.ok
		}
		disabled = append(disabled, d)
		enabled = append(enabled, exchange{name: "enabled " + r.path, path: r.path, header: bearer(tok), status: 200, want: r.ok})
	}
	run(t, srv, disabled)
	run(t, srv, []exchange{
		{name: "no new token", method: "POST", path: "/token", body: "username=johndoe&password=secret", header: formHeader,
			status: 400, want: `{"error":"invalid_grant","error_description":"Inactive user"}` + "\n"},
		{name: "no HTTP Basic", path: "/basic/me", header: basicAuth("johndoe", "secret"), status: 400, want: inactive},
	})
	ex.Store.SetDisabled("johndoe", false)
	run(t, srv, enabled)
	if ex.Store.SetDisabled("nobody", true) {
		t.Fatal("SetDisabled found a user that does not exist")
	}
}

// An access token that has expired is refused, past the API's 30 s of
// leeway for clock skew; its refresh token gets a new one.
func TestExampleAppExpiredToken(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("waits half a minute for a token to expire")
	}
	srv := newServerWith(t, app.Config{AccessTokenLifetime: time.Second})
	tok := password(t, srv, "johndoe", "secret", "me")
	c := claims(t, tok.AccessToken)
	exp, _ := c["exp"].(float64)
	if iat, _ := c["iat"].(float64); exp-iat != 1 || tok.ExpiresIn > 1 {
		t.Fatalf("exp %v, iat %v, expires_in %d: want a lifetime of 1 s", c["exp"], c["iat"], tok.ExpiresIn)
	}
	// Checked, and cached by the validator, while valid.
	run(t, srv, []exchange{{name: "valid", path: "/users/me/", header: bearer(tok.AccessToken), status: 200, want: johndoe}})
	time.Sleep(time.Until(time.Unix(int64(exp), 0).Add(31 * time.Second)))
	run(t, srv, []exchange{{name: "expired", path: "/users/me/", header: bearer(tok.AccessToken), status: 401,
		challenge: invalidToken("The access token expired"), want: notValidated}})
	refreshed(t, srv, tok.RefreshToken)
}

func newServerWith(t *testing.T, cfg app.Config) *httptest.Server {
	srv, _ := start(t, cfg)
	return srv
}

// One route takes a token if there is one: no token is a stranger, a bad
// one a 401.
func TestExampleAppOptionalAuthentication(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	run(t, srv, []exchange{
		{name: "no token", path: "/greeting", status: 200, want: `{"greeting":"Hello, stranger"}`},
		{name: "HTTP Basic is no token", path: "/greeting", header: basicAuth("johndoe", "secret"), status: 200, want: `{"greeting":"Hello, stranger"}`},
		{name: "a token without scopes", path: "/greeting", header: bearer(login(t, srv, "johndoe", "secret")),
			status: 200, want: `{"greeting":"Hello, John Doe"}`},
		{name: "a bad token", path: "/greeting", header: bearer("nope"), status: 401,
			challenge: invalidToken("The access token is malformed"), want: notValidated},
		{name: "a service's token", path: "/greeting", header: bearer(serviceToken(t, srv)), status: 401,
			challenge: invalidToken("The access token's user is unknown"), want: notValidated},
	})
}
