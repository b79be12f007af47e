package di_test

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// arity_gen.go is what the generator writes now: a change to the template
// without `go generate ./di` fails here.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	want, err := exec.Command("go", "run", "./internal/gen").Output()
	if err != nil {
		t.Fatalf("go run ./internal/gen: %v", err)
	}
	got, err := os.ReadFile("arity_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("arity_gen.go is stale: run go generate ./di")
	}
}
