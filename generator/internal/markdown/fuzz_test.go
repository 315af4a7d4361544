package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedBodies returns the Markdown files under testdata/seed.
func seedBodies(tb testing.TB) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "seed", "*.md"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no seed bodies: %v", err)
	}
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzRender checks that no body panics the renderer and that, with raw HTML
// off, no body gets a <script> element or a script/data URL into an
// attribute. ("javascript:" may appear as text: the brief's "never contains
// javascript:" is checked on attribute values, where it can run.)
func FuzzRender(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(string(b), 1)
	}
	for _, s := range []string{
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](javascript&colon;alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"<javascript:alert(1)>",
		"![x](javascript:alert(1))",
		"[x](data:text/html,<script>alert(1)</script>)",
		"```\"><script>alert(1)</script>\nx\n```",
		"```c{onmouseover=x}\ny\n```",
		"<script>alert(1)</script>",
		"## 정보 접근\n\n## 정보 접근\n",
		"[^1]\n\n[^1]: [x](javascript:x)",
		"| a |\n|---|\n| [x](vbscript:x) |",
	} {
		f.Add(s, 7)
	}
	r := New(Options{})
	f.Fuzz(func(t *testing.T, src string, firstLine int) {
		if firstLine < 1 || firstLine > 1<<20 {
			firstLine = 1
		}
		lines := strings.Count(src, "\n") + 1
		check := func(what string, res Result, lo, hi int) {
			if bytes.Contains(bytes.ToLower(res.HTML), []byte("<script")) {
				t.Fatalf("%s: <script in output:\n%s", what, res.HTML)
			}
			if bad := dangerousAttrs(res.HTML); len(bad) > 0 {
				t.Fatalf("%s: dangerous attributes %q in:\n%s", what, bad, res.HTML)
			}
			for _, p := range res.Problems {
				if p.Line < lo || p.Line > hi || p.Col < 1 {
					t.Fatalf("%s: problem %+v outside lines %d-%d", what, p, lo, hi)
				}
			}
			for _, l := range res.Links {
				if l.Line < lo || l.Line > hi {
					t.Fatalf("%s: link %+v outside lines %d-%d", what, l, lo, hi)
				}
			}
		}
		resolve := func(d string) (string, string) {
			if strings.HasSuffix(d, ".md") {
				return "/" + strings.TrimSuffix(d, ".md") + "/", ""
			}
			if strings.Contains(d, "missing") {
				return "", "missing"
			}
			return d, ""
		}
		check("Render", r.Render([]byte(src), firstLine, resolve), firstLine, firstLine+lines-1)
		check("RenderInline", r.RenderInline(src, firstLine, nil), firstLine, firstLine)
	})
}
