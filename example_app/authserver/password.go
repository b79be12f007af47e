package authserver

import (
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	httphelper "github.com/zitadel/oidc/v3/pkg/http"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// grantPassword is RFC 6749 §4.3's grant, which zitadel's provider does not
// have: FastAPI's tutorial and Swagger UI's password flow use it.
const grantPassword oidc.GrantType = "password"

// passwordGrant answers grant_type=password at the token endpoint, and
// hands every other request to the provider. The tokens are made by the
// provider's own functions, so they are those of the other grants: a JWT
// access token, an ID token, and a refresh token that rotates.
func (s *Server) passwordGrant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != s.provider.TokenEndpoint().Relative() {
			next.ServeHTTP(w, r)
			return
		}
		// Every token response, of every grant, stays out of caches (RFC
		// 6749 §5.1); the provider does not say so.
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			op.RequestError(w, r, oidc.ErrInvalidRequest().WithDescription("the form cannot be read"), nil)
			return
		}
		s.publicClientInBasic(r)
		s.defaultClientForRefresh(r)
		// Without a grant_type, a username makes it the password grant, as
		// FastAPI's form reads it (its grant_type is optional).
		grantType := oidc.GrantType(r.PostForm.Get("grant_type"))
		if grantType != grantPassword && (grantType != "" || r.PostForm.Get("username") == "") {
			next.ServeHTTP(w, r) // the form stays parsed, for the provider
			return
		}
		usedBasic := r.Header.Get("Authorization") != ""
		resp, err := s.password(r)
		if err != nil {
			if oe := new(oidc.Error); usedBasic && errors.As(err, &oe) && oe.ErrorType == oidc.InvalidClient {
				// RFC 6749 §5.2: 401, and the challenge of the client's
				// authentication scheme.
				w.Header().Set("WWW-Authenticate", `Basic realm="`+s.cfg.Issuer+`"`)
			}
			var throttled *ThrottledError
			if errors.As(err, &throttled) {
				w.Header().Set("Retry-After", throttled.RetryAfter)
				httphelper.MarshalJSONWithStatus(w, oidc.ErrSlowDown().WithDescription("too many failed logins, or the server is busy"), throttled.Status)
				return
			}
			op.RequestError(w, r, err, nil)
			return
		}
		httphelper.MarshalJSON(w, resp)
	})
}

func (s *Server) password(r *http.Request) (*oidc.AccessTokenResponse, error) {
	ctx := r.Context()
	for _, p := range []string{"grant_type", "username", "password", "scope", "client_id", "client_secret"} {
		if len(r.PostForm[p]) > 1 {
			return nil, oidc.ErrInvalidRequest().WithDescription("%s is given more than once (RFC 6749 §3.2)", p)
		}
	}
	clientID, authenticated, err := op.ClientIDFromRequest(r, s.provider)
	if errors.Is(err, op.ErrMissingClientID) && s.cfg.DefaultClient != "" {
		clientID, err = s.cfg.DefaultClient, nil
	}
	if err != nil {
		return nil, errInvalidClient
	}
	c, err := s.storage.client(ctx, clientID)
	if err != nil {
		return nil, err
	}
	switch {
	case !c.public() && !authenticated:
		if err := c.checkSecret(r.PostForm.Get("client_secret")); err != nil {
			return nil, err
		}
	case c.public() && r.PostForm.Get("client_secret") != "":
		return nil, oidc.ErrInvalidClient().WithDescription("a public client has no secret")
	}
	if !slices.Contains(c.Grants, grantPassword) {
		return nil, oidc.ErrUnauthorizedClient().WithDescription("the client may not use the password grant")
	}
	username, pw := r.PostForm.Get("username"), r.PostForm.Get("password")
	if username == "" || pw == "" {
		return nil, oidc.ErrInvalidRequest().WithDescription("username and password are required")
	}
	allowed, err := s.cfg.Users.Authenticate(ctx, username, pw, remoteHost(r))
	switch {
	case errors.Is(err, ErrInvalidCredentials):
		return nil, oidc.ErrInvalidGrant().WithDescription("Incorrect username or password")
	case errors.Is(err, ErrInactive):
		return nil, oidc.ErrInvalidGrant().WithDescription("Inactive user")
	case err != nil:
		return nil, err
	}
	req := &tokenRequest{Subject: username, ClientID: clientID, Audience: []string{clientID, s.cfg.Audience}, AuthTime: time.Now(), AMR: []string{"pwd"},
		Scopes: grant(strings.Fields(r.PostForm.Get("scope")), allowed, c.Scopes)}
	return op.CreateTokenResponse(ctx, req, c, s.provider, true, "", "")
}

// grant is what the scopes requested become: those the user may have and
// the client may ask for, OpenID's own kept.
func grant(requested, user, client []string) []string {
	out := []string{}
	for _, sc := range requested {
		if standardScope(sc) || slices.Contains(user, sc) && slices.Contains(client, sc) {
			if !slices.Contains(out, sc) {
				out = append(out, sc)
			}
		}
	}
	return out
}

// publicClientInBasic reads HTTP Basic credentials with an empty secret as
// the client_id of a public client, which is what Swagger UI sends by
// default ("Authorization header"): the provider would check the empty
// secret, and refuse a client that has none.
func (s *Server) publicClientInBasic(r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || secret != "" {
		return
	}
	if c, err := s.storage.client(r.Context(), id); err != nil || !c.public() {
		return
	}
	if form := r.PostForm.Get("client_id"); form != "" && form != id {
		return // two different clients: the provider refuses it as it is
	}
	r.Header.Del("Authorization")
	r.PostForm.Set("client_id", id)
	r.Form.Set("client_id", id)
}

// errInvalidClient is a client that named itself but did not authenticate.
var errInvalidClient = oidc.ErrInvalidClient().WithDescription("invalid client credentials")

// defaultClientForRefresh makes a refresh that names no client the default
// public client's, as the password grant's is: FastAPI's tutorial clients
// name none. The provider then checks that the token is that client's.
func (s *Server) defaultClientForRefresh(r *http.Request) {
	if s.cfg.DefaultClient == "" || oidc.GrantType(r.PostForm.Get("grant_type")) != oidc.GrantTypeRefreshToken ||
		r.PostForm.Get("client_id") != "" || r.Header.Get("Authorization") != "" {
		return
	}
	r.PostForm.Set("client_id", s.cfg.DefaultClient)
	r.Form.Set("client_id", s.cfg.DefaultClient)
}

// remoteHost is the client's address without its port, for the login
// limits.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
