package ginauth_test

import (
	"context"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gindepends/gindepends/ginauth"
)

// The baseline: golang-jwt's ParseWithClaims with the options the validator
// sets, typed claims, a parser built once, and the key at hand.
func benchBare(b *testing.B, kid string) {
	method, key := signingKey(kid)
	verify := publicOf(key)
	p := jwt.NewParser(jwt.WithValidMethods([]string{method.Alg()}), jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
		jwt.WithIssuer(testIssuer), jwt.WithAudience(testAudience), jwt.WithStrictDecoding())
	kf := func(*jwt.Token) (any, error) { return verify, nil }
	tok := good(b, kid)
	b.ReportAllocs()
	for b.Loop() {
		var c jwt.RegisteredClaims
		if _, err := p.ParseWithClaims(tok, &c, kf); err != nil {
			b.Fatal(err)
		}
	}
}

func benchValidate(b *testing.B, kid string, cache bool) {
	v := validator(b, func(c *ginauth.JWTConfig) { c.NoCache = !cache })
	tok := good(b, kid)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Validate(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareParseHS256(b *testing.B)      { benchBare(b, "hs") }
func BenchmarkValidateHS256(b *testing.B)       { benchValidate(b, "hs", false) }
func BenchmarkBareParseRS256(b *testing.B)      { benchBare(b, "rs") }
func BenchmarkValidateRS256(b *testing.B)       { benchValidate(b, "rs", false) }
func BenchmarkValidateRS256Cached(b *testing.B) { benchValidate(b, "rs", true) }
func BenchmarkBareParseES256(b *testing.B)      { benchBare(b, "es") }
func BenchmarkValidateES256(b *testing.B)       { benchValidate(b, "es", false) }
func BenchmarkValidateES256Cached(b *testing.B) { benchValidate(b, "es", true) }
