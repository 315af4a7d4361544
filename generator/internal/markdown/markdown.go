// Package markdown renders the Markdown bodies of content files to HTML with
// one configured goldmark, and returns the facts later stages need beside the
// HTML, so nothing downstream re-parses HTML.
//
// # Input
//
// Render takes a body (bytes after the front matter), the file line number of
// the body's first line, and an optional LinkResolver. RenderInline takes one
// line of inline Markdown (a summary, an outcome) and its file line; it only
// recognises inline syntax (emphasis, code spans, links, strikethrough,
// autolinks), so "1. Agreed" or "# 5 points" stay text, and its HTML has no
// wrapping <p>. Line breaks in its input are read as spaces.
//
// # Dialect
//
// CommonMark plus GitHub Flavored Markdown (tables, strikethrough, linkify,
// task lists) and footnotes. No typographer, no {attribute} syntax. Raw HTML
// is replaced by "<!-- raw HTML omitted -->" unless Options.UnsafeHTML, in
// which case it is copied as is (and is the author's responsibility: the
// link checks below apply to Markdown links only).
//
// # Output
//
// Result.HTML is the body's HTML. Result.Headings lists every heading in
// document order with its plain text and its id attribute: the slug of its
// text (slug.Make, so "## 정보 접근" gets id "정보-접근"), "section" when the
// slug is empty, made unique within the document by suffixes "-1", "-2", ...
// (a second "Background" is "background-1").
//
// Result.Links lists every link, image and autolink destination in document
// order with its file line, as written in the Markdown (backslash escapes and
// entity references decoded, not yet resolved; e-mail autolinks carry
// "mailto:"). Unsafe destinations are listed too.
//
// Fenced code with a known language (the info string's first word, matching
// ^[A-Za-z0-9_+-]{1,32}$ and known to chroma) is highlighted with chroma CSS
// classes, never inline styles; SyntaxCSS supplies the stylesheet. Other
// fences become an escaped <pre><code>; nothing from an info string is ever
// copied to the output.
//
// # Links
//
// A destination whose scheme is javascript:, vbscript: or data: (checked after
// decoding entity references and removing ASCII control characters and
// spaces, ignoring case) is never emitted: a link is replaced by its text, an
// image by its alt text. Every other destination is passed to the
// LinkResolver, and the href or src emitted is what it returns.
//
// # Failure
//
// Rendering never fails: every problem becomes a Problem positioned at a
// FILE line (firstLine plus the line offset in the body) and a 1-based byte
// column, sorted by position. Codes:
//
//	unsafe-url          warning  javascript:/vbscript:/data: destination dropped
//	unknown-language    warning  fence language invalid or unknown to chroma
//	highlight-fallback  warning  fence over 256 KB or chroma failed; plain block
//	broken-link         error    the LinkResolver's message; destination kept
//	markdown-fallback   warning  a paragraph (run of non-blank lines) or inline
//	                             text over 32 KB; the text is shown escaped, plain
//	render-timeout      error    rendering took longer than Options.Budget; the
//	                             text is shown escaped, plain (see budget.go)
//	internal            error    a recovered panic in goldmark or chroma
//
// # Concurrency
//
// A Renderer is safe for concurrent use; all per-render state (heading ids,
// problems, buffers) belongs to the call.
package markdown

import (
	"bufio"
	"bytes"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configures a Renderer.
type Options struct {
	// UnsafeHTML is the config key `unsafe_html`. When false (the default)
	// raw HTML in Markdown is replaced by "<!-- raw HTML omitted -->".
	UnsafeHTML bool
	// Budget bounds the time of one Render or RenderInline call (parsing and
	// highlighting): zero means DefaultBudget, negative means no deadline.
	Budget time.Duration
}

// Problem is something wrong found while rendering, at a file position.
type Problem struct {
	Line, Col int // file line; 1-based byte column within that line
	Warning   bool
	Code      string // stable: unsafe-url, unknown-language, highlight-fallback, broken-link
	Message   string
}

// Heading is one heading of a body, in document order.
type Heading struct {
	Level int    // 1 to 6
	ID    string // the id attribute emitted
	Text  string // plain text, whitespace collapsed
}

// Link is one link, image or autolink destination, as written.
type Link struct {
	Dest  string
	Line  int // file line
	Image bool
}

// LinkResolver is called for every link and image destination that passed
// the renderer's safety checks. It returns the destination to emit, or a
// non-empty problem message: the renderer then records an error Problem with
// code "broken-link" at the link's line and keeps the destination unchanged.
type LinkResolver func(dest string) (newDest string, problem string)

// Result is what Render and RenderInline return.
type Result struct {
	HTML     []byte
	Headings []Heading
	Links    []Link
	Problems []Problem // sorted by position
}

// maxHighlight is the largest fenced code block given to chroma.
const maxHighlight = 256 << 10

// maxPooledBuffer keeps one huge body from pinning its buffer in the pool.
const maxPooledBuffer = 1 << 20

// Renderer is one configured goldmark. Build it with New.
type Renderer struct {
	block  goldmark.Markdown // whole bodies
	inline goldmark.Markdown // one line, paragraph parser only

	formatter *chromahtml.Formatter
	style     *chroma.Style           // only keys chroma's CSS cache: output uses classes
	langs     map[string]chroma.Lexer // read-only after New

	budget time.Duration // 0: no deadline
	// onAbandoned, when set (tests only), is called by a render that
	// finished after its deadline, with the result that was dropped.
	onAbandoned func(Result)

	destEscaper *strings.Replacer
	outBufs     sync.Pool // *outBuf
	scratch     sync.Pool // *bytes.Buffer for code and chroma output
}

type outBuf struct {
	buf bytes.Buffer
	bw  *bufio.Writer
}

// New returns a Renderer configured by opts.
func New(opts Options) *Renderer {
	var htmlOpts []renderer.Option
	if opts.UnsafeHTML {
		htmlOpts = append(htmlOpts, html.WithUnsafe())
	}
	r := &Renderer{
		formatter:   chromahtml.New(chromahtml.WithClasses(true)),
		budget:      opts.budget(),
		style:       styles.Get("github"),
		destEscaper: strings.NewReplacer(`\`, `\\`, `&`, `&amp;`),
	}
	r.langs = languageIndex()
	r.block = goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote),
		goldmark.WithRendererOptions(htmlOpts...),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			util.Prioritized(fencedCodeRenderer{}, 100))),
	)
	inlineParser := parser.NewParser(
		parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 1000)),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	)
	r.inline = goldmark.New(
		goldmark.WithParser(inlineParser),
		goldmark.WithExtensions(extension.Strikethrough, extension.Linkify),
		goldmark.WithRendererOptions(htmlOpts...),
	)
	r.outBufs.New = func() any {
		o := &outBuf{}
		o.bw = bufio.NewWriterSize(&o.buf, 16<<10)
		return o
	}
	r.scratch.New = func() any { return new(bytes.Buffer) }
	return r
}

// Render renders a Markdown body whose first line is line firstLine of its
// file (1-based; smaller values count as 1). resolve may be nil: every
// destination is then emitted as written.
func (r *Renderer) Render(src []byte, firstLine int, resolve LinkResolver) Result {
	if firstLine < 1 {
		firstLine = 1
	}
	return r.bounded(src, firstLine, false, resolve, func(resolve LinkResolver) Result {
		return r.render(r.block, src, firstLine, resolve, false, 0)
	})
}

// RenderInline renders one line of inline Markdown, such as
// "Agreed to continue **joint efforts**", found at file line line. The HTML
// has no wrapping <p>. resolve may be nil.
func (r *Renderer) RenderInline(src string, line int, resolve LinkResolver) Result {
	b := []byte(src)
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	// Indentation would make the line nothing at all to a paragraph parser.
	trimmed := bytes.TrimLeft(b, " \t")
	if line < 1 {
		line = 1
	}
	return r.bounded(trimmed, line, true, resolve, func(resolve LinkResolver) Result {
		return r.render(r.inline, trimmed, line, resolve, true, len(b)-len(trimmed))
	})
}

func (r *Renderer) render(md goldmark.Markdown, src []byte, firstLine int, resolve LinkResolver, inline bool, colShift int) Result {
	if firstLine < 1 {
		firstLine = 1
	}
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))

	st := &state{r: r, src: src, firstLine: firstLine, colShift: colShift, resolve: resolve, ids: pc.IDs()}
	st.transform(doc)
	if inline {
		unwrapParagraph(doc)
	}

	o := r.outBufs.Get().(*outBuf)
	o.buf.Reset()
	o.bw.Reset(&o.buf)
	// The renderer only fails when the writer does; a bytes.Buffer does not.
	_ = md.Renderer().Render(o.bw, src, doc)
	res := Result{
		HTML:     bytes.Clone(o.buf.Bytes()),
		Headings: st.headings,
		Links:    st.links,
		Problems: st.problems,
	}
	if res.HTML == nil {
		res.HTML = []byte{}
	}
	if o.buf.Cap() <= maxPooledBuffer {
		r.outBufs.Put(o)
	}
	sort.SliceStable(res.Problems, func(i, j int) bool {
		a, b := res.Problems[i], res.Problems[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return res
}

// unwrapParagraph turns the single paragraph of an inline document into a
// text block, which renders its inlines without <p>.
func unwrapParagraph(doc ast.Node) {
	p, ok := doc.FirstChild().(*ast.Paragraph)
	if !ok || p.NextSibling() != nil {
		return
	}
	tb := ast.NewTextBlock()
	for c := p.FirstChild(); c != nil; {
		next := c.NextSibling()
		tb.AppendChild(tb, c)
		c = next
	}
	doc.ReplaceChild(doc, p, tb)
}
