package link

import (
	"io/fs"
	"testing"

	"briefings/generator/internal/bench/corpus"
	"briefings/generator/internal/content"
)

// BenchmarkLink10k links a decoded 10,000-round corpus (500 people with
// Zipf-like popularity, 150 topics): name resolution, sorting, counts and
// related rounds.
func BenchmarkLink10k(b *testing.B) {
	m, _, err := corpus.Map(corpus.Options{Rounds: 10000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var files []content.File
	err = fs.WalkDir(m, "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, content.File{Path: p, Data: m[p].Data})
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	site, ds := content.Parse(files, content.Options{})
	if len(ds) > 0 {
		b.Fatalf("corpus has diagnostics: %v", ds[0])
	}
	b.ReportAllocs()
	for b.Loop() {
		Link(site, Options{})
	}
}
