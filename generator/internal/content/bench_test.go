package content

import (
	"io/fs"
	"strings"
	"testing"

	"briefings/generator/internal/bench/corpus"
)

// corpusFiles returns the content files of a synthetic corpus of n rounds.
func corpusFiles(b *testing.B, n int) []File {
	b.Helper()
	m, _, err := corpus.Map(corpus.Options{Rounds: n, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var files []File
	err = fs.WalkDir(m, "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, File{Path: p, Data: m[p].Data})
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return files
}

// BenchmarkParseRound decodes one round file (front matter split, YAML,
// field checks): the per-file cost of the parse stage.
func BenchmarkParseRound(b *testing.B) {
	var round File
	for _, f := range corpusFiles(b, 100) {
		if strings.Contains(f.Path, "/round-") {
			round = f
			break
		}
	}
	b.SetBytes(int64(len(round.Data)))
	b.ReportAllocs()
	for b.Loop() {
		if v, ds := ParseFile(round, Options{}); v == nil {
			b.Fatal(ds)
		}
	}
}

// BenchmarkParseFiles1k decodes every content file of a 1,000-round corpus
// on every core, as the parse stage does.
func BenchmarkParseFiles1k(b *testing.B) {
	files := corpusFiles(b, 1000)
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		ParseFiles(files, Options{})
	}
}
