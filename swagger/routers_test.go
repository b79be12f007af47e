package swagger_test

import (
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// The routers of the tests, declared as an app declares its own. Handlers
// are never called: the docs are built from the declarations.

// User is a response model.
type User struct {
	Username string  `json:"username" binding:"required"`
	Email    string  `json:"email,omitempty" binding:"omitempty,email"`
	FullName *string `json:"full_name"`
	Disabled bool    `json:"disabled"`
}

// Item is a request and a response model.
type Item struct {
	ID    int      `json:"id"`
	Name  string   `json:"name" binding:"required,min=1,max=50"`
	Price float64  `json:"price" binding:"gte=0"`
	Tags  []string `json:"tags" binding:"max=5,dive,min=1"`
}

// Token is what /token answers.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
}

// ItemQuery is every rule of a query binding that the docs say.
type ItemQuery struct {
	Skip     int    `form:"skip,default=0" binding:"gte=0"`
	Limit    int    `form:"limit,default=10" binding:"gte=1,lte=100"`
	Q        string `form:"q" binding:"omitempty,min=3,max=50"`
	Code     string `form:"code" binding:"omitempty,len=4"`
	Sort     string `form:"sort,default=name" binding:"oneof=name price"`
	Email    string `form:"email" binding:"omitempty,email"`
	Homepage string `form:"homepage" binding:"omitempty,url"`
	Owner    string `form:"owner" binding:"required,uuid"`
}

// ItemPath is a path binding: /items/:id.
type ItemPath struct {
	ID int `uri:"id" binding:"required,min=1"`
}

// Trace is a header binding.
type Trace struct {
	RequestID string `header:"X-Request-ID" binding:"required,uuid"`
	UserAgent string `header:"User-Agent"`
}

// Session is a cookie binding.
type Session struct {
	ID string `cookie:"session_id" binding:"required"`
}

// Signup is a form binding.
type Signup struct {
	Name     string `form:"name" binding:"required,max=20"`
	Age      *int   `form:"age" binding:"omitempty,gte=18"`
	Remember bool   `form:"remember,default=false"`
}

var scopes = map[string]string{
	"me":    "Read information about the current user.",
	"items": "Read items.",
	"admin": "Administer the API.",
}

// ok is a handler's answer for any result type.
func ok[T any]() func(*gin.Context) (T, error) {
	return func(*gin.Context) (T, error) { var v T; return v, nil }
}

func ok1[P, T any]() func(*gin.Context, P) (T, error) {
	return func(*gin.Context, P) (T, error) { var v T; return v, nil }
}

func ok2[P1, P2, T any]() func(*gin.Context, P1, P2) (T, error) {
	return func(*gin.Context, P1, P2) (T, error) { var v T; return v, nil }
}

// schemesRouter has one route per scheme type of ginauth.
func schemesRouter() *di.Router {
	r := di.NewRouter(gin.New())
	r.GET("/basic", di.JSON1(ginauth.HTTPBasic{Realm: "api"}.Dep(), ok1[*ginauth.HTTPBasicCredentials, string]()))
	r.GET("/bearer", di.JSON1(ginauth.HTTPBearer{BearerFormat: "JWT", Description: "A JWT from /token."}.Dep(), ok1[*ginauth.HTTPAuthorizationCredentials, string]()))
	r.GET("/digest", di.JSON1(ginauth.HTTPDigest{}.Dep(), ok1[*ginauth.HTTPAuthorizationCredentials, string]()))
	r.GET("/base", di.JSON1(ginauth.HTTPBase{Scheme: "hoba"}.Dep(), ok1[*ginauth.HTTPAuthorizationCredentials, string]()))
	r.GET("/key/header", di.JSON1(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), ok1[string, string]()))
	r.GET("/key/query", di.JSON1(ginauth.APIKeyQuery{Name: "api_key"}.Dep(), ok1[string, string]()))
	r.GET("/key/cookie", di.JSON1(ginauth.APIKeyCookie{Name: "api_key"}.Dep(), ok1[string, string]()))
	r.GET("/cookie", di.JSON1(ginauth.BearerCookie{}.Dep(), ok1[string, string]()))
	r.GET("/password", di.JSON1(ginauth.OAuth2PasswordBearer{TokenURL: "/token", RefreshURL: "/refresh", Scopes: scopes}.Dep(), ok1[string, string]()))
	r.GET("/code", di.JSON1(ginauth.OAuth2AuthorizationCodeBearer{
		AuthorizationURL: "https://auth.example.com/authorize", TokenURL: "https://auth.example.com/token",
		Scopes: map[string]string{"openid": "Sign in.", "profile": "Read the profile."},
	}.Dep(), ok1[string, string]()))
	r.GET("/flows", di.JSON1(ginauth.OAuth2{SchemeName: "OAuth2Flows", Description: "Every flow but password.", Flows: openapi3.OAuthFlows{
		Implicit:          &openapi3.OAuthFlow{AuthorizationURL: "https://auth.example.com/authorize", Scopes: map[string]string{"read": "Read."}},
		ClientCredentials: &openapi3.OAuthFlow{TokenURL: "https://auth.example.com/token", Scopes: map[string]string{"read": "Read.", "write": "Write."}},
		AuthorizationCode: &openapi3.OAuthFlow{AuthorizationURL: "https://auth.example.com/authorize", TokenURL: "https://auth.example.com/token"},
	}}.Dep(), ok1[string, string]()))
	r.GET("/oidc", di.JSON1(ginauth.OpenIdConnect{OpenIDConnectURL: "https://auth.example.com/.well-known/openid-configuration"}.Dep(), ok1[string, string]()))
	return r
}

// Schemes of the security router, shared by its routes.
var (
	oauth2Scheme = ginauth.OAuth2PasswordBearer{TokenURL: "/token", Scopes: scopes}.Dep()
	apiKeyHeader = ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep()
	apiKeyQuery  = ginauth.APIKeyQuery{Name: "api_key"}.Dep()
	basicScheme  = ginauth.HTTPBasic{}.Dep()
	oidcScheme   = ginauth.OpenIdConnect{OpenIDConnectURL: "https://auth.example.com/.well-known/openid-configuration"}.Dep()

	// currentUser requires "me" of the token; activeUser "items" above it.
	currentUser = di.Func1("currentUser", di.Security(oauth2Scheme, "me"), ok1[string, *User]())
	activeUser  = di.Func1("activeUser", di.Security(currentUser, "items"), ok1[*User, *User]())
)

// securityRouter combines schemes: AND, OR, nested scopes, optional.
func securityRouter() *di.Router {
	r := di.NewRouter(gin.New())
	r.GET("/public", di.JSON(ok[string]()))
	// AND: two schemes required on one route.
	r.GET("/and", di.JSON2(apiKeyHeader, basicScheme, ok2[string, *ginauth.HTTPBasicCredentials, string]()))
	// OR: any one of the schemes.
	r.GET("/or", di.JSON1(ginauth.AnyOf(apiKeyHeader, apiKeyQuery), ok1[ginauth.Credential[string], string]()))
	// (A OR B) AND C.
	r.GET("/or-and", di.JSON2(ginauth.AnyOf(apiKeyHeader, apiKeyQuery), basicScheme, ok2[ginauth.Credential[string], *ginauth.HTTPBasicCredentials, string]()))
	// Scopes at three levels of dependencies: me, items, admin.
	r.GET("/users/me/items", di.JSON1(di.Security(activeUser, "admin"), ok1[*User, []Item]()))
	// Scopes from a group and from the route.
	admin := r.Group("/admin", di.Security(oauth2Scheme, "admin"))
	admin.GET("/users", di.JSON1(currentUser, ok1[*User, []User]()))
	// Optional authentication: {} is an alternative.
	r.GET("/optional", di.JSON1(di.Optional(currentUser), ok1[*User, string]()))
	// Optional OAuth2 on top of a required API key.
	r.GET("/optional-and", di.JSON2(apiKeyHeader, di.Optional(oauth2Scheme), ok2[string, string, string]()))
	// An OR with scopes: the scopes go to the OAuth2 alternative only.
	r.GET("/or-scopes", di.JSON1(di.Security(ginauth.AnyOf(oauth2Scheme, apiKeyHeader), "items"), ok1[ginauth.Credential[string], string]()))
	// Scopes on schemes other than OAuth2: OpenID Connect lists them, an
	// API key does not (OpenAPI 3.0 wants []), but its 403 names them.
	r.GET("/oidc-scopes", di.JSON1(di.Security(oidcScheme, "profile"), ok1[string, string]()))
	r.GET("/key-scopes", di.JSON1(di.Security(apiKeyHeader, "write"), ok1[string, string]()))
	return r
}

// bindingsRouter reads every part of a request, and answers every kind of
// result.
func bindingsRouter() *di.Router {
	r := di.NewRouter(gin.New())
	r.POST("/token", di.JSON1(ginauth.PasswordRequestForm, ok1[*ginauth.OAuth2PasswordRequestForm, Token]()))
	r.GET("/items", di.JSON1(di.Query[ItemQuery](), ok1[ItemQuery, []Item]()))
	r.POST("/items", di.JSON1(di.Body[Item](), ok1[Item, *Item]()), di.Status(201))
	r.GET("/items/:id", di.JSON1(di.Path[ItemPath](), ok1[ItemPath, Item]()))
	r.DELETE("/items/:id", di.JSON1(di.Path[ItemPath](), ok1[ItemPath, di.NoContent]()))
	r.GET("/files/*rest", di.JSON(ok[[]byte]()))
	r.GET("/trace", di.JSON1(di.Header[Trace](), ok1[Trace, map[string]string]()))
	r.GET("/session", di.JSON1(di.Cookie[Session](), ok1[Session, *User]()))
	r.POST("/signup", di.JSON1(di.Form[Signup](di.MaxBytes(4096)), ok1[Signup, User]()), di.Status(201))
	r.GET("/raw", di.Handle(func(c *gin.Context) { c.String(200, "raw") }))
	return r
}

// mergeRouter serves under /api/v1 the routes that testdata/swag/merge.json
// annotates (with swag's basePath /api/v1), and one it does not.
func mergeRouter() *di.Router {
	r := di.NewRouter(gin.New())
	api := r.Group("/api/v1")
	api.POST("/token", di.JSON1(ginauth.PasswordRequestForm, ok1[*ginauth.OAuth2PasswordRequestForm, Token]()))
	api.GET("/items", di.JSON2(apiKeyHeader, di.Query[ItemQuery](), ok2[string, ItemQuery, []Item]()))
	api.POST("/items", di.JSON2(di.Security(oauth2Scheme, "items"), di.Body[Item](), ok2[string, Item, *Item]()), di.Status(201))
	api.GET("/items/:id", di.JSON1(di.Path[ItemPath](), ok1[ItemPath, Item]()))
	api.GET("/report", di.Handle(func(c *gin.Context) { c.JSON(200, gin.H{"lines": []string{}}) }))
	api.GET("/health", di.JSON(ok[string]()))
	return r
}

// driftRouter is the app that testdata/swag/drift.json annotates wrongly
// and testdata/swag/agree.json rightly.
func driftRouter() *di.Router {
	r := di.NewRouter(gin.New())
	r.POST("/token", di.JSON1(ginauth.PasswordRequestForm, ok1[*ginauth.OAuth2PasswordRequestForm, Token]()))
	r.GET("/public", di.JSON(ok[string]()))
	r.GET("/users/me", di.JSON1(currentUser, ok1[*User, *User]()))
	r.GET("/admin", di.JSON1(di.Security(oauth2Scheme, "admin"), ok1[string, []User]()))
	r.GET("/reports", di.JSON1(di.Security(oauth2Scheme, "admin"), ok1[string, []string]()))
	r.GET("/items", di.JSON2(ginauth.AnyOf(apiKeyHeader, apiKeyQuery), di.Query[ItemQuery](), ok2[ginauth.Credential[string], ItemQuery, []Item]()))
	r.GET("/items/:id", di.JSON2(apiKeyHeader, di.Path[ItemPath](), ok2[string, ItemPath, Item]()))
	r.POST("/items", di.JSON2(di.Security(oauth2Scheme, "items"), di.Body[Item](), ok2[string, Item, *Item]()), di.Status(201))
	r.DELETE("/items/:id", di.JSON2(basicScheme, di.Path[ItemPath](), ok2[*ginauth.HTTPBasicCredentials, ItemPath, di.NoContent]()))
	r.GET("/feed", di.JSON1(di.Optional(currentUser), ok1[*User, []Item]()))
	r.GET("/bearer", di.JSON1(ginauth.HTTPBearer{}.Dep(), ok1[*ginauth.HTTPAuthorizationCredentials, string]()))
	return r
}
