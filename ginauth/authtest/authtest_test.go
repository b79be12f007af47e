package authtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/ginauth/authtest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}

// The application's declarations, as they would be at package level.
var (
	todoScheme = ginauth.OAuth2AuthorizationCodeBearer{
		AuthorizationURL: "/authorize", TokenURL: "/token",
		Scopes: map[string]string{"todos:read": "Read to-dos.", "todos:write": "Write to-dos."},
	}.Dep()
	tokens = di.Provided[ginauth.TokenValidator]("tokens")
	token  = ginauth.Bearer(todoScheme, tokens)
)

type claims struct {
	Team string `json:"team"`
}

func routes(v ginauth.TokenValidator) *gin.Engine {
	e := gin.New()
	api := di.NewRouter(e, di.Provide(tokens, v))
	api.GET("/todos", di.JSON1(di.Security(token, "todos:read"), func(_ *gin.Context, t *ginauth.Token) (string, error) {
		c, err := ginauth.ClaimsOf[claims](t)
		return fmt.Sprintf("todos of %s (%s)", t.Subject, c.Team), err
	}))
	return e
}

func get(e http.Handler, token string) (int, string) {
	req := httptest.NewRequest("GET", "/todos", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

// A test user goes through the real scheme and scope checks: without the
// scope, 403, as for real.
func TestValidatorGoesThroughTheScopeChecks(t *testing.T) {
	fake := authtest.NewValidator()
	e := routes(fake)
	for _, tc := range []struct {
		token  string
		status int
		body   string
	}{
		{fake.TokenWithClaims(claims{Team: "blue"}, "alice", "todos:read"), 200, `"todos of alice (blue)"`},
		{fake.Token("bob", "todos:write"), 403, `{"detail":"Not enough permissions"}`},
		{"", 401, `{"detail":"Not authenticated"}`},
		{authtest.NewValidator().Token("mallory", "todos:read"), 401, `{"detail":"Could not validate credentials"}`}, // another validator's
	} {
		if status, body := get(e, tc.token); status != tc.status || body != tc.body {
			t.Errorf("got %d %s, want %d %s", status, body, tc.status, tc.body)
		}
	}
}

func ExampleValidator() {
	fake := authtest.NewValidator()
	e := routes(fake) // the application's routes, given the fake validator
	fmt.Println(get(e, fake.TokenWithClaims(claims{Team: "blue"}, "alice", "todos:read")))
	fmt.Println(get(e, fake.Token("bob")))
	// Output:
	// 200 "todos of alice (blue)"
	// 403 {"detail":"Not enough permissions"}
}
