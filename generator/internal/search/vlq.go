package search

import (
	"errors"
	"strings"
)

// Postings are written as base-64 VLQ numbers: each character carries five
// bits of the number, least significant first, plus a continuation bit
// (value 32), so every number below 32 is one character and the text needs
// no escaping in JSON.
const vlqAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

var vlqValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(vlqAlphabet); i++ {
		t[vlqAlphabet[i]] = int8(i)
	}
	return t
}()

// appendVLQ appends n (≥ 0) to b.
func appendVLQ(b []byte, n int) []byte {
	for {
		d := n & 31
		n >>= 5
		if n > 0 {
			b = append(b, vlqAlphabet[d|32])
			continue
		}
		return append(b, vlqAlphabet[d])
	}
}

var errVLQ = errors.New("malformed postings")

// decodeVLQ returns the numbers of s.
func decodeVLQ(s string) ([]int, error) {
	out := make([]int, 0, len(s))
	n, shift := 0, 0
	for i := 0; i < len(s); i++ {
		v := int(vlqValue[s[i]])
		if v < 0 || shift > 30 {
			return nil, errVLQ
		}
		n |= (v & 31) << shift
		if v&32 != 0 {
			shift += 5
			continue
		}
		out = append(out, n)
		n, shift = 0, 0
	}
	if shift != 0 {
		return nil, errVLQ
	}
	return out, nil
}

// Posting is one document of a term's list.
type Posting struct {
	Doc    int
	Weight int // 1–31; 0 for facet terms, which carry no weights
}

// isFacet reports whether a term is a facet term ("d:slug"), whose list
// holds document numbers only.
func isFacet(term string) bool { return strings.Contains(term, ":") }

// encodePostings writes a list sorted by Doc: gaps (doc − previous doc − 1,
// the first from −1), each followed by its weight unless the term is a
// facet term.
func encodePostings(ps []Posting, facet bool) string {
	b := make([]byte, 0, 2*len(ps))
	prev := -1
	for _, p := range ps {
		b = appendVLQ(b, p.Doc-prev-1)
		prev = p.Doc
		if !facet {
			b = appendVLQ(b, p.Weight)
		}
	}
	return string(b)
}

// decodePostings reverses encodePostings.
func decodePostings(s string, facet bool) ([]Posting, error) {
	ns, err := decodeVLQ(s)
	if err != nil {
		return nil, err
	}
	step := 2
	if facet {
		step = 1
	}
	if len(ns)%step != 0 {
		return nil, errVLQ
	}
	out := make([]Posting, 0, len(ns)/step)
	doc := -1
	for i := 0; i < len(ns); i += step {
		doc += ns[i] + 1
		p := Posting{Doc: doc}
		if !facet {
			p.Weight = ns[i+1]
		}
		out = append(out, p)
	}
	return out, nil
}
