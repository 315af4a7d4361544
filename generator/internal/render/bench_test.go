package render

import (
	"io/fs"
	"strings"
	"testing"

	"briefings"
	"briefings/generator/internal/bench/corpus"
	"briefings/generator/internal/config"
	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/link"
	"briefings/generator/internal/markdown"
)

// benchSite links a synthetic corpus of n rounds and returns the archive
// and render options, as the build would pass them.
func benchSite(b *testing.B, n int) (*link.Archive, Options) {
	b.Helper()
	m, _, err := corpus.Map(corpus.Options{Rounds: n, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	cfg, ds := config.Parse("config.yaml", m["config.yaml"].Data)
	if len(ds) > 0 {
		b.Fatal(ds)
	}
	var files []content.File
	paths := map[string]bool{}
	fs.WalkDir(m, "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, content.File{Path: p, Data: m[p].Data})
			paths[p] = true
		}
		return err
	})
	site, ds := content.Parse(files, content.Options{Limits: cfg.Limits})
	if len(ds) > 0 {
		b.Fatal(ds[0])
	}
	a, _ := link.Link(site, link.Options{})
	tmpl, ds := Load(briefings.DefaultLayouts(), nil, "layouts")
	if len(ds) > 0 {
		b.Fatal(ds[0])
	}
	return a, Options{Config: cfg, Templates: tmpl, Markdown: markdown.New(markdown.Options{}), Content: paths}
}

// BenchmarkRoundPage executes the round layout for one round's view (the
// view is built once): the template cost of the most numerous page.
func BenchmarkRoundPage(b *testing.B) {
	a, opts := benchSite(b, 200)
	r := &renderer{a: a, opts: opts, u: newURLs(opts.Config.BaseURL), pages: pageURLs(a)}
	r.site = r.siteView()
	view := r.roundView(a.Rounds[len(a.Rounds)/2])
	out, d := opts.Templates.Render("round", view)
	if d != nil {
		b.Fatal(d)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		opts.Templates.Render("round", view)
	}
}

// BenchmarkSite200 renders every output file of a 200-round archive
// (views, Markdown, templates, feeds, search index, data), discarding the
// bytes.
func BenchmarkSite200(b *testing.B) {
	a, opts := benchSite(b, 200)
	var pages int
	b.ReportAllocs()
	for b.Loop() {
		pages = 0
		ds := Site(a, opts, func(o Output) error {
			if strings.HasSuffix(o.Path, ".html") {
				pages++
			}
			return nil
		})
		for _, d := range ds {
			if d.Severity == diag.Error {
				b.Fatal(d)
			}
		}
	}
	b.ReportMetric(float64(pages), "pages")
}
