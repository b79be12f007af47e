// Package oauthflows holds what ginauth and swagger both read of an OAuth2
// scheme's OpenAPI flows.
package oauthflows

import (
	"maps"

	"github.com/getkin/kin-openapi/openapi3"
)

// Scopes are the scopes of every flow of f, with their descriptions.
func Scopes(f *openapi3.OAuthFlows) map[string]string {
	all := map[string]string{}
	if f == nil {
		return all
	}
	for _, fl := range []*openapi3.OAuthFlow{f.Implicit, f.Password, f.ClientCredentials, f.AuthorizationCode} {
		if fl != nil {
			maps.Copy(all, fl.Scopes)
		}
	}
	return all
}
