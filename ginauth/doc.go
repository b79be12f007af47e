// Package ginauth is FastAPI's fastapi.security for Gin, as dependencies of
// package di: security schemes that read credentials from requests, a
// validator of JWT access tokens, and the answers of RFCs 6750 and 7617 in
// FastAPI's shapes. What a route requires, its docs say, from the same
// declarations.
//
// # Schemes
//
// A scheme is declared once, at package level, from a struct with FastAPI's
// fields; its Dep is the scheme, which every function of this package and
// of di takes:
//
//	var oauth2Scheme = ginauth.OAuth2PasswordBearer{
//		TokenURL: "token",
//		Scopes:   map[string]string{"me": "Read information about the current user.", "items": "Read items."},
//	}.Dep()
//
// Its value is the credential: a token or key (string), an
// [*HTTPAuthorizationCredentials] or an [*HTTPBasicCredentials]. A missing
// credential is FastAPI's 401 {"detail":"Not authenticated"} with the
// scheme's challenge (WWW-Authenticate: Bearer, Basic realm="...", Digest,
// APIKey, or HTTPBase's scheme in title case); [Legacy403] gives FastAPI's
// answers before 0.122, and a field NotAuthenticated any other.
//
// # Validated tokens
//
// [Bearer] turns a bearer scheme into a dependency of the validated
// [*Token], with every scope required where it is used. The validator is a
// value that main makes and provides to the router, so that tests give
// another (see package authtest):
//
//	var tokens = di.Provided[ginauth.TokenValidator]("tokens")
//	var token = ginauth.Bearer(oauth2Scheme, tokens)
//
//	var currentUser = di.Func1("currentUser", token, func(c *gin.Context, t *ginauth.Token) (*User, error) {
//		return users.Find(t.Subject)
//	})
//
//	func main() {
//		v := ginauth.MustJWT(ginauth.JWTConfig{
//			Keys:     ginauth.Discover("https://auth.example.com"),
//			Audience: "https://api.example.com",
//		})
//		defer v.Close()
//		api := di.NewRouter(engine, di.Provide(tokens, v))
//		api.GET("/users/me/items", di.JSON1(di.Security(currentUser, "items", "me"), listItems))
//	}
//
// The answers are RFC 6750's: no token, 401 Bearer; an invalid one, 401
// error="invalid_token" with a short description; a missing scope, 403
// error="insufficient_scope" with the scopes required (or FastAPI's
// tutorial answer, [MissingScopeAs401]). When no key can be had to check a
// token (a remote set down at startup, or stale), the answer is 503 with
// Retry-After: the token may be good. [JWT.Health] tells a readiness probe.
// Where authentication is optional, di.Optional(currentUser) is nil without
// a token, and still a 401 with a bad one.
//
// [JWT] validates with golang-jwt and adds what it leaves to its callers: one
// algorithm per key, never none; exp required; iss and aud required unless
// turned off by name; no token that says it is of another kind (an ID
// token); no crit, no keys named by the token itself; dates that are JSON
// numbers; registered claims given once; UTF-8 claims; sub; a maximum age;
// scopes split on spaces only (RFC 6749 §3.3). It takes the access tokens of
// Keycloak, Auth0, Okta, Entra ID, Google and Cognito as they are, and RFC
// 9068's profile in full on request. Unsafe settings (a short HMAC secret,
// an RSA key under 2048 bits, no issuer) fail at startup, and so do
// malformed keys (an EC point off its curve, an RSA exponent of 1, an
// Ed25519 key of small order: see [ErrWeakKey]). Keys come from
// [StaticKeys], [PEMKey], a [JWKSet] document, a remote [JWKS], or the
// issuer's metadata ([Discover]); a remote set is fetched in the background
// and read key by key, so that one bad key is left out rather than freezing
// the set. Tokens verified once are kept in a bounded cache, so that a token
// seen again costs a map lookup instead of a signature check.
//
// [Issuer] signs access tokens for applications that issue their own, with
// the application's claims, and publishes its public key as a JWK Set.
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
//   - Scheme names compare in ASCII: "baſic" (a long s) is not Basic.
//   - HTTP Basic wants canonical padded base64, refuses an empty user name
//     and control characters, splits at the first colon, and says
//     charset="UTF-8" in its challenge: it takes UTF-8 user names and
//     passwords (RFC 7617 §2.1), which FastAPI refuses.
//   - Cookie schemes read exactly one cookie of their name, and refuse (403)
//     cross-origin requests that change state, since browsers send cookies
//     with them; an API key header or query parameter given twice is a 400.
//   - The password form splits scope on spaces only, and refuses (422) a
//     scope with other characters.
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
