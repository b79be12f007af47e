package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// kinOptions make kin-openapi's validation as strict as it goes: a format
// that no specification defines is an error (by default it is let through),
// and so is an extension beside a $ref; patterns, defaults and examples are
// checked (the defaults, said here so that a change of them shows); and every
// independent error is reported, not the first only.
var kinOptions = []openapi3.ValidationOption{
	openapi3.EnableSchemaFormatValidation(),
	openapi3.EnableSchemaPatternValidation(),
	openapi3.EnableSchemaDefaultsValidation(),
	openapi3.EnableExamplesValidation(),
	openapi3.ProhibitExtensionsWithRef(),
	openapi3.EnableMultiError(),
}

// kinValidate loads an OpenAPI document, without following any reference out
// of it, and validates it with kinOptions.
func kinValidate(data []byte) error {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return fmt.Errorf("kin-openapi cannot load it: %w", err)
	}
	if err := doc.Validate(context.Background(), kinOptions...); err != nil {
		return fmt.Errorf("kin-openapi: %w", err)
	}
	return nil
}

// redoclyBin is the Redocly CLI that npm ci installs from package-lock.json.
const redoclyBin = "node_modules/.bin/redocly"

// redocly is the path of the pinned Redocly CLI. Without it the test is
// skipped, unless it runs in CI (CI=true), where a skip would hide a missing
// install step, and it fails.
func redocly(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(redoclyBin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		msg := "Redocly CLI is not installed in tests/openapi: run `npm ci --prefix tests/openapi` (from the repository's root; .ci/run does)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

// A problem is one of Redocly's findings, as its JSON format writes it.
type problem struct {
	RuleID   string `json:"ruleId"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Location []struct {
		Source struct {
			Ref string `json:"ref"`
		} `json:"source"`
		Pointer string `json:"pointer"`
		Start   struct {
			Line int `json:"line"`
			Col  int `json:"col"`
		} `json:"start"`
	} `json:"location"`
}

func (p problem) String() string {
	where := "(no location)"
	if len(p.Location) > 0 {
		l := p.Location[0]
		where = fmt.Sprintf("%s:%d:%d %s", filepath.Base(l.Source.Ref), l.Start.Line, l.Start.Col, l.Pointer)
	}
	return fmt.Sprintf("%s %s: %s at %s", p.Severity, p.RuleID, p.Message, where)
}

// report is what Redocly's JSON format writes for one file.
type report struct {
	Totals struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
		Ignored  int `json:"ignored"`
	} `json:"totals"`
	Version  string    `json:"version"`
	Problems []problem `json:"problems"`
}

// lint runs `redocly lint --config redocly.yaml --format json` on files and
// returns each file's problems, errors and warnings alike, in the order of
// files. A problem with the config file itself is an error of the run
// (--lint-config error), and so is an exit code that the problems do not
// explain.
func lint(t *testing.T, files ...string) [][]problem {
	t.Helper()
	bin := redocly(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := []string{"lint", "--config", "redocly.yaml", "--lint-config", "error", "--format", "json", "--max-problems", "1000"}
	cmd := exec.CommandContext(ctx, bin, append(args, files...)...)
	// Nothing leaves the machine: no usage data, no look-up of a newer
	// version.
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		t.Fatalf("redocly lint: %v\n%s", runErr, stderr.String())
	}
	dec := json.NewDecoder(&stdout)
	var out [][]problem
	errorsSeen := 0
	for {
		var r report
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("redocly lint wrote no JSON reports (%v; exit: %v):\nstdout: %s\nstderr: %s", err, runErr, stdout.String(), stderr.String())
		}
		if i := len(out); i < len(files) {
			for _, p := range r.Problems {
				for _, l := range p.Location {
					if !sameFile(l.Source.Ref, files[i]) {
						t.Fatalf("redocly lint's report %d is of %s, not of %s: %s", i, l.Source.Ref, files[i], p)
					}
				}
			}
		}
		if len(r.Problems) != r.Totals.Errors+r.Totals.Warnings {
			t.Fatalf("redocly lint counts %d errors and %d warnings but lists %d problems", r.Totals.Errors, r.Totals.Warnings, len(r.Problems))
		}
		if r.Totals.Ignored > 0 {
			t.Errorf("redocly lint ignored %d problems: an ignore file hides them; say in redocly.yaml, with the reason, what does not apply", r.Totals.Ignored)
		}
		errorsSeen += r.Totals.Errors
		out = append(out, r.Problems)
	}
	if len(out) != len(files) {
		t.Fatalf("redocly lint reported on %d files of %d (exit: %v):\n%s", len(out), len(files), runErr, stderr.String())
	}
	if (runErr != nil) != (errorsSeen > 0) {
		t.Fatalf("redocly lint exited with %v after %d errors:\n%s", runErr, errorsSeen, stderr.String())
	}
	return out
}

// sameFile says whether Redocly's ref, relative to this directory, names file.
func sameFile(ref, file string) bool {
	a, err1 := filepath.Abs(ref)
	b, err2 := filepath.Abs(file)
	return err1 == nil && err2 == nil && a == b
}

// noProblems fails the test with each of Redocly's problems with name,
// warnings as well as errors.
func noProblems(t *testing.T, name string, problems []problem) {
	t.Helper()
	for _, p := range problems {
		t.Errorf("%s: Redocly: %s", name, p)
	}
	if len(problems) > 0 {
		t.Logf("%s: a problem that the swagger package's document could avoid is the swagger package's to fix; one that cannot apply to this API is turned off in tests/openapi/redocly.yaml, with the reason", name)
	}
}

// writeTemp writes data to name in a folder of the test's.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// problemList is problems one to a line, for a failure's message.
func problemList(problems []problem) string {
	var b strings.Builder
	for _, p := range problems {
		b.WriteString("\n\t" + p.String())
	}
	if b.Len() == 0 {
		return " none"
	}
	return b.String()
}

// readFile is the content of file.
func readFile(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
