package swaggertest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"github.com/gindepends/gindepends/swagger/swaggertest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}

// recorder is a testing.TB that records what NoDrift reports instead of
// failing the test that uses it. Any other method of testing.TB panics
// (the embedded TB is nil): NoDrift must use no other.
type recorder struct {
	testing.TB
	errors []string
	fatals []string
}

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatal(args ...any) { r.fatals = append(r.fatals, fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, a ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, a...))
}
func (r *recorder) Failed() bool                    { return len(r.errors)+len(r.fatals) > 0 }
func (r *recorder) Log(args ...any)                 {}
func (r *recorder) Logf(format string, args ...any) {}

type swagDoc string

func (d swagDoc) ReadDoc() string { return string(d) }

func router() *di.Router {
	r := di.NewRouter(gin.New())
	key := ginauth.APIKeyHeader{Name: "X-API-Key"}.Dep()
	r.GET("/items", di.JSON1(key, func(*gin.Context, string) ([]string, error) { return nil, nil }))
	r.GET("/health", di.JSON(func(*gin.Context) (string, error) { return "ok", nil }))
	return r
}

const definitions = `"securityDefinitions":{"APIKeyHeader":{"type":"apiKey","in":"header","name":"X-API-Key"}}`

func TestNoDriftPassesWhenTheAnnotationsAgree(t *testing.T) {
	var rec recorder
	swaggertest.NoDrift(&rec, router(), swagDoc(`{"swagger":"2.0","info":{},"paths":{
		"/items":{"get":{"security":[{"APIKeyHeader":[]}],"responses":{"200":{"description":"OK"}}}},
		"/health":{"get":{"responses":{"200":{"description":"OK"}}}}},`+definitions+`}`))
	if rec.Failed() {
		t.Errorf("NoDrift failed the test: errors %q, fatal %q", rec.errors, rec.fatals)
	}
}

func TestNoDriftFailsWithEveryDifference(t *testing.T) {
	var rec recorder
	swaggertest.NoDrift(&rec, router(), swagDoc(`{"swagger":"2.0","info":{},"paths":{
		"/items":{"get":{"security":[{"APIKeyQuery":[]}],"responses":{"200":{"description":"OK"}}}}},`+definitions+`}`))
	want := []string{
		"GET /health: served, but not annotated\n\twrite:\n\t\t// @Router /health [get]",
		"GET /items: @Security names APIKeyQuery, a scheme that none of the routes uses (they use: APIKeyHeader)\n\twrite:\n\t\t// @Security APIKeyHeader",
		"GET /items: the annotations say APIKeyQuery, the route requires APIKeyHeader\n\twrite:\n\t\t// @Security APIKeyHeader",
	}
	if strings.Join(rec.errors, "\n--\n") != strings.Join(want, "\n--\n") {
		t.Errorf("NoDrift reported\n%s\nwant\n%s", strings.Join(rec.errors, "\n--\n"), strings.Join(want, "\n--\n"))
	}
	if len(rec.fatals) > 0 {
		t.Errorf("NoDrift stopped the test: %q", rec.fatals)
	}
}

func TestNoDriftStopsOnADocumentItCannotRead(t *testing.T) {
	var rec recorder
	swaggertest.NoDrift(&rec, router(), swagDoc("not JSON"))
	if len(rec.fatals) != 1 || !strings.HasPrefix(rec.fatals[0], "swagger: swag's document does not read as Swagger 2.0") {
		t.Errorf("NoDrift: fatal %q, want the reason the document cannot be read", rec.fatals)
	}
	if len(rec.errors) > 0 {
		t.Errorf("NoDrift reported differences of a document it cannot read: %q", rec.errors)
	}
}
