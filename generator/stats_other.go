//go:build !unix

package main

import "runtime"

// peakMemory returns the Go runtime's total obtained memory, and false:
// this system has no getrusage.
func peakMemory() (uint64, bool) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys, false
}
