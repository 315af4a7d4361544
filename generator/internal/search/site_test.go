package search_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"briefings/generator/internal/build"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/render"
	"briefings/generator/internal/search"
)

// fixtureSource is the site of testdata/fixture.txtar.
func fixtureSource(t *testing.T) fstest.MapFS {
	t.Helper()
	a, err := txtar.ParseFile("testdata/fixture.txtar")
	if err != nil {
		t.Fatal(err)
	}
	src := fstest.MapFS{}
	for _, f := range a.Files {
		src[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return src
}

// fixture builds testdata/fixture.txtar in memory and returns its output.
func fixture(t *testing.T) fstest.MapFS {
	t.Helper()
	src := fixtureSource(t)
	var mu sync.Mutex
	out := fstest.MapFS{}
	res := build.Render(build.Options{FS: src}, func(o render.Output) error {
		mu.Lock()
		out[o.Path] = &fstest.MapFile{Data: o.Data}
		mu.Unlock()
		return nil
	})
	if diag.HasErrors(res.Diagnostics) || len(res.Diagnostics) > 0 {
		t.Fatalf("fixture has diagnostics: %v", res.Diagnostics)
	}
	return out
}

// TestFixtureSite searches the built fixture the way search.js would.
func TestFixtureSite(t *testing.T) {
	site := fixture(t)
	const (
		r1     = "/fixture/dialogues/fisheries/round-1/"
		r2     = "/fixture/dialogues/fisheries/round-2/"
		r3     = "/fixture/dialogues/fisheries/round-3/"
		river  = "/fixture/dialogues/river/first/"
		river2 = "/fixture/dialogues/river/second/"
	)
	for _, c := range []struct {
		query string
		want  []string
	}{
		// The Hangul alias of a profile finds every round of the person,
		// however the round spelled the name.
		{"q=한서연", []string{r2, r1}},
		{"q=박도현", []string{r3, r2}},
		// A topic alias in Hangul.
		{"q=어업+쿼터", []string{r1, r3, river}},
		// Accents either way.
		{"q=nunez", []string{r2, r1, r3, river}},
		{"q=NÚÑEZ+ortega", []string{r2}},
		// Facets and years.
		{"q=quotas&dialogue=fisheries", []string{r1, r3, r2}},
		{"q=quotas&from=2020&to=2022", []string{river, r2}},
		{"participant=park-do-hyun&delegation=southland", []string{r3, r2}},
		{"topic=water-sharing", []string{river2, river}},
		{"from=2022", []string{r3, river2}},
		// The draft is not indexed.
		{"q=draft", nil},
	} {
		res, err := search.Search(site, search.ParseParams(c.query))
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		var got []string
		for _, r := range res.Page {
			got = append(got, r.URL)
		}
		if c.query == "q=quotas&dialogue=fisheries" || c.query == "q=nunez" || c.query == "q=어업+쿼터" || c.query == "q=quotas&from=2020&to=2022" {
			// Ranked by score: compare as sets, the order is checked in
			// the package's unit tests.
			if !sameSet(got, c.want) {
				t.Errorf("%s: got %q, want %q in any order", c.query, got, c.want)
			}
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.query, got, c.want)
		}
	}
	page := string(site["search/index.html"].Data)
	for _, want := range []string{
		`<form id="search-form" class="search-form" role="search" action="/fixture/search/" method="get" data-index="/fixture/search/" hidden>`,
		`<script src="/fixture/assets/search.js" defer></script>`,
		`<option value="fisheries">Northland–Southland Fisheries Dialogue (3)</option>`,
		`<option value="han-seo-yeon">Han Seo-yeon (2)</option>`,
		`<option value="southland">Southland (3)</option>`,
		`<option value="fishing-quotas">Fishing quotas (3)</option>`,
		`id="search-from" name="from" inputmode="numeric" placeholder="2019"`, `id="search-to" name="to" inputmode="numeric" placeholder="2023"`,
		`<noscript>`, `<a href="/fixture/archive/">archive</a>`,
		`<label for="search-q">`, `role="status"`,
		`<a href="/fixture/search/" aria-current="page">Search</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, " on") && strings.Contains(page, "onclick") {
		t.Error("search page has an inline script or handler")
	}
	// Ana Núñez only met at a side meeting in round 2: not a seated
	// participant there, so the facet does not list round 2 for her.
	res, _ := search.Search(site, search.ParseParams("participant=ana-núñez"))
	if res.Total != 3 {
		t.Errorf("participant=ana-núñez: %d rounds, want 3 (seated only)", res.Total)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}
