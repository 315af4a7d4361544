package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// fixtureSite is a synthetic archive with what the repository's sample
// lacks: a dialogue of 130 rounds with missing numbers (a crowded timeline
// with gaps), and a participant, a topic and an archive long enough to be
// paginated. Names are invented.
func fixtureSite() fstest.MapFS {
	fsys := fstest.MapFS{
		"config.yaml":                         {Data: []byte("title: Browser fixture archive\nbase_url: https://example.org/fixture/\ndescription: Invented rounds for browser tests.\n")},
		"content/about.md":                    {Data: []byte("---\ntitle: About\n---\nInvented.\n")},
		"content/dialogues/alpha/_index.md":   {Data: []byte("---\ntitle: Alpha–Beta Talks\nparties: [Alphaland, Betaland]\nsummary: Invented talks between two invented countries.\n---\nBackground.\n")},
		"content/participants/ann-example.md": {Data: []byte("---\nname: Ann Example\naliases: [앤 예시]\naffiliation: Ministry of Examples\ncountry: Alphaland\n---\nAn invented diplomat.\n")},
		"content/topics/tides.md":             {Data: []byte("---\ntitle: Tides\n---\nAn invented topic.\n")},
	}
	for n := 1; n <= 132; n++ {
		if n == 7 || n == 8 || n == 40 {
			continue // gaps in the record
		}
		side := ""
		if n%10 == 0 {
			side = "side_meetings:\n  - with: [Cy Sample]\n    note: Talked about ports.\n"
		}
		fsys[fmt.Sprintf("content/dialogues/alpha/round-%d.md", n)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(`---
title: Round %d of the talks
date: %d-%02d-%02d
round: %d
location: Port %d
summary: Delegations reviewed tides, harbours and the calendar of the next meeting.
participants:
  - name: Ann Example
    role: Director of Examples
    delegation: Alphaland
    lead: true
  - name: Bo Sample
    role: Envoy
    delegation: Betaland
    lead: true
topics: [Tides, Harbours]
outcomes:
  - Agreed to meet again.
%ssources:
  - title: Invented communiqué %d
    publisher: Example Wire
    url: https://example.org/wire/%d
    date: %d-%02d-%02d
---
The delegations met. [Previous rounds](../alpha/) are listed on the dialogue page.
`, n, 2000+n/6, 1+n%12, 1+n%28, n, n%5, side, n, n, 2000+n/6, 1+n%12, 1+n%28))}
	}
	return fsys
}

// page is one page to check, by URL relative to its server's base.
type page struct {
	name string
	srv  *Server
	rel  string
}

// sitePages builds the repository's sample site and the fixture, serves
// both, and returns one page of every type: the sample's home, lists,
// dialogue, round, participant, topic, archive, search (when the build has
// it), about and 404, and the fixture's crowded timeline, chart and later
// pages of long lists.
func sitePages(t *testing.T) []page {
	t.Helper()
	sample := Build(t, RepoSite(t), "https://example.org/briefings/")
	fixture := Build(t, fixtureSite(), "https://example.org/fixture/")
	s := Serve(t, sample, "/briefings/")
	f := Serve(t, fixture, "/fixture/")
	pages := []page{
		{"home", s, ""},
		{"dialogues", s, "dialogues/"},
		{"dialogue", s, "dialogues/rok-us-north-korean-human-rights/"},
		{"round", s, "dialogues/rok-us-north-korean-human-rights/second-session-washington/"},
		{"participants", s, "participants/"},
		{"participant", s, "participants/chun-young-hee/"},
		{"topics", s, "topics/"},
		{"topic", s, "topics/access-to-information/"},
		{"archive", s, "archive/"},
		{"about", s, "about/"},
		{"404", s, "no-such-page/"},
		{"fixture-dialogue-timeline", f, "dialogues/alpha/"},
		{"fixture-round", f, "dialogues/alpha/round-10/"},
		{"fixture-participant-chart", f, "participants/ann-example/"},
		{"fixture-participant-page-2", f, "participants/ann-example/page/2/"},
		{"fixture-topic-page-2", f, "topics/tides/page/2/"},
		{"fixture-archive-page-2", f, "archive/page/2/"},
	}
	if _, ok := sample["search/index.html"]; ok {
		pages = append(pages, page{"search", s, "search/"})
	}
	for _, want := range []string{"participants/ann-example/page/2/index.html", "topics/tides/page/2/index.html", "archive/page/2/index.html"} {
		if _, ok := fixture[want]; !ok {
			t.Fatalf("the fixture no longer paginates: %s is missing", want)
		}
	}
	return pages
}

// TestAccessibility runs axe-core on every page type and requires zero
// violations: every default rule (WCAG 2.0–2.2 A and AA, and axe's best
// practices: landmarks, headings, names, lang, contrast, …) in light mode,
// and again the rules that depend on colour in dark mode (the DOM is the
// same; only the colours change). The two schemes run in two tabs at once.
func TestAccessibility(t *testing.T) {
	pages := sitePages(t)
	b := Start(t)
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			t.Parallel()
			var rules []string
			if scheme == "dark" {
				rules = ColourRules
			}
			tab := b.Tab(t)
			if err := tab.ColorScheme(scheme); err != nil {
				t.Fatal(err)
			}
			if err := tab.Viewport(1280, 900); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				if err := tab.Navigate(p.srv.URL + p.rel); err != nil {
					t.Fatalf("%s: %v", p.name, err)
				}
				dark, err := Eval[bool](tab, `matchMedia('(prefers-color-scheme: dark)').matches`)
				if err != nil || dark != (scheme == "dark") {
					t.Fatalf("%s: prefers-color-scheme is not %s (%v)", p.name, scheme, err)
				}
				vs, err := tab.Axe(rules...)
				if err != nil {
					t.Fatalf("%s: %v", p.name, err)
				}
				for _, v := range vs {
					t.Errorf("%s (%s): %s", p.name, scheme, v)
				}
			}
		})
	}
}

// TestLayoutWidths loads every page type at a phone's and a desktop's
// width and requires that the page never scrolls sideways (wide tables and
// timelines scroll inside their own boxes).
func TestLayoutWidths(t *testing.T) {
	pages := sitePages(t)
	tab := Start(t).Tab(t)
	for _, width := range []int{375, 1280} {
		if err := tab.Viewport(width, 800); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if err := tab.Navigate(p.srv.URL + p.rel); err != nil {
				t.Fatalf("%s: %v", p.name, err)
			}
			o, err := tab.HorizontalOverflow()
			if err != nil {
				t.Fatalf("%s: %v", p.name, err)
			}
			if o.ClientWidth != width {
				t.Fatalf("%s: viewport is %d px wide, want %d", p.name, o.ClientWidth, width)
			}
			if o.Scrolls() {
				t.Errorf("%s at %d px: document is %d px wide; widest elements: %s", p.name, width, o.ScrollWidth, strings.Join(o.Widest, ", "))
			}
		}
	}
}

// TestKeyboardAndPrint checks what axe cannot: the skip link is the first
// stop of the Tab key and becomes visible; every round on a timeline is
// reachable by keyboard and named by its <title>; and a round printed on
// paper drops the navigation but keeps its sources and its address.
func TestKeyboardAndPrint(t *testing.T) {
	pages := sitePages(t)
	byName := map[string]page{}
	for _, p := range pages {
		byName[p.name] = p
	}
	tab := Start(t).Tab(t)
	if err := tab.Viewport(1280, 900); err != nil {
		t.Fatal(err)
	}

	home := byName["home"]
	if err := tab.Navigate(home.srv.URL + home.rel); err != nil {
		t.Fatal(err)
	}
	if err := tab.PressTab(); err != nil {
		t.Fatal(err)
	}
	skip, err := Eval[map[string]any](tab, `(() => { const a = document.activeElement, r = a.getBoundingClientRect();
  return {cls: a.className, top: r.top, outline: getComputedStyle(a).outlineStyle}; })()`)
	if err != nil {
		t.Fatal(err)
	}
	if skip["cls"] != "skip-link" || skip["top"].(float64) < 0 || skip["outline"] == "none" {
		t.Errorf("first Tab stop: %v; want the skip link, on screen, with a focus outline", skip)
	}

	tl := byName["fixture-dialogue-timeline"]
	if err := tab.Navigate(tl.srv.URL + tl.rel); err != nil {
		t.Fatal(err)
	}
	points, err := Eval[[]string](tab, `[...document.querySelectorAll('svg a.point')].map(a => { a.focus(); return document.activeElement === a ? a.querySelector('title').textContent : ''; })`)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 129 {
		t.Errorf("%d rounds on the timeline, want 129", len(points))
	}
	for i, p := range points {
		if !strings.HasPrefix(p, "Round ") || !strings.Contains(p, "Led by Ann Example (Alphaland), Bo Sample (Betaland)") {
			t.Errorf("timeline point %d is not focusable or not named: %q", i, p)
			break
		}
	}

	round := byName["round"]
	if err := tab.Media("print"); err != nil {
		t.Fatal(err)
	}
	if err := tab.Navigate(round.srv.URL + round.rel); err != nil {
		t.Fatal(err)
	}
	shown, err := Eval[map[string]bool](tab, `(() => { const vis = s => { const e = document.querySelector(s); return !!e && getComputedStyle(e).display !== 'none'; };
  return {nav: vis('.site-nav'), crumbs: vis('.breadcrumbs'), footer: vis('.site-footer'), sources: vis('.sources'), url: vis('.print-url'), h1: vis('h1')}; })()`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"nav": false, "crumbs": false, "footer": false, "sources": true, "url": true, "h1": true}
	for k, v := range want {
		if shown[k] != v {
			t.Errorf("printed round: %s shown = %v, want %v", k, shown[k], v)
		}
	}
}

// TestNuHTMLSite validates every HTML page of the built sample site and of
// the fixture's dialogue, round, paginated and charted pages.
func TestNuHTMLSite(t *testing.T) {
	VNUJar(t)
	t.Parallel() // Java starts while the browser tests run
	sample := Build(t, RepoSite(t), "https://example.org/briefings/")
	fixture := Build(t, fixtureSite(), "https://example.org/fixture/")
	docs := map[string][]byte{}
	for _, p := range sample.Pages() {
		docs["sample/"+p] = sample[p]
	}
	for _, p := range []string{"index.html", "dialogues/alpha/index.html", "dialogues/alpha/round-10/index.html",
		"participants/ann-example/index.html", "participants/ann-example/page/2/index.html",
		"topics/tides/page/2/index.html", "archive/page/2/index.html", "participants/cy-sample/index.html"} {
		if fixture[p] == nil {
			t.Fatalf("fixture lacks %s", p)
		}
		docs["fixture/"+p] = fixture[p]
	}
	CheckHTML(t, docs, "")
}
