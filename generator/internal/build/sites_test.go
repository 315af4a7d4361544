package build

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"briefings/generator/internal/render"
)

var update = flag.Bool("update", false, "rewrite the want/diagnostics sections of testdata/sites/*.txtar")

// renderFS renders a site in memory and returns its files and the
// diagnostics as text, one per line.
func renderFS(t *testing.T, fsys fstest.MapFS, opts Options) (map[string][]byte, string, Result) {
	t.Helper()
	opts.FS = fsys
	var mu sync.Mutex
	out := map[string][]byte{}
	res := Render(opts, func(o render.Output) error {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := out[o.Path]; dup {
			t.Errorf("%s emitted twice", o.Path)
		}
		out[o.Path] = o.Data
		return nil
	})
	var b strings.Builder
	for _, d := range res.Diagnostics {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return out, b.String(), res
}

// TestSites builds every testdata/sites/*.txtar archive and checks its
// want/files assertions and want/diagnostics golden text.
func TestSites(t *testing.T) {
	archives, _ := filepath.Glob("testdata/sites/*.txtar")
	if len(archives) == 0 {
		t.Fatal("no test sites")
	}
	for _, file := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fsys := fstest.MapFS{}
			var wantFiles, wantDiags string
			drafts := false
			for _, f := range a.Files {
				switch f.Name {
				case "want/files":
					wantFiles = string(f.Data)
				case "want/diagnostics":
					wantDiags = string(f.Data)
				case "flags":
					drafts = strings.Contains(string(f.Data), "--drafts")
				default:
					fsys[f.Name] = &fstest.MapFile{Data: f.Data}
				}
			}
			out, diags, _ := renderFS(t, fsys, Options{Drafts: drafts})
			if diags != wantDiags {
				if *update {
					for i := range a.Files {
						if a.Files[i].Name == "want/diagnostics" {
							a.Files[i].Data = []byte(diags)
						}
					}
					if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
						t.Fatal(err)
					}
				} else {
					t.Errorf("diagnostics:\n got: %s\nwant: %s(run go test -update to accept)", diags, wantDiags)
				}
			}
			checkFiles(t, out, wantFiles)
		})
	}
}

// checkFiles applies want/files assertions to rendered output.
func checkFiles(t *testing.T, out map[string][]byte, want string) {
	t.Helper()
	for _, line := range strings.Split(want, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		negate := strings.HasPrefix(line, "! ")
		line = strings.TrimPrefix(line, "! ")
		name, text, hasText := strings.Cut(line, ": ")
		data, ok := out[name]
		switch {
		case !hasText && negate && ok:
			t.Errorf("%s exists, want it absent", name)
		case !hasText && !negate && !ok:
			t.Errorf("%s is missing", name)
		case hasText && !ok && !negate:
			t.Errorf("%s is missing (want it to contain %q)", name, text)
		case hasText && ok && negate && bytes.Contains(data, []byte(text)):
			t.Errorf("%s contains %q", name, text)
		case hasText && ok && !negate && !bytes.Contains(data, []byte(text)):
			t.Errorf("%s lacks %q", name, text)
		}
	}
}
