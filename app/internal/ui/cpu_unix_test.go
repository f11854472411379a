//go:build unix

package ui

import (
	"syscall"
	"time"
)

// cpuTime is this process's user + system CPU time: on a machine whose
// cores other work shares, a benchmark's CPU time moves far less than its
// wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
