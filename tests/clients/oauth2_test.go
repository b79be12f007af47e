package clients_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/tests/internal/exampletest"
)

// start runs the example and returns its URL.
func start(t *testing.T, cfg app.Config) string {
	t.Helper()
	srv, _ := exampletest.Start(t, cfg)
	return srv.URL
}

func endpoint(base string) oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: base + "/oauth/authorize", TokenURL: base + "/oauth/token"}
}

// get calls the API with client, which adds the token.
func get(t *testing.T, client *http.Client, rawURL string) (int, string) {
	t.Helper()
	resp, err := client.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

const (
	johndoe = `{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}`
	fooItem = `[{"item_id":"Foo","owner":"johndoe"}]`
)

func TestPasswordGrant(t *testing.T) {
	base := start(t, app.Config{})
	conf := &oauth2.Config{ClientID: app.PublicClient, Endpoint: endpoint(base), Scopes: []string{"me", "items"}}
	ctx := context.Background()
	tok, err := conf.PasswordCredentialsToken(ctx, "johndoe", "secret")
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Extra("scope") != "me items" {
		t.Fatalf("token %+v scope %v", tok, tok.Extra("scope"))
	}
	client := conf.Client(ctx, tok)
	for path, want := range map[string]string{"/users/me/": johndoe, "/users/me/items/": fooItem, "/status/": `{"status":"ok"}`} {
		if status, body := get(t, client, base+path); status != 200 || body != want {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	if _, err := conf.PasswordCredentialsToken(ctx, "johndoe", "wrong"); !isOAuthError(err, "invalid_grant") {
		t.Errorf("a wrong password: %v", err)
	}
}

// isOAuthError reports whether err is the token endpoint's answer code.
func isOAuthError(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

func TestClientCredentials(t *testing.T) {
	base := start(t, app.Config{})
	conf := &clientcredentials.Config{ClientID: app.ServiceClient, ClientSecret: "example-service-secret",
		TokenURL: base + "/oauth/token", Scopes: []string{"me", "items"}}
	ctx := context.Background()
	tok, err := conf.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Expiry.IsZero() || tok.RefreshToken != "" {
		t.Errorf("a client-credentials token expires, and comes without a refresh token: %+v", tok)
	}
	// The token is good, but its subject is the service, not a user of the
	// API: routes that need a user refuse it.
	resp, err := conf.Client(ctx).Get(base + "/users/me/items/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := `Bearer error="invalid_token", error_description="The access token's user is unknown"`; resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != want {
		t.Errorf("/users/me/items/ with a service token: %d %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	bad := *conf
	bad.ClientSecret = "wrong"
	if _, err := bad.Token(ctx); !isOAuthError(err, "invalid_client") {
		t.Errorf("a wrong secret: %v", err)
	}
}

var formField = regexp.MustCompile(`name="(authRequestID|csrf)" value="([^"]*)"`)

// authorize goes through the login page as a browser would, with a cookie
// jar and without following the last redirect, and returns the redirect
// URI's query.
func authorize(t *testing.T, base, authURL, username, password string, scopes ...string) url.Values {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.Path, "/docs/") {
			return http.ErrUseLastResponse // the client's redirect URI: stop there
		}
		return nil
	}}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fields := map[string]string{}
	for _, m := range formField.FindAllStringSubmatch(string(page), -1) {
		fields[m[1]] = m[2]
	}
	if resp.StatusCode != 200 || fields["authRequestID"] == "" || fields["csrf"] == "" {
		t.Fatalf("login page: %d %s", resp.StatusCode, page)
	}
	form := url.Values{"authRequestID": {fields["authRequestID"]}, "csrf": {fields["csrf"]},
		"username": {username}, "password": {password}, "scope": scopes, "decision": {"allow"}}
	resp, err = browser.PostForm(base+"/oauth/login", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("after the login page: %d %v", resp.StatusCode, err)
	}
	return loc.Query()
}

// The authorization-code flow with PKCE, as x/oauth2 documents it, then a
// refresh through a TokenSource once the access token has expired.
func TestAuthorizationCodeWithPKCEAndRefresh(t *testing.T) {
	// Short-lived access tokens: x/oauth2 refreshes 10 s before expiry, so
	// a 12 s token is refreshed after 2 s.
	base := start(t, app.Config{AccessTokenLifetime: 12 * time.Second})
	conf := &oauth2.Config{ClientID: app.PublicClient, Endpoint: endpoint(base),
		RedirectURL: base + "/docs/oauth2-redirect.html", Scopes: []string{"openid", "offline_access", "me", "items"}}
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	state := oauth2.GenerateVerifier()
	got := authorize(t, base, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), "johndoe", "secret", "me") // items left unticked
	if got.Get("state") != state || got.Get("code") == "" {
		t.Fatalf("redirect query %v", got)
	}
	if _, err := conf.Exchange(ctx, got.Get("code"), oauth2.VerifierOption("not-the-verifier-"+verifier)); !isOAuthError(err, "invalid_grant") {
		t.Fatalf("a wrong verifier: %v", err)
	}
	// The failed exchange burnt the code: a code works once.
	if _, err := conf.Exchange(ctx, got.Get("code"), oauth2.VerifierOption(verifier)); !isOAuthError(err, "invalid_grant") {
		t.Fatalf("the code again: %v", err)
	}

	got = authorize(t, base, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), "johndoe", "secret", "me")
	tok, err := conf.Exchange(ctx, got.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.Extra("id_token") == nil {
		t.Fatalf("no refresh or ID token: %+v", tok)
	}
	src := conf.TokenSource(ctx, tok)
	client := oauth2.NewClient(ctx, src)
	if status, body := get(t, client, base+"/users/me/"); status != 200 || body != johndoe {
		t.Fatalf("/users/me/: %d %s", status, body)
	}
	// items was not granted.
	if status, body := get(t, client, base+"/users/me/items/"); status != 403 || body != `{"detail":"Not enough permissions"}` {
		t.Errorf("/users/me/items/ without items: %d %s", status, body)
	}

	time.Sleep(2500 * time.Millisecond)
	refreshed, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if refreshed.AccessToken == tok.AccessToken || refreshed.RefreshToken == tok.RefreshToken {
		t.Fatalf("the TokenSource did not refresh, or the refresh token did not rotate")
	}
	if status, body := get(t, client, base+"/users/me/"); status != 200 || body != johndoe {
		t.Fatalf("/users/me/ after the refresh: %d %s", status, body)
	}
	// The old refresh token is spent: reusing it fails, and revokes the
	// family, so the new one fails too.
	reuse := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken})
	if _, err := reuse.Token(); !isOAuthError(err, "invalid_grant") {
		t.Fatalf("reusing a refresh token: %v", err)
	}
	again := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshed.RefreshToken})
	if _, err := again.Token(); !isOAuthError(err, "invalid_grant") {
		t.Fatalf("the family's newer refresh token after a reuse: %v", err)
	}
}
