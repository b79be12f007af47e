package swagger_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger"
)

type exampleUser struct {
	Username string `json:"username"`
}

var exampleScheme = ginauth.OAuth2PasswordBearer{
	TokenURL: "/token",
	Scopes:   map[string]string{"me": "Read information about the current user.", "items": "Read items."},
}.Dep()

// The operation of a route that requires two scopes, as the document
// built from its declarations has it.
func ExampleBuild() {
	gin.SetMode(gin.TestMode)
	api := di.NewRouter(gin.New())
	api.GET("/users/me/items/", di.JSON1(di.Security(exampleScheme, "items", "me"), func(*gin.Context, string) ([]exampleUser, error) {
		return nil, nil
	}))
	doc, err := swagger.Build(api, swagger.Title("Items"))
	if err != nil {
		panic(err)
	}
	op := doc.Paths.Find("/users/me/items/").Get
	security, _ := json.Marshal(op.Security)
	fmt.Println(op.OperationID, string(security))
	for _, code := range []string{"200", "401", "403"} {
		fmt.Println(code, *op.Responses.Value(code).Value.Description)
	}
	// Output:
	// getUsersMeItems [{"OAuth2PasswordBearer":["items","me"]}]
	// 200 Successful Response
	// 401 Not authenticated: the credential is missing or invalid
	// 403 Not enough permissions: the token lacks a required scope (items, me)
}

// Mount serves the document and Swagger UI on the API's engine.
func ExampleMount() {
	gin.SetMode(gin.TestMode)
	engine := gin.New()
	api := di.NewRouter(engine)
	api.GET("/users/me", di.JSON1(di.Security(exampleScheme, "me"), func(*gin.Context, string) (exampleUser, error) {
		return exampleUser{Username: "johndoe"}, nil
	}))
	swagger.Mount(engine, api, swagger.ClientID("swagger-ui"))

	for _, path := range []string{"/openapi.json", "/docs", "/docs/index.html"} {
		w := httptest.NewRecorder()
		engine.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if loc := w.Header().Get("Location"); loc != "" {
			fmt.Println(path, w.Code, "to", loc)
			continue
		}
		fmt.Println(path, w.Code, w.Header().Get("Content-Type"))
	}
	// Output:
	// /openapi.json 200 application/json
	// /docs 307 to /docs/index.html
	// /docs/index.html 200 text/html; charset=utf-8
}
