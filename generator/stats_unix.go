//go:build unix

package main

import (
	"runtime"
	"syscall"
)

// peakMemory returns the process's maximum resident set size, and true;
// false with the Go runtime's total obtained memory when that fails.
func peakMemory() (uint64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil || ru.Maxrss <= 0 {
		return runtimeSys(), false
	}
	n := uint64(ru.Maxrss)
	if runtime.GOOS != "darwin" && runtime.GOOS != "ios" {
		n *= 1024 // kilobytes everywhere but Apple's systems, which report bytes
	}
	return n, true
}

func runtimeSys() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}
