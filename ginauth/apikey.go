package ginauth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// APIKeyHeader reads an API key from the header Name (FastAPI's
// APIKeyHeader). Its value is the key, not yet verified (see [VerifyAPIKey]):
// "" when absent with AutoError off. The header sent twice is a 400.
type APIKeyHeader struct {
	Name             string // the header, such as "X-API-Key"
	SchemeName       string // default "APIKeyHeader"
	Description      string
	AutoError        Toggle
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the key.
func (s APIKeyHeader) Dep() di.Dep[string] { return declare[string](s) }

// OpenAPI is the scheme's entry: an apiKey in a header.
func (s APIKeyHeader) OpenAPI() *openapi3.SecurityScheme {
	return apiKeyModel("APIKeyHeader", "header", s.Name, s.Description)
}

func (s APIKeyHeader) settings() settings {
	return newSettings(s.SchemeName, "APIKeyHeader", s.OpenAPI(), s.AutoError, "APIKey", s.NotAuthenticated)
}

func (s APIKeyHeader) reader() func(*gin.Context) (string, bool, error) {
	return func(c *gin.Context) (string, bool, error) {
		return oneValue(c.Request.Header.Values(s.Name), "header", s.Name)
	}
}

// APIKeyQuery reads an API key from the query parameter Name (FastAPI's
// APIKeyQuery). Beware that URLs are logged by servers, proxies and browsers
// (gin's own Logger writes the query): prefer a header or a cookie. The
// parameter given twice is a 400.
type APIKeyQuery struct {
	Name             string // the query parameter, such as "api_key"
	SchemeName       string // default "APIKeyQuery"
	Description      string
	AutoError        Toggle
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the key.
func (s APIKeyQuery) Dep() di.Dep[string] { return declare[string](s) }

// OpenAPI is the scheme's entry: an apiKey in the query.
func (s APIKeyQuery) OpenAPI() *openapi3.SecurityScheme {
	return apiKeyModel("APIKeyQuery", "query", s.Name, s.Description)
}

func (s APIKeyQuery) settings() settings {
	return newSettings(s.SchemeName, "APIKeyQuery", s.OpenAPI(), s.AutoError, "APIKey", s.NotAuthenticated)
}

func (s APIKeyQuery) reader() func(*gin.Context) (string, bool, error) {
	return func(c *gin.Context) (string, bool, error) {
		return oneValue(c.Request.URL.Query()[s.Name], "query parameter", s.Name)
	}
}

// APIKeyCookie reads an API key from the cookie Name (FastAPI's
// APIKeyCookie). Two cookies of that name are a 400: which one the browser
// sent first depends on their paths and ages, not on who set them.
//
// Stricter than FastAPI: browsers attach the cookie to requests that other
// sites make, so, as with [BearerCookie], a request that changes state (any
// method but GET, HEAD and OPTIONS) from another origin and carrying the
// cookie is refused with 403, unless its origin is in TrustedOrigins.
type APIKeyCookie struct {
	Name             string // the cookie
	SchemeName       string // default "APIKeyCookie"
	Description      string
	AutoError        Toggle
	TrustedOrigins   []string // origins, such as "https://app.example.com", allowed to send state-changing requests
	NotAuthenticated func(challenge string) error
}

// Dep declares the scheme as a dependency of the key.
func (s APIKeyCookie) Dep() di.Dep[string] { return declare[string](s) }

// OpenAPI is the scheme's entry: an apiKey in a cookie.
func (s APIKeyCookie) OpenAPI() *openapi3.SecurityScheme {
	return apiKeyModel("APIKeyCookie", "cookie", s.Name, s.Description)
}

func (s APIKeyCookie) settings() settings {
	return newSettings(s.SchemeName, "APIKeyCookie", s.OpenAPI(), s.AutoError, "APIKey", s.NotAuthenticated)
}

func (s APIKeyCookie) reader() func(*gin.Context) (string, bool, error) {
	sameOrigin := crossOriginCheck("APIKeyCookie", s.TrustedOrigins)
	return func(c *gin.Context) (string, bool, error) {
		key, found, err := oneValue(cookies(c.Request, s.Name), "cookie", s.Name)
		if found {
			if err := sameOrigin(c); err != nil {
				return "", false, err
			}
		}
		return key, found, err
	}
}

func apiKeyModel(scheme, in, name, description string) *openapi3.SecurityScheme {
	if name == "" {
		panic(fmt.Sprintf("ginauth: %s needs a Name: the %s that holds the key", scheme, in))
	}
	return &openapi3.SecurityScheme{Type: "apiKey", In: in, Name: name, Description: description}
}

// oneValue is the single value of a credential, not found if absent or
// empty, an invalid request if given more than once.
func oneValue(vs []string, what, name string) (string, bool, error) {
	switch {
	case len(vs) > 1:
		return "", false, di.Error(http.StatusBadRequest, fmt.Sprintf("The %s %s was given more than once", what, name))
	case len(vs) == 0 || vs[0] == "":
		return "", false, nil
	}
	return vs[0], true, nil
}

func cookies(r *http.Request, name string) []string {
	var vs []string
	for _, ck := range r.CookiesNamed(name) {
		vs = append(vs, ck.Value)
	}
	return vs
}

// APIKeys holds the valid API keys as SHA-256 digests, each with the name of
// its owner, and verifies presented keys in constant time: a presented key is
// digested, so its length and content say nothing of the stored ones, and a
// key that matches none takes the same path as one that matches.
type APIKeys struct {
	owners map[[sha256.Size]byte]string
}

// NewAPIKeys takes keys by owner (owner -> key) and keeps only their digests.
// It panics on an empty key, and on a key given to two owners: which of them
// a request came from could not be told.
func NewAPIKeys(keys map[string]string) *APIKeys {
	k := &APIKeys{owners: make(map[[sha256.Size]byte]string, len(keys))}
	for _, owner := range slices.Sorted(maps.Keys(keys)) {
		key := keys[owner]
		if key == "" || owner == "" {
			panic(fmt.Sprintf("ginauth: NewAPIKeys: the key of %q is empty, or its owner has no name", owner))
		}
		d := sha256.Sum256([]byte(key))
		if other, dup := k.owners[d]; dup {
			panic(fmt.Sprintf("ginauth: NewAPIKeys: %q and %q have the same key", other, owner))
		}
		k.owners[d] = owner
	}
	return k
}

// APIKeysFromDigests takes hex SHA-256 digests by owner (owner -> digest),
// so that the keys themselves never need to be stored. A digest that is not
// 64 hex digits, or one given to two owners, is an error.
func APIKeysFromDigests(digests map[string]string) (*APIKeys, error) {
	k := &APIKeys{owners: make(map[[sha256.Size]byte]string, len(digests))}
	for _, owner := range slices.Sorted(maps.Keys(digests)) {
		h := digests[owner]
		if owner == "" {
			return nil, errors.New("ginauth: APIKeysFromDigests: an owner has no name")
		}
		var d [sha256.Size]byte
		// The length first: hex.Decode writes past d for a longer input.
		if len(h) != hex.EncodedLen(sha256.Size) {
			return nil, fmt.Errorf("ginauth: the digest of %q is not 64 hex digits", owner)
		}
		if _, err := hex.Decode(d[:], []byte(h)); err != nil {
			return nil, fmt.Errorf("ginauth: the digest of %q is not 64 hex digits", owner)
		}
		if other, dup := k.owners[d]; dup {
			return nil, fmt.Errorf("ginauth: %q and %q have the same digest", other, owner)
		}
		k.owners[d] = owner
	}
	return k, nil
}

// Owner returns the owner of key, if key is valid. The key is looked up by
// its digest, which says nothing an attacker can use of the stored keys: the
// time a lookup takes depends on the digest of what was sent, not on how
// much of a stored key it matches.
func (k *APIKeys) Owner(key string) (string, bool) {
	owner, found := k.owners[sha256.Sum256([]byte(key))]
	return owner, found
}

// VerifyAPIKey declares a dependency on the owner of the key that scheme
// reads: a key that keys does not hold is 401 {"detail":"Invalid API key"}
// with the APIKey challenge, the same answer for every wrong key. With the
// scheme's AutoError off, no key gives "".
func VerifyAPIKey(scheme di.Dep[string], keys *APIKeys) di.Dep[string] {
	if keys == nil {
		panic("ginauth: VerifyAPIKey needs the valid keys")
	}
	return di.Func1("VerifyAPIKey("+scheme.Name()+")", scheme, func(_ *gin.Context, key string) (string, error) {
		if key == "" {
			return "", nil
		}
		owner, ok := keys.Owner(key)
		if !ok {
			return "", di.Error(http.StatusUnauthorized, "Invalid API key").WithHeader("WWW-Authenticate", "APIKey")
		}
		return owner, nil
	})
}
