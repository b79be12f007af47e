package ginauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Discover reads the keys of the issuer at issuerURL from the issuer's own
// metadata, as Spring's issuer-uri and go-oidc's NewProvider do: OpenID
// Connect discovery (issuerURL + "/.well-known/openid-configuration"), or
// else RFC 8414's authorization server metadata. The document's issuer must
// be issuerURL exactly (another would be a mix-up of issuers), and its
// jwks_uri is then read as [JWKS] reads a set, with opts. A validator whose
// Issuer is empty takes issuerURL:
//
//	tokens, err := ginauth.NewJWT(ginauth.JWTConfig{
//		Keys:     ginauth.Discover("https://keycloak.example.com/realms/demo"),
//		Audience: "account",
//	})
//
// The metadata is fetched with the first fetch of the keys, and again
// whenever the keys are until it succeeds: while it cannot be had, routes
// answer 503, as for a JWK Set that is down.
func Discover(issuerURL string, opts ...JWKSOptions) Keys {
	k := JWKS(issuerURL, opts...).(*remoteKeys)
	k.discover = true
	return k
}

func (r *remoteKeys) issuer() string {
	if r.discover {
		return r.url
	}
	return ""
}

// metadata is what discovery reads of an issuer's metadata document.
type metadata struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

// discoverSet finds the URL of the issuer's JWK Set in its metadata.
func (r *remoteKeys) discoverSet(ctx context.Context) (string, error) {
	var errs []error
	for _, doc := range metadataURLs(r.url) {
		m, err := r.metadata(ctx, doc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch u, err := url.Parse(m.JWKSURI); {
		case m.Issuer != r.url:
			return "", fmt.Errorf("ginauth: Discover: %s names the issuer %q, not %q", doc, m.Issuer, r.url)
		case m.JWKSURI == "" || err != nil:
			return "", fmt.Errorf("ginauth: Discover: %s has no jwks_uri", doc)
		case !secureURL(u) || strings.HasPrefix(r.url, "https:") && u.Scheme != "https":
			return "", fmt.Errorf("ginauth: Discover: %s names a JWK Set over plain http: %s", doc, u.Redacted())
		}
		return m.JWKSURI, nil
	}
	return "", errors.Join(errs...)
}

// metadataURLs are where an issuer's metadata may be: OpenID Connect's,
// appended to the issuer (RFC 8414 §5 keeps that form too), then RFC 8414's,
// inserted before the issuer's path.
func metadataURLs(issuer string) []string {
	oidc := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	u, err := url.Parse(issuer)
	if err != nil {
		return []string{oidc}
	}
	u.Path = "/.well-known/oauth-authorization-server" + strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return []string{oidc, u.String()}
}

func (r *remoteKeys) metadata(ctx context.Context, doc string) (metadata, error) {
	var m metadata
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, doc, nil)
	if err != nil {
		return m, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return m, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return m, fmt.Errorf("ginauth: Discover: %s: status %d", doc, resp.StatusCode)
	}
	body, err := io.ReadAll(resp.Body) // capped, as the JWK Set is
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return m, fmt.Errorf("ginauth: Discover: %s: %w", doc, err)
	}
	return m, nil
}
