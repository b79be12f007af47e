package authserver

import (
	"context"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind: the bolt
// sweep, a Redis client's pool or a test server that outlives Close.
func TestMain(m *testing.M) {
	redis.SetLogger(quietRedisLog{})
	goleak.VerifyTestMain(m)
}

// quietRedisLog drops what go-redis logs, once per command, for what the
// tests do on purpose, so that anything else it says stands out:
// dialling a closed port (TestOpenRedis), and a cluster client asking
// miniredis, whose COMMAND reply lacks GETDEL, how to route it.
type quietRedisLog struct{}

func (quietRedisLog) Printf(_ context.Context, format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	if strings.Contains(msg, "connect: connection refused") || strings.Contains(msg, "info for cmd=getdel not found") {
		return
	}
	log.Print(msg)
}
