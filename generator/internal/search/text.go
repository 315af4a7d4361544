package search

import (
	"html"
	"regexp"
	"strings"
)

// MarkdownText returns the words a reader sees in a Markdown body, for
// indexing and for snippets, without parsing it: link and image
// destinations, reference definitions, URLs, HTML tags, footnote markers,
// fence lines and emphasis, heading, quote, list and table markers are
// removed, entities decoded, white space collapsed. It is approximate
// (the page shows the real rendering) and linear in the size of the text:
// Go's regexp never backtracks, so no body can make it slow.
func MarkdownText(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") || refDef.MatchString(t) || tableRule.MatchString(t) {
			continue
		}
		t = blockMarker.ReplaceAllString(t, "")
		b.WriteString(t)
		b.WriteByte('\n')
	}
	s := hideEscapes.Replace(b.String())
	for _, r := range textRules {
		if r.fast != nil {
			s = r.fast(s)
			continue
		}
		s = r.re.ReplaceAllString(s, r.with)
	}
	s = html.UnescapeString(showEscapes.Replace(s))
	return strings.Join(strings.Fields(s), " ")
}

var (
	refDef      = regexp.MustCompile(`^\[[^\]^][^\]]*\]:\s*\S`)
	tableRule   = regexp.MustCompile(`^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$`)
	blockMarker = regexp.MustCompile(`^(?:(?:>\s*)+|#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)`)
	// textRules are applied in order. A rule with fast does exactly what
	// its regexp does (TestFastRules checks), without the regexp: these
	// rules have no literal prefix, so the regexp engine tries every
	// position, and they took most of the time of indexing a 10k archive.
	textRules = []struct {
		re   *regexp.Regexp
		with string
		fast func(string) string
	}{
		{regexp.MustCompile(`\]\([^)\s]*(?:\s+"[^"]*")?\)`), "]", nil}, // [text](dest "title") → [text]
		{regexp.MustCompile(`\[\^[^\]\s]*\]:?`), "", nil},              // footnote markers
		{regexp.MustCompile(`<(?:https?|mailto):[^>\s]*>`), "", nil},   // autolinks
		{regexp.MustCompile(`https?://[^\s)>\]]+`), "", nil},           // bare URLs
		{regexp.MustCompile(`</?[A-Za-z][^<>\n]*>|<!--[^\n]*?-->`), " ", nil},
		{regexp.MustCompile(`!?\[([^\[\]\n]*)\]`), "$1", bracketText},       // link and image text
		{regexp.MustCompile(`\*+|~~|` + "`+" + `|\|`), " ", markersToSpace}, // emphasis, strikethrough, code, table cells
		{regexp.MustCompile(`(^|[\s(])_+|_+([\s).,;:!?]|$)`), "$1$2", underscores},
		{regexp.MustCompile(`\\([[:punct:]])`), "$1", nil}, // other backslash escapes
	}
	// Escaped markers are hidden from the rules as private-use characters.
	hideEscapes = strings.NewReplacer(`\*`, "\uE001", `\_`, "\uE002", "\\`", "\uE003", `\|`, "\uE004", `\[`, "\uE005", `\]`, "\uE006", `\~`, "\uE007", `\<`, "\uE008")
	showEscapes = strings.NewReplacer("\uE001", "*", "\uE002", "_", "\uE003", "`", "\uE004", "|", "\uE005", "[", "\uE006", "]", "\uE007", "~", "\uE008", "<")
)

// bracketText is `!?\[([^\[\]\n]*)\]` replaced by "$1": "[x]" and "![x]"
// become "x" when x holds no bracket or newline.
func bracketText(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	// closing returns the index of the "]" closing a "[" just before k, or -1.
	closing := func(k int) int {
		for ; k < len(s); k++ {
			switch s[k] {
			case ']':
				return k
			case '[', '\n':
				return -1
			}
		}
		return -1
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		open := -1
		switch {
		case s[i] == '!' && i+1 < len(s) && s[i+1] == '[':
			open = i + 2
		case s[i] == '[':
			open = i + 1
		}
		if open >= 0 {
			if j := closing(open); j >= 0 {
				b.WriteString(s[open:j])
				i = j + 1
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// markersToSpace is `\*+|~~|` + "`+" + `|\|` replaced by " ": each run of
// asterisks or backticks, each "~~" and each "|" becomes one space.
func markersToSpace(s string) string {
	if !strings.ContainsAny(s, "*~`|") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '*' || c == '`':
			for i < len(s) && s[i] == c {
				i++
			}
			b.WriteByte(' ')
		case c == '~' && i+1 < len(s) && s[i+1] == '~':
			i += 2
			b.WriteByte(' ')
		case c == '|':
			i++
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// underscoreRule is the regexp of underscores, which needs an underscore
// to match: most bodies have none.
var underscoreRule = regexp.MustCompile(`(^|[\s(])_+|_+([\s).,;:!?]|$)`)

func underscores(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	return underscoreRule.ReplaceAllString(s, "$1$2")
}
