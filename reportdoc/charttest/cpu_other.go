//go:build !unix

package charttest

import "time"

// cpuTime is not measured on this system: Within counts wall time.
func cpuTime() time.Duration { return 0 }
