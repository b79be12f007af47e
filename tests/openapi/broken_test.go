package openapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/example_app/docs"
	"github.com/gindepends/gindepends/ginauth/authtest"
	"github.com/gindepends/gindepends/swagger"
)

// exampleDocument is the example's document built in-process, as Mount
// builds the one it serves, decoded as plain JSON so that a test can break
// it.
func exampleDocument(t *testing.T) map[string]any {
	t.Helper()
	doc, err := swagger.Build(app.Register(gin.New(), app.NewStore(), authtest.NewValidator()), swagger.Annotations(docs.SwaggerInfo))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at is the JSON object at the path of keys in doc.
func at(t *testing.T, doc map[string]any, keys ...string) map[string]any {
	t.Helper()
	m := doc
	for i, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			t.Fatalf("the example's document has no object at %s", strings.Join(keys[:i+1], " "))
		}
		m = next
	}
	return m
}

// A green run means something: each validator, as these tests run it, finds
// what it should in a document broken on purpose, the example's own with one
// defect each.
func TestTheValidatorsCatchBrokenDocuments(t *testing.T) {
	cases := []struct {
		name   string
		breaks func(t *testing.T, doc map[string]any)
		// kin is in kin-openapi's error; "" where kin-openapi checks
		// nothing of the kind.
		kin string
		// rules are the ids of Redocly's rules that must report it, with
		// the severity they report it at.
		rules map[string]string
	}{
		{
			// FastAPI's scheme name where the example has another: the
			// drift that swag lets through.
			name: "a security requirement naming an undefined scheme",
			breaks: func(t *testing.T, doc map[string]any) {
				at(t, doc, "paths", "/users/me/", "get")["security"] = []any{
					map[string]any{"OAuth2PasswordBearer": []any{"me"}},
				}
			},
			kin:   `undefined security scheme "OAuth2PasswordBearer"`,
			rules: map[string]string{"security-defined": "error"},
		},
		{
			// kin-openapi does not check a requirement's scopes against
			// its scheme's flows: Redocly does.
			name: "a security requirement with a scope that its scheme does not declare",
			breaks: func(t *testing.T, doc map[string]any) {
				at(t, doc, "paths", "/users/me/", "get")["security"] = []any{
					map[string]any{"OAuth2AuthorizationCodeBearer": []any{"me", "admin"}},
				}
			},
			rules: map[string]string{"security-scopes-defined": "error"},
		},
		{
			// Both at once, in one document, as a careless edit makes them.
			name: "a security requirement naming an undefined scheme and an undeclared scope",
			breaks: func(t *testing.T, doc map[string]any) {
				at(t, doc, "paths", "/users/me/", "get")["security"] = []any{
					map[string]any{"OAuth2AuthorizationCodeBearer": []any{"me", "admin"}},
					map[string]any{"OAuth2PasswordBearer": []any{"me"}},
				}
			},
			kin:   `undefined security scheme "OAuth2PasswordBearer"`,
			rules: map[string]string{"security-defined": "error", "security-scopes-defined": "error"},
		},
		{
			name: "a path parameter that no parameter declares",
			breaks: func(t *testing.T, doc map[string]any) {
				delete(at(t, doc, "paths", "/items/{id}", "get"), "parameters")
			},
			kin:   "must define exactly all path parameters",
			rules: map[string]string{"path-parameters-defined": "error"},
		},
		{
			name: "a reference to no schema",
			breaks: func(t *testing.T, doc map[string]any) {
				at(t, doc, "paths", "/users/me/", "get", "responses", "200", "content", "application/json")["schema"] = map[string]any{"$ref": "#/components/schemas/Nobody"}
			},
			kin:   "Nobody",
			rules: map[string]string{"no-unresolved-refs": "error"},
		},
		{
			name: "a field that OpenAPI does not have",
			breaks: func(t *testing.T, doc map[string]any) {
				at(t, doc, "paths", "/users/me/", "get")["summry"] = "The current user"
			},
			kin:   "summry",
			rules: map[string]string{"struct": "error"},
		},
		{
			// Let through unless EnableSchemaFormatValidation: this
			// proves kinOptions in force. Redocly does not check formats.
			name: "a format that no specification defines",
			breaks: func(t *testing.T, doc map[string]any) {
				at(t, doc, "components", "schemas", "User", "properties", "email")["format"] = "e-mail"
			},
			kin: "e-mail",
		},
		{
			// A warning fails the tests as an error does.
			name: "a schema that nothing uses",
			breaks: func(t *testing.T, doc map[string]any) {
				at(t, doc, "components", "schemas")["Unused"] = map[string]any{"type": "object"}
			},
			rules: map[string]string{"no-unused-components": "warn"},
		},
	}

	// The example's document is clean, so that each defect is the only
	// thing found.
	if err := kinValidate(mustJSON(t, exampleDocument(t))); err != nil {
		t.Fatalf("the example's document itself: %v", err)
	}
	files := make([]string, len(cases))
	for i, c := range cases {
		doc := exampleDocument(t)
		c.breaks(t, doc)
		data := mustJSON(t, doc)
		files[i] = writeTemp(t, fmt.Sprintf("broken%d.json", i), data)
		t.Run("kin-openapi/"+c.name, func(t *testing.T) {
			err := kinValidate(data)
			t.Logf("kin-openapi: %v", err)
			switch {
			case c.kin == "" && err != nil:
				t.Logf("kin-openapi now finds this too; say what it finds in the case: %v", err)
			case c.kin != "" && err == nil:
				t.Errorf("kin-openapi finds nothing wrong; want an error with %q", c.kin)
			case c.kin != "" && !strings.Contains(err.Error(), c.kin):
				t.Errorf("kin-openapi: %v\nwant an error with %q", err, c.kin)
			}
		})
	}
	t.Run("Redocly", func(t *testing.T) {
		clean := writeTemp(t, "clean.json", mustJSON(t, exampleDocument(t)))
		reports := lint(t, append([]string{clean}, files...)...)
		noProblems(t, "the example's document", reports[0])
		for i, c := range cases {
			problems := reports[i+1]
			t.Logf("%s: Redocly reports:%s", c.name, problemList(problems))
			for rule, severity := range c.rules {
				found := false
				for _, p := range problems {
					found = found || p.RuleID == rule && p.Severity == severity
				}
				if !found {
					t.Errorf("%s: Redocly reports no %s of rule %s; it reports:%s", c.name, severity, rule, problemList(problems))
				}
			}
			if len(c.rules) == 0 && len(problems) > 0 {
				t.Logf("%s: Redocly now finds this too; say what it finds in the case:%s", c.name, problemList(problems))
			}
			for _, p := range problems {
				if len(c.rules) > 0 && c.rules[p.RuleID] == "" {
					t.Errorf("%s: Redocly reports what the defect does not explain: %s", c.name, p)
				}
			}
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
