//go:build !unix

package progress

import "time"

var started = time.Now()

// cpuTime is not read here: it is the wall time, so a run is timed by its
// wall time alone.
func cpuTime() time.Duration { return time.Since(started) }
