package tests

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gindepends/gindepends/example_app/app"
)

// The confidential client of the example and its secret (the store keeps
// only the secret's SHA-256 digest).
const (
	serviceID     = "example-service"
	serviceSecret = "example-service-secret"
)

var formHeader = []string{"Content-Type", "application/x-www-form-urlencoded"}

// basicAuth is an Authorization header with HTTP Basic credentials.
func basicAuth(user, pass string) []string {
	req := httptest.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pass)
	return []string{"Authorization", req.Header.Get("Authorization")}
}

// clientIDOf is the client_id claim of an access token answered by /token.
func clientIDOf(t *testing.T, body string) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	parts := strings.Split(tok.AccessToken, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok.AccessToken)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		ClientID string `json:"client_id"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims.ClientID
}

func TestExampleAppRefusesTokensToDisabledUsers(t *testing.T) {
	store := app.NewStore()
	srv := serve(t, store)
	run(t, srv, []exchange{
		{name: "alice, right password", method: "POST", path: "/token", body: "username=alice&password=secret2", header: formHeader,
			status: 400, want: `{"detail":"Inactive user"}`},
		{name: "alice, wrong password", method: "POST", path: "/token", body: "username=alice&password=secret", header: formHeader,
			status: 400, want: `{"detail":"Incorrect username or password"}`},
	})
	store.SetDisabled("johndoe", true)
	run(t, srv, []exchange{
		{name: "johndoe disabled", method: "POST", path: "/token", body: "username=johndoe&password=secret", header: formHeader,
			status: 400, want: `{"detail":"Inactive user"}`},
	})
	store.SetDisabled("johndoe", false)
	login(t, srv, "johndoe", "secret", "me")
}

func TestExampleAppBasicRefusesDisabledUsers(t *testing.T) {
	store := app.NewStore()
	srv := serve(t, store)
	run(t, srv, []exchange{
		{name: "alice, right password", path: "/basic/me", header: basicAuth("alice", "secret2"),
			status: 400, want: `{"detail":"Inactive user"}`},
		{name: "alice, wrong password", path: "/basic/me", header: basicAuth("alice", "secret"), status: 401,
			challenge: `Basic realm="example", charset="UTF-8"`, want: `{"detail":"Incorrect username or password"}`},
	})
	store.SetDisabled("johndoe", true)
	run(t, srv, []exchange{
		{name: "johndoe disabled", path: "/basic/me", header: basicAuth("johndoe", "secret"),
			status: 400, want: `{"detail":"Inactive user"}`},
	})
	store.SetDisabled("johndoe", false)
	run(t, srv, []exchange{
		{name: "johndoe enabled again", path: "/basic/me", header: basicAuth("johndoe", "secret"), status: 200, want: johndoe},
	})
}

func TestExampleAppRefusesTokensOfUsersDisabledAfterLogin(t *testing.T) {
	store := app.NewStore()
	srv := serve(t, store)
	bearer := []string{"Authorization", "Bearer " + login(t, srv, "johndoe", "secret", "me", "items")}
	if !store.SetDisabled("johndoe", true) {
		t.Fatal("johndoe is not in the store")
	}
	run(t, srv, []exchange{
		{name: "me", path: "/users/me", header: bearer, status: 400, want: `{"detail":"Inactive user"}`},
		{name: "my items", path: "/users/me/items", header: bearer, status: 400, want: `{"detail":"Inactive user"}`},
	})
	store.SetDisabled("johndoe", false)
	run(t, srv, []exchange{
		{name: "enabled again", path: "/users/me", header: bearer, status: 200, want: johndoe},
	})
	if store.SetDisabled("nobody", true) {
		t.Fatal("SetDisabled found a user that does not exist")
	}
}

func TestExampleAppTokenNamesOnlyAuthenticatedClients(t *testing.T) {
	srv := newServer(t)
	user := url.Values{"username": {"johndoe"}, "password": {"secret"}}
	with := func(extra ...string) string {
		f := url.Values{}
		for k, v := range user {
			f[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			f.Set(extra[i], extra[i+1])
		}
		return f.Encode()
	}
	for _, tc := range []struct {
		name, body string
		header     []string
		client     string
	}{
		{"no client: the public default", with(), nil, "example-app"},
		{"the public client by id", with("client_id", "example-app"), nil, "example-app"},
		{"confidential client in HTTP Basic", with(), basicAuth(serviceID, serviceSecret), serviceID},
		{"confidential client in the form", with("client_id", serviceID, "client_secret", serviceSecret), nil, serviceID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := call(t, srv, "POST", "/token", tc.body, append(tc.header, formHeader...)...)
			if status != 200 {
				t.Fatalf("%d %s", status, body)
			}
			if got := clientIDOf(t, body); got != tc.client {
				t.Fatalf("client_id %q, want %q", got, tc.client)
			}
		})
	}
}

func TestExampleAppRefusesInvalidClients(t *testing.T) {
	srv := newServer(t)
	user := "username=johndoe&password=secret&"
	invalid := func(name, body string, header ...string) exchange {
		return exchange{name: name, method: "POST", path: "/token", body: user + body, header: append(header, formHeader...),
			status: 401, challenge: `Basic realm="example", charset="UTF-8"`, want: `{"detail":"Invalid client"}`}
	}
	run(t, srv, []exchange{
		invalid("unregistered client in the form", "client_id=evil"),
		invalid("unregistered client in HTTP Basic", "", basicAuth("evil", "whatever")...),
		invalid("confidential client without its secret", "client_id="+serviceID),
		invalid("confidential client with a wrong secret in the form", "client_id="+serviceID+"&client_secret=nope"),
		invalid("confidential client with a wrong secret in HTTP Basic", "", basicAuth(serviceID, "nope")...),
		invalid("the API key as the secret", "client_id="+serviceID+"&client_secret="+apiKey),
		invalid("public client sending a secret", "client_id=example-app&client_secret=anything"),
		invalid("public client sending a secret in HTTP Basic", "", basicAuth("example-app", "anything")...),
		invalid("a secret without a client", "client_secret="+serviceSecret),
	})
}
