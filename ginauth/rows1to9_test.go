package ginauth_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gindepends/gindepends/ginauth"
)

// The rows of section 1 of token-security.md that concern reading bearer
// credentials. Rows 8 and beyond that concern validating tokens are in the
// tests of token validation.

var rowScheme = ginauth.OAuth2PasswordBearer{TokenURL: "token", Realm: "api"}.Dep()

const (
	invalidTokenMalformed = `Bearer realm="api", error="invalid_token", error_description="The access token is malformed"`
	invalidTokenTooLong   = `Bearer realm="api", error="invalid_token", error_description="The access token is too long"`
)

func TestRow01NoCredentials(t *testing.T) {
	// 401 with the realm and no error attribute (RFC 6750 §3.1).
	check(t, do(serveDep(rowScheme, showToken), request{}), answer{401, `Bearer realm="api"`, notAuthenticated})
}

func TestRow02SchemeIsCaseInsensitive(t *testing.T) {
	e := serveDep(rowScheme, showToken)
	for _, v := range []string{"Bearer tok", "bearer tok", "BEARER tok", "bEaReR tok"} {
		check(t, do(e, auth(v)), answer{200, "", `"tok"`})
	}
}

func TestRow03NeverAnEmptyToken(t *testing.T) {
	e := serveDep(rowScheme, showToken)
	missing := answer{401, `Bearer realm="api"`, notAuthenticated}
	bad := answer{401, invalidTokenMalformed, couldNotValidate}
	runCases(t, e, []schemeCase{
		{"Bearer", auth("Bearer"), missing},
		{"Bearer and a space", auth("Bearer "), missing},
		{"two tokens", auth("Bearer a b"), bad},
		{"comma", auth("Bearer ,"), bad},
		{"comma in a token", auth("Bearer a,b"), bad},
		{"quote", auth(`Bearer "`), bad},
		{"quoted token", auth(`Bearer "abc"`), bad},
		{"tab inside", auth("Bearer a\tb"), bad},
		{"tab as separator", auth("Bearer\ttok"), missing},
		{"non-ASCII", auth("Bearer tök"), bad},
		{"only padding", auth("Bearer =="), bad},
	})
}

func TestRow04OneCredentialOnly(t *testing.T) {
	e := serveDep(rowScheme, showToken)
	twoHeaders := answer{400, `Bearer realm="api", error="invalid_request", error_description="Only one Authorization header is allowed"`,
		`{"detail":"Only one Authorization header is allowed"}`}
	inURL := answer{400, `Bearer realm="api", error="invalid_request", error_description="Access tokens in the URL are refused; send them in the Authorization header"`,
		`{"detail":"Access tokens in the URL are refused; send them in the Authorization header"}`}
	runCases(t, e, []schemeCase{
		{"two headers", request{header: []string{"Authorization", "Bearer a", "Authorization", "Bearer b"}}, twoHeaders},
		{"two identical headers", request{header: []string{"Authorization", "Bearer a", "Authorization", "Bearer a"}}, twoHeaders},
		{"header and query", request{target: "/?access_token=b", header: []string{"Authorization", "Bearer a"}}, inURL},
		{"one header", auth("Bearer a"), answer{200, "", `"a"`}},
		{"another query parameter", request{target: "/?token_access=b", header: []string{"Authorization", "Bearer a"}}, answer{200, "", `"a"`}},
	})
}

func TestRow05NoTokenInTheURL(t *testing.T) {
	e := serveDep(rowScheme, showToken)
	inURL := answer{400, `Bearer realm="api", error="invalid_request", error_description="Access tokens in the URL are refused; send them in the Authorization header"`,
		`{"detail":"Access tokens in the URL are refused; send them in the Authorization header"}`}
	check(t, do(e, request{target: "/?access_token=abc"}), inURL)
	check(t, do(e, request{target: "/?access_token="}), inURL)
	// A token in a form body is not read either: the request is anonymous.
	check(t, do(e, request{method: "POST", body: "access_token=abc", header: []string{"Content-Type", "application/x-www-form-urlencoded"}}),
		answer{401, `Bearer realm="api"`, notAuthenticated})
}

func TestRow06SizeCapBeforeDecoding(t *testing.T) {
	e := serveDep(rowScheme, showToken)
	tooLong := answer{401, invalidTokenTooLong, couldNotValidate}
	check(t, do(e, auth("Bearer "+strings.Repeat("a", ginauth.DefaultMaxTokenBytes))), answer{200, "", `"` + strings.Repeat("a", ginauth.DefaultMaxTokenBytes) + `"`})
	check(t, do(e, auth("Bearer "+strings.Repeat("a", ginauth.DefaultMaxTokenBytes+1))), tooLong)
	check(t, do(e, auth("Bearer "+strings.Repeat(".", 1<<20))), tooLong)

	small := ginauth.OAuth2PasswordBearer{TokenURL: "token", Realm: "api", MaxTokenBytes: 16}.Dep()
	e = serveDep(small, showToken)
	check(t, do(e, auth("Bearer "+strings.Repeat("x", 16))), answer{200, "", `"xxxxxxxxxxxxxxxx"`})
	check(t, do(e, auth("Bearer "+strings.Repeat("x", 17))), tooLong)
}

func TestRow07LineBreaksRefusedByTheCharset(t *testing.T) {
	// A header cannot carry CR/LF over the wire, but a request built in the
	// process can; Go's base64 would skip them, the charset check does not.
	e := serveDep(rowScheme, showToken)
	for _, tok := range []string{"eyJh.eyJz.c2ln\r\nYXR1cmU", "abc\ndef", "abc\r"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header["Authorization"] = []string{"Bearer " + tok}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		check(t, w, answer{401, invalidTokenMalformed, couldNotValidate})
	}
}

func TestRow09ErrorDescriptionIsSanitised(t *testing.T) {
	// Attacker data in a description: quotes, backslashes, CR/LF and non-ASCII
	// are dropped; realm appears once.
	err := ginauth.InvalidToken("kid \"x\\\" is unknown\r\nSet-Cookie: a=b é")
	got := err.Header.Values("WWW-Authenticate")
	want := `Bearer error="invalid_token", error_description="kid x is unknownSet-Cookie: a=b "`
	if len(got) != 1 || got[0] != want || err.Status != 401 {
		t.Fatalf("got %d %q\nwant %q", err.Status, got, want)
	}
	// The description is capped.
	long := ginauth.InvalidToken(strings.Repeat("a", 1000)).Header.Get("WWW-Authenticate")
	if len(long) > 300 {
		t.Fatalf("challenge of %d bytes", len(long))
	}
}

func TestRow04TokenInHeaderAndFormBody(t *testing.T) {
	e := serveDep(rowScheme, showToken)
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	twice := answer{400, `Bearer realm="api", error="invalid_request", error_description="Send the access token once, in the Authorization header only"`,
		`{"detail":"Send the access token once, in the Authorization header only"}`}
	check(t, do(e, request{method: "POST", body: "access_token=b", header: append([]string{"Authorization", "Bearer a"}, form...)}), twice)
	// Other form fields, or a JSON body, are no concern of the scheme.
	check(t, do(e, request{method: "POST", body: "name=x", header: append([]string{"Authorization", "Bearer a"}, form...)}), answer{200, "", `"a"`})
	check(t, do(e, request{method: "POST", body: `{"access_token":"b"}`, header: []string{"Authorization", "Bearer a", "Content-Type", "application/json"}}),
		answer{200, "", `"a"`})
	// A percent-encoded name is the same parameter.
	check(t, do(e, request{target: "/?access%5Ftoken=x", header: []string{"Authorization", "Bearer a"}}),
		answer{400, `Bearer realm="api", error="invalid_request", error_description="Access tokens in the URL are refused; send them in the Authorization header"`,
			`{"detail":"Access tokens in the URL are refused; send them in the Authorization header"}`})
}
