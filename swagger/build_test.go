package swagger_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger"
)

// The expected documents: testdata/<name>.json is the spec of what Build
// writes for each router (go test -run TestBuildExpectedDocuments -update
// rewrites them; read them before committing).
func TestBuildExpectedDocuments(t *testing.T) {
	for _, tc := range []struct {
		name   string
		router func() *di.Router
	}{
		{"schemes", schemesRouter},
		{"security", securityRouter},
		{"bindings", bindingsRouter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, mustBuild(t, tc.router()))
		})
	}
}

func TestBuildWritesOpenAPI303(t *testing.T) {
	doc := mustBuild(t, bindingsRouter())
	if doc.OpenAPI != "3.0.3" || swagger.OpenAPIVersion != "3.0.3" {
		t.Errorf("openapi %q (OpenAPIVersion %q), want 3.0.3, which Swagger UI renders", doc.OpenAPI, swagger.OpenAPIVersion)
	}
}

func TestBuildSecuritySchemeEntries(t *testing.T) {
	doc := mustBuild(t, schemesRouter())
	for name, want := range map[string]string{
		"HTTPBasic":    `{"type":"http","scheme":"basic"}`,
		"HTTPBearer":   `{"type":"http","scheme":"bearer","bearerFormat":"JWT","description":"A JWT from /token."}`,
		"HTTPDigest":   `{"type":"http","scheme":"digest"}`,
		"HTTPBase":     `{"type":"http","scheme":"hoba"}`,
		"APIKeyHeader": `{"type":"apiKey","in":"header","name":"X-API-Key"}`,
		"APIKeyQuery":  `{"type":"apiKey","in":"query","name":"api_key"}`,
		"APIKeyCookie": `{"type":"apiKey","in":"cookie","name":"api_key"}`,
		"BearerCookie": `{"type":"apiKey","in":"cookie","name":"__Host-access_token"}`,
		"OAuth2PasswordBearer": `{"type":"oauth2","flows":{"password":{"tokenUrl":"/token","refreshUrl":"/refresh","scopes":{
			"me":"Read information about the current user.","items":"Read items.","admin":"Administer the API."}}}}`,
		"OAuth2AuthorizationCodeBearer": `{"type":"oauth2","flows":{"authorizationCode":{"authorizationUrl":"https://auth.example.com/authorize",
			"tokenUrl":"https://auth.example.com/token","scopes":{"openid":"Sign in.","profile":"Read the profile."}}}}`,
		"OAuth2Flows": `{"type":"oauth2","description":"Every flow but password.","flows":{
			"implicit":{"authorizationUrl":"https://auth.example.com/authorize","scopes":{"read":"Read."}},
			"clientCredentials":{"tokenUrl":"https://auth.example.com/token","scopes":{"read":"Read.","write":"Write."}},
			"authorizationCode":{"authorizationUrl":"https://auth.example.com/authorize","tokenUrl":"https://auth.example.com/token","scopes":{}}}}`,
		"OpenIdConnect": `{"type":"openIdConnect","openIdConnectUrl":"https://auth.example.com/.well-known/openid-configuration"}`,
	} {
		t.Run(name, func(t *testing.T) {
			entry := doc.Components.SecuritySchemes[name]
			if entry == nil {
				t.Fatalf("no security scheme %s; have %v", name, keys(doc.Components.SecuritySchemes))
			}
			sameJSON(t, entry, want)
		})
	}
	if n := len(doc.Components.SecuritySchemes); n != 12 {
		t.Errorf("%d security schemes, want the 12 the routes use", n)
	}
}

func TestBuildSecurityRequirements(t *testing.T) {
	doc := mustBuild(t, securityRouter())
	for _, tc := range []struct {
		name, path, want string
	}{
		{"none: said so", "/public", `[]`},
		{"AND: one requirement with both schemes", "/and", `[{"APIKeyHeader":[],"HTTPBasic":[]}]`},
		{"OR: one requirement per alternative", "/or", `[{"APIKeyHeader":[]},{"APIKeyQuery":[]}]`},
		{"(A OR B) AND C", "/or-and", `[{"APIKeyHeader":[],"HTTPBasic":[]},{"APIKeyQuery":[],"HTTPBasic":[]}]`},
		{"scopes of three levels merged", "/users/me/items", `[{"OAuth2PasswordBearer":["admin","items","me"]}]`},
		{"scopes of a group and of the route merged", "/admin/users", `[{"OAuth2PasswordBearer":["admin","me"]}]`},
		{"optional: {} is an alternative", "/optional", `[{"OAuth2PasswordBearer":["me"]},{}]`},
		{"optional on top of a required scheme", "/optional-and", `[{"APIKeyHeader":[],"OAuth2PasswordBearer":[]},{"APIKeyHeader":[]}]`},
		{"an OR's scopes go to OAuth2 only", "/or-scopes", `[{"OAuth2PasswordBearer":["items"]},{"APIKeyHeader":[]}]`},
		{"OpenID Connect lists its scopes", "/oidc-scopes", `[{"OpenIdConnect":["profile"]}]`},
		{"an API key lists none", "/key-scopes", `[{"APIKeyHeader":[]}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := securityOf(t, operation(t, doc, "GET", tc.path)); got != tc.want {
				t.Errorf("GET %s security\n got %s\nwant %s", tc.path, got, tc.want)
			}
		})
	}
}

func TestBuildErrorResponses(t *testing.T) {
	doc := mustBuild(t, securityRouter())
	bindings := mustBuild(t, bindingsRouter())
	const challenge = `{"WWW-Authenticate":{"description":"The challenge: the scheme, and for a bearer token the error and the scope required (RFC 6750 §3)","schema":{"type":"string"}}}`
	const httpError = `{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPError"}}}`
	for _, tc := range []struct {
		name         string
		doc          *openapi3.T
		method, path string
		codes        []string
	}{
		{"no security, no binding: no error", doc, "GET", "/public", []string{"200"}},
		{"a scheme: 401", doc, "GET", "/and", []string{"200", "401"}},
		{"scopes: 401 and 403", doc, "GET", "/users/me/items", []string{"200", "401", "403"}},
		{"a binding: 422", bindings, "GET", "/items", []string{"200", "422"}},
		{"a body: 413 and 422", bindings, "POST", "/items", []string{"201", "413", "422"}},
		{"a form: 413 and 422", bindings, "POST", "/signup", []string{"201", "413", "422"}},
		{"the password form: 413 and 422", bindings, "POST", "/token", []string{"200", "413", "422"}},
		{"no content: 204 and 422", bindings, "DELETE", "/items/{id}", []string{"204", "422"}},
		{"a handler that writes its own answer: 200", bindings, "GET", "/raw", []string{"200"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := operation(t, tc.doc, tc.method, tc.path)
			if got := responseCodes(op); !reflect.DeepEqual(got, tc.codes) {
				t.Errorf("%s %s answers %v, want %v", tc.method, tc.path, got, tc.codes)
			}
		})
	}
	t.Run("401 carries the challenge", func(t *testing.T) {
		r := operation(t, doc, "GET", "/and").Responses.Value("401").Value
		if *r.Description != "Not authenticated: the credential is missing or invalid" {
			t.Errorf("401 description %q", *r.Description)
		}
		sameJSON(t, r.Headers, challenge)
		sameJSON(t, r.Content, httpError)
	})
	t.Run("403 names the scopes and carries the challenge", func(t *testing.T) {
		r := operation(t, doc, "GET", "/users/me/items").Responses.Value("403").Value
		if want := "Not enough permissions: the token lacks a required scope (admin, items, me)"; *r.Description != want {
			t.Errorf("403 description %q, want %q", *r.Description, want)
		}
		sameJSON(t, r.Headers, challenge)
		sameJSON(t, r.Content, httpError)
	})
	t.Run("413 names the limit", func(t *testing.T) {
		for path, want := range map[string]string{
			"/items":  "Request Entity Too Large: the body is over 1048576 bytes",
			"/signup": "Request Entity Too Large: the body is over 4096 bytes",
			"/token":  "Request Entity Too Large: the body is over 65536 bytes",
		} {
			r := operation(t, bindings, "POST", path).Responses.Value("413").Value
			if *r.Description != want {
				t.Errorf("POST %s: 413 description %q, want %q", path, *r.Description, want)
			}
			sameJSON(t, r.Content, httpError)
		}
	})
	t.Run("422 is FastAPI's HTTPValidationError", func(t *testing.T) {
		sameJSON(t, operation(t, bindings, "GET", "/items").Responses.Value("422"),
			`{"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}}`)
		sameJSON(t, bindings.Components.Schemas["HTTPValidationError"], `{"title":"HTTPValidationError","type":"object",
			"properties":{"detail":{"title":"Detail","type":"array","items":{"$ref":"#/components/schemas/ValidationError"}}}}`)
		sameJSON(t, bindings.Components.Schemas["ValidationError"], `{"title":"ValidationError","type":"object",
			"properties":{
				"loc":{"title":"Location","type":"array","items":{"anyOf":[{"type":"string"},{"type":"integer"}]}},
				"msg":{"title":"Message","type":"string"},
				"type":{"title":"Error Type","type":"string"},
				"input":{"title":"Input"},
				"ctx":{"title":"Context","type":"object"}},
			"required":["loc","msg","type"]}`)
		sameJSON(t, bindings.Components.Schemas["HTTPError"],
			`{"title":"HTTPError","type":"object","properties":{"detail":{"type":"string"}},"required":["detail"]}`)
	})
	t.Run("schemas only when used", func(t *testing.T) {
		// The security router binds nothing: no 422, no validation schemas.
		for _, name := range []string{"HTTPValidationError", "ValidationError"} {
			if _, ok := doc.Components.Schemas[name]; ok {
				t.Errorf("%s in the components of a document without 422", name)
			}
		}
	})
}

func TestBuildResults(t *testing.T) {
	doc := mustBuild(t, bindingsRouter())
	for _, tc := range []struct {
		name, method, path, code, want string
	}{
		{"a struct: its component", "GET", "/items/{id}", "200", `{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Item"}}}}`},
		{"a slice: an array of the component", "GET", "/items", "200", `{"description":"Successful Response","content":{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/Item"}}}}}`},
		{"a pointer, with di.Status(201)", "POST", "/items", "201", `{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Item"}}}}`},
		{"a map", "GET", "/trace", "200", `{"description":"Successful Response","content":{"application/json":{"schema":{"type":"object","additionalProperties":{"type":"string"}}}}}`},
		{"bytes: base64", "GET", "/files/{rest}", "200", `{"description":"Successful Response","content":{"application/json":{"schema":{"type":"string","format":"byte"}}}}`},
		{"di.NoContent: 204 without content", "DELETE", "/items/{id}", "204", `{"description":"Successful Response"}`},
		{"a handler that writes its own answer: no content", "GET", "/raw", "200", `{"description":"Successful Response"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := operation(t, doc, tc.method, tc.path).Responses.Value(tc.code)
			if r == nil {
				t.Fatalf("%s %s: no %s response", tc.method, tc.path, tc.code)
			}
			sameJSON(t, r, tc.want)
		})
	}
	t.Run("the models' components", func(t *testing.T) {
		sameJSON(t, doc.Components.Schemas["Item"], `{"type":"object","required":["name"],"properties":{
			"id":{"type":"integer"},
			"name":{"type":"string","minLength":1,"maxLength":50},
			"price":{"type":"number","format":"double","minimum":0},
			"tags":{"type":"array","maxItems":5,"items":{"type":"string","minLength":1}}}}`)
		sameJSON(t, doc.Components.Schemas["User"], `{"type":"object","required":["username"],"properties":{
			"username":{"type":"string"},
			"email":{"anyOf":[{"type":"string","enum":[""]},{"type":"string","format":"email"}]},
			"full_name":{"type":"string","nullable":true},
			"disabled":{"type":"boolean"}}}`)
	})
}

func TestBuildParameters(t *testing.T) {
	doc := mustBuild(t, bindingsRouter())
	for _, tc := range []struct {
		name, method, path, want string
	}{
		{"query: defaults and every rule", "GET", "/items", `[
			{"in":"query","name":"skip","schema":{"type":"integer","default":0,"minimum":0}},
			{"in":"query","name":"limit","schema":{"type":"integer","default":10,"minimum":1,"maximum":100}},
			{"in":"query","name":"q","schema":{"anyOf":[{"type":"string","enum":[""]},{"type":"string","minLength":3,"maxLength":50}]}},
			{"in":"query","name":"code","schema":{"anyOf":[{"type":"string","enum":[""]},{"type":"string","minLength":4,"maxLength":4}]}},
			{"in":"query","name":"sort","schema":{"type":"string","default":"name","enum":["name","price"]}},
			{"in":"query","name":"email","schema":{"anyOf":[{"type":"string","enum":[""]},{"type":"string","format":"email"}]}},
			{"in":"query","name":"homepage","schema":{"anyOf":[{"type":"string","enum":[""]},{"type":"string","format":"uri"}]}},
			{"in":"query","name":"owner","required":true,"schema":{"type":"string","format":"uuid"}}]`},
		{"path: gin's :id is {id}", "GET", "/items/{id}", `[{"in":"path","name":"id","required":true,"schema":{"type":"integer","minimum":1}}]`},
		{"path: gin's *rest is {rest}, a string when nothing binds it", "GET", "/files/{rest}", `[{"in":"path","name":"rest","required":true,"schema":{"type":"string"}}]`},
		{"header", "GET", "/trace", `[
			{"in":"header","name":"X-Request-ID","required":true,"schema":{"type":"string","format":"uuid"}},
			{"in":"header","name":"User-Agent","schema":{"type":"string"}}]`},
		{"cookie", "GET", "/session", `[{"in":"cookie","name":"session_id","required":true,"schema":{"type":"string"}}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sameJSON(t, operation(t, doc, tc.method, tc.path).Parameters, tc.want)
		})
	}
}

func TestBuildBodies(t *testing.T) {
	doc := mustBuild(t, bindingsRouter())
	t.Run("JSON body: the model's component, required", func(t *testing.T) {
		sameJSON(t, operation(t, doc, "POST", "/items").RequestBody,
			`{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Item"}}}}`)
	})
	t.Run("form: a Body_<operationId> schema", func(t *testing.T) {
		sameJSON(t, operation(t, doc, "POST", "/signup").RequestBody,
			`{"required":true,"content":{"application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/Body_postSignup"}}}}`)
		sameJSON(t, doc.Components.Schemas["Body_postSignup"], `{"title":"Body_postSignup","type":"object","required":["name"],"properties":{
			"name":{"type":"string","maxLength":20},
			"age":{"type":"integer","minimum":18,"nullable":true},
			"remember":{"type":"boolean","default":false}}}`)
	})
	t.Run("the password form is FastAPI's", func(t *testing.T) {
		sameJSON(t, operation(t, doc, "POST", "/token").RequestBody,
			`{"required":true,"content":{"application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/Body_postToken"}}}}`)
		sameJSON(t, doc.Components.Schemas["Body_postToken"], `{"title":"Body_postToken","type":"object","required":["username","password"],"properties":{
			"grant_type":{"anyOf":[{"type":"string","enum":[""]},{"type":"string","enum":["password"]}]},
			"username":{"type":"string"},
			"password":{"type":"string","format":"password"},
			"scope":{"type":"string","default":""},
			"client_id":{"type":"string","nullable":true},
			"client_secret":{"type":"string","format":"password","nullable":true}}}`)
	})
	t.Run("a form of optional fields is not required", func(t *testing.T) {
		type Filter struct {
			Q string `form:"q"`
		}
		r := di.NewRouter(gin.New())
		r.POST("/search", di.JSON1(di.Form[Filter](), ok1[Filter, string]()))
		sameJSON(t, operation(t, mustBuild(t, r), "POST", "/search").RequestBody,
			`{"content":{"application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/Body_postSearch"}}}}`)
	})
}

func TestBuildOperationIDs(t *testing.T) {
	r := di.NewRouter(gin.New())
	r.GET("/", di.JSON(ok[string]()))
	r.GET("/users/me/items/", di.JSON(ok[string]()))
	r.GET("/items/:id", di.JSON(ok[string]()))
	r.GET("/a-b", di.JSON(ok[string]()))
	r.GET("/a_b", di.JSON(ok[string]()))
	r.GET("/a.b", di.JSON(ok[string]()))
	doc := mustBuild(t, r)
	for path, want := range map[string]string{
		"/":                "getRoot",
		"/users/me/items/": "getUsersMeItems",
		"/items/{id}":      "getItemsById",
		// Three paths with one name: each operationId stays unique.
		"/a-b": "getAB",
		"/a_b": "getAB_2",
		"/a.b": "getAB_3",
	} {
		if got := operation(t, doc, "GET", path).OperationID; got != want {
			t.Errorf("GET %s: operationId %q, want %q", path, got, want)
		}
	}
}

func TestBuildComponentNamesOfTwoPackages(t *testing.T) {
	r := di.NewRouter(gin.New())
	r.GET("/mine", di.JSON(ok[Token]()))
	r.GET("/theirs", di.JSON(ok[*ginauth.Token]()))
	doc := mustBuild(t, r)
	sameJSON(t, operation(t, doc, "GET", "/mine").Responses.Value("200").Value.Content,
		`{"application/json":{"schema":{"$ref":"#/components/schemas/Token"}}}`)
	sameJSON(t, operation(t, doc, "GET", "/theirs").Responses.Value("200").Value.Content,
		`{"application/json":{"schema":{"$ref":"#/components/schemas/ginauth.Token"}}}`)
	if p := doc.Components.Schemas["ginauth.Token"].Value.Properties; p["Subject"] == nil || p["access_token"] != nil {
		t.Errorf("ginauth.Token's component has the properties %v", keys(p))
	}
}

// customScheme is a scheme of another package than ginauth, without an
// OpenAPI entry.
type customScheme struct{ name string }

func (s customScheme) SchemeName() string { return s.name }

// documentedScheme has one.
type documentedScheme struct{ customScheme }

func (documentedScheme) OpenAPI() *openapi3.SecurityScheme {
	return &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "X-Custom"}
}

func customDep(s di.SecurityScheme) di.Dep[string] {
	return di.Scheme(s, func(*gin.Context) (string, error) { return "", nil })
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(r *di.Router)
		want  string
	}{
		{"two schemes under one name", func(r *di.Router) {
			r.GET("/a", di.JSON1(ginauth.APIKeyHeader{Name: "X-A", SchemeName: "key"}.Dep(), ok1[string, string]()))
			r.GET("/b", di.JSON1(ginauth.APIKeyQuery{Name: "b", SchemeName: "key"}.Dep(), ok1[string, string]()))
		}, `swagger: GET /b: two different schemes are named "key": give one another SchemeName, as the docs list each under its name`},
		{"two OAuth2 schemes under one name, with other scopes", func(r *di.Router) {
			r.GET("/a", di.JSON1(ginauth.OAuth2PasswordBearer{TokenURL: "/token"}.Dep(), ok1[string, string]()))
			r.GET("/b", di.JSON1(ginauth.OAuth2PasswordBearer{TokenURL: "/token", Scopes: map[string]string{"x": "X."}}.Dep(), ok1[string, string]()))
		}, `swagger: GET /b: two different schemes are named "OAuth2PasswordBearer"`},
		{"a scheme without an OpenAPI entry", func(r *di.Router) {
			r.GET("/custom", di.JSON1(customDep(customScheme{"Custom"}), ok1[string, string]()))
		}, `swagger: GET /custom: scheme "Custom" (swagger_test.customScheme) has no OpenAPI entry: give it a method OpenAPI() *openapi3.SecurityScheme`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := di.NewRouter(gin.New())
			tc.setup(r)
			doc, err := swagger.Build(r)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Build: %v\nwant an error that starts %q", err, tc.want)
			}
			if doc != nil {
				t.Error("Build returned a document with its error")
			}
		})
	}
}

func TestBuildAcceptsOneSchemeDeclaredTwice(t *testing.T) {
	// Two declarations of the same scheme are one entry, not a conflict.
	r := di.NewRouter(gin.New())
	r.GET("/a", di.JSON1(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), ok1[string, string]()))
	r.GET("/b", di.JSON1(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), ok1[string, string]()))
	doc := mustBuild(t, r)
	if n := len(doc.Components.SecuritySchemes); n != 1 {
		t.Errorf("%d security schemes, want 1", n)
	}
}

func TestBuildTakesTheEntryOfAnOpenAPIScheme(t *testing.T) {
	r := di.NewRouter(gin.New())
	r.GET("/custom", di.JSON1(customDep(documentedScheme{customScheme{"Custom"}}), ok1[string, string]()))
	doc := mustBuild(t, r)
	sameJSON(t, doc.Components.SecuritySchemes["Custom"], `{"type":"apiKey","in":"header","name":"X-Custom"}`)
	if got := securityOf(t, operation(t, doc, "GET", "/custom")); got != `[{"Custom":[]}]` {
		t.Errorf("security %s", got)
	}
}

func TestBuildEmptyRouter(t *testing.T) {
	doc := mustBuild(t, di.NewRouter(gin.New()))
	text, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, text, `{"openapi":"3.0.3","info":{"title":"API","version":"0.1.0"},"servers":[{"url":"/"}],"paths":{},"components":{}}`)
}
