package swagger_test

import (
	"encoding/json"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger"
)

// The fuzzers' inputs are kept small, so that each run is quick and the
// fuzzer minimizes what it finds in little time: testdata/fuzz/<name>/
// holds edge cases by hand; the seeds below are the documents of a small
// app, which reads a form, a path and a JSON body under /api/v1, behind
// an OR and scopes.

func fuzzRouter() *di.Router {
	r := di.NewRouter(gin.New())
	api := r.Group("/api/v1")
	api.POST("/token", di.JSON1(ginauth.PasswordRequestForm, ok1[*ginauth.OAuth2PasswordRequestForm, Token]()))
	api.GET("/items/:id", di.JSON2(ginauth.AnyOf(apiKeyHeader, apiKeyQuery), di.Path[ItemPath](), ok2[ginauth.Credential[string], ItemPath, Item]()))
	api.POST("/items", di.JSON2(di.Security(oauth2Scheme, "items"), di.Body[Item](), ok2[string, Item, *Item]()), di.Status(201))
	api.GET("/report", di.Handle(func(c *gin.Context) {}))
	return r
}

const fuzzSwag = `{"swagger":"2.0","info":{"title":"T","version":"1"},"basePath":"/api/v1","paths":{
"/token":{"post":{"summary":"Log in","operationId":"login","parameters":[{"in":"formData","name":"username","type":"string","description":"u"},{"in":"formData","name":"remember","type":"boolean"}],"responses":{"200":{"description":"OK"}}}},
"/items/{id}":{"get":{"security":[{"APIKeyHeader":[],"APIKeyQuery":[]}],"parameters":[{"in":"path","name":"id","type":"integer","required":true},{"in":"query","name":"q","type":"string"}],"responses":{"200":{"description":"OK"},"404":{"description":"Not found","schema":{"$ref":"#/definitions/NotFound"}}}}},
"/items":{"post":{"security":[{"OAuth2PasswordBearer":["admin"]}],"parameters":[{"in":"body","name":"item","schema":{"$ref":"#/definitions/Item"}}],"responses":{"200":{"description":"OK"}}}},
"/report":{"get":{"responses":{"200":{"description":"OK","schema":{"type":"array","items":{"type":"string"}}}}}},
"/gone":{"get":{"responses":{"200":{"description":"OK"}}}}},
"definitions":{"Item":{"type":"object"},"NotFound":{"type":"object","properties":{"detail":{"type":"string"}}}},
"securityDefinitions":{"APIKeyHeader":{"type":"apiKey","in":"header","name":"X-Key"},"Legacy":{"type":"basic"},
"OAuth2PasswordBearer":{"type":"oauth2","flow":"password","tokenUrl":"/token","scopes":{"items":""}}}}`

// fuzzDocuments are fuzzRouter's documents, with and without fuzzSwag's
// prose merged.
func fuzzDocuments(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, opts := range [][]swagger.Option{nil, {swagger.Annotations(swagDoc(fuzzSwag))}} {
		doc, err := json.Marshal(mustBuild(f, fuzzRouter(), opts...))
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, doc)
	}
	return out
}

// DriftFromDocuments reads two documents from outside (swag's file and an
// app's answer): whatever they hold, it returns differences or an error,
// and never panics.
func FuzzDriftFromDocuments(f *testing.F) {
	for _, doc := range fuzzDocuments(f) {
		f.Add([]byte(fuzzSwag), doc)
	}
	f.Fuzz(func(t *testing.T, swag, openAPI []byte) {
		diffs, err := swagger.DriftFromDocuments(swag, openAPI)
		if err != nil && diffs != nil {
			t.Errorf("differences with an error: %v", err)
		}
		for _, d := range diffs {
			if d.Problem == "" {
				t.Errorf("a difference without a problem: %#v", d)
			}
			_ = d.String()
		}
	})
}

// Build merges whatever swag's document holds into fuzzRouter's: it never
// panics, and a document it returns is valid OpenAPI (Build validates it:
// a merge that breaks it is an error, not a broken document).
func FuzzBuildWithAnnotations(f *testing.F) {
	f.Add([]byte(fuzzSwag))
	api := fuzzRouter()
	f.Fuzz(func(t *testing.T, swag []byte) {
		doc, err := swagger.Build(api, swagger.Annotations(swagDoc(swag)))
		if err != nil {
			if doc != nil {
				t.Errorf("a document with an error: %v", err)
			}
			return
		}
		mustValidate(t, doc)
	})
}
