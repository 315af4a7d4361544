package build

import (
	"bytes"
	"runtime"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/diag"
	"briefings/generator/internal/sitetest"
)

// repoSite is the repository's own site in memory, without layouts/.
func repoSite(t testing.TB) fstest.MapFS { return sitetest.RepoSite(t) }

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

// checkInternalLinks asserts that every internal link of a build resolves
// (sitetest.CheckInternalLinks) and that the checker saw the site.
func checkInternalLinks(t *testing.T, out map[string][]byte, basePath string) {
	t.Helper()
	if links := sitetest.CheckInternalLinks(t, out, basePath); links < 50 {
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
