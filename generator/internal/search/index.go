package search

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
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
// They are integers, so a document's weighted term frequencies are too.
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

	mu    sync.Mutex
	files map[string][]byte
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
func (ix *Index) File(path string) []byte {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.files[path]
}

// Take is File, and forgets the bytes: for a caller that writes each file
// once and wants the index's memory to shrink as it does (not for an
// index that a Memo may return again).
func (ix *Index) Take(path string) []byte {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	b := ix.files[path]
	delete(ix.files, path)
	return b
}

// Files returns every file, sorted by path.
func (ix *Index) Files() []File {
	ix.mu.Lock()
	defer ix.mu.Unlock()
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
	h := uint32(2166136261)
	for i := 0; i < len(term); i++ {
		h ^= uint32(term[i])
		h *= 16777619
	}
	return int(h % uint32(shards))
}

// Build indexes docs; see the package doc for the files.
func Build(docs []Doc) *Index { return BuildWith(docs, nil) }

// BuildWith is Build with a memo (nil: none).
func BuildWith(docs []Doc, m *Memo) *Index {
	b := NewBuilder(len(docs), m)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs); i += workers {
				b.Add(i, docs[i])
			}
		})
	}
	wg.Wait()
	return b.Index()
}

// A Builder indexes documents one at a time, so that a caller that makes
// them on several goroutines never holds the text of them all: Add
// analyses a document at once and keeps only what a result shows and its
// term counts, a few hundred bytes. Index then numbers the documents and
// writes the files. The index equals Build's of the same documents.
type Builder struct {
	memo  *Memo
	dict  *dict
	slots []slot
	pool  sync.Pool // of *analyser
}

// slot is what Builder keeps of the document added as number i.
type slot struct {
	date, key string
	year      int
	result    [5]string // title, URL, date, dialogue title, snippet
	terms     []byte    // see analyser.analyse
	hash      uint64    // of the whole document, with a memo
}

// NewBuilder returns a builder for n documents, numbered 0 to n−1 by the
// caller, with a memo (nil: none).
func NewBuilder(n int, m *Memo) *Builder {
	b := &Builder{memo: m, slots: make([]slot, n)}
	if m != nil {
		m.mu.Lock()
		m.gen++
		m.mu.Unlock()
		b.dict = m.dict
	} else {
		b.dict = newDict()
	}
	b.pool.New = func() any { return &analyser{dict: b.dict, ids: newTermTable(), pieces: pieceCache{}} }
	return b
}

// Add analyses d as document i. It is safe to call from several
// goroutines, each i once; d's text is not kept.
func (b *Builder) Add(i int, d Doc) {
	s := &b.slots[i]
	s.date, s.key, s.year = d.Date, d.Key, d.Year
	s.result = [5]string{d.Title, d.URL, d.Date, d.Dialogue, Snippet(d.Snippet, SnippetRunes)}
	if b.memo != nil {
		s.hash = b.memo.hashDoc(&d)
		if t, ok := b.memo.lookup(&d); ok {
			s.terms = t
			return
		}
	}
	a := b.pool.Get().(*analyser)
	s.terms = a.analyse(&d)
	b.pool.Put(a)
	if b.memo != nil {
		b.memo.store(d, s.terms)
	}
}

// Index returns the index of the documents added.
func (b *Builder) Index() *Index {
	if b.memo != nil {
		return b.memo.index(b)
	}
	return b.build()
}

// analyser is one goroutine's scratch space for analysing documents.
type analyser struct {
	dict    *dict
	ids     termTable // the terms of dict this analyser has met
	tf      []uint32  // weighted term frequency by term number; zero between documents
	touched []int32   // the terms of the document
	facets  []int32
	length  int
	text    []byte // normalised text
	pieces  pieceCache
	offs    []int
	out     []byte
}

// id returns the number of term t.
func (a *analyser) id(t []byte) int32 {
	h := maphash.Bytes(a.ids.seed, t)
	if id, ok := a.ids.find(h, t); ok {
		return id
	}
	id, term := a.dict.add(t)
	a.ids.put(h, term, id)
	return id
}

// termTable maps terms to their numbers: an open-addressing hash table
// keyed by bytes. (A map[string]int32 here took a third of the time of
// indexing; this takes half as long.)
type termTable struct {
	seed  maphash.Seed
	slots []termSlot // a power of two of them, at most half full
	used  int
}

type termSlot struct {
	hash uint64
	term string // "" in an empty slot; a term is never empty
	id   int32
}

func newTermTable() termTable {
	return termTable{seed: maphash.MakeSeed(), slots: make([]termSlot, 1024)}
}

func (t *termTable) find(h uint64, term []byte) (int32, bool) {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.term == "" {
			return 0, false
		}
		if s.hash == h && s.term == string(term) {
			return s.id, true
		}
	}
}

func (t *termTable) put(h uint64, term string, id int32) {
	if 2*(t.used+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]termSlot, 2*len(old))
		t.used = 0
		for _, s := range old {
			if s.term != "" {
				t.put(s.hash, s.term, s.id)
			}
		}
	}
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].term != "" {
		i = (i + 1) & mask
	}
	t.slots[i] = termSlot{h, term, id}
	t.used++
}

// count adds the tokens of the texts, with weight w.
func (a *analyser) count(w uint32, texts ...string) {
	for _, s := range texts {
		a.text = normalizeTo(a.text, s, a.pieces)
		forTokens(a.text, &a.offs, func(t []byte) {
			a.length++
			id := a.id(t)
			if id < numStop {
				return
			}
			if int(id) >= len(a.tf) {
				a.tf = append(a.tf, make([]uint32, int(id)+1-len(a.tf)+len(a.tf)/2)...)
			}
			if a.tf[id] == 0 {
				a.touched = append(a.touched, id)
			}
			a.tf[id] += w
		})
	}
}

// analyse returns the term counts of d: its length in tokens, then the
// number of its terms and each with its weighted frequency, then the
// number of its facet terms and each, all as uvarints.
func (a *analyser) analyse(d *Doc) []byte {
	a.length = 0
	a.count(weightTitle, d.Title)
	a.count(weightPeople, d.People...)
	a.count(weightTopics, d.Topics...)
	a.count(weightDialogue, d.Dialogue)
	a.count(weightLocation, d.Location)
	a.count(weightSummary, d.Summary)
	a.count(weightBody, d.Body)
	a.count(weightBody, d.Extra...)
	a.facets = a.facets[:0]
	for _, f := range []struct {
		kind string
		keys []string
	}{{"dialogue", d.Dialogues}, {"participant", d.Participants}, {"delegation", d.Delegations}, {"topic", d.TopicKeys}} {
		for _, k := range f.keys {
			if t := FacetTerm(f.kind, k); t != "" {
				a.facets = append(a.facets, a.id([]byte(t)))
			}
		}
	}
	slices.Sort(a.facets)
	a.facets = slices.Compact(a.facets)
	out := binary.AppendUvarint(a.out[:0], uint64(a.length))
	out = binary.AppendUvarint(out, uint64(len(a.touched)))
	for _, id := range a.touched {
		out = binary.AppendUvarint(out, uint64(id))
		out = binary.AppendUvarint(out, uint64(a.tf[id]))
		a.tf[id] = 0
	}
	out = binary.AppendUvarint(out, uint64(len(a.facets)))
	for _, id := range a.facets {
		out = binary.AppendUvarint(out, uint64(id))
	}
	a.touched = a.touched[:0]
	a.out = out
	return bytes.Clone(out)
}

// termCounts reads what analyse wrote.
type termCounts struct{ b []byte }

func (r *termCounts) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	r.b = r.b[n:]
	return v
}

// dict numbers terms: the stop words are 0 to numStop−1, other terms get
// numbers as they are met. Safe for concurrent use.
type dict struct {
	mu    sync.Mutex
	ids   map[string]int32
	terms []string
}

var numStop = int32(len(Stopwords))

func newDict() *dict {
	d := &dict{ids: map[string]int32{}}
	for _, w := range Stopwords {
		d.add([]byte(w))
	}
	return d
}

// add returns the number of t, numbering it if it is new, and the dict's
// copy of t.
func (d *dict) add(t []byte) (int32, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.ids[string(t)]; ok {
		return id, d.terms[id]
	}
	term := string(t)
	id := int32(len(d.terms))
	d.ids[term] = id
	d.terms = append(d.terms, term)
	return id, term
}

// snapshot returns the terms numbered so far.
func (d *dict) snapshot() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.terms[:len(d.terms):len(d.terms)]
}

// build numbers the documents by date, then key, then the order they
// were added in, and writes the index. It frees the term counts as it
// reads them.
func (b *Builder) build() *Index {
	n := len(b.slots)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		x, y := &b.slots[i], &b.slots[j]
		if c := strings.Compare(x.date, y.date); c != 0 {
			return c
		}
		if c := strings.Compare(x.key, y.key); c != 0 {
			return c
		}
		return int(i - j)
	})
	shards, per := ShardCounts(n)

	total := 0
	for i := range b.slots {
		l, _ := binary.Uvarint(b.slots[i].terms)
		total += int(l)
	}
	avg := 1.0
	if n > 0 && total > 0 {
		avg = float64(total) / float64(n)
	}

	// Postings, by term number, written as the documents are read in
	// order: each term's list is already its file text.
	terms := b.dict.snapshot()
	postings := make([][]byte, len(terms))
	last := make([]int32, len(terms)) // the last document of each list, +1
	for doc, i := range order {
		s := &b.slots[i]
		r := termCounts{b: s.terms}
		length := r.uvarint()
		lnorm := bm25K1 * (1 - bm25B + bm25B*float64(length)/avg)
		for k := r.uvarint(); k > 0; k-- {
			id := r.uvarint()
			tf := float64(r.uvarint())
			sat := tf * (bm25K1 + 1) / (tf + lnorm)
			w := int(math.Round(sat / (bm25K1 + 1) * maxWeight))
			p := appendVLQ(postings[id], doc-int(last[id]))
			postings[id] = appendVLQ(p, min(max(w, 1), maxWeight))
			last[id] = int32(doc + 1)
		}
		for k := r.uvarint(); k > 0; k-- {
			id := r.uvarint()
			postings[id] = appendVLQ(postings[id], doc-int(last[id]))
			last[id] = int32(doc + 1)
		}
		s.terms = nil // a memo keeps its own reference
	}
	last = nil

	ix := &Index{files: make(map[string][]byte, 1+shards+(n+per-1)/per)}
	byShard := make([][]int32, shards)
	for id, p := range postings {
		if len(p) > 0 {
			sh := shardOf(terms[id], shards)
			byShard[sh] = append(byShard[sh], int32(id))
		}
	}
	for sh, ids := range byShard {
		slices.SortFunc(ids, func(i, j int32) int { return strings.Compare(terms[i], terms[j]) })
		size := 2
		for _, id := range ids {
			size += len(terms[id]) + len(postings[id]) + 6
		}
		out := make([]byte, 0, size)
		out = append(out, '{')
		for k, id := range ids {
			if k > 0 {
				out = append(out, ',')
			}
			out = appendJSONString(out, terms[id])
			out = append(out, ':', '"')
			out = append(out, postings[id]...)
			out = append(out, '"')
			postings[id] = nil
		}
		out = append(out, '}', '\n')
		ix.files[termShardPath(sh)] = out
		byShard[sh] = nil
	}
	for i := 0; i*per < n; i++ {
		var recs [][5]string
		for _, k := range order[i*per : min(n, (i+1)*per)] {
			recs = append(recs, b.slots[k].result)
		}
		ix.files[docShardPath(i)] = marshal(recs)
	}
	m := Manifest{Version: 1, Docs: n, Shards: shards, PerShard: per, PageSize: PageSize, Stop: Stopwords, Years: [][2]int{}}
	for doc, i := range order {
		if y := b.slots[i].year; len(m.Years) == 0 || m.Years[len(m.Years)-1][0] != y {
			m.Years = append(m.Years, [2]int{y, doc})
		}
	}
	ix.Manifest = m
	ix.files["search/index.json"] = marshal(m)
	return ix
}

// appendJSONString appends s as encoding/json writes it (without HTML
// escaping): printable ASCII other than " and \ as it is; any other
// string through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return append(b, bytes.TrimSuffix(marshal(s), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
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
// word boundary, adding "…" when cut. It reads no more of s than it needs.
func Snippet(s string, max int) string {
	b := make([]byte, 0, min(len(s), utf8.UTFMax*(max+1)))
	n, cut := 0, -1 // runes in b; the length of the first max runes, when there are more
	space := false
	for i := 0; i < len(s) && cut < 0; {
		r, w := rune(s[i]), 1
		isSpace := false
		if r < utf8.RuneSelf {
			isSpace = asciiSpace(byte(r))
		} else {
			r, w = utf8.DecodeRuneInString(s[i:])
			isSpace = unicode.IsSpace(r)
		}
		switch {
		case isSpace:
			space = len(b) > 0
		case n == max:
			cut = len(b)
		case space:
			b = append(b, ' ')
			n++
			space = false
			continue // the rune again
		default:
			b = append(b, s[i:i+w]...)
			n++
		}
		i += w
	}
	if cut < 0 {
		return string(b)
	}
	if sp := bytes.LastIndexByte(b[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return strings.TrimRight(string(b[:cut]), " ,;:.") + "…"
}
