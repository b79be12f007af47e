package ginauth_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	goleak.VerifyTestMain(m)
}

// request is one request of a table test: headers as name, value pairs
// (repeat a name to send it twice).
type request struct {
	method, target, body string
	header               []string
}

// do sends r to h and returns the response.
func do(h http.Handler, r request) *httptest.ResponseRecorder {
	method := r.method
	if method == "" {
		method = "GET"
	}
	target := r.target
	if target == "" {
		target = "/"
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(r.header); i += 2 {
		req.Header.Add(r.header[i], r.header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// serveDep is an engine whose route "/" answers 200 with show(value of dep).
func serveDep[T any](dep di.Dep[T], show func(T) string) *gin.Engine {
	e := gin.New()
	di.NewRouter(e).Handle("GET", "/", di.Handle1(dep, func(c *gin.Context, v T) { c.String(200, show(v)) }))
	di.NewRouter(e).Handle("POST", "/", di.Handle1(dep, func(c *gin.Context, v T) { c.String(200, show(v)) }))
	return e
}

// answer is what a test expects: status, WWW-Authenticate (all values,
// joined by " | "), body.
type answer struct {
	status    int
	challenge string
	body      string
}

func check(t *testing.T, w *httptest.ResponseRecorder, want answer) {
	t.Helper()
	got := answer{w.Code, strings.Join(w.Header().Values("WWW-Authenticate"), " | "), w.Body.String()}
	if got != want {
		t.Errorf("got  %d [%s] %s\nwant %d [%s] %s", got.status, got.challenge, got.body, want.status, want.challenge, want.body)
	}
}

// mustPanic runs f and returns the message it panicked with.
func mustPanic(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		v := recover()
		if v == nil {
			t.Fatal("no panic")
		}
		msg, _ = v.(string)
	}()
	f()
	return ""
}

const notAuthenticated = `{"detail":"Not authenticated"}`

// testTokens is the validator the routes of a test are given, as main
// gives its own: di.NewRouter(e, di.Provide(testTokens, v)).
var testTokens = di.Provided[ginauth.TokenValidator]("tokens")
