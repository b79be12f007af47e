package swagger_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/swagger"
)

var update = flag.Bool("update", false, "rewrite the expected documents in testdata/ with what Build returns")

// swagDoc is swag's docs.SwaggerInfo for a test: a swag.Swagger that reads
// as the Swagger 2.0 document given.
type swagDoc string

func (d swagDoc) ReadDoc() string { return string(d) }

// swagFile is the swag document kept in testdata/swag/name.
func swagFile(t testing.TB, name string) swagDoc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "swag", name))
	if err != nil {
		t.Fatal(err)
	}
	return swagDoc(b)
}

// mustBuild builds api's document, and checks that it is valid OpenAPI as
// its readers load it: marshalled, loaded by kin-openapi, validated.
func mustBuild(t testing.TB, api *di.Router, opts ...swagger.Option) *openapi3.T {
	t.Helper()
	doc, err := swagger.Build(api, opts...)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	mustValidate(t, doc)
	return doc
}

// mustValidate loads doc's JSON with kin-openapi and validates it.
func mustValidate(t testing.TB, doc *openapi3.T) {
	t.Helper()
	text, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(text)
	if err != nil {
		t.Fatalf("the document does not load: %v\n%s", err, text)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v\n%s", err, text)
	}
}

// jsonValue is v written as JSON and read back: maps, slices, strings,
// float64s, bools and nils, for comparison.
func jsonValue(t testing.TB, v any) any {
	t.Helper()
	var text []byte
	switch v := v.(type) {
	case []byte:
		text = v
	case string:
		text = []byte(v)
	default:
		var err error
		if text, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	var out any
	if err := json.Unmarshal(text, &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, text)
	}
	return out
}

// sameJSON fails t with every difference between got and want, compared as
// JSON values, each at its path.
func sameJSON(t testing.TB, got, want any) {
	t.Helper()
	if diffs := jsonDiff("", jsonValue(t, got), jsonValue(t, want)); len(diffs) > 0 {
		t.Errorf("%d differences (got, want):\n%s", len(diffs), strings.Join(diffs, "\n"))
	}
}

// golden compares doc with the expected document testdata/name.json, or
// rewrites it under -update.
func golden(t testing.TB, name string, doc any) {
	t.Helper()
	file := filepath.Join("testdata", name+".json")
	if *update {
		text, err := json.MarshalIndent(jsonValue(t, doc), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(text, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it, then read it)", err)
	}
	got := jsonValue(t, doc)
	if diffs := jsonDiff("", got, jsonValue(t, want)); len(diffs) > 0 {
		t.Errorf("the document differs from %s in %d places (got, want):\n%s", file, len(diffs), strings.Join(diffs, "\n"))
	}
}

// jsonDiff lists where a and b, JSON values, differ: one line per place,
// with its path (paths./items.get.responses.200) and both values.
func jsonDiff(path string, a, b any) []string {
	show := func(v any) string {
		if v == nil {
			return "null"
		}
		text, _ := json.Marshal(v)
		if len(text) > 300 {
			return string(text[:300]) + "..."
		}
		return string(text)
	}
	at := func(p string) string {
		if p == "" {
			return "(document)"
		}
		return p
	}
	join := func(p, k string) string {
		if p == "" {
			return k
		}
		return p + "." + k
	}
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range a {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		var out []string
		for _, k := range sortedKeys(keys) {
			av, inA := a[k]
			bv, inB := bm[k]
			switch {
			case !inB:
				out = append(out, fmt.Sprintf("%s: unexpected %s", join(path, k), show(av)))
			case !inA:
				out = append(out, fmt.Sprintf("%s: missing, want %s", join(path, k), show(bv)))
			default:
				out = append(out, jsonDiff(join(path, k), av, bv)...)
			}
		}
		return out
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			break
		}
		var out []string
		for i := range a {
			out = append(out, jsonDiff(fmt.Sprintf("%s[%d]", path, i), a[i], bs[i])...)
		}
		return out
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return []string{fmt.Sprintf("%s: got %s, want %s", at(path), show(a), show(b))}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// operation is the operation of doc at method and path, or a fatal error.
func operation(t testing.TB, doc *openapi3.T, method, path string) *openapi3.Operation {
	t.Helper()
	item := doc.Paths.Value(path)
	if item == nil {
		t.Fatalf("no path %s in the document (paths: %v)", path, doc.Paths.InMatchingOrder())
	}
	op := item.GetOperation(method)
	if op == nil {
		t.Fatalf("no %s %s in the document", method, path)
	}
	return op
}

// securityOf is an operation's security, written as JSON: [] for none.
func securityOf(t testing.TB, op *openapi3.Operation) string {
	t.Helper()
	if op.Security == nil {
		return "null"
	}
	text, err := json.Marshal(op.Security)
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

// responseCodes are the statuses an operation answers, sorted.
func responseCodes(op *openapi3.Operation) []string {
	var codes []string
	for code := range op.Responses.Map() {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return codes
}

// swaggerAnnotations is the Annotations option of testdata/swag/name.
func swaggerAnnotations(t testing.TB, name string) swagger.Option {
	t.Helper()
	return swagger.Annotations(swagFile(t, name))
}

// keys are a map's keys, sorted, for messages.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
