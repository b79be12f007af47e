package bench

import (
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/ginauth"
)

// ExamplePath is FastAPI's scopes tutorial route, as the example app
// serves it.
const ExamplePath = "/users/me/items/"

// BenchmarkExample is the example app's GET /users/me/items/ (FastAPI's
// scopes tutorial: a bearer token with "me" and "items", its user looked
// up, a disabled user refused, the user's items as JSON), registered by
// app.Register as the example declares it, beside the same graph written
// in the fewest lines the library allows (BenchmarkExample/minimal): what
// the example's way of declaring it (a provided store, named dependencies
// chained through di.Security) costs over that. Both validate ES256 tokens,
// the example's algorithm, with a static key in place of the example's
// discovery; cache off and on. The example's request logger, which main
// adds, is not part of it.
func BenchmarkExample(b *testing.B) {
	for _, cache := range []bool{false, true} {
		name := map[bool]string{false: "nocache", true: "cache"}[cache]
		example, minimal := exampleRoutes(cache)
		b.Run("app/"+name, func(b *testing.B) { benchRoute(b, example, []*http.Request{exampleRequest()}, http.StatusOK) })
		b.Run("minimal/"+name, func(b *testing.B) { benchRoute(b, minimal, []*http.Request{exampleRequest()}, http.StatusOK) })
		// The two in turns, as BenchmarkPaired does: the steadier ratio.
		b.Run("paired/"+name, func(b *testing.B) {
			req, w := exampleRequest(), newRecorder()
			for _, h := range []http.Handler{minimal, example} {
				if code := serve(h, w, req); code != http.StatusOK { // and a cached token from here on
					b.Fatalf("status %d: %s", code, w.Body.String())
				}
			}
			spent := takeTurns(b, []http.Handler{minimal, example}, req)
			b.ReportMetric(float64(spent[0])/float64(b.N), "minimal-ns/op")
			b.ReportMetric(float64(spent[1])/float64(spent[0]), "app/minimal")
		})
	}
}

// TestExampleRoutesAnswerAlike checks that BenchmarkExample compares like
// with like: the example's route and the minimal one give the same answer
// to the same token, and refuse alike a token without the scope "items".
func TestExampleRoutesAnswerAlike(t *testing.T) {
	example, minimal := exampleRoutes(true)
	noItems := getItems(Sign(ServerKey("ES256"), With("sub", "johndoe", "aud", app.Audience, "scope", "me")))
	noItems.URL.Path = ExamplePath
	for name, h := range map[string]http.Handler{"app": example, "minimal": minimal} {
		w := newRecorder()
		if code := serve(h, w, exampleRequest()); code != http.StatusOK || w.Body.String() != `[{"item_id":"Foo","owner":"johndoe"}]` {
			t.Errorf("%s: %d %s", name, code, w.Body.String())
		}
		if code := serve(h, w, noItems); code != http.StatusForbidden || w.Header().Get("WWW-Authenticate") != `Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="items me"` {
			t.Errorf("%s, no items scope: %d %q", name, code, w.Header().Get("WWW-Authenticate"))
		}
	}
}

// exampleRequest is the example's route with a valid ES256 token of johndoe.
func exampleRequest() *http.Request {
	r := getItems(Sign(ServerKey("ES256"), With("sub", "johndoe", "aud", app.Audience)))
	r.URL.Path = ExamplePath
	return r
}

// exampleRoutes are the example app's engine, as app.Register makes it,
// and MinimalExample's, with validators alike (the example's audience and
// leeway), the cache on or off.
func exampleRoutes(cache bool) (example, minimal http.Handler) {
	change := func(c *ginauth.JWTConfig) {
		c.Audience, c.Leeway, c.NoCache = app.Audience, 30*time.Second, !cache // the example's leeway
	}
	e := gin.New()
	app.Register(e, app.NewStore(), CValidator("ES256", change))
	return e, MinimalExample(CValidator("ES256", change))
}

// MinimalExample is the example's route written as briefly as the library
// allows: the users in a map read by a closure, no store to provide.
func MinimalExample(tokens ginauth.TokenValidator) http.Handler {
	users := map[string]*app.User{"johndoe": {Username: "johndoe", FullName: "John Doe", Email: "johndoe@example.com"}}
	scheme := ginauth.OAuth2PasswordBearer{TokenURL: "token", Scopes: app.Scopes}.Dep()
	validator := di.Provided[ginauth.TokenValidator]("tokens")
	currentUser := di.Func1("currentUser", ginauth.Bearer(scheme, validator), func(_ *gin.Context, t *ginauth.Token) (*app.User, error) {
		if u, ok := users[t.Subject]; ok {
			return u, nil
		}
		return nil, ginauth.InvalidToken("The access token's user is unknown")
	})
	activeUser := di.Func1("activeUser", di.Security(currentUser, "me"), func(_ *gin.Context, u *app.User) (*app.User, error) {
		if u.Disabled {
			return nil, di.Error(http.StatusBadRequest, "Inactive user")
		}
		return u, nil
	})
	e := gin.New()
	di.NewRouter(e, di.Provide(validator, tokens)).GET(ExamplePath, di.JSON1(di.Security(activeUser, "items"), func(_ *gin.Context, u *app.User) ([]app.TutorialItem, error) {
		return []app.TutorialItem{{ItemID: "Foo", Owner: u.Username}}, nil
	}))
	return e
}
