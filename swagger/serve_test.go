package swagger_test

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger"
)

// get sends GET target to h.
func get(h http.Handler, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w
}

func TestMountServesTheDocument(t *testing.T) {
	e := gin.New()
	api := bindingsRouter()
	swagger.Mount(e, api)
	// Mount is given the di router; its routes were registered on another
	// engine, which does not matter: the document is of the registry.
	w := get(e, "/openapi.json")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /openapi.json: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	built, err := swagger.Build(api)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, w.Body.Bytes(), built)
	golden(t, "bindings", w.Body.Bytes())
}

func TestMountBuildsTheDocumentAtItsFirstRequest(t *testing.T) {
	e := gin.New()
	api := di.NewRouter(e)
	swagger.Mount(e, api)
	api.GET("/later", di.JSON(ok[string]()))
	w := get(e, "/openapi.json")
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Paths["/later"]; !ok || len(doc.Paths) != 1 {
		t.Errorf("paths %v, want /later, registered after Mount, and not the docs' own routes", keys(doc.Paths))
	}
	// Concurrent first requests all get the document.
	e2 := gin.New()
	swagger.Mount(e2, bindingsRouter())
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Go(func() { codes[i] = get(e2, "/openapi.json").Code })
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("concurrent request %d: %d", i, c)
		}
	}
}

func TestMountServesSwaggerUI(t *testing.T) {
	e := gin.New()
	swagger.Mount(e, securityRouter(), swagger.ClientID("docs-client"))
	// The first request of the UI is its OAuth2 redirect page, as when the
	// authorization server sends the browser back to a fresh server.
	w := get(e, "/docs/oauth2-redirect.html")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "oauth2") {
		t.Errorf("GET /docs/oauth2-redirect.html: %d %.200s", w.Code, w.Body.String())
	}
	for _, target := range []string{"/docs", "/docs/"} {
		w := get(e, target)
		if w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != "/docs/index.html" {
			t.Errorf("GET %s: %d Location %q, want 307 to /docs/index.html", target, w.Code, w.Header().Get("Location"))
		}
	}
	w = get(e, "/docs/index.html")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(w.Body.String(), "swagger-ui") {
		t.Errorf("GET /docs/index.html: %d %q %.200s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	w = get(e, "/docs/swagger-initializer.js")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /docs/swagger-initializer.js: %d", w.Code)
	}
	for _, want := range []string{
		`url: "/openapi.json"`,
		`const defaultClientId = "docs-client";`,
		`usePkceWithAuthorizationCodeGrant: true`,
		`persistAuthorization: true`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("swagger-initializer.js does not say %s:\n%s", want, w.Body.String())
		}
	}
	if w := get(e, "/docs/swagger-ui-bundle.js"); w.Code != http.StatusOK || w.Body.Len() < 1000 {
		t.Errorf("GET /docs/swagger-ui-bundle.js: %d, %d bytes", w.Code, w.Body.Len())
	}
}

func TestMountOnAGroup(t *testing.T) {
	e := gin.New()
	api := di.NewRouter(e.Group("/api"))
	api.GET("/items", di.JSON(ok[[]Item]()))
	swagger.Mount(e.Group("/api"), api, swagger.ClientID("c"))

	w := get(e, "/api/openapi.json")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", w.Code)
	}
	if !strings.Contains(w.Body.String(), `"/api/items"`) {
		t.Errorf("the document has no /api/items: %s", w.Body.String())
	}
	for _, target := range []string{"/api/docs", "/api/docs/"} {
		if w := get(e, target); w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != "/api/docs/index.html" {
			t.Errorf("GET %s: %d Location %q, want 307 to /api/docs/index.html", target, w.Code, w.Header().Get("Location"))
		}
	}
	if w := get(e, "/api/docs/index.html"); w.Code != http.StatusOK {
		t.Errorf("GET /api/docs/index.html: %d", w.Code)
	}
	if w := get(e, "/api/docs/swagger-initializer.js"); !strings.Contains(w.Body.String(), `url: "/api/openapi.json"`) {
		t.Errorf("the UI does not point at /api/openapi.json:\n%s", w.Body.String())
	}
	for _, target := range []string{"/openapi.json", "/docs/index.html"} {
		if w := get(e, target); w.Code != http.StatusNotFound {
			t.Errorf("GET %s outside the group: %d, want 404", target, w.Code)
		}
	}
}

func TestMountPaths(t *testing.T) {
	e := gin.New()
	swagger.Mount(e, securityRouter(), swagger.Paths("/spec/openapi.json", "/swagger/"))
	if w := get(e, "/spec/openapi.json"); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("GET /spec/openapi.json: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	for _, target := range []string{"/swagger", "/swagger/"} {
		if w := get(e, target); w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != "/swagger/index.html" {
			t.Errorf("GET %s: %d Location %q, want 307 to /swagger/index.html", target, w.Code, w.Header().Get("Location"))
		}
	}
	if w := get(e, "/swagger/swagger-initializer.js"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `url: "/spec/openapi.json"`) {
		t.Errorf("GET /swagger/swagger-initializer.js: %d\n%s", w.Code, w.Body.String())
	}
	for _, target := range []string{"/openapi.json", "/docs/index.html"} {
		if w := get(e, target); w.Code != http.StatusNotFound {
			t.Errorf("GET %s, not mounted there: %d, want 404", target, w.Code)
		}
	}
}

func TestMountAnswers500WhenTheDocumentCannotBeBuilt(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(discard{})

	api := di.NewRouter(gin.New())
	api.GET("/a", di.JSON1(ginauth.APIKeyHeader{Name: "X-A", SchemeName: "key"}.Dep(), ok1[string, string]()))
	api.GET("/b", di.JSON1(ginauth.APIKeyQuery{Name: "b", SchemeName: "key"}.Dep(), ok1[string, string]()))
	e := gin.New()
	swagger.Mount(e, api)
	for range 2 { // built once, answered the same every time
		w := get(e, "/openapi.json")
		if w.Code != http.StatusInternalServerError || w.Body.String() != `{"detail":"Internal Server Error"}` {
			t.Errorf("GET /openapi.json: %d %s, want 500 {\"detail\":\"Internal Server Error\"}", w.Code, w.Body.String())
		}
	}
	if !strings.Contains(logged.String(), `swagger: /openapi.json: swagger: GET /b: two different schemes are named "key"`) {
		t.Errorf("the reason is not logged; the log says %q", logged.String())
	}
	if n := strings.Count(logged.String(), "two different schemes"); n != 1 {
		t.Errorf("the reason is logged %d times, want once", n)
	}
	// The UI is still served.
	if w := get(e, "/docs/index.html"); w.Code != http.StatusOK {
		t.Errorf("GET /docs/index.html: %d", w.Code)
	}
}

// discard is the log output of the other tests (TestMain's).
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
