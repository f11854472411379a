package console_test

import (
	"os"
	"testing"

	"smallwins/syncserver/internal/pgtest"
)

// TestMain stops the PostgreSQL cluster a test may have started.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}
