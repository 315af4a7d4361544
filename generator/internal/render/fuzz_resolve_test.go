package render

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// FuzzResolve fuzzes the link resolver of Markdown bodies (site-root and
// relative links): a destination it rewrites always becomes a path under
// the base path that stays there after cleaning (no "..", backslash or
// control character lets it climb out), and one it does not rewrite
// (external, fragment, other relative links, or a reported problem) is
// returned unchanged. Seeded from the link destinations of content/ and
// the path attacks of the checklist.
func FuzzResolve(f *testing.F) {
	dest := regexp.MustCompile(`\]\(([^)\s]*)`)
	for _, p := range append(globAll(f, "../../../content"), globAll(f, "../build/testdata/sites")...) {
		if b, err := os.ReadFile(p); err == nil {
			for _, m := range dest.FindAllStringSubmatch(string(b), -1) {
				f.Add(m[1], "content/dialogues/d/r1.md")
			}
		}
	}
	for _, s := range []string{
		"/about/", "/archive", "/docs/x.pdf", "r2.md", "../e/r1.md#x", "../../topics/t.md#history", "/../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd", "/%252e%252e/", "/..%2f..%2fetc", `..\..\x.md`, "/dialogues../x", "//evil.example/x",
		"/\x00x", "/a%00b", "./../../../x.md", "/docs/x.pdf?a=1#b", "%2F%2Fevil.example", "/%5c%5cevil", "mailto:a@b",
		"https://example.org/", "javascript:alert(1)", "#frag", "", "?q=1", "/?x", "/./", "/a/../../b/",
	} {
		f.Add(s, "content/dialogues/d/r1.md")
	}
	u := newURLs("https://example.org/briefings/")
	pages := map[string]bool{"": true, "about/": true, "archive/": true, "dialogues/d/r1/": true, "dialogues/d/r2/": true,
		"dialogues/e/r1/": true, "topics/t/": true, "docs/x.pdf": true, "etc/passwd": true}
	f.Fuzz(func(t *testing.T, dest, file string) {
		file = path.Clean("/" + file)[1:]
		r := resolver{
			u: u, file: file,
			byFile: map[string]string{"content/dialogues/d/r2.md": "dialogues/d/r2/", "content/dialogues/e/r1.md": "dialogues/e/r1/",
				"content/topics/t.md": "topics/t/", "content/about.md": "about/"},
			drafts:  map[string]bool{"content/dialogues/d/r9.md": true},
			content: map[string]bool{"content/dialogues/d/bad.md": true},
			exists:  func(rel string) bool { return pages[rel] },
		}
		out, problem := r.resolve(dest)
		if problem != "" || out == dest {
			if out != dest {
				t.Fatalf("resolve(%q) = %q with problem %q: a problem must keep the destination", dest, out, problem)
			}
			return
		}
		p := out
		if i := strings.IndexAny(p, "?#"); i >= 0 {
			p = p[:i]
		}
		if !strings.HasPrefix(p, "/briefings/") || strings.HasPrefix(p, "//") {
			t.Fatalf("resolve(%q) = %q: not under the base path", dest, out)
		}
		if c := path.Clean(p); !strings.HasPrefix(c+"/", "/briefings/") || strings.ContainsAny(p, "\\\x00") || strings.Contains(p, "/../") {
			t.Fatalf("resolve(%q) = %q: climbs out of the base path (%q)", dest, out, c)
		}
		rel := strings.TrimPrefix(p, "/briefings/")
		if !pages[rel] {
			t.Fatalf("resolve(%q) = %q: %q is not a page", dest, out, rel)
		}
	})
}

func globAll(tb testing.TB, root string) []string {
	tb.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}
