package publish

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// treeHash describes every entry under dir (path, type, permissions, content
// or link target) so two calls compare equal only for byte-identical trees.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v", filepath.ToSlash(rel), fi.Mode())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			fmt.Fprintf(&b, " -> %s", target)
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// names lists the entries of dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// files lists the regular files under dir as slash paths, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func mkfile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// publishAll writes pages (in sorted order) and commits.
func publishAll(t *testing.T, opts Options, pages map[string]string) error {
	t.Helper()
	st, err := Begin(opts)
	if err != nil {
		return err
	}
	defer st.Abort()
	keys := make([]string, 0, len(pages))
	for k := range pages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := st.Write(k, []byte(pages[k])); err != nil {
			return err
		}
	}
	return st.Commit()
}

// newSite makes <root>/site with content/, layouts/ and static/ and returns
// root and the site folder.
func newSite(t *testing.T) (root, src string) {
	t.Helper()
	root = t.TempDir()
	src = filepath.Join(root, "site")
	mkfile(t, filepath.Join(src, "content", "dialogues", "x", "_index.md"), "---\ntitle: X\n---\n")
	mkfile(t, filepath.Join(src, "layouts", "base.html"), "<html></html>")
	mkfile(t, filepath.Join(src, "static", "site.css"), "body{}")
	mkfile(t, filepath.Join(src, "config.yaml"), "title: t\n")
	return root, src
}

func TestCheckOutRefuses(t *testing.T) {
	// Not parallel: cases change HOME and the working folder.
	tests := []struct {
		name  string
		setup func(t *testing.T, root, src string) (out, source string)
		want  string
	}{
		{"empty", func(t *testing.T, root, src string) (string, string) { return "", src }, "no output folder given"},
		{"tilde", func(t *testing.T, root, src string) (string, string) { return "~", src }, `"~" is not expanded`},
		{"tilde path", func(t *testing.T, root, src string) (string, string) { return "~/public", src }, `"~" is not expanded`},
		{"filesystem root", func(t *testing.T, root, src string) (string, string) { return "/", src }, "filesystem root"},
		{"home", func(t *testing.T, root, src string) (string, string) {
			home := filepath.Join(root, "home")
			mkfile(t, filepath.Join(home, MarkerName), "x")
			t.Setenv("HOME", home)
			return home, src
		}, "it is the home folder"},
		{"dot", func(t *testing.T, root, src string) (string, string) {
			d := filepath.Join(root, "cwd")
			mkfile(t, filepath.Join(d, MarkerName), "x")
			t.Chdir(d)
			return ".", src
		}, "it is the current folder"},
		{"dot dot is the source", func(t *testing.T, root, src string) (string, string) {
			t.Chdir(filepath.Join(src, "content"))
			return "..", src
		}, "it is the source folder"},
		{"source itself", func(t *testing.T, root, src string) (string, string) { return src, src }, "it is the source folder"},
		{"source with trailing slash", func(t *testing.T, root, src string) (string, string) { return src + "/", src }, "it is the source folder"},
		{"source through a symlinked parent", func(t *testing.T, root, src string) (string, string) {
			if err := os.Symlink(root, filepath.Join(root, "alias")); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(root, "alias", "site"), src
		}, "it is the source folder"},
		{"parent of source", func(t *testing.T, root, src string) (string, string) { return root, src }, "it contains the source folder"},
		{"grandparent of source", func(t *testing.T, root, src string) (string, string) { return filepath.Dir(root), src }, "it contains the source folder"},
		{"relative parent of source", func(t *testing.T, root, src string) (string, string) {
			t.Chdir(src)
			return "..", src
		}, "it contains the source folder"},
		{"content itself", func(t *testing.T, root, src string) (string, string) { return filepath.Join(src, "content"), src }, "inside the source's content/ folder"},
		{"inside content", func(t *testing.T, root, src string) (string, string) {
			return filepath.Join(src, "content", "public"), src
		}, "inside the source's content/ folder"},
		{"inside layouts", func(t *testing.T, root, src string) (string, string) {
			return filepath.Join(src, "layouts", "out"), src
		}, "inside the source's layouts/ folder"},
		{"inside static", func(t *testing.T, root, src string) (string, string) {
			return filepath.Join(src, "static", "a", "b"), src
		}, "inside the source's static/ folder"},
		{"contains content", func(t *testing.T, root, src string) (string, string) {
			o := filepath.Join(root, "other")
			mkfile(t, filepath.Join(o, MarkerName), "x")
			mkfile(t, filepath.Join(o, "content", "a.md"), "x")
			return o, src
		}, "it contains content"},
		{"contains .git", func(t *testing.T, root, src string) (string, string) {
			o := filepath.Join(root, "repo")
			mkfile(t, filepath.Join(o, MarkerName), "x")
			mkfile(t, filepath.Join(o, ".git", "HEAD"), "ref: x")
			return o, src
		}, "it contains .git"},
		{"non-empty without marker", func(t *testing.T, root, src string) (string, string) {
			o := filepath.Join(root, "docs")
			mkfile(t, filepath.Join(o, "thesis.tex"), "precious")
			return o, src
		}, "has no .briefings-output marker"},
		{"marker is a folder", func(t *testing.T, root, src string) (string, string) {
			o := filepath.Join(root, "docs")
			mkfile(t, filepath.Join(o, MarkerName, "x"), "precious")
			return o, src
		}, "has no .briefings-output marker"},
		{"symlink to our output", func(t *testing.T, root, src string) (string, string) {
			real := filepath.Join(root, "real")
			mkfile(t, filepath.Join(real, MarkerName), "x")
			link := filepath.Join(src, "public")
			if err := os.Symlink(real, link); err != nil {
				t.Fatal(err)
			}
			return link, src
		}, "it is a symlink"},
		{"dangling symlink", func(t *testing.T, root, src string) (string, string) {
			link := filepath.Join(src, "public")
			if err := os.Symlink(filepath.Join(root, "nowhere"), link); err != nil {
				t.Fatal(err)
			}
			return link, src
		}, "it is a symlink"},
		{"regular file", func(t *testing.T, root, src string) (string, string) {
			f := filepath.Join(root, "notes.txt")
			mkfile(t, f, "precious")
			return f, src
		}, "it exists and is not a folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, src := newSite(t)
			out, source := tc.setup(t, root, src)
			before := treeHash(t, root)
			err := CheckOut(out, source)
			if err == nil {
				t.Fatalf("CheckOut(%q) = nil, want refusal %q", out, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "refusing to replace "+out+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckOut(%q) = %q, want %q", out, err, tc.want)
			}
			// Begin refuses the same way, before creating a lock or staging folder.
			if _, err := Begin(Options{Out: out, Source: source}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Begin(%q) = %v, want refusal %q", out, err, tc.want)
			}
			if after := treeHash(t, root); after != before {
				t.Errorf("tree changed by a refused output:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

func TestCheckOutAllows(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, root, src string) string
	}{
		{"default public, missing", func(t *testing.T, root, src string) string { return filepath.Join(src, "public") }},
		{"default public, empty", func(t *testing.T, root, src string) string {
			p := filepath.Join(src, "public")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"default public, ours", func(t *testing.T, root, src string) string {
			p := filepath.Join(src, "public")
			mkfile(t, filepath.Join(p, MarkerName), "x")
			mkfile(t, filepath.Join(p, "index.html"), "x")
			return p
		}},
		{"sibling of source", func(t *testing.T, root, src string) string { return filepath.Join(root, "site-out") }},
		{"relative", func(t *testing.T, root, src string) string {
			t.Chdir(src)
			return "public"
		}},
		{"name sharing a prefix with the source", func(t *testing.T, root, src string) string { return src + "-public" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, src := newSite(t)
			if err := CheckOut(tc.setup(t, root, src), src); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestWriteRejectsBadPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rel, want string
	}{
		{"", "empty"},
		{".", `"." component`},
		{"..", `starting with ".."`},
		{"../x", `starting with ".."`},
		{"a/../../x", `starting with ".."`},
		{"a/..", `starting with ".."`},
		{"..hidden/x", `starting with ".."`},
		{"/etc/x", "absolute"},
		{`a\b`, "backslash"},
		{`..\x`, "backslash"},
		{"a/./b", `"." component`},
		{"./a", `"." component`},
		{"a//b", "not clean"},
		{"a/", "not clean"},
		{"a\x00b", "control character U+0000"},
		{"a\nb", "control character U+000A"},
		{"a\x7fb", "control character U+007F"},
		{"a\x85b", "not valid UTF-8"},
		{"a\u0085b", "control character U+0085"},
		{strings.Repeat("x", 256), "longer than 255 bytes"},
		{MarkerName, "reserved for the output marker"},
		{".Briefings-Output/x", "reserved for the output marker"},
	}
	root := t.TempDir()
	st, err := Begin(Options{Out: filepath.Join(root, "public")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	for _, tc := range tests {
		err := st.Write(tc.rel, []byte("x"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Write(%q) = %v, want error containing %q", tc.rel, err, tc.want)
		}
	}
	if got := files(t, st.Dir()); len(got) != 0 {
		t.Errorf("refused writes left files in the stage: %q", got)
	}
	// Refusals are sticky: the build cannot be committed.
	if err := st.Commit(); err == nil || !strings.Contains(err.Error(), "not replacing") {
		t.Errorf("Commit after refused writes = %v, want refusal", err)
	}
	if slices.Contains(names(t, root), "public") {
		t.Error("Commit created the output despite refused writes")
	}
}

func TestWriteAcceptsOrdinaryPaths(t *testing.T) {
	t.Parallel()
	for _, rel := range []string{"index.html", "dialogues/x/index.html", "참여자/김/index.html", ".well-known/security.txt", "a..b/c", "a.b"} {
		if err := CheckRel(rel); err != nil {
			t.Errorf("CheckRel(%q) = %v, want nil", rel, err)
		}
	}
}

func TestWriteCollisions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		writes []string // all but the last succeed
		want   []string // substrings of the last write's error
	}{
		{"same path twice", []string{"feed.xml", "feed.xml"}, []string{"path collision: feed.xml written twice"}},
		{"case", []string{"dialogues/Seoul.html", "dialogues/seoul.html"}, []string{"dialogues/Seoul.html", "dialogues/seoul.html", "letter case"}},
		{"NFC vs NFD", []string{"caf\u00e9/index.html", "cafe\u0301/index.html"}, []string{"caf\u00e9/index.html", "cafe\u0301/index.html", "normalisation"}},
		{"folder case", []string{"Dialogues/a.html", "dialogues/b.html"}, []string{"Dialogues/a.html", "dialogues/b.html"}},
		{"file then folder", []string{"a", "a/b.html"}, []string{"a/b.html", "written as a file by a and used as a folder by a/b.html"}},
		{"folder then file", []string{"a/b.html", "a"}, []string{"written as a file by a and used as a folder by a/b.html"}},
		{"folder then file, other case", []string{"a/b.html", "A"}, []string{"a/b.html", "A", "letter case"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, err := Begin(Options{Out: filepath.Join(t.TempDir(), "public")})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Abort()
			last := len(tc.writes) - 1
			for _, w := range tc.writes[:last] {
				if err := st.Write(w, []byte(w)); err != nil {
					t.Fatalf("Write(%q) = %v", w, err)
				}
			}
			err = st.Write(tc.writes[last], []byte("second"))
			if err == nil {
				t.Fatalf("Write(%q) = nil, want collision", tc.writes[last])
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// The first file is intact.
			data, err := os.ReadFile(filepath.Join(st.Dir(), filepath.FromSlash(tc.writes[0])))
			if err != nil || string(data) != tc.writes[0] {
				t.Errorf("first write damaged: %q, %v", data, err)
			}
		})
	}
}

// failAt returns a WriteFile that fails with ENOSPC on its n-th call, and a
// counter of calls.
func failAt(n int) (func(string, []byte, os.FileMode) error, *int) {
	var mu sync.Mutex
	calls := 0
	return func(name string, data []byte, perm os.FileMode) error {
		mu.Lock()
		calls++
		c := calls
		mu.Unlock()
		if c == n {
			// Leave a half-written file behind, as a full disk would.
			os.WriteFile(name, data[:len(data)/2], perm)
			return &fs.PathError{Op: "write", Path: name, Err: syscall.ENOSPC}
		}
		return os.WriteFile(name, data, perm)
	}, &calls
}

func TestFailureLeavesPreviousOutputIdentical(t *testing.T) {
	t.Parallel()
	oldPages := map[string]string{
		"index.html":                    "old home",
		"dialogues/a/index.html":        "old a",
		"dialogues/removed/index.html":  "removed round",
		"participants/kim/index.html":   "kim",
		"feed.xml":                      "<feed/>",
		"static/site.css":               "body{}",
		"topics/security/index.html":    "sec",
		"topics/security/page/2/x.html": "p2",
	}
	newPages := map[string]string{
		"index.html":                  "new home",
		"dialogues/a/index.html":      "new a",
		"dialogues/b/index.html":      "new b",
		"participants/kim/index.html": "kim",
		"feed.xml":                    "<feed>new</feed>",
		"static/site.css":             "body{color:red}",
	}
	total := len(newPages) + 1 // pages and the marker
	for _, plain := range []bool{false, true} {
		for n := 1; n <= total+1; n++ {
			t.Run(fmt.Sprintf("plainRename=%v/fail at write %d", plain, n), func(t *testing.T) {
				t.Parallel()
				root := t.TempDir()
				out := filepath.Join(root, "public")
				if err := publishAll(t, Options{Out: out}, oldPages); err != nil {
					t.Fatal(err)
				}
				before := treeHash(t, out)
				wf, calls := failAt(n)
				st, err := Begin(Options{Out: out, WriteFile: wf})
				if err != nil {
					t.Fatal(err)
				}
				st.plainRename = plain
				failed := writeAndCommit(t, st, newPages)
				switch {
				case n <= total && failed == nil:
					t.Fatalf("no error with a failure injected at write %d of %d (calls %d)", n, total, *calls)
				case n <= total:
					if got := treeHash(t, out); got != before {
						t.Errorf("previous output changed:\nbefore:\n%s\nafter:\n%s", before, got)
					}
				case failed != nil:
					t.Fatalf("Commit: %v", failed)
				default:
					want := append(sortedKeys(newPages), MarkerName)
					sort.Strings(want)
					if got := files(t, out); !slices.Equal(got, want) {
						t.Errorf("files after Commit = %q, want %q", got, want)
					}
					for rel, content := range newPages {
						if data, _ := os.ReadFile(filepath.Join(out, rel)); string(data) != content {
							t.Errorf("%s = %q, want %q", rel, data, content)
						}
					}
				}
				if got, want := names(t, root), []string{".public.lock", "public"}; !slices.Equal(got, want) {
					t.Errorf("folder beside the output = %q, want %q (no staging or old folder)", got, want)
				}
				// The lock was released.
				st2, err := Begin(Options{Out: out})
				if err != nil {
					t.Fatalf("Begin after the failed build: %v", err)
				}
				st2.Abort()
			})
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestCommitRefusesAfterIgnoredWriteError(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	out := filepath.Join(root, "public")
	if err := publishAll(t, Options{Out: out}, map[string]string{"index.html": "old"}); err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, out)
	wf, _ := failAt(2)
	st, err := Begin(Options{Out: out, WriteFile: wf})
	if err != nil {
		t.Fatal(err)
	}
	st.Write("index.html", []byte("new"))
	st.Write("about.html", []byte("half")) // fails; the caller "forgets" to check
	if err := st.Commit(); err == nil || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Commit = %v, want refusal wrapping ENOSPC", err)
	}
	if got := treeHash(t, out); got != before {
		t.Errorf("previous output changed:\n%s", got)
	}
	if err := st.Write("x", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Commit = %v, want ErrClosed", err)
	}
	if err := st.Commit(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Commit = %v, want ErrClosed", err)
	}
}

func TestCommitReplacesOutput(t *testing.T) {
	t.Parallel()
	for _, plain := range []bool{false, true} {
		root := t.TempDir()
		out := filepath.Join(root, "public")
		if err := publishAll(t, Options{Out: out}, map[string]string{"old/index.html": "old", "keep.html": "v1"}); err != nil {
			t.Fatal(err)
		}
		st, err := Begin(Options{Out: out})
		if err != nil {
			t.Fatal(err)
		}
		st.plainRename = plain
		if err := st.Write("keep.html", []byte("v2")); err != nil {
			t.Fatal(err)
		}
		if err := st.Commit(); err != nil {
			t.Fatal(err)
		}
		st.Abort() // no-op after Commit
		if got, want := files(t, out), []string{MarkerName, "keep.html"}; !slices.Equal(got, want) {
			t.Errorf("plainRename=%v: files = %q, want %q", plain, got, want)
		}
		if data, _ := os.ReadFile(filepath.Join(out, MarkerName)); string(data) != markerContent {
			t.Errorf("marker = %q", data)
		}
		if fi, err := os.Stat(out); err != nil || fi.Mode().Perm()&0o700 != 0o700 {
			t.Errorf("output folder mode: %v %v", fi, err)
		}
		if got, want := names(t, root), []string{".public.lock", "public"}; !slices.Equal(got, want) {
			t.Errorf("folder beside the output = %q, want %q", got, want)
		}
	}
}

func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	out := filepath.Join(root, "public")
	st, err := Begin(Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	const workers, each = 32, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				rel := fmt.Sprintf("dialogues/d%d/r%d/index.html", i%5, w*each+i)
				if err := st.Write(rel, []byte(rel)); err != nil {
					t.Error(err)
				}
			}
			// Everyone races for the same path; exactly one wins.
			if st.Write("feed.xml", []byte("feed")) == nil {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if winners != 1 {
		t.Errorf("%d writers of feed.xml succeeded, want 1", winners)
	}
	// The losers made the stage fail, so Commit must refuse.
	if err := st.Commit(); err == nil || !strings.Contains(err.Error(), "feed.xml written twice") {
		t.Errorf("Commit = %v, want refusal naming the collision", err)
	}
	if _, err := os.Lstat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("output exists after a refused Commit: %v", err)
	}

	// Without collisions, every concurrent write arrives.
	st, err = Begin(Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				rel := fmt.Sprintf("dialogues/d%d/r%d/index.html", i%5, w*each+i)
				if err := st.Write(rel, []byte(rel)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := len(files(t, out)); got != workers*each+1 {
		t.Errorf("%d files, want %d", got, workers*each+1)
	}
}

func TestLock(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	out := filepath.Join(root, "public")
	first, err := Begin(Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(root, ".public.lock")
	if _, err := Begin(Options{Out: out}); err == nil || err.Error() != "another build holds lock "+lock {
		t.Fatalf("second Begin = %v, want lock error", err)
	}
	// A relative spelling of the same output takes the same lock.
	t.Run("same output spelled differently", func(t *testing.T) {
		if _, err := Begin(Options{Out: filepath.Join(root, ".", "x", "..", "public")}); err == nil || !strings.Contains(err.Error(), "another build holds lock") {
			t.Fatalf("Begin = %v, want lock error", err)
		}
	})
	first.Abort()
	second, err := Begin(Options{Out: out})
	if err != nil {
		t.Fatalf("Begin after Abort: %v", err)
	}
	if err := second.Write("index.html", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := second.Commit(); err != nil {
		t.Fatal(err)
	}
	third, err := Begin(Options{Out: out})
	if err != nil {
		t.Fatalf("Begin after Commit: %v", err)
	}
	third.Abort()
}

func TestLeftoversOfKilledRunsAreRemoved(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	out := filepath.Join(root, "public")
	if err := publishAll(t, Options{Out: out}, map[string]string{"index.html": "x"}); err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, out)
	mkfile(t, filepath.Join(root, ".public.staging-x", "half.html"), "half")
	mkfile(t, filepath.Join(root, ".public.old-y", "index.html"), "older")
	victim := filepath.Join(root, "victim")
	mkfile(t, filepath.Join(victim, "precious"), "x")
	if err := os.Symlink(victim, filepath.Join(root, ".public.staging-link")); err != nil {
		t.Fatal(err)
	}
	// Not ours: other outputs' leftovers and look-alike names stay.
	mkfile(t, filepath.Join(root, ".publicity.staging-z", "a"), "x")
	mkfile(t, filepath.Join(root, ".other.staging-q", "a"), "x")
	st, err := Begin(Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	want := []string{".other.staging-q", ".public.lock", filepath.Base(st.Dir()), ".publicity.staging-z", "public", "victim"}
	sort.Strings(want)
	if got := names(t, root); !slices.Equal(got, want) {
		t.Errorf("after Begin: %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(victim, "precious")); err != nil {
		t.Errorf("symlinked leftover was followed: %v", err)
	}
	if got := treeHash(t, out); got != before {
		t.Errorf("output changed by Begin")
	}
}

func TestCopyFS(t *testing.T) {
	t.Parallel()
	t.Run("symlinks and collisions are refused", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		static := filepath.Join(root, "static")
		mkfile(t, filepath.Join(static, "site.css"), "body{}")
		mkfile(t, filepath.Join(static, "feed.xml"), "<static/>")
		mkfile(t, filepath.Join(static, "img", "a.png"), "png")
		if err := os.Symlink("/etc/passwd", filepath.Join(static, "passwd")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("..", filepath.Join(static, "img", "loop")); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(root, "public")
		st, err := Begin(Options{Out: out})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Abort()
		if err := st.Write("feed.xml", []byte("<generated/>")); err != nil {
			t.Fatal(err)
		}
		err = st.CopyFS(os.DirFS(static), "")
		if err == nil {
			t.Fatal("CopyFS = nil, want errors")
		}
		for _, want := range []string{
			"passwd: is a symlink; refusing to follow it",
			"img/loop: is a symlink",
			"path collision: feed.xml written twice",
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("CopyFS error %q does not contain %q", err, want)
			}
		}
		if got, want := files(t, st.Dir()), []string{"feed.xml", "img/a.png", "site.css"}; !slices.Equal(got, want) {
			t.Errorf("stage files = %q, want %q", got, want)
		}
		if data, _ := os.ReadFile(filepath.Join(st.Dir(), "feed.xml")); string(data) != "<generated/>" {
			t.Errorf("generated feed.xml overwritten: %q", data)
		}
		if err := st.Commit(); err == nil {
			t.Error("Commit after CopyFS errors = nil, want refusal")
		}
	})
	t.Run("clean copy under a prefix", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		static := filepath.Join(root, "static")
		mkfile(t, filepath.Join(static, "site.css"), "body{}")
		mkfile(t, filepath.Join(static, "fonts", "a.woff2"), "font")
		out := filepath.Join(root, "public")
		st, err := Begin(Options{Out: out})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CopyFS(os.DirFS(static), "assets"); err != nil {
			t.Fatal(err)
		}
		if err := st.Commit(); err != nil {
			t.Fatal(err)
		}
		if got, want := files(t, out), []string{MarkerName, "assets/fonts/a.woff2", "assets/site.css"}; !slices.Equal(got, want) {
			t.Errorf("files = %q, want %q", got, want)
		}
	})
	t.Run("case collision with a generated page", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		static := filepath.Join(root, "static")
		mkfile(t, filepath.Join(static, "Dialogues", "index.html"), "static")
		st, err := Begin(Options{Out: filepath.Join(root, "public")})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Abort()
		st.Write("dialogues/index.html", []byte("generated"))
		if err := st.CopyFS(os.DirFS(static), ""); err == nil || !strings.Contains(err.Error(), "dialogues/index.html and Dialogues/index.html") {
			t.Errorf("CopyFS = %v, want a collision naming both paths", err)
		}
	})
}

// randomRel builds a path from pieces that include every hostile ingredient.
func randomRel(r *rand.Rand) string {
	pieces := []string{"a", "B", "b", "x.html", "\u00e9", "e\u0301", "참", ".", "..", "...", "/", "/", "/", `\`, "\x00", " ", "-", ".git", "~", ":", "index.html"}
	var b strings.Builder
	for range 1 + r.IntN(8) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// TestPropertyEverythingStaysUnderOut: for random sets of paths, whatever
// Write accepts ends up under Out after Commit, nothing else appears beside
// Out but its lock, and a stage with any refused path publishes nothing.
func TestPropertyEverythingStaysUnderOut(t *testing.T) {
	t.Parallel()
	for seed := range uint64(60) {
		r := rand.New(rand.NewPCG(seed, 42))
		root := t.TempDir()
		parent := filepath.Join(root, "parent")
		mkfile(t, filepath.Join(root, "outside", "x"), "x")
		if err := os.Mkdir(parent, 0o755); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(parent, "public")

		// Round 1: everything, hostile included. Commit must refuse if any
		// path was refused.
		st, err := Begin(Options{Out: out})
		if err != nil {
			t.Fatal(err)
		}
		var accepted []string
		refused := 0
		for range 1 + r.IntN(40) {
			rel := randomRel(r)
			if st.Write(rel, []byte(rel)) == nil {
				accepted = append(accepted, rel)
			} else {
				refused++
			}
		}
		err = st.Commit()
		if refused > 0 {
			if err == nil {
				t.Fatalf("seed %d: Commit succeeded after %d refused writes", seed, refused)
			}
			if got := names(t, parent); !slices.Equal(got, []string{".public.lock"}) {
				t.Fatalf("seed %d: a refused build left %q beside out", seed, got)
			}
			// Round 2: only the accepted paths.
			st, err = Begin(Options{Out: out})
			if err != nil {
				t.Fatal(err)
			}
			for _, rel := range accepted {
				if err := st.Write(rel, []byte(rel)); err != nil {
					t.Fatalf("seed %d: %q accepted once, refused now: %v", seed, rel, err)
				}
			}
			err = st.Commit()
		}
		if err != nil {
			t.Fatalf("seed %d: Commit: %v", seed, err)
		}
		want := append(slices.Clone(accepted), MarkerName)
		for i := range want {
			want[i] = filepath.ToSlash(want[i])
		}
		sort.Strings(want)
		if got := files(t, out); !slices.Equal(got, want) {
			t.Fatalf("seed %d: files under out = %q, want %q", seed, got, want)
		}
		for _, rel := range accepted {
			data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
			if err != nil || string(data) != rel {
				t.Fatalf("seed %d: %q = %q, %v", seed, rel, data, err)
			}
		}
		if got := names(t, parent); !slices.Equal(got, []string{".public.lock", "public"}) {
			t.Fatalf("seed %d: beside out: %q", seed, got)
		}
		if got := names(t, root); !slices.Equal(got, []string{"outside", "parent"}) {
			t.Fatalf("seed %d: in root: %q", seed, got)
		}
		if got := files(t, filepath.Join(root, "outside")); !slices.Equal(got, []string{"x"}) {
			t.Fatalf("seed %d: outside changed: %q", seed, got)
		}
	}
}

func FuzzCheckRel(f *testing.F) {
	for _, s := range []string{"index.html", "a/b/c", "../x", "a/../../x", "/etc/x", `a\b`, "", ".", "a/./b", "a\x00b", "...", "a..b", "é/e\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		if CheckRel(rel) != nil {
			return
		}
		root := filepath.FromSlash("/srv/out")
		full := filepath.Join(root, filepath.FromSlash(rel))
		r, err := filepath.Rel(root, full)
		if err != nil || !filepath.IsLocal(r) || r != filepath.FromSlash(rel) {
			t.Fatalf("accepted %q escapes or changes: %q %v", rel, r, err)
		}
	})
}

// TestKilledBuildReleasesLock runs a build in a child process, kills it with
// SIGKILL mid-build, and checks that the lock is free, the previous output
// is byte-identical and the next Begin removes the child's staging folder.
func TestKilledBuildReleasesLock(t *testing.T) {
	if out := os.Getenv("PUBLISH_TEST_CHILD_OUT"); out != "" {
		st, err := Begin(Options{Out: out})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		st.Write("half/index.html", []byte("half"))
		fmt.Println("ready")
		time.Sleep(time.Minute)
		os.Exit(2)
	}
	// Not parallel: while a child is between fork and exec it holds copies
	// of every descriptor, including other tests' flocks, for a moment.
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	root := t.TempDir()
	out := filepath.Join(root, "public")
	if err := publishAll(t, Options{Out: out}, map[string]string{"index.html": "good"}); err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, out)
	cmd := exec.Command(exe, "-test.run=^TestKilledBuildReleasesLock$")
	cmd.Env = append(os.Environ(), "PUBLISH_TEST_CHILD_OUT="+out)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q", line)
	}
	if _, err := Begin(Options{Out: out}); err == nil || !strings.Contains(err.Error(), "another build holds lock") {
		t.Errorf("Begin while the child builds = %v, want lock error", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if got := len(names(t, root)); got != 3 {
		t.Errorf("want the child's staging folder left behind, got %q", names(t, root))
	}
	st, err := Begin(Options{Out: out})
	if err != nil {
		t.Fatalf("Begin after the child was killed: %v", err)
	}
	defer st.Abort()
	if got, want := names(t, root), []string{".public.lock", filepath.Base(st.Dir()), "public"}; !slices.Equal(got, want) {
		t.Errorf("after Begin: %q, want %q", got, want)
	}
	if got := treeHash(t, out); got != before {
		t.Errorf("output changed by the killed build")
	}
}

func TestRunKilledMidSwapIsRepaired(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	out := filepath.Join(root, "public")
	if err := publishAll(t, Options{Out: out}, map[string]string{"index.html": "good"}); err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, out)
	// What the rename-aside fallback leaves when killed between its renames.
	if err := os.Rename(out, filepath.Join(root, ".public.old-k")); err != nil {
		t.Fatal(err)
	}
	mkfile(t, filepath.Join(root, ".public.staging-k", "index.html"), "new")
	st, err := Begin(Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	st.Abort()
	if got := treeHash(t, out); got != before {
		t.Errorf("previous output not restored:\n%s", got)
	}
	if got, want := names(t, root), []string{".public.lock", "public"}; !slices.Equal(got, want) {
		t.Errorf("beside out: %q, want %q", got, want)
	}
}

// writeAndCommit writes pages through st in path order. On the first write
// error it aborts the stage and returns that error, which must wrap the
// injected ENOSPC; otherwise it returns Commit's result.
func writeAndCommit(t *testing.T, st *Stage, pages map[string]string) error {
	t.Helper()
	for _, rel := range sortedKeys(pages) {
		if err := st.Write(rel, []byte(pages[rel])); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("write error %v does not wrap ENOSPC", err)
			}
			st.Abort()
			return err
		}
	}
	return st.Commit()
}
