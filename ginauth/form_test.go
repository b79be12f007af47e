package ginauth_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// showForm renders a password form so that every field can be checked.
func showForm(f *ginauth.OAuth2PasswordRequestForm) string {
	return fmt.Sprintf("grant=%q user=%q pass=%q scopes=%q id=%s secret=%s",
		f.GrantType, f.Username, f.Password, f.Scopes, quoted(f.ClientID), quoted(f.ClientSecret))
}

// quoted is an optional field of the form, nil when absent.
func quoted(p *string) string {
	if p == nil {
		return "nil"
	}
	return strconv.Quote(*p)
}

const urlencoded = "application/x-www-form-urlencoded"

// post is a POST of an urlencoded body, with more headers if given.
func post(body string, header ...string) request {
	return request{method: "POST", body: body, header: append([]string{"Content-Type", urlencoded}, header...)}
}

// multipartBody encodes fields (name, value pairs) as multipart/form-data and
// returns the body and its Content-Type.
func multipartBody(t testing.TB, fields ...string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

func basicHeader(userPass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(userPass))
}

// FastAPI's 422 items for the password form.
const (
	missingGrantType = `{"type":"missing","loc":["body","grant_type"],"msg":"Field required","input":null}`
	missingUsername  = `{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}`
	missingPassword  = `{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}`
	grantMismatch    = `{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"passwordblah","ctx":{"pattern":"^password$"}}`
)

// badScope is the 422 item of a scope field that is not a list of scopes.
func badScope(input string) string {
	b, _ := json.Marshal(input)
	return `{"type":"string_pattern_mismatch","loc":["body","scope"],"msg":"Scopes are separated by spaces, each of printable ASCII without '\"' or '\\' (RFC 6749 §3.3)","input":` + string(b) + `}`
}

func detail422(items ...string) string { return `{"detail":[` + strings.Join(items, ",") + `]}` }

func TestPasswordRequestForm(t *testing.T) {
	e := serveDep(ginauth.PasswordRequestForm, showForm)
	ok := func(grant, user, pass, scopes, id, secret string) answer {
		q := func(v string) string {
			if v == "" {
				return "nil" // an empty value is absent, as in FastAPI
			}
			return strconv.Quote(v)
		}
		return answer{200, "", fmt.Sprintf("grant=%q user=%q pass=%q scopes=%s id=%s secret=%s", grant, user, pass, scopes, q(id), q(secret))}
	}
	for _, tc := range []struct {
		name string
		req  request
		want answer
	}{
		{"username and password", post("username=johndoe&password=secret"),
			ok("", "johndoe", "secret", "[]", "", "")},
		{"every field", post("grant_type=password&username=johndoe&password=secret&scope=me+items&client_id=app&client_secret=s3"),
			ok("password", "johndoe", "secret", `["me" "items"]`, "app", "s3")},
		{"scopes split on spaces only", post("username=u&password=p&scope=%20a%20b%20%20c:d/e%20"),
			ok("", "u", "p", `["a" "b" "c:d/e"]`, "", "")},
		// RFC 6749 §3.3, where FastAPI splits on any white space: a tab or a
		// non-breaking space is no separator, and no part of a scope.
		{"tab in scope", post("username=u&password=p&scope=a%09b"), answer{422, "", detail422(badScope("a	b"))}},
		{"NBSP in scope", post("username=u&password=p&scope=items%C2%A0admin"), answer{422, "", detail422(badScope("items admin"))}},
		{"quote in scope", post("username=u&password=p&scope=a%22"), answer{422, "", detail422(badScope(`a"`))}},
		{"empty scope", post("username=u&password=p&scope="), ok("", "u", "p", "[]", "", "")},
		{"empty grant_type is absent", post("grant_type=&username=u&password=p"), ok("", "u", "p", "[]", "", "")},
		{"percent-encoded values", post("username=j%C3%B6rg&password=a%26b%3Dc+d"), ok("", "jörg", "a&b=c d", "[]", "", "")},
		{"query parameters are not the form", request{method: "POST", target: "/?username=q&password=q", body: "username=u&password=p", header: []string{"Content-Type", urlencoded}},
			ok("", "u", "p", "[]", "", "")},

		{"a bad query string is not a bad body", request{method: "POST", target: "/?a=%zz&b;c", body: "username=u&password=p", header: []string{"Content-Type", urlencoded}},
			ok("", "u", "p", "[]", "", "")},

		{"empty body", post(""), answer{422, "", detail422(missingUsername, missingPassword)}},
		{"missing password", post("username=u"), answer{422, "", detail422(missingPassword)}},
		{"missing username", post("password=p"), answer{422, "", detail422(missingUsername)}},
		{"empty values are missing", post("username=&password="), answer{422, "", detail422(missingUsername, missingPassword)}},
		{"grant_type passwordblah", post("grant_type=passwordblah&username=u&password=p"), answer{422, "", detail422(grantMismatch)}},
		{"all problems in field order", post("grant_type=passwordblah"), answer{422, "", detail422(grantMismatch, missingUsername, missingPassword)}},
		{"a JSON body", request{method: "POST", body: `{"username":"u","password":"p"}`, header: []string{"Content-Type", "application/json"}},
			answer{422, "", detail422(missingUsername, missingPassword)}},
		{"no Content-Type", request{method: "POST", body: "username=u&password=p"}, answer{422, "", detail422(missingUsername, missingPassword)}},
		{"a GET has no form", request{target: "/?username=u&password=p"}, answer{422, "", detail422(missingUsername, missingPassword)}},

		{"duplicated username", post("username=a&username=b&password=p"), answer{400, "", `{"detail":"The parameter username was given more than once"}`}},
		{"duplicated empty scope", post("username=a&password=p&scope=&scope="), answer{400, "", `{"detail":"The parameter scope was given more than once"}`}},
		{"unparsable body", post("username=%zz&password=p"), answer{400, "", `{"detail":"There was an error parsing the body"}`}},
		{"unparsable Content-Type", request{method: "POST", body: "username=u&password=p", header: []string{"Content-Type", "application/x-www-form-urlencoded; ="}},
			answer{400, "", `{"detail":"There was an error parsing the body"}`}},
		{"multipart without boundary", request{method: "POST", body: "username=u", header: []string{"Content-Type", "multipart/form-data"}},
			answer{400, "", `{"detail":"There was an error parsing the body"}`}},
		{"body over 64 KiB", post("username=u&password=" + strings.Repeat("p", 64<<10)), answer{413, "", `{"detail":"Request Entity Too Large"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(e, tc.req), tc.want) })
	}
}

func TestPasswordRequestFormBodyOfExactly64KiB(t *testing.T) {
	e := serveDep(ginauth.PasswordRequestForm, func(f *ginauth.OAuth2PasswordRequestForm) string { return fmt.Sprint(len(f.Password)) })
	prefix := "username=u&password="
	check(t, do(e, post(prefix+strings.Repeat("p", 64<<10-len(prefix)))), answer{200, "", fmt.Sprint(64<<10 - len(prefix))})
	check(t, do(e, post(prefix+strings.Repeat("p", 64<<10-len(prefix)+1))), answer{413, "", `{"detail":"Request Entity Too Large"}`})
}

func TestPasswordRequestFormMultipart(t *testing.T) {
	e := serveDep(ginauth.PasswordRequestForm, showForm)
	mp := func(fields ...string) request {
		body, ct := multipartBody(t, fields...)
		return request{method: "POST", body: body, header: []string{"Content-Type", ct}}
	}
	check(t, do(e, mp("grant_type", "password", "username", "johndoe", "password", "secret", "scope", "me items", "client_id", "app")),
		answer{200, "", `grant="password" user="johndoe" pass="secret" scopes=["me" "items"] id="app" secret=nil`})
	check(t, do(e, mp("username", "", "password", "p")), answer{422, "", detail422(missingUsername)})
	check(t, do(e, mp("grant_type", "passwordblah")), answer{422, "", detail422(grantMismatch, missingUsername, missingPassword)})
	check(t, do(e, mp("username", "a", "username", "b", "password", "p")),
		answer{400, "", `{"detail":"The parameter username was given more than once"}`})
	check(t, do(e, mp("username", "u", "password", strings.Repeat("p", 64<<10))), answer{413, "", `{"detail":"Request Entity Too Large"}`})
	// A bad query string is not a bad body.
	body, ct := multipartBody(t, "username", "u", "password", "p")
	check(t, do(e, request{method: "POST", target: "/?a=%zz&b;c", body: body, header: []string{"Content-Type", ct}}),
		answer{200, "", `grant="" user="u" pass="p" scopes=[] id=nil secret=nil`})

	// A truncated multipart body.
	check(t, do(e, request{method: "POST", body: body[:len(body)-10], header: []string{"Content-Type", ct}}),
		answer{400, "", `{"detail":"There was an error parsing the body"}`})
}

func TestPasswordRequestFormDuplicatesAreReportedInAStableOrder(t *testing.T) {
	e := serveDep(ginauth.PasswordRequestForm, showForm)
	for range 20 {
		check(t, do(e, post("username=a&username=b&password=p&password=q&scope=x&scope=y")),
			answer{400, "", `{"detail":"The parameter password was given more than once"}`})
	}
}

func TestPasswordRequestFormStrict(t *testing.T) {
	e := serveDep(ginauth.PasswordRequestFormStrict, showForm)
	for _, tc := range []struct {
		name string
		req  request
		want answer
	}{
		{"every field", post("grant_type=password&username=u&password=p&scope=a"),
			answer{200, "", `grant="password" user="u" pass="p" scopes=["a"] id=nil secret=nil`}},
		{"no grant_type", post("username=u&password=p"), answer{422, "", detail422(missingGrantType)}},
		{"empty grant_type is missing", post("grant_type=&username=u&password=p"), answer{422, "", detail422(missingGrantType)}},
		{"grant_type passwordblah", post("grant_type=passwordblah&username=u&password=p"), answer{422, "", detail422(grantMismatch)}},
		{"grant_type Password", post("grant_type=Password&username=u&password=p"),
			answer{422, "", detail422(strings.Replace(grantMismatch, `"passwordblah"`, `"Password"`, 1))}},
		{"nothing", post(""), answer{422, "", detail422(missingGrantType, missingUsername, missingPassword)}},
		{"a JSON body", request{method: "POST", body: `{"grant_type":"password","username":"u","password":"p"}`, header: []string{"Content-Type", "application/json"}},
			answer{422, "", detail422(missingGrantType, missingUsername, missingPassword)}},
		{"duplicated grant_type", post("grant_type=password&grant_type=password&username=u&password=p"),
			answer{400, "", `{"detail":"The parameter grant_type was given more than once"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(e, tc.req), tc.want) })
	}
}

func TestPasswordRequestFormClientCredentialsFromBasic(t *testing.T) {
	e := serveDep(ginauth.PasswordRequestForm, showForm)
	const form = "username=u&password=p"
	basicRefused := answer{401, `Basic charset="UTF-8"`, notAuthenticated}
	for _, tc := range []struct {
		name string
		req  request
		want answer
	}{
		{"plain id and secret", post(form, "Authorization", basicHeader("app:s3cret")),
			answer{200, "", `grant="" user="u" pass="p" scopes=[] id="app" secret="s3cret"`}},
		{"form-url-encoded id and secret (RFC 6749 §2.3.1)", post(form, "Authorization", basicHeader("my%3Aclient:s%2Bcr%C3%A9t+x%25")),
			answer{200, "", `grant="" user="u" pass="p" scopes=[] id="my:client" secret="s+crét x%"`}},
		{"lower-case scheme", post(form, "Authorization", "basic "+base64.StdEncoding.EncodeToString([]byte("app:s"))),
			answer{200, "", `grant="" user="u" pass="p" scopes=[] id="app" secret="s"`}},
		{"empty secret", post(form, "Authorization", basicHeader("app:")),
			answer{200, "", `grant="" user="u" pass="p" scopes=[] id="app" secret=nil`}},
		{"client in the form only", post(form + "&client_id=app&client_secret=s"),
			answer{200, "", `grant="" user="u" pass="p" scopes=[] id="app" secret="s"`}},
		{"a bearer header is not client authentication", post(form, "Authorization", "Bearer abc"),
			answer{200, "", `grant="" user="u" pass="p" scopes=[] id=nil secret=nil`}},

		{"Basic and client_id in the form", post(form+"&client_id=app", "Authorization", basicHeader("app:s")),
			answer{400, "", `{"detail":"Client credentials were given both in HTTP Basic and in the form"}`}},
		{"Basic and client_secret in the form", post(form+"&client_secret=s", "Authorization", basicHeader("app:s")),
			answer{400, "", `{"detail":"Client credentials were given both in HTTP Basic and in the form"}`}},
		{"two Authorization headers", post(form, "Authorization", basicHeader("app:s"), "Authorization", basicHeader("app:s")),
			answer{400, "", `{"detail":"Only one Authorization header is allowed"}`}},
		{"Basic that is not base64", post(form, "Authorization", "Basic !!!"), basicRefused},
		{"Basic with no colon", post(form, "Authorization", basicHeader("app")), basicRefused},
		{"Basic with an empty id", post(form, "Authorization", basicHeader(":s")), basicRefused},
		{"Basic with no credentials", post(form, "Authorization", "Basic"), basicRefused},
		{"Basic with a bad escape", post(form, "Authorization", basicHeader("app%zz:s")), basicRefused},
		{"Basic with a bad escape in the secret", post(form, "Authorization", basicHeader("app:s%")), basicRefused},
		{"Basic with an escaped control character", post(form, "Authorization", basicHeader("app%00:s")), basicRefused},
		{"Basic with an escaped newline in the secret", post(form, "Authorization", basicHeader("app:s%0D%0Ax")), basicRefused},
		{"Basic with escaped invalid UTF-8", post(form, "Authorization", basicHeader("app%FF:s")), basicRefused},
		{"Basic with an id of one space", post(form, "Authorization", basicHeader("%20:s")),
			answer{200, "", `grant="" user="u" pass="p" scopes=[] id=" " secret="s"`}},
		{"form problems come first", post("username=u", "Authorization", "Basic !!!"), answer{422, "", detail422(missingPassword)}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, do(e, tc.req), tc.want) })
	}
}

func TestPasswordRequestFormIsReadOncePerRequest(t *testing.T) {
	// Two dependencies on the form see the same value: the body is read once.
	user := di.Func1("user", ginauth.PasswordRequestForm, func(_ *gin.Context, f *ginauth.OAuth2PasswordRequestForm) (*ginauth.OAuth2PasswordRequestForm, error) {
		return f, nil
	})
	e := gin.New()
	di.NewRouter(e).POST("/", di.Handle2(user, ginauth.PasswordRequestForm, func(c *gin.Context, a, b *ginauth.OAuth2PasswordRequestForm) {
		c.String(200, "%v %s", a == b, showForm(b))
	}))
	check(t, do(e, post("username=u&password=p")), answer{200, "", `true grant="" user="u" pass="p" scopes=[] id=nil secret=nil`})
}

func TestPasswordRequestFormLeavesTheRequestReadable(t *testing.T) {
	// After the form dependency, the handler still sees the form and the
	// query through gin and net/http; PUT and PATCH bodies are read as POST's.
	e := gin.New()
	r := di.NewRouter(e)
	for _, m := range []string{"POST", "PUT", "PATCH"} {
		r.Handle(m, "/", di.Handle1(ginauth.PasswordRequestForm, func(c *gin.Context, f *ginauth.OAuth2PasswordRequestForm) {
			c.String(200, "%s %s %s %s %s", f.Username, c.PostForm("password"), c.Query("q"), c.Request.FormValue("q"), c.Request.FormValue("username"))
		}))
	}
	for _, m := range []string{"POST", "PUT", "PATCH"} {
		check(t, do(e, request{method: m, target: "/?q=1", body: "username=u&password=p", header: []string{"Content-Type", urlencoded + "; charset=utf-8"}}),
			answer{200, "", "u p 1 1 u"})
	}
	body, ct := multipartBody(t, "username", "u", "password", "p")
	check(t, do(e, request{method: "POST", target: "/?q=1", body: body, header: []string{"Content-Type", ct}}), answer{200, "", "u p 1 1 u"})
}

// The form reads as FastAPI's in JSON: its field names, [] for no scope,
// null for an absent client.
func TestPasswordRequestFormAsJSON(t *testing.T) {
	e := gin.New()
	di.NewRouter(e).POST("/", di.JSON1(ginauth.PasswordRequestForm, func(_ *gin.Context, f *ginauth.OAuth2PasswordRequestForm) (*ginauth.OAuth2PasswordRequestForm, error) {
		return f, nil
	}))
	check(t, do(e, post("username=u&password=p")), answer{200, "",
		`{"grant_type":"","username":"u","password":"p","scopes":[],"client_id":null,"client_secret":null}`})
	check(t, do(e, post("username=u&password=p&scope=me+items&client_id=app&client_secret=s3")), answer{200, "",
		`{"grant_type":"","username":"u","password":"p","scopes":["me","items"],"client_id":"app","client_secret":"s3"}`})
}
