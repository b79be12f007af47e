// Package ginauth is FastAPI's fastapi.security for Gin, as dependencies of
// package di: security schemes that read credentials from requests, answer
// 401 in FastAPI's shapes when they are missing, and describe themselves in
// the route registry, from which the OpenAPI docs are built.
//
// A scheme is declared from a struct with FastAPI's fields, once, at package
// level:
//
//	var oauth2Scheme = ginauth.OAuth2PasswordBearer{
//		TokenURL: "token",
//		Scopes:   map[string]string{"me": "Read information about the current user.", "items": "Read items."},
//	}.Dep()
//
// Its value is the credential: a token or key (string), an
// [*HTTPAuthorizationCredentials] or an [*HTTPBasicCredentials]. Use it
// directly, or under [di.Security] with scopes, which the registry lists for
// each route (an OAuth2 scheme refuses, at registration, scopes it does not
// declare):
//
//	api.GET("/items", di.Handle1(di.Security(oauth2Scheme, "items"), listItems))
//
// # Answers
//
// A missing credential is FastAPI's 401 {"detail":"Not authenticated"} with
// the scheme's challenge (WWW-Authenticate: Bearer, Basic realm="...",
// Digest, APIKey, or HTTPBase's scheme in title case). AutoError: Off makes
// the credential optional instead: the value is then "" or nil. A field
// NotAuthenticated replaces the answer (FastAPI's
// make_not_authenticated_error); [Legacy403] gives FastAPI's answers before
// 0.122: 403, no challenge.
//
// # Stricter than FastAPI
//
// A credential that is present but malformed is refused whatever AutoError
// says, and some inputs FastAPI accepts are refused, after RFCs 6750, 7617
// and 6265:
//
//   - "Bearer" with no token is missing (401) for OAuth2PasswordBearer and
//     OAuth2AuthorizationCodeBearer too, not "".
//   - A token outside RFC 6750's b64token charset, or over MaxTokenBytes
//     (8 KiB by default), is a 401 invalid_token for the bearer schemes
//     (those two, HTTPBearer, BearerCookie), refused before anything decodes
//     it. OAuth2 and OpenIdConnect, which hand over the whole header as
//     FastAPI's do, only cap its size.
//   - Two Authorization headers are a 400 invalid_request for every scheme
//     that reads the header; for the bearer schemes, so is an access_token in
//     the URL, or one in a form body as well as the header: tokens are only
//     read from the header.
//   - HTTP Basic wants canonical padded base64 and UTF-8 credentials without
//     control characters, splits at the first colon, refuses an empty user
//     name, and says charset="UTF-8" in its challenge.
//   - Cookie schemes read exactly one cookie of their name, and refuse (403)
//     cross-origin requests that change state, since browsers send cookies
//     with them; an API key header or query parameter given twice is a 400.
//
// # Validated tokens
//
// [Bearer] turns a bearer scheme and a [TokenValidator] into a dependency of
// the validated [*Token], with every scope required where it is used:
//
//	var tokens = ginauth.MustJWT(ginauth.JWTConfig{
//		Issuer: "https://auth.example.com", Audience: "https://api.example.com",
//		Keys: ginauth.JWKS("https://auth.example.com/.well-known/jwks.json"),
//	})
//	var token = ginauth.Bearer(oauth2Scheme, tokens)
//
//	api.GET("/users/me/items", di.Handle1(di.Security(token, "items", "me"), handler))
//
// [JWT] validates with golang-jwt and adds what it leaves to its callers: one
// algorithm per key, never none; exp required; iss and aud required unless
// turned off by name; the typ of an access token; no crit, no keys named by the
// token itself; dates that are JSON numbers; registered claims given once;
// UTF-8 claims; RFC 9068's sub, client_id and jti; a maximum age; scopes
// split on spaces only (RFC 6749 §3.3). Unsafe settings (a short HMAC
// secret, an RSA key under 2048 bits, no issuer) fail at startup, and so do
// malformed keys (an EC point off its curve, an RSA exponent of 1, an
// Ed25519 key of small order: see [ErrWeakKey]). Keys come from
// [StaticKeys], [PEMKey], a [JWKSet] document or a remote [JWKS], fetched in
// the background and read key by key, so that one bad key is left out
// rather than freezing the set. Tokens verified once are kept in a bounded
// cache, so that a token seen again costs a map lookup instead of a
// signature check.
//
// The answers are RFC 6750's: no token, 401 Bearer; an invalid one, 401
// error="invalid_token" with a short description; a missing scope, 403
// error="insufficient_scope" with the scopes required (or FastAPI's
// tutorial answer, [MissingScopeAs401]). When no key can be had to check a
// token (a remote set down at startup, or stale), the answer is 503 with
// Retry-After: the token may be good. [JWT.Health] tells a readiness probe.
//
// A validator with a remote JWK Set fetches it when it is made: make it in
// main (and Close it) rather than at package level, so that importing the
// package, in tests say, does not reach the network.
//
// [Issuer] signs access tokens for applications that issue their own, and
// publishes its public key as a JWK Set.
//
// # Beyond FastAPI
//
// [AnyOf] accepts the first credential present among several schemes, and
// documents them as alternatives. [BearerCookie] reads a token from an
// HttpOnly __Host- cookie and refuses cross-origin requests that change
// state. [APIKeys] and [VerifyAPIKey] check API keys against SHA-256
// digests in constant time. [PasswordRequestForm] reads a token request,
// with client credentials from HTTP Basic as RFC 6749 prefers.
package ginauth
