package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Doc is one searchable round.
type Doc struct {
	// Shown in results.
	Title    string
	URL      string // root-relative, as the result links to it
	Date     string // YYYY-MM-DD
	Year     int
	Dialogue string // the dialogue's title
	Snippet  string // plain text; cut to SnippetRunes by Build

	// Key breaks ties between documents of one date, e.g. "dialogue/round".
	Key string

	// Searchable text, by field.
	People   []string // participants' names, aliases, roles, delegations
	Topics   []string // topics' names and aliases
	Location string
	Summary  string
	Body     string   // plain text
	Extra    []string // outcomes, side meetings, sources: body weight

	// Facets: stable keys (slugs), one list per facet.
	Dialogues, Participants, Delegations, TopicKeys []string
}

// Field weights: a word in the title counts six times a word in the body.
const (
	weightTitle    = 6
	weightPeople   = 5
	weightTopics   = 4
	weightDialogue = 2
	weightLocation = 2
	weightSummary  = 2
	weightBody     = 1
)

// BM25 constants and the scale of stored weights.
const (
	bm25K1    = 1.2
	bm25B     = 0.75
	maxWeight = 31
)

// Facet kinds and the prefixes of their terms, as named in search URLs.
var facetPrefix = map[string]string{"dialogue": "d:", "participant": "p:", "delegation": "g:", "topic": "t:"}

// FacetTerm returns the index term of a facet value, e.g. ("dialogue",
// "rok-us") → "d:rok-us"; "" for an unknown facet kind.
func FacetTerm(kind, key string) string {
	p, ok := facetPrefix[kind]
	if !ok || key == "" {
		return ""
	}
	return p + key
}

// PageSize is how many results a page shows; SnippetRunes the longest
// snippet.
const (
	PageSize     = 20
	SnippetRunes = 220
)

// ShardCounts returns how many term shards and how many documents per
// result shard an archive of n rounds gets: about one term shard per ten
// rounds (a power of two, 1–1024) and ten results per shard up to 10,000
// rounds, more beyond so the number of files stays near 2,000.
func ShardCounts(n int) (termShards, perShard int) {
	termShards = 1
	for termShards < 1024 && termShards*10 < n {
		termShards *= 2
	}
	perShard = 10
	if n > 10000 {
		perShard = (n + 999) / 1000
	}
	return termShards, perShard
}

// Manifest is search/index.json.
type Manifest struct {
	Version  int      `json:"version"`
	Docs     int      `json:"docs"`
	Shards   int      `json:"shards"`   // term shards
	PerShard int      `json:"perShard"` // documents per result shard
	PageSize int      `json:"pageSize"`
	Years    [][2]int `json:"years"` // [year, first document], ascending
	Stop     []string `json:"stop"`
}

// File is one output file.
type File struct {
	Path string
	Data []byte
}

// Index is a built index: its files, by path.
type Index struct {
	Manifest Manifest
	files    map[string][]byte
}

// Paths returns every file path the index of n documents has, sorted; it
// does not need the index, so callers can plan one job per file.
func Paths(n int) []string {
	shards, per := ShardCounts(n)
	out := []string{"search/index.json"}
	for i := 0; i < shards; i++ {
		out = append(out, termShardPath(i))
	}
	for i := 0; i*per < n; i++ {
		out = append(out, docShardPath(i))
	}
	sort.Strings(out)
	return out
}

func termShardPath(i int) string { return fmt.Sprintf("search/t/%03x.json", i) }
func docShardPath(i int) string  { return fmt.Sprintf("search/d/%d.json", i) }

// File returns the bytes of one path of Paths, nil for another path.
func (ix *Index) File(path string) []byte { return ix.files[path] }

// Files returns every file, sorted by path.
func (ix *Index) Files() []File {
	out := make([]File, 0, len(ix.files))
	for p, d := range ix.files {
		out = append(out, File{p, d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// shardOf returns the term shard of a term: FNV-1a (32 bits) of its UTF-8
// bytes modulo the shard count.
func shardOf(term string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(term))
	return int(h.Sum32() % uint32(shards))
}

// docTerms is what one document contributes: weighted term frequencies,
// its length in tokens, and its facet terms.
type docTerms struct {
	tf     map[string]float64
	length int
	facets []string
}

// analyse counts the terms of d. Terms are slices of the normalised text;
// a term kept as a map key is first looked up in intern (one per worker)
// and copied there once, so the terms of every document share one copy of
// each word and no document's normalised text stays alive (at 10k rounds
// that text was about 100 MB of the live heap).
func analyse(d *Doc, intern map[string]string) docTerms {
	dt := docTerms{tf: map[string]float64{}}
	add := func(w float64, texts ...string) {
		for _, s := range texts {
			forTokens(Normalize(s), func(t string) {
				dt.length++
				if stop[t] {
					return
				}
				k, ok := intern[t]
				if !ok {
					k = strings.Clone(t)
					intern[k] = k
				}
				dt.tf[k] += w
			})
		}
	}
	add(weightTitle, d.Title)
	add(weightPeople, d.People...)
	add(weightTopics, d.Topics...)
	add(weightDialogue, d.Dialogue)
	add(weightLocation, d.Location)
	add(weightSummary, d.Summary)
	add(weightBody, d.Body)
	add(weightBody, d.Extra...)
	for kind, keys := range map[string][]string{"dialogue": d.Dialogues, "participant": d.Participants, "delegation": d.Delegations, "topic": d.TopicKeys} {
		for _, k := range keys {
			if t := FacetTerm(kind, k); t != "" {
				dt.facets = append(dt.facets, t)
			}
		}
	}
	return dt
}

// Build indexes docs; see the package doc for the files.
func Build(docs []Doc) *Index { return build(docs, nil) }

func build(docs []Doc, memo *Memo) *Index {
	docs = append([]Doc(nil), docs...)
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].Date != docs[j].Date {
			return docs[i].Date < docs[j].Date
		}
		return docs[i].Key < docs[j].Key
	})
	n := len(docs)
	shards, per := ShardCounts(n)

	// Tokenise in parallel; everything after is in document order.
	terms := make([]docTerms, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			intern := map[string]string{}
			for i := w; i < n; i += workers {
				if memo != nil {
					if t, ok := memo.lookup(&docs[i]); ok {
						terms[i] = t
					} else {
						terms[i] = analyse(&docs[i], intern)
						memo.store(docs[i], terms[i])
					}
				} else {
					terms[i] = analyse(&docs[i], intern)
				}
				// Only analyse reads these; let the text go.
				docs[i].Body, docs[i].Extra = "", nil
			}
		}()
	}
	wg.Wait()

	total := 0
	for _, dt := range terms {
		total += dt.length
	}
	avg := 1.0
	if n > 0 && total > 0 {
		avg = float64(total) / float64(n)
	}
	postings := map[string][]Posting{}
	for i, dt := range terms {
		lnorm := bm25K1 * (1 - bm25B + bm25B*float64(dt.length)/avg)
		for t, tf := range dt.tf {
			s := tf * (bm25K1 + 1) / (tf + lnorm)
			w := int(math.Round(s / (bm25K1 + 1) * maxWeight))
			postings[t] = append(postings[t], Posting{Doc: i, Weight: min(max(w, 1), maxWeight)})
		}
		seen := map[string]bool{}
		for _, t := range dt.facets {
			if !seen[t] {
				seen[t] = true
				postings[t] = append(postings[t], Posting{Doc: i})
			}
		}
	}

	ix := &Index{files: map[string][]byte{}}
	shardTerms := make([]map[string]string, shards)
	for i := range shardTerms {
		shardTerms[i] = map[string]string{}
	}
	for t, ps := range postings {
		shardTerms[shardOf(t, shards)][t] = encodePostings(ps, isFacet(t))
	}
	for i, m := range shardTerms {
		ix.files[termShardPath(i)] = marshal(m)
	}
	for i := 0; i*per < n; i++ {
		var recs [][5]string
		for _, d := range docs[i*per : min(n, (i+1)*per)] {
			recs = append(recs, [5]string{d.Title, d.URL, d.Date, d.Dialogue, Snippet(d.Snippet, SnippetRunes)})
		}
		ix.files[docShardPath(i)] = marshal(recs)
	}
	m := Manifest{Version: 1, Docs: n, Shards: shards, PerShard: per, PageSize: PageSize, Stop: Stopwords, Years: [][2]int{}}
	for i, d := range docs {
		if len(m.Years) == 0 || m.Years[len(m.Years)-1][0] != d.Year {
			m.Years = append(m.Years, [2]int{d.Year, i})
		}
	}
	ix.Manifest = m
	ix.files["search/index.json"] = marshal(m)
	return ix
}

// marshal writes JSON without HTML escaping (the files are fetched, never
// inlined into HTML); encoding/json sorts map keys, so output is stable.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Strings, ints and maps of them always encode.
		return []byte("null\n")
	}
	return buf.Bytes()
}

// Snippet collapses white space in s and cuts it to at most max runes at a
// word boundary, adding "…" when cut.
func Snippet(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut, count := 0, 0
	for i := range s {
		if count == max {
			cut = i
			break
		}
		count++
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,;:.") + "…"
}
