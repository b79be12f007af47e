// Package check sends requests to a tutorial's app and checks the answers.
package check

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Request is one request: method, target, a body (a form when it holds '='
// and no '{'), and headers as name, value pairs.
type Request struct {
	Method, Target, Body string
	Header               []string
}

// Answer is what a request must get: status, WWW-Authenticate, body.
type Answer struct {
	Status    int
	Challenge string
	Body      string
}

// Case is a request and its answer.
type Case struct {
	Name string
	Req  Request
	Want Answer
}

// Run sends each case to h and checks its answer.
func Run(t *testing.T, h http.Handler, cases []Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			w := Do(h, tc.Req)
			got := Answer{w.Code, w.Header().Get("WWW-Authenticate"), w.Body.String()}
			if got != tc.Want {
				t.Errorf("got  %d [%s] %s\nwant %d [%s] %s", got.Status, got.Challenge, got.Body, tc.Want.Status, tc.Want.Challenge, tc.Want.Body)
			}
		})
	}
}

// Do sends r to h.
func Do(h http.Handler, r Request) *httptest.ResponseRecorder {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	req := httptest.NewRequest(method, r.Target, body)
	if r.Body != "" && !strings.Contains(r.Body, "{") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(r.Header); i += 2 {
		req.Header.Add(r.Header[i], r.Header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// Get is a GET of target.
func Get(target string, header ...string) Request {
	return Request{Method: http.MethodGet, Target: target, Header: header}
}

// Post is a POST of body to target.
func Post(target, body string, header ...string) Request {
	return Request{Method: http.MethodPost, Target: target, Body: body, Header: header}
}

// Want is an answer: status, WWW-Authenticate, body.
func Want(status int, challenge, body string) Answer {
	return Answer{Status: status, Challenge: challenge, Body: body}
}

// C is a case.
func C(name string, r Request, want Answer) Case { return Case{Name: name, Req: r, Want: want} }

// Bearer is an Authorization header with token.
func Bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// Signed is a token of the tutorials' issuer, signed with secret, with
// claims changed by kv pairs (a nil value removes the claim).
func Signed(t *testing.T, secret []byte, kv ...any) string {
	t.Helper()
	claims := jwt.MapClaims{"iss": "tutorial", "aud": "tutorial", "sub": "johndoe", "exp": time.Now().Add(time.Minute).Unix()}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(claims, kv[i].(string))
		} else {
			claims[kv[i].(string)] = kv[i+1]
		}
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
