// Command module is the README's "use it in your module" program, compiled.
package main

import (
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

var apiKey = ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep()

func main() {
	engine := gin.Default()
	api := di.NewRouter(engine)
	api.GET("/hello", di.JSON1(apiKey, func(c *gin.Context, key string) (gin.H, error) {
		return gin.H{"hello": "caller with a key"}, nil
	}))
	engine.Run(":8080")
}
