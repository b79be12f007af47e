package tests

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"testing"
)

// The password grant, as FastAPI's tutorial and Swagger UI's password flow
// send it: at /token and at the server's own /oauth/token, grant_type
// optional. The answer is RFC 6749's, with OpenID's ID token; the access
// token is a JWT for the API, of the public client unless a confidential
// client authenticates (in the form or with HTTP Basic), with the scopes
// asked for that the user and the client may have.
func TestExampleAppPasswordGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tc := range []struct {
		name, path, body string
		header           []string
		client, scope    string
	}{
		{"FastAPI's form at /token", "/token", "username=johndoe&password=secret&scope=me+items", nil, publicID, "me items"},
		{"Swagger UI's at /oauth/token", "/oauth/token", "grant_type=password&username=johndoe&password=secret&scope=me+items&client_id=" + publicID,
			nil, publicID, "me items"},
		{"confidential client in HTTP Basic", "/oauth/token", "grant_type=password&username=johndoe&password=secret&scope=me",
			basicAuth(serviceID, serviceSecret), serviceID, "me"},
		{"confidential client in the form, unknown and repeated scopes", "/token",
			"username=johndoe&password=secret&scope=items+admin+me+items&client_id=" + serviceID + "&client_secret=" + serviceSecret,
			nil, serviceID, "items me"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := call(t, srv, "POST", tc.path, tc.body, append(tc.header, formHeader...)...)
			var m map[string]any
			if status != 200 || json.Unmarshal([]byte(body), &m) != nil {
				t.Fatalf("%d %s", status, body)
			}
			if keys := slices.Sorted(maps.Keys(m)); !slices.Equal(keys, []string{"access_token", "expires_in", "id_token", "refresh_token", "scope", "token_type"}) {
				t.Errorf("fields %v", keys)
			}
			if hdr.Get("Content-Type") != "application/json" || hdr.Get("Cache-Control") != "no-store" || hdr.Get("Pragma") != "no-cache" {
				t.Errorf("headers %v", hdr)
			}
			exp, _ := m["expires_in"].(float64)
			if m["token_type"] != "Bearer" || exp < 1790 || exp > 1800 {
				t.Errorf("token_type %v, expires_in %v", m["token_type"], m["expires_in"])
			}
			at, _ := m["access_token"].(string)
			c := claims(t, at)
			if m["scope"] != tc.scope || c["scope"] != tc.scope || c["sub"] != "johndoe" || c["client_id"] != tc.client ||
				c["iss"] != srv.URL+"/oauth" || !slices.Equal(c["aud"].([]any), []any{tc.client, "gindepends-example-api"}) {
				t.Errorf("scope %v, claims %v", m["scope"], c)
			}
			id, _ := m["id_token"].(string)
			if c := claims(t, id); c["sub"] != "johndoe" || c["name"] != "John Doe" || c["azp"] != tc.client {
				t.Errorf("ID token %v", c)
			}
			if status, _, body := call(t, srv, "GET", "/users/me/", "", bearer(at)...); status != 200 || body != johndoe {
				t.Errorf("the token: %d %s", status, body)
			}
		})
	}
}

// The token endpoint's errors are RFC 6749 §5.2's, the same for a wrong
// password and an unknown user.
func TestExampleAppPasswordGrantErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	bad := func(name, body string, status int, want string, header ...string) exchange {
		return exchange{name: name, method: "POST", path: "/token", body: body, header: append(header, formHeader...), status: status, want: want + "\n",
			more: []string{"Content-Type", "application/json", "Cache-Control", "no-store"}}
	}
	const wrong = `{"error":"invalid_grant","error_description":"Incorrect username or password"}`
	run(t, srv, []exchange{
		bad("wrong password", "username=johndoe&password=nope", 400, wrong),
		bad("unknown user", "username=nobody&password=secret", 400, wrong),
		bad("disabled user", "username=alice&password=secret2", 400, `{"error":"invalid_grant","error_description":"Inactive user"}`),
		bad("disabled user, wrong password", "username=alice&password=nope", 400, wrong),
		bad("no password", "grant_type=password&username=johndoe", 400, `{"error":"invalid_request","error_description":"username and password are required"}`),
		bad("no username", "grant_type=password&password=secret", 400, `{"error":"invalid_request","error_description":"username and password are required"}`),
		bad("a parameter twice", "username=johndoe&password=secret&username=alice", 400,
			`{"error":"invalid_request","error_description":"username is given more than once (RFC 6749 §3.2)"}`),
		bad("unknown grant", "grant_type=passwordblah&username=johndoe&password=secret", 400,
			`{"error":"unsupported_grant_type","error_description":"passwordblah not supported"}`),
		{name: "JSON", method: "POST", path: "/token", body: `{"username":"johndoe","password":"secret"}`, header: []string{"Content-Type", "application/json"},
			status: 400, want: `{"error":"invalid_request","error_description":"grant_type missing"}` + "\n"},
		{name: "GET", path: "/token", status: 404, want: "404 page not found"},
	})
}

// Clients that do not authenticate as they must get no token.
func TestExampleAppRefusesInvalidClients(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	user := "username=johndoe&password=secret&"
	refused := func(name, body string, status int, want string, header ...string) exchange {
		return exchange{name: name, method: "POST", path: "/token", body: user + body, header: append(header, formHeader...), status: status, want: want + "\n"}
	}
	const (
		unknown      = `{"error":"invalid_client","error_description":"unknown client"}`
		invalid      = `{"error":"invalid_client","error_description":"invalid client credentials"}`
		publicSecret = `{"error":"invalid_client","error_description":"a public client has no secret"}`
	)
	basic := func(name string, header []string) exchange {
		e := refused(name, "", 401, invalid, header...)
		e.challenge = `Basic realm="` + srv.URL + `/oauth"`
		return e
	}
	run(t, srv, []exchange{
		refused("unregistered client in the form", "client_id=evil", 401, unknown),
		refused("confidential client without its secret", "client_id="+serviceID, 401, invalid),
		refused("confidential client with a wrong secret in the form", "client_id="+serviceID+"&client_secret=nope", 401, invalid),
		refused("the API key as the secret", "client_id="+serviceID+"&client_secret="+apiKey, 401, invalid),
		refused("public client sending a secret", "client_id="+publicID+"&client_secret=anything", 401, publicSecret),
		refused("a secret without a client", "client_secret="+serviceSecret, 401, publicSecret),
		// With HTTP Basic, RFC 6749 §5.2's 401 carries the challenge of Basic.
		basic("unregistered client in HTTP Basic", basicAuth("evil", "whatever")),
		basic("confidential client with a wrong secret in HTTP Basic", basicAuth(serviceID, "nope")),
		basic("public client sending a secret in HTTP Basic", basicAuth(publicID, "anything")),
	})
}

// Client credentials: example-service gets a token of its own, with the
// scopes it may have; its subject is the client, which is no user of the
// API. No refresh token: it can ask again.
func TestExampleAppClientCredentials(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tc := range []struct {
		name, body string
		header     []string
		scope      string
	}{
		{"HTTP Basic", "grant_type=client_credentials&scope=me+items", basicAuth(serviceID, serviceSecret), "me items"},
		{"secret in the form", "grant_type=client_credentials&scope=me&client_id=" + serviceID + "&client_secret=" + serviceSecret, nil, "me"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := call(t, srv, "POST", "/oauth/token", tc.body, append(tc.header, formHeader...)...)
			var m map[string]any
			if status != 200 || json.Unmarshal([]byte(body), &m) != nil || hdr.Get("Cache-Control") != "no-store" {
				t.Fatalf("%d %v %s", status, hdr, body)
			}
			if keys := slices.Sorted(maps.Keys(m)); !slices.Equal(keys, []string{"access_token", "expires_in", "scope", "token_type"}) {
				t.Errorf("fields %v", keys)
			}
			at, _ := m["access_token"].(string)
			if c := claims(t, at); m["scope"] != tc.scope || c["scope"] != tc.scope || c["sub"] != serviceID || c["client_id"] != serviceID {
				t.Errorf("scope %v, claims %v", m["scope"], c)
			}
		})
	}
	t.Run("a scope it may not have", func(t *testing.T) {
		tok := token(t, srv, "/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"admin"}}, basicAuth(serviceID, serviceSecret)...)
		if c := claims(t, tok.AccessToken); c["scope"] != "" || tok.Scope != "" {
			t.Fatalf("scope %q, claim %v", tok.Scope, c["scope"])
		}
	})
	run(t, srv, []exchange{
		{name: "wrong secret", method: "POST", path: "/oauth/token", body: "grant_type=client_credentials",
			header: append(basicAuth(serviceID, "nope"), formHeader...), status: 401, want: `{"error":"invalid_client"}` + "\n"},
		{name: "no client", method: "POST", path: "/oauth/token", body: "grant_type=client_credentials",
			header: formHeader, status: 401, want: `{"error":"invalid_client"}` + "\n"},
		{name: "the public client", method: "POST", path: "/oauth/token", body: "grant_type=client_credentials&client_id=" + publicID,
			header: formHeader, status: 401, want: `{"error":"invalid_client"}` + "\n"},
	})
}
