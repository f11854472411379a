//go:build race

package charttest

// raceSlowdown: the race detector makes the same drawing several times
// slower (Go's documentation says 2–20×); a loop still fails the bound.
const raceSlowdown = 20
