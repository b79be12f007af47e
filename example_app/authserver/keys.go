package authserver

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// signingKey is a key that signs tokens, as the backend keeps it. The
// newest key not retired signs; a retired key stays published until the
// tokens it signed have expired.
type signingKey struct {
	ID      string    `json:"id"`
	DER     []byte    `json:"der"` // PKCS #8
	Created time.Time `json:"created"`
	Retired time.Time `json:"retired,omitzero"`
	private *ecdsa.PrivateKey
}

// publicKey is a key of the published set.
type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.ID }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.private.PublicKey }

// signer adapts a signingKey to op.SigningKey, whose ID method clashes
// with the field.
type signer struct{ k *signingKey }

func (s signer) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (s signer) Key() any                                    { return s.k.private }
func (s signer) ID() string                                  { return s.k.ID }

func newSigningKey() (*signingKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return &signingKey{ID: "es256-" + randomID()[:16], DER: der, Created: time.Now(), private: priv}, nil
}

// keys lists the keys of the backend, newest first.
func (s *storage) keys(ctx context.Context) ([]*signingKey, error) {
	all, err := s.backend.List(ctx, bucketKeys)
	if err != nil {
		return nil, err
	}
	out := make([]*signingKey, 0, len(all))
	for id, b := range all {
		var k signingKey
		if err := json.Unmarshal(b, &k); err != nil {
			return nil, fmt.Errorf("signing key %s: %w", id, err)
		}
		// Every token signed and every key set served lists the keys: each
		// is parsed once. A key's ID, random, is never given to other bytes.
		if ec, ok := s.parsed.Load(k.ID); ok {
			k.private = ec.(*ecdsa.PrivateKey)
		} else {
			priv, err := x509.ParsePKCS8PrivateKey(k.DER)
			ec, ok := priv.(*ecdsa.PrivateKey)
			if err != nil || !ok {
				return nil, fmt.Errorf("signing key %s: not an ECDSA key", id)
			}
			k.private = ec
			s.parsed.Store(k.ID, ec)
		}
		out = append(out, &k)
	}
	slices.SortFunc(out, func(a, b *signingKey) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// current is the key that signs: the newest that is not retired, made on
// first use. Instances that start together on one Redis may each make one;
// the newest wins everywhere, and the others are published anyway.
func (s *storage) current(ctx context.Context, keys []*signingKey) (*signingKey, error) {
	for _, k := range keys {
		if k.Retired.IsZero() {
			return k, nil
		}
	}
	k, err := newSigningKey()
	if err != nil {
		return nil, err
	}
	return k, s.put(ctx, bucketKeys, k.ID, k, 0)
}

func (s *storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	keys, err := s.keys(ctx)
	if err != nil {
		return nil, err
	}
	k, err := s.current(ctx, keys)
	if err != nil {
		return nil, err
	}
	return signer{k}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

// KeySet is the published set: the current key, and the retired keys whose
// tokens may not have expired yet.
func (s *storage) KeySet(ctx context.Context) ([]op.Key, error) {
	keys, err := s.keys(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.current(ctx, keys)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(keys, cur) { // made just now
		keys = append([]*signingKey{cur}, keys...)
	}
	var out []op.Key
	for _, k := range keys {
		if k.Retired.IsZero() || time.Since(k.Retired) < s.cfg.keyRetention() {
			out = append(out, publicKey{k})
		}
	}
	return out, nil
}

// Rotate makes a new signing key and retires the current one, which stays
// published until the tokens it signed have expired; keys retired longer
// ago are deleted.
func (s *Server) Rotate(ctx context.Context) (newKeyID string, err error) {
	st := s.storage
	keys, err := st.keys(ctx)
	if err != nil {
		return "", err
	}
	next, err := newSigningKey()
	if err != nil {
		return "", err
	}
	if err := st.put(ctx, bucketKeys, next.ID, next, 0); err != nil {
		return "", err
	}
	var errs []error
	for _, k := range keys {
		switch {
		case k.Retired.IsZero():
			k.Retired = time.Now()
			errs = append(errs, st.put(ctx, bucketKeys, k.ID, k, 0))
		case time.Since(k.Retired) >= s.cfg.keyRetention():
			errs = append(errs, st.backend.Delete(ctx, bucketKeys, k.ID))
			st.parsed.Delete(k.ID)
		}
	}
	return next.ID, errors.Join(errs...)
}
