package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"briefings/generator/internal/build"
)

// printStats writes the --stats report: output files by kind, time per
// pipeline stage and the process's peak memory. Stages are those the run
// went through: read, parse, link and render for check; build adds write
// (render includes streaming pages into the staging folder; write is the
// final swap). A run that stops early lists fewer stages.
func printStats(w io.Writer, s build.Stats, peak uint64, peakKnown bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "stats: %d files, %s\n", s.Files, humanBytes(uint64(max(s.Bytes, 0))))
	if s.Reused > 0 {
		// Kept files were not even made: their inputs were unchanged.
		fmt.Fprintf(&b, "  unchanged since the previous build: %d files (%d kept without being made)\n", s.Reused, s.Kept)
	}
	kinds := make([]string, 0, len(s.Pages))
	for k := range s.Pages {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s %d", k, s.Pages[k])
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(&b, "  pages by type: %s\n", strings.Join(parts, ", "))
	parts = parts[:0]
	for _, st := range s.Stages {
		parts = append(parts, fmt.Sprintf("%s %s", st.Name, roundDuration(st.Duration)))
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(&b, "  time per stage: %s (total %s)\n", strings.Join(parts, ", "), roundDuration(s.Duration))
	if peakKnown {
		fmt.Fprintf(&b, "  peak memory: %s (maximum resident set size)\n", humanBytes(peak))
	} else {
		fmt.Fprintf(&b, "  peak memory: %s (Go runtime, not counting memory outside the Go heap)\n", humanBytes(peak))
	}
	io.WriteString(w, b.String())
}

// roundDuration keeps three significant figures or so: 1.234s, 41.2ms, 812µs.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// humanBytes formats n with a binary unit: 812 B, 41.2 KiB, 3.0 MiB.
func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
