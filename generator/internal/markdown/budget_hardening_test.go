package markdown

import (
	"bytes"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// guard fails the test when f has not returned within 30 s. It is a hang
// detector, not a timing assertion: the budget is 10 s, and the figures are
// logged for docs/reliability.md.
func guard(t *testing.T, what string, f func()) time.Duration {
	t.Helper()
	done := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		f()
		done <- time.Since(start)
	}()
	select {
	case d := <-done:
		return d
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not return within 30 s", what)
		return 0
	}
}

// chroma290 is the C++ text that hung chroma's regexp2 lexer
// (alecthomas/chroma#290).
const chroma290 = "```c++\n" + `// 64-bit floats have 53 digits of precision, including the whole-number-part.
double a =     0011111110111001100110011001100110011001100110011001100110011010; // imperfect representation of 0.1
double b =     0011111111001001100110011001100110011001100110011001100110011010; // imperfect representation of 0.2
double c =     0011111111010011001100110011001100110011001100110011001100110011; // imperfect representation of 0.3
double a + b = 0011111111010011001100110011001100110011001100110011001100110100; // Note that this is not quite equal to the "canonical" 0.3!a
` + "```\n"

// pathological are the bodies of checklist items 22 and 23.
func pathological() []struct{ name, src string } {
	var minJS strings.Builder
	for minJS.Len() < 2<<20 {
		minJS.WriteString(`function a(b){return b+1};var c=a(2);if(c>1){c="x\"y"}else{c='z'};`)
	}
	var tenK strings.Builder
	for range 10000 {
		tenK.WriteString("x := fmt.Sprintf(\"%d\", i) // comment\n")
	}
	return []struct{ name, src string }{
		{"50000 [ then 50000 ]", strings.Repeat("[", 50000) + strings.Repeat("]", 50000)},
		{"*_ x 40000", strings.Repeat("*_", 40000)},
		{"a <!--a x 20000 (goldmark#593)", strings.Repeat("a <!--a\n", 20000)},
		{"[a](<b x 50000", strings.Repeat("[a](<b", 50000)},
		{"]([ newline x 50000", strings.Repeat("]([\n", 50000)},
		{"> x 1000", strings.Repeat("> ", 1000) + "x"},
		{"* x 8000", strings.Repeat("* ", 8000) + "a"},
		{"~ x 100000", strings.Repeat("~", 100000)},
		{"5 MB single paragraph", strings.Repeat("word ", 1<<20)},
		{"chroma#290 C++", chroma290},
		{"2 MB one-line minified JS", "```js\n" + minJS.String() + "\n```\n"},
		{"10000-line code block", "```go\n" + tenK.String() + "```\n"},
		{"30 KB paragraph of [a](<b under the cap", strings.Repeat("[a](<b", 5000)},
	}
}

// TestPathologicalMarkdownIsBounded renders every pathological body of
// checklist items 22 and 23, as a body and as inline text, with the default
// budget. Each call must return (30 s guard), with safe HTML and only the
// documented fallback codes; durations are logged.
func TestPathologicalMarkdownIsBounded(t *testing.T) {
	r := New(Options{})
	allowed := map[string]bool{"markdown-fallback": true, "render-timeout": true, "highlight-fallback": true, "unknown-language": true}
	for _, c := range pathological() {
		for _, inline := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/inline=%v", c.name, inline), func(t *testing.T) {
				var res Result
				d := guard(t, c.name, func() {
					if inline {
						res = r.RenderInline(c.src, 3, nil)
					} else {
						res = r.Render([]byte(c.src), 3, nil)
					}
				})
				t.Logf("%d bytes in %v, problems %v", len(c.src), d.Round(time.Millisecond), codes(res.Problems))
				for _, p := range res.Problems {
					if !allowed[p.Code] || p.Line < 3 {
						t.Errorf("problem %+v", p)
					}
					if p.Code == "render-timeout" && p.Warning {
						t.Errorf("a timeout must be an error: %+v", p)
					}
				}
				if bytes.Contains(bytes.ToLower(res.HTML), []byte("<script")) || len(dangerousAttrs(res.HTML)) > 0 {
					t.Errorf("unsafe output")
				}
			})
		}
	}
}

func codes(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

// TestOverlongParagraphFallsBack checks the input bound: a run of
// non-blank lines over maxParagraph is never parsed and is shown escaped,
// with a warning at the run's first line; fenced code does not count.
func TestOverlongParagraphFallsBack(t *testing.T) {
	long := strings.Repeat("<b>x</b> [a](<b ", maxParagraph/16+1)
	r := New(Options{Budget: -1})
	res := r.Render([]byte("# Title\n\nshort\n\n"+long+"\n"), 10, nil)
	if len(res.Problems) != 1 || res.Problems[0].Code != "markdown-fallback" || !res.Problems[0].Warning || res.Problems[0].Line != 14 {
		t.Fatalf("problems = %+v", res.Problems)
	}
	mustContain(t, res.HTML, "<p># Title</p>", "&lt;b&gt;x&lt;/b&gt;")
	mustNotContain(t, res.HTML, "<b>", "<a ", "<h1")

	inline := r.RenderInline(long, 4, nil)
	if len(inline.Problems) != 1 || inline.Problems[0].Code != "markdown-fallback" || inline.Problems[0].Line != 4 {
		t.Fatalf("inline problems = %+v", inline.Problems)
	}
	mustNotContain(t, inline.HTML, "<b>", "<p>")

	code := "```go\n" + strings.Repeat("x := 1\n", maxParagraph/7+1) + "```\n\nafter\n"
	if res := r.Render([]byte(code), 1, nil); len(res.Problems) != 0 || !bytes.Contains(res.HTML, []byte(`class="chroma"`)) {
		t.Errorf("a long fenced block must not trip the paragraph bound: %+v", res.Problems)
	}
}

func TestLongRun(t *testing.T) {
	const lim = 10
	tests := []struct {
		name, src string
		at        int
	}{
		{"short", "abc\n\ndef\n", -1},
		{"two short paragraphs", "12345\n\n67890\n", -1},
		{"one long line", "0123456789ab\n", 0},
		{"long run of short lines", "x\n\n123\n456\n789\n", 3},
		{"fenced code ignored", "```\n0123456789abcdef\n```\n", -1},
		{"tilde fence in a quote ignored", "> ~~~\n> 0123456789abcdef\n> ~~~\n", -1},
		{"closing fence must match", "```\n~~~\n0123456789abcdef\n```\nshort\n", -1},
		{"text after the fence counts", "```\nx\n```\n0123456789ab\n", 10},
		{"unclosed fence hides the rest", "```\n0123456789abcdef\n", -1},
	}
	for _, tt := range tests {
		if at, _ := longRun([]byte(tt.src), lim); at != tt.at {
			t.Errorf("%s: longRun = %d, want %d", tt.name, at, tt.at)
		}
	}
}

// TestDeadline checks the deadline: a render that overruns returns an
// escaped plain rendering with a render-timeout error at the first line,
// and the abandoned goroutine never calls the resolver after Render has
// returned.
func TestDeadline(t *testing.T) {
	r := New(Options{Budget: time.Millisecond})
	finished := make(chan Result, 1)
	r.onAbandoned = func(res Result) { finished <- res }
	var returned atomic.Bool
	var calls, late atomic.Int64
	resolve := func(dest string) (string, string) {
		calls.Add(1)
		if returned.Load() {
			late.Add(1)
		}
		return dest, ""
	}
	// 20,000 links: far more than a millisecond of work on any machine.
	src := []byte("Intro <b>bold</b>.\n\n" + strings.Repeat("[a](b.md)\n\n", 20000))
	var res Result
	guard(t, "Render", func() { res = r.Render(src, 5, resolve) })
	returned.Store(true)
	if len(res.Problems) != 1 || res.Problems[0].Code != "render-timeout" || res.Problems[0].Warning || res.Problems[0].Line != 5 ||
		!strings.Contains(res.Problems[0].Message, "rendering exceeded 1ms") {
		t.Fatalf("problems = %+v", res.Problems)
	}
	mustContain(t, res.HTML, "<p>Intro &lt;b&gt;bold&lt;/b&gt;.</p>")
	select {
	case dropped := <-finished:
		if len(dropped.Links) != 20000 {
			t.Errorf("the abandoned render saw %d links", len(dropped.Links))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the abandoned render did not finish within 30 s")
	}
	if late.Load() != 0 {
		t.Errorf("resolver called %d times after Render returned (%d calls in all)", late.Load(), calls.Load())
	}

	// Within budget, the same renderer gives the normal result.
	ok := New(Options{Budget: time.Minute}).Render([]byte("[a](b.md)"), 1, resolve)
	if len(ok.Problems) != 0 || !bytes.Contains(ok.HTML, []byte(`<a href="b.md">`)) {
		t.Errorf("normal render: %+v %s", ok.Problems, ok.HTML)
	}
}
