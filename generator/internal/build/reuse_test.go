package build

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRebuildReusesUnchangedFiles checks the write-skipping path end to
// end: a rebuild of an unchanged site hard-links every file from the
// previous output and publishes the same bytes; after an edit, only the
// files whose bytes changed are written.
func TestRebuildReusesUnchangedFiles(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "site")
	writeFiles(t, src, map[string]string{
		"config.yaml":                   "title: T\nbase_url: https://example.org/\n",
		"content/about.md":              "---\ntitle: About\n---\nAbout us.\n",
		"content/dialogues/d/_index.md": "---\ntitle: D\n---\n",
		"content/dialogues/d/r1.md":     "---\ntitle: R1\ndate: 2024-01-01\nround: 1\nparticipants: [Ann]\n---\nFirst.\n",
		"content/dialogues/d/r2.md":     "---\ntitle: R2\ndate: 2024-02-01\nround: 2\nparticipants: [Bo]\n---\nSecond.\n",
		"static/docs/a.txt":             "static file",
	})
	out := filepath.Join(root, "public")
	first := Build(Options{Source: src, Out: out})
	if first.Failed() {
		t.Fatalf("first build: %v %v", first.Err, first.Diagnostics)
	}
	if first.Stats.Reused != 0 {
		t.Errorf("first build reused %d files, want 0", first.Stats.Reused)
	}
	want := treeDigest(t, out)
	page := filepath.Join(out, "dialogues", "d", "r1", "index.html")
	before, err := os.Stat(page)
	if err != nil {
		t.Fatal(err)
	}

	again := Build(Options{Source: src, Out: out})
	if again.Failed() {
		t.Fatalf("rebuild: %v %v", again.Err, again.Diagnostics)
	}
	// Every generated file and the static file; not the marker.
	if got, all := again.Stats.Reused, again.Stats.Files+1; got != all {
		t.Errorf("unchanged rebuild reused %d files, want all %d", got, all)
	}
	if got := treeDigest(t, out); got != want {
		t.Errorf("unchanged rebuild changed the output:\n%s", diffLines(want, got))
	}
	if after, err := os.Stat(page); err != nil || !os.SameFile(before, after) {
		t.Errorf("%s was written again instead of reused (%v)", page, err)
	}

	// Editing r2's body changes its page only (titles and dates, which
	// other pages show, stay the same).
	writeFiles(t, src, map[string]string{
		"content/dialogues/d/r2.md": "---\ntitle: R2\ndate: 2024-02-01\nround: 2\nparticipants: [Bo]\n---\nSecond, edited.\n",
	})
	edited := Build(Options{Source: src, Out: out})
	if edited.Failed() {
		t.Fatalf("edited rebuild: %v %v", edited.Err, edited.Diagnostics)
	}
	written := edited.Stats.Files + 1 - edited.Stats.Reused
	t.Logf("after the edit: %d of %d files written", written, edited.Stats.Files+1)
	if written < 1 || written >= edited.Stats.Files/2 {
		t.Errorf("after editing one body, %d of %d files were written; want a few", written, edited.Stats.Files+1)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "dialogues", "d", "r2", "index.html")); !strings.Contains(string(data), "Second, edited.") {
		t.Errorf("r2's page does not show the edit")
	}
	if after, err := os.Stat(page); err != nil || !os.SameFile(before, after) {
		t.Errorf("r1's page was written again after an edit of r2 (%v)", err)
	}
}

// TestUnchangedRebuildKeepsEverything: a build whose inputs are those of
// the build that made the output keeps every file without making any,
// reports the same diagnostics (warnings included) and publishes the same
// bytes; with --strict its warnings fail it as they would have.
func TestUnchangedRebuildKeepsEverything(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "site")
	writeFiles(t, src, map[string]string{
		"config.yaml":                   "title: T\nbase_url: https://example.org/\n",
		"content/dialogues/d/_index.md": "---\ntitle: D\n---\n",
		// Round 2 dated before round 1: a warning.
		"content/dialogues/d/r1.md": "---\ntitle: R1\ndate: 2024-03-01\nround: 1\nparticipants: [Ann]\n---\nFirst.\n",
		"content/dialogues/d/r2.md": "---\ntitle: R2\ndate: 2024-02-01\nround: 2\nparticipants: [Bo]\n---\nSecond.\n",
		"static/a.txt":              "static file",
	})
	out := filepath.Join(root, "public")
	first := Build(Options{Source: src, Out: out})
	if first.Failed() || len(first.Diagnostics) == 0 {
		t.Fatalf("first build: %v %v (want warnings only)", first.Err, first.Diagnostics)
	}
	want := treeDigest(t, out)
	again := Build(Options{Source: src, Out: out})
	if again.Failed() {
		t.Fatalf("rebuild: %v %v", again.Err, again.Diagnostics)
	}
	if again.Stats.Kept != first.Stats.Files || again.Stats.Files != first.Stats.Files || again.Stats.Bytes != first.Stats.Bytes {
		t.Errorf("rebuild kept %d of %d files (%d bytes); first build made %d (%d bytes)",
			again.Stats.Kept, again.Stats.Files, again.Stats.Bytes, first.Stats.Files, first.Stats.Bytes)
	}
	if g, w := fmt.Sprint(again.Diagnostics), fmt.Sprint(first.Diagnostics); g != w {
		t.Errorf("diagnostics differ:\n%s\nwant\n%s", g, w)
	}
	if got := treeDigest(t, out); got != want {
		t.Errorf("unchanged rebuild changed the output:\n%s", diffLines(want, got))
	}
	if strict := Build(Options{Source: src, Out: out, Strict: true}); !strict.Failed() {
		t.Error("--strict with the same warnings succeeded")
	}
	if got := treeDigest(t, out); got != want {
		t.Error("a failed --strict rebuild changed the output")
	}
	// A hand-edited output file is never kept: it is made again.
	page := filepath.Join(out, "dialogues", "d", "r1", "index.html")
	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	fixed := Build(Options{Source: src, Out: out})
	if fixed.Failed() || fixed.Stats.Kept == fixed.Stats.Files {
		t.Errorf("after tampering: failed %v, kept %d of %d", fixed.Failed(), fixed.Stats.Kept, fixed.Stats.Files)
	}
	if got := treeDigest(t, out); got != want {
		t.Errorf("the tampered file was not made again:\n%s", diffLines(want, got))
	}
}
