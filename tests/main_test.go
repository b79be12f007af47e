// Package tests holds black-box tests across the project's packages: the
// example API as its users see it.
package tests

import (
	"flag"
	"runtime"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	// The tests wait on servers and clocks more than they compute (one
	// waits half a minute for a token to expire): more of them run at once
	// than there are cores, unless -parallel says otherwise.
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", strconv.Itoa(max(8, 2*runtime.GOMAXPROCS(0))))
	}
	goleak.VerifyTestMain(m)
}
