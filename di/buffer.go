package di

import (
	"bufio"
	"bytes"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
)

// bufferedWriter holds a route's response until the cleanups that run before
// the response are done, so that their error can still replace it. Headers go
// to the real writer's map at once (they are shared); a snapshot taken at the
// start puts them back if the response is discarded.
type bufferedWriter struct {
	gin.ResponseWriter // the real writer
	body               bytes.Buffer
	status             int
	written            bool
	passthrough        bool // flushed or hijacked: no longer buffering
	header             http.Header
}

func (f *frame) startBuffer(c *gin.Context) {
	if f.buf == nil {
		f.buf = &bufferedWriter{}
	}
	bw := f.buf
	bw.ResponseWriter = c.Writer
	bw.body.Reset()
	if bw.body.Cap() > 64<<10 {
		bw.body = bytes.Buffer{} // a large response must not stay pinned in the pool
	}
	bw.status = c.Writer.Status()
	bw.written = false
	bw.passthrough = false
	bw.header = c.Writer.Header().Clone()
	c.Writer = bw
}

func (w *bufferedWriter) WriteHeader(code int) {
	if w.passthrough {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if code > 0 && !w.written {
		w.status = code
	}
}

func (w *bufferedWriter) WriteHeaderNow() {
	if w.passthrough {
		w.ResponseWriter.WriteHeaderNow()
		return
	}
	w.written = true
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	if w.passthrough {
		return w.ResponseWriter.Write(b)
	}
	w.written = true
	return w.body.Write(b)
}

func (w *bufferedWriter) WriteString(s string) (int, error) {
	if w.passthrough {
		return w.ResponseWriter.WriteString(s)
	}
	w.written = true
	return w.body.WriteString(s)
}

func (w *bufferedWriter) Status() int {
	if w.passthrough {
		return w.ResponseWriter.Status()
	}
	return w.status
}

func (w *bufferedWriter) Size() int {
	switch {
	case w.passthrough:
		return w.ResponseWriter.Size()
	case !w.written:
		return -1
	}
	return w.body.Len()
}

func (w *bufferedWriter) Written() bool {
	if w.passthrough {
		return w.ResponseWriter.Written()
	}
	return w.written
}

// Flush sends what is buffered and stops buffering: a streaming handler
// has chosen to commit its response.
func (w *bufferedWriter) Flush() {
	w.commit()
	w.ResponseWriter.Flush()
}

func (w *bufferedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.commit()
	return w.ResponseWriter.Hijack()
}

// Unwrap gives http.ResponseController the real writer, for deadlines.
func (w *bufferedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// commit sends the buffered response to the real writer.
func (w *bufferedWriter) commit() {
	if w.passthrough {
		return
	}
	w.passthrough = true
	w.ResponseWriter.WriteHeader(w.status)
	if w.written {
		w.ResponseWriter.WriteHeaderNow()
		_, _ = w.ResponseWriter.Write(w.body.Bytes())
	}
	w.body.Reset()
}

// discard drops the buffered response and the headers set since the start.
func (w *bufferedWriter) discard() {
	if w.passthrough {
		return
	}
	h := w.ResponseWriter.Header()
	clear(h)
	for k, v := range w.header {
		h[k] = v
	}
	w.body.Reset()
}
