package ginauth

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// OAuth2PasswordRequestForm is what a client sends to a token endpoint with
// the password grant (RFC 6749 §4.3.2), as FastAPI's class of that name
// reads it from a form body.
type OAuth2PasswordRequestForm struct {
	GrantType string `json:"grant_type"`
	Username  string `json:"username"`
	Password  string `json:"password"`
	// Scopes are the form's scope field split on spaces (U+0020 only, as
	// RFC 6749 §3.3 says).
	Scopes []string `json:"scopes"`
	// ClientID and ClientSecret come from the form or, as RFC 6749 §2.3.1
	// prefers and FastAPI ignores, from HTTP Basic; nil when absent
	// (FastAPI's None).
	ClientID     *string `json:"client_id"`
	ClientSecret *string `json:"client_secret"`
}

// PasswordRequestForm is a dependency on the password form (FastAPI's
// OAuth2PasswordRequestForm): username and password are required;
// grant_type, if given, must be "password". Problems are FastAPI's 422:
//
//	{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}
//
// An empty field counts as missing; a scope field is split on spaces, and
// one with a character outside RFC 6749's scope charset (a tab or a
// non-breaking space, say) is a 422 too. A body that cannot be parsed is a 400, one
// over 64 KiB a 413. A parameter given twice is a 400 (RFC 6749 §3.2), and so
// are client credentials given both in HTTP Basic and in the form (§2.3); a
// Basic header that does not decode is a 401.
var PasswordRequestForm = passwordForm("PasswordRequestForm", false)

// PasswordRequestFormStrict is [PasswordRequestForm] with grant_type
// required (FastAPI's OAuth2PasswordRequestFormStrict), as RFC 6749 wants.
var PasswordRequestFormStrict = passwordForm("PasswordRequestFormStrict", true)

const maxFormBytes = 64 << 10

// passwordFormFields and strictPasswordFormFields are the password form as
// it travels, for the docs (di.Describe): what the parser below accepts.
// They differ in grant_type only.
type passwordFormFields struct {
	GrantType string `form:"grant_type" binding:"omitempty,eq=password"`
	passwordCredentialsFields
}

type strictPasswordFormFields struct {
	GrantType string `form:"grant_type" binding:"required,eq=password"`
	passwordCredentialsFields
}

type passwordCredentialsFields struct {
	Username     string  `form:"username" binding:"required"`
	Password     string  `form:"password" binding:"required" format:"password"`
	Scope        string  `form:"scope,default="`
	ClientID     *string `form:"client_id"`
	ClientSecret *string `form:"client_secret" format:"password"`
}

func passwordForm(name string, strict bool) di.Dep[*OAuth2PasswordRequestForm] {
	fields := reflect.TypeFor[passwordFormFields]()
	if strict {
		fields = reflect.TypeFor[strictPasswordFormFields]()
	}
	return di.Describe(di.Func("ginauth."+name, func(c *gin.Context) (*OAuth2PasswordRequestForm, error) {
		form, err := postForm(c)
		if err != nil {
			return nil, err
		}
		var problems []di.FieldError
		field := func(key string, required bool) string {
			v := form.Get(key)
			if v == "" && required {
				problems = append(problems, di.FieldError{Type: "missing", Loc: []any{"body", key}, Msg: "Field required"})
			}
			return v
		}
		f := &OAuth2PasswordRequestForm{GrantType: field("grant_type", strict)}
		if f.GrantType != "" && f.GrantType != "password" {
			problems = append(problems, di.FieldError{Type: "string_pattern_mismatch", Loc: []any{"body", "grant_type"},
				Msg: "String should match pattern '^password$'", Input: f.GrantType, Ctx: map[string]any{"pattern": "^password$"}})
		}
		f.Username = field("username", true)
		f.Password = field("password", true)
		scope := form.Get("scope")
		f.Scopes = append([]string{}, splitScope(scope)...) // [] rather than null, as FastAPI has it
		if !isScopeList(scope) {
			problems = append(problems, di.FieldError{Type: "string_pattern_mismatch", Loc: []any{"body", "scope"},
				Msg: "Scopes are separated by spaces, each of printable ASCII without '\"' or '\\' (RFC 6749 §3.3)", Input: scope})
		}
		f.ClientID, f.ClientSecret = optional(form.Get("client_id")), optional(form.Get("client_secret"))
		if len(problems) > 0 {
			return nil, &di.ValidationError{Errors: problems}
		}
		if err := clientFromBasic(c, f); err != nil {
			return nil, err
		}
		return f, nil
	}), di.Binding{In: "form", Type: fields, MaxBytes: maxFormBytes})
}

// postForm is the request's form body, each parameter at most once.
func postForm(c *gin.Context) (url.Values, error) {
	r := c.Request
	r.Body = http.MaxBytesReader(c.Writer, r.Body, maxFormBytes)
	// The body is parsed apart from the query string, whose errors
	// (net/http's ParseForm reports "?a=%zz" or "?a;b" as its own) say
	// nothing of the body; ParseForm then adds the query to r.Form, for
	// whoever reads it later, and its error is not ours.
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		_ = r.ParseForm() // the query only: ParseForm leaves multipart bodies alone
		err = r.ParseMultipartForm(maxFormBytes)
	} else if r.PostForm == nil {
		var body url.Values
		if body, err = urlencodedBody(r); err == nil {
			r.PostForm = body
			_ = r.ParseForm()
		}
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, di.Error(http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		}
		return nil, di.Error(http.StatusBadRequest, "There was an error parsing the body")
	}
	for _, key := range slices.Sorted(maps.Keys(r.PostForm)) { // sorted: the same answer every time
		if vs := r.PostForm[key]; len(vs) > 1 {
			return nil, di.Error(http.StatusBadRequest, fmt.Sprintf("The parameter %s was given more than once", key))
		}
	}
	return r.PostForm, nil
}

// urlencodedBody parses the body as net/http's ParseForm does, without the
// query: an application/x-www-form-urlencoded body of a POST, PUT or PATCH,
// nothing otherwise.
func urlencodedBody(r *http.Request) (url.Values, error) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch || r.Body == nil {
		return url.Values{}, nil
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return url.Values{}, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, err
	}
	if mt != "application/x-www-form-urlencoded" {
		return url.Values{}, nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	return url.ParseQuery(string(b))
}

// formUnescape decodes a form-encoded client id or secret, which must then
// be what DecodeBasic accepts too: UTF-8 without control characters (a
// %00 or %0D%0A must not slip through the escaping).
func formUnescape(s string) (string, bool) {
	u, err := url.QueryUnescape(s)
	if err != nil || !utf8.ValidString(u) || strings.ContainsFunc(u, isControl) {
		return "", false
	}
	return u, true
}

// clientFromBasic reads client credentials from HTTP Basic, where the id and
// secret are form-encoded before base64 (RFC 6749 §2.3.1).
func clientFromBasic(c *gin.Context, f *OAuth2PasswordRequestForm) error {
	v, err := authorization(c, "Basic", "")
	if err != nil {
		return err
	}
	scheme, param := splitAuthorization(v)
	if v == "" || !equalFoldASCII(scheme, "basic") {
		return nil
	}
	if f.ClientID != nil || f.ClientSecret != nil {
		return di.Error(http.StatusBadRequest, "Client credentials were given both in HTTP Basic and in the form")
	}
	id, secret, ok := DecodeBasic(param)
	if ok {
		id, ok = formUnescape(id)
	}
	if ok {
		secret, ok = formUnescape(secret)
	}
	if !ok {
		return NotAuthenticated(challenge("Basic", "charset", "UTF-8"))
	}
	f.ClientID, f.ClientSecret = &id, optional(secret)
	return nil
}

// optional is a form value, nil when empty: FastAPI counts an empty value
// as absent.
func optional(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}
