//go:build !race

package roster

const raceOn = false
