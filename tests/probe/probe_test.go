package probe_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/swagger/swaggertest"
	"github.com/gindepends/gindepends/tests/internal/exampletest"
)

// The example's docs say what it does: every operation answers its 401s,
// 403s and 422s as its document says, to a client that knows only the
// document, a user (johndoe/secret), the API key and HTTP Basic.
func TestExampleDocsMatchItsBehaviour(t *testing.T) {
	srv, _ := exampletest.Start(t, app.Config{})
	opts := swaggertest.ProbeOptions{
		Username: "johndoe", Password: "secret", ClientID: app.PublicClient,
		APIKeys:    map[string]string{"APIKeyHeader": "example-api-key", "APIKeyCookie": "example-api-key"},
		Basic:      [2]string{"johndoe", "secret"},
		PathValues: map[string]string{"id": "1"},
	}
	report := swaggertest.Probe(t, srv.URL, opts)
	if report.Operations != 11 {
		t.Errorf("probed %d operations, want the example's 11", report.Operations)
	}
	// Each kind of check, where the example calls for it.
	for _, want := range []string{
		"GET /: no credential: want not 401, 422",
		"GET /greeting: no credential: want not 401, 422",
		"GET /greeting: an invalid credential of OAuth2AuthorizationCodeBearer: want 401",
		"GET /status/: every documented credential (OAuth2AuthorizationCodeBearer): want not 401, 403, 422",
		`GET /users/me/: a token of OAuth2AuthorizationCodeBearer lacking scope "me": want 403`,
		`GET /users/me/items/: a token of OAuth2AuthorizationCodeBearer lacking scope "items": want 403`,
		"GET /basic/me: no credential: want 401",
		"GET /basic/me: every documented credential (HTTPBasic): want not 401, 403, 422",
		"GET /items: every documented credential (APIKeyCookie): want not 401, 403, 422",
		"GET /items: query parameter limit=101 (over its maximum 100): want 422",
		"GET /items: query parameter q=xx (2 characters, under its minLength 3): want 422",
		"GET /items/{id}: path parameter id=0 (under its minimum 1): want 422",
		`POST /my/items: a token of OAuth2AuthorizationCodeBearer lacking scope "me", and no body (required): want 403`,
		"POST /my/items: body property price -1 (under its minimum 0): want 422",
		`POST /my/items: body property name "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" (51 characters, over its maxLength 50): want 422`,
	} {
		if !slices.Contains(report.Checks, want) {
			t.Errorf("the probe did not check %q; it checked:\n%s", want, strings.Join(report.Checks, "\n"))
		}
	}
	// What the probe does not send: the valid POST, which adds an item.
	want := []string{"POST /my/items: every documented credential (OAuth2AuthorizationCodeBearer[items me]): " +
		"not sent: POST is not a safe method, and the API would carry it out (ProbeOptions.Unsafe sends it)"}
	if !slices.Equal(report.Skipped, want) {
		t.Errorf("skipped\n%s\nwant\n%s", strings.Join(report.Skipped, "\n"), strings.Join(want, "\n"))
	}

	// This server's data may change: the valid POST too.
	opts.Unsafe = true
	report = swaggertest.Probe(t, srv.URL, opts)
	if len(report.Skipped) > 0 {
		t.Errorf("skipped %q with Unsafe", report.Skipped)
	}
	if valid := "POST /my/items: every documented credential (OAuth2AuthorizationCodeBearer[items me]): want not 401, 403, 422"; !slices.Contains(report.Checks, valid) {
		t.Errorf("the probe did not check %q with Unsafe", valid)
	}
}
