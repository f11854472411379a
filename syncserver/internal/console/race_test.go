//go:build race

package console_test

// raceEnabled: the race detector changes memory and speed figures, so
// tests that measure them skip under it.
const raceEnabled = true
