package swagger

import (
	"encoding/json"
	"log"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	"github.com/gindepends/gindepends/di"
)

// Mount serves the document of api's routes at /openapi.json and Swagger
// UI at /docs on routes (a *gin.Engine or a group), as FastAPI does. The
// document is built at its first request, when every route is registered;
// a document that cannot be built is a 500, logged with the reason ([Build]
// in a test finds it first).
//
// Swagger UI is set up for OAuth2: the client of [ClientID] (with PKCE for
// the authorization-code flow), authorization kept across reloads, and its
// redirect page at /docs/oauth2-redirect.html, which the authorization
// server must accept as a redirect URI.
func Mount(routes gin.IRouter, api *di.Router, opts ...Option) {
	cfg := newConfig(opts)
	base := "/"
	if b, ok := routes.(interface{ BasePath() string }); ok {
		base = b.BasePath()
	}
	var (
		once sync.Once
		body []byte
	)
	routes.GET(cfg.openAPIPath, func(c *gin.Context) {
		once.Do(func() {
			doc, err := Build(api, opts...)
			if err == nil {
				body, err = json.Marshal(doc)
			}
			if err != nil {
				log.Printf("swagger: %s: %v", cfg.openAPIPath, err)
			}
		})
		if body == nil {
			c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"detail": "Internal Server Error"})
			return
		}
		c.Data(http.StatusOK, "application/json", body)
	})
	docs := strings.TrimSuffix(cfg.docsPath, "/")
	index := path.Join(base, docs, "index.html")
	redirect := func(c *gin.Context) { c.Redirect(http.StatusTemporaryRedirect, index) }
	ui := ginSwagger.WrapHandler(swaggerFiles.NewHandler(),
		ginSwagger.URL(path.Join(base, cfg.openAPIPath)),
		ginSwagger.PersistAuthorization(true),
		ginSwagger.Oauth2DefaultClientID(cfg.clientID),
		ginSwagger.Oauth2UsePkce(true),
		ginSwagger.DefaultModelsExpandDepth(1),
	)
	routes.GET(docs, redirect)
	routes.GET(docs+"/*any", func(c *gin.Context) {
		if c.Param("any") == "/" {
			redirect(c)
			return
		}
		ui(c)
	})
}
