package render

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strings"
	"unicode"

	"briefings/generator/internal/content"
	"briefings/generator/internal/link"
)

// FeedSize is how many rounds feed.xml and each facet feed carry.
const FeedSize = 50

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	Title   string      `xml:"title"`
	Sub     string      `xml:"subtitle,omitempty"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title     string      `xml:"title"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published"`
	Links     []atomLink  `xml:"link"`
	Summary   *atomText   `xml:"summary,omitempty"`
	Category  []atomCateg `xml:"category"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCateg struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// xmlText strips characters XML 1.0 cannot carry (C0 controls other than
// tab and newline, U+FFFE/FFFF), so feeds stay well-formed whatever editors
// paste.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return r
		}
		if r < 0x20 || r == 0xFFFE || r == 0xFFFF || (unicode.Is(unicode.Cc, r) && r >= 0x7F) {
			return -1
		}
		return r
	}, s)
}

func atomTime(d content.Date) string {
	if d.IsZero() {
		return "1970-01-01T00:00:00Z"
	}
	return d.String() + "T00:00:00Z"
}

// feed renders feed.xml: the latest FeedSize rounds. Entry IDs are the
// rounds' canonical URLs, stable across builds.
// atomFile makes the feed at rel from the value value builds.
func (r *renderer) atomFile(rel string, value func(*renderer) atomFeed) (Output, error) {
	return r.produce(rel, "feed", func(r *renderer) any { return value(r) }, func(v any) ([]byte, error) {
		return r.opts.Cache.output(rel, v, func() []byte { return marshalXML(v) }), nil
	})
}

func (r *renderer) feed() atomFeed {
	return r.atom(r.opts.Config.Title, r.opts.Config.Description, "feed.xml", "", latest(r.a.Rounds))
}

// Feed paths and titles of the facets: each dialogue, participant and topic
// has an Atom feed of its latest FeedSize rounds beside its page.
func feedPath(pageRel string) string { return pageRel + "feed.xml" }

func (r *renderer) dialogueFeedTitle(d *link.Dialogue) string {
	return d.Title + " · " + r.opts.Config.Title
}

func (r *renderer) entityFeedTitle(e *link.Entity) string {
	if e.Kind == link.Topic {
		return "Rounds on " + e.Name + " · " + r.opts.Config.Title
	}
	return "Rounds with " + e.Name + " · " + r.opts.Config.Title
}

// dialogueFeed renders /dialogues/<d>/feed.xml: the dialogue's latest
// rounds, newest first.
func (r *renderer) dialogueFeed(d *link.Dialogue) atomFeed {
	rounds := slices.Clone(d.Rounds)
	slices.SortFunc(rounds, func(a, b *link.Round) int {
		switch {
		case link.Newer(a, b):
			return -1
		case link.Newer(b, a):
			return 1
		}
		return 0
	})
	sub := d.Summary
	if sub == "" {
		sub = "New rounds of the " + d.Title + "."
	}
	return r.atom(r.dialogueFeedTitle(d), sub, feedPath(d.URL()), d.URL(), latest(rounds))
}

// entityFeed renders the feed of a participant (rounds at the table or at
// a side meeting) or a topic: its latest rounds, newest first.
func (r *renderer) entityFeed(e *link.Entity) atomFeed {
	var rounds []*link.Round
	seen := map[*link.Round]bool{}
	for _, er := range e.Rounds { // newest first
		if !seen[er.Round] {
			seen[er.Round] = true
			rounds = append(rounds, er.Round)
		}
	}
	sub := "New rounds in which " + e.Name + " took part."
	if e.Kind == link.Topic {
		sub = "New rounds that discussed " + e.Name + "."
	}
	return r.atom(r.entityFeedTitle(e), sub, feedPath(e.URL()), e.URL(), latest(rounds))
}

// latest keeps the first FeedSize rounds of a newest-first list.
func latest(rounds []*link.Round) []*link.Round {
	if len(rounds) > FeedSize {
		return rounds[:FeedSize]
	}
	return rounds
}

func (r *renderer) atom(title, subtitle, self, alternate string, rounds []*link.Round) atomFeed {
	f := atomFeed{
		Lang:  r.opts.Config.Language,
		Title: xmlText(title),
		Sub:   xmlText(subtitle),
		ID:    r.u.abs(self),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: r.u.abs(self)},
			{Rel: "alternate", Type: "text/html", Href: r.u.abs(alternate)},
		},
		Author: atomAuthor{Name: xmlText(r.opts.Config.Title)},
	}
	_, latest := dateSpan(rounds)
	f.Updated = atomTime(latest)
	for _, rd := range rounds {
		e := atomEntry{
			Title:     xmlText(rd.Title),
			ID:        r.u.abs(rd.URL()),
			Updated:   atomTime(rd.Date),
			Published: atomTime(rd.Date),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: r.u.abs(rd.URL())}},
			Summary:   &atomText{Type: "text", Body: xmlText(r.roundDescription(rd))},
		}
		for _, t := range rd.Topics {
			e.Category = append(e.Category, atomCateg{Term: t.Slug, Label: xmlText(t.Name)})
		}
		f.Entries = append(f.Entries, e)
	}
	return f
}

func marshalXML(v any) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic(err) // only fixed struct types are encoded: a bug, caught by run
	}
	b.WriteByte('\n')
	return b.Bytes()
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists every page with its absolute URL; lastmod comes from
// content dates, never from the clock.
func (r *renderer) sitemap() urlset {
	var s urlset
	add := func(rel string, d content.Date) {
		s.URLs = append(s.URLs, sitemapURL{Loc: r.u.abs(rel), LastMod: d.String()})
	}
	_, newest := dateSpan(r.a.Rounds)
	add("", newest)
	add("dialogues/", newest)
	for _, d := range r.a.Dialogues {
		_, l := dateSpan(d.Rounds)
		add(d.URL(), l)
	}
	for _, rd := range r.a.Rounds {
		add(rd.URL(), rd.Date)
	}
	add("participants/", newest)
	for _, e := range r.a.Participants {
		add(e.URL(), entityLatest(e))
	}
	add("topics/", newest)
	for _, e := range r.a.Topics {
		add(e.URL(), entityLatest(e))
	}
	add("archive/", newest)
	for _, p := range r.a.Pages {
		add(p.URL(), content.Date{})
	}
	for _, l := range pagedLists(r.a) {
		for n := 2; n <= pageCount(l.items); n++ {
			add(pageRel(l.rel, n), newest)
		}
	}
	return s
}

func entityLatest(e *link.Entity) content.Date {
	if len(e.Rounds) == 0 {
		return content.Date{}
	}
	return e.Rounds[0].Round.Date
}

func (r *renderer) robots() []byte {
	return []byte("User-agent: *\nAllow: /\n\nSitemap: " + r.u.abs("sitemap.xml") + "\n")
}
