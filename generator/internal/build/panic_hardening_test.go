package build

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/render"
)

// panicFS panics when the site's content/ folder is read: a stand-in for a
// bug in a stage that has no per-file recover (reading, cross-file checks,
// linking).
// It has only Open, so every fs helper goes through it.
type panicFS struct{ m fstest.MapFS }

func (p panicFS) Open(name string) (fs.File, error) {
	if strings.HasPrefix(name, "content") {
		panic("boom in " + name)
	}
	return p.m.Open(name)
}

// TestNoPanicReachesTheUser: a panic anywhere under Check, Build or Render
// becomes an "internal" error diagnostic (checklist invariant: no panic
// reaches the user), and Build leaves the previous output alone.
func TestNoPanicReachesTheUser(t *testing.T) {
	fsys := panicFS{mapFS(small())}
	check := func(what string, res Result) {
		t.Helper()
		found := false
		for _, d := range res.Diagnostics {
			if d.Code == "internal" && strings.Contains(d.Message, "boom in content") {
				found = true
			}
		}
		if !found || !res.Failed() {
			t.Errorf("%s: no internal error diagnostic: %v %v", what, res.Err, res.Diagnostics)
		}
	}
	check("Check", Check(Options{FS: fsys}))
	check("Render", Render(Options{FS: fsys}, func(render.Output) error { return nil }))

	root := t.TempDir()
	src, out := filepath.Join(root, "site"), filepath.Join(root, "public")
	writeFiles(t, src, small())
	if res := Build(Options{Source: src, Out: out}); res.Failed() {
		t.Fatalf("first build: %v %v", res.Err, res.Diagnostics)
	}
	before := treeDigest(t, out)
	check("Build", Build(Options{Source: src, Out: out, FS: fsys}))
	if treeDigest(t, out) != before {
		t.Error("a build that panicked changed the previous output")
	}
}
