package markdown

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// TestGolden renders each testdata/seed/NAME.md (first line = file line 5,
// links resolved by a fixed rule) and compares HTML, headings, links and
// problems with testdata/golden/NAME.txt. Regenerate with go test -update.
func TestGolden(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "seed", "*.md"))
	r := New(Options{})
	resolve := func(d string) (string, string) {
		if strings.HasSuffix(d, "r4.md") {
			return "", "no page for " + d
		}
		if strings.HasSuffix(d, ".md") || strings.Contains(d, ".md#") {
			return strings.Replace(d, ".md", "/", 1), ""
		}
		return d, ""
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			res := r.Render(src, 5, resolve)
			var b bytes.Buffer
			b.Write(res.HTML)
			b.WriteString("-- headings --\n")
			for _, h := range res.Headings {
				fmt.Fprintf(&b, "h%d #%s %q\n", h.Level, h.ID, h.Text)
			}
			b.WriteString("-- links --\n")
			for _, l := range res.Links {
				fmt.Fprintf(&b, "%d image=%v %q\n", l.Line, l.Image, l.Dest)
			}
			b.WriteString("-- problems --\n")
			for _, pr := range res.Problems {
				fmt.Fprintf(&b, "%d:%d warning=%v %s: %s\n", pr.Line, pr.Col, pr.Warning, pr.Code, pr.Message)
			}
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("output differs from %s (go test -update to accept):\n%s", golden, lineDiff(string(want), b.String()))
			}
		})
	}
}

// lineDiff shows the first differing lines, enough to read a failure.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			if shown++; shown == 5 {
				break
			}
		}
	}
	return b.String()
}
