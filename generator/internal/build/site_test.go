package build

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/diag"
)

// repoSite loads the repository's own site (config.yaml and content/) into
// memory, without layouts/, so the built-in layouts are used.
func repoSite(t testing.TB) fstest.MapFS {
	t.Helper()
	root := os.DirFS("../../..")
	fsys := fstest.MapFS{}
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
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

// TestSampleSite builds the repository's content with the built-in layouts
// under a base path and checks that every page kind exists and that every
// internal link and fragment resolves.
func TestSampleSite(t *testing.T) {
	out, diags, res := renderFS(t, repoSite(t), Options{BaseURL: "https://example.org/briefings/"})
	if diag.HasErrors(res.Diagnostics) || diags != "" {
		t.Fatalf("sample site has diagnostics:\n%s", diags)
	}
	for _, p := range []string{
		"index.html", "dialogues/index.html", "dialogues/rok-us-north-korean-human-rights/index.html",
		"dialogues/rok-us-north-korean-human-rights/second-session-washington/index.html",
		"participants/index.html", "participants/chun-young-hee/index.html", "participants/jung-pak/index.html",
		"topics/index.html", "topics/access-to-information/index.html", "archive/index.html", "about/index.html",
		"feed.xml", "sitemap.xml", "robots.txt", "404.html", "assets/style.css", "assets/syntax.css",
	} {
		if _, ok := out[p]; !ok {
			t.Errorf("missing %s", p)
		}
	}
	checkInternalLinks(t, out, "/briefings/")
}

var (
	linkAttr = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
)

// checkInternalLinks asserts that every root-relative link in every HTML
// file is under basePath and names an output file, and that its fragment,
// if any, is an id on the target page.
func checkInternalLinks(t *testing.T, out map[string][]byte, basePath string) {
	t.Helper()
	links := 0
	for _, name := range sortedKeys(out) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, m := range linkAttr.FindAllSubmatch(out[name], -1) {
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
			if target == "" || strings.HasSuffix(target, "/") {
				target += "index.html"
			}
			target = path.Clean(target)
			data, ok := out[target]
			if !ok {
				t.Errorf("%s: broken link %q", name, href)
				continue
			}
			if frag != "" && !bytes.Contains(data, []byte(`id="`+frag+`"`)) {
				t.Errorf("%s: link %q: no id %q in %s", name, href, frag, target)
			}
		}
	}
	if links < 50 {
		t.Errorf("only %d internal links checked; the checker is not seeing the site", links)
	}
}

// TestDeterministic renders the sample and the cross-link site twice, once
// on one core, and compares every byte.
func TestDeterministic(t *testing.T) {
	sites := map[string]fstest.MapFS{"repo": repoSite(t)}
	for name, fsys := range sites {
		a, _, _ := renderFS(t, fsys, Options{})
		prev := runtime.GOMAXPROCS(1)
		b, _, _ := renderFS(t, fsys, Options{})
		runtime.GOMAXPROCS(prev)
		if len(a) != len(b) {
			t.Fatalf("%s: %d files vs %d", name, len(a), len(b))
		}
		for p, data := range a {
			if !bytes.Equal(data, b[p]) {
				t.Errorf("%s: %s differs between builds", name, p)
			}
		}
	}
}
