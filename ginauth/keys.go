package ginauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

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
	// generation changes whenever the keys do: a token verified under an
	// earlier one is checked again.
	generation() uint64
	close()
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

// StaticKeys are keys known at startup. Weak keys are refused when the
// validator is made: HMAC secrets shorter than their hash, RSA keys under
// 2048 bits, EC keys on another curve than their algorithm's.
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
	byID map[string]*Key
	algs []string
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
	s.byID = map[string]*Key{}
	for i := range s.keys {
		k := &s.keys[i]
		pub, err := checkKey(k.Algorithm, k.Key)
		if err != nil {
			return fmt.Errorf("key %q: %w", k.ID, err)
		}
		k.Key = pub
		if _, dup := s.byID[k.ID]; dup {
			return fmt.Errorf("ginauth: two keys have the ID %q", k.ID)
		}
		s.byID[k.ID] = k
		if !slices.Contains(s.algs, k.Algorithm) {
			s.algs = append(s.algs, k.Algorithm)
		}
	}
	return nil
}

func (s *staticKeys) lookup(_ context.Context, t *jwt.Token) (any, error) {
	var k *Key
	if v, ok := t.Header["kid"]; ok {
		kid, ok := v.(string)
		if !ok {
			return nil, ErrUnknownKey
		}
		k = s.byID[kid]
	} else if len(s.keys) == 1 {
		k = &s.keys[0]
	}
	if k == nil || k.Algorithm != t.Method.Alg() {
		return nil, ErrUnknownKey
	}
	return k.Key, nil
}

func (s *staticKeys) algorithms() []string { return s.algs }
func (s *staticKeys) remote() bool         { return false }
func (s *staticKeys) generation() uint64   { return 0 }
func (s *staticKeys) close()               {}

// checkKey refuses a key that does not suit alg or is too weak for it, and
// returns the key to verify with (the public half of a private key).
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
		if !ok {
			return weak("%s needs an RSA key", alg)
		}
		if k.N.BitLen() < 2048 {
			return weak("%s needs an RSA key of 2048 bits or more, not %d", alg, k.N.BitLen())
		}
	case "ES256", "ES384", "ES512":
		k, ok := key.(*ecdsa.PublicKey)
		want := map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}[alg]
		if !ok || k.Curve != want {
			return weak("%s needs an ECDSA key on %s", alg, want.Params().Name)
		}
	case "EdDSA":
		if k, ok := key.(ed25519.PublicKey); !ok || len(k) != ed25519.PublicKeySize {
			return weak("EdDSA needs an Ed25519 key")
		}
	default:
		return weak("%q is not supported", alg)
	}
	return key, nil
}

// publicKey is the public half of a private key, or key itself.
func publicKey(key any) any {
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
