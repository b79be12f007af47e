package tests

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/gindepends/gindepends/example_app/app"
)

// redirectPath is Swagger UI's redirect page, the public client's
// registered redirect URI under PublicURL.
const redirectPath = "/docs/oauth2-redirect.html"

// browser is a user agent with cookies that shows each redirect instead of
// following it, as a test must see where it would go.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, c: noRedirects(srv, jar)}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, string(body)
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// location is where resp redirects to, resolved against its request.
func location(t *testing.T, resp *http.Response, status int) *url.URL {
	t.Helper()
	u, err := resp.Location()
	if resp.StatusCode != status || err != nil {
		t.Fatalf("%s %s: %d to %q, want a %d redirect", resp.Request.Method, resp.Request.URL, resp.StatusCode, resp.Header.Get("Location"), status)
	}
	return u
}

// oauthConfig is the public client as a standard OAuth2 client library
// sees it.
func oauthConfig(base string, scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: publicID,
		Endpoint: oauth2.Endpoint{
			AuthURL:   base + "/oauth/authorize",
			TokenURL:  base + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: base + redirectPath,
		Scopes:      scopes,
	}
}

// loginForm is the login page's form: its hidden fields.
type loginForm struct {
	page       *url.URL // where the page is, and the form is posted
	id, csrf   string
	scopeBoxes []string // the scope checkboxes, all checked
}

var (
	hiddenID   = regexp.MustCompile(`<input type="hidden" name="authRequestID" value="([^"]+)">`)
	hiddenCSRF = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]+)">`)
	scopeBox   = regexp.MustCompile(`<label><input type="checkbox" name="scope" value="([a-z]+)" checked> [^<]+ <code>[a-z]+</code></label>`)
)

// readLoginForm checks a login page: its headers, the CSRF cookie it sets,
// its form; and returns the form.
func readLoginForm(t *testing.T, resp *http.Response, body string, status int) loginForm {
	t.Helper()
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("login page: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, h := range [][2]string{
		{"Cache-Control", "no-store"},
		{"X-Frame-Options", "DENY"},
		{"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"},
	} {
		if got := resp.Header.Get(h[0]); got != h[1] {
			t.Errorf("login page: %s %q, want %q", h[0], got, h[1])
		}
	}
	id, csrf := hiddenID.FindStringSubmatch(body), hiddenCSRF.FindStringSubmatch(body)
	if id == nil || csrf == nil || !strings.Contains(body, `<form method="post" action="/oauth/login">`) ||
		!strings.Contains(body, `<button type="submit" name="decision" value="allow">Log in and allow</button>`) ||
		!strings.Contains(body, `<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>`) {
		t.Fatalf("login page without its form:\n%s", body)
	}
	// The CSRF token is the cookie's, for the login page only, out of
	// scripts' reach and of cross-site requests.
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "authserver_csrf" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != csrf[1] || cookie.Path != "/oauth/login" || !cookie.HttpOnly ||
		cookie.SameSite != http.SameSiteStrictMode || cookie.MaxAge != 600 {
		t.Fatalf("login page: CSRF cookie %+v, form token %s", cookie, csrf[1])
	}
	var boxes []string
	for _, m := range scopeBox.FindAllStringSubmatch(body, -1) {
		boxes = append(boxes, m[1])
	}
	return loginForm{page: resp.Request.URL, id: id[1], csrf: csrf[1], scopeBoxes: boxes}
}

// startLogin sends the browser to u, an /authorize URL, which must send it
// on to the login page, and reads the page.
func (b *browser) startLogin(u string) loginForm {
	b.t.Helper()
	resp, body := b.get(u)
	page := location(b.t, resp, http.StatusFound)
	if page.Path != "/oauth/login" || page.Query().Get("authRequestID") == "" {
		b.t.Fatalf("/authorize: to %s\n%s", page, body)
	}
	resp, body = b.get(page.String())
	f := readLoginForm(b.t, resp, body, http.StatusOK)
	if f.id != page.Query().Get("authRequestID") {
		b.t.Fatalf("the form is for %s, the page for %s", f.id, page.Query().Get("authRequestID"))
	}
	return f
}

// submit posts the login form with the user's answers.
func (b *browser) submit(f loginForm, answers url.Values) (*http.Response, string) {
	b.t.Helper()
	form := url.Values{"authRequestID": {f.id}, "csrf": {f.csrf}}
	for k, v := range answers {
		form[k] = v
	}
	return b.post(f.page.Scheme+"://"+f.page.Host+"/oauth/login", form)
}

// allow logs in as johndoe leaving scopes checked, and follows the server's
// redirects up to the client's redirect URI, which it returns.
func (b *browser) allow(f loginForm, scopes ...string) *url.URL {
	b.t.Helper()
	resp, body := b.submit(f, url.Values{"username": {"johndoe"}, "password": {"secret"}, "decision": {"allow"}, "scope": scopes})
	callback := location(b.t, resp, http.StatusSeeOther)
	if callback.Path != "/oauth/authorize/callback" || callback.Query().Get("id") != f.id {
		b.t.Fatalf("login: to %s\n%s", callback, body)
	}
	resp, _ = b.get(callback.String())
	return location(b.t, resp, http.StatusFound)
}

// codeOf is the code of a redirect to the client, after checking that it
// goes where the client asked, with its state.
func codeOf(t *testing.T, to *url.URL, redirectURI, state string) string {
	t.Helper()
	q := to.Query()
	if got := to.Scheme + "://" + to.Host + to.Path; got != redirectURI || q.Get("state") != state || q.Get("code") == "" || len(q) != 2 {
		t.Fatalf("redirected to %s, want %s?code=...&state=%s", to, redirectURI, state)
	}
	return q.Get("code")
}

// The authorization-code flow with PKCE, as Swagger UI or any browser app
// runs it, driven by a standard OAuth2 client: the login page, consent to
// fewer scopes than asked, the code, its exchange, the API with the token;
// with offline_access, a refresh token. OpenID's own scopes are not on the
// page, and granted anyway.
func TestExampleAppAuthorizationCodeFlow(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, cfg app.Config) {
		srv, _ := start(t, cfg)
		b := newBrowser(t, srv)
		conf := oauthConfig(srv.URL, "openid", "offline_access", "me", "items")
		verifier := oauth2.GenerateVerifier()
		f := b.startLogin(conf.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier)))
		if !slices.Equal(f.scopeBoxes, []string{"me", "items"}) {
			t.Fatalf("the page asks for %v, want [me items]", f.scopeBoxes)
		}
		// The user unticks items: the client gets me only.
		code := codeOf(t, b.allow(f, "me"), conf.RedirectURL, "state-1")

		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, b.c)
		tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		if tok.TokenType != "Bearer" || tok.Extra("scope") != "openid offline_access me" || tok.Extra("id_token") == nil || tok.RefreshToken == "" {
			t.Fatalf("token: type %q, scope %v, id_token %v, refresh_token %q", tok.TokenType, tok.Extra("scope"), tok.Extra("id_token") != nil, tok.RefreshToken)
		}
		c := claims(t, tok.AccessToken)
		if c["sub"] != "johndoe" || c["scope"] != "me" || c["client_id"] != publicID || c["iss"] != srv.URL+"/oauth" {
			t.Fatalf("claims %v", c)
		}
		run(t, srv, []exchange{
			{name: "granted scope", path: "/users/me/", header: bearer(tok.AccessToken), status: 200, want: johndoe},
			{name: "scope left unticked", path: "/users/me/items/", header: bearer(tok.AccessToken), status: 403,
				challenge: insufficientScope("items me"), want: notPermitted},
		})
		// A code works once.
		if _, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier)); !isOAuthError(err, "invalid_grant", "invalid code") {
			t.Fatalf("second exchange: %v", err)
		}
		// The refresh token rotates, and keeps the grant.
		again := refreshed(t, srv, tok.RefreshToken)
		if c := claims(t, again.AccessToken); c["scope"] != "me" || c["sub"] != "johndoe" {
			t.Fatalf("refreshed: claims %v", c)
		}
		wantRefused(t, srv, tok.RefreshToken)
	})
}

func isOAuthError(err error, code, description string) bool {
	re, ok := err.(*oauth2.RetrieveError)
	return ok && re.Response.StatusCode == 400 && re.ErrorCode == code && re.ErrorDescription == description
}

// What the token endpoint answers to exchanges that must fail.
func TestExampleAppAuthorizationCodeExchangeErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	redirect := srv.URL + redirectPath
	verifier := oauth2.GenerateVerifier()
	// newCode runs the flow to a fresh code.
	newCode := func() string {
		t.Helper()
		b := newBrowser(t, srv)
		conf := oauthConfig(srv.URL, "me", "items")
		return codeOf(t, b.allow(b.startLogin(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier))), "me", "items"), redirect, "s")
	}
	exchangeWith := func(code string, change func(url.Values), header ...string) exchange {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
			"client_id": {publicID}, "code_verifier": {verifier}}
		change(form)
		return exchange{method: "POST", path: "/oauth/token", body: form.Encode(), header: append(header, formHeader...),
			more: []string{"Cache-Control", "no-store", "Pragma", "no-cache", "Content-Type", "application/json"}}
	}
	keep := func(url.Values) {}
	named := func(e exchange, name string, status int, want string) exchange {
		e.name, e.status, e.want = name, status, want+"\n"
		return e
	}
	invalidCode := `{"error":"invalid_grant","error_description":"invalid code"}`

	// A wrong verifier burns the code: the right one is too late.
	code := newCode()
	run(t, srv, []exchange{
		named(exchangeWith(code, func(f url.Values) { f.Set("code_verifier", oauth2.GenerateVerifier()) }),
			"wrong code_verifier", 400, `{"error":"invalid_grant","error_description":"invalid code_verifier"}`),
		named(exchangeWith(code, keep), "right code_verifier after a wrong one", 400, invalidCode),
	})
	code = newCode()
	run(t, srv, []exchange{
		named(exchangeWith(code, func(f url.Values) { f.Del("code_verifier") }),
			"no code_verifier", 400, `{"error":"invalid_request","error_description":"code_verifier required"}`),
		named(exchangeWith(code, keep), "with it after none", 400, invalidCode),
	})
	code = newCode()
	run(t, srv, []exchange{
		named(exchangeWith(code, func(f url.Values) { f.Set("redirect_uri", strings.Replace(redirect, "127.0.0.1", "localhost", 1)) }),
			"another registered redirect_uri", 400, `{"error":"invalid_grant","error_description":"redirect_uri does not correspond"}`),
	})
	// A code stolen by another client is refused, and burnt.
	code = newCode()
	run(t, srv, []exchange{
		named(exchangeWith(code, func(f url.Values) { f.Del("client_id") }, basicAuth(serviceID, serviceSecret)...),
			"another client", 400, `{"error":"invalid_grant"}`),
		named(exchangeWith(code, keep), "its client after another", 400, invalidCode),
	})
	run(t, srv, []exchange{named(exchangeWith("not-a-code", keep), "unknown code", 400, invalidCode)})
}

// What /authorize answers to requests it must refuse: back to the client
// with error= when the client and its redirect URI are known, a page of
// its own otherwise (RFC 6749 §4.1.2.1).
func TestExampleAppAuthorizeErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	redirect := srv.URL + redirectPath
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	authorize := func(change func(url.Values)) string {
		q := url.Values{"response_type": {"code"}, "client_id": {publicID}, "redirect_uri": {redirect}, "scope": {"me items"},
			"state": {"xyz"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
		change(q)
		return "/oauth/authorize?" + q.Encode()
	}
	toClient := func(name string, change func(url.Values), query string) exchange {
		return exchange{name: name, path: authorize(change), status: 302, more: []string{"Location", redirect + "?" + query},
			want: `<a href="` + redirect + "?" + strings.ReplaceAll(query, "&", "&amp;") + `">Found</a>.` + "\n\n"}
	}
	run(t, srv, []exchange{
		toClient("no code_challenge: a public client must use PKCE", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") },
			"error=invalid_request&error_description=code_challenge+required%3A+a+public+client+must+use+PKCE+%28RFC+7636%29+with+S256&state=xyz"),
		toClient("plain", func(q url.Values) { q.Set("code_challenge_method", "plain") },
			"error=invalid_request&error_description=code_challenge_method+must+be+S256&state=xyz"),
		toClient("no method is plain", func(q url.Values) { q.Del("code_challenge_method") },
			"error=invalid_request&error_description=code_challenge_method+must+be+S256&state=xyz"),
		toClient("implicit flow", func(q url.Values) { q.Set("response_type", "token") },
			"error=unauthorized_client&error_description=The+requested+response+type+is+missing+in+the+client+configuration.+If+you+have+any+questions%2C+you+may+contact+the+administrator+of+the+application.&state=xyz"),
		// Never to a redirect URI that is not registered: that is how codes
		// are stolen.
		{name: "unregistered redirect_uri", path: authorize(func(q url.Values) { q.Set("redirect_uri", "http://evil.example/cb") }),
			status: 400, want: "The requested redirect_uri is missing in the client configuration. If you have any questions, you may contact the administrator of the application.\n"},
		{name: "a redirect_uri under the registered one", path: authorize(func(q url.Values) { q.Set("redirect_uri", redirect+"/../../evil") }),
			status: 400, want: "The requested redirect_uri is missing in the client configuration. If you have any questions, you may contact the administrator of the application.\n"},
		{name: "unknown client", path: authorize(func(q url.Values) { q.Set("client_id", "evil") }),
			status: 400, want: "unable to retrieve client by id\n"},
		{name: "the confidential client has no redirect URI", path: authorize(func(q url.Values) { q.Set("client_id", serviceID) }),
			status: 400, want: "The requested redirect_uri is missing in the client configuration. If you have any questions, you may contact the administrator of the application.\n"},
	})
	// Both loopback names are registered, as the docs may be opened under
	// either.
	b := newBrowser(t, srv)
	b.startLogin(srv.URL + authorize(func(q url.Values) { q.Set("redirect_uri", strings.Replace(redirect, "127.0.0.1", "localhost", 1)) }))
}

// The login page: its CSRF protection, the user's refusal, wrong
// passwords, disabled users, scopes the client did not ask for.
func TestExampleAppLoginPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	redirect := srv.URL + redirectPath
	conf := oauthConfig(srv.URL, "me", "items")
	challenge := oauth2.S256ChallengeOption(oauth2.GenerateVerifier())

	t.Run("no CSRF cookie", func(t *testing.T) {
		f := newBrowser(t, srv).startLogin(conf.AuthCodeURL("s", challenge))
		// Another browser (no cookie) posts the form's fields, as a
		// cross-site form would.
		resp, body := newBrowser(t, srv).submit(f, url.Values{"username": {"johndoe"}, "password": {"secret"}, "decision": {"allow"}})
		if resp.StatusCode != 403 || body != "This form was not sent from the login page: start again from the application.\n" {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("CSRF token not the cookie's", func(t *testing.T) {
		b := newBrowser(t, srv)
		f := b.startLogin(conf.AuthCodeURL("s", challenge))
		f.csrf = strings.Repeat("A", len(f.csrf))
		resp, body := b.submit(f, url.Values{"username": {"johndoe"}, "password": {"secret"}, "decision": {"allow"}})
		if resp.StatusCode != 403 || body != "This form was not sent from the login page: start again from the application.\n" {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("deny", func(t *testing.T) {
		b := newBrowser(t, srv)
		f := b.startLogin(conf.AuthCodeURL("st", challenge))
		resp, _ := b.submit(f, url.Values{"decision": {"deny"}})
		if to := location(t, resp, http.StatusFound); to.String() != redirect+"?error=access_denied&error_description=the+user+denied+access&state=st" {
			t.Fatalf("deny: to %s", to)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		b := newBrowser(t, srv)
		f := b.startLogin(conf.AuthCodeURL("s", challenge))
		resp, body := b.submit(f, url.Values{"username": {"johndoe"}, "password": {"nope"}, "decision": {"allow"}, "scope": {"me"}})
		again := readLoginForm(t, resp, body, http.StatusUnauthorized)
		if !strings.Contains(body, `<p class="error" role="alert">Incorrect username or password.</p>`) || again.id != f.id || again.csrf == f.csrf {
			t.Fatalf("the page again, with the error and a new CSRF token:\n%s", body)
		}
		// The page shown again works.
		codeOf(t, b.allow(again, "me"), redirect, "s")
	})
	t.Run("disabled user", func(t *testing.T) {
		b := newBrowser(t, srv)
		f := b.startLogin(conf.AuthCodeURL("s", challenge))
		resp, body := b.submit(f, url.Values{"username": {"alice"}, "password": {"secret2"}, "decision": {"allow"}})
		readLoginForm(t, resp, body, http.StatusForbidden)
		if !strings.Contains(body, `<p class="error" role="alert">This account is disabled.</p>`) {
			t.Fatalf("%s", body)
		}
	})
	t.Run("a scope the client did not ask for", func(t *testing.T) {
		b := newBrowser(t, srv)
		meOnly := oauthConfig(srv.URL, "me")
		verifier := oauth2.GenerateVerifier()
		f := b.startLogin(meOnly.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
		if !slices.Equal(f.scopeBoxes, []string{"me"}) {
			t.Fatalf("the page asks for %v", f.scopeBoxes)
		}
		// The form is edited to grant items too: it is not granted.
		code := codeOf(t, b.allow(f, "me", "items"), redirect, "s")
		tok := token(t, srv, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
			"client_id": {publicID}, "code_verifier": {verifier}})
		if tok.Scope != "me" || claims(t, tok.AccessToken)["scope"] != "me" {
			t.Fatalf("scope %q, claim %v", tok.Scope, claims(t, tok.AccessToken)["scope"])
		}
	})
	t.Run("the callback before the login", func(t *testing.T) {
		// /authorize's callback issues the code once the user has logged
		// in: called before, it sends the client an error, not a code.
		b := newBrowser(t, srv)
		f := b.startLogin(conf.AuthCodeURL("s", challenge))
		resp, _ := b.get(srv.URL + "/oauth/authorize/callback?id=" + f.id)
		want := redirect + "?error=interaction_required&error_description=Unfortunately%2C+the+user+may+be+not+logged+in+and%2For+additional+interaction+is+required.&state=s"
		if to := location(t, resp, http.StatusFound); to.String() != want {
			t.Fatalf("to %s", to)
		}
	})
	t.Run("unknown login", func(t *testing.T) {
		resp, body := newBrowser(t, srv).get(srv.URL + "/oauth/login?authRequestID=nope")
		if resp.StatusCode != 400 || body != "This login has expired or does not exist: start again from the application.\n" {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})
}

// A login, once done, is done: a second login on the same request (by
// whoever learnt its ID, from a log or a shared screen) would change the
// user of the code given to the first; and the callback gives one code per
// login, however often it is called.
func TestExampleAppLoginCannotBeTakenOver(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, app.Config{})
	conf := oauthConfig(srv.URL, "me")
	verifier := oauth2.GenerateVerifier()
	victim := newBrowser(t, srv)
	f := victim.startLogin(conf.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)))
	to := victim.allow(f, "me")
	if code := codeOf(t, to, conf.RedirectURL, "state"); code == "" {
		t.Fatal("no code")
	}

	// The attacker holds a CSRF pair of its own, from a login of its own.
	attacker := newBrowser(t, srv)
	own := attacker.startLogin(oauthConfig(srv.URL, "me").AuthCodeURL("other", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	resp, body := attacker.get(srv.URL + "/oauth/login?authRequestID=" + url.QueryEscape(f.id))
	if resp.StatusCode != http.StatusBadRequest || body != "This login is already complete: start again from the application.\n" {
		t.Errorf("the page of a finished login: %d %q", resp.StatusCode, body)
	}
	own.id = f.id
	resp, body = attacker.submit(own, url.Values{"username": {"johndoe"}, "password": {"secret"}, "decision": {"allow"}})
	if resp.StatusCode != http.StatusBadRequest || body != "This login is already complete: start again from the application.\n" {
		t.Errorf("a second login on a finished request: %d %q", resp.StatusCode, body)
	}
	// The callback again: no second code.
	resp, _ = attacker.get(srv.URL + "/oauth/authorize/callback?id=" + url.QueryEscape(f.id))
	if loc, err := resp.Location(); err == nil && loc.Query().Get("code") != "" {
		t.Errorf("the callback gave a second code: %s", loc)
	}
}
