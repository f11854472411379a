//go:build race

package roster

// raceOn: the race detector slows everything several times, so the speed
// targets are only checked without it.
const raceOn = true
