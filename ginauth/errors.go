package ginauth

import (
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

// Why a token was refused, beyond golang-jwt's own errors (jwt.ErrTokenExpired,
// jwt.ErrTokenSignatureInvalid, ...), which Validate returns too. Check them
// with errors.Is; a route answers every one of them with the same 401
// invalid_token, with a short description.
var (
	ErrTokenType      = errors.New("ginauth: the token is not an access token (typ)")
	ErrCriticalHeader = errors.New("ginauth: the token has a crit header")
	ErrEmbeddedKey    = errors.New("ginauth: the token names its own key (jku, x5u, jwk, x5c)")
	ErrUnknownKey     = errors.New("ginauth: no key for the token")
	// ErrWeakKey refuses a key, where keys enter (NewJWT, NewIssuer, each
	// fetch of a remote set): too short or too small for its algorithm, or
	// malformed (an RSA exponent of 1 or even, an EC point missing or off its
	// curve, an Ed25519 key of small order), so that no token ever meets it.
	ErrWeakKey       = errors.New("ginauth: the key is weak or malformed for its algorithm")
	ErrMissingClaim  = errors.New("ginauth: the token lacks a required claim")
	ErrTokenTooOld   = errors.New("ginauth: the token is older than the maximum age")
	ErrUnknownIssuer = errors.New("ginauth: no validator for the token's issuer")
	// ErrKeysUnavailable is not about the token: no key could be had to
	// check it (a remote JWK Set not fetched yet, or not refreshed for longer
	// than its MaxStale). Routes answer it 503 with Retry-After, not 401, so
	// that clients keep their tokens.
	ErrKeysUnavailable = errors.New("ginauth: the keys that verify tokens are unavailable")

	errInvalidUTF8    = errors.New("ginauth: a claim is not valid UTF-8")
	errDuplicateClaim = errors.New("ginauth: a registered claim is given twice")
	errNumericDate    = errors.New("ginauth: a date claim is not a JSON number of seconds")
	errMalformed      = errors.New("ginauth: the token is not a JWS in compact form")
	errTooLong        = errors.New("ginauth: the token is over the size limit")
	errNoToken        = errors.New("ginauth: ClaimsOf: no token")
	errClient         = errors.New("ginauth: the token's client is not one of JWTConfig.Clients")
)

// refusal is a kind of refused token: an index of descriptions.
type refusal int

const (
	tooLong refusal = iota
	expired
	notYetValid
	tooOld
	otherAudience
	otherIssuer
	notAccessToken
	otherClient
	missingClaim
	malformed
	notValid
	refusals // how many there are
)

// descriptions say, in a few words and RFC 6750's charset, why a token was
// refused: for error_description, so they name the kind of problem and
// nothing of the token or of the keys.
var descriptions = [refusals]string{
	tooLong:        "The access token is too long",
	expired:        "The access token expired",
	notYetValid:    "The access token is not valid yet",
	tooOld:         "The access token is too old",
	otherAudience:  "The access token is meant for another audience",
	otherIssuer:    "The access token comes from another issuer",
	notAccessToken: "The token is not an access token",
	otherClient:    "The access token was issued to another client",
	missingClaim:   "The access token lacks a required claim",
	malformed:      "The access token is malformed",
	notValid:       "The access token is not valid",
}

// describe is the kind of refusal err is.
func describe(err error) refusal {
	switch {
	case errors.Is(err, errTooLong):
		return tooLong
	case errors.Is(err, jwt.ErrTokenExpired):
		return expired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return notYetValid
	case errors.Is(err, ErrTokenTooOld):
		return tooOld
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return otherAudience
	case errors.Is(err, jwt.ErrTokenInvalidIssuer), errors.Is(err, ErrUnknownIssuer):
		return otherIssuer
	case errors.Is(err, ErrTokenType):
		return notAccessToken
	case errors.Is(err, errClient):
		return otherClient
	case errors.Is(err, ErrMissingClaim), errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return missingClaim
	case errors.Is(err, jwt.ErrTokenMalformed), errors.Is(err, errInvalidUTF8), errors.Is(err, errDuplicateClaim),
		errors.Is(err, errNumericDate), errors.Is(err, jwt.ErrTokenInvalidClaims) && !errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return malformed
	}
	return notValid
}
