//go:build race

package progress

import "time"

// reportBound under the race detector, which `make test` uses: its
// instrumentation makes this code 5–10 times slower, and CI runs it on two
// loaded cores. The quadratic sort this guards against takes minutes
// there, so the test still fails on it.
const reportBound = 3 * time.Second
