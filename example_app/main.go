// Command example_app serves the example API on :8080 (or $ADDR).
package main

import (
	"log"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	engine := gin.Default()
	app.Register(engine, app.NewStore())
	log.Printf("example API on http://localhost%s (try /routes)", addr)
	log.Fatal(engine.Run(addr))
}
