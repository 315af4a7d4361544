package render

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"briefings/generator/internal/link"
	"briefings/generator/internal/search"
	"briefings/generator/internal/slug"
)

// The search page and its index (see package search for the format).

// searchJobs returns one job per file of the search index, which is built
// once by whichever job runs first (the file list depends only on the
// number of rounds, so it is known before the index is), plus the page.
func (r *renderer) searchJobs() []job {
	var once sync.Once
	var ix *search.Index
	var failed any
	build := func() {
		defer func() { failed = recover() }()
		var memo *search.Memo
		if r.opts.Cache != nil {
			memo = r.opts.Cache.search
		}
		ix = r.searchIndex(memo)
	}
	index := func() *search.Index {
		once.Do(build)
		if failed != nil {
			panic(failed) // in a job, where run reports it
		}
		return ix
	}
	// Keys (Reuse): every index file depends on every round, so all are
	// keyed by one digest of what the index is made from.
	var keyOnce sync.Once
	var digest string
	keyOf := func(p string) string {
		if r.keys == nil {
			return ""
		}
		keyOnce.Do(func() { digest = r.searchDigest() })
		return r.keyOf(p, "search-index", digest, nil)
	}
	if r.keys == nil || r.keys.keep == nil {
		// Start building now: the index is the longest single piece of
		// work of a build, and the jobs that write it come late; waiting
		// for the first of them left a core idle (profile of a 10k
		// build). With a previous build to keep files from, the index is
		// built only if a file of it cannot be kept.
		go once.Do(build)
	}
	var js []job
	for _, p := range search.Paths(len(r.a.Rounds)) {
		js = append(js, func(*renderer) (Output, error) {
			key := keyOf(p)
			if r.keys != nil && r.keys.keep != nil {
				if n, ok := r.keys.keep(p, key); ok {
					return Output{Path: p, Kind: "search-index", Key: key, Kept: true, Size: n}, nil
				}
			}
			var data []byte
			if r.opts.Cache != nil {
				data = index().File(p) // the cache's memo may reuse the index
			} else {
				data = index().Take(p) // nothing reuses it: let each file go once written
			}
			if data == nil {
				return Output{Path: p}, fmt.Errorf("search index has no %s", p)
			}
			return Output{Path: p, Kind: "search-index", Data: data, Key: key}, nil
		})
	}
	js = append(js, func(r *renderer) (Output, error) { return r.page("search/", "search", r.searchView()) })
	return js
}

// searchIndex describes every round for the index and indexes it, on
// every core; each round's text is analysed as soon as it is extracted
// and then dropped, so the text of all rounds is never held at once (at
// 100,000 rounds it was most of a gigabyte).
func (r *renderer) searchIndex(memo *search.Memo) *search.Index {
	b := search.NewBuilder(len(r.a.Rounds), memo)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(r.a.Rounds); i += workers {
				b.Add(i, r.searchDoc(r.a.Rounds[i]))
			}
		})
	}
	wg.Wait()
	return b.Index()
}

// searchDigest stands for everything the search index is made from: the
// SHA-256 of every round's document as searchDoc makes it, except that
// Markdown stands for its source (the text extracted from it is a function
// of the source alone), computed one round at a time.
func (r *renderer) searchDigest() string {
	h := sha256.New()
	w := bufio.NewWriterSize(h, 32<<10)
	for _, rd := range r.a.Rounds {
		hashValue(w, reflect.ValueOf(r.searchDocWith(rd, func(src string) string {
			sum := sha256.Sum256([]byte(src))
			return "\x00markdown-source:" + hex.EncodeToString(sum[:16])
		})))
	}
	w.Flush()
	return strconv.Itoa(len(r.a.Rounds)) + ":" + hex.EncodeToString(h.Sum(nil))
}

// searchDoc describes one round for the index.
func (r *renderer) searchDoc(rd *link.Round) search.Doc {
	return r.searchDocWith(rd, nil)
}

// searchDocWith is searchDoc with text, when set, in place of extracting
// the text of Markdown sources (searchDigest).
func (r *renderer) searchDocWith(rd *link.Round, text func(src string) string) search.Doc {
	d := search.Doc{
		Title:     rd.Title,
		URL:       r.u.path(rd.URL()),
		Date:      rd.Date.String(),
		Year:      rd.Date.Year,
		Dialogue:  rd.Dialogue.Title,
		Key:       fmt.Sprintf("%s/%09d/%s", rd.Dialogue.Slug, rd.Number, rd.Slug),
		Location:  rd.Location,
		Summary:   rd.Summary,
		Dialogues: []string{rd.Dialogue.Slug},
	}
	src, _ := rd.Body.Bytes() // a failure is reported by the round's page
	var body string
	switch c := r.opts.Cache; {
	case text != nil:
		body = text(string(src))
	case c != nil:
		body = c.markdownText(rd.File, src)
	default:
		body = search.MarkdownText(string(src))
	}
	d.Body, d.Snippet = body, rd.Summary
	if d.Snippet == "" {
		d.Snippet = body
	}
	for _, at := range rd.Attendees {
		d.People = append(d.People, entityNames(at.Person)...)
		d.People = append(d.People, at.Role, at.Delegation)
		d.Participants = append(d.Participants, at.Person.Slug)
		if k := slug.Make(at.Delegation); k != "" {
			d.Delegations = append(d.Delegations, k)
		}
	}
	for _, t := range rd.Topics {
		d.Topics = append(d.Topics, entityNames(t)...)
		d.TopicKeys = append(d.TopicKeys, t.Slug)
	}
	for _, o := range rd.Outcomes {
		if text != nil {
			d.Extra = append(d.Extra, text(o.Text))
		} else {
			d.Extra = append(d.Extra, search.MarkdownText(o.Text))
		}
	}
	for _, sm := range rd.SideMeetings {
		for _, p := range sm.People {
			d.Extra = append(d.Extra, entityNames(p)...)
		}
		d.Extra = append(d.Extra, sm.Note)
	}
	for _, s := range rd.Sources {
		d.Extra = append(d.Extra, s.Title, s.Publisher)
	}
	d.Extra = append(d.Extra, rd.NextRound)
	return d
}

// entityNames is a participant's or topic's display name and aliases.
func entityNames(e *link.Entity) []string {
	out := []string{e.Name}
	if e.Profile != nil {
		out = append(out, e.Profile.Aliases...)
	}
	return out
}

func (r *renderer) searchView() SearchView {
	v := SearchView{
		Page:           r.base("search", "search/", "Search", fmt.Sprintf("Search the %d rounds of the archive by words, names in any script, dialogue, participant, delegation, topic and year.", len(r.a.Rounds))),
		IndexURL:       r.u.path("search/"),
		ScriptURL:      r.u.path("assets/search.js"),
		SearchStyleURL: r.u.path("assets/search.css"),
		ArchiveURL:     r.u.path("archive/"),
	}
	for _, d := range r.a.Dialogues {
		if len(d.Rounds) > 0 {
			v.Dialogues = append(v.Dialogues, FacetOption{Value: d.Slug, Title: d.Title, Count: len(d.Rounds)})
		}
	}
	for _, e := range r.a.Participants {
		n := 0
		for _, er := range e.Rounds {
			if er.Attendee != nil {
				n++
			}
		}
		if n > 0 {
			v.Participants = append(v.Participants, FacetOption{Value: e.Slug, Title: e.Name, Count: n})
		}
	}
	for _, e := range r.a.Topics {
		if len(e.Rounds) > 0 {
			v.Topics = append(v.Topics, FacetOption{Value: e.Slug, Title: e.Name, Count: len(e.Rounds)})
		}
	}
	v.Delegations = delegations(r.a.Rounds)
	first, latest := dateSpan(r.a.Rounds)
	v.FirstYear, v.LastYear = first.Year, latest.Year
	return v
}

// delegations lists the delegations named at rounds, keyed by the slug of
// the name, each titled with its most used spelling (ties: the
// alphabetically first) and counting the rounds it sat at, by title.
func delegations(rounds []*link.Round) []FacetOption {
	type deleg struct {
		spellings map[string]int
		rounds    int
	}
	byKey := map[string]*deleg{}
	for _, rd := range rounds {
		seen := map[string]bool{}
		for _, at := range rd.Attendees {
			k := slug.Make(at.Delegation)
			if k == "" {
				continue
			}
			d := byKey[k]
			if d == nil {
				d = &deleg{spellings: map[string]int{}}
				byKey[k] = d
			}
			d.spellings[strings.TrimSpace(at.Delegation)]++
			if !seen[k] {
				seen[k] = true
				d.rounds++
			}
		}
	}
	out := make([]FacetOption, 0, len(byKey))
	for k, d := range byKey {
		best, n := "", 0
		for s, c := range d.spellings {
			if c > n || (c == n && s < best) {
				best, n = s, c
			}
		}
		out = append(out, FacetOption{Value: k, Title: best, Count: d.rounds})
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := slug.Key(out[i].Title), slug.Key(out[j].Title); a != b {
			return a < b
		}
		return out[i].Value < out[j].Value
	})
	return out
}
