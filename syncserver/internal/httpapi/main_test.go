package httpapi

import (
	"os"
	"testing"

	"smallwins/syncserver/internal/pgtest"
)

// TestMain stops the PostgreSQL cluster a benchmark may have started.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}
