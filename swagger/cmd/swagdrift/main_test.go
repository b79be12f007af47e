package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}

const (
	agreeing = `{"swagger":"2.0","info":{},"paths":{
		"/items":{"get":{"security":[{"APIKeyHeader":[]}],"responses":{"200":{"description":"OK"}}}}},
		"securityDefinitions":{"APIKeyHeader":{"type":"apiKey","in":"header","name":"X-API-Key"}}}`
	// Another scheme, and a route that is not served.
	drifted = `{"swagger":"2.0","info":{},"paths":{
		"/items":{"get":{"security":[{"HTTPBasic":[]}],"responses":{"200":{"description":"OK"}}}},
		"/gone":{"get":{"responses":{"200":{"description":"OK"}}}}},
		"securityDefinitions":{"APIKeyHeader":{"type":"apiKey","in":"header","name":"X-API-Key"}}}`
)

const driftedReport = `GET /gone: annotated (@Router), but no route serves it: remove the annotations, or register the route
GET /items: @Security names HTTPBasic, a scheme that none of the routes uses (they use: APIKeyHeader)
	write:
		// @Security APIKeyHeader
GET /items: the annotations say HTTPBasic, the route requires APIKeyHeader
	write:
		// @Security APIKeyHeader
3 differences
`

// openAPI is the document an app with one route serves.
func openAPI(t *testing.T) []byte {
	t.Helper()
	r := di.NewRouter(gin.New())
	r.GET("/items", di.JSON1(ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(), func(*gin.Context, string) ([]string, error) { return nil, nil }))
	doc, err := swagger.Build(r)
	if err != nil {
		t.Fatal(err)
	}
	text, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// file writes text to a file of the test's directory and returns its path.
func file(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// server serves body at /openapi.json with status.
func server(t *testing.T, status int, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/openapi.json" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(func() {
		srv.Close()
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	})
	return srv
}

func TestRun(t *testing.T) {
	doc := openAPI(t)
	srv := server(t, http.StatusOK, doc)
	docFile := file(t, "openapi.json", string(doc))
	agree, drift := file(t, "agree.json", agreeing), file(t, "drift.json", drifted)
	missing := filepath.Join(t.TempDir(), "swagger.json")
	const ok = "the annotations agree with the declarations\n"
	for _, tc := range []struct {
		name, swag, openAPI string
		code                int
		stdout, stderr      string
	}{
		{"agreeing, from the app", agree, srv.URL + "/openapi.json", 0, ok, ""},
		{"agreeing, from a file", agree, docFile, 0, ok, ""},
		{"drifted, from the app", drift, srv.URL + "/openapi.json", 1, driftedReport, ""},
		{"drifted, from a file", drift, docFile, 1, driftedReport, ""},
		{"no swag file", missing, docFile, 2, "", "swagdrift: open " + missing + ": no such file or directory\n"},
		{"no OpenAPI file", agree, "missing.json", 2, "", "swagdrift: open missing.json: no such file or directory\n"},
		{"the app answers 404", agree, srv.URL + "/docs.json", 2, "", "swagdrift: " + srv.URL + "/docs.json: 404 Not Found\n"},
		{"swag's file is not Swagger 2.0", file(t, "bad.json", "[1]"), docFile, 2, "",
			"swagdrift: swagger: swag's document does not read as Swagger 2.0: json: cannot unmarshal array"},
		{"the OpenAPI document does not load", agree, file(t, "bad.json", "<html>"), 2, "", "swagdrift: swagger: the OpenAPI document does not load: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.swag, tc.openAPI, &stdout, &stderr)
			if code != tc.code || stdout.String() != tc.stdout || !strings.HasPrefix(stderr.String(), tc.stderr) || (tc.stderr == "") != (stderr.Len() == 0) {
				t.Errorf("run: exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}

func TestRunWhenTheAppIsDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/openapi.json"
	srv.Close()
	var stdout, stderr bytes.Buffer
	if code := run(file(t, "agree.json", agreeing), url, &stdout, &stderr); code != 2 || stdout.Len() != 0 ||
		!strings.HasPrefix(stderr.String(), "swagdrift: Get \""+url+"\": ") {
		t.Errorf("run: exit %d, stdout %q, stderr %q; want 2 and the error", code, &stdout, &stderr)
	}
}
