package app

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// secretParams are the query parameters that carry credentials. Clients
// should not put them in URLs, and the API refuses a token sent there, but
// one that does must not leave its credential in the server's log, which
// more people read than the API's users.
var secretParams = map[string]bool{
	"access_token":  true,
	"refresh_token": true,
	"id_token":      true,
	"client_secret": true,
	"code":          true,
	"api_key":       true,
	// The authorization server's login in progress: whoever has it can
	// watch it, and its code is bound to it.
	"authrequestid": true,
	"id":            true,
	"code_verifier": true,
}

// Logger is gin's request logger, writing lines in gin's default format to
// out, with the values of the credentials in the query replaced by
// REDACTED.
func Logger(out io.Writer) gin.HandlerFunc {
	return gin.LoggerWithConfig(gin.LoggerConfig{Output: out, Formatter: logLine})
}

// logLine is gin's default log format, whose formatter gin does not export,
// with the query redacted.
func logLine(p gin.LogFormatterParams) string {
	p.Path = redactPath(p)
	var statusColor, methodColor, resetColor, latencyColor string
	if p.IsOutputColor() {
		statusColor = p.StatusCodeColor()
		methodColor = p.MethodColor()
		resetColor = p.ResetColor()
		latencyColor = p.LatencyColor()
	}
	switch {
	case p.Latency > time.Minute:
		p.Latency = p.Latency.Truncate(10 * time.Second)
	case p.Latency > time.Second:
		p.Latency = p.Latency.Truncate(10 * time.Millisecond)
	case p.Latency > time.Millisecond:
		p.Latency = p.Latency.Truncate(10 * time.Microsecond)
	}
	return fmt.Sprintf("[GIN] %v |%s %3d %s|%s %8v %s| %15s |%s %-7s %s %#v\n%s",
		p.TimeStamp.Format("2006/01/02 - 15:04:05"),
		statusColor, p.StatusCode, resetColor,
		latencyColor, p.Latency, resetColor,
		p.ClientIP,
		methodColor, p.Method, resetColor,
		p.Path,
		p.ErrorMessage,
	)
}

// redactPath is the logged path, path?query, with the query redacted.
func redactPath(p gin.LogFormatterParams) string {
	// The decoded path may hold a '?' of its own: the query is found as the
	// request's, at the end, rather than after the first '?'.
	if p.Request != nil && p.Request.URL != nil {
		if q := p.Request.URL.RawQuery; q != "" && strings.HasSuffix(p.Path, "?"+q) {
			return p.Path[:len(p.Path)-len(q)] + redactQuery(q)
		}
	}
	path, query, ok := strings.Cut(p.Path, "?")
	if !ok {
		return p.Path
	}
	return path + "?" + redactQuery(query)
}

// redactQuery replaces the values of secretParams in a raw query, and
// leaves everything else as it was sent.
func redactQuery(query string) string {
	var b strings.Builder
	for query != "" {
		// ';' too: Go refuses it as a separator, but a client may have
		// meant one, and its value is as secret.
		param, sep := query, ""
		if i := strings.IndexAny(query, "&;"); i >= 0 {
			param, sep, query = query[:i], query[i:i+1], query[i+1:]
		} else {
			query = ""
		}
		name, _, hasValue := strings.Cut(param, "=")
		// The name as the API reads it: "api%5Fkey" is api_key. Case is
		// ignored, in case a client got it wrong.
		key := name
		if k, err := url.QueryUnescape(name); err == nil {
			key = k
		}
		if hasValue && secretParams[strings.ToLower(key)] {
			param = name + "=REDACTED"
		}
		b.WriteString(param)
		b.WriteString(sep)
	}
	return b.String()
}
