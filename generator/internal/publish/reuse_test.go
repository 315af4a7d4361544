package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
)

// stat returns the FileInfo of p or fails the test.
func stat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func TestReuseLinksUnchangedFiles(t *testing.T) {
	t.Parallel()
	for _, plain := range []bool{false, true} {
		t.Run(fmt.Sprintf("plainRename=%v", plain), func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			out := filepath.Join(root, "public")
			old := map[string]string{
				"index.html":             "home v1",
				"same/index.html":        "unchanged page",
				"samesize/index.html":    "abcdef",
				"longer/index.html":      "short",
				"removed/index.html":     "gone in the new build",
				"deep/a/b/c/index.html":  "deep and unchanged",
				"empty.txt":              "",
				"prefix/index.html":      "prefix of the new bytes",
				"extended/index.html":    "extended",
				"assets/style.css":       "body{}",
				"assets/style-extra.css": "x",
			}
			if err := publishAll(t, Options{Out: out}, old); err != nil {
				t.Fatal(err)
			}
			before := map[string]os.FileInfo{}
			for rel := range old {
				before[rel] = stat(t, filepath.Join(out, rel))
			}
			next := map[string]string{
				"index.html":            "home v2",
				"same/index.html":       "unchanged page",
				"samesize/index.html":   "abcdeF",
				"longer/index.html":     "short, now longer",
				"deep/a/b/c/index.html": "deep and unchanged",
				"empty.txt":             "",
				"prefix/index.html":     "prefix of the new bytes and more",
				"extended/index.html":   "extende",
				"assets/style.css":      "body{}",
				"new/index.html":        "new page",
			}
			st, err := Begin(Options{Out: out, Reuse: true})
			if err != nil {
				t.Fatal(err)
			}
			st.plainRename = plain
			for _, rel := range sortedKeys(next) {
				if err := st.Write(rel, []byte(next[rel])); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := st.Reused(), 4; got != want {
				t.Errorf("Reused() = %d, want %d (same, deep, empty.txt, style.css)", got, want)
			}
			if err := st.Commit(); err != nil {
				t.Fatal(err)
			}
			want := append(sortedKeys(next), MarkerName)
			sort.Strings(want)
			if got := files(t, out); !slices.Equal(got, want) {
				t.Errorf("files = %q, want %q", got, want)
			}
			for rel, content := range next {
				p := filepath.Join(out, rel)
				if data, _ := os.ReadFile(p); string(data) != content {
					t.Errorf("%s = %q, want %q", rel, data, content)
				}
				fi := stat(t, p)
				if !fi.Mode().IsRegular() || fi.Mode().Perm() != stat(t, filepath.Join(out, MarkerName)).Mode().Perm() {
					t.Errorf("%s: mode %v, want a regular file like the marker", rel, fi.Mode())
				}
				linked := before[rel] != nil && os.SameFile(before[rel], fi)
				if wantLinked := old[rel] == content && before[rel] != nil; linked != wantLinked {
					t.Errorf("%s: same file as before = %v, want %v", rel, linked, wantLinked)
				}
			}
			if got, want := names(t, root), []string{".public.lock", "public"}; !slices.Equal(got, want) {
				t.Errorf("folder beside the output = %q, want %q", got, want)
			}
		})
	}
}

// TestReuseRefusesOddFiles plants, in a previous output, files with the new
// bytes that must still not be reused: a symlink to an identical file, a
// file with other permissions, and a file reached through a symlinked
// folder that leads out of the output.
func TestReuseRefusesOddFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	out := filepath.Join(root, "public")
	if err := publishAll(t, Options{Out: out}, map[string]string{"real/index.html": "same"}); err != nil {
		t.Fatal(err)
	}
	mkfile(t, filepath.Join(root, "outside", "index.html"), "same")
	if err := os.Symlink("../outside", filepath.Join(out, "escape")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	mkfile(t, filepath.Join(out, "link-target.html"), "same")
	if err := os.Symlink("link-target.html", filepath.Join(out, "link.html")); err != nil {
		t.Fatal(err)
	}
	mkfile(t, filepath.Join(out, "private.html"), "same")
	if err := os.Chmod(filepath.Join(out, "private.html"), 0o600); err != nil {
		t.Fatal(err)
	}
	outside := stat(t, filepath.Join(root, "outside", "index.html"))
	target := stat(t, filepath.Join(out, "link-target.html"))
	private := stat(t, filepath.Join(out, "private.html"))

	st, err := Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"escape/index.html", "link.html", "private.html", "real/index.html"} {
		if err := st.Write(rel, []byte("same")); err != nil {
			t.Fatal(err)
		}
	}
	if got := st.Reused(); got != 1 {
		t.Errorf("Reused() = %d, want 1 (only real/index.html)", got)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	for rel, not := range map[string]os.FileInfo{"escape/index.html": outside, "link.html": target, "private.html": private} {
		fi := stat(t, filepath.Join(out, rel))
		if !fi.Mode().IsRegular() || os.SameFile(fi, not) || fi.Mode().Perm()&0o044 == 0 {
			t.Errorf("%s: %v, same file as the planted one: %v; want a freshly written file", rel, fi.Mode(), os.SameFile(fi, not))
		}
	}
	if data, _ := os.ReadFile(filepath.Join(root, "outside", "index.html")); string(data) != "same" {
		t.Errorf("file outside the output changed: %q", data)
	}
}

// TestReuseFailureLeavesPreviousOutputIdentical repeats the fault test with
// reuse on: some files are hard links to the previous output's files when a
// write fails, and the previous output must still be byte-identical.
func TestReuseFailureLeavesPreviousOutputIdentical(t *testing.T) {
	t.Parallel()
	oldPages := map[string]string{
		"index.html":                  "old home",
		"dialogues/a/index.html":      "a, unchanged",
		"dialogues/b/index.html":      "old b",
		"participants/kim/index.html": "kim, unchanged",
		"feed.xml":                    "<feed/>",
	}
	newPages := map[string]string{
		"index.html":                  "new home",
		"dialogues/a/index.html":      "a, unchanged",
		"dialogues/b/index.html":      "new b",
		"participants/kim/index.html": "kim, unchanged",
		"feed.xml":                    "<feed>new</feed>",
	}
	writes := 3 + 1 // changed pages and the marker; two pages are reused
	for _, plain := range []bool{false, true} {
		for n := 1; n <= writes+1; n++ {
			t.Run(fmt.Sprintf("plainRename=%v/fail at write %d", plain, n), func(t *testing.T) {
				t.Parallel()
				root := t.TempDir()
				out := filepath.Join(root, "public")
				if err := publishAll(t, Options{Out: out}, oldPages); err != nil {
					t.Fatal(err)
				}
				before := treeHash(t, out)
				wf, calls := failAt(n)
				st, err := Begin(Options{Out: out, WriteFile: wf, Reuse: true})
				if err != nil {
					t.Fatal(err)
				}
				st.plainRename = plain
				failed := writeAndCommit(t, st, newPages)
				switch {
				case n <= writes && failed == nil:
					t.Fatalf("no error with a failure injected at write %d of %d (calls %d)", n, writes, *calls)
				case n <= writes:
					if got := treeHash(t, out); got != before {
						t.Errorf("previous output changed:\nbefore:\n%s\nafter:\n%s", before, got)
					}
				case failed != nil:
					t.Fatalf("Commit: %v", failed)
				default:
					for rel, content := range newPages {
						if data, _ := os.ReadFile(filepath.Join(out, rel)); string(data) != content {
							t.Errorf("%s = %q, want %q", rel, data, content)
						}
					}
				}
				if got, want := names(t, root), []string{".public.lock", "public"}; !slices.Equal(got, want) {
					t.Errorf("folder beside the output = %q, want %q", got, want)
				}
			})
		}
	}
}

func TestReuseWithoutPreviousOutput(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "public")
	st, err := Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Write("index.html", []byte("first")); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if st.Reused() != 0 {
		t.Errorf("Reused() = %d on a first build", st.Reused())
	}
	if data, _ := os.ReadFile(filepath.Join(out, "index.html")); string(data) != "first" {
		t.Errorf("index.html = %q", data)
	}
}
