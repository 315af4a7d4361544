package build_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"briefings/generator/internal/build"
)

// TestBuildKeepProperty: after any sequence of edits, a build into the
// previous output (which keeps the files whose keys are unchanged, see
// render.Reuse) publishes exactly what a build into an empty folder does,
// manifest included, and reports the same diagnostics. The edits are the
// ones of TestSessionProperty; -prop.seeds and -prop.steps apply here too.
func TestBuildKeepProperty(t *testing.T) {
	eachSeed(t, 15, func(t *testing.T, n uint64, s *site, steps int) {
		root := t.TempDir()
		out := filepath.Join(root, "public")
		kept, made, undone := 0, 0, 0
		var history []string
		for i := range steps + 1 {
			before := maps.Clone(s.fsys)
			if i > 0 {
				_, what := s.step()
				history = append(history, fmt.Sprintf("step %d: %s", i, strings.Join(what, "; ")))
			}
			fresh := filepath.Join(root, fmt.Sprintf("fresh-%d", i))
			inc := build.Build(build.Options{FS: s.fsys, Out: out, VerifyKeys: true})
			clean := build.Build(build.Options{FS: s.fsys, Out: fresh, VerifyKeys: true})
			fail := func(format string, args ...any) {
				t.Fatalf("seed %d, after\n%s\n%s", n, strings.Join(history, "\n"), fmt.Sprintf(format, args...))
			}
			if inc.Err != nil || clean.Err != nil {
				fail("build errors: %v / %v", inc.Err, clean.Err)
			}
			for _, d := range append(inc.Diagnostics, clean.Diagnostics...) {
				if d.Code == "internal" { // VerifyKeys reports a key mismatch so
					fail("internal error: %s", d)
				}
			}
			if g, w := diagText(inc.Diagnostics), diagText(clean.Diagnostics); g != w {
				fail("diagnostics differ\nkeeping build:\n%sclean build:\n%s", g, w)
			}
			if clean.Failed() {
				// Nothing was published (the publish tests cover
				// that). Undo the step, so that the site does not stay
				// broken and later steps still test keeping.
				s.fsys = before
				undone++
				history = append(history, "(undone: the build failed)")
				continue
			}
			if d := treeDiff(t, out, fresh); d != "" {
				fail("the keeping build's output differs from a clean build's:\n%s", d)
			}
			if err := os.RemoveAll(fresh); err != nil {
				t.Fatal(err)
			}
			if i > 0 {
				kept += inc.Stats.Kept
				made += inc.Stats.Files - inc.Stats.Kept
			}
		}
		t.Logf("%d files kept, %d made over %d steps (%d undone)", kept, made, steps, undone)
		if kept == 0 {
			t.Errorf("no file was ever kept: builds do not reuse their previous output")
		}
	})
}

// treeDiff lists the files that differ between two folders ("" if none).
func treeDiff(t *testing.T, a, b string) string {
	t.Helper()
	read := func(dir string) map[string][]byte {
		files := map[string][]byte{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	fa, fb := read(a), read(b)
	var out []string
	for p, da := range fa {
		db, ok := fb[p]
		switch {
		case !ok:
			out = append(out, "only in the keeping build: "+p)
		case !bytes.Equal(da, db):
			out = append(out, fmt.Sprintf("differs: %s\n--- keeping build\n%s\n--- clean build\n%s", p, clip(da), clip(db)))
		}
	}
	for p := range fb {
		if _, ok := fa[p]; !ok {
			out = append(out, "only in the clean build: "+p)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}
