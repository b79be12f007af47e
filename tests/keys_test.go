package tests

import (
	"context"
	"slices"
	"testing"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/ginauth"
)

// Rotating the signing key while serving: tokens signed before keep
// working, new tokens carry the new key's ID and work, and the key set
// publishes both keys.
func TestExampleAppKeyRotation(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, cfg app.Config) {
		srv, ex := start(t, cfg)
		first := password(t, srv, "johndoe", "secret", "me")
		before := first.AccessToken
		old := kid(t, before)
		if got := keyIDs(t, srv); !slices.Equal(got, []string{old}) {
			t.Fatalf("keys %v, want [%s]", got, old)
		}
		// The API has checked a token of the old key, and holds that key.
		run(t, srv, []exchange{{name: "before the rotation", path: "/users/me/", header: bearer(before), status: 200, want: johndoe}})
		rotated, err := ex.Auth.Rotate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		after := token(t, srv, "/oauth/token", refreshForm(first.RefreshToken, nil)).AccessToken
		if kid(t, after) != rotated || rotated == old {
			t.Fatalf("signed with %s after the rotation to %s, from %s", kid(t, after), rotated, old)
		}
		if got, want := keyIDs(t, srv), sorted(old, rotated); !slices.Equal(got, want) {
			t.Fatalf("keys %v, want %v", got, want)
		}
		run(t, srv, []exchange{
			{name: "signed before", path: "/users/me/", header: bearer(before), status: 200, want: johndoe},
			{name: "signed after", path: "/users/me/", header: bearer(after), status: 200, want: johndoe},
			{name: "ready", path: "/ready", status: 200, want: `{"status":"ready"}`},
		})
	})
}

// One instance rotates the key on the Redis they share: the other signs
// with the new key at once, and its API, which holds the old key, fetches
// the set again for the new one.
func TestExampleAppKeyRotationAcrossInstances(t *testing.T) {
	t.Parallel()
	cfg := app.Config{RedisURL: redisServer(t)}
	a, exA := start(t, cfg)
	cfg.PublicURL = a.URL
	b, _ := start(t, cfg)
	first := password(t, b, "johndoe", "secret", "me")
	before := first.AccessToken
	run(t, b, []exchange{{name: "before", path: "/users/me/", header: bearer(before), status: 200, want: johndoe}})

	rotated, err := exA.Auth.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	after := token(t, b, "/oauth/token", refreshForm(first.RefreshToken, nil)).AccessToken
	if kid(t, after) != rotated {
		t.Fatalf("B signs with %s, A rotated to %s", kid(t, after), rotated)
	}
	run(t, b, []exchange{
		{name: "signed by the new key", path: "/users/me/", header: bearer(after), status: 200, want: johndoe},
		{name: "signed by the old key", path: "/users/me/", header: bearer(before), status: 200, want: johndoe},
	})
	want := sorted(kid(t, before), rotated)
	if keysA, keysB := keyIDs(t, a), keyIDs(t, b); !slices.Equal(keysA, want) || !slices.Equal(keysB, want) {
		t.Errorf("A publishes %v, B %v, want %v", keysA, keysB, want)
	}
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// Another service checks the example's tokens as the example's API does,
// knowing only the issuer: discovery, then the published keys.
func TestExampleAppTokensCheckedByAnotherService(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok := serviceToken(t, srv, "me")
	v, err := ginauth.NewJWT(ginauth.JWTConfig{Keys: ginauth.Discover(srv.URL + "/oauth"), Audience: app.Audience})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	got, err := v.Validate(context.Background(), tok)
	if err != nil || got.Subject != serviceID || !got.HasScope("me") || got.HasScope("items") {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := v.Validate(context.Background(), forged(t, srv.URL+"/oauth", kid(t, tok))); err == nil {
		t.Fatal("a token signed by another key under the server's kid is valid")
	}
}
