// Package authserver is the example's OAuth 2.0 and OpenID Connect
// authorization server: zitadel/oidc's OpenID provider (its op package, an
// OpenID Certified implementation) on a store of its own, with what the
// provider leaves to its users written here.
//
// What the provider does: /authorize, the authorization-code grant with
// PKCE, refresh tokens, client credentials, JWT access tokens signed with
// the server's key and published at /keys, the OpenID discovery document,
// revocation. What this package adds:
//
//   - the password grant (RFC 6749 §4.3), which the provider lacks and
//     FastAPI's tutorial and Swagger UI's password flow use: a handler in
//     front of the token endpoint that makes its tokens with the provider's
//     own functions;
//   - a login and consent page, server-rendered, with a double-submit
//     CSRF cookie;
//   - the policy the provider leaves open: PKCE with S256 required of
//     public clients, plain refused; a refresh token works once, and one
//     used twice revokes its family (RFC 9700 §4.14.2); the granted scopes
//     in the access token's scope claim;
//   - the store ([Backend]): signing keys, clients, authorization requests,
//     codes and refresh tokens, in an embedded database ([OpenBolt]) or in
//     Redis ([OpenRedis]) for instances behind a load balancer; tokens are
//     kept as digests;
//   - key rotation ([Server.Rotate]): a retired key stays published until
//     the tokens it signed have expired.
//
// The API it serves knows it only by its issuer URL, through discovery, as
// it would know Keycloak or Auth0; that it runs in the same process is the
// example's choice, so that `make run` needs nothing else.
package authserver
