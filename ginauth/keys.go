package ginauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"filippo.io/edwards25519"
	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// Keys are where a validator finds the key that verifies a token: keys known
// at startup ([StaticKeys], [PEMKey], [JWKSet]) or a remote JWK Set ([JWKS]).
// Each key answers to one algorithm only.
type Keys interface {
	// start readies the keys; a remote set makes its first fetch.
	start() error
	// lookup returns the key for a token, by its header.
	lookup(ctx context.Context, t *jwt.Token) (any, error)
	// algorithms are those the keys may verify.
	algorithms() []string
	// remote reports whether lookups may use the network, and so need the
	// request's context.
	remote() bool
	// usable reports whether the keys may be trusted at now without looking
	// again: keys known at startup always; a remote set once fetched, and
	// no longer than MaxStale after its last fetch.
	usable(now time.Time) bool
	// generation changes whenever the keys do: a token verified under an
	// earlier one is checked again.
	generation() uint64
	health() KeysHealth
	close()
}

// KeysHealth is the state of a validator's keys, for readiness probes: see
// [JWT.Health].
type KeysHealth struct {
	// Ready reports whether tokens can be verified now. Keys known at
	// startup always can; a remote JWK Set can once it was fetched, until
	// MaxStale after the last successful fetch. While not ready, routes
	// answer 503.
	Ready bool
	// Keys is the number of keys in use.
	Keys int
	// LastSuccess is when the remote set was last fetched; zero before the
	// first fetch, and for keys known at startup.
	LastSuccess time.Time
	// LastFailure is when a fetch last failed, and LastError why, unless a
	// fetch succeeded since (then LastError is nil).
	LastFailure time.Time
	LastError   error
}

// Key is one verification key, pinned to one algorithm.
type Key struct {
	// ID is the key's kid. A token with a kid gets the key of that ID; a
	// token without one only gets a key if the set has one key.
	ID string
	// Algorithm is the only algorithm the key verifies: HS256, HS384, HS512,
	// RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA.
	Algorithm string
	// Key is []byte for HMAC, else a public key (*rsa.PublicKey,
	// *ecdsa.PublicKey, ed25519.PublicKey) or a private key, whose public
	// half is used.
	Key any
}

// StaticKeys are keys known at startup. Weak and malformed keys are refused
// when the validator is made (see [ErrWeakKey]), as are two keys with one ID.
func StaticKeys(keys ...Key) Keys { return &staticKeys{keys: keys} }

// PEMKey reads a PEM public key (or certificate) for alg, with
// golang-jwt's parsers.
func PEMKey(id, alg string, pem []byte) (Key, error) {
	var (
		key any
		err error
	)
	switch {
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		key, err = jwt.ParseRSAPublicKeyFromPEM(pem)
	case strings.HasPrefix(alg, "ES"):
		key, err = jwt.ParseECPublicKeyFromPEM(pem)
	case alg == "EdDSA":
		key, err = jwt.ParseEdPublicKeyFromPEM(pem)
	default:
		return Key{}, fmt.Errorf("ginauth: PEMKey: %q is not an algorithm with public keys", alg)
	}
	if err != nil {
		return Key{}, fmt.Errorf("ginauth: PEMKey %q: %w", id, err)
	}
	return Key{ID: id, Algorithm: alg, Key: key}, nil
}

type staticKeys struct {
	keys []Key
	set  *keySet
	once sync.Once // the keys may serve several validators: check them once
	err  error
}

func (s *staticKeys) start() error {
	s.once.Do(func() { s.err = s.load() })
	return s.err
}

func (s *staticKeys) load() error {
	if len(s.keys) == 0 {
		return errors.New("ginauth: StaticKeys needs a key")
	}
	keys := make([]Key, len(s.keys))
	seen := map[string]bool{}
	for i, k := range s.keys {
		pub, err := checkKey(k.Algorithm, k.Key)
		if err != nil {
			return fmt.Errorf("ginauth: key %q: %w", k.ID, err)
		}
		if seen[k.ID] {
			return fmt.Errorf("ginauth: two keys have the ID %q: a token naming it could not tell which", k.ID)
		}
		seen[k.ID] = true
		keys[i] = Key{ID: k.ID, Algorithm: k.Algorithm, Key: pub}
	}
	s.set = newKeySet(keys, nil)
	return nil
}

func (s *staticKeys) lookup(_ context.Context, t *jwt.Token) (any, error) {
	k, err := s.set.find(t, false)
	if err != nil {
		return nil, err
	}
	return k.Key, nil
}

func (s *staticKeys) algorithms() []string  { return s.set.algs }
func (s *staticKeys) remote() bool          { return false }
func (s *staticKeys) usable(time.Time) bool { return true }
func (s *staticKeys) generation() uint64    { return 0 }
func (s *staticKeys) health() KeysHealth    { return KeysHealth{Ready: true, Keys: len(s.set.byID)} }
func (s *staticKeys) close()                {}

// keySet holds keys by kid, with the rules that static and remote keys
// share: a token with a kid gets the key of that kid, and only for the
// key's algorithm; a kid whose key was refused gets nothing.
type keySet struct {
	byID    map[string]*Key
	refused map[string]error // kids of the keys refused, and why
	only    *Key             // the key, if the set has exactly one
	algs    []string
}

// errAbsentKid is a kid that no key of the set has: for a remote set, a key
// that may be new.
var errAbsentKid = fmt.Errorf("%w: no key has the token's kid", ErrUnknownKey)

func newKeySet(keys []Key, refused map[string]error) *keySet {
	s := &keySet{byID: make(map[string]*Key, len(keys)), refused: refused}
	for i := range keys {
		k := &keys[i]
		s.byID[k.ID] = k
		if !slices.Contains(s.algs, k.Algorithm) {
			s.algs = append(s.algs, k.Algorithm)
		}
	}
	if len(keys) == 1 {
		s.only = &keys[0]
	}
	return s
}

// find returns the key for t. A token without kid gets the set's only key,
// unless requireKid.
func (s *keySet) find(t *jwt.Token, requireKid bool) (*Key, error) {
	var k *Key
	if v, ok := t.Header["kid"]; ok {
		kid, ok := v.(string)
		if !ok {
			return nil, ErrUnknownKey
		}
		if why := s.refused[kid]; why != nil {
			return nil, why
		}
		if k = s.byID[kid]; k == nil {
			return nil, errAbsentKid
		}
	} else if k = s.only; k == nil || requireKid {
		return nil, ErrUnknownKey // several keys to try, or a set that may grow: RFC 8725 §3.1
	}
	// One algorithm per key: an RS256 key does not verify PS256, though
	// golang-jwt would take the same *rsa.PublicKey for both.
	if k.Algorithm != t.Method.Alg() {
		return nil, fmt.Errorf("%w: the key %q verifies %s only", ErrUnknownKey, k.ID, k.Algorithm)
	}
	return k, nil
}

// errEncryptionKey marks a key of a JWK Set for encryption ("use":"enc"),
// which is left out, not refused.
var errEncryptionKey = fmt.Errorf("%w: the key is for encryption", ErrUnknownKey)

// readJWKSet reads a JWK Set document key by key, with the rules JWKSet and
// JWKS share. A key for encryption is left out; every other key must parse,
// suit its algorithm (its "alg", or its type's usual one) and be strong
// enough for it (checkKey); several keys with one kid are ambiguous, and
// are all refused. It returns the keys that pass, and why each kid that
// did not was refused. Only a document that is not a JWK Set is an error:
// one bad key does not keep the others from being used. HMAC keys ("oct"),
// and the private part of other keys, are read only if secrets: a set
// fetched from a URL is public, and a private key in it is refused.
func readJWKSet(doc []byte, secrets bool) ([]Key, map[string]error, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		return nil, nil, fmt.Errorf("not a JWK Set: %w", err)
	}
	if set.Keys == nil {
		return nil, nil, errors.New(`not a JWK Set: no "keys" array`)
	}
	var keys []Key
	refused := map[string]error{}
	count := map[string]int{}
	for _, raw := range set.Keys {
		var m jwkset.JWKMarshal
		if err := json.Unmarshal(raw, &m); err != nil {
			var named struct {
				KID string `json:"kid"`
			}
			_ = json.Unmarshal(raw, &named)
			count[named.KID]++
			refused[named.KID] = fmt.Errorf("%w: the key does not parse: %w", ErrWeakKey, err)
			continue
		}
		count[m.KID]++
		if m.USE == jwkset.UseEnc {
			refused[m.KID] = errEncryptionKey
			continue
		}
		if !secrets && m.D != "" {
			// A private key in a published set is a leaked key: anyone who
			// read the set could have signed with it.
			refused[m.KID] = fmt.Errorf("%w: the key is published with its private part, so anyone could sign with it", ErrWeakKey)
			continue
		}
		jwk, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{Private: secrets}, jwkset.JWKValidateOptions{})
		if err != nil {
			refused[m.KID] = fmt.Errorf("%w: the key does not parse: %w", ErrWeakKey, err)
			continue
		}
		alg := m.ALG.String()
		if alg == "" {
			alg = defaultAlgorithm(publicKey(jwk.Key()))
		}
		pub, err := checkKey(alg, jwk.Key())
		if err != nil {
			refused[m.KID] = err
			continue
		}
		keys = append(keys, Key{ID: m.KID, Algorithm: alg, Key: pub})
	}
	for kid, n := range count {
		if n > 1 {
			refused[kid] = fmt.Errorf("%w: %d keys of the set have the kid %q: a token naming it could not tell which", ErrUnknownKey, n, kid)
		}
	}
	keys = slices.DeleteFunc(keys, func(k Key) bool { return refused[k.ID] != nil })
	return keys, refused, nil
}

// sortedKids are the kids of refused, sorted: errors and logs come in the
// same order every time.
func sortedKids(refused map[string]error) []string { return slices.Sorted(maps.Keys(refused)) }

// checkKey refuses a key that does not suit alg, is malformed, or is too
// weak for it, and returns the key to verify with (the public half of a
// private key). Keys are checked where they enter, at startup or when a
// remote set is read, never per request.
func checkKey(alg string, key any) (any, error) {
	key = publicKey(key)
	if jwt.GetSigningMethod(alg) == nil || alg == "none" {
		return nil, fmt.Errorf("%w: %q is not a signing algorithm", ErrWeakKey, alg)
	}
	weak := func(format string, args ...any) (any, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrWeakKey}, args...)...)
	}
	switch alg {
	case "HS256", "HS384", "HS512":
		b, ok := key.([]byte)
		if !ok {
			return weak("%s needs a []byte secret", alg)
		}
		if need := map[string]int{"HS256": 32, "HS384": 48, "HS512": 64}[alg]; len(b) < need {
			return weak("%s needs a secret of %d bytes or more, not %d (RFC 7518 §3.2)", alg, need, len(b))
		}
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		k, ok := key.(*rsa.PublicKey)
		switch {
		case !ok || k == nil || k.N == nil:
			return weak("%s needs an RSA key", alg)
		case k.N.BitLen() < 2048:
			return weak("%s needs an RSA key of 2048 bits or more, not %d", alg, k.N.BitLen())
		case k.N.Bit(0) == 0:
			return weak("the RSA modulus is even")
		case k.E < 3 || k.E%2 == 0 || k.E > 1<<31-1:
			// e = 1 makes every signature its own message; an even e
			// cannot be an RSA exponent (SP 800-56B: odd, and more).
			return weak("the RSA public exponent %d is not an odd number from 3 to 2^31-1", k.E)
		}
	case "ES256", "ES384", "ES512":
		k, ok := key.(*ecdsa.PublicKey)
		want := map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}[alg]
		if !ok || k == nil || k.Curve != want {
			return weak("%s needs an ECDSA key on %s", alg, want.Params().Name)
		}
		if k.X == nil || k.Y == nil {
			return weak("the ECDSA key has no point")
		}
		if _, err := k.Bytes(); err != nil { // off the curve, or the point at infinity
			return weak("the ECDSA key is not a point of %s", want.Params().Name)
		}
	case "EdDSA":
		k, ok := key.(ed25519.PublicKey)
		if !ok || len(k) != ed25519.PublicKeySize {
			return weak("EdDSA needs an Ed25519 key")
		}
		p, err := new(edwards25519.Point).SetBytes(k)
		if err != nil {
			return weak("the Ed25519 key is not a point of the curve")
		}
		// A key of small order (the identity among them) verifies forged
		// signatures: with R = the identity and S = 0, any message passes
		// (RFC 8032 §5.1.7 verifies what crypto/ed25519 does, and allows it).
		if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
			return weak("the Ed25519 key has a small order: anyone could forge its signatures")
		}
	default:
		return weak("%q is not supported", alg)
	}
	return key, nil
}

// publicKey is the public half of a private key, or key itself.
func publicKey(key any) any {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k == nil {
			return (*rsa.PublicKey)(nil) // which checkKey refuses, rather than a panic
		}
	case *ecdsa.PrivateKey:
		if k == nil {
			return (*ecdsa.PublicKey)(nil)
		}
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return ed25519.PublicKey(nil)
		}
	}
	if k, ok := key.(crypto.Signer); ok {
		return k.Public()
	}
	return key
}

// defaultAlgorithm pins a key that does not name its algorithm (a JWK
// without "alg") to the usual one for its type.
func defaultAlgorithm(key any) string {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return "RS256"
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return "ES256"
		case elliptic.P384():
			return "ES384"
		case elliptic.P521():
			return "ES512"
		}
	case ed25519.PublicKey:
		return "EdDSA"
	}
	return ""
}
