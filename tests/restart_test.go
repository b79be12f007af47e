package tests

import (
	"slices"
	"testing"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/tests/internal/exampletest"
)

// A restart on the same store keeps the signing keys, the clients and the
// refresh tokens: behind the same URL, tokens issued before work after;
// behind another, the access tokens name another issuer, and the refresh
// tokens still work.
func TestExampleAppRestartKeepsState(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, cfg app.Config) {
		in := exampletest.Launch(t, listen(t, "127.0.0.1:0"), cfg, true)
		before := password(t, in.Server, "johndoe", "secret", "me")
		keys := keyIDs(t, in.Server)
		in.Restart(t)
		if got := keyIDs(t, in.Server); !slices.Equal(got, keys) || kid(t, before.AccessToken) != keys[0] {
			t.Fatalf("keys %v after the restart, %v before", got, keys)
		}
		run(t, in.Server, []exchange{
			{name: "an access token of before", path: "/users/me/", header: bearer(before.AccessToken), status: 200, want: johndoe},
		})
		r := refreshed(t, in.Server, before.RefreshToken).RefreshToken
		in.Stop()

		third := exampletest.Launch(t, listen(t, "127.0.0.1:0"), cfg, true) // another URL
		run(t, third.Server, []exchange{
			{name: "an access token of another issuer", path: "/users/me/", header: bearer(before.AccessToken), status: 401,
				challenge: `Bearer error="invalid_token", error_description="The access token comes from another issuer"`,
				want:      `{"detail":"Could not validate credentials"}`},
		})
		refreshed(t, third.Server, r)
	})
}
