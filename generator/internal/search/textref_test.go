package search

import (
	"html"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// markdownTextRef is the definition of MarkdownText: the regular
// expressions it was first written with. MarkdownText must return exactly
// what this returns, for every input.
func markdownTextRef(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") || refDefRule.MatchString(t) || tableRuleRule.MatchString(t) {
			continue
		}
		t = blockMarkerRule.ReplaceAllString(t, "")
		b.WriteString(t)
		b.WriteByte('\n')
	}
	s := hideEscapesRef.Replace(b.String())
	for _, r := range textRules {
		s = r.re.ReplaceAllString(s, r.with)
	}
	s = html.UnescapeString(showEscapesRef.Replace(s))
	return strings.Join(strings.Fields(s), " ")
}

var (
	refDefRule      = regexp.MustCompile(`^\[[^\]^][^\]]*\]:\s*\S`)
	tableRuleRule   = regexp.MustCompile(`^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$`)
	blockMarkerRule = regexp.MustCompile(`^(?:(?:>\s*)+|#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)`)
	// textRules are applied in order; pass is the pass of MarkdownText
	// that does the same.
	textRules = []struct {
		re   *regexp.Regexp
		with string
		pass func(dst, s []byte) []byte
	}{
		{regexp.MustCompile(`\]\([^)\s]*(?:\s+"[^"]*")?\)`), "]", linkDestinations}, // [text](dest "title") → [text]
		{regexp.MustCompile(`\[\^[^\]\s]*\]:?`), "", footnoteMarkers},
		{regexp.MustCompile(`<(?:https?|mailto):[^>\s]*>`), "", autolinks},
		{regexp.MustCompile(`https?://[^\s)>\]]+`), "", bareURLs},
		{regexp.MustCompile(`</?[A-Za-z][^<>\n]*>|<!--[^\n]*?-->`), " ", htmlTags},
		{regexp.MustCompile(`!?\[([^\[\]\n]*)\]`), "$1", bracketText},              // link and image text
		{regexp.MustCompile(`\*+|~~|` + "`+" + `|\|`), " ", markersToSpace},        // emphasis, strikethrough, code, table cells
		{regexp.MustCompile(`(^|[\s(])_+|_+([\s).,;:!?]|$)`), "$1$2", underscores}, // _emphasis_, not snake_case
		{regexp.MustCompile(`\\([[:punct:]])`), "$1", backslashes},                 // other backslash escapes
	}
	hideEscapesRef = strings.NewReplacer(`\*`, "\uE001", `\_`, "\uE002", "\\`", "\uE003", `\|`, "\uE004", `\[`, "\uE005", `\]`, "\uE006", `\~`, "\uE007", `\<`, "\uE008")
	showEscapesRef = strings.NewReplacer("\uE001", "*", "\uE002", "_", "\uE003", "`", "\uE004", "|", "\uE005", "[", "\uE006", "]", "\uE007", "~", "\uE008", "<")
)

// textEdges are inputs at the edges of the rules.
var textEdges = []string{
	"", "[", "]", "![", "![]", "!![a]", "[!![b]", "[[a]]", "[a\nb]", "~~~", "**x**", "``a``", "a|b", "_a_", "snake_case", "(_x_)",
	"a_(_b", "__init__", "x_ _y", "_", "a_", "_\n_", "](", "]()", "](x \"t\")", "](x \"t\" )", "](x\n\"t\nu\")", "](](](x)",
	"[^1]", "[^1]:", "[^ 1]", "[^[^[^1]", "<http://x>", "<https://x y>", "<mailto:a@b>", "<http:<http:x>", "https://", "http://)",
	"xhttps://a", "http://a://b", "<a href=\"x\">", "</a>", "<//a>", "<!---->", "<!-->", "<!--<!-- -->", "<!-- x\n-->", "<3 <b",
	"\\*a\\*", "\\\\*", "\\", "a\\", "\\q", "\\\\", "\\&amp;", "\uE001x\uE008", "\xee\x80", "\xee<http:x>\x80\x81", "a\xffb",
	"&amp;&lt;&#32;&nbsp;x", "# h", "####### h", "#h", "- [x] done", "- [x]done", "* [ ]  a", "+\tb", "1. a", "1234567890. a",
	"12) b", "> > q", ">>q", "|---|:--:|", "|--||", "| -- | --: |", "--", "-- |", "|:-:|", ":--", "[ref]: x", "[ref]:", "[^1]: n",
	"[]: x", "[a]b]: x", "```go", " ~~~ ", "\u00a0- x", "\u2028x\u2029", "x\u0085y", "a\vb", "\t\f\r\n",
}

// TestTextRules checks each pass of MarkdownText against its regular
// expression, on corpus files and on random strings of the characters the
// rules care about.
func TestTextRules(t *testing.T) {
	inputs := append(corpusBodies(t, 60), textEdges...)
	inputs = append(inputs, randomTexts(30000, 1)...)
	for i, rule := range textRules {
		for _, in := range inputs {
			if got, want := string(rule.pass(nil, []byte(in))), rule.re.ReplaceAllString(in, rule.with); got != want {
				t.Fatalf("rule %d (%s) on %q: pass %q, regexp %q", i, rule.re, in, got, want)
			}
		}
	}
	for _, in := range inputs {
		if got, want := string(hideEscapes(nil, []byte(in))), hideEscapesRef.Replace(in); got != want {
			t.Fatalf("hideEscapes(%q) = %q, want %q", in, got, want)
		}
		if got, want := string(showEscapes([]byte(in))), showEscapesRef.Replace(in); got != want {
			t.Fatalf("showEscapes(%q) = %q, want %q", in, got, want)
		}
		if got, want := collapseSpace([]byte(in)), strings.Join(strings.Fields(in), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", in, got, want)
		}
		for _, line := range strings.Split(in, "\n") {
			line = strings.TrimSpace(line)
			if got, want := isRefDef(line), refDefRule.MatchString(line); got != want {
				t.Fatalf("isRefDef(%q) = %v, want %v", line, got, want)
			}
			if got, want := isTableRule(line), tableRuleRule.MatchString(line); got != want {
				t.Fatalf("isTableRule(%q) = %v, want %v", line, got, want)
			}
			if got, want := line[blockMarker(line):], blockMarkerRule.ReplaceAllString(line, ""); got != want {
				t.Fatalf("blockMarker(%q) leaves %q, want %q", line, got, want)
			}
		}
	}
}

// randomTexts returns n strings of up to 24 characters drawn from those
// the rules and the line pass treat specially.
func randomTexts(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 2))
	alphabet := []string{"[", "]", "!", "*", "~", "`", "|", "_", " ", "\n", "\t", "(", ")", "a", "x", ".", ",", ";", ":", "?",
		"é", "\xff", "\\", "<", ">", "-", "#", "+", "1", "\"", "^", "/", "&", "amp;", "http", "s", "://", "mailto:", "!--",
		"-->", "\uE001", "\xee\x80", "\u00a0", "\v", "\f", "\r", "X", "9"}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		out[i] = b.String()
	}
	return out
}

// TestMarkdownTextSame compares MarkdownText with markdownTextRef on every
// file of a generated archive, the edge cases and random strings.
func TestMarkdownTextSame(t *testing.T) {
	inputs := append(corpusBodies(t, 200), textEdges...)
	inputs = append(inputs, randomTexts(50000, 3)...)
	inputs = append(inputs, strings.Join(textEdges, "\n"), strings.Join(textEdges, " "), strings.Join(textEdges, ""))
	for _, in := range inputs {
		if got, want := MarkdownText(in), markdownTextRef(in); got != want {
			t.Fatalf("MarkdownText(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

// FuzzMarkdownTextSame: MarkdownText returns exactly what its regular
// expressions define, for any input.
func FuzzMarkdownTextSame(f *testing.F) {
	for _, s := range textEdges {
		f.Add(s)
	}
	for _, s := range corpusBodies(f, 5) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := MarkdownText(s), markdownTextRef(s); got != want {
			t.Fatalf("MarkdownText(%q)\n got %q\nwant %q", s, got, want)
		}
	})
}
