package link

import "testing"

// BenchmarkLink10k links a decoded 10,000-round corpus (500 people with
// Zipf-like popularity, 150 topics): name resolution, sorting, counts and
// related rounds.
func BenchmarkLink10k(b *testing.B) {
	site := corpusSite(b, 10000, 1)
	b.ReportAllocs()
	for b.Loop() {
		Link(site, Options{})
	}
}
