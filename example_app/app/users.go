package app

import (
	"context"
	"errors"
	"net/http"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/example_app/authserver"
)

// Users is the store's users as the authorization server reads them: who
// may log in, with which scopes. The server never writes them.
func (s *Store) Users() authserver.Users { return storeUsers{s} }

type storeUsers struct{ s *Store }

func (u storeUsers) Authenticate(ctx context.Context, username, password, remoteIP string) ([]string, error) {
	_, err := u.s.authenticate(ctx, username, password, remoteIP)
	var refused *di.HTTPError
	switch {
	case err == nil:
		scopes, _ := u.Scopes(ctx, username)
		return scopes, nil
	case errors.Is(err, errLogin):
		return nil, authserver.ErrInvalidCredentials
	case errors.Is(err, errInactive):
		return nil, authserver.ErrInactive
	case errors.As(err, &refused) && (refused.Status == http.StatusTooManyRequests || refused.Status == http.StatusServiceUnavailable):
		return nil, &authserver.ThrottledError{Status: refused.Status, RetryAfter: refused.Header.Get("Retry-After")}
	}
	return nil, err
}

func (u storeUsers) Scopes(_ context.Context, username string) ([]string, bool) {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	a, ok := u.s.accounts[username]
	if !ok || a.Disabled {
		return nil, false
	}
	return append([]string{}, a.scopes...), true
}

func (u storeUsers) Name(_ context.Context, username string) (string, bool) {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	a, ok := u.s.accounts[username]
	if !ok {
		return "", false
	}
	return a.FullName, true
}
