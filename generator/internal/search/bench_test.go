package search

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"briefings/generator/internal/bench/corpus"
)

// The benchmarks of the index's hot path, over a generated archive:
//
//	go test -run '^$' -bench 'MarkdownText|Build' -benchmem -count 6 ./generator/internal/search/

// corpusBodies returns the Markdown files of a generated archive.
func corpusBodies(t testing.TB, rounds int) []string {
	t.Helper()
	m, _, err := corpus.Map(corpus.Options{Rounds: rounds, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fs.WalkDir(m, "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, string(m[p].Data))
		}
		return err
	})
	return out
}

// corpusDocs returns documents made from the Markdown files of a
// generated archive, about as the renderer makes them.
func corpusDocs(t testing.TB, rounds int) []Doc {
	t.Helper()
	var docs []Doc
	for i, s := range corpusBodies(t, rounds) {
		text := MarkdownText(s)
		docs = append(docs, Doc{Title: fmt.Sprintf("Round %d", i), URL: fmt.Sprintf("/r/%d/", i), Date: fmt.Sprintf("%d-01-01", 1990+i%30),
			Year: 1990 + i%30, Key: fmt.Sprint(i), Body: text, Snippet: text, People: []string{"Kim Min-jun", "김민준", "José Núñez"},
			Dialogues: []string{fmt.Sprint(i % 7)}, Participants: []string{fmt.Sprint(i % 13)}})
	}
	return docs
}

// BenchmarkMarkdownText extracts the text of the files of a 1,000-round
// archive, as the index does for every round.
func BenchmarkMarkdownText(b *testing.B) {
	bodies := corpusBodies(b, 1000)
	var n int64
	for _, s := range bodies {
		n += int64(len(s))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range bodies {
			MarkdownText(s)
		}
	}
}

// BenchmarkBuild1k indexes the text of a 1,000-round archive.
func BenchmarkBuild1k(b *testing.B) {
	docs := corpusDocs(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		Build(docs)
	}
}

// BenchmarkBuild10k indexes 10,000 synthetic rounds of about 600 words.
func BenchmarkBuild10k(b *testing.B) {
	words := strings.Fields("access to information accountability arms control nuclear talks delegation agreed continue joint efforts regional security trade framework verification monitoring partners sustained engagement")
	docs := make([]Doc, 10000)
	for i := range docs {
		var body strings.Builder
		for j := range 600 {
			body.WriteString(words[(i*7+j*13)%len(words)])
			body.WriteByte(' ')
		}
		docs[i] = Doc{Title: fmt.Sprintf("Round %d of the dialogue", i), Date: fmt.Sprintf("%d-01-01", 1990+i%35), Year: 1990 + i%35,
			Key: fmt.Sprint(i), People: []string{"Kim Min-jun", "김민준", "José Núñez"}, Topics: []string{"Access to information"},
			Body: body.String(), Dialogues: []string{fmt.Sprint(i % 500)}, Participants: []string{fmt.Sprint(i % 400)}}
	}
	b.ReportAllocs()
	for b.Loop() {
		Build(docs)
	}
}
