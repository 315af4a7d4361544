package build

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// longSite is one dialogue of n rounds over the years from 1990, every
// round with Ann Example (who has a profile) and the topic Tides, so the
// participant, topic and archive lists all run over several pages.
func longSite(n int) fstest.MapFS {
	fsys := fstest.MapFS{
		"config.yaml":                         {Data: []byte("title: Long\nbase_url: https://example.org/sub/\n")},
		"content/dialogues/long/_index.md":    {Data: []byte("---\ntitle: Long dialogue\n---\n")},
		"content/participants/ann-example.md": {Data: []byte("---\nname: Ann Example\n---\nA biography only on page 1.\n")},
	}
	for i := 1; i <= n; i++ {
		fsys[fmt.Sprintf("content/dialogues/long/r%d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: Round %d\ndate: %d-%02d-%02d\nround: %d\nparticipants: [Ann Example, Bo Other]\ntopics: [Tides]\n---\n",
			i, 1990+i/12, 1+i%12, 1+i%28, i))}
	}
	return fsys
}

var roundLink = regexp.MustCompile(`href="/sub/dialogues/long/(r\d+)/"`)

// TestLongListsArePaginated checks the pages of the topic, participant and
// archive lists: stable page/<n>/ URLs with page 1 at the canonical URL,
// every round on exactly one page, newest first, grouped by year, a
// navigation with rel=prev/next and "Page n of m", own titles and
// canonical links, and every page in the sitemap.
func TestLongListsArePaginated(t *testing.T) {
	const rounds = 250 // three pages of 100
	out, diags, res := renderFS(t, longSite(rounds), Options{})
	if res.Failed() {
		t.Fatalf("build failed:\n%s", diags)
	}
	checkInternalLinks(t, out, "/sub/")
	for _, list := range []struct{ rel, title string }{
		{"topics/tides/", "Tides"},
		{"participants/ann-example/", "Ann Example"},
		{"archive/", "Archive"},
	} {
		t.Run(list.rel, func(t *testing.T) {
			seen := map[string]int{}
			var order []string
			for n := 1; n <= 3; n++ {
				rel := list.rel
				if n > 1 {
					rel = fmt.Sprintf("%spage/%d/", list.rel, n)
				}
				page := string(out[rel+"index.html"])
				if page == "" {
					t.Fatalf("%sindex.html is missing", rel)
				}
				main := page[strings.Index(page, "<main"):strings.Index(page, "</main>")]
				for _, m := range roundLink.FindAllStringSubmatch(main, -1) {
					if seen[m[1]] == 0 {
						order = append(order, m[1])
					}
					seen[m[1]]++
				}
				title := list.title
				if n > 1 {
					title = fmt.Sprintf("%s, page %d of 3", list.title, n)
				}
				for _, want := range []string{
					fmt.Sprintf(`<link rel="canonical" href="https://example.org/sub/%s">`, rel),
					"<h1>" + title + "</h1>",
					fmt.Sprintf(`<nav class="pagination" aria-label="`),
					fmt.Sprintf(`<p class="pagination-status">Page %d of 3</p>`, n),
					`<a href="/sub/` + rel + `" aria-current="page"><span class="visually-hidden">Page </span>` + fmt.Sprint(n) + `</a>`,
				} {
					if !strings.Contains(page, want) {
						t.Errorf("%s lacks %s", rel, want)
					}
				}
				prev, next := strings.Contains(page, `rel="prev"`), strings.Contains(page, `rel="next"`)
				if prev != (n > 1) || next != (n < 3) {
					t.Errorf("%s: rel=prev %v, rel=next %v", rel, prev, next)
				}
				if n == 2 && !strings.Contains(page, `<a rel="prev" href="/sub/`+list.rel+`">`) {
					t.Errorf("%s: previous page is not the canonical first page", rel)
				}
				if n > 1 && !strings.Contains(page, fmt.Sprintf(`<span aria-current="page">Page %d of 3</span>`, n)) {
					t.Errorf("%s: the breadcrumb does not end with the page number", rel)
				}
				if n > 1 && strings.Contains(page, "biography only on page 1") {
					t.Errorf("%s repeats the introduction of page 1", rel)
				}
				if !strings.Contains(string(out["sitemap.xml"]), "<loc>https://example.org/sub/"+rel+"</loc>") {
					t.Errorf("sitemap.xml lacks %s", rel)
				}
			}
			if _, ok := out[list.rel+"page/4/index.html"]; ok {
				t.Errorf("%spage/4/ exists for %d rounds", list.rel, rounds)
			}
			if _, ok := out[list.rel+"page/1/index.html"]; ok {
				t.Errorf("%spage/1/ exists; page 1 belongs at the canonical URL", list.rel)
			}
			if len(seen) != rounds {
				t.Errorf("%d distinct rounds across the pages, want %d", len(seen), rounds)
			}
			for r, k := range seen {
				if k != 1 {
					t.Errorf("%s is listed %d times", r, k)
				}
			}
			if len(order) > 0 && (order[0] != fmt.Sprintf("r%d", rounds) || order[len(order)-1] != "r1") {
				t.Errorf("rounds run from %s to %s, want newest (r%d) to oldest (r1)", order[0], order[len(order)-1], rounds)
			}
		})
	}
	if page := string(out["topics/tides/page/2/index.html"]); !strings.Contains(page, `<h3 id="year-2001">2001</h3>`) {
		t.Error("topic page 2 does not group its rounds by year")
	}
	if page := string(out["participants/ann-example/index.html"]); !strings.Contains(page, "biography only on page 1") {
		t.Error("participant page 1 lost its biography")
	}
}

// TestShortListsAreNotPaginated: a list that fits on one page has no
// navigation and no page/ URLs.
func TestShortListsAreNotPaginated(t *testing.T) {
	out, diags, res := renderFS(t, longSite(100), Options{})
	if res.Failed() {
		t.Fatalf("build failed:\n%s", diags)
	}
	for name, data := range out {
		if strings.Contains(name, "/page/") {
			t.Errorf("%s exists for a list of 100", name)
		}
		if strings.Contains(string(data), `class="pagination"`) {
			t.Errorf("%s has a pagination", name)
		}
	}
}

// TestManyDialogues: past 100 dialogues the list of dialogues gets a second
// page, and the home page lists the 20 most recently active ones with a
// link to them all.
func TestManyDialogues(t *testing.T) {
	fsys := fstest.MapFS{"config.yaml": {Data: []byte("title: Many\nbase_url: https://example.org/\n")}}
	for i := 1; i <= 101; i++ {
		fsys[fmt.Sprintf("content/dialogues/d%03d/_index.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Dialogue %03d\n---\n", i))}
		fsys[fmt.Sprintf("content/dialogues/d%03d/r1.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: Only round\ndate: %d-01-01\nround: 1\nparticipants: [Ann Example]\n---\n", 1900+i))}
	}
	out, diags, res := renderFS(t, fsys, Options{})
	if res.Failed() {
		t.Fatalf("build failed:\n%s", diags)
	}
	checkInternalLinks(t, out, "/")
	p1, p2 := string(out["dialogues/index.html"]), string(out["dialogues/page/2/index.html"])
	if !strings.Contains(p1, "Dialogue 100") || strings.Contains(p1, "Dialogue 101") || !strings.Contains(p2, "Dialogue 101") {
		t.Error("dialogues are not split 100 + 1 by title")
	}
	home := string(out["index.html"])
	if !strings.Contains(home, "Recently active dialogues") || !strings.Contains(home, `<a href="/dialogues/">All 101 dialogues</a>`) {
		t.Error("home page does not link the full list of dialogues")
	}
	if strings.Count(home, `class="dialogue-item"`) != 20 || !strings.Contains(home, "Dialogue 101") || strings.Contains(home, "Dialogue 081") {
		t.Error("home page does not list exactly the 20 most recently active dialogues")
	}
}
