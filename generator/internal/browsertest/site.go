package browsertest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/build"
	"briefings/generator/internal/render"
)

// RepoSite loads the repository's own site (config.yaml, content/ and
// static/) into memory, without layouts/, so the built-in layouts are used.
// The repository root is found by walking up from the working directory to
// go.mod.
func RepoSite(t testing.TB) fstest.MapFS {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("RepoSite: no go.mod above the working directory")
		}
		dir = parent
	}
	root := os.DirFS(dir)
	fsys := fstest.MapFS{}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(p == "config.yaml" || strings.HasPrefix(p, "content/") || strings.HasPrefix(p, "static/")) {
			return nil
		}
		b, err := fs.ReadFile(root, p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// Build renders a site folder in memory with the built-in layouts under
// baseURL (e.g. "http://localhost/briefings/": only its path matters to a
// served site) and fails the test on any error diagnostic.
func Build(t testing.TB, site fs.FS, baseURL string) Files {
	t.Helper()
	var mu sync.Mutex
	out := Files{}
	res := build.Render(build.Options{FS: site, BaseURL: baseURL}, func(o render.Output) error {
		mu.Lock()
		out[o.Path] = o.Data
		mu.Unlock()
		return nil
	})
	if res.Failed() {
		var b strings.Builder
		for _, d := range res.Diagnostics {
			b.WriteString(d.String() + "\n")
		}
		t.Fatalf("building the site failed: %v\n%s", res.Err, b.String())
	}
	return out
}
