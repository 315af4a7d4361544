package build

import (
	"testing"

	"briefings/generator/internal/bench/corpus"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/render"
)

// BenchmarkRender1k runs the whole pipeline but publishing (read, parse,
// link, render every output file) on a 1,000-round corpus held in memory.
// For builds to disk, peak memory and the comparison with Hugo, see
// go run ./generator/internal/bench.
func BenchmarkRender1k(b *testing.B) {
	m, st, err := corpus.Map(corpus.Options{Rounds: 1000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Bytes)
	b.ReportAllocs()
	var files int
	for b.Loop() {
		res := Render(Options{FS: m}, func(render.Output) error { return nil })
		if diag.HasErrors(res.Diagnostics) || res.Err != nil {
			b.Fatalf("%v %v", res.Err, res.Diagnostics)
		}
		files = res.Stats.Files
	}
	b.ReportMetric(float64(files), "files")
}
