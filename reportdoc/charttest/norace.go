//go:build !race

package charttest

const raceSlowdown = 1
