package swagger_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/swagger"
)

// testdata/merged.json is mergeRouter's document with
// testdata/swag/merge.json's annotations.
func TestMergeExpectedDocument(t *testing.T) {
	golden(t, "merged", mustBuild(t, mergeRouter(), swaggerAnnotations(t, "merge.json")))
}

func TestMergeTakesProseFromSwag(t *testing.T) {
	doc := mustBuild(t, mergeRouter(), swaggerAnnotations(t, "merge.json"))
	for _, tc := range []struct {
		method, path             string
		summary, description, id string
		tags                     []string
		deprecated               bool
	}{
		{"GET", "/api/v1/items", "List items", "The items, a page at a time.", "listItems", []string{"items"}, false},
		{"POST", "/api/v1/items", "Create an item", "", "createItem", []string{"items"}, false},
		{"GET", "/api/v1/items/{id}", "One item", "", "getApiV1ItemsById", []string{"items"}, true},
		{"POST", "/api/v1/token", "Log in", "Trade a user name and a password for an access token.", "login", []string{"auth"}, false},
		// Not annotated: what the declarations give.
		{"GET", "/api/v1/health", "", "", "getApiV1Health", nil, false},
	} {
		op := operation(t, doc, tc.method, tc.path)
		if op.Summary != tc.summary || op.Description != tc.description || op.OperationID != tc.id ||
			strings.Join(op.Tags, ",") != strings.Join(tc.tags, ",") || op.Deprecated != tc.deprecated {
			t.Errorf("%s %s: summary %q, description %q, operationId %q, tags %q, deprecated %v\nwant %q, %q, %q, %q, %v",
				tc.method, tc.path, op.Summary, op.Description, op.OperationID, op.Tags, op.Deprecated,
				tc.summary, tc.description, tc.id, tc.tags, tc.deprecated)
		}
	}
	if len(doc.Tags) != 2 || doc.Tags[0].Name != "auth" || doc.Tags[1].Description != "Operations on items" {
		t.Errorf("tags: %+v, want swag's auth and items, with their descriptions", doc.Tags)
	}
}

func TestMergeKeepsDeclaredSecurityParametersBodiesAndModels(t *testing.T) {
	doc := mustBuild(t, mergeRouter(), swaggerAnnotations(t, "merge.json"))

	// swag says OAuth2PasswordBearer[items]; the route requires an API key.
	if got := securityOf(t, operation(t, doc, "GET", "/api/v1/items")); got != `[{"APIKeyHeader":[]}]` {
		t.Errorf("GET /api/v1/items security %s, want the declared [{\"APIKeyHeader\":[]}]", got)
	}
	// swag says skip is a string; the binding reads an int, 0 by default.
	items := operation(t, doc, "GET", "/api/v1/items")
	skip := items.Parameters.GetByInAndName("query", "skip")
	if skip == nil {
		t.Fatal("no query parameter skip")
	}
	sameJSON(t, skip, `{"name":"skip","in":"query","description":"How many items to skip","schema":{"type":"integer","default":0,"minimum":0}}`)
	if len(items.Parameters) != 8 {
		t.Errorf("GET /api/v1/items has %d parameters, want the 8 of ItemQuery", len(items.Parameters))
	}
	// The body is the declared model, described by swag.
	sameJSON(t, operation(t, doc, "POST", "/api/v1/items").RequestBody,
		`{"description":"The item to create","required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Item"}}}}`)
	// The form's fields take swag's descriptions.
	form := doc.Components.Schemas["Body_login"]
	if form == nil {
		t.Fatalf("no Body_login schema (the form body is named after swag's operationId); schemas: %v", keys(doc.Components.Schemas))
	}
	if d := form.Value.Properties["username"].Value.Description; d != "Your user name" {
		t.Errorf("username's description %q, want swag's", d)
	}
	// Models: the declared Item, not swag's app.Item, which nothing uses.
	for name, want := range map[string]bool{"Item": true, "Token": true, "app.Item": false, "app.Token": false} {
		if _, have := doc.Components.Schemas[name]; have != want {
			t.Errorf("components.schemas[%q]: present %v, want %v", name, have, want)
		}
	}
}

func TestMergeAddsResponsesTheCodeDoesNotKnow(t *testing.T) {
	doc := mustBuild(t, mergeRouter(), swaggerAnnotations(t, "merge.json"))
	for _, tc := range []struct {
		method, path, code, want string
	}{
		// A status the code does not answer itself, with its model imported.
		{"GET", "/api/v1/items/{id}", "404", `{"description":"Item not found","content":{"application/json":{"schema":{"$ref":"#/components/schemas/app.NotFound"}}}}`},
		{"POST", "/api/v1/items", "409", `{"description":"An item of that name exists","content":{"application/json":{"schema":{"$ref":"#/components/schemas/app.Conflict"}}}}`},
		// swag's description of a declared response, the declared model.
		{"POST", "/api/v1/items", "201", `{"description":"The item created","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Item"}}}}`},
		{"GET", "/api/v1/items", "200", `{"description":"A page of items","content":{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/Item"}}}}}`},
		// A handler that writes its own answer: the model is swag's.
		{"GET", "/api/v1/report", "200", `{"description":"The report","content":{"application/json":{"schema":{"$ref":"#/components/schemas/app.Report"}}}}`},
	} {
		r := operation(t, doc, tc.method, tc.path).Responses.Value(tc.code)
		if r == nil {
			t.Errorf("%s %s: no %s response", tc.method, tc.path, tc.code)
			continue
		}
		sameJSON(t, r, tc.want)
	}
	// Imported at any depth: app.NotFound refers to app.Links.
	sameJSON(t, doc.Components.Schemas["app.NotFound"],
		`{"type":"object","properties":{"detail":{"type":"string"},"links":{"$ref":"#/components/schemas/app.Links"}}}`)
	sameJSON(t, doc.Components.Schemas["app.Links"], `{"type":"object","properties":{"self":{"type":"string"}}}`)
}

func TestInfo(t *testing.T) {
	const noInfo = `{"swagger":"2.0","info":{"contact":{}},"paths":{}}`
	for _, tc := range []struct {
		name string
		opts []swagger.Option
		want string
	}{
		{"defaults", nil, `{"title":"API","version":"0.1.0"}`},
		{"options", []swagger.Option{swagger.Title("Mine"), swagger.Version("3.0.0"), swagger.Description("My API.")},
			`{"title":"Mine","version":"3.0.0","description":"My API."}`},
		{"swag's", []swagger.Option{swaggerAnnotations(t, "merge.json")},
			`{"title":"Items API","version":"2.1.0","description":"Items, and who owns them.","contact":{}}`},
		{"options over swag's", []swagger.Option{swaggerAnnotations(t, "merge.json"), swagger.Title("Mine"), swagger.Version("3.0.0"), swagger.Description("My API.")},
			`{"title":"Mine","version":"3.0.0","description":"My API.","contact":{}}`},
		{"one option over swag's", []swagger.Option{swaggerAnnotations(t, "merge.json"), swagger.Version("3.0.0")},
			`{"title":"Items API","version":"3.0.0","description":"Items, and who owns them.","contact":{}}`},
		{"swag without title or version", []swagger.Option{swagger.Annotations(swagDoc(noInfo))},
			`{"title":"API","version":"0.1.0","contact":{}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sameJSON(t, mustBuild(t, mergeRouter(), tc.opts...).Info, tc.want)
		})
	}
}

func TestSwagBasePath(t *testing.T) {
	// swag writes paths without its basePath; gin has them with it.
	r := di.NewRouter(gin.New())
	v1 := r.Group("/api/v1")
	v1.GET("/items", di.JSON(ok[string]()))
	v1.GET("/items/", di.JSON(ok[int]()))
	v1.GET("/items/:id", di.JSON(ok[string]()))
	r.GET("/health", di.JSON(ok[string]()))
	for _, base := range []string{"/api/v1", "/api/v1/"} {
		t.Run(base, func(t *testing.T) {
			doc := mustBuild(t, r, swagger.Annotations(swagDoc(`{"swagger":"2.0","info":{},"basePath":"`+base+`","paths":{
				"/items":{"get":{"summary":"List","responses":{"200":{"description":"OK"}}}},
				"/items/":{"get":{"summary":"List, with a slash","responses":{"200":{"description":"OK"}}}},
				"/items/{id}":{"get":{"summary":"One","responses":{"200":{"description":"OK"}}}}}}`)))
			for path, want := range map[string]string{"/api/v1/items": "List", "/api/v1/items/": "List, with a slash", "/api/v1/items/{id}": "One", "/health": ""} {
				if got := operation(t, doc, "GET", path).Summary; got != want {
					t.Errorf("GET %s: summary %q, want %q", path, got, want)
				}
			}
		})
	}
}

func TestBuildRefusesAnUnreadableSwagDocument(t *testing.T) {
	for _, text := range []string{"", "not JSON", `{"swagger":"2.0","paths":[]}`} {
		_, err := swagger.Build(mergeRouter(), swagger.Annotations(swagDoc(text)))
		if err == nil || !strings.Contains(err.Error(), "swagger: swag's document does not read as Swagger 2.0") {
			t.Errorf("Build with swag document %q: error %v, want it to say the document does not read as Swagger 2.0", text, err)
		}
	}
}

func TestMergeAddsNoSuccessStatusTheRouteDoesNotAnswer(t *testing.T) {
	// drift.json says @Success 200 where the routes answer 201 and 204: the
	// document says what the routes answer (and Drift reports the rest).
	doc := mustBuild(t, driftRouter(), swaggerAnnotations(t, "drift.json"))
	for _, tc := range []struct {
		method, path string
		codes        []string
	}{
		{"POST", "/items", []string{"201", "401", "403", "413", "422"}},
		{"DELETE", "/items/{id}", []string{"204", "401", "422"}},
		{"GET", "/reports", []string{"200", "401", "403"}},
	} {
		if got := responseCodes(operation(t, doc, tc.method, tc.path)); !slices.Equal(got, tc.codes) {
			t.Errorf("%s %s answers %v, want %v", tc.method, tc.path, got, tc.codes)
		}
	}
}

type traced struct {
	Trace string `header:"X-Request-ID"`
}

// swag keeps a header's name as written; the description still reaches the
// parameter, as header names are case-insensitive.
func TestMergeDescribesHeadersWhateverTheirCase(t *testing.T) {
	api := di.NewRouter(gin.New())
	api.GET("/t", di.JSON1(di.Header[traced](), func(*gin.Context, traced) (string, error) { return "", nil }))
	ann := swagDoc(`{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/t":{"get":{"parameters":[` +
		`{"type":"string","description":"The request's ID, for the logs","name":"x-request-id","in":"header"}],"responses":{"200":{"description":"OK"}}}}}}`)
	doc := mustBuild(t, api, swagger.Annotations(ann))
	if p := operation(t, doc, "GET", "/t").Parameters.GetByInAndName("header", "X-Request-ID"); p == nil || p.Description != "The request's ID, for the logs" {
		t.Fatalf("header parameter: %+v", p)
	}
}
