package di

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

// ErrPanic is what cleanups see when the handler or a dependency panicked (or
// called runtime.Goexit); a cleanup that panics reports an error matching it.
// The panic itself goes on to gin's Recovery with its stack intact.
var ErrPanic = errors.New("di: panic")

// ErrAborted is what cleanups see when the handler or a dependency aborted
// the request with an error status (c.AbortWithStatusJSON(409, ...)) and
// reported no error in c.Errors.
var ErrAborted = errors.New("di: aborted with an error status")

// HTTPError is an error with an HTTP answer (FastAPI's HTTPException): its
// status, a detail rendered as {"detail": Detail}, and headers. Return one
// from a dependency to end the request with that answer.
type HTTPError struct {
	Status int
	// Detail is any JSON value; nil renders the status text ("Unauthorized").
	Detail any
	Header http.Header
}

// Error returns an HTTPError with status and detail.
func Error(status int, detail any) *HTTPError {
	return &HTTPError{Status: status, Detail: detail}
}

// WithHeader returns a copy of e that also sends the header key: value.
func (e *HTTPError) WithHeader(key, value string) *HTTPError {
	cp := *e
	cp.Header = e.Header.Clone()
	if cp.Header == nil {
		cp.Header = http.Header{}
	}
	cp.Header.Add(key, value)
	return &cp
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%d %s: %v", e.Status, http.StatusText(e.Status), e.detail())
}

func (e *HTTPError) detail() any {
	if e.Detail == nil {
		return http.StatusText(e.Status)
	}
	return e.Detail
}

// ValidationError is a 422 with every problem found in the request, in
// FastAPI's shape: {"detail": [{"type", "loc", "msg", "input"}, ...]}. The
// binding dependencies return it; a dependency of yours may too, and its
// errors join the others of the request instead of ending it at once.
type ValidationError struct {
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	if len(e.Errors) == 1 {
		return fmt.Sprintf("422 validation error: %s %v: %s", e.Errors[0].Type, e.Errors[0].Loc, e.Errors[0].Msg)
	}
	return fmt.Sprintf("422 validation error: %d problems", len(e.Errors))
}

// FieldError is one problem of a [ValidationError], as pydantic reports it.
type FieldError struct {
	// Type names the problem: "missing", "int_parsing", "string_too_short"...
	Type string `json:"type"`
	// Loc is where: the source ("query", "path", "header", "cookie", "body")
	// then field names and list indexes.
	Loc []any `json:"loc"`
	// Msg says it for people.
	Msg string `json:"msg"`
	// Input is the value found, null when there was none.
	Input any `json:"input"`
	// Ctx holds the rule's parameters, such as {"min_length": 3}.
	Ctx map[string]any `json:"ctx,omitempty"`
}

// ErrorRenderer writes the answer for an error that ended a request. It is
// given every error: an [*HTTPError], a [*ValidationError], or anything else,
// which must become a 500 that says nothing of its cause.
type ErrorRenderer func(c *gin.Context, err error)

// RenderDetail is the default renderer: FastAPI's {"detail": ...} bodies.
// An *HTTPError gives its status, headers and detail (no body for statuses
// that have none); a *ValidationError a 422 listing its errors; any other
// error a 500 {"detail":"Internal Server Error"} that says nothing of its
// cause. Routes add such errors to c.Errors, where gin's Logger prints them,
// whatever the renderer.
func RenderDetail(c *gin.Context, err error) {
	status, header, detail := answer(err)
	writeHeader(c, header)
	if !bodyAllowed(status) {
		c.Status(status)
		return
	}
	if s, ok := detail.(string); ok {
		// The answers of refused credentials are a few constant strings:
		// their bodies are encoded once, so that a refusal, which anyone can
		// send in bulk, costs no encoding.
		c.Data(status, "application/json; charset=utf-8", detailBody(s))
		return
	}
	c.JSON(status, gin.H{"detail": detail})
}

// detailBodies holds the encoded bodies of string details, up to
// maxDetailBodies: details made per request (an ID in a message) would
// otherwise grow it without bound.
var (
	detailBodies    sync.Map // string -> []byte
	detailBodyCount atomic.Int32
)

const maxDetailBodies = 1024

func detailBody(detail string) []byte {
	if b, ok := detailBodies.Load(detail); ok {
		return b.([]byte)
	}
	enc, _ := json.Marshal(detail) // a string always encodes
	b := make([]byte, 0, len(enc)+len(`{"detail":}`))
	b = append(append(append(b, `{"detail":`...), enc...), '}')
	if detailBodyCount.Load() < maxDetailBodies {
		if _, loaded := detailBodies.LoadOrStore(detail, b); !loaded {
			detailBodyCount.Add(1)
		}
	}
	return b
}

// RenderProblem renders errors as RFC 9457 problem details
// (application/problem+json): {"type":"about:blank","title","status","detail"}.
// A string detail stays "detail"; any other detail, such as the list of a
// validation error, goes to the extension member "errors".
func RenderProblem(c *gin.Context, err error) {
	status, header, detail := answer(err)
	writeHeader(c, header)
	if !bodyAllowed(status) {
		c.Status(status)
		return
	}
	body := gin.H{"type": "about:blank", "title": http.StatusText(status), "status": status}
	if s, ok := detail.(string); ok {
		body["detail"] = s
	} else {
		body["errors"] = detail
	}
	c.Header("Content-Type", "application/problem+json") // c.JSON keeps a type already set
	c.JSON(status, body)
}

// answer is what every renderer needs: the status, headers and detail of err.
func answer(err error) (int, http.Header, any) {
	he, ve := answerOf(err)
	switch {
	case he != nil && he.Status >= 100 && he.Status <= 999:
		return he.Status, he.Header, he.detail()
	case he == nil && ve != nil:
		return http.StatusUnprocessableEntity, nil, ve.Errors
	}
	return http.StatusInternalServerError, nil, http.StatusText(http.StatusInternalServerError)
}

// answerOf finds the *HTTPError in err's chain, else its *ValidationError,
// as errors.As would, by hand: errors.As allocates its target, on the path
// of every refused request.
func answerOf(err error) (*HTTPError, *ValidationError) {
	if he, ok := find[*HTTPError](err); ok {
		return he, nil
	}
	ve, _ := find[*ValidationError](err)
	return nil, ve
}

// find is errors.As for a pointer type, without its allocation.
func find[T error](err error) (T, bool) {
	for err != nil {
		if e, ok := err.(T); ok {
			return e, true
		}
		if multi, ok := err.(interface{ Unwrap() []error }); ok {
			for _, inner := range multi.Unwrap() {
				if e, ok := find[T](inner); ok {
					return e, true
				}
			}
			var zero T
			return zero, false
		}
		err = errors.Unwrap(err)
	}
	var zero T
	return zero, false
}

// internal reports whether err is a failure rather than an answer: not an
// HTTPError with a real status, nor a ValidationError.
func internal(err error) bool {
	he, ve := answerOf(err)
	switch {
	case he != nil:
		return he.Status < 100 || he.Status > 999
	case ve != nil:
		return false
	}
	return true
}

func writeHeader(c *gin.Context, h http.Header) {
	dst := c.Writer.Header()
	for k, vs := range h {
		// Shared, not copied: clipped, so that an Add on the response's
		// header reallocates rather than writes into the error's.
		dst[k] = slices.Clip(vs)
	}
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
