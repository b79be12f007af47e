package jose_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gjwt "github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v3/cert"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwe"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/gindepends/gindepends/ginauth"
)

var b64 = base64.RawURLEncoding

// victims are the keys the attacks aim at, one per family, under their
// kids: a validator holds all four (the remote set all but the secret).
func victims() []alg {
	return []alg{algNamed("RS256"), algNamed("ES256"), algNamed("EdDSA"), algNamed("HS256")}
}

// other is a key of a's algorithm that is not a's: the attacker's.
func other(a alg) alg {
	o := a
	switch a.name {
	case "RS256":
		o.priv = rsaKey(2048)
	case "ES256":
		o.priv = ecKey(elliptic.P256())
	case "EdDSA":
		o.priv = edKey()
	case "HS256":
		o.priv = secret(32)
	}
	o.pub = o.priv
	if s, ok := o.priv.(crypto.Signer); ok {
		o.pub = s.Public()
	}
	return o
}

// selfSigned is a certificate of key's, in PEM.
func selfSigned(t *testing.T, key *rsa.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "attacker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// segments splits a compact JWS.
func segments(t *testing.T, raw string) (header, payload, sig string) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", raw)
	}
	return parts[0], parts[1], parts[2]
}

// rewrite decodes a JSON segment, lets change alter it, and encodes it again.
func rewrite(t *testing.T, seg string, change func(map[string]any)) string {
	t.Helper()
	data, err := b64.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b64.EncodeToString(out)
}

// tamperPayload makes the token's subject admin, keeping its signature.
func tamperPayload(t *testing.T, raw string) string {
	h, p, s := segments(t, raw)
	return h + "." + rewrite(t, p, func(m map[string]any) { m["sub"], m["scope"] = "admin", "read write admin" }) + "." + s
}

// tamperSignature flips one bit in the middle of the signature.
func tamperSignature(t *testing.T, raw string) string {
	h, p, s := segments(t, raw)
	sig, err := b64.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	sig[len(sig)/2] ^= 1
	return h + "." + p + "." + b64.EncodeToString(sig)
}

// relabel changes the alg of the token's header, keeping its signature.
func relabel(t *testing.T, raw, alg string) string {
	h, p, s := segments(t, raw)
	return rewrite(t, h, func(m map[string]any) { m["alg"] = alg }) + "." + p + "." + s
}

// shortSignature drops the signature's last byte, and encodes it again.
func shortSignature(t *testing.T, raw string) string {
	h, p, s := segments(t, raw)
	sig, err := b64.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return h + "." + p + "." + b64.EncodeToString(sig[:len(sig)-1])
}

// attack is a token jwx makes that ginauth must refuse.
type attack struct {
	name  string
	token string
	// want is ginauth's sentinel with keys known at startup (StaticKeys,
	// JWKSet), which include the HMAC secret.
	want error
	// remote, if set, is the sentinel with a remote JWKS instead: it takes
	// no secret, so no HMAC algorithm gets past golang-jwt's list.
	remote error
	// jwx reports whether jwx, verifying with the same keys and checking
	// exp, nbf, iat, iss and aud, accepts the token: ginauth is stricter
	// there, by design (see the row's comment).
	jwx bool
}

// TestJWXAttacksRefused: malformed and hostile tokens made with jwx are
// refused by ginauth, each with its sentinel (errors.Is), with the keys
// given as StaticKeys, a JWKSet document written by jwx, and a remote
// JWKS; and jwx, configured alike, refuses them too, but where a row says
// otherwise. Nothing panics, and no jku or x5u is ever fetched.
func TestJWXAttacksRefused(t *testing.T) {
	vs := victims()
	rs, es, ed, hs := vs[0], vs[1], vs[2], vs[3]
	good := func() jwt.Token { return goodClaims().token(t) }
	with := func(change func(*claims)) jwt.Token {
		c := goodClaims()
		change(&c)
		return c.token(t)
	}
	payload := func(tok jwt.Token) []byte {
		b, err := json.Marshal(tok)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// Where a jku or an x5u points: an attacker's set, which counts the
	// requests it gets.
	evilRS := other(rs)
	evilDoc := setDoc(t, jwkOf(t, evilRS, rs.kid(), false, true, "sig"))
	var fetched atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetched.Add(1)
		_, _ = w.Write(evilDoc)
	}))
	defer evil.Close()

	evilJWK := jwkOf(t, evilRS, rs.kid(), false, true, "sig") // the attacker's public key, as a header
	ownJWK := jwkOf(t, rs, rs.kid(), false, true, "sig")      // the victim's own
	chain := &cert.Chain{}
	if err := chain.Add(selfSigned(t, evilRS.priv.(*rsa.PrivateKey))); err != nil {
		t.Fatal(err)
	}
	rsaPEM := pemOf(t, rs)

	// alg none: jwx's jwt.Sign makes an unsecured JWS only when asked by
	// name, and jws.Sign with a kid.
	noneJWT, err := jwt.Sign(good(), jwt.WithInsecureNoSignature())
	if err != nil {
		t.Fatal(err)
	}
	noneKid, err := jws.Sign(payload(good()), jws.WithInsecureNoSignature(jws.WithProtectedHeaders(jwsHeaders(t, map[string]any{"kid": rs.kid(), "typ": "JWT"}))))
	if err != nil {
		t.Fatal(err)
	}

	// A JWE, compact: five segments. And a nested JWT, signed then
	// encrypted, as jwx's serializer makes it.
	jweRaw, err := jwe.Encrypt(payload(good()), jwe.WithKey(jwa.RSA_OAEP_256(), rs.pub), jwe.WithContentEncryption(jwa.A256GCM()))
	if err != nil {
		t.Fatal(err)
	}
	nested, err := jwt.NewSerializer().
		Sign(jwt.WithKey(rs.sig, jwkOf(t, rs, rs.kid(), true, true, ""))).
		Encrypt(jwt.WithKey(jwa.RSA_OAEP_256(), rs.pub)).
		Serialize(good())
	if err != nil {
		t.Fatal(err)
	}

	// JSON serializations of a good JWS: flattened (one signature) and
	// general (two).
	flattened, err := jws.Sign(payload(good()), jws.WithJSON(), jws.WithKey(rs.sig, jwkOf(t, rs, rs.kid(), true, true, "")))
	if err != nil {
		t.Fatal(err)
	}
	general, err := jws.Sign(payload(good()), jws.WithJSON(),
		jws.WithKey(rs.sig, jwkOf(t, rs, rs.kid(), true, true, "")),
		jws.WithKey(es.sig, jwkOf(t, es, es.kid(), true, true, "")))
	if err != nil {
		t.Fatal(err)
	}

	// RFC 7797's unencoded payload, which jwx puts in compact form only
	// without dots; jwx lists b64 in crit itself. And a detached payload
	// (RFC 7515 appendix F): header..signature.
	unencoded := signPayload(t, []byte(`{"sub":"alice","exp":9999999999}`), rs, rs.priv, map[string]any{"kid": rs.kid(), "b64": false})
	detached, err := jws.Sign(nil, jws.WithKey(rs.sig, jwkOf(t, rs, rs.kid(), true, true, "")), jws.WithDetachedPayload(payload(good())))
	if err != nil {
		t.Fatal(err)
	}

	// A base token for the truncations: ES256, whose signature is 64
	// bytes, 86 characters: one character less is never base64.
	esTok := mint(t, good(), es, es.kid(), nil)
	esH, esP, esS := segments(t, esTok)

	exp := func(v string) string {
		c := goodClaims()
		m := map[string]any{"iss": issuer, "aud": audience, "sub": c.sub, "client_id": c.client, "jti": c.jti, "scope": "read",
			"iat": c.iat.Unix(), "exp": json.RawMessage(v)}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return signPayload(t, b, rs, rs.priv, map[string]any{"kid": rs.kid(), "typ": "JWT"})
	}

	var rows []attack
	// The attacks every family of key meets alike.
	for _, a := range vs {
		var absentRemote error // a remote set allows no HMAC algorithm at all
		if a.hmac() {
			absentRemote = gjwt.ErrTokenSignatureInvalid
		}
		rows = append(rows,
			attack{name: "another key with the same kid/" + a.name, token: mint(t, good(), other(a), a.kid(), nil), want: gjwt.ErrTokenSignatureInvalid},
			attack{name: "tampered payload/" + a.name, token: tamperPayload(t, mint(t, good(), a, a.kid(), nil)), want: gjwt.ErrTokenSignatureInvalid},
			attack{name: "tampered signature/" + a.name, token: tamperSignature(t, mint(t, good(), a, a.kid(), nil)), want: gjwt.ErrTokenSignatureInvalid},
			attack{name: "kid absent from the set/" + a.name, token: mint(t, good(), a, "jwx-unknown", nil), want: ginauth.ErrUnknownKey, remote: absentRemote},
		)
	}
	rows = append(rows,
		// golang-jwt knows "none", but it is never in the list ginauth
		// gives it (ParserOption WithValidMethods, from the keys).
		attack{name: "alg none (unsecured JWS, jwt.WithInsecureNoSignature)", token: string(noneJWT), want: gjwt.ErrTokenSignatureInvalid},
		attack{name: "alg none with the kid of a key", token: string(noneKid), want: gjwt.ErrTokenSignatureInvalid},
		attack{name: "alg none, signature segment removed", token: strings.TrimSuffix(string(noneKid), "."), want: gjwt.ErrTokenMalformed},

		// The algorithm-confusion attack: HS256 keyed with what the
		// verifier knows of a public key. The keys known at startup hold an
		// HS256 secret, so HS256 is allowed: the key named by the kid
		// verifies RS256 (EdDSA) only. A remote set never allows HS256.
		attack{name: "alg confusion: HS256 keyed with the RSA public key's PEM",
			token: signPayload(t, payload(good()), hs, rsaPEM, map[string]any{"kid": rs.kid(), "typ": "JWT"}),
			want:  ginauth.ErrUnknownKey, remote: gjwt.ErrTokenSignatureInvalid},
		attack{name: "alg confusion: HS256 keyed with the RSA public key's PEM, no kid",
			token: signPayload(t, payload(good()), hs, rsaPEM, map[string]any{"typ": "JWT"}),
			want:  ginauth.ErrUnknownKey, remote: gjwt.ErrTokenSignatureInvalid},
		attack{name: "alg confusion: HS256 keyed with the Ed25519 public key (32 bytes)",
			token: signPayload(t, payload(good()), hs, []byte(ed.pub.(ed25519.PublicKey)), map[string]any{"kid": ed.kid(), "typ": "JWT"}),
			want:  ginauth.ErrUnknownKey, remote: gjwt.ErrTokenSignatureInvalid},
		// Another algorithm of the same family, with the same key. The
		// keys known at startup allow RS256, ES256, EdDSA and HS256 only, so
		// golang-jwt refuses the algorithm; the remote set allows every
		// asymmetric algorithm, and the key, pinned to RS256 (ES256),
		// refuses it.
		attack{name: "alg substitution: PS256 with the RS256 key", token: mint(t, good(), alg{name: "PS256", sig: jwa.PS256(), priv: rs.priv}, rs.kid(), nil),
			want: gjwt.ErrTokenSignatureInvalid, remote: ginauth.ErrUnknownKey},
		attack{name: "alg substitution: RS256 token relabelled PS256", token: relabel(t, mint(t, good(), rs, rs.kid(), nil), "PS256"),
			want: gjwt.ErrTokenSignatureInvalid, remote: ginauth.ErrUnknownKey},
		attack{name: "alg substitution: ES384 with the ES256 kid", token: mint(t, good(), algNamed("ES384"), es.kid(), nil),
			want: gjwt.ErrTokenSignatureInvalid, remote: ginauth.ErrUnknownKey},
		attack{name: "kid of the ES256 key on an RS256 token", token: mint(t, good(), rs, es.kid(), nil), want: ginauth.ErrUnknownKey},
		// A kid is needed when a set has several keys (RFC 8725 §3.1).
		attack{name: "no kid, several keys in the set", token: mint(t, good(), rs, "", nil), want: ginauth.ErrUnknownKey},

		// Dates.
		// jwx takes a token without exp; ginauth requires one
		// (WithExpirationRequired).
		attack{name: "exp missing", token: mint(t, with(func(c *claims) { c.without = []string{"exp"} }), rs, rs.kid(), nil), want: gjwt.ErrTokenRequiredClaimMissing, jwx: true},
		attack{name: "exp in the past", token: mint(t, with(func(c *claims) { c.exp = now().Add(-time.Minute) }), rs, rs.kid(), nil), want: gjwt.ErrTokenExpired},
		// A date is a JSON number (RFC 7519 §2); jwx also reads a string.
		attack{name: "exp a string", token: exp(`"9999999999"`), want: gjwt.ErrTokenMalformed, jwx: true},
		attack{name: "exp null", token: exp(`null`), want: gjwt.ErrTokenRequiredClaimMissing, jwx: false},
		// Milliseconds for seconds: some 300,000 years on. ginauth refuses
		// dates past the year 9999; jwx takes it as a date.
		attack{name: "exp in milliseconds", token: exp(`9999999999999`), want: gjwt.ErrTokenMalformed, jwx: true},
		attack{name: "nbf in the future", token: mint(t, with(func(c *claims) { c.nbf = now().Add(time.Minute) }), rs, rs.kid(), nil), want: gjwt.ErrTokenNotValidYet},
		attack{name: "iat in the future", token: mint(t, with(func(c *claims) { c.iat = now().Add(time.Minute) }), rs, rs.kid(), nil), want: gjwt.ErrTokenUsedBeforeIssued},

		// Issuer, audience, subject.
		attack{name: "wrong iss", token: mint(t, with(func(c *claims) { c.issuer = "https://evil.jose.example" }), rs, rs.kid(), nil), want: gjwt.ErrTokenInvalidIssuer},
		attack{name: "iss missing", token: mint(t, with(func(c *claims) { c.without = []string{"iss"} }), rs, rs.kid(), nil), want: gjwt.ErrTokenRequiredClaimMissing},
		attack{name: "wrong aud", token: mint(t, with(func(c *claims) { c.aud = []string{"https://other.jose.example"} }), rs, rs.kid(), nil), want: gjwt.ErrTokenInvalidAudience},
		attack{name: "aud a prefix of the API's", token: mint(t, with(func(c *claims) { c.aud = []string{"https://api.jose"} }), rs, rs.kid(), nil), want: gjwt.ErrTokenInvalidAudience},
		attack{name: "aud missing", token: mint(t, with(func(c *claims) { c.without = []string{"aud"} }), rs, rs.kid(), nil), want: gjwt.ErrTokenRequiredClaimMissing},
		// ginauth requires sub by default (RequiredClaims); jwx does not.
		attack{name: "sub missing", token: mint(t, with(func(c *claims) { c.without = []string{"sub"} }), rs, rs.kid(), nil), want: ginauth.ErrMissingClaim, jwx: true},

		// Not a JWS in compact form: refused before anything is decoded.
		attack{name: "JWE (RSA-OAEP-256, A256GCM) instead of a JWS", token: string(jweRaw), want: gjwt.ErrTokenMalformed},
		attack{name: "nested JWT: signed, then encrypted", token: string(nested), want: gjwt.ErrTokenMalformed},
		attack{name: "JWS in flattened JSON serialization", token: string(flattened), want: gjwt.ErrTokenMalformed},
		attack{name: "JWS in general JSON serialization, two signatures", token: string(general), want: gjwt.ErrTokenMalformed},
		attack{name: "JWS with an unencoded payload (b64 false, RFC 7797)", token: unencoded, want: gjwt.ErrTokenMalformed},
		attack{name: "JWS with a detached payload", token: string(detached), want: gjwt.ErrTokenMalformed},

		// Headers that ginauth refuses whatever the signature.
		// jwx checks crit when given one key, not a set
		// (TestJWXCritDependsOnTheKeyOption); ginauth refuses any crit.
		attack{name: "crit with an unknown extension", token: critToken(t, rs), want: ginauth.ErrCriticalHeader, jwx: true},
		attack{name: "crit naming exp", token: mint(t, good(), rs, rs.kid(), map[string]any{"crit": []string{"exp"}, "exp": 1}), want: ginauth.ErrCriticalHeader, jwx: true},
		attack{name: "jwk header: the attacker's key, signed with it", token: mint(t, good(), evilRS, rs.kid(), map[string]any{"jwk": evilJWK}), want: ginauth.ErrEmbeddedKey},
		attack{name: "jwk header: the attacker's key, no kid", token: mint(t, good(), evilRS, "", map[string]any{"jwk": evilJWK}), want: ginauth.ErrEmbeddedKey},
		// Signed by the victim's key: jwx verifies with its set and takes
		// it; ginauth refuses any key named by the token (RFC 8725 §3.10).
		attack{name: "jwk header: the victim's own key, signed with it", token: mint(t, good(), rs, rs.kid(), map[string]any{"jwk": ownJWK}), want: ginauth.ErrEmbeddedKey, jwx: true},
		attack{name: "jku header to the attacker's set", token: mint(t, good(), evilRS, rs.kid(), map[string]any{"jku": evil.URL + "/jwks.json"}), want: ginauth.ErrEmbeddedKey},
		attack{name: "jku header to the attacker's set, no kid", token: mint(t, good(), evilRS, "", map[string]any{"jku": evil.URL + "/jwks.json"}), want: ginauth.ErrEmbeddedKey},
		attack{name: "jku header, signed with the victim's key", token: mint(t, good(), rs, rs.kid(), map[string]any{"jku": evil.URL + "/jwks.json"}), want: ginauth.ErrEmbeddedKey, jwx: true},
		attack{name: "x5u header to the attacker's certificate", token: mint(t, good(), evilRS, rs.kid(), map[string]any{"x5u": evil.URL + "/cert.pem"}), want: ginauth.ErrEmbeddedKey},
		attack{name: "x5c header with the attacker's certificate", token: mint(t, good(), evilRS, rs.kid(), map[string]any{"x5c": chain}), want: ginauth.ErrEmbeddedKey},
		// typ says another kind of token (RFC 8725 §3.11): jwx does not
		// look at typ.
		attack{name: "typ of an ID token", token: mint(t, good(), rs, rs.kid(), map[string]any{"typ": "id_token+jwt"}), want: ginauth.ErrTokenType, jwx: true},

		// Truncated.
		attack{name: "truncated: empty", token: "", want: gjwt.ErrTokenMalformed},
		attack{name: "truncated: header only", token: esH, want: gjwt.ErrTokenMalformed},
		attack{name: "truncated: header and a dot", token: esH + ".", want: gjwt.ErrTokenMalformed},
		attack{name: "truncated: in the middle of the payload", token: esH + "." + esP[:len(esP)/2], want: gjwt.ErrTokenMalformed},
		attack{name: "truncated: header.payload, no signature segment", token: esH + "." + esP, want: gjwt.ErrTokenMalformed},
		attack{name: "truncated: header.payload. with an empty signature", token: esH + "." + esP + ".", want: gjwt.ErrTokenSignatureInvalid},
		attack{name: "truncated: signature one character short", token: esTok[:len(esTok)-1], want: gjwt.ErrTokenMalformed},
		attack{name: "truncated: signature cut to 40 characters (30 bytes)", token: esH + "." + esP + "." + esS[:40], want: gjwt.ErrTokenSignatureInvalid},
		attack{name: "truncated: signature one byte short", token: shortSignature(t, esTok), want: gjwt.ErrTokenSignatureInvalid},
		attack{name: "truncated: RS256 signature one byte short", token: shortSignature(t, mint(t, good(), rs, rs.kid(), nil)), want: gjwt.ErrTokenSignatureInvalid},
		attack{name: "truncated: EdDSA signature one byte short", token: shortSignature(t, mint(t, good(), ed, ed.kid(), nil)), want: gjwt.ErrTokenSignatureInvalid},

		// Over the size cap (8 KiB): refused before anything is decoded.
		attack{name: "over MaxTokenBytes", token: mint(t, with(func(c *claims) { c.extra = map[string]any{"pad": strings.Repeat("x", 9<<10)} }), rs, rs.kid(), nil), want: gjwt.ErrTokenMalformed, jwx: true},

		// Not an attack: RFC 9864's fully-specified name for EdDSA with
		// Ed25519, which jwx signs with (jwa.EdDSAEd25519). golang-jwt does
		// not know it, so ginauth cannot verify it; jwx verifies it with
		// the EdDSA key of the set.
		attack{name: "alg Ed25519 (RFC 9864) for the EdDSA key", token: mint(t, good(), alg{name: "Ed25519", sig: jwa.EdDSAEd25519(), priv: ed.priv}, ed.kid(), nil), want: gjwt.ErrTokenUnverifiable, jwx: true},
	)

	// The same ES256 token with (r, s) and with a malleated s is
	// elsewhere: both stacks accept it (TestMalleatedECDSASignature).

	var remoteAlgs []alg
	for _, a := range vs {
		if !a.hmac() {
			remoteAlgs = append(remoteAlgs, a)
		}
	}
	var static []ginauth.Key
	for _, a := range vs {
		static = append(static, ginauth.Key{ID: a.kid(), Algorithm: a.name, Key: a.pub})
	}
	doc := setOf(t, vs, true)
	forms := []struct {
		name   string
		v      *ginauth.JWT
		remote bool
	}{
		{"StaticKeys", newValidator(t, ginauth.StaticKeys(static...)), false},
		{"JWKSet", newValidator(t, ginauth.JWKSet(doc)), false},
		{"JWKS", remoteValidator(t, setOf(t, remoteAlgs, true)), true},
	}
	set := jwxSet(t, doc)

	// The validators take the victims' good tokens (and cache them: the
	// attacks derived from them must not ride on the cache).
	for _, f := range forms {
		for _, a := range vs {
			tok := mint(t, good(), a, a.kid(), nil)
			_, err := validate(t, f.v, tok)
			if f.remote && a.hmac() {
				if !errors.Is(err, gjwt.ErrTokenSignatureInvalid) {
					t.Errorf("%s: %s: %v, want no HMAC from a remote set", f.name, a.name, err)
				}
			} else if err != nil {
				t.Fatalf("%s: the good %s token: %v", f.name, a.name, err)
			}
		}
	}

	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			_, jerr := jwxVerify(row.token, jwt.WithKeySet(set))
			if accepted := jerr == nil; accepted != row.jwx {
				t.Errorf("jwx accepts: %v (%v), the row says %v", accepted, jerr, row.jwx)
			}
			for _, f := range forms {
				want := row.want
				if f.remote && row.remote != nil {
					want = row.remote
				}
				_, err := validate(t, f.v, row.token)
				if !errors.Is(err, want) {
					t.Errorf("%s: %v, want %v", f.name, err, want)
				}
			}
		})
	}
	if n := fetched.Load(); n != 0 {
		t.Errorf("the attacker's URL was fetched %d times", n)
	}
}

// critToken is a good token of a's whose header has an extension marked
// critical, which no verifier understands.
func critToken(t *testing.T, a alg) string {
	t.Helper()
	return mint(t, goodClaims().token(t), a, a.kid(), map[string]any{"crit": []string{"urn:example:unknown"}, "urn:example:unknown": true})
}

// TestJWXCritDependsOnTheKeyOption: RFC 7515 §4.1.11 has a recipient
// refuse a JWS whose crit names an extension it does not understand.
// ginauth refuses any crit, whatever the keys. jwx v3's jwt.Parse does
// with one key (jwt.WithKey), but not with a set (jwt.WithKeySet), where
// jws.Verify's default (WithCritValidation(false)) lets crit through: the
// two stacks disagree there.
func TestJWXCritDependsOnTheKeyOption(t *testing.T) {
	rs := algNamed("RS256")
	raw := critToken(t, rs)
	v := newValidator(t, ginauth.JWKSet(setOf(t, []alg{rs}, true)))
	if _, err := validate(t, v, raw); !errors.Is(err, ginauth.ErrCriticalHeader) {
		t.Errorf("ginauth: %v, want ErrCriticalHeader", err)
	}
	if _, err := jwxVerify(raw, jwt.WithKey(rs.sig, rs.pub)); err == nil {
		t.Errorf("jwx with jwt.WithKey accepts an unknown crit")
	}
	if _, err := jwxVerify(raw, jwt.WithKeySet(jwxSet(t, setOf(t, []alg{rs}, true)))); err != nil {
		t.Logf("jwx with jwt.WithKeySet now refuses an unknown crit (%v): the stacks agree, update the rows", err)
		t.Fail()
	}
}

// TestMalleatedECDSASignature: an ES256 signature (r, s) has a twin
// (r, n-s), the "high-s" form, that verifies as well. Neither stack
// refuses it (crypto/ecdsa does not, and JWS does not require low s);
// ginauth reads the twin as the same token (same claims, same ID), so a
// deny list keyed on jti, not on the raw token, covers both.
func TestMalleatedECDSASignature(t *testing.T) {
	for _, a := range []alg{algNamed("ES256"), algNamed("ES384"), algNamed("ES512")} {
		t.Run(a.name, func(t *testing.T) {
			c := goodClaims()
			raw := mint(t, c.token(t), a, a.kid(), nil)
			h, p, s := segments(t, raw)
			sig, err := b64.DecodeString(s)
			if err != nil {
				t.Fatal(err)
			}
			n := a.pub.(*ecdsa.PublicKey).Curve.Params().N
			half := len(sig) / 2
			sv := new(big.Int).SetBytes(sig[half:])
			sv.Sub(n, sv).FillBytes(sig[half:])
			twin := h + "." + p + "." + b64.EncodeToString(sig)
			if twin == raw {
				t.Fatal("the twin is the token")
			}
			v := newValidator(t, ginauth.StaticKeys(ginauth.Key{ID: a.kid(), Algorithm: a.name, Key: a.pub}))
			first, err := validate(t, v, raw)
			if err != nil {
				t.Fatal(err)
			}
			second, err := validate(t, v, twin)
			if err != nil {
				t.Fatalf("ginauth refuses the twin: %v", err)
			}
			if !ginauthReads(first).equal(ginauthReads(second)) || second.Raw != twin {
				t.Errorf("the twin reads as another token:\n %+v\n %+v", ginauthReads(first), ginauthReads(second))
			}
			if _, err := jwxVerify(twin, jwt.WithKey(a.sig, a.pub)); err != nil {
				t.Errorf("jwx refuses the twin: %v", err)
			}
		})
	}
}
