package ginauth

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// Credential is what [AnyOf] found: the credential, and the name of the
// scheme it came from, so that a handler can tell an API key from a token.
// Both are zero when none was found and AutoError is off everywhere.
type Credential[T any] struct {
	Value  T
	Scheme string
}

// AnyOf declares a dependency on the first credential present among
// schemes, tried in order: an API key in a header, a query parameter or a
// cookie; an API key or an OAuth2 token. The docs list the schemes as
// alternatives (an OR in OpenAPI), which FastAPI cannot say (its issues 1550
// and 2835): its schemes are all required.
//
//	var apiKey = ginauth.AnyOf(
//		ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep(),
//		ginauth.APIKeyCookie{Name: "api_key"}.Dep(),
//	)
//
// A credential that is present but bad fails at once, even if a later
// scheme would accept another. When none is present, the answer is 401
// {"detail":"Not authenticated"} with every scheme's challenge (or what the
// first scheme's NotAuthenticated makes), unless all the schemes have
// AutoError Off, which gives the zero Credential.
//
// AnyOf reads the schemes itself: overriding a scheme's Dep in a test does not
// change it; override the AnyOf.
func AnyOf[T any](schemes ...di.Dep[T]) di.Dep[Credential[T]] {
	if len(schemes) < 2 {
		panic("ginauth: AnyOf needs two schemes or more; use the scheme's Dep for one")
	}
	info := &schemeInfo{}
	var names, challenges []string
	autoError := false
	reads := make([]func(*gin.Context) (T, bool, error), len(schemes))
	var first settings
	for i, s := range schemes {
		alt, read := infoOf("AnyOf", s)
		st := alt.st
		if i == 0 {
			first = st
		}
		if slices.Contains(names, alt.name) {
			panic(fmt.Sprintf("ginauth: AnyOf: two schemes are named %q: give them distinct SchemeNames, as the docs list each under its name", alt.name))
		}
		info.alternatives = append(info.alternatives, alt)
		names = append(names, alt.name)
		if !slices.Contains(challenges, st.challenge) {
			challenges = append(challenges, st.challenge)
		}
		autoError = autoError || st.autoError
		reads[i] = read
	}
	info.name = strings.Join(names, " | ")
	var missing error
	if first.notAuthenticated != nil {
		missing = first.missing()
	} else {
		e := di.Error(http.StatusUnauthorized, "Not authenticated")
		for _, ch := range challenges {
			e = e.WithHeader("WWW-Authenticate", ch)
		}
		missing = di.MissingCredential(e)
	}
	return di.Scheme(info, func(c *gin.Context) (Credential[T], error) {
		for i, read := range reads {
			if v, found, err := read(c); err != nil || found {
				return Credential[T]{Value: v, Scheme: names[i]}, err
			}
		}
		if autoError {
			return Credential[T]{}, missing
		}
		return Credential[T]{}, nil
	})
}

// ValueOf declares a dependency on the value of what dep found, for
// alternatives of one kind, where which one does not matter: an API key in a
// header or a cookie.
func ValueOf[T any](dep di.Dep[Credential[T]]) di.Dep[T] {
	return di.Func1(dep.Name(), dep, func(_ *gin.Context, c Credential[T]) (T, error) { return c.Value, nil })
}
