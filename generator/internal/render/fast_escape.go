package render

// The escapers of the fast executor (fast_exec.go).
//
// html/template escapes an {{action}} by appending a chain of its escaper
// functions to the pipeline, e.g. ".URL | _html_template_urlfilter |
// _html_template_urlnormalizer | _html_template_attrescaper" inside
// href="…". Almost every value a page writes is a plain string or an int;
// for those the fast executor runs the chain itself, with code that
// follows html/template's (html.go and url.go, go1.27; Copyright 2011 The
// Go Authors, BSD-style licence). Any other value (trusted HTML outside
// HTML text, JSON-LD, a type with a String method, …) is handed to
// html/template itself through a probe: a one-action template whose action
// html/template escapes with the same chain, executed with the value, with
// the probe's own markup cut off. So only the plain-string code is a copy,
// and TestFastEscapersMatch and FuzzFastEscapers compare it with the real
// thing.

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
	"text/template/parse"
	"unicode/utf8"
)

// fastEscaper is one of html/template's escaper functions.
type fastEscaper uint8

const (
	escHTML          fastEscaper = iota + 1 // _html_template_htmlescaper: HTML text
	escAttr                                 // _html_template_attrescaper: quoted attribute value
	escRCDATA                               // _html_template_rcdataescaper: <title>, <textarea>
	escNospace                              // _html_template_nospaceescaper: unquoted attribute value
	escURLFilter                            // _html_template_urlfilter: start of a URL attribute
	escURLNormalizer                        // _html_template_urlnormalizer: URL attribute
	escURLEscaper                           // _html_template_urlescaper: URL query
	escJSVal                                // _html_template_jsvalescaper: JavaScript value; probe only
)

// fastEscaperNames maps html/template's function names to the escapers the
// fast executor knows; a template calling any other function is executed
// by html/template.
var fastEscaperNames = map[string]fastEscaper{
	"_html_template_htmlescaper":    escHTML,
	"_html_template_attrescaper":    escAttr,
	"_html_template_rcdataescaper":  escRCDATA,
	"_html_template_nospaceescaper": escNospace,
	"_html_template_urlfilter":      escURLFilter,
	"_html_template_urlnormalizer":  escURLNormalizer,
	"_html_template_urlescaper":     escURLEscaper,
	"_html_template_jsvalescaper":   escJSVal,
}

// escapeChain is the escapers of one action, with the probe that runs the
// same chain in html/template (nil when none of probeSources has it).
type escapeChain struct {
	escapers []fastEscaper
	probe    *escapeProbe
	// plain reports whether the fast executor escapes plain strings
	// itself: every escaper but escJSVal.
	plain bool
}

// escape returns what the escaper returns for the plain string s; escJSVal
// is never asked (escapeChain.plain).
func (e fastEscaper) escape(s string) string {
	switch e {
	case escHTML, escAttr, escRCDATA:
		// For plain text the three are the same.
		return htmlReplacer(s, htmlReplacementTable, true)
	case escNospace:
		if s == "" {
			return filterFailsafe
		}
		return htmlReplacer(s, htmlNospaceReplacementTable, false)
	case escURLFilter:
		if !isSafeURL(s) {
			return "#" + filterFailsafe
		}
		return s
	case escURLNormalizer:
		return urlProcessor(true, s)
	case escURLEscaper:
		return urlProcessor(false, s)
	}
	panic("render: no plain-text escaper for " + fmt.Sprint(e))
}

// writePlain writes the chain's output for the plain string s.
func (c *escapeChain) writePlain(buf *bytes.Buffer, s string) {
	last := len(c.escapers) - 1
	for _, e := range c.escapers[:last] {
		s = e.escape(s)
	}
	switch c.escapers[last] {
	case escHTML, escAttr, escRCDATA:
		writeHTMLEscaped(buf, s)
	default:
		buf.WriteString(c.escapers[last].escape(s))
	}
}

// filterFailsafe is what html/template writes for a rejected value.
const filterFailsafe = "ZgotmplZ"

// writeHTMLEscaped writes htmlReplacer(s, htmlReplacementTable, true) to
// buf without building the string.
func writeHTMLEscaped(buf *bytes.Buffer, s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		// Every byte replaced is ASCII, so it is a whole rune: bytes of a
		// multi-byte or invalid rune are all ≥ 0x80, which htmlReplacer
		// passes through (badRunes).
		if c := s[i]; htmlSpecial[c] {
			buf.WriteString(s[written:i])
			buf.WriteString(htmlReplacementTable[c])
			written = i + 1
		}
	}
	buf.WriteString(s[written:])
}

// htmlSpecial marks the bytes htmlReplacementTable replaces.
var htmlSpecial = func() (t [256]bool) {
	for c, repl := range htmlReplacementTable {
		t[c] = repl != ""
	}
	return t
}()

// htmlReplacementTable contains the runes that need to be escaped inside a
// quoted attribute value or in a text node.
var htmlReplacementTable = []string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// htmlNospaceReplacementTable contains the runes that need to be escaped
// inside an unquoted attribute value.
var htmlNospaceReplacementTable = []string{
	0:    "&#xfffd;",
	'\t': "&#9;",
	'\n': "&#10;",
	'\v': "&#11;",
	'\f': "&#12;",
	'\r': "&#13;",
	' ':  "&#32;",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'=':  "&#61;",
	'>':  "&gt;",
	'`':  "&#96;",
}

// htmlReplacer returns s with runes replaced according to replacementTable
// and when badRunes is true, certain bad runes are allowed through
// unescaped.
func htmlReplacer(s string, replacementTable []string, badRunes bool) string {
	written, b := 0, new(strings.Builder)
	r, w := rune(0), 0
	for i := 0; i < len(s); i += w {
		// Not 'for range s': the width of an invalid rune must be kept.
		r, w = utf8.DecodeRuneInString(s[i:])
		if int(r) < len(replacementTable) {
			if repl := replacementTable[r]; len(repl) != 0 {
				if written == 0 {
					b.Grow(len(s))
				}
				b.WriteString(s[written:i])
				b.WriteString(repl)
				written = i + w
			}
		} else if badRunes {
			// No-op.
		} else if 0xfdd0 <= r && r <= 0xfdef || 0xfff0 <= r && r <= 0xffff {
			if written == 0 {
				b.Grow(len(s))
			}
			fmt.Fprintf(b, "%s&#x%x;", s[written:i], r)
			written = i + w
		}
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// isSafeURL is true if s is a relative URL or if URL has a protocol in
// (http, https, mailto).
func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// urlProcessor normalizes (when norm is true) or escapes the plain string
// s to produce a valid hierarchical or opaque URL part.
func urlProcessor(norm bool, s string) string {
	i := 0
	for i < len(s) && urlByteKept(s, i, norm) {
		i++
	}
	if i == len(s) {
		return s // the common case: nothing to encode
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	written := 0
	for ; i < len(s); i++ {
		if urlByteKept(s, i, norm) {
			continue
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(&b, "%%%02x", s[i])
		written = i + 1
	}
	b.WriteString(s[written:])
	return b.String()
}

// urlByteKept reports whether html/template's processURLOnto keeps s[i]
// as it is.
func urlByteKept(s string, i int, norm bool) bool {
	switch urlBytes[s[i]] {
	case urlUnreserved:
		return true
	case urlReserved:
		return norm
	case urlPercent:
		// When normalizing do not re-encode valid escapes.
		return norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])
	}
	return false
}

// urlBytes classifies the bytes for processURLOnto.
var urlBytes = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
			t[c] = urlUnreserved
		// Single quote and parens are sub-delims in RFC 3986, but they
		// are escaped so the output can be embedded in single quoted
		// attributes and unquoted CSS url(...) constructs.
		case strings.IndexByte("!#$&*+,/:;=?@[]", byte(c)) >= 0:
			t[c] = urlReserved
		case c == '%':
			t[c] = urlPercent
		}
	}
	return t
}()

const (
	urlEncoded    = iota // always percent-encoded
	urlUnreserved        // never
	urlReserved          // kept when normalizing
	urlPercent           // kept when normalizing and it starts an escape
)

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// escapeProbe is a one-action html/template whose action html/template
// escapes with a given chain; prefix and suffix are its markup around the
// action.
type escapeProbe struct {
	t              *template.Template
	prefix, suffix []byte
}

// probeSources are the contexts probed, one per escaper chain that
// layouts commonly produce.
var probeSources = []string{
	`{{.}}`,
	`<p title="{{.}}">`,
	`<p title={{.}}>`,
	`<title>{{.}}</title>`,
	`<a href="{{.}}">`,
	`<a href={{.}}>`,
	`<a href="/{{.}}">`,
	`<a href=/{{.}}>`,
	`<a href="/?q={{.}}">`,
	`<a href=/?q={{.}}>`,
	`<script type="application/ld+json">{{.}}</script>`,
}

// newProbes escapes every probe source and returns the probes by their
// escaper chain (chainKey).
func newProbes() map[string]*escapeProbe {
	out := map[string]*escapeProbe{}
	for _, src := range probeSources {
		t, err := template.New("probe").Parse(src)
		if err != nil {
			continue
		}
		if err := t.Execute(io.Discard, ""); err != nil {
			continue
		}
		p := &escapeProbe{t: t}
		var chain []string
		before := true
		for _, n := range t.Tree.Root.Nodes {
			switch n := n.(type) {
			case *parse.TextNode:
				if before {
					p.prefix = append(p.prefix, n.Text...)
				} else {
					p.suffix = append(p.suffix, n.Text...)
				}
			case *parse.ActionNode:
				for _, cmd := range n.Pipe.Cmds[1:] {
					if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok && len(cmd.Args) == 1 {
						chain = append(chain, id.Ident)
					}
				}
				before = false
			}
		}
		if _, dup := out[strings.Join(chain, "|")]; !dup && !before {
			out[strings.Join(chain, "|")] = p
		}
	}
	return out
}

// write executes the probe with data and writes what its action wrote to
// buf; false when html/template failed (the page's own render reports
// it).
func (p *escapeProbe) write(buf *bytes.Buffer, data any) bool {
	start := buf.Len()
	if err := p.t.Execute(buf, data); err != nil {
		return false
	}
	out := buf.Bytes()[start:]
	if !bytes.HasPrefix(out, p.prefix) || !bytes.HasSuffix(out, p.suffix) || len(out) < len(p.prefix)+len(p.suffix) {
		return false
	}
	n := copy(out, out[len(p.prefix):len(out)-len(p.suffix)])
	buf.Truncate(start + n)
	return true
}
