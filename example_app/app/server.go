package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// The example server's timeouts. Without them a client that sends its
// request a byte at a time, or never reads the answer, holds a connection
// and a goroutine for as long as it likes, and a few thousand such clients
// take the server down (slowloris).
const (
	// ReadHeaderTimeout is how long a client has to send the request header.
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout is how long it has to send the whole request; the
	// example's bodies are small forms and JSON.
	ReadTimeout = 15 * time.Second
	// WriteTimeout is how long the handler and the answer may take, from the
	// end of the header; a login may first wait for a hash slot.
	WriteTimeout = 30 * time.Second
	// IdleTimeout is how long a kept-alive connection may wait for its
	// next request.
	IdleTimeout = 60 * time.Second
	// ShutdownTimeout is how long a shutdown waits for the requests in
	// flight before it cuts them off.
	ShutdownTimeout = 10 * time.Second
)

// NewServer returns the server of handler h on addr, with the timeouts above.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
	}
}

// Serve serves srv on ln until ctx ends, then shuts srv down: it stops
// accepting connections, and lets the requests in flight finish for up to
// ShutdownTimeout before it closes their connections. It returns nil once
// every request has finished, and an error if serving failed or some
// requests had to be cut off.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil // shut down by its owner, not by us
		}
		return err
	case <-ctx.Done():
	}
	// ctx has ended: the wait needs a context of its own.
	wait, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(wait)
	if err != nil {
		err = errors.Join(fmt.Errorf("app: shutdown: %w", err), srv.Close())
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
