// Package tutorials_test measures the ports against FastAPI's tutorials.
package tutorials_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// codeLines counts the lines that are neither blank nor comments.
func codeLines(t *testing.T, path, comment string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, comment) {
			n++
		}
	}
	return n
}

var row = regexp.MustCompile(`(?m)^\| \[(\d{3})\]\(tests/tutorials/tutorial\d{3}/app\.go\) \|[^|]*\| (\d+) \| (\d+) \|$`)

// The README's table says what the files count, and the scopes tutorial,
// whose Python checks tokens by hand, is shorter in Go.
func TestTheREADMEsLineCountsAreMeasured(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := row.FindAllStringSubmatch(string(readme), -1)
	if len(rows) != 7 {
		t.Fatalf("%d tutorial rows in the README, want 7", len(rows))
	}
	for _, r := range rows {
		py := codeLines(t, fmt.Sprintf("testdata/tutorial%s.py", r[1]), "#")
		goLines := codeLines(t, fmt.Sprintf("tutorial%s/app.go", r[1]), "//")
		if r[2] != strconv.Itoa(py) || r[3] != strconv.Itoa(goLines) {
			t.Errorf("tutorial %s: the README says %s Python and %s Go lines; the files have %d and %d", r[1], r[2], r[3], py, goLines)
		}
		if r[1] == "005" && goLines >= py {
			t.Errorf("the scopes tutorial takes %d lines in Go, %d in Python", goLines, py)
		}
	}
}
