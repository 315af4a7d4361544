package build

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

// atom is what a feed reader reads of an Atom feed.
type atom struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  string      `xml:"author>name"`
	Links   []atomHref  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomHref struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomHref `xml:"link"`
	Summary string     `xml:"summary"`
}

func (f atom) link(rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// parseFeed decodes a feed and checks what every valid Atom feed of ours
// must have: id, title, updated and author; absolute URLs; each entry with
// an id equal to its alternate link (the round's canonical URL), a title
// and an updated time.
func parseFeed(t *testing.T, out map[string][]byte, name, origin string) atom {
	t.Helper()
	data, ok := out[name]
	if !ok {
		t.Fatalf("%s is missing", name)
	}
	var f atom
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: not well-formed Atom: %v", name, err)
	}
	if f.ID == "" || f.Title == "" || f.Updated == "" || f.Author == "" {
		t.Errorf("%s: id %q, title %q, updated %q, author %q: all are required", name, f.ID, f.Title, f.Updated, f.Author)
	}
	if self := f.link("self"); self != origin+name || f.ID != self {
		t.Errorf("%s: self link %q and id %q, want both %q", name, self, f.ID, origin+name)
	}
	for _, e := range f.Entries {
		alt := ""
		for _, l := range e.Links {
			if l.Rel == "alternate" {
				alt = l.Href
			}
		}
		if e.ID == "" || e.ID != alt || !strings.HasPrefix(e.ID, origin+"dialogues/") || !strings.HasSuffix(e.ID, "/") {
			t.Errorf("%s: entry %q has id %q and link %q, want the round's canonical URL for both", name, e.Title, e.ID, alt)
		}
		if e.Title == "" || e.Updated == "" {
			t.Errorf("%s: entry %q lacks a title or updated time", name, e.ID)
		}
	}
	return f
}

func entryIDs(f atom, origin string) []string {
	var ids []string
	for _, e := range f.Entries {
		ids = append(ids, strings.TrimPrefix(e.ID, origin))
	}
	return ids
}

func loadTxtar(t testing.TB, file string) fstest.MapFS {
	t.Helper()
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range a.Files {
		if !strings.HasPrefix(f.Name, "want/") && f.Name != "flags" {
			fsys[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	return fsys
}

// TestFacetFeeds checks the Atom feed of each dialogue, participant and
// topic of the cross-link site: its entries (newest first, drafts left
// out, side meetings counted), ids, self and alternate links, and the
// <link rel=alternate> that advertises it on its page.
func TestFacetFeeds(t *testing.T) {
	out, _, res := renderFS(t, loadTxtar(t, "testdata/sites/crosslinks.txtar"), Options{})
	if res.Failed() {
		t.Fatalf("build failed: %v", res.Diagnostics)
	}
	const origin = "https://example.org/sub/"
	for _, tc := range []struct {
		page, title string
		entries     []string
	}{
		{"dialogues/alpha/", "Alpha dialogue · Cross-link test",
			[]string{"dialogues/alpha/four/", "dialogues/alpha/two/", "dialogues/alpha/one/"}},
		{"dialogues/beta/", "Beta dialogue · Cross-link test",
			[]string{"dialogues/beta/first/"}},
		{"participants/kim-min-jun/", "Rounds with Kim Min-jun · Cross-link test",
			[]string{"dialogues/alpha/two/", "dialogues/alpha/one/", "dialogues/beta/first/"}},
		{"participants/park-ji-woo/", "Rounds with Park Ji-woo · Cross-link test", // a side meeting only
			[]string{"dialogues/alpha/one/"}},
		{"topics/trade-and-tariffs/", "Rounds on Trade and tariffs · Cross-link test",
			[]string{"dialogues/alpha/two/", "dialogues/alpha/one/", "dialogues/beta/first/"}},
		{"topics/security/", "Rounds on Security · Cross-link test",
			[]string{"dialogues/alpha/four/", "dialogues/alpha/one/"}},
	} {
		t.Run(tc.page, func(t *testing.T) {
			f := parseFeed(t, out, tc.page+"feed.xml", origin)
			if got := entryIDs(f, origin); !slices.Equal(got, tc.entries) {
				t.Errorf("entries %q, want %q", got, tc.entries)
			}
			if f.Title != tc.title {
				t.Errorf("title %q, want %q", f.Title, tc.title)
			}
			if alt := f.link("alternate"); alt != origin+tc.page {
				t.Errorf("alternate link %q, want %q", alt, origin+tc.page)
			}
			if len(f.Entries) > 0 && f.Updated != f.Entries[0].Updated {
				t.Errorf("feed updated %q, newest entry %q", f.Updated, f.Entries[0].Updated)
			}
			advert := fmt.Sprintf(`<link rel="alternate" type="application/atom+xml" title="%s" href="/sub/%sfeed.xml">`, tc.title, tc.page)
			if page := string(out[tc.page+"index.html"]); !strings.Contains(page, advert) {
				t.Errorf("%sindex.html does not advertise its feed with %s", tc.page, advert)
			}
		})
	}
	// The site feed is unchanged, and pages without a feed of their own
	// advertise only it.
	parseFeed(t, out, "feed.xml", origin)
	if n := strings.Count(string(out["dialogues/alpha/one/index.html"]), `type="application/atom+xml"`); n != 1 {
		t.Errorf("a round page advertises %d feeds, want the site feed only", n)
	}
}

// TestFacetFeedLimitAndControlCharacters builds a dialogue of 55 rounds,
// one titled with control characters XML cannot carry: the feed holds the
// newest 50, newest first, and stays well-formed.
func TestFacetFeedLimitAndControlCharacters(t *testing.T) {
	fsys := fstest.MapFS{
		"config.yaml":                      {Data: []byte("title: Limits\nbase_url: https://example.org/\n")},
		"content/dialogues/long/_index.md": {Data: []byte("---\ntitle: \"Long \\x1B[31mdialogue\"\n---\n")},
	}
	for n := 1; n <= 55; n++ {
		title := fmt.Sprintf("Round %d", n)
		if n == 55 {
			title = `Round\x01 fifty-five\x0B`
		}
		fsys[fmt.Sprintf("content/dialogues/long/r%d.md", n)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: \"%s\"\ndate: %d-01-%02d\nround: %d\nparticipants: [Ann Example]\ntopics: [Tides]\n---\n", title, 1960+n, 1+n%28, n))}
	}
	out, diags, res := renderFS(t, fsys, Options{})
	if res.Failed() {
		t.Fatalf("build failed:\n%s", diags)
	}
	for _, name := range []string{"dialogues/long/feed.xml", "participants/ann-example/feed.xml", "topics/tides/feed.xml"} {
		f := parseFeed(t, out, name, "https://example.org/")
		ids := entryIDs(f, "https://example.org/")
		if len(ids) != 50 || ids[0] != "dialogues/long/r55/" || ids[49] != "dialogues/long/r6/" {
			t.Errorf("%s: %d entries from %v to %v, want 50 from r55 down to r6", name, len(ids), ids[0], ids[len(ids)-1])
		}
		if got := f.Entries[0].Title; got != "Round fifty-five" {
			t.Errorf("%s: newest entry title %q, want the control characters stripped", name, got)
		}
	}
	if f := parseFeed(t, out, "dialogues/long/feed.xml", "https://example.org/"); f.Title != "Long [31mdialogue · Limits" {
		t.Errorf("dialogue feed title %q, want the escape character stripped", f.Title)
	}
}
