package search

import (
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"

	"briefings/generator/internal/bench/corpus"
)

// TestFastRules checks that each text rule's hand-written fast path does
// exactly what its regexp does, on corpus bodies and on random strings made
// of the characters the rules care about.
func TestFastRules(t *testing.T) {
	var inputs []string
	m, _, err := corpus.Map(corpus.Options{Rounds: 60, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	fs.WalkDir(m, "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			inputs = append(inputs, string(m[p].Data))
		}
		return err
	})
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "[]!*~`|_ \n\t()a.,;:?é\xff\\<>x"
	for range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	inputs = append(inputs, "", "[", "]", "![", "![]", "!![a]", "[[a]]", "[a\nb]", "~~~", "**x**", "``a``", "a|b", "_a_", "snake_case", "(_x_)")
	checked := 0
	for i, rule := range textRules {
		if rule.fast == nil {
			continue
		}
		checked++
		for _, in := range inputs {
			if got, want := rule.fast(in), rule.re.ReplaceAllString(in, rule.with); got != want {
				t.Fatalf("rule %d (%s) on %q: fast %q, regexp %q", i, rule.re, in, got, want)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no rule has a fast path")
	}
}

// BenchmarkMarkdownText extracts the text of the round bodies of a small
// corpus, as the search index does for every round.
func BenchmarkMarkdownText(b *testing.B) {
	m, _, err := corpus.Map(corpus.Options{Rounds: 200, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var bodies []string
	var n int64
	fs.WalkDir(m, "content/dialogues", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(p, "/round-") {
			s := string(m[p].Data)
			bodies = append(bodies, s)
			n += int64(len(s))
		}
		return err
	})
	b.SetBytes(n)
	for b.Loop() {
		for _, s := range bodies {
			MarkdownText(s)
		}
	}
}
