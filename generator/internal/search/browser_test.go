package search_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"briefings/generator/internal/browsertest"
)

// shown is what the search page shows once a search has finished.
type shown struct {
	Search string   `json:"search"` // location.search
	Status string   `json:"status"`
	Titles []string `json:"titles"`
	URLs   []string `json:"urls"`
	Dates  []string `json:"dates"`
	Marks  []string `json:"marks"` // highlighted words, in order
	Form   struct {
		Q, Dialogue, Participant, Delegation, Topic, From, To string
	} `json:"form"`
}

// settled waits (without a clock: a promise resolved by the page's own
// progress) until the search the page started has finished, reads the
// page, and checks that its URL contains want. The actions before it fire
// their events synchronously, so the search has started by then.
func settled(t *testing.T, tab *browsertest.Tab, want string) shown {
	t.Helper()
	s, err := browsertest.Eval[shown](tab, `new Promise(resolve => {
  const done = () => {
    const st = document.getElementById('search-status').textContent;
    return st !== 'Searching…' && !document.getElementById('search-results').hasAttribute('aria-busy');
  };
  const read = () => {
    const f = document.getElementById('search-form').elements;
    resolve({
      search: decodeURIComponent(location.search.replace(/\+/g, ' ')),
      status: document.getElementById('search-status').textContent,
      titles: [...document.querySelectorAll('#search-results .result-title a')].map(a => a.textContent),
      urls: [...document.querySelectorAll('#search-results .result-title a')].map(a => a.getAttribute('href')),
      dates: [...document.querySelectorAll('#search-results time')].map(e => e.getAttribute('datetime')),
      marks: [...document.querySelectorAll('#search-results mark')].map(m => m.textContent),
      form: {Q: f.q.value, Dialogue: f.dialogue.value, Participant: f.participant.value, Delegation: f.delegation.value,
        Topic: f.topic.value, From: f.from.value, To: f.to.value},
    });
  };
  const tick = () => done() ? read() : requestAnimationFrame(tick);
  tick();
})`)
	if err != nil {
		t.Fatalf("waiting for results (%s): %v", want, err)
	}
	if !strings.Contains(s.Search, want) || s.Status == "" {
		t.Fatalf("the page did not search for %q: %+v", want, s)
	}
	return s
}

// choose sets a form field as a reader would and fires its change event
// (selects search on change; inputs are submitted with the form).
func choose(t *testing.T, tab *browsertest.Tab, name, value string) {
	t.Helper()
	if _, err := browsertest.Eval[bool](tab, fmt.Sprintf(`(() => {
  const el = document.getElementById('search-form').elements[%q];
  el.value = %q;
  el.dispatchEvent(new Event('change', {bubbles: true}));
  return true;
})()`, name, value)); err != nil {
		t.Fatal(err)
	}
}

func submit(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	if err := chromedp.Do(tab.Context(), chromedp.Click(chromedp.CSS(`#search-form .search-actions button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
}

func typeQuery(t *testing.T, tab *browsertest.Tab, q string) {
	t.Helper()
	if _, err := browsertest.Eval[bool](tab, `(document.getElementById('search-q').value = '', true)`); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab.Context(), chromedp.SendKeys(chromedp.CSS("#search-q"), q+kb.Enter)); err != nil {
		t.Fatal(err)
	}
}

// TestSearchInBrowserSample drives /search/ of the repository's sample
// site in headless Chromium: a typed query, a facet, a date range, the back
// button, and what was fetched.
func TestSearchInBrowserSample(t *testing.T) {
	b := browsertest.Start(t)
	files := browsertest.Build(t, browsertest.RepoSite(t), "http://localhost/briefings/")
	srv := browsertest.Serve(t, files, "/briefings/")
	tab := b.Tab(t)
	const round = "/briefings/dialogues/rok-us-north-korean-human-rights/second-session-washington/"

	if err := tab.Navigate(srv.URL + "search/"); err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	typeQuery(t, tab, "Access to INFORMATION")
	s := settled(t, tab, "q=Access to INFORMATION")
	if !slices.Equal(s.URLs, []string{round}) || s.Titles[0] != "Second session in Washington" || s.Dates[0] != "2024-04-15" {
		t.Fatalf("query: %+v", s)
	}
	if s.Status != "1 round found for “Access to INFORMATION”." {
		t.Errorf("status %q", s.Status)
	}
	if !slices.Contains(s.Marks, "access") || !slices.Contains(s.Marks, "information") {
		t.Errorf("snippet highlights %q, want access and information", s.Marks)
	}
	var fetched []string
	for _, r := range srv.Requests() {
		if !strings.HasPrefix(r.Path, "/briefings/search/") {
			continue // the browser's own /favicon.ico
		}
		fetched = append(fetched, strings.TrimPrefix(r.Path, "/briefings/"))
		if r.Status != 200 {
			t.Errorf("GET %s: %d", r.Path, r.Status)
		}
	}
	slices.Sort(fetched)
	if want := []string{"search/d/0.json", "search/index.json", "search/t/000.json"}; !slices.Equal(fetched, want) {
		t.Errorf("fetched %q, want %q", fetched, want)
	}

	// A facet: choosing a dialogue searches at once and goes into the URL.
	choose(t, tab, "dialogue", "rok-us-north-korean-human-rights")
	s = settled(t, tab, "dialogue=rok-us-north-korean-human-rights")
	if !slices.Equal(s.URLs, []string{round}) || !strings.Contains(s.Search, "q=Access to INFORMATION") {
		t.Errorf("with the dialogue facet: %+v", s)
	}
	choose(t, tab, "topic", "accountability")
	if s = settled(t, tab, "topic=accountability"); len(s.URLs) != 1 {
		t.Errorf("with the topic facet: %+v", s)
	}

	// A date range that excludes the round, then one that includes it.
	choose(t, tab, "from", "2025")
	submit(t, tab)
	s = settled(t, tab, "from=2025")
	if len(s.URLs) != 0 || !strings.HasPrefix(s.Status, "No rounds found") {
		t.Errorf("from 2025: %+v", s)
	}
	choose(t, tab, "from", "2024")
	choose(t, tab, "to", "2024")
	submit(t, tab)
	s = settled(t, tab, "from=2024&to=2024")
	if !slices.Equal(s.URLs, []string{round}) {
		t.Errorf("2024–2024: %+v", s)
	}

	// Back restores the previous query, form and results.
	if _, err := browsertest.Eval[bool](tab, `(history.back(), true)`); err != nil {
		t.Fatal(err)
	}
	s = settled(t, tab, "from=2025")
	if len(s.URLs) != 0 || s.Form.From != "2025" || s.Form.To != "" || s.Form.Dialogue != "rok-us-north-korean-human-rights" {
		t.Errorf("after back: %+v", s)
	}

	// A shared URL opens with its results.
	if err := tab.Navigate(srv.URL + "search/?q=julie+turner&delegation=united-states"); err != nil {
		t.Fatal(err)
	}
	s = settled(t, tab, "delegation=united-states")
	if !slices.Equal(s.URLs, []string{round}) || s.Form.Q != "julie turner" || s.Form.Delegation != "united-states" {
		t.Errorf("opened from a URL: %+v", s)
	}
	if vs, err := tab.Axe(); err != nil || len(vs) != 0 {
		t.Errorf("axe on the search page with results: %v %v", err, vs)
	}
}

// TestSearchInBrowserKorean types Hangul into the search page of the
// fixture site (invented people with Hangul aliases).
func TestSearchInBrowserKorean(t *testing.T) {
	b := browsertest.Start(t)
	src := fixtureSource(t)
	files := browsertest.Build(t, src, "http://localhost/fixture/")
	srv := browsertest.Serve(t, files, "/fixture/")
	tab := b.Tab(t)
	if err := tab.Navigate(srv.URL + "search/"); err != nil {
		t.Fatal(err)
	}
	typeQuery(t, tab, "한서연")
	s := settled(t, tab, "q=한서연")
	if want := []string{"/fixture/dialogues/fisheries/round-2/", "/fixture/dialogues/fisheries/round-1/"}; !slices.Equal(s.URLs, want) {
		t.Errorf("한서연: %+v, want %q", s, want)
	}
	// A topic's Hangul alias, narrowed to a dialogue and years.
	typeQuery(t, tab, "어업 쿼터")
	settled(t, tab, "q=어업 쿼터")
	choose(t, tab, "dialogue", "fisheries")
	choose(t, tab, "from", "2020")
	submit(t, tab)
	s = settled(t, tab, "from=2020")
	if want := []string{"/fixture/dialogues/fisheries/round-3/"}; !slices.Equal(s.URLs, want) {
		t.Errorf("어업 쿼터 in fisheries from 2020: %+v, want %q", s, want)
	}
	// Accents are optional; the highlight is on the word as written.
	if err := tab.Navigate(srv.URL + "search/?q=" + url.QueryEscape("nunez ortega")); err != nil {
		t.Fatal(err)
	}
	s = settled(t, tab, "q=nunez ortega")
	if !slices.Equal(s.URLs, []string{"/fixture/dialogues/fisheries/round-2/"}) {
		t.Errorf("nunez ortega: %+v", s)
	}
}

// TestSearchWithoutJavaScript: the page says search needs JavaScript and
// links to the archive; the form stays hidden.
func TestSearchWithoutJavaScript(t *testing.T) {
	b := browsertest.Start(t)
	files := browsertest.Build(t, browsertest.RepoSite(t), "http://localhost/briefings/")
	srv := browsertest.Serve(t, files, "/briefings/")
	tab := b.Tab(t)
	if _, err := chromedp.Call(tab.Context(), emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := tab.Navigate(srv.URL + "search/?q=access"); err != nil {
		t.Fatal(err)
	}
	ctx := tab.Context()
	main, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#search-form"), "hidden"))
	if err != nil {
		t.Fatal(err)
	}
	archive, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`main a[href$="/archive/"]`), "href"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(main, "needs JavaScript") || !hidden.Exists || archive.Value != "/briefings/archive/" {
		t.Errorf("without JavaScript: form hidden %v, archive link %q, main:\n%s", hidden.Exists, archive.Value, main)
	}
}
