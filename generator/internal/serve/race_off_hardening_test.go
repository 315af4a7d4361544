//go:build !race

package serve

// raceEnabled reports whether the tests run under the race detector, so
// load tests can use a size that finishes in CI.
const raceEnabled = false
