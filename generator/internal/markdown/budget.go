package markdown

// Bounded time for hostile bodies.
//
// goldmark's inline parser is quadratic in the size of one paragraph on some
// inputs (measured with goldmark v1.8.7 on two cores; see
// docs/reliability.md): 300 KB of "[a](<b" takes about 8 s (the "<"
// destination scan in parseLinkDestination), 200 KB of "]([\n" about 2.4 s
// (blockReader.Value over many segments), 100 KB of "~" as inline Markdown
// about 3 s (strikethrough ScanDelimiter), 100 KB of "[" then "]" about
// 1.4 s (containsLink). goldmark takes no context, so two layers bound the
// cost:
//
//  1. Input bound. A run of consecutive non-blank lines outside fenced code
//     (what can become one paragraph, list or quote for the inline parser)
//     longer than maxParagraph, or an inline text longer than it, is not
//     given to goldmark at all: the whole text is emitted as escaped plain
//     paragraphs with a "markdown-fallback" warning. Since every quadratic
//     path is confined to one paragraph, the parser's worst case is then
//     linear in the body size (about 0.1 s per 32 KB paragraph).
//  2. Deadline. Render and RenderInline run the parser and chroma on a
//     goroutine and wait at most Options.Budget (DefaultBudget, 10 s). On
//     expiry they return an escaped plain rendering with a "render-timeout"
//     error. The abandoned goroutine cannot be stopped; it runs to
//     completion (bounded by 1.) and its result is dropped. It never calls
//     the LinkResolver after the deadline, so callers' state is not touched
//     after Render returns.
//
// A deadline makes the outcome depend on machine speed only for inputs that
// are already near the budget; a build that hits it fails (an error), so
// no output ever depends on timing.

import (
	"bytes"
	"fmt"
	"html"
	"sync"
	"time"
)

// DefaultBudget is how long one Render or RenderInline call may take when
// Options.Budget is zero.
const DefaultBudget = 10 * time.Second

// maxParagraph is the longest run of non-blank lines (outside fenced code)
// or inline text handed to goldmark.
const maxParagraph = 32 << 10

// budget returns the deadline of one call, or 0 for none.
func (o Options) budget() time.Duration {
	switch {
	case o.Budget < 0:
		return 0
	case o.Budget == 0:
		return DefaultBudget
	}
	return o.Budget
}

// longRun returns the offset and length of the first run of consecutive
// non-blank lines outside fenced code blocks that is longer than limit, or
// (-1, 0). Fences are recognised loosely (``` or ~~~ after any indentation
// and quote markers): a missed fence only makes the check stricter, and the
// deadline bounds what a misread lets through.
func longRun(src []byte, limit int) (start, size int) {
	runStart, runLen := -1, 0
	var fenceChar byte
	fenceLen := 0
	for off := 0; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off + 1
		}
		line := src[off:end]
		trimmed := bytes.TrimLeft(line, " \t>")
		if c, n := fenceOf(trimmed); n > 0 && (fenceChar == 0 || (c == fenceChar && n >= fenceLen && len(bytes.TrimSpace(trimmed[n:])) == 0)) {
			if fenceChar == 0 {
				fenceChar, fenceLen = c, n
			} else {
				fenceChar, fenceLen = 0, 0
			}
			runStart, runLen = -1, 0
		} else if fenceChar == 0 && len(bytes.TrimSpace(line)) > 0 {
			if runStart < 0 {
				runStart = off
			}
			runLen += len(line)
			if runLen > limit {
				return runStart, runLen
			}
		} else if fenceChar == 0 {
			runStart, runLen = -1, 0
		}
		off = end
	}
	return -1, 0
}

// fenceOf returns the fence character and length when line opens or closes
// a fenced code block (three or more ` or ~).
func fenceOf(line []byte) (byte, int) {
	if len(line) < 3 || (line[0] != '`' && line[0] != '~') {
		return 0, 0
	}
	n := 0
	for n < len(line) && line[n] == line[0] {
		n++
	}
	if n < 3 {
		return 0, 0
	}
	return line[0], n
}

// plain is the escaped, unformatted rendering used when a text is not given
// to goldmark: paragraphs split at blank lines, or the bare escaped text for
// inline Markdown.
func plain(src []byte, inline bool) []byte {
	if inline {
		return []byte(html.EscapeString(string(src)))
	}
	var b bytes.Buffer
	for _, para := range bytes.Split(bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n")), []byte("\n\n")) {
		para = bytes.TrimSpace(para)
		if len(para) == 0 {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(string(para)))
		b.WriteString("</p>\n")
	}
	return b.Bytes()
}

// lineOf is the file line of byte offset off of src.
func lineOf(src []byte, off, firstLine int) int {
	return firstLine + bytes.Count(src[:off], []byte{'\n'})
}

// bounded renders src with the input bound and the deadline described
// above; run is the unbounded render.
func (r *Renderer) bounded(src []byte, firstLine int, inline bool, resolve LinkResolver,
	run func(LinkResolver) Result) Result {
	at, n := longRun(src, maxParagraph)
	if inline && len(src) > maxParagraph {
		at, n = 0, len(src) // one line: no fences, no blank lines
	}
	if at >= 0 {
		what := "a paragraph"
		if inline {
			what = "this text"
		}
		return Result{HTML: plain(src, inline), Problems: []Problem{{
			Line: lineOf(src, at, firstLine), Col: 1, Warning: true, Code: "markdown-fallback",
			Message: fmt.Sprintf("%s of %d KB without a blank line is over the %d KB limit for Markdown formatting; shown as plain text (split it with blank lines)",
				what, (n+1023)>>10, maxParagraph>>10),
		}}}
	}
	budget := r.budget
	if budget <= 0 {
		return run(resolve)
	}
	// The guard keeps the resolver from being called once the deadline has
	// passed: after abandon() returns, no call is running or can start.
	var mu sync.Mutex
	abandoned := false
	guarded := resolve
	if resolve != nil {
		guarded = func(dest string) (string, string) {
			mu.Lock()
			defer mu.Unlock()
			if abandoned {
				return dest, ""
			}
			return resolve(dest)
		}
	}
	done := make(chan Result, 1) // buffered: an abandoned run never blocks
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- Result{HTML: plain(src, inline), Problems: []Problem{{Line: firstLine, Col: 1, Code: "internal",
					Message: fmt.Sprintf("internal error while rendering Markdown (please report): %v", p)}}}
			}
		}()
		res := run(guarded)
		done <- res
		mu.Lock()
		late := abandoned
		mu.Unlock()
		if late && r.onAbandoned != nil {
			r.onAbandoned(res)
		}
	}()
	t := time.NewTimer(budget)
	defer t.Stop()
	select {
	case res := <-done:
		return res
	case <-t.C:
		mu.Lock()
		abandoned = true
		mu.Unlock()
		return Result{HTML: plain(src, inline), Problems: []Problem{{Line: firstLine, Col: 1, Code: "render-timeout",
			Message: fmt.Sprintf("rendering exceeded %v; the Markdown is pathological for the parser (thousands of brackets, tildes or emphasis marks in one paragraph?): simplify or split it", budget)}}}
	}
}
