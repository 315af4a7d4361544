package build

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/outcheck"
	"briefings/generator/internal/publish"
)

// FuzzBuild renders small sites whose files come from the fuzzer: a round,
// a page, and one more file anywhere under content/ or static/. Whatever
// the bytes, the build must not panic (no "internal" diagnostic), every
// output path must be clean and relative, every diagnostic must name an
// input file (or none), and the output checker must find nothing
// executable. Seeded from content/ and the test sites.
func FuzzBuild(f *testing.F) {
	var rounds, pages []string
	add := func(name string, data []byte) {
		switch {
		case strings.HasPrefix(name, "content/dialogues/") && !strings.HasSuffix(name, "_index.md"):
			rounds = append(rounds, string(data))
		case strings.HasPrefix(name, "content/"):
			pages = append(pages, string(data))
		}
	}
	for p, file := range repoSite(f) {
		add(p, file.Data)
	}
	archives, _ := filepath.Glob("testdata/sites/*.txtar")
	for _, a := range archives {
		for p, file := range loadTxtar(f, a) {
			add(p, file.Data)
		}
	}
	for i, r := range rounds {
		f.Add(r, pages[i%len(pages)], "content/participants/ann.md", "---\nname: Ann\naliases: [\"<b>\"]\n---\n[x](javascript:y)")
	}
	f.Add("", "", "static/feed.xml", "<x>")
	f.Add("---\ntitle: T\ndate: 2024-01-01\nround: 1\nparticipants: [A]\n---\n", "---\ntitle: P\n---\n", "content/Round 1.md", "")
	f.Fuzz(func(t *testing.T, round, page, extraPath, extraData string) {
		fsys := fstest.MapFS{
			"config.yaml":                   {Data: []byte("title: Fuzz\nbase_url: https://example.org/b/\n")},
			"content/dialogues/d/_index.md": {Data: []byte("---\ntitle: D\n---\nBackground [r](r1.md).\n")},
			"content/dialogues/d/r1.md":     {Data: []byte(round)},
			"content/about.md":              {Data: []byte(page)},
		}
		if fs.ValidPath(extraPath) && (strings.HasPrefix(extraPath, "content/") || strings.HasPrefix(extraPath, "static/")) && fsys[extraPath] == nil {
			if _, err := fs.Stat(fsys, extraPath); err != nil { // not a folder of the site either
				fsys[extraPath] = &fstest.MapFile{Data: []byte(extraData)}
			}
		}
		out, _, res := renderAny(t, fsys, Options{Drafts: len(round)%2 == 0})
		for _, d := range res.Diagnostics {
			if d.Code == "internal" {
				t.Fatalf("internal error (a recovered panic): %s", d)
			}
			if d.Pos.File == "" {
				continue
			}
			known := false
			for p := range fsys {
				if p == d.Pos.File || strings.HasPrefix(p, d.Pos.File+"/") {
					known = true
				}
			}
			if !known {
				t.Fatalf("diagnostic names a file that is not in the site: %s", d)
			}
		}
		for p := range out {
			if err := publish.CheckRel(p); err != nil {
				t.Fatalf("output path %q: %v", p, err)
			}
		}
		for _, finding := range outcheck.Files(out, ourScripts("/b/")) {
			t.Fatalf("unsafe output: %s", finding)
		}
	})
}
