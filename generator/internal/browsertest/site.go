package browsertest

import (
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/build"
	"briefings/generator/internal/render"
	"briefings/generator/internal/sitetest"
)

// RepoSite loads the repository's own site into memory, without layouts/
// (see sitetest.RepoSite).
func RepoSite(t testing.TB) fstest.MapFS { return sitetest.RepoSite(t) }

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
