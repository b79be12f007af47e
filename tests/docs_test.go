package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/example_app/docs"
	"github.com/gindepends/gindepends/swagger/swaggertest"
)

// The annotations of the example app say what its declarations enforce:
// stale annotations fail here, with the lines to write.
func TestExampleAppAnnotationsMatchDeclarations(t *testing.T) {
	api := app.Register(gin.New(), app.NewStore())
	swaggertest.NoDrift(t, api, docs.SwaggerInfo)
}

// The swag files are what `make docs` makes of the annotations now: the
// command of example_app/main.go's go:generate line, run into a temporary
// folder, writes the same bytes.
func TestExampleAppSwagFilesAreCurrent(t *testing.T) {
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
// security; Swagger UI at /docs, set up for the app's public client.
func TestExampleAppServesDocs(t *testing.T) {
	srv := newServer(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.URL + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != "/docs/index.html" {
		t.Fatalf("/docs: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
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
	if status, _, _ := call(t, srv, "GET", "/docs/oauth2-redirect.html", ""); status != 200 {
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
	me := doc.Paths.Find("/users/me").Get
	if me.Summary != "The current user" || me.Responses.Value("200").Value.Content.Get("application/json").Schema.Ref != "#/components/schemas/User" {
		t.Errorf("GET /users/me: %q", me.Summary)
	}
	scheme := doc.Components.SecuritySchemes["OAuth2PasswordBearer"].Value
	if b, _ := json.Marshal(scheme); string(b) != `{"flows":{"password":{"scopes":{"items":"Read items.","me":"Read information about the current user."},"tokenUrl":"/token"}},"type":"oauth2"}` {
		t.Errorf("OAuth2PasswordBearer: %s", b)
	}
}
