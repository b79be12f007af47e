// Command example_app serves the example API on :8080 (or $ADDR), until
// it gets SIGINT or SIGTERM.
//
// What follows is swag's general API info; `make docs` reads it with the
// handlers' annotations into ./docs. Each security definition is a
// comment of its own: swag reads a definition up to the end of its comment.
//
// @title			gindepends example API
// @version		0.1.0
// @description	FastAPI's OAuth2, JWT and scopes tutorial on Gin, written with gindepends:
// @description	log in as johndoe / secret with Authorize, then try the routes.
package main

//go:generate go tool swag init --quiet --dir .,./app --generalInfo main.go --output ./docs --outputTypes go,json --parseDependencyLevel 1

// @securityDefinitions.oauth2.password	OAuth2PasswordBearer
// @tokenUrl								/token
// @scope.me								Read information about the current user.
// @scope.items							Read items.

// @securityDefinitions.basic	HTTPBasic

// @securityDefinitions.apikey	APIKeyHeader
// @in							header
// @name						X-API-Key

// @securityDefinitions.apikey	APIKeyCookie
// @in							cookie
// @name						api_key

import (
	"context"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	// Ctrl-C, or a container runtime or systemd stopping us: finish the
	// requests in flight, then exit.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	engine := gin.New()
	// No proxy is trusted: X-Forwarded-For is then the client's to write,
	// and the logs show the TCP peer. Behind a reverse proxy, list it here.
	if err := engine.SetTrustedProxies(nil); err != nil {
		return err
	}
	// gin.Default's middleware, with a logger that keeps credentials sent in
	// URLs out of the log.
	engine.Use(app.Logger(gin.DefaultWriter), gin.Recovery())
	app.Register(engine, app.NewStore())

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Printf("example API on http://%s (docs at /docs)", ln.Addr())
	if err := app.Serve(ctx, app.NewServer(addr, engine), ln); err != nil {
		return err
	}
	log.Print("example API stopped")
	return nil
}
