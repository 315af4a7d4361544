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

// fold maps letters that have no decomposition to the ASCII a reader
// types for them, after lower-casing; the final sigma becomes σ because
// JavaScript lower-cases a word-final Σ to ς and Go never does.
var fold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d",
	'ł': "l", 'þ': "th", 'ı': "i", 'ς': "σ",
}

// Normalize returns s as the index compares it: NFKC, lower case,
// invisible format characters (Cf) dropped, combining marks (Mn) on Latin
// letters dropped (José → jose; Hangul, Devanagari and others keep theirs),
// the letters in fold replaced, then NFC.
func Normalize(s string) string {
	if isASCII(s) {
		return asciiLower(s)
	}
	s = strings.ToLower(norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD")))
	var b strings.Builder
	b.Grow(len(s))
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
		if f, ok := fold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
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
	forTokens(Normalize(s), func(t string) { out = append(out, t) })
	return out
}

// forTokens calls f with each token of normalised text n; the tokens are
// substrings of n.
func forTokens(n string, f func(string)) {
	start, count, cut := -1, 0, 0 // the part's first byte, runes, byte end of its first MaxTokenRunes runes
	var first rune
	cjk := false
	var offs []int // where the characters of a CJK part start (a mark belongs to the letter before it)
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
