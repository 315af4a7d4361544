package build

import (
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/diag"
	"briefings/generator/internal/outcheck"
)

// ourScripts accepts the generator's own scripts: files under the base
// path's assets/ folder.
func ourScripts(basePath string) outcheck.Options {
	return outcheck.Options{ScriptSrc: func(src string) bool {
		return strings.HasPrefix(src, basePath+"assets/") && strings.HasSuffix(src, ".js") && !strings.Contains(src, "..")
	}}
}

// TestOutputIsSafe renders the sample site and every test site, including
// the XSS corpus (testdata/sites/xss.txtar: checklist 19-21), and runs the
// output checker over every file: no script other than ours, no on*
// attribute, no javascript:/vbscript:/data: URL, no ZgotmplZ, well-formed
// feeds and sitemaps.
func TestOutputIsSafe(t *testing.T) {
	sites := map[string]fstest.MapFS{"repository sample": repoSite(t)}
	archives, _ := filepath.Glob("testdata/sites/*.txtar")
	for _, a := range archives {
		sites[filepath.Base(a)] = loadTxtar(t, a)
	}
	if _, ok := sites["xss.txtar"]; !ok {
		t.Fatal("testdata/sites/xss.txtar is missing")
	}
	for name, fsys := range sites {
		t.Run(name, func(t *testing.T) {
			for _, drafts := range []bool{false, true} {
				out, diags, res := renderFS(t, fsys, Options{Drafts: drafts, BaseURL: "https://example.org/briefings/"})
				if len(out) == 0 {
					t.Fatalf("nothing rendered:\n%s", diags)
				}
				for _, f := range outcheck.Files(out, ourScripts("/briefings/")) {
					t.Errorf("drafts=%v: %s", drafts, f)
				}
				if name == "xss.txtar" {
					if diag.HasErrors(res.Diagnostics) {
						t.Errorf("the XSS corpus must build (sanitised, warnings only):\n%s", diags)
					}
					if n := strings.Count(diags, "unsafe-url") + strings.Count(diags, "javascript:"); n < 10 {
						t.Errorf("only %d unsafe-URL warnings: is the corpus reaching the renderer?\n%s", n, diags)
					}
				}
			}
		})
	}
}

// TestOutputCheckSeesTheCorpus proves TestOutputIsSafe can fail: with the
// site's trusted unsafe_html switched on, the raw HTML of the XSS corpus
// reaches the pages and the checker must report it.
func TestOutputCheckSeesTheCorpus(t *testing.T) {
	fsys := loadTxtar(t, "testdata/sites/xss.txtar")
	cfg := *fsys["config.yaml"]
	cfg.Data = append(append([]byte{}, cfg.Data...), "unsafe_html: true\n"...)
	fsys["config.yaml"] = &cfg
	out, _, _ := renderFS(t, fsys, Options{})
	rules := map[string]int{}
	for _, f := range outcheck.Files(out, ourScripts("/briefings/")) {
		rules[f.Rule]++
	}
	for _, r := range []string{"script", "event-handler", "element"} {
		if rules[r] == 0 {
			t.Errorf("no %s finding with unsafe_html on (findings by rule: %v)", r, rules)
		}
	}
}
