package build

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

// TestSessionEqualsFullBuild applies edits to a site one by one and checks,
// after each, that the session's incremental rebuild equals a fresh full
// render of the same files, and that unchanged pages were reused.
func TestSessionEqualsFullBuild(t *testing.T) {
	fsys := loadTxtar(t, "testdata/sites/crosslinks.txtar")
	s := NewSession(Options{FS: fsys})
	snap := s.Rebuild(nil)
	compare(t, "initial", fsys, snap)

	edits := []struct {
		name string
		path string
		data string // "" deletes
	}{
		{"retitle a round", "content/dialogues/alpha/two.md", "---\ntitle: Alpha two renamed\ndate: 2021-06-01\nround: 2\nparticipants: [Kim Min-jun]\n---\nText.\n"},
		{"break front matter", "content/dialogues/alpha/two.md", "---\ntitle: [\n---\n"},
		{"fix it", "content/dialogues/alpha/two.md", "---\ntitle: Alpha two\ndate: 2021-06-01\nround: 2\nparticipants: [Kim Min-jun]\n---\n## Details\n"},
		{"alias change", "content/topics/trade-and-tariffs.md", "---\ntitle: Trade and tariffs\n---\n"},
		{"delete a round", "content/dialogues/alpha/four.md", ""},
		{"new dialogue", "content/dialogues/gamma/_index.md", "---\ntitle: Gamma\n---\n"},
		{"round in it", "content/dialogues/gamma/g1.md", "---\ntitle: G1\ndate: 2024-01-01\nround: 1\nparticipants: [Lee Ha-na]\n---\n"},
		{"edit a layout", "layouts/round.html", "{{define \"main\"}}<h1>{{.Title}}</h1>{{end}}"},
		{"draft a round", "content/dialogues/beta/first.md", "---\ntitle: Beta first\ndate: 2019-01-01\nround: 1\ndraft: true\nparticipants: [Kim Min-jun]\n---\n"},
	}
	for _, e := range edits {
		if e.data == "" {
			delete(fsys, e.path)
		} else {
			fsys[e.path] = &fstest.MapFile{Data: []byte(e.data)}
		}
		snap := s.Rebuild([]string{e.path})
		compare(t, e.name, fsys, snap)
		if e.name == "retitle a round" && snap.Reused == 0 {
			t.Errorf("%s: no page was reused", e.name)
		}
	}
}

func compare(t *testing.T, step string, fsys fstest.MapFS, snap Snapshot) {
	t.Helper()
	full, diags, res := renderFS(t, fsys, Options{})
	var got bytes.Buffer
	for _, d := range snap.Diagnostics {
		got.WriteString(d.String() + "\n")
	}
	if got.String() != diags {
		t.Errorf("%s: diagnostics differ\nincremental:\n%s\nfull:\n%s", step, got.String(), diags)
	}
	if res.Failed() != snap.Failed {
		t.Errorf("%s: failed %v, full build failed %v", step, snap.Failed, res.Failed())
	}
	if res.Failed() {
		return // a failed build's partial output is not served
	}
	for p, b := range full {
		if !bytes.Equal(b, snap.Files[p]) {
			t.Errorf("%s: %s differs from a full build", step, p)
		}
	}
	for p := range snap.Files {
		if _, ok := full[p]; !ok {
			t.Errorf("%s: %s is stale", step, p)
		}
	}
}

// TestSessionPatchesDisplayEdits: editing what linking never reads (title,
// summary, body) patches the previous archive instead of linking again,
// and the rebuild still equals a full build; an edit that moves lines (so
// positions in diagnostics could change) or the date links anew.
func TestSessionPatchesDisplayEdits(t *testing.T) {
	fsys := loadTxtar(t, "testdata/sites/crosslinks.txtar")
	s := NewSession(Options{FS: fsys})
	compare(t, "initial", fsys, s.Rebuild(nil))
	const p = "content/dialogues/alpha/two.md"
	for _, e := range []struct {
		name     string
		from, to string
		patched  int
	}{
		{"retitle", "title: Alpha two", "title: Alpha two, retitled", 1},
		{"body", "\n---\n", "\n---\nA body, edited.\n\n", 1},
		{"add a summary (lines move)", "title: Alpha two, retitled", "title: Alpha two, retitled\nsummary: A summary.", 0},
		{"edit the summary", "summary: A summary.", "summary: Another summary.", 1},
		{"redate", "date: 2021-06-01", "date: 2021-06-02", 0},
	} {
		data := string(fsys[p].Data)
		if !strings.Contains(data, e.from) {
			t.Fatalf("%s: %q not in %s", e.name, e.from, p)
		}
		fsys[p] = &fstest.MapFile{Data: []byte(strings.Replace(data, e.from, e.to, 1))}
		snap := s.Rebuild([]string{p})
		compare(t, e.name, fsys, snap)
		if snap.Patched != e.patched {
			t.Errorf("%s: %d rounds patched, want %d", e.name, snap.Patched, e.patched)
		}
	}
}
