package bench

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	goleak.VerifyTestMain(m)
}

// getItems is the request every contender serves: GET Path with
// "Authorization: Bearer token" ("" sends no header).
func getItems(token string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, Path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}

// recorder is the response writer of every request here, used again and
// again: a header map and a body buffer, emptied between requests, and the
// status. As net/http's server does (response.WriteHeader), it copies the
// headers when they are written if the handler asked for them, and nothing
// more: the figures count what a route costs behind a real server.
type recorder struct {
	header       http.Header
	written      http.Header // the copy net/http's server would make
	Body         bytes.Buffer
	Code         int
	wroteHeader  bool
	calledHeader bool
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (w *recorder) Header() http.Header {
	w.calledHeader = true
	return w.header
}

func (w *recorder) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	w.Code, w.wroteHeader = code, true
	if w.calledHeader {
		w.written = w.header.Clone()
	}
}

func (w *recorder) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.Body.Write(p)
}

func (w *recorder) reset() {
	clear(w.header)
	w.Body.Reset()
	w.Code, w.wroteHeader, w.calledHeader, w.written = http.StatusOK, false, false, nil
}

// serve runs r through h into w, emptied first, and returns the status.
func serve(h http.Handler, w *recorder, r *http.Request) int {
	w.reset()
	h.ServeHTTP(w, r)
	return w.Code
}
