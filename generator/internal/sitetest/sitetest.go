// Package sitetest holds helpers shared by tests that look at whole built
// sites: loading the repository's own site into memory, and checking that
// every internal link of a build resolves. It imports nothing of the
// generator, so any package's tests can use it.
package sitetest

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
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

var linkAttr = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// CheckInternalLinks asserts that every root-relative href or src in every
// HTML file of a build (paths relative to the output folder) is under
// basePath and names a file of the build, and that its fragment, if any, is
// an id on the target page. It returns how many links it checked.
func CheckInternalLinks(t testing.TB, files map[string][]byte, basePath string) int {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	links := 0
	for _, name := range names {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, m := range linkAttr.FindAllSubmatch(files[name], -1) {
			href := strings.ReplaceAll(string(m[1]), "&amp;", "&")
			if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
				continue
			}
			links++
			if !strings.HasPrefix(href, basePath) {
				t.Errorf("%s: link %q is outside the base path %s", name, href, basePath)
				continue
			}
			target, frag, _ := strings.Cut(strings.TrimPrefix(href, basePath), "#")
			target, _, _ = strings.Cut(target, "?")
			if target == "" || strings.HasSuffix(target, "/") {
				target += "index.html"
			}
			data, ok := files[path.Clean(target)]
			if !ok {
				t.Errorf("%s: broken link %q", name, href)
				continue
			}
			if frag != "" && !bytes.Contains(data, []byte(`id="`+frag+`"`)) {
				t.Errorf("%s: link %q: no id %q in %s", name, href, frag, target)
			}
		}
	}
	return links
}
