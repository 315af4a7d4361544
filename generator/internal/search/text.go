package search

import (
	"bytes"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MarkdownText returns the words a reader sees in a Markdown body, for
// indexing and for snippets, without parsing it: link and image
// destinations, reference definitions, URLs, HTML tags, footnote markers,
// fence lines and emphasis, heading, quote, list and table markers are
// removed, entities decoded, white space collapsed. It is approximate
// (the page shows the real rendering) and linear in the size of the text.
//
// The steps are defined by regular expressions (see textRules in
// text_test.go, which keeps that definition as markdownTextRef); each is
// written out here as one pass over a byte buffer, which does exactly
// what its expression does with Go's leftmost-first matching
// (TestTextRules, FuzzMarkdownTextSame). In the expressions \s is ASCII
// white space, [\t\n\f\r ].
func MarkdownText(src string) string {
	a := make([]byte, 0, len(src)+len(src)/8+16)
	b := make([]byte, 0, cap(a))
	a = appendLines(a, src)
	if bytes.IndexByte(a, '\\') >= 0 {
		a, b = hideEscapes(b[:0], a), a
	}
	for _, r := range textPasses {
		if bytes.ContainsAny(a, r.trigger) {
			a, b = r.pass(b[:0], a), a
		}
	}
	a = showEscapes(a)
	if bytes.IndexByte(a, '&') >= 0 {
		a = []byte(html.UnescapeString(string(a)))
	}
	return collapseSpace(a)
}

// textPasses are the rules after the line pass, in order; a pass runs only
// when its text holds one of the bytes of trigger (without them it would
// copy the text unchanged).
var textPasses = []struct {
	trigger string
	pass    func(dst, s []byte) []byte
}{
	{"]", linkDestinations},
	{"[", footnoteMarkers},
	{"<", autolinks},
	{":", bareURLs},
	{"<", htmlTags},
	{"[", bracketText},
	{"*~`|", markersToSpace},
	{"_", underscores},
	{`\`, backslashes},
}

// isSpace reports whether c is in the \s of Go's regexp, [\t\n\f\r ].
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// appendLines is the line pass: every line of src, white space (Unicode)
// trimmed, without a leading block marker, followed by "\n"; fence lines
// (```, ~~~), reference definitions `^\[[^\]^][^\]]*\]:\s*\S` and table
// rules `^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$` are dropped.
func appendLines(dst []byte, src string) []byte {
	for {
		line, rest, more := strings.Cut(src, "\n")
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "```") && !strings.HasPrefix(t, "~~~") && !isRefDef(t) && !isTableRule(t) {
			dst = append(dst, t[blockMarker(t):]...)
			dst = append(dst, '\n')
		}
		if !more {
			return dst
		}
		src = rest
	}
}

// isRefDef reports whether trimmed line t matches `^\[[^\]^][^\]]*\]:\s*\S`.
func isRefDef(t string) bool {
	if len(t) < 2 || t[0] != '[' || t[1] == ']' || t[1] == '^' {
		return false
	}
	j := strings.IndexByte(t[1:], ']') + 1
	if j < 1 || j+1 >= len(t) || t[j+1] != ':' {
		return false
	}
	for _, c := range []byte(t[j+2:]) {
		if !isSpace(c) {
			return true
		}
	}
	return false
}

// isTableRule reports whether t matches
// `^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$`: one or more cells of at
// least two dashes, each with optional colons and spaces, split by "|",
// with optional pipes at either end.
func isTableRule(t string) bool {
	i := 0
	if i < len(t) && t[i] == '|' {
		i++
	}
	// cell consumes `\s*:?-{2,}:?\s*` at i, or reports false.
	cell := func() bool {
		for i < len(t) && isSpace(t[i]) {
			i++
		}
		if i < len(t) && t[i] == ':' {
			i++
		}
		n := 0
		for i < len(t) && t[i] == '-' {
			i++
			n++
		}
		if n < 2 {
			return false
		}
		if i < len(t) && t[i] == ':' {
			i++
		}
		for i < len(t) && isSpace(t[i]) {
			i++
		}
		return true
	}
	if !cell() {
		return false
	}
	for i < len(t) {
		if t[i] != '|' {
			return false
		}
		i++
		if i == len(t) {
			return true // the closing pipe
		}
		if !cell() {
			return false
		}
	}
	return true
}

// blockMarker returns the length of the block marker that trimmed line t
// starts with, 0 if none: the match of
// `^(?:(?:>\s*)+|#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)`.
func blockMarker(t string) int {
	spaces := func(i int) int {
		for i < len(t) && isSpace(t[i]) {
			i++
		}
		return i
	}
	if t == "" {
		return 0
	}
	switch c := t[0]; {
	case c == '>':
		i := 0
		for i < len(t) && t[i] == '>' {
			i = spaces(i + 1)
		}
		return i
	case c == '#':
		n := 0
		for n < len(t) && t[n] == '#' {
			n++
		}
		if n > 6 || n == len(t) || !isSpace(t[n]) {
			return 0
		}
		return spaces(n)
	case c == '-' || c == '*' || c == '+':
		if len(t) < 2 || !isSpace(t[1]) {
			return 0
		}
		i := spaces(1)
		if i+3 < len(t) && t[i] == '[' && (t[i+1] == ' ' || t[i+1] == 'x' || t[i+1] == 'X') && t[i+2] == ']' && isSpace(t[i+3]) {
			return spaces(i + 3)
		}
		return i
	case '0' <= c && c <= '9':
		n := 0
		for n < len(t) && '0' <= t[n] && t[n] <= '9' {
			n++
		}
		if n > 9 || n+1 >= len(t) || (t[n] != '.' && t[n] != ')') || !isSpace(t[n+1]) {
			return 0
		}
		return spaces(n + 1)
	}
	return 0
}

// Escaped markers are hidden from the rules as private-use characters
// U+E001–U+E008 (UTF-8 EE 80 81–88) and shown again at the end, as are
// those characters where the text itself has them.
const hidden = "*_`|[]~<"

// hideEscapes replaces each \x with x in hidden by x's private-use
// character, scanning left to right (as strings.Replacer does).
func hideEscapes(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 || i+1 == len(s) {
			return append(dst, s...)
		}
		if k := strings.IndexByte(hidden, s[i+1]); k >= 0 {
			dst = append(dst, s[:i]...)
			dst = append(dst, 0xEE, 0x80, 0x81+byte(k))
			s = s[i+2:]
			continue
		}
		dst = append(dst, s[:i+1]...)
		s = s[i+1:]
	}
}

// showEscapes replaces each private-use character of hideEscapes by its
// marker, in place.
func showEscapes(s []byte) []byte {
	i := bytes.Index(s, []byte{0xEE, 0x80})
	if i < 0 {
		return s
	}
	w := i
	for i < len(s) {
		if s[i] == 0xEE && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] >= 0x81 && s[i+2] <= 0x88 {
			s[w] = hidden[s[i+2]-0x81]
			w++
			i += 3
			continue
		}
		s[w] = s[i]
		w++
		i++
	}
	return s[:w]
}

// collapseSpace is strings.Join(strings.Fields(s), " "): runs of Unicode
// white space become one space, none at either end. It reuses s.
func collapseSpace(s []byte) string {
	w := 0
	space := false
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && plain[s[j]] {
			j++
		}
		n := j - i
		if n == 0 {
			if c := s[i]; c < utf8.RuneSelf {
				// asciiSpace(c)
				space = true
				i++
				continue
			}
			var r rune
			r, n = utf8.DecodeRune(s[i:])
			if unicode.IsSpace(r) {
				space = true
				i += n
				continue
			}
		}
		if space && w > 0 {
			s[w] = ' '
			w++
		}
		space = false
		w += copy(s[w:], s[i:i+n])
		i += n
	}
	return string(s[:w])
}

// plain tells the bytes that are ASCII and not white space.
var plain = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = !asciiSpace(byte(c))
	}
	return t
}()

// asciiSpace is unicode.IsSpace for ASCII: \t \n \v \f \r and space.
func asciiSpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }

// runEnd finds the end of a run of bytes that stop rejects, starting at
// i, remembering the last run: a later call from inside that run returns
// its end without scanning again, so passes that try a match at every
// position of a run stay linear.
type runEnd struct {
	from, to int
	stop     func(byte) bool
}

func (r *runEnd) at(s []byte, i int) int {
	if r.from <= i && i <= r.to && r.to > 0 {
		return r.to
	}
	j := i
	for j < len(s) && !r.stop(s[j]) {
		j++
	}
	r.from, r.to = i, j
	return j
}

// linkDestinations is `\]\([^)\s]*(?:\s+"[^"]*")?\)` replaced by "]":
// "[text](dest "title")" becomes "[text]".
func linkDestinations(dst, s []byte) []byte {
	dest := runEnd{stop: func(c byte) bool { return c == ')' || isSpace(c) }}
	title := runEnd{stop: func(c byte) bool { return c == '"' }}
	for {
		i := bytes.Index(s, []byte("]("))
		if i < 0 {
			return append(dst, s...)
		}
		end := -1
		j := dest.at(s, i+2)
		switch {
		case j < len(s) && s[j] == ')':
			end = j + 1
		case j < len(s): // white space
			k := j
			for k < len(s) && isSpace(s[k]) {
				k++
			}
			if k < len(s) && s[k] == '"' {
				if q := title.at(s, k+1); q+1 < len(s) && s[q+1] == ')' {
					end = q + 2
				}
			}
		}
		if end < 0 {
			dst = append(dst, s[:i+1]...)
			s = s[i+1:]
			dest.from, dest.to, title.from, title.to = dest.from-(i+1), dest.to-(i+1), title.from-(i+1), title.to-(i+1)
			continue
		}
		dst = append(dst, s[:i+1]...)
		s = s[end:]
		dest, title = runEnd{stop: dest.stop}, runEnd{stop: title.stop}
	}
}

// footnoteMarkers is `\[\^[^\]\s]*\]:?` replaced by "".
func footnoteMarkers(dst, s []byte) []byte {
	label := runEnd{stop: func(c byte) bool { return c == ']' || isSpace(c) }}
	for {
		i := bytes.Index(s, []byte("[^"))
		if i < 0 {
			return append(dst, s...)
		}
		j := label.at(s, i+2)
		if j < len(s) && s[j] == ']' {
			dst = append(dst, s[:i]...)
			j++
			if j < len(s) && s[j] == ':' {
				j++
			}
			s = s[j:]
			label = runEnd{stop: label.stop}
			continue
		}
		dst = append(dst, s[:i+1]...)
		s = s[i+1:]
		label.from, label.to = label.from-(i+1), label.to-(i+1)
	}
}

// autolinks is `<(?:https?|mailto):[^>\s]*>` replaced by "".
func autolinks(dst, s []byte) []byte {
	rest := runEnd{stop: func(c byte) bool { return c == '>' || isSpace(c) }}
	for {
		i := bytes.IndexByte(s, '<')
		if i < 0 {
			return append(dst, s...)
		}
		end := -1
		if p := schemeEnd(s[i+1:]); p > 0 {
			if j := rest.at(s, i+1+p); j < len(s) && s[j] == '>' {
				end = j + 1
			}
		}
		if end < 0 {
			dst = append(dst, s[:i+1]...)
			s = s[i+1:]
			rest.from, rest.to = rest.from-(i+1), rest.to-(i+1)
			continue
		}
		dst = append(dst, s[:i]...)
		s = s[end:]
		rest = runEnd{stop: rest.stop}
	}
}

// schemeEnd returns the length of "http:", "https:" or "mailto:" at the
// start of s, 0 if none.
func schemeEnd(s []byte) int {
	for _, p := range []string{"http:", "https:", "mailto:"} {
		if len(s) >= len(p) && string(s[:len(p)]) == p {
			return len(p)
		}
	}
	return 0
}

// bareURLs is `https?://[^\s)>\]]+` replaced by "".
func bareURLs(dst, s []byte) []byte {
	for {
		i := bytes.Index(s, []byte("://"))
		if i < 0 {
			return append(dst, s...)
		}
		start := -1
		switch {
		case i >= 5 && string(s[i-5:i]) == "https":
			start = i - 5
		case i >= 4 && string(s[i-4:i]) == "http":
			start = i - 4
		}
		j := i + 3
		for j < len(s) && !isSpace(s[j]) && s[j] != ')' && s[j] != '>' && s[j] != ']' {
			j++
		}
		if start < 0 || j == i+3 {
			dst = append(dst, s[:i+1]...)
			s = s[i+1:]
			continue
		}
		dst = append(dst, s[:start]...)
		s = s[j:]
	}
}

// htmlTags is `</?[A-Za-z][^<>\n]*>|<!--[^\n]*?-->` replaced by " ".
func htmlTags(dst, s []byte) []byte {
	// The last search for "-->": from where, and where it stopped (at
	// "-->", "\n" or the end).
	searched, commentFrom, commentAt := false, 0, 0
	for {
		i := bytes.IndexByte(s, '<')
		if i < 0 {
			return append(dst, s...)
		}
		end := -1
		j := i + 1
		if j < len(s) && s[j] == '/' {
			j++
		}
		if j < len(s) && isLetter(s[j]) {
			k := j + 1
			for k < len(s) && s[k] != '<' && s[k] != '>' && s[k] != '\n' {
				k++
			}
			if k < len(s) && s[k] == '>' {
				end = k + 1
			}
		}
		if end < 0 && bytes.HasPrefix(s[i:], []byte("<!--")) {
			from := i + 4
			if !(searched && commentFrom <= from && from <= commentAt) {
				searched, commentFrom, commentAt = true, from, from
				for commentAt < len(s) && s[commentAt] != '\n' && !bytes.HasPrefix(s[commentAt:], []byte("-->")) {
					commentAt++
				}
			}
			if bytes.HasPrefix(s[commentAt:], []byte("-->")) {
				end = commentAt + 3
			}
		}
		if end < 0 {
			dst = append(dst, s[:i+1]...)
			s = s[i+1:]
			commentFrom, commentAt = commentFrom-(i+1), commentAt-(i+1)
			continue
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, ' ')
		s = s[end:]
		commentFrom, commentAt = commentFrom-end, commentAt-end
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// bracketText is `!?\[([^\[\]\n]*)\]` replaced by "$1": "[x]" and "![x]"
// become "x" when x holds no bracket or newline.
func bracketText(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '[')
		if i < 0 {
			return append(dst, s...)
		}
		j := i + 1
		for j < len(s) && s[j] != ']' && s[j] != '[' && s[j] != '\n' {
			j++
		}
		if j == len(s) || s[j] != ']' {
			if s[j-1] == '!' {
				j-- // it may start "![" at j
			}
			dst = append(dst, s[:j]...)
			s = s[j:]
			continue
		}
		start := i
		if i > 0 && s[i-1] == '!' {
			start = i - 1
		}
		dst = append(dst, s[:start]...)
		dst = append(dst, s[i+1:j]...)
		s = s[j+1:]
	}
}

// markersToSpace is `\*+|~~|` + "`+" + `|\|` replaced by " ": each run of
// asterisks or backticks, each "~~" and each "|" becomes one space.
func markersToSpace(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '*' || c == '`':
			for i < len(s) && s[i] == c {
				i++
			}
			dst = append(dst, ' ')
		case c == '~' && i+1 < len(s) && s[i+1] == '~':
			i += 2
			dst = append(dst, ' ')
		case c == '|':
			i++
			dst = append(dst, ' ')
		default:
			j := i + 1
			for j < len(s) && !isMarker[s[j]] {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
		}
	}
	return dst
}

var isMarker = [256]bool{'*': true, '`': true, '~': true, '|': true}

// underscores is `(^|[\s(])_+|_+([\s).,;:!?]|$)` replaced by "$1$2":
// underscores at the start of a word or at its end go, as in _emphasis_;
// those inside a word (snake_case) stay.
func underscores(dst, s []byte) []byte {
	run := func(i int) int {
		for i < len(s) && s[i] == '_' {
			i++
		}
		return i
	}
	i := 0
	if len(s) > 0 && s[0] == '_' {
		i = run(0)
	}
	for i < len(s) {
		// Every match has an underscore, and starts on it or the byte
		// before it.
		u := bytes.IndexByte(s[i:], '_')
		if u < 0 {
			return append(dst, s[i:]...)
		}
		if u > 1 {
			dst = append(dst, s[i:i+u-1]...)
			i += u - 1
		}
		c := s[i]
		switch {
		case (isSpace(c) || c == '(') && i+1 < len(s) && s[i+1] == '_':
			dst = append(dst, c)
			i = run(i + 1)
		case c == '_':
			j := run(i)
			switch {
			case j == len(s):
			case isSpace(s[j]) || strings.IndexByte(").,;:!?", s[j]) >= 0:
				dst = append(dst, s[j])
				j++
			default:
				dst = append(dst, s[i:j]...)
			}
			i = j
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

// backslashes is `\\([[:punct:]])` replaced by "$1".
func backslashes(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 || i+1 == len(s) {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		if isPunct(s[i+1]) {
			dst = append(dst, s[i+1])
		} else {
			dst = append(dst, '\\', s[i+1])
		}
		s = s[i+2:]
	}
}

// isPunct is [[:punct:]]: ASCII punctuation.
func isPunct(c byte) bool {
	return '!' <= c && c <= '/' || ':' <= c && c <= '@' || '[' <= c && c <= '`' || '{' <= c && c <= '~'
}
