package swagger_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger"
)

// driftWant is every difference between driftRouter and
// testdata/swag/drift.json, in the order Drift reports them: general API
// info first, then by operation.
var driftWant = []swagger.Difference{
	// Security definitions: different, missing, unused.
	{"", "the security definition of APIKeyHeader differs from the scheme the routes use",
		"// @securityDefinitions.apikey APIKeyHeader\n// @in header\n// @name X-API-Key"},
	{"", "no security definition for HTTPBasic, a scheme the routes use (separate definitions with a line that is not a comment: swag reads one up to the end of its comment)",
		"// @securityDefinitions.basic HTTPBasic"},
	{"", "@securityDefinitions defines Legacy, which no route uses: remove it, or use the scheme", ""},
	// @Success 200 on a route that answers 204 without content.
	{"DELETE /items/{id}", "@Success 200, but the route answers 204", "// @Success 204"},
	// Served, not annotated: the @Security and @Router lines to write.
	{"GET /admin", "served, but not annotated", "// @Security OAuth2PasswordBearer[admin]\n// @Router /admin [get]"},
	// A || B, which swag reads as AND.
	{"GET /items", "@Security requires APIKeyHeader and APIKeyQuery together, but any one of them is enough: swag reads || as AND, like &&; write one @Security line for each",
		"// @Security APIKeyHeader\n// @Security APIKeyQuery"},
	// A query parameter no binding reads.
	{"GET /items", "@Param page (query) is read by no binding of the route: remove it, or bind it", ""},
	// Another scheme than the route's.
	{"GET /items/{id}", "the annotations say HTTPBasic, the route requires APIKeyHeader", "// @Security APIKeyHeader"},
	// Annotated, not served.
	{"GET /legacy", "annotated (@Router), but no route serves it: remove the annotations, or register the route", ""},
	// A scope no scheme declares; another success status, of a list.
	{"GET /reports", `@Security asks OAuth2PasswordBearer for the scope "superuser", which it does not declare`, "// @Security OAuth2PasswordBearer[admin]"},
	{"GET /reports", "@Success 202, but the route answers 200", "// @Success 200 {array} string"},
	// Other scopes; a body the route does not read.
	{"GET /users/me", "the annotations say OAuth2PasswordBearer[items], the route requires OAuth2PasswordBearer[me]", "// @Security OAuth2PasswordBearer[me]"},
	{"GET /users/me", "@Param user (body) is read by no binding of the route: remove it, or bind it", ""},
	// A scheme that does not exist; another success status, of a model.
	{"POST /items", "@Security names OAuth2, a scheme that none of the routes uses (they use: APIKeyHeader, APIKeyQuery, HTTPBasic, HTTPBearer, OAuth2PasswordBearer)",
		"// @Security OAuth2PasswordBearer[items]"},
	{"POST /items", "the annotations say OAuth2[items], the route requires OAuth2PasswordBearer[items]", "// @Security OAuth2PasswordBearer[items]"},
	{"POST /items", "@Success 200, but the route answers 201", "// @Success 201 {object} Item"},
	// A form field the form does not have.
	{"POST /token", "@Param remember (formData) is read by no binding of the route: remove it, or bind it", ""},
}

// sameDifferences fails t with the differences of got and want, one by one.
func sameDifferences(t *testing.T, got, want []swagger.Difference) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("missing difference %d: %#v", i, want[i])
		case i >= len(want):
			t.Errorf("unexpected difference %d: %#v", i, got[i])
		case got[i] != want[i]:
			t.Errorf("difference %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
}

func TestDriftReportsEveryDifference(t *testing.T) {
	diffs, err := swagger.Drift(driftRouter(), swagFile(t, "drift.json"))
	if err != nil {
		t.Fatal(err)
	}
	sameDifferences(t, diffs, driftWant)
}

func TestDriftFromDocumentsReportsWhatDriftDoes(t *testing.T) {
	swag := swagFile(t, "drift.json")
	for _, tc := range []struct {
		name string
		opts []swagger.Option
	}{
		{"the declarations' document", nil},
		// What an app serves at /openapi.json: swag's prose merged.
		{"the document served, with swag's annotations", []swagger.Option{swagger.Annotations(swag)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			served, err := json.Marshal(mustBuild(t, driftRouter(), tc.opts...))
			if err != nil {
				t.Fatal(err)
			}
			// Many times: the report must not depend on map order.
			for range 20 {
				diffs, err := swagger.DriftFromDocuments([]byte(swag), served)
				if err != nil {
					t.Fatal(err)
				}
				sameDifferences(t, diffs, driftWant)
				if t.Failed() {
					return
				}
			}
		})
	}
}

func TestDriftAgreeingAnnotationsReportNothing(t *testing.T) {
	swag := swagFile(t, "agree.json")
	diffs, err := swagger.Drift(driftRouter(), swag)
	if err != nil {
		t.Fatal(err)
	}
	sameDifferences(t, diffs, nil)

	served, err := json.Marshal(mustBuild(t, driftRouter(), swagger.Annotations(swag)))
	if err != nil {
		t.Fatal(err)
	}
	diffs, err = swagger.DriftFromDocuments([]byte(swag), served)
	if err != nil {
		t.Fatal(err)
	}
	sameDifferences(t, diffs, nil)
}

func TestDriftSchemesSwagger2CannotDefine(t *testing.T) {
	// Swagger 2.0 has no HTTP bearer, digest or OpenID Connect scheme: no
	// definition is asked for, and any is accepted.
	r := di.NewRouter(gin.New())
	r.GET("/bearer", di.JSON1(ginauth.HTTPBearer{}.Dep(), ok1[*ginauth.HTTPAuthorizationCredentials, string]()))
	r.GET("/digest", di.JSON1(ginauth.HTTPDigest{}.Dep(), ok1[*ginauth.HTTPAuthorizationCredentials, string]()))
	r.GET("/oidc", di.JSON1(oidcScheme, ok1[string, string]()))
	for _, defs := range []string{`{}`, `{"HTTPBearer":{"type":"apiKey","name":"Authorization","in":"header"}}`} {
		diffs, err := swagger.Drift(r, swagDoc(`{"swagger":"2.0","info":{},"paths":{
			"/bearer":{"get":{"security":[{"HTTPBearer":[]}],"responses":{"200":{"description":"OK"}}}},
			"/digest":{"get":{"security":[{"HTTPDigest":[]}],"responses":{"200":{"description":"OK"}}}},
			"/oidc":{"get":{"security":[{"OpenIdConnect":[]}],"responses":{"200":{"description":"OK"}}}}},
			"securityDefinitions":`+defs+`}`))
		if err != nil {
			t.Fatal(err)
		}
		sameDifferences(t, diffs, nil)
	}
}

func TestDriftSecurityDefinitionsOfEveryKind(t *testing.T) {
	// The Fix of a missing definition is the block to paste into main.go.
	diffs, err := swagger.Drift(schemesRouter(), swagDoc(`{"swagger":"2.0","info":{},"paths":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	fixes := map[string]string{}
	for _, d := range diffs {
		if d.Operation != "" {
			continue // no route is annotated
		}
		rest, ok := strings.CutPrefix(d.Problem, "no security definition for ")
		name, _, _ := strings.Cut(rest, ",")
		if !ok {
			t.Errorf("unexpected difference %v", d)
			continue
		}
		fixes[name] = d.Fix
	}
	for name, want := range map[string]string{
		"HTTPBasic":    "// @securityDefinitions.basic HTTPBasic",
		"APIKeyHeader": "// @securityDefinitions.apikey APIKeyHeader\n// @in header\n// @name X-API-Key",
		"APIKeyQuery":  "// @securityDefinitions.apikey APIKeyQuery\n// @in query\n// @name api_key",
		"APIKeyCookie": "// @securityDefinitions.apikey APIKeyCookie\n// @in cookie\n// @name api_key",
		"BearerCookie": "// @securityDefinitions.apikey BearerCookie\n// @in cookie\n// @name __Host-access_token",
		"OAuth2PasswordBearer": "// @securityDefinitions.oauth2.password OAuth2PasswordBearer\n// @tokenUrl /token\n" +
			"// @scope.admin Administer the API.\n// @scope.items Read items.\n// @scope.me Read information about the current user.",
		"OAuth2AuthorizationCodeBearer": "// @securityDefinitions.oauth2.accessCode OAuth2AuthorizationCodeBearer\n" +
			"// @tokenUrl https://auth.example.com/token\n// @authorizationUrl https://auth.example.com/authorize\n" +
			"// @scope.openid Sign in.\n// @scope.profile Read the profile.",
		// Several flows: the first of password, accessCode, implicit,
		// application is written; each of them is accepted.
		"OAuth2Flows": "// @securityDefinitions.oauth2.accessCode OAuth2Flows\n" +
			"// @tokenUrl https://auth.example.com/token\n// @authorizationUrl https://auth.example.com/authorize\n" +
			"// @description Every flow but password.",
	} {
		if fixes[name] != want {
			t.Errorf("the definition of %s:\n got %q\nwant %q", name, fixes[name], want)
		}
	}
	if len(fixes) != 8 {
		t.Errorf("definitions asked for: %v, want the 8 that Swagger 2.0 can say", keys(fixes))
	}
	// Any one flow of several is the scheme.
	for _, def := range []string{
		`{"type":"oauth2","flow":"implicit","authorizationUrl":"https://auth.example.com/authorize","scopes":{"read":"Read."}}`,
		`{"type":"oauth2","flow":"application","tokenUrl":"https://auth.example.com/token","scopes":{"read":"Read.","write":"Write."}}`,
		`{"type":"oauth2","flow":"accessCode","authorizationUrl":"https://auth.example.com/authorize","tokenUrl":"https://auth.example.com/token"}`,
	} {
		diffs, err := swagger.Drift(schemesRouter(), swagDoc(`{"swagger":"2.0","info":{},"paths":{},"securityDefinitions":{"OAuth2Flows":`+def+`}}`))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range diffs {
			if strings.Contains(d.Problem, "OAuth2Flows") {
				t.Errorf("with the definition %s: %v", def, d)
			}
		}
	}
}

func TestDriftOptionalAndAlternatives(t *testing.T) {
	// swag cannot say "or none": an optional requirement is written as a
	// required one; alternatives are one @Security line each.
	r := di.NewRouter(gin.New())
	r.GET("/optional", di.JSON1(di.Optional(currentUser), ok1[*User, string]()))
	r.GET("/or", di.JSON1(ginauth.AnyOf(apiKeyHeader, apiKeyQuery), ok1[ginauth.Credential[string], string]()))
	r.GET("/and", di.JSON2(apiKeyHeader, apiKeyQuery, ok2[string, string, string]()))
	diffs, err := swagger.Drift(r, swagDoc(`{"swagger":"2.0","info":{},"paths":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]string{}
	for _, d := range diffs {
		if d.Operation != "" {
			routes[d.Operation] = d.Fix
		}
	}
	for op, want := range map[string]string{
		"GET /optional": "// @Security OAuth2PasswordBearer[me]\n// @Router /optional [get]",
		"GET /or":       "// @Security APIKeyHeader\n// @Security APIKeyQuery\n// @Router /or [get]",
		"GET /and":      "// @Security APIKeyHeader && APIKeyQuery\n// @Router /and [get]",
	} {
		if routes[op] != want {
			t.Errorf("%s: fix\n%s\nwant\n%s", op, routes[op], want)
		}
	}
	// And `A && B` where both are required is no difference, in any order.
	diffs, err = swagger.Drift(r, swagDoc(`{"swagger":"2.0","info":{},"paths":{
		"/optional":{"get":{"security":[{"OAuth2PasswordBearer":["me"]}],"responses":{}}},
		"/or":{"get":{"security":[{"APIKeyQuery":[]},{"APIKeyHeader":[]}],"responses":{}}},
		"/and":{"get":{"security":[{"APIKeyQuery":[],"APIKeyHeader":[]}],"responses":{}}}},
		"securityDefinitions":{"OAuth2PasswordBearer":{"type":"oauth2","flow":"password","tokenUrl":"/token","scopes":{"me":"","items":"","admin":""}},
		"APIKeyHeader":{"type":"apiKey","in":"header","name":"X-API-Key"},"APIKeyQuery":{"type":"apiKey","in":"query","name":"api_key"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	sameDifferences(t, diffs, nil)
}

func TestDriftErrors(t *testing.T) {
	if _, err := swagger.Drift(driftRouter(), swagDoc("not JSON")); err == nil || !strings.Contains(err.Error(), "swag's document does not read as Swagger 2.0") {
		t.Errorf("Drift with a swag document that is not JSON: %v", err)
	}
	conflict := di.NewRouter(gin.New())
	conflict.GET("/a", di.JSON1(ginauth.APIKeyHeader{Name: "X-A", SchemeName: "key"}.Dep(), ok1[string, string]()))
	conflict.GET("/b", di.JSON1(ginauth.APIKeyQuery{Name: "b", SchemeName: "key"}.Dep(), ok1[string, string]()))
	if _, err := swagger.Drift(conflict, swagFile(t, "agree.json")); err == nil || !strings.Contains(err.Error(), `two different schemes are named "key"`) {
		t.Errorf("Drift of routes that cannot be documented: %v", err)
	}
	if _, err := swagger.DriftFromDocuments([]byte("[]"), []byte(`{"openapi":"3.0.3"}`)); err == nil || !strings.Contains(err.Error(), "swag's document does not read as Swagger 2.0") {
		t.Errorf("DriftFromDocuments with a swag document that is not an object: %v", err)
	}
	for _, doc := range []string{"<html>", "null", "{}", `{"swagger":"2.0","paths":{}}`} {
		// Any of these would make every annotated route look unserved.
		if _, err := swagger.DriftFromDocuments([]byte(`{"swagger":"2.0"}`), []byte(doc)); err == nil || !strings.HasPrefix(err.Error(), "swagger: the OpenAPI document does not load") {
			t.Errorf("DriftFromDocuments with the OpenAPI document %s: %v", doc, err)
		}
	}
}

func TestDifferenceString(t *testing.T) {
	for _, tc := range []struct {
		d    swagger.Difference
		want string
	}{
		{driftWant[4], "GET /admin: served, but not annotated\n\twrite:\n\t\t// @Security OAuth2PasswordBearer[admin]\n\t\t// @Router /admin [get]"},
		{driftWant[2], "general API info (main.go): @securityDefinitions defines Legacy, which no route uses: remove it, or use the scheme"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("String:\n got %q\nwant %q", got, tc.want)
		}
		if got := fmt.Sprint(tc.d); got != tc.want {
			t.Errorf("Sprint does not use String: %q", got)
		}
	}
}

// A handler that writes its own answer has no status the code knows: its
// @Success is the team's to say. One that returns its answer has one, and
// an annotation that says another is drift.
func TestDriftSuccessOfHandlersThatWriteTheirOwnAnswer(t *testing.T) {
	api := di.NewRouter(gin.New())
	api.POST("/own", di.Handle(func(c *gin.Context) { c.Status(http.StatusCreated) }))
	api.POST("/typed", di.JSON(func(*gin.Context) (string, error) { return "", nil }), di.Status(http.StatusCreated))
	ann := swagDoc(`{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{` +
		`"/own":{"post":{"responses":{"201":{"description":"Created"}}}},` +
		`"/typed":{"post":{"responses":{"200":{"description":"OK"}}}}}}`)
	diffs, err := swagger.Drift(api, ann)
	if err != nil {
		t.Fatal(err)
	}
	sameDifferences(t, diffs, []swagger.Difference{{Operation: "POST /typed",
		Problem: "@Success 200, but the route answers 201", Fix: "// @Success 201 {object} string"}})
}
