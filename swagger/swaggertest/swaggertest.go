// Package swaggertest checks, in a test, that swag's annotations say what
// the declarations enforce.
package swaggertest

import (
	"testing"

	"github.com/swaggo/swag"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/swagger"
)

// NoDrift fails t with every difference between the annotations
// (docs.SwaggerInfo) and the declarations of api's routes, each with the
// annotation to write ([swagger.Drift]).
func NoDrift(t testing.TB, api *di.Router, annotations swag.Swagger) {
	t.Helper()
	diffs, err := swagger.Drift(api, annotations)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}
