package todo_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/ginauth/authtest"
	"github.com/gindepends/gindepends/tests/todo"
)

func call(e *gin.Engine, method, target, token, body string) {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	out := fmt.Sprint(w.Code)
	if ch := w.Header().Get("WWW-Authenticate"); ch != "" {
		out += " [" + ch + "]"
	}
	fmt.Println(strings.TrimSpace(out + " " + w.Body.String()))
}

// What main does: a validator for the authorization server's tokens,
// closed on the way out, and a store, given to the routes.
func ExampleRegister() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	issuer, _ := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: "https://auth.example.com", Audience: "https://todo.example.com", Key: key})
	v := ginauth.MustJWT(ginauth.JWTConfig{Issuer: "https://auth.example.com", Audience: "https://todo.example.com", Keys: issuer.Keys()})
	defer v.Close()

	e := gin.New()
	todo.Register(e, v, todo.NewStore(todo.Todo{Owner: "bob", Title: "Fix the bike", Shared: true}))

	at, _ := issuer.Issue("ann", "todo-cli", []string{"todos:read", "todos:write"}, ginauth.WithClaims(map[string]string{"name": "Ann"}))
	call(e, "POST", "/todos", at.AccessToken, `{"title":"Buy milk"}`)
	call(e, "POST", "/todos", at.AccessToken, `{"title":"Buy milk"}`)
	call(e, "GET", "/todos/shared", "", "")
	call(e, "DELETE", "/todos/2", at.AccessToken, "")
	call(e, "GET", "/todos", "", "")
	// Output:
	// 201 {"id":2,"owner":"ann","title":"Buy milk","done":false,"shared":false}
	// 409 {"detail":"A to-do with this title already exists"}
	// 200 [{"id":1,"owner":"bob","title":"Fix the bike","done":false,"shared":true}]
	// 204
	// 401 [Bearer] {"detail":"Not authenticated"}
}

// In tests, a fake validator stands in for the JWT one; the scopes are
// still checked.
func ExampleRegister_fakeValidator() {
	fake := authtest.NewValidator()
	e := gin.New()
	todo.Register(e, fake, todo.NewStore())

	readOnly := fake.TokenWithClaims(map[string]string{"name": "Ann"}, "ann", "todos:read")
	call(e, "POST", "/todos", readOnly, `{"title":"Buy milk"}`)
	call(e, "GET", "/todos", readOnly, "")
	// Output:
	// 403 [Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="todos:write"] {"detail":"Not enough permissions"}
	// 200 []
}
