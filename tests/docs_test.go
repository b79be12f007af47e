package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/example_app/docs"
	"github.com/gindepends/gindepends/swagger/swaggertest"
)

// The annotations of the example app say what its declarations enforce:
// stale annotations fail here, with the lines to write.
func TestExampleAppAnnotationsMatchDeclarations(t *testing.T) {
	t.Parallel()
	_, ex := start(t, app.Config{})
	swaggertest.NoDrift(t, ex.API, docs.SwaggerInfo)
}

// The swag files are what `make docs` makes of the annotations now: the
// command of example_app/main.go's go:generate line, run into a temporary
// folder, writes the same bytes.
func TestExampleAppSwagFilesAreCurrent(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the swag CLI")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is needed to run the swag CLI pinned in go.mod")
	}
	src, err := os.ReadFile("../example_app/main.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^//go:generate go (tool swag .*)$`).FindSubmatch(src)
	if m == nil {
		t.Fatal("example_app/main.go has no //go:generate go tool swag line")
	}
	out := filepath.Join(t.TempDir(), "docs") // swag names the package after the folder
	args := strings.Fields(string(m[1]))
	for i, a := range args {
		if a == "--output" {
			args[i+1] = out
		}
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = "../example_app"
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	for _, name := range []string{"docs.go", "swagger.json"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("../example_app/docs", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("example_app/docs/%s is stale: run make docs", name)
		}
	}
}

// The example app serves its docs as FastAPI does: the document at
// /openapi.json, valid, with the annotations' prose and the declarations'
// security; Swagger UI at /docs, set up for the app's public client, whose
// redirect page is the client's redirect URI.
func TestExampleAppServesDocs(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	run(t, srv, []exchange{{name: "/docs", path: "/docs", status: http.StatusTemporaryRedirect,
		want: `<a href="/docs/index.html">Temporary Redirect</a>.` + "\n\n", more: []string{"Location", "/docs/index.html"}}})
	status, hdr, body := call(t, srv, "GET", "/docs/index.html", "")
	if status != 200 || hdr.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(body, `<div id="swagger-ui">`) {
		t.Fatalf("/docs/index.html: %d %s", status, hdr.Get("Content-Type"))
	}
	_, _, js := call(t, srv, "GET", "/docs/swagger-initializer.js", "")
	for _, want := range []string{`url: "/openapi.json"`, `const defaultClientId = "example-app";`, `usePkceWithAuthorizationCodeGrant: true`, `persistAuthorization: true`} {
		if !strings.Contains(js, want) {
			t.Errorf("swagger-initializer.js lacks %s", want)
		}
	}
	if status, _, body := call(t, srv, "GET", redirectPath, ""); status != 200 || !strings.Contains(body, "oauth2") {
		t.Errorf("oauth2-redirect.html: %d", status)
	}

	_, _, text := call(t, srv, "GET", "/openapi.json", "")
	doc, err := openapi3.NewLoader().LoadFromData([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.Info.Title != "gindepends example API" || doc.Info.Version != "0.1.0" {
		t.Errorf("info %+v", doc.Info)
	}
	me := doc.Paths.Find("/users/me/").Get
	if me.Summary != "The current user" || me.Responses.Value("200").Value.Content.Get("application/json").Schema.Ref != "#/components/schemas/User" {
		t.Errorf("GET /users/me/: %q", me.Summary)
	}
	// Swagger UI's Authorize dialog offers both flows, at the server's
	// endpoints, which the tests above show to work.
	scheme := doc.Components.SecuritySchemes["OAuth2AuthorizationCodeBearer"].Value
	const want = `{"flows":{` +
		`"authorizationCode":{"authorizationUrl":"/oauth/authorize","refreshUrl":"/oauth/token","scopes":{"items":"Read items.","me":"Read information about the current user."},"tokenUrl":"/oauth/token"},` +
		`"password":{"refreshUrl":"/oauth/token","scopes":{"items":"Read items.","me":"Read information about the current user."},"tokenUrl":"/oauth/token"}},` +
		`"type":"oauth2"}`
	if b, _ := json.Marshal(scheme); string(b) != want {
		t.Errorf("OAuth2AuthorizationCodeBearer:\n%s\nwant\n%s", b, want)
	}
	if names := slices.Sorted(maps.Keys(doc.Components.SecuritySchemes)); !slices.Equal(names, []string{"APIKeyCookie", "APIKeyHeader", "HTTPBasic", "OAuth2AuthorizationCodeBearer"}) {
		t.Errorf("security schemes %v", names)
	}
}

// The served document lists every route with the security it enforces:
// an AnyOf as alternatives, optional authentication as an added {}, the
// scopes required where a token is used.
func TestExampleAppDocsSecurity(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	status, hdr, body := call(t, srv, "GET", "/openapi.json", "")
	if status != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %s", status, hdr.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Security any `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range slices.Sorted(maps.Keys(doc.Paths)) {
		for _, m := range slices.Sorted(maps.Keys(doc.Paths[p])) {
			sec, _ := json.Marshal(doc.Paths[p][m].Security)
			got = append(got, m+" "+p+" "+string(sec))
		}
	}
	want := []string{
		`get / []`,
		`get /basic/me [{"HTTPBasic":[]}]`,
		`get /greeting [{"OAuth2AuthorizationCodeBearer":[]},{}]`,
		`get /items [{"APIKeyHeader":[]},{"APIKeyCookie":[]}]`,
		`get /items/{id} [{"APIKeyHeader":[]},{"APIKeyCookie":[]}]`,
		`get /my/items [{"OAuth2AuthorizationCodeBearer":["items","me"]}]`,
		`post /my/items [{"OAuth2AuthorizationCodeBearer":["items","me"]}]`,
		`get /ready []`,
		`get /status/ [{"OAuth2AuthorizationCodeBearer":[]}]`,
		`get /users/me/ [{"OAuth2AuthorizationCodeBearer":["me"]}]`,
		`get /users/me/items/ [{"OAuth2AuthorizationCodeBearer":["items","me"]}]`,
	}
	if doc.OpenAPI != "3.0.3" || !slices.Equal(got, want) {
		t.Fatalf("openapi %s, operations:\n%s", doc.OpenAPI, strings.Join(got, "\n"))
	}
}
