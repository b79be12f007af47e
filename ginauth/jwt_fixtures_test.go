package ginauth_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// Keys for the token tests, made once.
var (
	fixtureOnce sync.Once
	hsSecret    = []byte("0123456789abcdef0123456789abcdef") // 32 bytes: HS256's minimum
	rsaKey      *rsa.PrivateKey
	ecKey       *ecdsa.PrivateKey
	edKey       ed25519.PrivateKey
)

func fixtures() {
	fixtureOnce.Do(func() {
		rsaKey, _ = rsa.GenerateKey(rand.Reader, 2048)
		ecKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		_, edKey, _ = ed25519.GenerateKey(rand.Reader)
	})
}

const (
	testIssuer   = "https://auth.example.com"
	testAudience = "https://api.example.com"
)

// signingKeys are one key per algorithm family, each under its own kid.
func signingKeys() ginauth.Keys {
	fixtures()
	return ginauth.StaticKeys(
		ginauth.Key{ID: "hs", Algorithm: "HS256", Key: hsSecret},
		ginauth.Key{ID: "rs", Algorithm: "RS256", Key: &rsaKey.PublicKey},
		ginauth.Key{ID: "es", Algorithm: "ES256", Key: &ecKey.PublicKey},
		ginauth.Key{ID: "ed", Algorithm: "EdDSA", Key: edKey.Public()},
	)
}

// validator is the tests' usual validator; change lets a test adjust it.
func validator(t testing.TB, change ...func(*ginauth.JWTConfig)) *ginauth.JWT {
	t.Helper()
	cfg := ginauth.JWTConfig{Issuer: testIssuer, Audience: testAudience, Keys: signingKeys(), NoCache: true}
	for _, f := range change {
		f(&cfg)
	}
	v, err := ginauth.NewJWT(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return v
}

var readScheme = ginauth.OAuth2PasswordBearer{TokenURL: "token", Realm: "api", Scopes: map[string]string{"read": "Read.", "write": "Write."}}

// tokenRoute is an engine whose GET / needs a token with the scope read,
// and answers its subject.
func tokenRoute(v ginauth.TokenValidator, opts ...ginauth.BearerOption) *gin.Engine {
	e := gin.New()
	token := ginauth.Bearer(readScheme.Dep(), testTokens, opts...)
	di.NewRouter(e, di.Provide(testTokens, v)).GET("/", di.Handle1(di.Security(token, "read"), func(c *gin.Context, t *ginauth.Token) {
		c.String(200, t.Subject)
	}))
	return e
}

// goodClaims are claims every test validator accepts.
func goodClaims() map[string]any {
	now := time.Now().Unix()
	return map[string]any{
		"iss": testIssuer, "aud": testAudience, "sub": "alice", "client_id": "cli", "jti": "id-1",
		"exp": now + 300, "iat": now - 10, "scope": "read write",
	}
}

// with returns goodClaims changed by kv pairs; a nil value removes the claim.
func with(kv ...any) map[string]any {
	c := goodClaims()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
		} else {
			c[kv[i].(string)] = kv[i+1]
		}
	}
	return c
}

// header is the JOSE header of a key of the fixtures, changed by kv pairs.
func header(kid string, kv ...any) map[string]any {
	alg := map[string]string{"hs": "HS256", "rs": "RS256", "es": "ES256", "ed": "EdDSA"}[kid]
	h := map[string]any{"alg": alg, "typ": "at+jwt", "kid": kid}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(h, kv[i].(string))
		} else {
			h[kv[i].(string)] = kv[i+1]
		}
	}
	return h
}

// signingKey is the private key of a fixture kid.
func signingKey(kid string) (jwt.SigningMethod, any) {
	fixtures()
	switch kid {
	case "rs":
		return jwt.SigningMethodRS256, rsaKey
	case "es":
		return jwt.SigningMethodES256, ecKey
	case "ed":
		return jwt.SigningMethodEdDSA, edKey
	}
	return jwt.SigningMethodHS256, hsSecret
}

// sign makes a token from any header and claims (JSON values, or raw JSON
// given as a string), signed with the fixture key of kid.
func sign(t testing.TB, kid string, h any, claims any) string {
	t.Helper()
	method, key := signingKey(kid)
	return signWith(t, method, key, h, claims)
}

func signWith(t testing.TB, method jwt.SigningMethod, key any, h any, claims any) string {
	t.Helper()
	enc := func(v any) string {
		b, ok := v.(string)
		if !ok {
			raw, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			b = string(raw)
		}
		return base64.RawURLEncoding.EncodeToString([]byte(b))
	}
	input := enc(h) + "." + enc(claims)
	sig, err := method.Sign(input, key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// good is a valid token of kid.
func good(t testing.TB, kid string) string { return sign(t, kid, header(kid), goodClaims()) }

// refused is the answer to an invalid token with that description.
func refused(description string) answer {
	return answer{401, `Bearer realm="api", error="invalid_token", error_description="` + description + `"`,
		`{"detail":"Could not validate credentials"}`}
}

var accepted = answer{200, "", "alice"}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func randReader() io.Reader { return rand.Reader }

// publicOf is the key that verifies what key signs.
func publicOf(key any) any {
	if s, ok := key.(crypto.Signer); ok {
		return s.Public()
	}
	return key
}
