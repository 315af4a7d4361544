package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// sampleDocs is a small archive: four rounds with names in several scripts
// and 45 filler rounds that all mention "talks".
func sampleDocs() []Doc {
	docs := []Doc{
		{
			Title: "Access to information in focus", URL: "/dialogues/alpha/one/", Date: "2019-03-01", Year: 2019,
			Dialogue: "Alpha dialogue", Key: "alpha/1", Snippet: "Both sides discussed access to information.",
			People:    []string{"Chun Young-hee", "전영희", "South Korea"},
			Topics:    []string{"Access to information"},
			Summary:   "Both sides discussed access to information.",
			Body:      "The officials met in Seoul.",
			Dialogues: []string{"alpha"}, Participants: []string{"chun-young-hee"}, Delegations: []string{"south-korea"},
			TopicKeys: []string{"access-to-information"},
		},
		{
			Title: "Trade round", URL: "/dialogues/alpha/two/", Date: "2020-06-01", Year: 2020,
			Dialogue: "Alpha dialogue", Key: "alpha/2", Snippet: "Tariffs.",
			People:    []string{"Kim Min-jun", "김민준", "José Núñez", "South Korea"},
			Topics:    []string{"Trade"},
			Body:      "Tariffs were discussed; one delegate asked for more information.",
			Dialogues: []string{"alpha"}, Participants: []string{"kim-min-jun", "josé-núñez"}, Delegations: []string{"south-korea"},
			TopicKeys: []string{"trade"},
		},
		{
			Title: "Security review", URL: "/dialogues/beta/one/", Date: "2021-01-10", Year: 2021,
			Dialogue: "Beta dialogue", Key: "beta/1",
			People:    []string{"Julie Turner", "United States"},
			Topics:    []string{"Security", "Trade"},
			Body:      "Access to information came up, and information about trade.",
			Dialogues: []string{"beta"}, Participants: []string{"julie-turner"}, Delegations: []string{"united-states"},
			TopicKeys: []string{"security", "trade"},
		},
		{
			Title: "Trade follow-up", URL: "/dialogues/alpha/three/", Date: "2021-09-01", Year: 2021,
			Dialogue: "Alpha dialogue", Key: "alpha/3",
			People:    []string{"Chun Young-hee", "전영희", "South Korea"},
			Topics:    []string{"Trade"},
			Dialogues: []string{"alpha"}, Participants: []string{"chun-young-hee"}, Delegations: []string{"south-korea"},
			TopicKeys: []string{"trade"},
		},
	}
	for i := range 45 {
		y := 2015 + i%9
		docs = append(docs, Doc{
			Title: fmt.Sprintf("Filler %d", i), URL: fmt.Sprintf("/dialogues/gamma/f%d/", i), Date: fmt.Sprintf("%d-05-%02d", y, 1+i%28), Year: y,
			Dialogue: "Gamma dialogue", Key: fmt.Sprintf("gamma/%03d", i),
			Body:      strings.Repeat("Routine talks. ", 1+i%4),
			Dialogues: []string{"gamma"},
		})
	}
	return docs
}

func buildFS(docs []Doc) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, f := range Build(docs).Files() {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
	}
	return fsys
}

func search(t *testing.T, fsys fstest.MapFS, query string) Result {
	t.Helper()
	res, err := Search(fsys, ParseParams(query))
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return res
}

func urls(res Result) []string {
	var out []string
	for _, r := range res.Page {
		out = append(out, r.URL)
	}
	return out
}

func TestSearch(t *testing.T) {
	fsys := buildFS(sampleDocs())
	for _, c := range []struct {
		query string
		want  []string // URLs in rank order
	}{
		// Title and topic beat a mention in the body; every term must match.
		{"q=access+to+information", []string{"/dialogues/alpha/one/", "/dialogues/beta/one/"}},
		{"q=information", []string{"/dialogues/alpha/one/", "/dialogues/beta/one/", "/dialogues/alpha/two/"}},
		// A participant's alias in Hangul finds their rounds, newest first on a tie.
		{"q=전영희", []string{"/dialogues/alpha/three/", "/dialogues/alpha/one/"}},
		{"q=영희", []string{"/dialogues/alpha/three/", "/dialogues/alpha/one/"}},
		{"q=김민준", []string{"/dialogues/alpha/two/"}},
		// Accents and case do not matter.
		{"q=jose+nunez", []string{"/dialogues/alpha/two/"}},
		{"q=JOSÉ+NÚÑEZ", []string{"/dialogues/alpha/two/"}},
		// Facets and years.
		{"q=trade&dialogue=alpha", []string{"/dialogues/alpha/three/", "/dialogues/alpha/two/"}},
		{"q=trade&from=2021", []string{"/dialogues/alpha/three/", "/dialogues/beta/one/"}},
		{"q=trade&to=2020", []string{"/dialogues/alpha/two/"}},
		{"q=trade&from=2021&to=2020", []string{"/dialogues/alpha/two/", "/dialogues/alpha/three/", "/dialogues/beta/one/"}[0:3]},
		{"participant=chun-young-hee", []string{"/dialogues/alpha/three/", "/dialogues/alpha/one/"}},
		{"delegation=south-korea&topic=trade", []string{"/dialogues/alpha/three/", "/dialogues/alpha/two/"}},
		{"dialogue=beta&participant=chun-young-hee", nil},
		{"q=trade&dialogue=nosuch", nil},
		{"q=nothingmatches", nil},
		{"q=the+of", nil},
		{"", nil},
	} {
		res := search(t, fsys, c.query)
		got := urls(res)
		if c.query == "q=trade&from=2021&to=2020" {
			// A reversed range is swapped: 2020–2021, ranked by score.
			if res.Total != 3 {
				t.Errorf("%s: %d results, want 3", c.query, res.Total)
			}
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.query, got, c.want)
		}
		if res.Total != len(c.want) {
			t.Errorf("%s: total %d, want %d", c.query, res.Total, len(c.want))
		}
	}
}

func TestSearchPagesAndFetches(t *testing.T) {
	fsys := buildFS(sampleDocs())
	p1 := search(t, fsys, "q=talks")
	p3 := search(t, fsys, "q=talks&page=3")
	if p1.Total != 45 || len(p1.Page) != PageSize || len(p3.Page) != 5 {
		t.Fatalf("total %d, page 1 has %d, page 3 has %d; want 45, %d, 5", p1.Total, len(p1.Page), len(p3.Page), PageSize)
	}
	// More mentions of "talks" in a short body rank higher.
	if !strings.Contains(p1.Page[0].Title, "Filler") || p1.Page[0].Snippet != "" {
		t.Errorf("first result %+v", p1.Page[0])
	}
	// Only the manifest, the term's shard and the result shards of the page.
	if p1.Fetched[0] != "search/index.json" || !strings.HasPrefix(p1.Fetched[1], "search/t/") {
		t.Errorf("fetch order %q", p1.Fetched)
	}
	for _, f := range p1.Fetched[2:] {
		if !strings.HasPrefix(f, "search/d/") {
			t.Errorf("unexpected fetch %s", f)
		}
	}
	seen := map[int]bool{}
	for _, r := range append(p1.Page, p3.Page...) {
		if seen[r.ID] {
			t.Errorf("document %d on two pages", r.ID)
		}
		seen[r.ID] = true
	}
	if res := search(t, fsys, "q=talks&page=9"); len(res.Page) != 0 || res.Total != 45 {
		t.Errorf("page past the end: %d results of %d", len(res.Page), res.Total)
	}
	if res := search(t, fsys, ""); len(res.Fetched) != 0 {
		t.Errorf("an empty query fetched %q", res.Fetched)
	}
}

func TestRankingWeights(t *testing.T) {
	docs := []Doc{
		{Title: "Fisheries", URL: "/t/", Date: "2020-01-01", Year: 2020, Key: "a"},
		{Title: "Other", URL: "/p/", Date: "2020-01-01", Year: 2020, Key: "b", People: []string{"Fisheries"}},
		{Title: "Other", URL: "/o/", Date: "2020-01-01", Year: 2020, Key: "c", Topics: []string{"Fisheries"}},
		{Title: "Other", URL: "/s/", Date: "2020-01-01", Year: 2020, Key: "d", Summary: "Fisheries"},
		{Title: "Other", URL: "/b/", Date: "2020-01-01", Year: 2020, Key: "e", Body: "Fisheries and a long body of many other words that are not the one looked for"},
	}
	got := urls(search(t, buildFS(docs), "q=fisheries"))
	if want := []string{"/t/", "/p/", "/o/", "/s/", "/b/"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rank by field: got %q, want %q", got, want)
	}
}

func TestBuildDeterministicAndOrderFree(t *testing.T) {
	docs := sampleDocs()
	a := Build(docs).Files()
	shuffled := append([]Doc(nil), docs...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b := Build(shuffled).Files()
	if len(a) != len(b) {
		t.Fatalf("%d files vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s differs with the input order", a[i].Path)
		}
	}
}

func TestShards(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 11, 49, 1000, 10000, 25000} {
		docs := make([]Doc, n)
		if n > 1000 {
			docs = docs[:0] // Paths only
		}
		for i := range docs {
			docs[i] = Doc{Title: fmt.Sprintf("round %d", i), Date: "2020-01-01", Year: 2020, Key: fmt.Sprintf("%06d", i), Body: fmt.Sprintf("word%d common", i%37)}
		}
		shards, per := ShardCounts(n)
		if shards < 1 || shards > 1024 || shards&(shards-1) != 0 || per < 1 {
			t.Errorf("ShardCounts(%d) = %d, %d", n, shards, per)
		}
		paths := Paths(n)
		if len(paths) > 3000 {
			t.Errorf("%d rounds: %d files", n, len(paths))
		}
		if n > 1000 {
			continue
		}
		ix := Build(docs)
		var got []string
		for _, f := range ix.Files() {
			got = append(got, f.Path)
			if !json.Valid(f.Data) {
				t.Errorf("%d rounds: %s is not JSON", n, f.Path)
			}
			if strings.HasPrefix(f.Path, "search/t/") {
				var terms map[string]string
				_ = json.Unmarshal(f.Data, &terms)
				for term := range terms {
					if termShardPath(shardOf(term, shards)) != f.Path {
						t.Errorf("%q is in %s", term, f.Path)
					}
				}
			}
		}
		if !reflect.DeepEqual(got, paths) {
			t.Errorf("%d rounds: Build wrote %d files, Paths lists %d", n, len(got), len(paths))
		}
	}
	if _, per := ShardCounts(10000); per != 10 {
		t.Errorf("10k rounds: %d per result shard", per)
	}
}

func TestPostingsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		var ps []Posting
		doc := -1
		facet := r.IntN(2) == 0
		for range r.IntN(50) {
			doc += 1 + r.IntN([]int{1, 40, 5000, 1 << 20}[r.IntN(4)])
			p := Posting{Doc: doc}
			if !facet {
				p.Weight = 1 + r.IntN(maxWeight)
			}
			ps = append(ps, p)
		}
		enc := encodePostings(ps, facet)
		got, err := decodePostings(enc, facet)
		if err != nil || !reflect.DeepEqual(got, append([]Posting{}, ps...)) {
			t.Fatalf("round trip of %v (%q): %v, %v", ps, enc, got, err)
		}
	}
	for _, bad := range []string{"!", "g", "A"} { // bad character; unfinished number; gap without weight
		if _, err := decodePostings(bad, false); err == nil {
			t.Errorf("decodePostings(%q) accepted", bad)
		}
	}
	// A dense list costs two bytes a document.
	var dense []Posting
	for i := range 1000 {
		dense = append(dense, Posting{Doc: i, Weight: 7})
	}
	if n := len(encodePostings(dense, false)); n != 2000 {
		t.Errorf("dense list of 1000: %d bytes", n)
	}
}

func TestSnippet(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"  spaced \n out  ", 20, "spaced out"},
		{"one two three four", 12, "one two…"},
		{"전영희 전영희 전영희", 5, "전영희…"},
		{"abcdefghij", 4, "abcd…"},
	} {
		if got := Snippet(c.in, c.max); got != c.want {
			t.Errorf("Snippet(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
