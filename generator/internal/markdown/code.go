package markdown

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// attrHighlighted holds a fence's highlighted HTML ([]byte) between the
// transform and the fencedCodeRenderer. Fence attributes are never written
// to the output (attribute syntax is off and the renderer below ignores
// them).
const attrHighlighted = "briefings-highlighted"

// fenceLanguage is the first word of a fence's info string.
func fenceLanguage(f *ast.FencedCodeBlock, src []byte) []byte {
	if f.Info == nil {
		return nil
	}
	info := bytes.TrimSpace(f.Info.Segment.Value(src))
	if i := bytes.IndexAny(info, " \t"); i >= 0 {
		info = info[:i]
	}
	return info
}

// validLanguage reports whether lang matches ^[A-Za-z0-9_+-]{1,32}$.
func validLanguage(lang []byte) bool {
	if len(lang) == 0 || len(lang) > 32 {
		return false
	}
	for _, c := range lang {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '+', c == '-':
		default:
			return false
		}
	}
	return true
}

// fence highlights f when its language is known, or records why not. A
// fence without highlighted HTML is rendered as an escaped plain block.
func (st *state) fence(f *ast.FencedCodeBlock) {
	lang := fenceLanguage(f, st.src)
	if len(lang) == 0 {
		return
	}
	if !validLanguage(lang) {
		st.problem(f, true, "unknown-language", fmt.Sprintf(
			"code fence language %s is not a language name (letters, digits, _ + -, at most 32); rendered without highlighting",
			quoteShort(string(lang))))
		return
	}
	lexer := st.r.lexer(string(lang))
	if lexer == nil {
		st.problem(f, true, "unknown-language", fmt.Sprintf(
			"unknown code fence language %q; rendered without highlighting", lang))
		return
	}
	lines := f.Lines()
	size := 0
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		size += seg.Len() + seg.Padding
	}
	if size > maxHighlight {
		st.problem(f, true, "highlight-fallback", fmt.Sprintf(
			"code block of %d KB is over the %d KB highlighting limit; rendered without highlighting",
			(size+1023)>>10, maxHighlight>>10))
		return
	}
	buf := st.r.scratch.Get().(*bytes.Buffer)
	defer st.r.putScratch(buf)
	buf.Reset()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		buf.Write(seg.Value(st.src))
	}
	code := buf.String()
	buf.Reset()
	if err := st.r.highlight(buf, lexer, code); err != nil {
		st.problem(f, true, "highlight-fallback", fmt.Sprintf(
			"highlighting %s failed (%v); rendered without highlighting", lang, err))
		return
	}
	out := make([]byte, 0, buf.Len()+1)
	out = append(append(out, buf.Bytes()...), '\n')
	f.SetAttributeString(attrHighlighted, out)
}

func (r *Renderer) putScratch(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		r.scratch.Put(b)
	}
}

// highlight writes chroma's HTML for code to w; a chroma panic is an error.
func (r *Renderer) highlight(w *bytes.Buffer, lexer chroma.Lexer, code string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("chroma panicked: %v", p)
		}
	}()
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return err
	}
	return r.formatter.Format(w, r.style, it)
}

// lexer returns the lexer for a fence language name (any case), or nil.
func (r *Renderer) lexer(name string) chroma.Lexer {
	return r.langs[strings.ToLower(name)]
}

// languageIndex maps lower-case language names to (coalescing) lexers:
// chroma lexer names, then aliases, then file extensions ("*.rs" gives
// "rs") and plain file names ("Makefile"), the higher-priority lexer
// winning a shared extension. It is built once per Renderer: chroma's own
// lexers.Get scans every filename glob on a miss (milliseconds per unknown
// name), which a body full of made-up languages would turn into minutes.
func languageIndex() map[string]chroma.Lexer {
	idx := map[string]chroma.Lexer{}
	all := lexers.GlobalLexerRegistry.Lexers
	byFile := map[string]chroma.PrioritisedLexers{}
	var files []string
	for _, l := range all {
		for _, glob := range l.Config().Filenames {
			key := strings.ToLower(strings.TrimPrefix(glob, "*."))
			if strings.ContainsAny(key, "*?[]\\") || (strings.Contains(glob, "*") && !strings.HasPrefix(glob, "*.")) {
				continue
			}
			if _, ok := byFile[key]; !ok {
				files = append(files, key)
			}
			byFile[key] = append(byFile[key], l)
		}
	}
	for _, key := range files {
		cands := byFile[key]
		sort.Sort(cands) // as chroma does, so "h" picks the same lexer
		idx[key] = cands[0]
	}
	for _, l := range all {
		for _, a := range l.Config().Aliases {
			idx[strings.ToLower(a)] = l
		}
	}
	for _, l := range all {
		idx[strings.ToLower(l.Config().Name)] = l
	}
	for k, l := range idx {
		idx[k] = chroma.Coalesce(l)
	}
	return idx
}

// fencedCodeRenderer writes fenced code: the highlighted HTML the transform
// left, else an escaped <pre><code> with no language class.
type fencedCodeRenderer struct{}

func (fencedCodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderFencedCode)
}

func renderFencedCode(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	if v, ok := n.AttributeString(attrHighlighted); ok {
		if b, ok := v.([]byte); ok {
			_, _ = w.Write(b)
			return ast.WalkSkipChildren, nil
		}
	}
	_, _ = w.WriteString("<pre><code>")
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// DefaultStyle is the chroma style SyntaxCSS uses for an empty or unknown name.
const DefaultStyle = "github"

// ValidStyle reports whether name is a chroma style name (case-insensitive).
func ValidStyle(name string) bool {
	_, ok := styles.Registry[strings.ToLower(name)]
	return ok
}

// SyntaxCSS returns the stylesheet for highlighted code: the rules of style
// (DefaultStyle when empty or unknown), then, inside
// @media (prefers-color-scheme: dark), the rules of its dark counterpart
// (chroma's pairing, else "github-dark"; a dark style is its own). The
// bytes depend only on style.
func SyntaxCSS(style string) []byte {
	name := strings.ToLower(style)
	if !ValidStyle(name) {
		name = DefaultStyle
	}
	light := styles.Get(name)
	dark := styles.GetForMode(name, chroma.Dark)
	if dark.Mode() != chroma.Dark {
		dark = styles.Get("github-dark")
	}
	f := chromahtml.New(chromahtml.WithClasses(true))
	var b bytes.Buffer
	fmt.Fprintf(&b, "/* Code highlighting: chroma style %q; %q when the reader prefers a dark scheme. */\n",
		strings.ToLower(light.Name), strings.ToLower(dark.Name))
	_ = f.WriteCSS(&b, light)
	var d bytes.Buffer
	_ = f.WriteCSS(&d, dark)
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	for _, line := range strings.SplitAfter(d.String(), "\n") {
		if line != "" {
			b.WriteString("  ")
			b.WriteString(line)
		}
	}
	b.WriteString("}\n")
	return b.Bytes()
}
