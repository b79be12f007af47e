package authserver

import (
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// loginPage is where /authorize sends the user: a form to log in and grant
// the scopes the client asked for. Server-rendered, no JavaScript. It is
// protected from cross-site posts by a token in a SameSite=Strict cookie
// that the form must repeat (a double-submit cookie).
type loginPage struct {
	s *Server
}

func newLoginPage(s *Server) *loginPage { return &loginPage{s: s} }

const csrfCookie = "authserver_csrf"

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Log in</title>
<style>body{font:16px system-ui,sans-serif;max-width:26em;margin:3em auto}label{display:block;margin:.6em 0}input[type=text],input[type=password]{width:100%;padding:.3em}.error{color:#b00}</style>
</head>
<body>
<h1>Log in</h1>
<p><strong>{{.Client}}</strong> asks for access to your account{{if .Scopes}}, to:{{end}}</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="authRequestID" value="{{.ID}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
{{range .Scopes}}<label><input type="checkbox" name="scope" value="{{.Name}}" checked> {{.Description}} <code>{{.Name}}</code></label>
{{end}}{{if .Error}}<p class="error" role="alert">{{.Error}}</p>
{{end}}<label>Username <input type="text" name="username" autocomplete="username" required autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit" name="decision" value="allow">Log in and allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form>
</body>
</html>
`))

type scopeView struct{ Name, Description string }

type loginView struct {
	Action, ID, CSRF, Client, Error string
	Scopes                          []scopeView
}

func (p *loginPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY") // no clickjacking of the consent
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	switch r.Method {
	case http.MethodGet:
		p.show(w, r, r.URL.Query().Get("authRequestID"), "", http.StatusOK)
	case http.MethodPost:
		p.submit(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	}
}

func (p *loginPage) show(w http.ResponseWriter, r *http.Request, id, problem string, status int) {
	a, err := p.s.storage.authRequest(r.Context(), id)
	if err == nil && a.Done() {
		http.Error(w, "This login is already complete: start again from the application.", http.StatusBadRequest)
		return
	}
	if err != nil {
		http.Error(w, "This login has expired or does not exist: start again from the application.", http.StatusBadRequest)
		return
	}
	token := randomID()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: p.s.prefix + "/login", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int(p.s.cfg.LoginTimeout.Seconds())})
	v := loginView{Action: p.s.prefix + "/login", ID: id, CSRF: token, Client: a.ClientID, Error: problem}
	for _, sc := range a.Requested {
		if d, ok := p.s.cfg.Scopes[sc]; ok {
			v.Scopes = append(v.Scopes, scopeView{sc, d})
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = loginTemplate.Execute(w, v)
}

func (p *loginPage) submit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form cannot be read.", http.StatusBadRequest)
		return
	}
	ck, err := r.Cookie(csrfCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostForm.Get("csrf"))) != 1 {
		http.Error(w, "This form was not sent from the login page: start again from the application.", http.StatusForbidden)
		return
	}
	ctx := r.Context()
	id := r.PostForm.Get("authRequestID")
	a, err := p.s.storage.authRequest(ctx, id)
	if err != nil {
		http.Error(w, "This login has expired or does not exist: start again from the application.", http.StatusBadRequest)
		return
	}
	if a.Done() {
		// Logged in already: a second login would replace the user of a
		// code already given, or about to be.
		http.Error(w, "This login is already complete: start again from the application.", http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("decision") == "deny" {
		op.AuthRequestError(w, r, a, oidc.ErrAccessDenied().WithDescription("the user denied access"), p.s.provider)
		return
	}
	allowed, err := p.s.cfg.Users.Authenticate(ctx, r.PostForm.Get("username"), r.PostForm.Get("password"), remoteHost(r))
	var throttled *ThrottledError
	switch {
	case errors.Is(err, ErrInvalidCredentials):
		p.show(w, r, id, "Incorrect username or password.", http.StatusUnauthorized)
		return
	case errors.Is(err, ErrInactive):
		p.show(w, r, id, "This account is disabled.", http.StatusForbidden)
		return
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", throttled.RetryAfter)
		p.show(w, r, id, "Too many failed logins: wait a moment and try again.", throttled.Status)
		return
	case err != nil:
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	c, err := p.s.storage.client(ctx, a.ClientID)
	if err != nil {
		http.Error(w, "This login has expired or does not exist: start again from the application.", http.StatusBadRequest)
		return
	}
	// What the user left checked, of what was asked for; OpenID's own
	// scopes are not on the page.
	checked := r.PostForm["scope"]
	requested := slices.DeleteFunc(slices.Clone(a.Requested), func(sc string) bool { return !standardScope(sc) && !slices.Contains(checked, sc) })
	username := r.PostForm.Get("username")
	if err := p.s.storage.completeAuthRequest(ctx, id, a, username, grant(requested, allowed, c.Scopes)); err != nil {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	// To the callback on this page's own origin: the server may be reached
	// under another name than its issuer's (localhost, 127.0.0.1), and the
	// page's form-action 'self' lets a form post lead to its own origin only.
	callback, err := url.Parse(op.AuthCallbackURL(p.s.provider)(ctx, id))
	if err != nil {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, callback.RequestURI(), http.StatusSeeOther)
}
