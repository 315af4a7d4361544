package source

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/diag"
)

func write(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}

// newSite makes <root>/site (a small valid site) and <root>/outside, a
// folder that must never be read, holding a file with the word SECRET.
func newSite(t *testing.T) (root, site string) {
	root = t.TempDir()
	site = filepath.Join(root, "site")
	write(t, filepath.Join(site, "config.yaml"), "title: T\nbase_url: https://example.org/\n")
	write(t, filepath.Join(site, "content", "dialogues", "d", "_index.md"), "---\ntitle: D\n---\n")
	write(t, filepath.Join(site, "static", "site.css"), "body{}")
	write(t, filepath.Join(site, "layouts", "round.html"), `{{define "main"}}x{{end}}`)
	out := filepath.Join(root, "outside")
	write(t, filepath.Join(out, "secret.md"), "---\ntitle: SECRET\n---\nSECRET\n")
	write(t, filepath.Join(out, "config.yaml"), "title: SECRET\nbase_url: https://example.org/\n")
	write(t, filepath.Join(out, "dialogues", "x", "_index.md"), "---\ntitle: SECRET\n---\n")
	return root, site
}

func diagText(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String() + " [" + d.Code + "]\n")
	}
	return b.String()
}

// readSecret reports whether anything Read returned came from outside.
func readSecret(t *testing.T, s *Site) bool {
	t.Helper()
	if strings.Contains(string(s.Config), "SECRET") {
		return true
	}
	for _, f := range s.Content {
		if strings.Contains(string(f.Data), "SECRET") {
			return true
		}
	}
	for _, sub := range []fs.FS{s.Static, s.Layouts} {
		if sub == nil {
			continue
		}
		found := false
		fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
			// Consumers (render.Load, publish.CopyFS) refuse symlinks
			// found in a walk, as Read does; only regular files are read.
			if err == nil && d.Type().IsRegular() {
				if b, _ := fs.ReadFile(sub, p); strings.Contains(string(b), "SECRET") {
					found = true
				}
			}
			return nil
		})
		if found {
			return true
		}
	}
	return false
}

// TestSymlinksAreNeverFollowed covers checklist item 24 with real
// symlinks: every link inside the site, including the top-level folders
// themselves and loops, is an error naming the link, and nothing outside
// the site root is read.
func TestSymlinksAreNeverFollowed(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, root, site string)
		link  string // the path the error must name
	}{
		{"static file to /etc/passwd", func(t *testing.T, root, site string) {
			symlink(t, "/etc/passwd", filepath.Join(site, "static", "passwd"))
		}, "static/passwd"},
		{"dialogue folder to the filesystem root", func(t *testing.T, root, site string) {
			symlink(t, "../../..", filepath.Join(site, "content", "dialogues", "x"))
		}, "content/dialogues/x"},
		{"content file outside", func(t *testing.T, root, site string) {
			symlink(t, filepath.Join(root, "outside", "secret.md"), filepath.Join(site, "content", "about.md"))
		}, "content/about.md"},
		{"loop to itself", func(t *testing.T, root, site string) {
			symlink(t, "loop", filepath.Join(site, "content", "loop"))
		}, "content/loop"},
		{"two-link loop", func(t *testing.T, root, site string) {
			symlink(t, "b", filepath.Join(site, "content", "dialogues", "a"))
			symlink(t, "a", filepath.Join(site, "content", "dialogues", "b"))
		}, "content/dialogues/a"},
		{"loop to an ancestor", func(t *testing.T, root, site string) {
			symlink(t, "..", filepath.Join(site, "content", "dialogues", "d", "up"))
		}, "content/dialogues/d/up"},
		{"content folder itself", func(t *testing.T, root, site string) {
			os.RemoveAll(filepath.Join(site, "content"))
			symlink(t, "../outside", filepath.Join(site, "content"))
		}, "content"},
		{"static folder itself", func(t *testing.T, root, site string) {
			os.RemoveAll(filepath.Join(site, "static"))
			symlink(t, "../outside", filepath.Join(site, "static"))
		}, "static"},
		{"layouts folder itself", func(t *testing.T, root, site string) {
			os.RemoveAll(filepath.Join(site, "layouts"))
			symlink(t, "../outside", filepath.Join(site, "layouts"))
		}, "layouts"},
		{"layout file", func(t *testing.T, root, site string) {
			symlink(t, filepath.Join(root, "outside", "secret.md"), filepath.Join(site, "layouts", "base.html"))
		}, "layouts/base.html"},
		{"config.yaml", func(t *testing.T, root, site string) {
			os.Remove(filepath.Join(site, "config.yaml"))
			symlink(t, "../outside/config.yaml", filepath.Join(site, "config.yaml"))
		}, "config.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, site := newSite(t)
			tt.setup(t, root, site)
			s, ds := Read(os.DirFS(site), 0, nil)
			found := false
			for _, d := range ds {
				if d.Code == "symlink" && d.Pos.File == tt.link && d.Severity == diag.Error {
					found = true
				}
			}
			if !found {
				t.Errorf("no symlink error naming %s:\n%s", tt.link, diagText(ds))
			}
			if readSecret(t, s) {
				t.Error("a file outside the site root was read")
			}
		})
	}
}

// TestEditorLockSymlinkIgnored: emacs writes ".#round-2.md" as a dangling
// symlink while a file is being edited; it is a temp file, not an error.
func TestEditorLockSymlinkIgnored(t *testing.T) {
	_, site := newSite(t)
	symlink(t, "user@host.1234:1700000000", filepath.Join(site, "content", "dialogues", "d", ".#round-2.md"))
	symlink(t, "/nowhere", filepath.Join(site, "static", "#x#"))
	if _, ds := Read(os.DirFS(site), 0, nil); len(ds) != 0 {
		t.Errorf("diagnostics for editor lock files:\n%s", diagText(ds))
	}
}

// faultFS injects errors into a MapFS: open of a listed path fails with
// its error, as a chmod 000 file would (tests run as root, so chmod cannot
// simulate it) or a file deleted between the directory walk and the read.
type faultFS struct {
	fstest.MapFS
	open    map[string]error // Open fails
	readDir map[string]error // ReadDir fails
}

func (f faultFS) Open(name string) (fs.File, error) {
	if err := f.open[name]; err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f.MapFS.Open(name)
}

func (f faultFS) ReadFile(name string) ([]byte, error) {
	if err := f.open[name]; err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f.MapFS.ReadFile(name)
}

func (f faultFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.readDir[name]; err != nil {
		return nil, &fs.PathError{Op: "readdirent", Path: name, Err: err}
	}
	return f.MapFS.ReadDir(name)
}

func baseMap() fstest.MapFS {
	return fstest.MapFS{
		"config.yaml":                   {Data: []byte("title: T\nbase_url: https://example.org/\n")},
		"content/dialogues/d/_index.md": {Data: []byte("---\ntitle: D\n---\n")},
		"content/dialogues/d/r1.md":     {Data: []byte("---\ntitle: R\n---\n")},
		"content/dialogues/d/r2.md":     {Data: []byte("---\ntitle: R2\n---\n")},
		"content/about.md":              {Data: []byte("---\ntitle: A\n---\n")},
		"static/a.css":                  {Data: []byte("x")},
	}
}

// TestFaultsNameTheFile covers checklist item 25: an unreadable file, a
// file deleted between walk and read, an unreadable folder and a folder
// where a file is expected are each an error naming the path; the other
// files are still read.
func TestFaultsNameTheFile(t *testing.T) {
	tests := []struct {
		name string
		fsys fs.FS
		file string
		msg  string
	}{
		{"permission denied (chmod 000)", faultFS{MapFS: baseMap(), open: map[string]error{"content/dialogues/d/r2.md": fs.ErrPermission}},
			"content/dialogues/d/r2.md", "permission denied"},
		{"EACCES from the OS", faultFS{MapFS: baseMap(), open: map[string]error{"content/dialogues/d/r2.md": syscall.EACCES}},
			"content/dialogues/d/r2.md", "permission denied"},
		{"deleted between walk and read", faultFS{MapFS: baseMap(), open: map[string]error{"content/dialogues/d/r2.md": fs.ErrNotExist}},
			"content/dialogues/d/r2.md", "file does not exist"},
		{"unreadable folder", faultFS{MapFS: baseMap(), readDir: map[string]error{"content/dialogues/d": fs.ErrPermission}},
			"content/dialogues/d", "permission denied"},
		{"unreadable config.yaml", faultFS{MapFS: baseMap(), open: map[string]error{"config.yaml": fs.ErrPermission}},
			"config.yaml", "permission denied"},
		{"config.yaml is a folder", func() fs.FS {
			m := baseMap()
			delete(m, "config.yaml")
			m["config.yaml/x"] = &fstest.MapFile{Data: []byte("x")}
			return m
		}(), "config.yaml", "must be a regular file"},
		{"a round that is a folder", func() fs.FS {
			m := baseMap()
			m["content/dialogues/d/r3.md/index.md"] = &fstest.MapFile{Data: []byte("x")}
			return m
		}(), "content/dialogues/d/r3.md", "is a folder"},
		{"an empty folder named like a round", func() fs.FS {
			m := baseMap()
			m["content/dialogues/d/r3.md"] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
			return m
		}(), "content/dialogues/d/r3.md", "is a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ds := Read(tt.fsys, 0, nil)
			var hit *diag.Diagnostic
			for i, d := range ds {
				if d.Pos.File == tt.file && d.Severity == diag.Error && strings.Contains(d.Message, tt.msg) {
					hit = &ds[i]
				}
			}
			if hit == nil {
				t.Fatalf("no error naming %s with %q:\n%s", tt.file, tt.msg, diagText(ds))
			}
			if !strings.Contains(tt.file, "config") {
				if len(s.Content) == 0 {
					t.Error("one fault stopped the whole read")
				}
			}
		})
	}
}

// TestOversizedFileNotRead: a content file over the bound is reported
// without being read (checklist 12, the source-side half).
func TestOversizedFileNotRead(t *testing.T) {
	m := baseMap()
	m["content/big.md"] = &fstest.MapFile{Data: make([]byte, 2000)}
	s, ds := Read(m, 1000, nil)
	if len(ds) != 1 || ds[0].Code != "too-large" || ds[0].Pos.File != "content/big.md" || !strings.Contains(ds[0].Message, "file exceeds 1000 bytes") {
		t.Fatalf("diagnostics:\n%s", diagText(ds))
	}
	for _, c := range s.Content {
		if c.Path == "content/big.md" {
			t.Error("oversized file was read")
		}
	}
}
