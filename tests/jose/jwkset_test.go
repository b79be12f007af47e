package jose_test

import (
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	gjwt "github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/gindepends/gindepends/ginauth"
)

// setKey is a key of the JWK Set of TestJWXKeySetReadByGinauth.
type setKey struct {
	kid     string
	key     alg    // its key, and the algorithm of the JWK's "alg"
	noAlg   bool   // no "alg": ginauth pins the key to its type's usual one
	private bool   // the private key is in the set ("d", or "k" for oct)
	use     string // "use"
}

// TestJWXKeySetReadByGinauth: a JWK Set that jwx writes, with keys of every
// type ginauth takes (RSA, EC on P-256, P-384 and P-521, OKP Ed25519, oct)
// with "use" and "alg" or without them, private keys among them, and a key
// for encryption, is read by ginauth, as a document (JWKSet) and from a
// URL (JWKS): each key verifies the tokens signed with it, in the
// algorithm it is pinned to, and no other.
//
// A document known at startup is read with the private members of its
// keys (the public half of a key verifies); in a remote set, which is
// public, a key published with its private part is refused: anyone could
// have signed with it. A remote set never gives an HMAC secret, nor a key
// for encryption.
func TestJWXKeySetReadByGinauth(t *testing.T) {
	rs256, ps384, rs512 := algNamed("RS256"), algNamed("PS384"), algNamed("RS512")
	fresh := func(name string, sig jwa.SignatureAlgorithm, priv any) alg {
		a := alg{name: name, sig: sig, priv: priv}
		a.pub = jwkPublic(t, priv)
		return a
	}
	keys := []setKey{
		{kid: "rsa-rs256", key: rs256, use: "sig"},
		{kid: "rsa-ps384", key: ps384, use: "sig"},
		{kid: "rsa-rs512-private", key: rs512, private: true, use: "sig"},
		// The usual algorithm of an RSA key is RS256.
		{kid: "rsa-no-alg", key: fresh("RS256", jwa.RS256(), rsaKey(2048)), noAlg: true},
		{kid: "ec-p256", key: algNamed("ES256"), use: "sig"},
		{kid: "ec-p384", key: algNamed("ES384"), use: "sig"},
		{kid: "ec-p521", key: algNamed("ES512"), use: "sig"},
		// An EC key's is its curve's.
		{kid: "ec-p384-no-alg", key: fresh("ES384", jwa.ES384(), ecKey(elliptic.P384())), noAlg: true},
		{kid: "ec-p521-no-alg", key: fresh("ES512", jwa.ES512(), ecKey(elliptic.P521())), noAlg: true},
		{kid: "ec-p256-private", key: fresh("ES256", jwa.ES256(), ecKey(elliptic.P256())), private: true, use: "sig"},
		{kid: "okp-ed25519", key: algNamed("EdDSA"), use: "sig"},
		{kid: "okp-no-alg", key: fresh("EdDSA", jwa.EdDSA(), edKey()), noAlg: true},
		{kid: "okp-private", key: fresh("EdDSA", jwa.EdDSA(), edKey()), private: true},
		// An HMAC key names its algorithm.
		{kid: "oct-hs512", key: algNamed("HS512"), private: true, use: "sig"},
	}
	encKey := fresh("RS256", jwa.RS256(), rsaKey(2048))

	var jwks []jwk.Key
	for _, k := range keys {
		jwks = append(jwks, jwkOf(t, k.key, k.kid, k.private, !k.noAlg, k.use))
	}
	enc := jwkOf(t, encKey, "rsa-enc", false, false, "enc")
	if err := enc.Set(jwk.AlgorithmKey, jwa.RSA_OAEP_256()); err != nil {
		t.Fatal(err)
	}
	doc := setDoc(t, append(jwks, enc)...)
	checkDoc(t, doc, keys)

	static := newValidator(t, ginauth.JWKSet(doc))
	remote := remoteValidator(t, doc)
	// jwx verifies with the same set; keys without "alg" need it to infer
	// the algorithm from the key.
	set := jwxSet(t, doc)
	jwxOpts := []jwt.ParseOption{jwt.WithKeySet(set, jws.WithInferAlgorithmFromKey(true))}

	if got, want := static.Health().Keys, len(keys); got != want {
		t.Errorf("JWKSet: %d keys in use, want %d (all but the key for encryption)", got, want)
	}
	published := 0 // keys published with their private part
	for _, k := range keys {
		if k.private && !k.key.hmac() {
			published++
		}
	}
	if got, want := remote.Health().Keys, len(keys)-1-published; got != want {
		t.Errorf("JWKS: %d keys in use, want %d (all but the secret, the private keys and the key for encryption)", got, want)
	}

	type row struct {
		name           string
		token          string
		static, remote error // nil: accepted
		jwx            bool
	}
	var rows []row
	for _, k := range keys {
		var remoteErr error
		switch {
		case k.key.hmac():
			remoteErr = gjwt.ErrTokenSignatureInvalid // no HMAC algorithm from a remote set
		case k.private:
			remoteErr = ginauth.ErrWeakKey // published with its private part: refused
		}
		rows = append(rows, row{name: k.kid + " " + k.key.name, token: mint(t, goodClaims().token(t), k.key, k.kid, nil), remote: remoteErr, jwx: true})
	}
	// Pinned: another algorithm of the family is refused, though the
	// set's other keys allow it; jwx, told to infer the algorithm of a
	// key without "alg", takes any the key can do.
	other := func(a alg, name string, sig jwa.SignatureAlgorithm) alg {
		a.name, a.sig = name, sig
		return a
	}
	rows = append(rows,
		row{name: "rsa-rs256 PS384", token: mint(t, goodClaims().token(t), other(rs256, "PS384", jwa.PS384()), "rsa-rs256", nil),
			static: ginauth.ErrUnknownKey, remote: ginauth.ErrUnknownKey},
		row{name: "rsa-no-alg PS384", token: mint(t, goodClaims().token(t), other(keys[3].key, "PS384", jwa.PS384()), "rsa-no-alg", nil),
			static: ginauth.ErrUnknownKey, remote: ginauth.ErrUnknownKey, jwx: true},
		row{name: "rsa-ps384 RS512", token: mint(t, goodClaims().token(t), other(ps384, "RS512", jwa.RS512()), "rsa-ps384", nil),
			static: ginauth.ErrUnknownKey, remote: ginauth.ErrUnknownKey},
		// A key for encryption is left out of the set; jwx, verifying with
		// the set, refuses it too.
		row{name: "rsa-enc RS256", token: mint(t, goodClaims().token(t), encKey, "rsa-enc", nil),
			static: ginauth.ErrUnknownKey, remote: ginauth.ErrUnknownKey},
	)
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, jerr := jwxVerify(r.token, jwxOpts...)
			if accepted := jerr == nil; accepted != r.jwx {
				t.Errorf("jwx accepts: %v (%v), the row says %v", accepted, jerr, r.jwx)
			}
			for _, f := range []struct {
				name string
				v    *ginauth.JWT
				want error
			}{{"JWKSet", static, r.static}, {"JWKS", remote, r.remote}} {
				tok, err := validate(t, f.v, r.token)
				switch {
				case f.want == nil && err != nil:
					t.Errorf("%s: %v, want accepted", f.name, err)
				case f.want == nil && tok.Subject != "alice":
					t.Errorf("%s: subject %q", f.name, tok.Subject)
				case f.want != nil && !errors.Is(err, f.want):
					t.Errorf("%s: %v, want %v", f.name, err, f.want)
				}
			}
		})
	}
}

// jwkPublic is priv's public key.
func jwkPublic(t *testing.T, priv any) any {
	t.Helper()
	pub, err := jwk.PublicRawKeyOf(priv)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// checkDoc checks that doc, as jwx wrote it, has what the test means: the
// private members where asked, "alg" and "use" as asked.
func checkDoc(t *testing.T, doc []byte, keys []setKey) {
	t.Helper()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		i := slices.IndexFunc(set.Keys, func(m map[string]any) bool { return m["kid"] == k.kid })
		if i < 0 {
			t.Fatalf("jwx left %s out of the set", k.kid)
		}
		m := set.Keys[i]
		_, hasD := m["d"]
		_, hasK := m["k"]
		if private := hasD || hasK; private != k.private {
			t.Errorf("%s: private members %v, want %v: %v", k.kid, private, k.private, m)
		}
		if _, hasAlg := m["alg"]; hasAlg == k.noAlg {
			t.Errorf("%s: alg %v", k.kid, m["alg"])
		}
		if use, _ := m["use"].(string); use != k.use {
			t.Errorf("%s: use %q, want %q", k.kid, use, k.use)
		}
	}
}

// TestWeakRSAKeyRefusedByBoth: an RSA key under 2048 bits is refused by
// both stacks where keys enter: jwx will not import it into a JWK (so it
// writes no JWK Set with one), and ginauth will not verify with it.
func TestWeakRSAKeyRefusedByBoth(t *testing.T) {
	weak := rsaKey(1024)
	if _, err := jwk.Import(weak); err == nil {
		t.Error("jwx imports an RSA key of 1024 bits")
	}
	if _, err := jwk.Import(&weak.PublicKey); err == nil {
		t.Error("jwx imports an RSA public key of 1024 bits")
	}
	_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: issuer, Audience: audience,
		Keys: ginauth.StaticKeys(ginauth.Key{ID: "weak", Algorithm: "RS256", Key: &weak.PublicKey})})
	if !errors.Is(err, ginauth.ErrWeakKey) {
		t.Errorf("ginauth: %v, want ErrWeakKey", err)
	}
}

// TestJWXKeySetUnusableKeys: keys that jwx writes without a word and that
// ginauth cannot use. A document known at startup that has one fails the
// validator's creation, naming why; a remote set leaves the key out, and
// its other keys serve.
func TestJWXKeySetUnusableKeys(t *testing.T) {
	good := algNamed("ES256")
	short := alg{name: "HS256", sig: jwa.HS256(), priv: secret(16), pub: nil}
	short.pub = short.priv
	rsaAsEC := func() jwk.Key { // an EC key that says RS256
		k := jwkOf(t, algNamed("ES384"), "bad", false, false, "sig")
		if err := k.Set(jwk.AlgorithmKey, jwa.RS256()); err != nil {
			t.Fatal(err)
		}
		return k
	}
	ed25519JWK := func() jwk.Key {
		k := jwkOf(t, algNamed("EdDSA"), "bad", false, false, "sig")
		if err := k.Set(jwk.AlgorithmKey, jwa.EdDSAEd25519()); err != nil {
			t.Fatal(err)
		}
		return k
	}
	for _, tc := range []struct {
		name   string
		bad    jwk.Key
		signer alg // signs a token for the bad key, when there is one
		want   error
		remote error // the sentinel of that token with the remote set
	}{
		{"HS256 secret of 16 bytes", jwkOf(t, short, "bad", true, true, "sig"), short, ginauth.ErrWeakKey, gjwt.ErrTokenSignatureInvalid},
		{"oct key without alg", jwkOf(t, algNamed("HS256"), "bad", true, false, "sig"), alg{}, ginauth.ErrWeakKey, nil},
		{"EC P-384 key that says RS256", rsaAsEC(), alg{}, ginauth.ErrWeakKey, nil},
		// RFC 9864's fully-specified name, which jwx writes
		// (jwa.EdDSAEd25519) and golang-jwt does not know.
		{"OKP key with alg Ed25519 (RFC 9864)", ed25519JWK(), algNamed("EdDSA"), ginauth.ErrWeakKey, ginauth.ErrWeakKey},
		{"two keys with one kid", jwkOf(t, algNamed("RS256"), good.kid(), false, true, "sig"), algNamed("RS256"), ginauth.ErrUnknownKey, ginauth.ErrUnknownKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := setDoc(t, jwkOf(t, good, good.kid(), false, true, "sig"), tc.bad)
			_, err := ginauth.NewJWT(ginauth.JWTConfig{Issuer: issuer, Audience: audience, Keys: ginauth.JWKSet(doc)})
			if !errors.Is(err, tc.want) {
				t.Errorf("JWKSet: %v, want %v", err, tc.want)
			}
			v := remoteValidator(t, doc)
			kid, _ := tc.bad.KeyID()
			if tc.signer.priv != nil {
				_, err := validate(t, v, mint(t, goodClaims().token(t), tc.signer, kid, nil))
				if !errors.Is(err, tc.remote) {
					t.Errorf("JWKS, a token of the key: %v, want %v", err, tc.remote)
				}
			}
			if kid != good.kid() {
				if _, err := validate(t, v, mint(t, goodClaims().token(t), good, good.kid(), nil)); err != nil {
					t.Errorf("JWKS, a token of the good key: %v", err)
				}
			}
			if strings.Contains(tc.name, "one kid") {
				if got := v.Health().Keys; got != 0 {
					t.Errorf("JWKS: %d keys in use, want none: both are ambiguous", got)
				}
			}
		})
	}
}
