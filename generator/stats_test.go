package main

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefings/generator/internal/build"
)

func TestPrintStats(t *testing.T) {
	var b bytes.Buffer
	printStats(&b, build.Stats{
		Pages: map[string]int{"round": 12, "asset": 2, "home": 1},
		Files: 15, Bytes: 3 << 20, Reused: 9, Kept: 7,
		Stages: []build.StageTime{
			{Name: "read", Duration: 1234567 * time.Nanosecond},
			{Name: "parse", Duration: 45678 * time.Microsecond},
			{Name: "link", Duration: 321 * time.Nanosecond},
			{Name: "render", Duration: 1500 * time.Millisecond},
			{Name: "write", Duration: 987654 * time.Nanosecond},
		},
		Duration: 1600 * time.Millisecond,
	}, 40<<20, true)
	want := `stats: 15 files, 3.0 MiB
  unchanged since the previous build: 9 files (7 kept without being made)
  pages by type: asset 2, home 1, round 12
  time per stage: read 1.23ms, parse 45.7ms, link 0s, render 1.5s, write 988µs (total 1.6s)
  peak memory: 40.0 MiB (maximum resident set size)
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	printStats(&b, build.Stats{}, 5000, false)
	if got := b.String(); !strings.Contains(got, "pages by type: none") || !strings.Contains(got, "time per stage: none") || !strings.Contains(got, "peak memory: 4.9 KiB (Go runtime") {
		t.Errorf("empty stats:\n%s", got)
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 30: "5.0 GiB", 1 << 62: "4096.0 PiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestStatsFlag runs build and check with --stats: the report follows the
// summary on stderr, counts the pages by type and names every stage run.
func TestStatsFlag(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	for _, c := range []struct {
		cmd    string
		stages string
	}{
		{"build", "time per stage: read "},
		{"check", "time per stage: read "},
	} {
		code, stdout, stderr := runSplit(c.cmd, "--source", dir, "--stats")
		if code != 0 || stdout != "" {
			t.Fatalf("%s --stats: exit %d, stdout %q\n%s", c.cmd, code, stdout, stderr)
		}
		summary, stats := strings.Index(stderr, " pages in "), strings.Index(stderr, "stats: ")
		if summary < 0 || stats < summary {
			t.Errorf("%s: stats do not follow the summary:\n%s", c.cmd, stderr)
		}
		for _, w := range []string{c.stages, ", parse ", ", link ", ", render ", "peak memory: "} {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s --stats lacks %q:\n%s", c.cmd, w, stderr)
			}
		}
		// Pages by type, sorted by type, add up to the files written. (Only
		// the content's own kinds are pinned: other kinds come and go as the
		// site grows features.)
		var files, sum int
		fmt.Sscanf(stderr[stats:], "stats: %d files", &files)
		_, line, _ := strings.Cut(stderr, "pages by type: ")
		line, _, _ = strings.Cut(line, "\n")
		kinds := map[string]int{}
		var order []string
		for _, kv := range strings.Split(line, ", ") {
			k, n, _ := strings.Cut(kv, " ")
			v, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("%s: pages by type %q", c.cmd, line)
			}
			kinds[k] = v
			order = append(order, k)
			sum += v
		}
		if files == 0 || sum != files {
			t.Errorf("%s: pages by type add up to %d, files %d:\n%s", c.cmd, sum, files, stderr)
		}
		if !slices.IsSorted(order) {
			t.Errorf("%s: types not sorted: %s", c.cmd, line)
		}
		for k, n := range map[string]int{"home": 1, "dialogue": 1, "round": 2, "participant": 2, "topic": 1, "page": 1} {
			if kinds[k] != n {
				t.Errorf("%s: %d pages of type %s, want %d: %s", c.cmd, kinds[k], k, n, line)
			}
		}
		if hasWrite := strings.Contains(stderr, ", write "); hasWrite != (c.cmd == "build") {
			t.Errorf("%s: write stage listed = %v:\n%s", c.cmd, hasWrite, stderr)
		}
	}
	// Without --stats: no report.
	if _, _, stderr := runSplit("check", "--source", dir); strings.Contains(stderr, "stats:") {
		t.Errorf("stats without --stats:\n%s", stderr)
	}
	// A failed run still reports, after the error count.
	writeSite(t, dir, map[string]string{"content/about.md": "---\ntitel: About\n---\n"})
	code, _, stderr := runSplit("check", "--source", dir, "--stats")
	if code != 1 || !strings.Contains(stderr, "2 errors, 0 warnings\nstats: ") {
		t.Errorf("failed check --stats: exit %d\n%s", code, stderr)
	}
}

func TestPeakMemory(t *testing.T) {
	if n, _ := peakMemory(); n < 1<<20 {
		t.Errorf("peak memory %d bytes: implausibly small", n)
	}
}
