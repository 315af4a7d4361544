package markdown

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// state is everything one render learns; it is never shared.
type state struct {
	r         *Renderer
	src       []byte
	firstLine int
	colShift  int // bytes cut from the start of src's first line
	resolve   LinkResolver
	ids       parser.IDs

	lineStarts []int // offsets of line starts in src, built on first use

	headings []Heading
	links    []Link
	problems []Problem
}

// transform walks the parsed document once, then rewrites it: heading ids,
// fenced code highlighting, link safety and resolution.
func (st *state) transform(doc ast.Node) {
	var headings []*ast.Heading
	var fences []*ast.FencedCodeBlock
	var links []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
		case *ast.FencedCodeBlock:
			fences = append(fences, n)
			return ast.WalkSkipChildren, nil
		case *ast.Link, *ast.Image, *ast.AutoLink:
			links = append(links, n)
		}
		return ast.WalkContinue, nil
	})

	var tb bytes.Buffer
	for _, h := range headings {
		tb.Reset()
		plainText(h, st.src, &tb, false)
		txt := strings.Join(strings.Fields(tb.String()), " ")
		id := st.ids.Generate([]byte(txt), ast.KindHeading)
		h.SetAttributeString("id", id)
		st.headings = append(st.headings, Heading{Level: h.Level, ID: string(id), Text: txt})
	}
	for _, f := range fences {
		st.fence(f)
	}
	for _, n := range links {
		st.link(n)
	}
}

// plainText appends the text a reader sees in n's inlines.
func plainText(n ast.Node, src []byte, b *bytes.Buffer, code bool) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			v := t.Segment.Value(src)
			if !code {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan:
			plainText(t, src, b, true)
		case *ast.AutoLink:
			b.Write(t.Label(src))
		case *ast.RawHTML:
			// Omitted or markup: not text either way.
		default:
			plainText(c, src, b, code)
		}
	}
}

// pos converts a source offset to a file line and 1-based byte column.
func (st *state) pos(off int) (line, col int) {
	if st.lineStarts == nil {
		st.lineStarts = append(make([]int, 0, 64), 0)
		for i := 0; ; {
			j := bytes.IndexByte(st.src[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			st.lineStarts = append(st.lineStarts, i)
		}
	}
	if off < 0 {
		off = 0
	}
	idx := sort.SearchInts(st.lineStarts, off+1) - 1
	col = off - st.lineStarts[idx] + 1
	if idx == 0 {
		col += st.colShift
	}
	return st.firstLine + idx, col
}

// nodeOffset is where n starts in the source: its own position, else the
// first line of the nearest block around it.
func nodeOffset(n ast.Node) int {
	for c := n; c != nil; c = c.Parent() {
		if p := c.Pos(); p >= 0 {
			return p
		}
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return c.Lines().At(0).Start
		}
	}
	return 0
}

func (st *state) problem(n ast.Node, warning bool, code, msg string) {
	line, col := st.pos(nodeOffset(n))
	st.problems = append(st.problems, Problem{Line: line, Col: col, Warning: warning, Code: code, Message: msg})
}

// decodeDest is a destination as CommonMark defines it: backslash escapes
// and entity references resolved (what goldmark's renderer does to it).
func decodeDest(b []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(b))))
}

func (st *state) link(n ast.Node) {
	var dest string
	image := false
	switch n := n.(type) {
	case *ast.Link:
		dest = decodeDest(n.Destination)
	case *ast.Image:
		dest = decodeDest(n.Destination)
		image = true
	case *ast.AutoLink:
		dest = string(n.URL(st.src))
		if n.AutoLinkType == ast.AutoLinkEmail && !hasPrefixFold(dest, "mailto:") {
			dest = "mailto:" + dest
		}
	}
	line, _ := st.pos(nodeOffset(n))
	st.links = append(st.links, Link{Dest: dest, Line: line, Image: image})

	if scheme := unsafeScheme(dest); scheme != "" {
		st.problem(n, true, "unsafe-url", fmt.Sprintf("%s destination %s uses the %s: scheme, which is never emitted; rendered as text",
			kindWord(image), quoteShort(dest), scheme))
		st.dropLink(n)
		return
	}
	if st.resolve == nil {
		return
	}
	newDest, msg := st.resolve(dest)
	if msg != "" {
		st.problem(n, false, "broken-link", msg)
		return
	}
	if newDest == dest {
		return
	}
	if scheme := unsafeScheme(newDest); scheme != "" {
		st.problem(n, true, "unsafe-url", fmt.Sprintf("%s destination %s resolved to %s, which uses the %s: scheme; rendered as text",
			kindWord(image), quoteShort(dest), quoteShort(newDest), scheme))
		st.dropLink(n)
		return
	}
	// goldmark decodes escapes and entities in a destination when it writes
	// it; escape ours so it comes out exactly as resolved.
	esc := []byte(st.r.destEscaper.Replace(newDest))
	switch n := n.(type) {
	case *ast.Link:
		n.Destination = esc
	case *ast.Image:
		n.Destination = esc
	case *ast.AutoLink:
		l := ast.NewLink()
		l.Destination = esc
		l.SetPos(n.Pos())
		label := ast.NewString(util.EscapeHTML(n.Label(st.src)))
		label.SetCode(true) // already escaped: written as is
		l.AppendChild(l, label)
		n.Parent().ReplaceChild(n.Parent(), n, l)
	}
}

// dropLink replaces a link or image by its text (an image's alt text).
func (st *state) dropLink(n ast.Node) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	if a, ok := n.(*ast.AutoLink); ok {
		s := ast.NewString(util.EscapeHTML(a.Label(st.src)))
		s.SetCode(true)
		parent.ReplaceChild(parent, n, s)
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

func kindWord(image bool) string {
	if image {
		return "image"
	}
	return "link"
}

// quoteShort quotes s for a message, cut to a readable length.
func quoteShort(s string) string {
	const max = 60
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
