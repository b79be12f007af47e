package ginauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// Declared once, at package level, as FastAPI declares oauth2_scheme: the
// scheme, the validator (a value main provides), the token.
var (
	oauth2Scheme = ginauth.OAuth2PasswordBearer{
		TokenURL: "token",
		Scopes:   map[string]string{"me": "Read information about the current user.", "items": "Read items."},
	}.Dep()
	tokens = di.Provided[ginauth.TokenValidator]("tokens")
	token  = ginauth.Bearer(oauth2Scheme, tokens)
)

func ExampleBearer() {
	// An authorization server of our own; with another one, use
	// ginauth.Discover("https://issuer.example.com").
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	issuer, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: "https://auth.example.com", Audience: "https://api.example.com", Key: key, KeyID: "k1"})

	// In main: the validator, closed when the server stops.
	v := ginauth.MustJWT(ginauth.JWTConfig{
		Issuer:   "https://auth.example.com",
		Audience: "https://api.example.com",
		Keys:     issuer.Keys(),
	})
	defer v.Close()
	e := gin.New()
	api := di.NewRouter(e, di.Provide(tokens, v))
	api.GET("/users/me/items", di.JSON1(di.Security(token, "items", "me"), func(c *gin.Context, t *ginauth.Token) (string, error) {
		return "items of " + t.Subject, nil
	}))

	both, _ := issuer.Issue("johndoe", "cli", []string{"me", "items"})
	meOnly, _ := issuer.Issue("johndoe", "cli", []string{"me"})
	show(e, "/users/me/items", "Authorization", "Bearer "+both.AccessToken)
	show(e, "/users/me/items", "Authorization", "Bearer "+meOnly.AccessToken)
	show(e, "/users/me/items", "Authorization", "Bearer "+both.AccessToken[:len(both.AccessToken)-4]+"AAAA")
	// Output:
	// 200 "" "items of johndoe"
	// 403 "Bearer error=\"insufficient_scope\", error_description=\"The access token lacks a required scope\", scope=\"items me\"" {"detail":"Not enough permissions"}
	// 401 "Bearer error=\"invalid_token\", error_description=\"The access token is not valid\"" {"detail":"Could not validate credentials"}
}

func ExampleClaimsOf() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	issuer, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: "https://auth.example.com", Audience: "api", Key: key})
	tokens := ginauth.MustJWT(ginauth.JWTConfig{Issuer: "https://auth.example.com", Audience: "api", Keys: issuer.Keys()})
	defer tokens.Close()

	at, _ := issuer.Issue("johndoe", "cli", []string{"me"})
	t, _ := tokens.Validate(context.Background(), at.AccessToken)
	// The application's own view of the claims.
	type claims struct {
		ClientID string `json:"client_id"`
		Scope    string `json:"scope"`
	}
	c, _ := ginauth.ClaimsOf[claims](t)
	fmt.Println(t.Subject, c.ClientID, c.Scope)
	// Output:
	// johndoe cli me
}

func ExampleJWT_Health() {
	// The JWK Set is down: the validator starts anyway, routes answer 503
	// (with Retry-After) rather than refusing good tokens, and a readiness
	// probe says why.
	v := ginauth.MustJWT(ginauth.JWTConfig{
		Issuer:   "https://auth.example.com",
		Audience: "https://api.example.com",
		Keys:     ginauth.JWKS("http://127.0.0.1:1/jwks.json", ginauth.JWKSOptions{Timeout: time.Second}),
	})
	defer v.Close()

	e := gin.New()
	api := di.NewRouter(e, di.Provide(tokens, v))
	api.GET("/items", di.JSON1(di.Security(token, "items"), func(c *gin.Context, t *ginauth.Token) (string, error) {
		return "items of " + t.Subject, nil
	}))
	e.GET("/ready", func(c *gin.Context) {
		if h := v.Health(); !h.Ready {
			c.String(http.StatusServiceUnavailable, "no keys yet, last error at %v", !h.LastFailure.IsZero())
			return
		}
		c.String(http.StatusOK, "ready")
	})
	// eyJ...: {"alg":"ES256","kid":"k1","typ":"at+jwt"}, then {} and a signature.
	show(e, "/items", "Authorization", "Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiYXQrand0In0.e30.c2ln")
	show(e, "/ready")
	// Output:
	// 503 "" {"detail":"The keys that verify access tokens are unavailable; try again later"}
	// 503 "" no keys yet, last error at true
}

func ExampleDiscover() {
	// An identity provider on loopback, publishing its metadata and keys.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mux := http.NewServeMux()
	idp := httptest.NewServer(mux)
	defer idp.Close()
	issuer, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: idp.URL, Audience: "https://api.example.com", Key: key, KeyID: "k1"})
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, idp.URL, idp.URL+"/keys")
	})
	keys := gin.New()
	keys.GET("/keys", issuer.JWKSHandler())
	mux.Handle("/keys", keys)

	// The API knows the issuer's URL and its own audience, nothing more.
	v := ginauth.MustJWT(ginauth.JWTConfig{Keys: ginauth.Discover(idp.URL), Audience: "https://api.example.com"})
	defer v.Close()
	at, _ := issuer.Issue("johndoe", "cli", []string{"items"})
	t, err := v.Validate(context.Background(), at.AccessToken)
	fmt.Println(t.Subject, t.Scopes(), t.Issuer == idp.URL, err)
	// Output:
	// johndoe [items] true <nil>
}
