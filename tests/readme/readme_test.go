// Package readme_test holds the README to what compiles: every Go block of
// the README must be found in a Go file under tests/readme or example_app,
// which the build compiles and vets; and the operation its Docs section
// shows must be the one the example app serves.
package readme_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/example_app/docs"
	"github.com/gindepends/gindepends/ginauth/authtest"
	"github.com/gindepends/gindepends/swagger"
)

// dedent trims each line's leading white space and drops blank lines, so
// that a block shown at top level matches the same lines in a function.
func dedent(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

func TestEveryGoBlockOfTheREADMECompiles(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var sources strings.Builder
	// The README shows the example app's handlers too, as they are.
	for _, root := range []string{".", "../../example_app"} {
		err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			sources.WriteString(dedent(string(b)) + "\n")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 8 {
		t.Fatalf("%d Go blocks in the README: the pattern no longer finds them", len(blocks))
	}
	for _, b := range blocks {
		if !strings.Contains(sources.String(), dedent(b[1])) {
			t.Errorf("this README block is in no file under tests/readme or example_app, so nothing compiles it:\n%s", b[1])
		}
	}
}

var docsOperation = regexp.MustCompile("(?s)## Docs\n.*?```json\n(.*?)```")

// The Docs section shows the operation of GET /users/me/items/ as the
// example app serves it, built from its declarations and annotations.
func TestTheREADMEShowsTheServedOperation(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := docsOperation.FindSubmatch(readme)
	if m == nil {
		t.Fatal("no JSON block in the README's Docs section")
	}
	gin.SetMode(gin.TestMode)
	doc, err := swagger.Build(app.Register(gin.New(), app.NewStore(), authtest.NewValidator()), swagger.Annotations(docs.SwaggerInfo))
	if err != nil {
		t.Fatal(err)
	}
	served, err := json.MarshalIndent(map[string]any{"/users/me/items/": map[string]any{"get": doc.Paths.Find("/users/me/items/").Get}}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(m[1]), served) {
		t.Errorf("the README's operation is not the one served; it is now:\n%s", served)
	}
}
