package ginauth_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// show sends a GET with headers (name, value pairs) and prints the answer.
func show(e *gin.Engine, target string, header ...string) {
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	fmt.Printf("%d %q %s\n", w.Code, w.Header().Get("WWW-Authenticate"), w.Body.String())
}

func ExampleOAuth2PasswordBearer() {
	oauth2Scheme := ginauth.OAuth2PasswordBearer{
		TokenURL: "token",
		Scopes:   map[string]string{"items": "Read items."},
	}.Dep()

	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/items", di.Handle1(di.Security(oauth2Scheme, "items"), func(c *gin.Context, token string) {
		c.String(200, "token "+token)
	}))
	show(e, "/items", "Authorization", "Bearer abc")
	show(e, "/items")
	show(e, "/items", "Authorization", "Bearer a b")
	fmt.Println(api.Routes()[0].Security[0].Scheme.SchemeName(), api.Routes()[0].Security[0].Scopes)
	// Output:
	// 200 "" token abc
	// 401 "Bearer" {"detail":"Not authenticated"}
	// 401 "Bearer error=\"invalid_token\", error_description=\"The access token is malformed\"" {"detail":"Could not validate credentials"}
	// OAuth2PasswordBearer [items]
}

func ExampleHTTPBasic() {
	basic := ginauth.HTTPBasic{Realm: "admin"}.Dep()
	e := gin.New()
	di.NewRouter(e).GET("/admin", di.Handle1(basic, func(c *gin.Context, cred *ginauth.HTTPBasicCredentials) {
		c.String(200, "user %s, password %s", cred.Username, cred.Password)
	}))
	show(e, "/admin", "Authorization", "Basic am9objpzZTpjcmV0") // john:se:cret
	show(e, "/admin")
	// Output:
	// 200 "" user john, password se:cret
	// 401 "Basic realm=\"admin\", charset=\"UTF-8\"" {"detail":"Not authenticated"}
}

func ExampleAnyOf() {
	key := ginauth.AnyOf(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), ginauth.APIKeyCookie{Name: "api_key"}.Dep())
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/data", di.Handle1(key, func(c *gin.Context, k ginauth.Credential[string]) {
		c.String(200, "key %s from %s", k.Value, k.Scheme)
	}))
	show(e, "/data", "X-API-Key", "k1")
	show(e, "/data", "Cookie", "api_key=k2")
	show(e, "/data")
	for _, alt := range ginauth.Alternatives(api.Routes()[0].Security[0].Scheme) {
		fmt.Println("or", alt.SchemeName())
	}
	// Output:
	// 200 "" key k1 from APIKeyHeader
	// 200 "" key k2 from APIKeyCookie
	// 401 "APIKey" {"detail":"Not authenticated"}
	// or APIKeyHeader
	// or APIKeyCookie
}

func ExampleVerifyAPIKey() {
	keys := ginauth.NewAPIKeys(map[string]string{"ci-bot": "s3cr3t-key"})
	client := ginauth.VerifyAPIKey(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), keys)
	e := gin.New()
	di.NewRouter(e).GET("/deploy", di.Handle1(client, func(c *gin.Context, owner string) { c.String(200, "hello "+owner) }))
	show(e, "/deploy", "X-API-Key", "s3cr3t-key")
	show(e, "/deploy", "X-API-Key", "guess")
	// Output:
	// 200 "" hello ci-bot
	// 401 "APIKey" {"detail":"Invalid API key"}
}

func ExampleLegacy403() {
	bearer := ginauth.HTTPBearer{NotAuthenticated: ginauth.Legacy403}.Dep()
	e := gin.New()
	di.NewRouter(e).GET("/", di.Handle1(bearer, func(c *gin.Context, _ *ginauth.HTTPAuthorizationCredentials) {}))
	show(e, "/")
	// Output:
	// 403 "" {"detail":"Not authenticated"}
}
