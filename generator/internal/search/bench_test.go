package search

import (
	"fmt"
	"strings"
	"testing"
)

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
