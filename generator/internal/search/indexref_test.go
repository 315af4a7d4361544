package search

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file keeps the first, plain implementation of the index as the
// definition the fast one must equal byte for byte: Normalize, the
// tokeniser, Snippet and Build as they were written before they were made
// fast (maps of strings, one pass per step).

var foldRef = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d",
	'ł': "l", 'þ': "th", 'ı': "i", 'ς': "σ",
}

func normalizeRef(s string) string {
	s = strings.ToLower(norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD")))
	var b strings.Builder
	var base rune
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.Is(unicode.Mn, r):
			if unicode.Is(unicode.Latin, base) {
				continue
			}
		default:
			base = r
		}
		if f, ok := foldRef[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

func tokensRef(s string) []string {
	var out []string
	forTokensRef(normalizeRef(s), func(t string) { out = append(out, t) })
	return out
}

func forTokensRef(n string, f func(string)) {
	start, count, cut := -1, 0, 0
	var first rune
	cjk := false
	var offs []int
	flush := func(end int) {
		switch {
		case start < 0:
		case cjk && len(offs) == 1:
			f(n[start:end])
		case cjk:
			offs = append(offs, end)
			for i := 0; i+2 < len(offs); i++ {
				f(n[offs[i]:offs[i+2]])
			}
		case count >= 2 || unicode.IsNumber(first):
			if count > MaxTokenRunes {
				end = cut
			}
			f(n[start:end])
		}
		start, count, offs = -1, 0, offs[:0]
	}
	for i, r := range n {
		if !isWord(r) {
			flush(i)
			continue
		}
		c := isCJK(r)
		mark := count > 0 && r >= utf8.RuneSelf && unicode.IsMark(r)
		if mark {
			c = cjk
		}
		if count > 0 && c != cjk {
			flush(i)
			mark = false
		}
		if count == 0 {
			start, first = i, r
		}
		cjk = c
		if cjk && !mark {
			offs = append(offs, i)
		}
		count++
		if count == MaxTokenRunes {
			cut = i + utf8.RuneLen(r)
		}
	}
	flush(len(n))
}

func snippetRef(s string, max int) string {
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

type docTermsRef struct {
	tf     map[string]float64
	length int
	facets []string
}

func analyseRef(d *Doc) docTermsRef {
	dt := docTermsRef{tf: map[string]float64{}}
	add := func(w float64, texts ...string) {
		for _, s := range texts {
			forTokensRef(normalizeRef(s), func(t string) {
				dt.length++
				if !stop[t] {
					dt.tf[t] += w
				}
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

func buildRef(docs []Doc) map[string][]byte {
	docs = append([]Doc(nil), docs...)
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].Date != docs[j].Date {
			return docs[i].Date < docs[j].Date
		}
		return docs[i].Key < docs[j].Key
	})
	n := len(docs)
	shards, per := ShardCounts(n)
	terms := make([]docTermsRef, n)
	total := 0
	for i := range docs {
		terms[i] = analyseRef(&docs[i])
		total += terms[i].length
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
	files := map[string][]byte{}
	shardTerms := make([]map[string]string, shards)
	for i := range shardTerms {
		shardTerms[i] = map[string]string{}
	}
	for t, ps := range postings {
		shardTerms[shardOf(t, shards)][t] = encodePostings(ps, isFacet(t))
	}
	for i, m := range shardTerms {
		files[termShardPath(i)] = marshal(m)
	}
	for i := 0; i*per < n; i++ {
		var recs [][5]string
		for _, d := range docs[i*per : min(n, (i+1)*per)] {
			recs = append(recs, [5]string{d.Title, d.URL, d.Date, d.Dialogue, snippetRef(d.Snippet, SnippetRunes)})
		}
		files[docShardPath(i)] = marshal(recs)
	}
	m := Manifest{Version: 1, Docs: n, Shards: shards, PerShard: per, PageSize: PageSize, Stop: Stopwords, Years: [][2]int{}}
	for i, d := range docs {
		if len(m.Years) == 0 || m.Years[len(m.Years)-1][0] != d.Year {
			m.Years = append(m.Years, [2]int{d.Year, i})
		}
	}
	files["search/index.json"] = marshal(m)
	return files
}

// sameFiles reports the first difference between an index and buildRef's
// files.
func sameFiles(t *testing.T, what string, ix *Index, want map[string][]byte) {
	t.Helper()
	got := ix.Files()
	if len(got) != len(want) {
		t.Fatalf("%s: %d files, want %d", what, len(got), len(want))
	}
	for _, f := range got {
		if w, ok := want[f.Path]; !ok || !bytes.Equal(f.Data, w) {
			t.Fatalf("%s: %s differs:\n got %.600s\nwant %.600s", what, f.Path, f.Data, w)
		}
	}
}

// mixedText returns random text of words in several scripts, with
// accents (composed and not), ligatures, format characters, capitals,
// numbers and punctuation.
func mixedText(r *rand.Rand, words int) string {
	pieces := []string{"access", "Information", "TRADE", "talks", "the", "of", "a", "José", "Jose\u0301", "Núñez", "Straße",
		"Søren", "Łukasz", "ΟΔΟΣ", "ｆｕｌｌ", "ﬁnal", "전영희", "김민준은", "北朝鮮の人権", "KOREA한국", "zero\u200bwidth", "हिन्दी",
		"Україна", "x\u0301\u0302y", "\u0301", "İstanbul", "2024–25", "Korea's", "e-mail@example.org", "snake_case", "—", "\xff",
		"ｶﾀｶﾅ", "か\u3099き", "①", "Ⅻ", "10⁵", "ǅ", strings.Repeat("long", 12), "Ağrı", "Tiếng", "\u00a0", "ﾂ\u05bfシ", "9", "x",
		"Ｉ", "ẞ", "ǈ", "\u0345", "Å", "Å", "ﬀ", "㎏", "Ǆ"}
	seps := []string{" ", " ", " ", ", ", ". ", "\n", "-", "", "(", ")"}
	var b strings.Builder
	for range words {
		b.WriteString(pieces[r.IntN(len(pieces))])
		b.WriteString(seps[r.IntN(len(seps))])
	}
	return b.String()
}

func TestNormalizeSame(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	inputs := append([]string(nil), tokenTable...)
	for range 20000 {
		inputs = append(inputs, mixedText(r, r.IntN(8)))
	}
	for _, s := range corpusBodies(t, 20) {
		inputs = append(inputs, s, MarkdownText(s))
	}
	cache := pieceCache{}
	for i := range maxPieces - 10 {
		cache[fmt.Sprint(i)] = "" // soon full: the test passes the point where it empties
	}
	var buf []byte
	for _, s := range inputs {
		want := normalizeRef(s)
		if got := Normalize(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
		buf = normalizeTo(buf, s, cache)
		if got := string(buf); got != want {
			t.Fatalf("normalizeTo(%q) with a cache = %q, want %q", s, got, want)
		}
		if got, want := Tokens(s), tokensRef(s); !slices.Equal(got, want) {
			t.Fatalf("Tokens(%q) = %q, want %q", s, got, want)
		}
	}
	if len(cache) >= maxPieces-10 {
		t.Errorf("the piece cache never emptied: %d pieces", len(cache))
	}
}

// FuzzNormalizeSame: Normalize and Tokens equal their plain definitions.
func FuzzNormalizeSame(f *testing.F) {
	for _, s := range tokenTable {
		f.Add(s)
	}
	f.Add("Jose\u0301 A\u0301\u0302 e\u0301\u0301x ǅungla")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Normalize(s), normalizeRef(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
		if got, want := Tokens(s), tokensRef(s); !slices.Equal(got, want) {
			t.Fatalf("Tokens(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestSnippetSame(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		s := mixedText(r, r.IntN(40))
		for _, max := range []int{0, 1, 5, 20, SnippetRunes} {
			if got, want := Snippet(s, max), snippetRef(s, max); got != want {
				t.Fatalf("Snippet(%q, %d) = %q, want %q", s, max, got, want)
			}
		}
	}
}

// randomDocs returns n documents with random text, facets and dates (with
// ties), some fields empty.
func randomDocs(r *rand.Rand, n int) []Doc {
	docs := make([]Doc, n)
	pick := func(k int, format string) []string {
		var out []string
		for range r.IntN(k + 1) {
			out = append(out, fmt.Sprintf(format, r.IntN(6)))
		}
		return out
	}
	for i := range docs {
		y := 2000 + r.IntN(4)
		docs[i] = Doc{
			Title: mixedText(r, r.IntN(6)), URL: fmt.Sprintf("/r/%d/", i), Date: fmt.Sprintf("%d-0%d-01", y, 1+r.IntN(3)), Year: y,
			Dialogue: mixedText(r, r.IntN(3)), Key: fmt.Sprintf("k%d", r.IntN(n)), Location: mixedText(r, r.IntN(2)),
			Summary: mixedText(r, r.IntN(10)), Body: mixedText(r, r.IntN(200)), Snippet: mixedText(r, r.IntN(80)),
			People: []string{mixedText(r, 2), mixedText(r, 1)}, Topics: []string{mixedText(r, 3)}, Extra: []string{mixedText(r, r.IntN(20))},
			Dialogues: pick(1, "dia-%d"), Participants: pick(3, "p\"%d"), Delegations: pick(2, "dé\\%d"), TopicKeys: pick(3, "t\u2028\x01%d"),
		}
		if r.IntN(5) == 0 {
			docs[i].Participants = append(docs[i].Participants, docs[i].Participants...) // repeated facets
		}
	}
	return docs
}

// TestBuildSame compares Build with buildRef on the sample archive,
// random archives of several sizes and a generated archive.
func TestBuildSame(t *testing.T) {
	sameFiles(t, "sample", Build(sampleDocs()), buildRef(sampleDocs()))
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 2, 11, 50, 400} {
		docs := randomDocs(r, n)
		sameFiles(t, fmt.Sprintf("%d random docs", n), Build(docs), buildRef(docs))
	}
	docs := corpusDocs(t, 300)
	sameFiles(t, "corpus", Build(docs), buildRef(docs))
}

// TestBuildWithMemoSame rebuilds through a memo while documents change,
// appear and go, and compares every index with buildRef's.
func TestBuildWithMemoSame(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	docs := randomDocs(r, 120)
	m := NewMemo()
	for step := range 6 {
		sameFiles(t, fmt.Sprintf("step %d", step), BuildWith(docs, m), buildRef(docs))
		switch step % 3 {
		case 0: // edit some bodies
			for range 5 {
				docs[r.IntN(len(docs))].Body = mixedText(r, 50)
			}
		case 1: // drop and add documents
			docs = append(docs[10:], randomDocs(r, 15)...)
		case 2: // nothing changes
		}
	}
}

func TestTake(t *testing.T) {
	ix := Build(sampleDocs())
	want := ix.Files()
	for _, f := range want {
		if got := ix.Take(f.Path); !bytes.Equal(got, f.Data) {
			t.Fatalf("Take(%s) = %.80q, want %.80q", f.Path, got, f.Data)
		}
		if got := ix.File(f.Path); got != nil {
			t.Fatalf("File(%s) after Take = %.80q, want nil", f.Path, got)
		}
	}
	if len(ix.Files()) != 0 {
		t.Errorf("%d files left after taking every one", len(ix.Files()))
	}
}
