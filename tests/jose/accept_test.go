package jose_test

import (
	"errors"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/gindepends/gindepends/ginauth"
)

// keyForm is one of the ways ginauth is given keys.
type keyForm struct {
	name string
	// carries reports whether the form takes a's key: HMAC secrets have no
	// PEM form, and a remote set is read without secrets.
	carries func(a alg) bool
	// keys are the form's keys for algs: under their kids, or, for one key
	// and withKid false, without one.
	keys func(t *testing.T, algs []alg, withKid bool) ginauth.Keys
	// jwx are the options that make jwx verify with the key in the same
	// form.
	jwx func(t *testing.T, a alg, withKid bool) []jwt.ParseOption
	// noKid is why ginauth refuses a token without kid for the form's only
	// key; nil when it takes it.
	noKid  error
	remote bool
}

func asymmetric(a alg) bool { return !a.hmac() }
func every(alg) bool        { return true }

func kidIf(a alg, withKid bool) string {
	if withKid {
		return a.kid()
	}
	return ""
}

func pemOf(t *testing.T, a alg) []byte {
	t.Helper()
	pem, err := jwk.EncodePEM(a.pub) // jwx writes the PEM
	if err != nil {
		t.Fatalf("jwk.EncodePEM: %v", err)
	}
	return pem
}

// setOf is the JWK Set document jwx writes for algs' public keys (HMAC
// secrets as oct keys), with "alg" and "use".
func setOf(t *testing.T, algs []alg, withKid bool) []byte {
	t.Helper()
	var keys []jwk.Key
	for _, a := range algs {
		keys = append(keys, jwkOf(t, a, kidIf(a, withKid), false, true, "sig"))
	}
	return setDoc(t, keys...)
}

// setOptions make jwx verify with the set: by kid, or, without one, with
// the set's only key, as ginauth does for a set known at startup.
func setOptions(set jwk.Set, withKid bool) []jwt.ParseOption {
	if withKid {
		return []jwt.ParseOption{jwt.WithKeySet(set)}
	}
	return []jwt.ParseOption{jwt.WithKeySet(set, jws.WithUseDefault(true), jws.WithRequireKid(false))}
}

var keyForms = []keyForm{
	{
		name: "StaticKeys", carries: every,
		keys: func(t *testing.T, algs []alg, withKid bool) ginauth.Keys {
			var keys []ginauth.Key
			for _, a := range algs {
				keys = append(keys, ginauth.Key{ID: kidIf(a, withKid), Algorithm: a.name, Key: a.pub})
			}
			return ginauth.StaticKeys(keys...)
		},
		jwx: func(_ *testing.T, a alg, _ bool) []jwt.ParseOption {
			return []jwt.ParseOption{jwt.WithKey(a.sig, a.pub)}
		},
	},
	{
		// Go private keys, whose public half ginauth uses.
		name: "StaticKeys(private)", carries: asymmetric,
		keys: func(t *testing.T, algs []alg, withKid bool) ginauth.Keys {
			var keys []ginauth.Key
			for _, a := range algs {
				keys = append(keys, ginauth.Key{ID: kidIf(a, withKid), Algorithm: a.name, Key: a.priv})
			}
			return ginauth.StaticKeys(keys...)
		},
		jwx: func(_ *testing.T, a alg, _ bool) []jwt.ParseOption {
			return []jwt.ParseOption{jwt.WithKey(a.sig, a.pub)}
		},
	},
	{
		name: "PEMKey", carries: asymmetric,
		keys: func(t *testing.T, algs []alg, withKid bool) ginauth.Keys {
			var keys []ginauth.Key
			for _, a := range algs {
				k, err := ginauth.PEMKey(kidIf(a, withKid), a.name, pemOf(t, a))
				if err != nil {
					t.Fatalf("PEMKey %s: %v", a.name, err)
				}
				keys = append(keys, k)
			}
			return ginauth.StaticKeys(keys...)
		},
		jwx: func(t *testing.T, a alg, _ bool) []jwt.ParseOption {
			k, err := jwk.ParseKey(pemOf(t, a), jwk.WithPEM(true))
			if err != nil {
				t.Fatalf("jwk.ParseKey(PEM): %v", err)
			}
			return []jwt.ParseOption{jwt.WithKey(a.sig, k)}
		},
	},
	{
		name: "JWKSet", carries: every,
		keys: func(t *testing.T, algs []alg, withKid bool) ginauth.Keys {
			return ginauth.JWKSet(setOf(t, algs, withKid))
		},
		jwx: func(t *testing.T, a alg, withKid bool) []jwt.ParseOption {
			return setOptions(jwxSet(t, setOf(t, []alg{a}, withKid)), withKid)
		},
	},
	{
		// Over HTTP, on 127.0.0.1: a remote set takes no secrets, and wants
		// a kid in every token (RFC 8725 §3.1: no key is tried blindly).
		name: "JWKS", carries: asymmetric, remote: true, noKid: ginauth.ErrUnknownKey,
		keys: func(t *testing.T, algs []alg, withKid bool) ginauth.Keys {
			return ginauth.JWKS(serveSet(t, setOf(t, algs, withKid)))
		},
		jwx: func(t *testing.T, a alg, withKid bool) []jwt.ParseOption {
			// jwx's default for a set: the kid must match.
			return []jwt.ParseOption{jwt.WithKeySet(jwxSet(t, setOf(t, []alg{a}, withKid)))}
		},
	},
}

// claimVariants are the two shapes of access token the tests mint: OAuth
// 2.0's (scope as a string, client_id, one audience, nbf) and Auth0's or
// Entra ID's (scp as an array, azp, several audiences, no nbf).
var claimVariants = []struct {
	name string
	make func() claims
}{
	{"scope", goodClaims},
	{"scp", func() claims {
		c := goodClaims()
		c.aud = []string{"https://other.jose.example", audience}
		c.clientClaim, c.client = "azp", "jwx-azp"
		c.scopeClaim, c.scopes = "scp", []string{"read", "admin"}
		c.noNbf = true
		return c
	}},
}

// TestJWXTokensAccepted: a token jwx mints, in every algorithm ginauth
// allows, is accepted with its key given in every form ginauth reads
// that can carry it, with a kid and without; and ginauth reads the claims
// that jwx put in, as jwx reads them back. Without a kid, ginauth takes
// the only key of a set known at startup, and refuses a remote set's (as
// jwx does by default).
func TestJWXTokensAccepted(t *testing.T) {
	for _, form := range keyForms {
		t.Run(form.name, func(t *testing.T) {
			var algs []alg
			for _, a := range allAlgs() {
				if form.carries(a) {
					algs = append(algs, a)
				}
			}
			for _, withKid := range []bool{true, false} {
				name := "kid"
				if !withKid {
					name = "no kid"
				}
				t.Run(name, func(t *testing.T) {
					var all *ginauth.JWT
					if withKid {
						all = newValidator(t, form.keys(t, algs, true)) // every key in one set
					}
					for _, a := range algs {
						t.Run(a.name, func(t *testing.T) {
							v := all
							if !withKid {
								v = newValidator(t, form.keys(t, []alg{a}, false)) // the only key
							}
							for _, variant := range claimVariants {
								t.Run(variant.name, func(t *testing.T) {
									c := variant.make()
									raw := mint(t, c.token(t), a, kidIf(a, withKid), nil)
									jtok, jerr := jwxVerify(raw, form.jwx(t, a, withKid)...)
									got, err := validate(t, v, raw)
									if !withKid && form.noKid != nil {
										if !errors.Is(err, form.noKid) {
											t.Errorf("ginauth: %v, want %v", err, form.noKid)
										}
										if jerr == nil {
											t.Errorf("jwx accepts a token without kid from a set: ginauth does not")
										}
										return
									}
									if jerr != nil {
										t.Fatalf("jwx refuses its own token: %v", jerr)
									}
									if err != nil {
										t.Fatalf("ginauth refuses a token jwx accepts: %v\n%s", err, raw)
									}
									want := c.want()
									if r := ginauthReads(got); !r.equal(want) {
										t.Errorf("ginauth reads\n %+v\nwant\n %+v", r, want)
									}
									if r := jwxReads(t, jtok, c); !r.equal(want) {
										t.Errorf("jwx reads\n %+v\nwant\n %+v", r, want)
									}
									if got.Raw != raw {
										t.Errorf("Raw = %q, want the token", got.Raw)
									}
								})
							}
						})
					}
				})
			}
		})
	}
}
