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
		s = r.re.ReplaceAllString(s, r.with)
	}
	s = html.UnescapeString(showEscapes.Replace(s))
	return strings.Join(strings.Fields(s), " ")
}

var (
	refDef      = regexp.MustCompile(`^\[[^\]^][^\]]*\]:\s*\S`)
	tableRule   = regexp.MustCompile(`^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$`)
	blockMarker = regexp.MustCompile(`^(?:(?:>\s*)+|#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)`)
	textRules   = []struct {
		re   *regexp.Regexp
		with string
	}{
		{regexp.MustCompile(`\]\([^)\s]*(?:\s+"[^"]*")?\)`), "]"}, // [text](dest "title") → [text]
		{regexp.MustCompile(`\[\^[^\]\s]*\]:?`), ""},              // footnote markers
		{regexp.MustCompile(`<(?:https?|mailto):[^>\s]*>`), ""},   // autolinks
		{regexp.MustCompile(`https?://[^\s)>\]]+`), ""},           // bare URLs
		{regexp.MustCompile(`</?[A-Za-z][^<>\n]*>|<!--[^\n]*?-->`), " "},
		{regexp.MustCompile(`!?\[([^\[\]\n]*)\]`), "$1"},    // link and image text
		{regexp.MustCompile(`\*+|~~|` + "`+" + `|\|`), " "}, // emphasis, strikethrough, code, table cells
		{regexp.MustCompile(`(^|[\s(])_+|_+([\s).,;:!?]|$)`), "$1$2"},
		{regexp.MustCompile(`\\([[:punct:]])`), "$1"}, // other backslash escapes
	}
	// Escaped markers are hidden from the rules as private-use characters.
	hideEscapes = strings.NewReplacer(`\*`, "\uE001", `\_`, "\uE002", "\\`", "\uE003", `\|`, "\uE004", `\[`, "\uE005", `\]`, "\uE006", `\~`, "\uE007", `\<`, "\uE008")
	showEscapes = strings.NewReplacer("\uE001", "*", "\uE002", "_", "\uE003", "`", "\uE004", "|", "\uE005", "[", "\uE006", "]", "\uE007", "~", "\uE008", "<")
)
