package di_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// keyScheme reads X-Key: missing is a 401 marked as a missing credential,
// "bad" a 401 for a bad one.
var keyScheme = di.Scheme(bearer{}, func(c *gin.Context) (string, error) {
	switch k := c.GetHeader("X-Key"); k {
	case "":
		return "", di.MissingCredential(di.Error(http.StatusUnauthorized, "Not authenticated").WithHeader("WWW-Authenticate", "Bearer"))
	case "bad":
		return "", di.Error(http.StatusUnauthorized, "Could not validate credentials")
	default:
		return k, nil
	}
})

type member struct{ Name string }

// Under Optional, no credential is no user, and what lies between the scheme
// and the optional place does not run; a bad credential still fails, and a
// required use of the same scheme in the same route stays required.
func TestOptionalCredential(t *testing.T) {
	var looked atomic.Int32
	current := di.Func1("current", keyScheme, func(_ *gin.Context, k string) (*member, error) {
		looked.Add(1)
		return &member{Name: k}, nil
	})
	show := func(_ *gin.Context, a *member) (string, error) {
		if a == nil {
			return "anonymous", nil
		}
		return a.Name, nil
	}
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/maybe", di.JSON1(di.Optional(current), show))
	api.GET("/must", di.JSON1(current, show))
	api.GET("/both", di.JSON2(di.Optional(current), keyScheme, func(c *gin.Context, a *member, _ string) (string, error) { return show(c, a) }))
	api.GET("/scheme", di.JSON1(di.Optional(keyScheme), func(_ *gin.Context, k string) (string, error) { return "key=" + k, nil }))

	expect(t, serve(e, "GET", "/maybe", ""), 200, `"anonymous"`)
	if n := looked.Load(); n != 0 {
		t.Errorf("the user was looked up %d times without a credential", n)
	}
	expect(t, serve(e, "GET", "/maybe", "", "X-Key", "ann"), 200, `"ann"`)
	expect(t, serve(e, "GET", "/maybe", "", "X-Key", "bad"), 401, `{"detail":"Could not validate credentials"}`)
	w := serve(e, "GET", "/must", "")
	expect(t, w, 401, `{"detail":"Not authenticated"}`)
	if w.Header().Get("WWW-Authenticate") != "Bearer" {
		t.Errorf("challenge %q", w.Header().Get("WWW-Authenticate"))
	}
	expect(t, serve(e, "GET", "/both", ""), 401, `{"detail":"Not authenticated"}`)
	expect(t, serve(e, "GET", "/both", "", "X-Key", "ann"), 200, `"ann"`)
	expect(t, serve(e, "GET", "/scheme", ""), 200, `"key="`)

	// The registry knows which routes answer without a credential.
	var got []string
	for _, r := range api.Routes() {
		for _, s := range r.Security {
			got = append(got, r.Path+map[bool]string{true: " optional", false: " required"}[s.Optional])
		}
	}
	if want := "/maybe optional|/must required|/both required|/scheme optional"; strings.Join(got, "|") != want {
		t.Errorf("registry %q, want %q", got, want)
	}
}

// Optional with scopes: no credential, no user; a credential, and the
// scopes apply.
func TestOptionalKeepsScopes(t *testing.T) {
	scoped := di.Func2("scoped", di.Scopes, keyScheme, func(_ *gin.Context, s di.SecurityScopes, k string) (string, error) {
		if !strings.Contains(k, s.String()) {
			return "", di.Error(http.StatusForbidden, "Not enough permissions")
		}
		return k, nil
	})
	e := gin.New()
	di.NewRouter(e).GET("/", di.JSON1(di.Optional(di.Security(scoped, "items")), func(_ *gin.Context, k string) (string, error) { return "<" + k + ">", nil }))
	expect(t, serve(e, "GET", "/", ""), 200, `"\u003c\u003e"`)
	expect(t, serve(e, "GET", "/", "", "X-Key", "me"), 403, `{"detail":"Not enough permissions"}`)
	expect(t, serve(e, "GET", "/", "", "X-Key", "me items"), 200, `"\u003cme items\u003e"`)
}

func TestOptionalNeedsACredential(t *testing.T) {
	msg := mustPanic(t, func() { di.Optional(di.Func("plain", func(*gin.Context) (int, error) { return 1, nil })) })
	if !strings.Contains(msg, `nothing under "plain" reads credentials`) {
		t.Errorf("panic %q", msg)
	}
}

// A dependency used at an Optional place and also below another: without a
// credential, each place reads the zero value, whatever the last request
// left in the slot, and nothing below a place runs without its credential.
func TestOptionalPlacesShareNoStaleValues(t *testing.T) {
	userID := di.Func1("userID", keyScheme, func(_ *gin.Context, k string) (int, error) { return len(k), nil })
	var profiles atomic.Int32
	profile := di.Func1("profile", userID, func(_ *gin.Context, id int) (string, error) {
		profiles.Add(1)
		return strings.Repeat("*", id), nil
	})
	current := di.Func1("current", keyScheme, func(_ *gin.Context, k string) (*member, error) {
		if k == "" {
			t.Error("current ran without a credential")
		}
		return &member{Name: k}, nil
	})
	e := gin.New()
	api := di.NewRouter(e)
	api.GET("/two", di.JSON2(di.Optional(profile), di.Optional(userID), func(_ *gin.Context, p string, id int) (string, error) {
		return p + "|" + strings.Repeat("#", id), nil
	}))
	api.GET("/scheme-and-user", di.JSON2(di.Optional(keyScheme), di.Optional(current), func(_ *gin.Context, k string, m *member) (string, error) {
		if m == nil {
			return "anonymous key=" + k, nil
		}
		return "user=" + m.Name, nil
	}))
	// A dependency that takes an Optional place runs, with the zero value.
	greeting := di.Func1("greeting", di.Optional(current), func(_ *gin.Context, m *member) (string, error) {
		if m == nil {
			return "hello, stranger", nil
		}
		return "hello, " + m.Name, nil
	})
	api.GET("/greeting", di.JSON1(greeting, func(_ *gin.Context, g string) (string, error) { return g, nil }))

	expect(t, serve(e, "GET", "/two", "", "X-Key", "abc"), 200, `"***|###"`)
	expect(t, serve(e, "GET", "/two", ""), 200, `"|"`)
	expect(t, serve(e, "GET", "/scheme-and-user", "", "X-Key", "ann"), 200, `"user=ann"`)
	expect(t, serve(e, "GET", "/scheme-and-user", ""), 200, `"anonymous key="`)
	expect(t, serve(e, "GET", "/greeting", ""), 200, `"hello, stranger"`)
	expect(t, serve(e, "GET", "/greeting", "", "X-Key", "ann"), 200, `"hello, ann"`)
	if n := profiles.Load(); n != 1 {
		t.Errorf("profile ran %d times, want once (with the key)", n)
	}
}
