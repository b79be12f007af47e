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

// recorder is an httptest.ResponseRecorder used again and again: reset
// empties it without allocating, so that the benchmarks count what the
// route allocates, plus the recorder's own snapshot of the headers.
type recorder struct {
	httptest.ResponseRecorder
	header http.Header
}

func newRecorder() *recorder {
	w := &recorder{header: http.Header{}}
	w.reset()
	return w
}

func (w *recorder) reset() {
	clear(w.header)
	body := w.Body
	if body != nil {
		body.Reset()
	}
	if body == nil {
		body = new(bytes.Buffer)
	}
	// HeaderMap is deprecated for reading a handler's headers (Result does
	// that); here it only hands the recorder a map to use again.
	//lint:ignore SA1019 setting the map the recorder writes to, not reading it
	w.ResponseRecorder = httptest.ResponseRecorder{HeaderMap: w.header, Body: body, Code: http.StatusOK}
}

// serve runs r through h into w, emptied first, and returns the status.
func serve(h http.Handler, w *recorder, r *http.Request) int {
	w.reset()
	h.ServeHTTP(&w.ResponseRecorder, r)
	return w.Code
}
