package link

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"reflect"
	"testing"

	"briefings/generator/internal/bench/corpus"
	"briefings/generator/internal/content"
)

// corpusSite decodes a generated corpus of the given size.
func corpusSite(t testing.TB, rounds int, seed int64) *content.Site {
	t.Helper()
	m, _, err := corpus.Map(corpus.Options{Rounds: rounds, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	var files []content.File
	err = fs.WalkDir(m, "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, content.File{Path: p, Data: m[p].Data})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	site, ds := content.Parse(files, content.Options{})
	if len(ds) > 0 {
		t.Fatalf("corpus has diagnostics: %v", ds[0])
	}
	return site
}

// TestPatchEqualsLink: after display-only edits of random rounds, the
// patched archive is deeply equal to linking the edited site anew; edits of
// anything linking reads are refused.
func TestPatchEqualsLink(t *testing.T) {
	site := corpusSite(t, 300, 3)
	rng := rand.New(rand.NewPCG(5, 6))
	patched, _ := Link(site, Options{})
	for step := range 40 {
		i := rng.IntN(len(site.Rounds))
		prev := site.Rounds[i]
		next := *prev
		switch step % 4 {
		case 0:
			next.Title = fmt.Sprintf("Retitled %d", step)
		case 1:
			next.Summary, next.Location = "New summary", "Elsewhere"
		case 2:
			next.Outcomes = append([]content.Inline{{Text: "Agreed to meet again."}}, prev.Outcomes...)
			next.NextRound = "Next spring"
		case 3:
			next.Body = content.NewMarkdown([]byte("A new body.\n"), prev.Body.Line)
			next.Sources = nil
		}
		if prev.Draft {
			continue // not in the archive
		}
		if !CanPatch(patched, prev, &next) {
			t.Fatalf("step %d: a display-only edit of %s was refused", step, prev.File)
		}
		Patch(patched, prev, &next)
		site.Rounds[i] = &next
		fresh, _ := Link(site, Options{})
		if !reflect.DeepEqual(patched, fresh) {
			t.Fatalf("step %d: the patched archive differs from linking %s anew", step, prev.File)
		}
	}

	structural := map[string]func(r *content.Round){
		"date":         func(r *content.Round) { r.Date.Year++ },
		"number":       func(r *content.Round) { r.Number += 100 },
		"participants": func(r *content.Round) { r.Participants = r.Participants[1:] },
		"topics":       func(r *content.Round) { r.Topics = nil },
		"side meeting": func(r *content.Round) { r.SideMeetings = append(r.SideMeetings, content.SideMeeting{Note: "x"}) },
		"draft":        func(r *content.Round) { r.Draft = true },
	}
	var prev *content.Round
	for _, r := range site.Rounds {
		if !r.Draft && len(r.Participants) > 1 && len(r.Topics) > 0 {
			prev = r
			break
		}
	}
	for name, edit := range structural {
		next := *prev
		edit(&next)
		if CanPatch(patched, prev, &next) {
			t.Errorf("an edit of the %s was accepted as display-only", name)
		}
	}
	other := *prev
	if CanPatch(patched, &other, &other) {
		t.Error("a round the archive was not linked from was accepted")
	}
}
