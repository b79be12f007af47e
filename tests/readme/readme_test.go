// Package readme_test holds the README to what compiles: every Go block of
// the README must be found in a Go file under tests/readme, which the
// build compiles and vets.
package readme_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
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
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 8 {
		t.Fatalf("%d Go blocks in the README: the pattern no longer finds them", len(blocks))
	}
	for _, b := range blocks {
		if !strings.Contains(sources.String(), dedent(b[1])) {
			t.Errorf("this README block is in no file under tests/readme, so nothing compiles it:\n%s", b[1])
		}
	}
}
