// Command example_app serves the example API and its authorization
// server on 127.0.0.1:8080 (or $ADDR), until it gets SIGINT or SIGTERM.
//
// The server keeps its state (signing keys, clients, codes, refresh
// tokens) in ./data (or $DATA_DIR), or in Redis with $REDIS_URL
// (redis://127.0.0.1:6379/0), which instances behind a load balancer
// share; $PUBLIC_URL is where clients reach it, http://$ADDR by default.
// SIGHUP, or `example_app rotate-key` beside a Redis store, rotates the
// signing key: the old one stays published until its tokens expire.
//
// What follows is swag's general API info; `make docs` reads it with the
// handlers' annotations into ./docs. Each security definition is a
// comment of its own: swag reads a definition up to the end of its comment.
//
// @title			gindepends example API
// @version		0.1.0
// @description	FastAPI's OAuth2, JWT and scopes tutorial on Gin, written with gindepends:
// @description	log in as johndoe / secret with Authorize, then try the routes.
// @license.name	MIT
// @license.url	https://opensource.org/license/mit
package main

//go:generate go tool swag init --quiet --dir .,./app --generalInfo main.go --output ./docs --outputTypes go,json --parseDependencyLevel 1

// @securityDefinitions.oauth2.accessCode	OAuth2AuthorizationCodeBearer
// @authorizationUrl						/oauth/authorize
// @tokenUrl								/oauth/token
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
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

func run(args []string) error {
	addr := envOr("ADDR", "127.0.0.1:8080")
	cfg := app.Config{
		PublicURL: envOr("PUBLIC_URL", "http://"+addr),
		DataDir:   envOr("DATA_DIR", "data"),
		RedisURL:  os.Getenv("REDIS_URL"),
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
	// Listening first, so that a taken address fails before anything is
	// opened (the data folder's database is locked by its user).
	var ln net.Listener
	if len(args) == 0 {
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			return err
		}
	}
	example, err := app.New(ctx, engine, cfg)
	if err != nil {
		return err
	}
	defer example.Close()
	if len(args) > 0 {
		if args[0] != "rotate-key" {
			return fmt.Errorf("unknown command %q; the only one is rotate-key", args[0])
		}
		id, err := example.Auth.Rotate(ctx)
		if err == nil {
			log.Printf("tokens are now signed with key %s", id)
		}
		return err
	}
	go rotateOnSIGHUP(ctx, example)
	where := "data in " + cfg.DataDir
	if cfg.RedisURL != "" {
		where = "data in Redis"
	}
	log.Printf("example API on http://%s: docs at %s/docs, authorization server at %s/oauth (%s)", ln.Addr(), cfg.PublicURL, cfg.PublicURL, where)
	if err := app.Serve(ctx, app.NewServer(addr, engine), ln); err != nil {
		return err
	}
	log.Print("example API stopped")
	return nil
}

// rotateOnSIGHUP rotates the signing key on each SIGHUP.
func rotateOnSIGHUP(ctx context.Context, example *app.Example) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if id, err := example.Auth.Rotate(ctx); err != nil {
				log.Printf("rotating the signing key: %v", err)
			} else {
				log.Printf("tokens are now signed with key %s", id)
			}
		}
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
