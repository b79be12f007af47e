package ginauth

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
)

// AnyOf declares a dependency on the first credential present among
// schemes, tried in order: an API key in a header, a query parameter or a
// cookie; an API key or an OAuth2 token. The docs list the schemes as
// alternatives (an OR in OpenAPI), which FastAPI cannot say (its issues 1550
// and 2835): its schemes are all required.
//
// A credential that is present but bad fails at once, even if a later
// scheme would accept another. When none is present, the answer is 401
// {"detail":"Not authenticated"} with every scheme's challenge, unless all
// the schemes have AutoError Off, which gives the zero value.
func AnyOf[T any](schemes ...Scheme[T]) di.Dep[T] {
	if len(schemes) < 2 {
		panic("ginauth: AnyOf needs two schemes or more; use the scheme's Dep for one")
	}
	info := &SchemeInfo{}
	var names, challenges []string
	autoError := false
	reads := make([]func(*gin.Context) (T, bool, error), len(schemes))
	for i, s := range schemes {
		st := s.settings()
		if slices.Contains(names, st.info.name) {
			panic(fmt.Sprintf("ginauth: AnyOf: two schemes are named %q: give them distinct SchemeNames, as the docs list each under its name", st.info.name))
		}
		info.alternatives = append(info.alternatives, st.info)
		names = append(names, st.info.name)
		if !slices.Contains(challenges, st.challenge) {
			challenges = append(challenges, st.challenge)
		}
		autoError = autoError || st.autoError
		reads[i] = s.reader()
	}
	info.name = strings.Join(names, " | ")
	missing := di.Error(http.StatusUnauthorized, "Not authenticated")
	for _, ch := range challenges {
		missing = missing.WithHeader("WWW-Authenticate", ch)
	}
	return di.Scheme(info, func(c *gin.Context) (T, error) {
		var zero T
		for _, read := range reads {
			if v, found, err := read(c); err != nil || found {
				return v, err
			}
		}
		if autoError {
			return zero, missing
		}
		return zero, nil
	})
}
