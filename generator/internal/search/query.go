package search

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Params is a query as the search page's URL carries it:
// ?q=&dialogue=&participant=&delegation=&topic=&from=&to=&page=.
type Params struct {
	Q                                        string
	Dialogue, Participant, Delegation, Topic string
	From, To                                 int // years; 0 = open
	Page                                     int // 1-based; 0 counts as 1
}

// ParseParams reads Params from a URL query string; a number that is not
// 1–9 digits counts as absent, as in search.js.
func ParseParams(query string) Params {
	v, _ := url.ParseQuery(query)
	num := func(k string) int {
		s := strings.TrimSpace(v.Get(k))
		if len(s) == 0 || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
			return 0
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	return Params{Q: v.Get("q"), Dialogue: v.Get("dialogue"), Participant: v.Get("participant"),
		Delegation: v.Get("delegation"), Topic: v.Get("topic"), From: num("from"), To: num("to"), Page: num("page")}
}

// Empty reports whether p asks for nothing: the page then shows no
// results and fetches nothing.
func (p Params) Empty() bool {
	return strings.TrimSpace(p.Q) == "" && p.Dialogue == "" && p.Participant == "" && p.Delegation == "" &&
		p.Topic == "" && p.From == 0 && p.To == 0
}

// Record is one result as a result shard stores it.
type Record struct {
	ID                                  int
	Title, URL, Date, Dialogue, Snippet string
}

// Result is what a query shows and what it cost.
type Result struct {
	Total   int      // matching documents
	Terms   []string // the query's terms, stop words removed
	Page    []Record // the results of the requested page, best first
	Fetched []string // files read, in order: index, term shards, result shards
	Bytes   int64    // their total size
}

// Search evaluates p against a built site (fsys holds search/…) the way
// search.js does, reading only the files search.js would fetch.
func Search(fsys fs.FS, p Params) (Result, error) {
	var res Result
	if p.Empty() {
		return res, nil
	}
	read := func(path string, v any) error {
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		res.Fetched = append(res.Fetched, path)
		res.Bytes += int64(len(b))
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	var m Manifest
	if err := read("search/index.json", &m); err != nil {
		return res, err
	}
	if m.Shards < 1 || m.PerShard < 1 || m.PageSize < 1 {
		return res, fmt.Errorf("search/index.json: bad shard counts")
	}
	res.Terms = QueryTerms(p.Q)
	var facets []string
	for _, f := range [][2]string{{"dialogue", p.Dialogue}, {"participant", p.Participant}, {"delegation", p.Delegation}, {"topic", p.Topic}} {
		if t := FacetTerm(f[0], f[1]); t != "" {
			facets = append(facets, t)
		}
	}
	if len(res.Terms) == 0 && len(facets) == 0 && p.From == 0 && p.To == 0 {
		return res, nil // only stop words
	}
	lo, hi := m.idRange(p.From, p.To)

	// Fetch each distinct shard once, in ascending order.
	need := map[int]bool{}
	for _, t := range append(append([]string(nil), res.Terms...), facets...) {
		need[shardOf(t, m.Shards)] = true
	}
	order := make([]int, 0, len(need))
	for s := range need {
		order = append(order, s)
	}
	sort.Ints(order)
	shards := map[int]map[string]string{}
	for _, s := range order {
		var sh map[string]string
		if err := read(termShardPath(s), &sh); err != nil {
			return res, err
		}
		shards[s] = sh
	}
	lists := func(ts []string) ([][]Posting, error) {
		var out [][]Posting
		for _, t := range ts {
			enc, ok := shards[shardOf(t, m.Shards)][t]
			if !ok {
				return nil, nil // a term no document has: no results
			}
			ps, err := decodePostings(enc, isFacet(t))
			if err != nil {
				return nil, fmt.Errorf("term %q: %w", t, err)
			}
			out = append(out, ps)
		}
		return out, nil
	}
	termLists, err := lists(res.Terms)
	if err != nil || (termLists == nil && len(res.Terms) > 0) {
		return res, err
	}
	facetLists, err := lists(facets)
	if err != nil || (facetLists == nil && len(facets) > 0) {
		return res, err
	}
	ids := match(m.Docs, lo, hi, termLists, facetLists)
	res.Total = len(ids)

	page := max(p.Page, 1)
	start := (page - 1) * m.PageSize
	if start >= len(ids) {
		return res, nil
	}
	ids = ids[start:min(len(ids), start+m.PageSize)]
	recs := map[int][][5]string{}
	for _, id := range ids {
		s := id / m.PerShard
		if _, ok := recs[s]; ok {
			continue
		}
		var rs [][5]string
		if err := read(docShardPath(s), &rs); err != nil {
			return res, err
		}
		recs[s] = rs
	}
	for _, id := range ids {
		rs := recs[id/m.PerShard]
		i := id % m.PerShard
		if i >= len(rs) {
			return res, fmt.Errorf("%s: no document %d", docShardPath(id/m.PerShard), id)
		}
		r := rs[i]
		res.Page = append(res.Page, Record{ID: id, Title: r[0], URL: r[1], Date: r[2], Dialogue: r[3], Snippet: r[4]})
	}
	return res, nil
}

// idRange returns the documents [lo, hi) dated within the years from–to
// (0 = open; a reversed range is swapped).
func (m Manifest) idRange(from, to int) (lo, hi int) {
	if from > 0 && to > 0 && from > to {
		from, to = to, from
	}
	lo, hi = 0, m.Docs
	if from > 0 {
		lo = m.Docs
		for _, y := range m.Years {
			if y[0] >= from {
				lo = y[1]
				break
			}
		}
	}
	if to > 0 {
		for _, y := range m.Years {
			if y[0] > to {
				hi = y[1]
				break
			}
		}
	}
	return lo, max(lo, hi)
}

// IDF returns a term's inverse document frequency as stored scores use
// it: BM25's ln(1 + (N − df + ½)/(df + ½)), times 1000, rounded, so Go and
// JavaScript sum the same integers.
func IDF(n, df int) int {
	return int(math.Round(1000 * math.Log(1+(float64(n)-float64(df)+0.5)/(float64(df)+0.5))))
}

// match returns the documents in [lo, hi) on every list, ranked: by score
// (Σ IDF × weight over the term lists) descending, then newest first
// (higher document number). With no term lists every document in range
// matches with score 0.
func match(n, lo, hi int, terms, facets [][]Posting) []int {
	score := map[int]int{}
	var ids []int
	in := func(id int) bool { return id >= lo && id < hi }
	switch {
	case len(terms) > 0:
		base := terms[0]
		for _, l := range terms[1:] {
			if len(l) < len(base) {
				base = l
			}
		}
		for _, p := range base {
			if in(p.Doc) {
				score[p.Doc] = 0
			}
		}
		for _, l := range terms {
			idf := IDF(n, len(l))
			hits := map[int]bool{}
			for _, p := range l {
				if s, ok := score[p.Doc]; ok {
					score[p.Doc] = s + idf*p.Weight
					hits[p.Doc] = true
				}
			}
			for id := range score {
				if !hits[id] {
					delete(score, id)
				}
			}
		}
	case len(facets) > 0:
		for _, p := range facets[0] {
			if in(p.Doc) {
				score[p.Doc] = 0
			}
		}
		facets = facets[1:]
	default:
		for id := lo; id < hi; id++ {
			score[id] = 0
		}
	}
	for _, l := range facets {
		hits := map[int]bool{}
		for _, p := range l {
			hits[p.Doc] = true
		}
		for id := range score {
			if !hits[id] {
				delete(score, id)
			}
		}
	}
	for id := range score {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if score[ids[i]] != score[ids[j]] {
			return score[ids[i]] > score[ids[j]]
		}
		return ids[i] > ids[j]
	})
	return ids
}
