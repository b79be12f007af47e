package ginauth_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gindepends/gindepends/ginauth"
)

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(t *testing.T, a any, want string) {
	t.Helper()
	got, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var x, y any
	if err := json.Unmarshal(got, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &y); err != nil {
		t.Fatal(err)
	}
	if gb, _ := json.Marshal(x); string(gb) != mustCanon(t, y) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func mustCanon(t *testing.T, v any) string {
	b, err := json.Marshal(v) // maps marshal with sorted keys
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOpenAPIEntriesAreFastAPIs(t *testing.T) {
	scopes := map[string]string{"me": "Read information about the current user.", "items": "Read items."}
	for _, tc := range []struct {
		name  string
		model *openapi3.SecurityScheme
		want  string
	}{
		{"HTTPBase", ginauth.HTTPBase{Scheme: "Other"}.OpenAPI(), `{"type":"http","scheme":"Other"}`},
		{"HTTPBearer", ginauth.HTTPBearer{}.OpenAPI(), `{"type":"http","scheme":"bearer"}`},
		{"HTTPBearer with format", ginauth.HTTPBearer{BearerFormat: "JWT", Description: "A JWT."}.OpenAPI(),
			`{"type":"http","scheme":"bearer","bearerFormat":"JWT","description":"A JWT."}`},
		{"HTTPBasic", ginauth.HTTPBasic{Realm: "not emitted"}.OpenAPI(), `{"type":"http","scheme":"basic"}`},
		{"HTTPDigest", ginauth.HTTPDigest{}.OpenAPI(), `{"type":"http","scheme":"digest"}`},
		{"APIKeyHeader", ginauth.APIKeyHeader{Name: "key"}.OpenAPI(), `{"type":"apiKey","name":"key","in":"header"}`},
		{"APIKeyQuery", ginauth.APIKeyQuery{Name: "key"}.OpenAPI(), `{"type":"apiKey","name":"key","in":"query"}`},
		{"APIKeyCookie", ginauth.APIKeyCookie{Name: "key", Description: "d"}.OpenAPI(), `{"type":"apiKey","name":"key","in":"cookie","description":"d"}`},
		{"OpenIdConnect", ginauth.OpenIdConnect{OpenIDConnectURL: "/openid"}.OpenAPI(), `{"type":"openIdConnect","openIdConnectUrl":"/openid"}`},
		{"OAuth2PasswordBearer", ginauth.OAuth2PasswordBearer{TokenURL: "token"}.OpenAPI(),
			`{"type":"oauth2","flows":{"password":{"scopes":{},"tokenUrl":"token"}}}`},
		{"OAuth2PasswordBearer with refresh and scopes", ginauth.OAuth2PasswordBearer{TokenURL: "/token", RefreshURL: "/refresh", Scopes: scopes}.OpenAPI(),
			`{"type":"oauth2","flows":{"password":{"scopes":{"me":"Read information about the current user.","items":"Read items."},"tokenUrl":"/token","refreshUrl":"/refresh"}}}`},
		{"OAuth2AuthorizationCodeBearer", ginauth.OAuth2AuthorizationCodeBearer{AuthorizationURL: "authorize", TokenURL: "token", RefreshURL: "refresh"}.OpenAPI(),
			`{"type":"oauth2","flows":{"authorizationCode":{"authorizationUrl":"authorize","tokenUrl":"token","refreshUrl":"refresh","scopes":{}}}}`},
		{"OAuth2AuthorizationCodeBearer with the password flow", ginauth.OAuth2AuthorizationCodeBearer{AuthorizationURL: "authorize", TokenURL: "token", PasswordFlow: true, Scopes: map[string]string{"me": "Me."}}.OpenAPI(),
			`{"type":"oauth2","flows":{"authorizationCode":{"authorizationUrl":"authorize","tokenUrl":"token","scopes":{"me":"Me."}},"password":{"tokenUrl":"token","scopes":{"me":"Me."}}}}`},
		{"OAuth2 without flows", ginauth.OAuth2{}.OpenAPI(), `{"type":"oauth2","flows":{}}`},
		{"OAuth2 with every flow", ginauth.OAuth2{Flows: openapi3.OAuthFlows{
			Implicit:          &openapi3.OAuthFlow{AuthorizationURL: "a", Scopes: map[string]string{"read": "Read."}},
			Password:          &openapi3.OAuthFlow{TokenURL: "t", RefreshURL: "r"},
			ClientCredentials: &openapi3.OAuthFlow{TokenURL: "t"},
			AuthorizationCode: &openapi3.OAuthFlow{AuthorizationURL: "a", TokenURL: "t"},
		}}.OpenAPI(), `{"type":"oauth2","flows":{` +
			`"implicit":{"authorizationUrl":"a","scopes":{"read":"Read."}},` +
			`"password":{"tokenUrl":"t","refreshUrl":"r","scopes":{}},` +
			`"clientCredentials":{"tokenUrl":"t","scopes":{}},` +
			`"authorizationCode":{"authorizationUrl":"a","tokenUrl":"t","scopes":{}}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) { sameJSON(t, tc.model, tc.want) })
	}
}

func TestOpenAPIModelIsACopy(t *testing.T) {
	scopes := map[string]string{"a": "A."}
	s := ginauth.OAuth2PasswordBearer{TokenURL: "t", Scopes: scopes}
	m := s.OpenAPI()
	m.Flows.Password.Scopes["b"] = "B."
	if len(scopes) != 1 || len(s.OpenAPI().Flows.Password.Scopes) != 1 {
		t.Fatal("the model shares the scheme's scopes")
	}
}

func TestIncompleteSchemesPanicAtStartup(t *testing.T) {
	for _, tc := range []struct {
		want string
		f    func()
	}{
		{"OAuth2PasswordBearer needs a TokenURL", func() { ginauth.OAuth2PasswordBearer{}.Dep() }},
		{"the authorizationCode flow needs an AuthorizationURL", func() { ginauth.OAuth2AuthorizationCodeBearer{TokenURL: "t"}.Dep() }},
		{"the authorizationCode flow needs a TokenURL", func() { ginauth.OAuth2AuthorizationCodeBearer{AuthorizationURL: "a"}.Dep() }},
		{"the implicit flow needs an AuthorizationURL", func() { ginauth.OAuth2{Flows: openapi3.OAuthFlows{Implicit: &openapi3.OAuthFlow{}}}.Dep() }},
		{"the password flow needs a TokenURL", func() { ginauth.OAuth2{Flows: openapi3.OAuthFlows{Password: &openapi3.OAuthFlow{}}}.Dep() }},
		{"the clientCredentials flow needs a TokenURL", func() {
			ginauth.OAuth2{Flows: openapi3.OAuthFlows{ClientCredentials: &openapi3.OAuthFlow{}}}.Dep()
		}},
		{"OpenIdConnect needs an OpenIDConnectURL", func() { ginauth.OpenIdConnect{}.Dep() }},
		{"HTTPBase needs a Scheme", func() { ginauth.HTTPBase{}.Dep() }},
		{`an HTTP token, such as "bearer"; got "my scheme"`, func() { ginauth.HTTPBase{Scheme: "my scheme"}.Dep() }},
		{"APIKeyHeader needs a Name", func() { ginauth.APIKeyHeader{}.Dep() }},
		{"APIKeyQuery needs a Name", func() { ginauth.APIKeyQuery{}.Dep() }},
		{"APIKeyCookie needs a Name", func() { ginauth.APIKeyCookie{}.Dep() }},
	} {
		if msg := mustPanic(t, tc.f); !strings.Contains(msg, tc.want) {
			t.Errorf("panic %q, want it to say %q", msg, tc.want)
		}
	}
}

func TestSchemeNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		dep  interface{ Name() string }
	}{
		{"OAuth2PasswordBearer", ginauth.OAuth2PasswordBearer{TokenURL: "t"}.Dep()},
		{"OAuth2AuthorizationCodeBearer", ginauth.OAuth2AuthorizationCodeBearer{AuthorizationURL: "a", TokenURL: "t"}.Dep()},
		{"OAuth2", ginauth.OAuth2{}.Dep()},
		{"OpenIdConnect", ginauth.OpenIdConnect{OpenIDConnectURL: "u"}.Dep()},
		{"HTTPBase", ginauth.HTTPBase{Scheme: "x"}.Dep()},
		{"HTTPBearer", ginauth.HTTPBearer{}.Dep()},
		{"HTTPDigest", ginauth.HTTPDigest{}.Dep()},
		{"HTTPBasic", ginauth.HTTPBasic{}.Dep()},
		{"APIKeyHeader", ginauth.APIKeyHeader{Name: "k"}.Dep()},
		{"APIKeyQuery", ginauth.APIKeyQuery{Name: "k"}.Dep()},
		{"APIKeyCookie", ginauth.APIKeyCookie{Name: "k"}.Dep()},
		{"BearerCookie", ginauth.BearerCookie{}.Dep()},
		{"Custom", ginauth.HTTPBearer{SchemeName: "Custom"}.Dep()},
	} {
		if tc.dep.Name() != tc.name {
			t.Errorf("%s: named %q", tc.name, tc.dep.Name())
		}
	}
}
