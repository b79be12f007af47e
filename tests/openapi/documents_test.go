package openapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/swagger"
	"github.com/gindepends/gindepends/tests/internal/exampletest"
)

// served starts the example app as `make run` does, on 127.0.0.1 with its
// data in a folder of the test's, and returns the document it serves at
// /openapi.json.
func served(t *testing.T) []byte {
	t.Helper()
	srv, _ := exampletest.Start(t, app.Config{})
	client := srv.Client()
	client.Timeout = 10 * time.Second
	resp, err := client.Get(srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /openapi.json: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	return body
}

// The document the example serves is valid OpenAPI 3.0.3 for kin-openapi at
// its strictest, and Redocly's linter finds nothing in it, not a warning.
func TestTheServedDocumentPassesTheValidators(t *testing.T) {
	doc := served(t)
	var head struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(doc, &head); err != nil || head.OpenAPI != swagger.OpenAPIVersion {
		t.Fatalf("the served document is not OpenAPI %s: %q %v", swagger.OpenAPIVersion, head.OpenAPI, err)
	}
	t.Run("kin-openapi", func(t *testing.T) {
		if err := kinValidate(doc); err != nil {
			t.Error(err)
		}
	})
	t.Run("Redocly", func(t *testing.T) {
		// Indented, so that Redocly's lines and columns point somewhere.
		var indented bytes.Buffer
		if err := json.Indent(&indented, doc, "", "  "); err != nil {
			t.Fatal(err)
		}
		file := writeTemp(t, "openapi.json", indented.Bytes())
		noProblems(t, "the served /openapi.json", lint(t, file)[0])
	})
}

// The swagger package's expected documents, swagger/testdata/*.json (its
// golden files, each the document Build returns for a test router), pass the
// same validators; redocly.yaml's apis say what of Redocly's recommendations
// a test router, with no annotations, cannot follow. (testdata/swag/ holds
// swag's Swagger 2.0 documents, the package's inputs: not OpenAPI 3.)
func TestTheSwaggerPackagesExpectedDocumentsPassTheValidators(t *testing.T) {
	files, err := filepath.Glob("../../swagger/testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("%d documents in swagger/testdata: the pattern no longer finds them", len(files))
	}
	for _, f := range files {
		t.Run("kin-openapi/"+filepath.Base(f), func(t *testing.T) {
			doc := readFile(t, f)
			var head struct {
				OpenAPI string `json:"openapi"`
			}
			if err := json.Unmarshal(doc, &head); err != nil || head.OpenAPI != swagger.OpenAPIVersion {
				t.Fatalf("%s is not OpenAPI %s: %q %v", f, swagger.OpenAPIVersion, head.OpenAPI, err)
			}
			if err := kinValidate(doc); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("Redocly", func(t *testing.T) {
		for i, problems := range lint(t, files...) {
			noProblems(t, "swagger/testdata/"+filepath.Base(files[i]), problems)
		}
	})
}
