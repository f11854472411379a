package ui

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain removes the 500-student school the benchmarks seed once per
// process (bigSchool, about 256 MB with its sealed copy): it outlives every
// benchmark of the process, so no single benchmark can clean it up.
func TestMain(m *testing.M) {
	code := m.Run()
	if bigStore.path != "" {
		_ = os.RemoveAll(filepath.Dir(bigStore.path))
	}
	os.Exit(code)
}
