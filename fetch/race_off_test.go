//go:build !race

package fetch

// raceEnabled: the race detector changes allocation counts.
const raceEnabled = false
