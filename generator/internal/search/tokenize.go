package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The tokeniser. layouts/assets/search.js implements the same steps with
// String.prototype.normalize, toLowerCase and \p{…} classes; a test runs
// both over one table of strings (TestTokensMatchJS). Change both or
// neither.

// MaxTokenRunes is the longest token kept; longer words are cut.
const MaxTokenRunes = 40

// Normalize returns s as the index compares it: NFKC, lower case,
// invisible format characters (Cf) dropped, combining marks (Mn) on Latin
// letters dropped (José → jose; Hangul, Devanagari and others keep theirs),
// the letters of appendFolded replaced, then NFC.
func Normalize(s string) string {
	if isASCII(s) {
		return asciiLower(s)
	}
	return string(normalizeTo(nil, s, nil))
}

// normalizeTo returns Normalize(s), written over buf. Every step of Normalize
// maps text between two ASCII characters on its own: no ASCII character
// composes with, decomposes into or reorders with a neighbour, and the
// Latin base a mark looks back to is reset by any ASCII character. So s is
// cut between every two adjacent ASCII bytes; the pieces that are ASCII
// are lower-cased, and only the pieces around other characters take the
// slow path (TestNormalizeSame checks this against whole strings), through
// cache when it is not nil.
func normalizeTo(buf []byte, s string, cache pieceCache) []byte {
	dst := buf[:0]
	for i := 0; i < len(s); {
		k := i
		for k < len(s) && s[k] < utf8.RuneSelf {
			k++
		}
		if k == len(s) {
			return appendLower(dst, s[i:])
		}
		// The piece around s[k] runs from the ASCII byte before it (a
		// cut lies before that byte: it is i, or follows another ASCII
		// byte) to the next cut between two ASCII bytes.
		start := max(i, k-1)
		dst = appendLower(dst, s[i:start])
		end := k + 1
		for end < len(s) && !(s[end-1] < utf8.RuneSelf && s[end] < utf8.RuneSelf) {
			end++
		}
		dst = cache.appendNormalized(dst, s[start:end])
		i = end
	}
	return dst
}

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// pieceCache keeps the normalised form of the pieces of text that take the
// slow path, by piece: in an archive they repeat (names, dashes between
// words). It forgets everything when it holds maxPieces pieces.
type pieceCache map[string]string

const maxPieces = 1 << 12

func (c pieceCache) appendNormalized(dst []byte, piece string) []byte {
	if c == nil {
		return appendNormalizedSlow(dst, piece)
	}
	if n, ok := c[piece]; ok {
		return append(dst, n...)
	}
	k := len(dst)
	dst = appendNormalizedSlow(dst, piece)
	if len(c) == maxPieces {
		clear(c)
	}
	c[strings.Clone(piece)] = string(dst[k:])
	return dst
}

// appendNormalizedSlow appends Normalize(s) to dst, which is empty, or
// ends with an ASCII character while s starts with one (so nothing of dst
// composes with s).
func appendNormalizedSlow(dst []byte, s string) []byte {
	s = strings.ToLower(norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD")))
	var b []byte
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
		b = appendFolded(b, r)
	}
	return norm.NFC.Append(dst, b...)
}

// appendFolded appends r, or for a letter that has no decomposition the
// ASCII a reader types for it (after lower-casing); the final sigma
// becomes σ because JavaScript lower-cases a word-final Σ to ς and Go
// never does.
func appendFolded(b []byte, r rune) []byte {
	switch r {
	case 'ß':
		return append(b, "ss"...)
	case 'æ':
		return append(b, "ae"...)
	case 'œ':
		return append(b, "oe"...)
	case 'ø':
		return append(b, 'o')
	case 'đ', 'ð':
		return append(b, 'd')
	case 'ł':
		return append(b, 'l')
	case 'þ':
		return append(b, "th"...)
	case 'ı':
		return append(b, 'i')
	case 'ς':
		return append(b, "σ"...)
	}
	return utf8.AppendRune(b, r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiLower lower-cases ASCII; control characters are Cc, not Cf, so an
// ASCII string needs nothing else.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// asciiWord tells the bytes that are ASCII letters and digits.
var asciiWord = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = isWord(rune(c))
	}
	return t
}()

// isWord reports whether r belongs to a word: a letter, number or mark.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// isCJK reports whether r is written without spaces between words, so it
// is indexed as character bigrams: Han, Hiragana, Katakana, Hangul (none
// of which has a character below U+1100).
func isCJK(r rune) bool {
	return r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// Tokens splits s into the terms the index stores, in order, with
// repeats: Normalize, then runs of letters, numbers and marks, each run cut
// where it passes between CJK and other scripts (a mark stays with the
// letter before it). A CJK part of one character (a letter and the marks
// after it) is a token; a longer one gives its overlapping character
// bigrams (전영희 → 전영, 영희). Another
// part is a token when it has at least two characters or is a number
// (a lone Latin letter such as the s of "Korea's" is not). Tokens are cut
// to MaxTokenRunes. Stop words are not removed here (see Stopwords).
func Tokens(s string) []string {
	var out []string
	var offs []int
	forTokens(normalizeTo(nil, s, nil), &offs, func(t []byte) { out = append(out, string(t)) })
	return out
}

// forTokens calls f with each token of normalised text n; the tokens are
// slices of n. offs is scratch space.
func forTokens(n []byte, offs *[]int, f func([]byte)) {
	start, count, cut := -1, 0, 0 // the part's first byte, runes, byte end of its first MaxTokenRunes runes
	var first rune
	cjk := false
	o := (*offs)[:0] // where the characters of a CJK part start (a mark belongs to the letter before it)
	flush := func(end int) {
		switch {
		case start < 0:
		case cjk && len(o) == 1:
			f(n[start:end])
		case cjk:
			o = append(o, end)
			for i := 0; i+2 < len(o); i++ {
				f(n[o[i]:o[i+2]])
			}
		case count >= 2 || unicode.IsNumber(first):
			if count > MaxTokenRunes {
				end = cut
			}
			f(n[start:end])
		}
		start, count, o = -1, 0, o[:0]
	}
	for i := 0; i < len(n); {
		if c := n[i]; c < utf8.RuneSelf {
			// ASCII: a word of letters and digits, or one other byte.
			if !asciiWord[c] {
				flush(i)
				i++
				continue
			}
			if count > 0 && cjk {
				flush(i)
			}
			j := i + 1
			for j < len(n) && asciiWord[n[j]] {
				j++
			}
			if count == 0 {
				start, first = i, rune(c)
			}
			cjk = false
			if count < MaxTokenRunes && count+j-i >= MaxTokenRunes {
				cut = i + MaxTokenRunes - count
			}
			count += j - i
			i = j
			continue
		}
		r, w := utf8.DecodeRune(n[i:])
		if !isWord(r) {
			flush(i)
			i += w
			continue
		}
		c := isCJK(r)
		mark := count > 0 && unicode.IsMark(r)
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
			o = append(o, i)
		}
		count++
		if count == MaxTokenRunes {
			cut = i + w
		}
		i += w
	}
	flush(len(n))
	*offs = o
}

// Stopwords are English words too common to rank by; queries and the
// index drop them. The manifest carries the list, so search.js uses the
// same one.
var Stopwords = []string{
	"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has",
	"have", "he", "her", "his", "in", "is", "it", "its", "of", "on", "or",
	"she", "that", "the", "their", "they", "this", "to", "was", "were",
	"which", "will", "with",
}

var stop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range Stopwords {
		m[w] = true
	}
	return m
}()

// QueryTerms returns the distinct tokens of a query that are not stop
// words, in order of first appearance.
func QueryTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range Tokens(q) {
		if !stop[t] && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
