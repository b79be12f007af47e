package authserver

import (
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// authRequest is an authorization request between /authorize and the
// exchange of its code: what the client asked for, and, once the user has
// logged in and consented, who and which scopes were granted.
type authRequest struct {
	ID            string            `json:"id"`
	ClientID      string            `json:"client_id"`
	RedirectURI   string            `json:"redirect_uri"`
	State         string            `json:"state"`
	Nonce         string            `json:"nonce"`
	ResponseType  oidc.ResponseType `json:"response_type"`
	ResponseMode  oidc.ResponseMode `json:"response_mode"`
	Requested     []string          `json:"requested"`
	Challenge     string            `json:"code_challenge"`
	ChallengeMeth string            `json:"code_challenge_method"`
	Audience      []string          `json:"audience"`
	Subject       string            `json:"subject,omitempty"`
	Granted       []string          `json:"granted,omitempty"`
	AuthTime      time.Time         `json:"auth_time,omitzero"`
	Created       time.Time         `json:"created"`
}

func (a *authRequest) GetID() string                      { return a.ID }
func (a *authRequest) GetACR() string                     { return "" }
func (a *authRequest) GetAMR() []string                   { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string              { return a.Audience }
func (a *authRequest) GetAuthTime() time.Time             { return a.AuthTime }
func (a *authRequest) GetClientID() string                { return a.ClientID }
func (a *authRequest) GetNonce() string                   { return a.Nonce }
func (a *authRequest) GetRedirectURI() string             { return a.RedirectURI }
func (a *authRequest) GetState() string                   { return a.State }
func (a *authRequest) GetSubject() string                 { return a.Subject }
func (a *authRequest) Done() bool                         { return a.Subject != "" }
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.ResponseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.ResponseMode }

// GetScopes are the scopes granted once the user has consented; before,
// those requested.
func (a *authRequest) GetScopes() []string {
	if a.Done() {
		return a.Granted
	}
	return a.Requested
}

func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.Challenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.Challenge, Method: oidc.CodeChallengeMethod(a.ChallengeMeth)}
}

// tokenRequest is what a token is issued for outside the code flow: the
// password grant, a refresh, client credentials.
type tokenRequest struct {
	Subject  string    `json:"subject"`
	ClientID string    `json:"client_id"`
	Scopes   []string  `json:"scopes"`
	Audience []string  `json:"audience"`
	AuthTime time.Time `json:"auth_time"`
	AMR      []string  `json:"amr,omitempty"`
	// Family is the chain of refresh tokens this request belongs to: a
	// refresh token used twice revokes every token of its family.
	Family string `json:"family,omitempty"`
}

func (r *tokenRequest) GetSubject() string          { return r.Subject }
func (r *tokenRequest) GetAudience() []string       { return r.Audience }
func (r *tokenRequest) GetScopes() []string         { return r.Scopes }
func (r *tokenRequest) GetAMR() []string            { return r.AMR }
func (r *tokenRequest) GetAuthTime() time.Time      { return r.AuthTime }
func (r *tokenRequest) GetClientID() string         { return r.ClientID }
func (r *tokenRequest) SetCurrentScopes(s []string) { r.Scopes = s }

// Client is an OAuth2 client of the server.
type Client struct {
	ID string `json:"id"`
	// SecretDigest is the hex SHA-256 of a confidential client's secret;
	// empty for a public client, which has no secret and must use PKCE.
	SecretDigest string   `json:"secret_digest,omitempty"`
	RedirectURIs []string `json:"redirect_uris,omitempty"`
	// Grants are the grant types the client may use.
	Grants []oidc.GrantType `json:"grants"`
	// Scopes are the API scopes the client may ask for.
	Scopes []string `json:"scopes"`
}

// client is a Client as the provider sees it.
type client struct {
	Client
	loginURL string
	devMode  bool
}

func (c *client) GetID() string                    { return c.ID }
func (c *client) RedirectURIs() []string           { return c.Client.RedirectURIs }
func (c *client) PostLogoutRedirectURIs() []string { return nil }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType         { return c.Grants }
func (c *client) LoginURL(id string) string            { return c.loginURL + "?authRequestID=" + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c *client) IDTokenLifetime() time.Duration       { return time.Hour }
func (c *client) DevMode() bool                        { return c.devMode }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// IsScopeAllowed lets the API's scopes through: the provider drops the
// scopes it does not know of, unless the client may ask for them.
func (c *client) IsScopeAllowed(scope string) bool { return slices.Contains(c.Scopes, scope) }

func (c *client) public() bool { return c.SecretDigest == "" }

func (c *client) ApplicationType() op.ApplicationType {
	if c.public() {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}

func (c *client) AuthMethod() oidc.AuthMethod {
	if c.public() {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}
