package markdown

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync"
	"testing"
)

const fence = "```"

// problemAt is the part of a Problem tests compare.
type problemAt struct {
	Line    int
	Code    string
	Warning bool
}

func problemsAt(ps []Problem) []problemAt {
	out := []problemAt{}
	for _, p := range ps {
		out = append(out, problemAt{p.Line, p.Code, p.Warning})
	}
	return out
}

// unknownAt is n unknown-language warnings, one per 3-line fence from line.
func unknownAt(line, n int) []problemAt {
	var out []problemAt
	for i := 0; i < n; i++ {
		out = append(out, problemAt{line + 3*i, "unknown-language", true})
	}
	return out
}

func mustContain(t *testing.T, out []byte, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !bytes.Contains(out, []byte(w)) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func mustNotContain(t *testing.T, out []byte, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if bytes.Contains(bytes.ToLower(out), bytes.ToLower([]byte(n))) {
			t.Errorf("output contains %q:\n%s", n, out)
		}
	}
}

func TestHeadings(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		want     []Heading
		wantHTML []string
	}{
		{
			name: "ascii",
			src:  "# Joint Statement\n\n## Next steps, 2024\n",
			want: []Heading{{1, "joint-statement", "Joint Statement"}, {2, "next-steps-2024", "Next steps, 2024"}},
			wantHTML: []string{`<h1 id="joint-statement">Joint Statement</h1>`,
				`<h2 id="next-steps-2024">`},
		},
		{
			name:     "hangul keeps its letters",
			src:      "## 정보 접근\n",
			want:     []Heading{{2, "정보-접근", "정보 접근"}},
			wantHTML: []string{`<h2 id="정보-접근">정보 접근</h2>`},
		},
		{
			name: "duplicates get suffixes",
			src:  "## Background\n\n## Background\n\n### Background\n",
			want: []Heading{{2, "background", "Background"}, {2, "background-1", "Background"}, {3, "background-2", "Background"}},
		},
		{
			name: "generated suffix skips a written one",
			src:  "## Background 1\n\n## Background\n\n## Background\n",
			want: []Heading{{2, "background-1", "Background 1"}, {2, "background", "Background"}, {2, "background-2", "Background"}},
		},
		{
			name: "empty slug is section",
			src:  "## ???\n\n## —\n\n#\n",
			want: []Heading{{2, "section", "???"}, {2, "section-1", "—"}, {1, "section-2", ""}},
		},
		{
			name:     "markup is not text",
			src:      "## The **joint** `code` [annex](annex.md) &amp; more\n",
			want:     []Heading{{2, "the-joint-code-annex-more", "The joint code annex & more"}},
			wantHTML: []string{`id="the-joint-code-annex-more"`},
		},
		{
			name: "setext and nested",
			src:  "Title\n=====\n\n> ## Quoted\n\n- ## In list\n",
			want: []Heading{{1, "title", "Title"}, {2, "quoted", "Quoted"}, {2, "in-list", "In list"}},
		},
		{
			name: "no headings",
			src:  "Just text.\n",
			want: nil,
		},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := r.Render([]byte(tt.src), 1, nil)
			if fmt.Sprint(res.Headings) != fmt.Sprint(tt.want) {
				t.Errorf("headings = %+v, want %+v", res.Headings, tt.want)
			}
			mustContain(t, res.HTML, tt.wantHTML...)
		})
	}
}

func TestCodeFences(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		contains []string
		not      []string
		problems []problemAt
	}{
		{
			name:     "known language uses chroma classes",
			src:      fence + "go\nfunc main() { println(\"<hi>\") }\n" + fence + "\n",
			contains: []string{`<pre class="chroma">`, `<span class="kd">func</span>`, `&lt;hi&gt;`},
			not:      []string{"style=", "<hi>"},
		},
		{
			name:     "info string words after the language are ignored",
			src:      fence + "python title=\"x\"\nx = 1\n" + fence + "\n",
			contains: []string{`class="chroma"`},
			not:      []string{"title", "style="},
		},
		{
			name:     "no language is plain without warning",
			src:      fence + "\n<b>bold?</b>\n" + fence + "\n",
			contains: []string{"<pre><code>&lt;b&gt;bold?&lt;/b&gt;\n</code></pre>"},
		},
		{
			name:     "unknown language warns at the fence line",
			src:      "Intro.\n\n" + fence + "klingon\nqapla'\n" + fence + "\n",
			contains: []string{"<pre><code>qapla'\n</code></pre>"},
			not:      []string{"klingon"},
			problems: []problemAt{{12, "unknown-language", true}},
		},
		{
			name:     "hostile info string is never emitted",
			src:      fence + "\"><script>alert(1)</script>\nx\n" + fence + "\n",
			contains: []string{"<pre><code>x\n</code></pre>"},
			not:      []string{"<script", "alert"},
			problems: []problemAt{{10, "unknown-language", true}},
		},
		{
			name:     "attribute-looking info string is never emitted",
			src:      "text\n" + fence + "c{onmouseover=x}\ny\n" + fence + "\n",
			not:      []string{"onmouseover", "language-"},
			problems: []problemAt{{11, "unknown-language", true}},
		},
		{
			name:     "too long a name",
			src:      fence + strings.Repeat("a", 33) + "\nz\n" + fence + "\n",
			problems: []problemAt{{10, "unknown-language", true}},
		},
		{
			name:     "aliases and extensions are known, in any case",
			src:      fence + "YML\na: 1\n" + fence + "\n\n" + fence + "rs\nfn main() {}\n" + fence + "\n\n" + fence + "Bash\necho\n" + fence + "\n",
			contains: []string{`<span class="nt">a</span>`, `<span class="k">fn</span>`, `<span class="nb">echo</span>`},
		},
		{
			name:     "many unknown languages stay cheap",
			src:      strings.Repeat(fence+"made-up-language\nx\n"+fence+"\n", 300),
			problems: unknownAt(10, 300),
		},
		{
			name:     "tilde fence in a list",
			src:      "- item\n\n  ~~~js\n  let a = 1;\n  ~~~\n",
			contains: []string{`class="chroma"`, `<span class="kd">let</span>`},
		},
		{
			name:     "unclosed fence",
			src:      fence + "go\nx := 1\n",
			contains: []string{`class="chroma"`},
		},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := r.Render([]byte(tt.src), 10, nil)
			mustContain(t, res.HTML, tt.contains...)
			mustNotContain(t, res.HTML, tt.not...)
			want := tt.problems
			if want == nil {
				want = []problemAt{}
			}
			if got := problemsAt(res.Problems); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("problems = %+v, want %+v", res.Problems, want)
			}
		})
	}
}

func TestHighlightFallbackOverLimit(t *testing.T) {
	big := strings.Repeat("x := 1 // 0123456789012345678901234567890123456789\n", (maxHighlight/50)+10)
	src := "# Big\n\n" + fence + "go\n" + big + fence + "\n"
	res := New(Options{}).Render([]byte(src), 5, nil)
	if got := problemsAt(res.Problems); fmt.Sprint(got) != fmt.Sprint([]problemAt{{7, "highlight-fallback", true}}) {
		t.Fatalf("problems = %+v", res.Problems)
	}
	if !bytes.HasPrefix(res.HTML[bytes.Index(res.HTML, []byte("<pre")):], []byte("<pre><code>x := 1")) {
		t.Errorf("not a plain block: %.80s", res.HTML)
	}
}

// dangerousAttr finds attribute values a browser would run as script or data.
var attrValue = regexp.MustCompile(`(?i)\s([a-z-]+)="([^"]*)"`)

func dangerousAttrs(out []byte) []string {
	var bad []string
	for _, m := range attrValue.FindAllSubmatch(out, -1) {
		v := html.UnescapeString(string(m[2]))
		v = strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f {
				return -1
			}
			return r
		}, v)
		v = strings.ToLower(v)
		for _, s := range []string{"javascript:", "vbscript:", "data:"} {
			if strings.HasPrefix(v, s) {
				bad = append(bad, string(m[0]))
			}
		}
	}
	return bad
}

func TestUnsafeURLs(t *testing.T) {
	tests := []struct {
		name, src string
		text      string // what is left of the link
	}{
		{"plain", "[click](javascript:alert(1))", "click"},
		{"mixed case", "[click](JaVaScRiPt:alert(1))", "click"},
		{"named entity colon", "[click](javascript&colon;alert(1))", "click"},
		{"numeric entity", "[click](&#106;avascript:alert(1))", "click"},
		{"hex entity", "[click](&#x6A;avascript:alert(1))", "click"},
		{"tab entity inside", "[click](java&Tab;script:alert(1))", "click"},
		{"leading space in angle brackets", "[click](< javascript:alert(1)>)", "click"},
		{"vbscript", "[click](vbscript:msgbox(1))", "click"},
		{"data", "[click](data:text/html;base64,PHNjcmlwdD4=)", "click"},
		{"backslash escape", "[click](javascript\\:alert(1))", "click"},
		{"reference", "[click][evil]\n\n[evil]: javascript:alert(1)", "click"},
		{"collapsed reference", "[evil][]\n\n[evil]: JAVASCRIPT:alert(1)", "evil"},
		{"autolink", "<javascript:alert(1)>", "javascript:alert(1)"},
		{"image", "![a chart](javascript:alert(1))", "a chart"},
		{"data image", "![pixel](data:image/png;base64,iVBORw0KGgo=)", "pixel"},
		{"image in link", "[![logo](javascript:x)](vbscript:y)", "logo"},
		{"emphasis kept", "[**bold** move](javascript:x)", "<strong>bold</strong> move"},
	}
	for _, unsafe := range []bool{false, true} {
		r := New(Options{UnsafeHTML: unsafe})
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/unsafe_html=%v", tt.name, unsafe), func(t *testing.T) {
				res := r.Render([]byte("Intro.\n\n"+tt.src+"\n"), 20, nil)
				if bad := dangerousAttrs(res.HTML); len(bad) > 0 {
					t.Errorf("dangerous attributes %q in\n%s", bad, res.HTML)
				}
				mustNotContain(t, res.HTML, "<a ", "<img")
				mustContain(t, res.HTML, tt.text)
				if len(res.Problems) == 0 {
					t.Fatalf("no problem recorded")
				}
				for _, p := range res.Problems {
					if p.Code != "unsafe-url" || !p.Warning || p.Line != 22 {
						t.Errorf("problem = %+v, want unsafe-url warning on line 22", p)
					}
				}
				if len(res.Links) == 0 {
					t.Errorf("unsafe destination not listed in Links")
				}
			})
		}
	}
}

func TestSafeURLsKept(t *testing.T) {
	src := "[a](https://example.org/x?a=1&b=2) [b](../r2/) [c](#background) [d](mailto:desk@example.org) " +
		"![e](img/data.png) [f](datasheet.md) [g](javascript-guide.md)\n"
	res := New(Options{}).Render([]byte(src), 1, nil)
	if len(res.Problems) != 0 {
		t.Errorf("problems: %+v", res.Problems)
	}
	mustContain(t, res.HTML,
		`href="https://example.org/x?a=1&amp;b=2"`, `href="../r2/"`, `href="#background"`,
		`href="mailto:desk@example.org"`, `src="img/data.png"`, `href="datasheet.md"`, `href="javascript-guide.md"`)
}

func TestRawHTML(t *testing.T) {
	src := "<div class=\"note\">Block</div>\n\nInline <span>span</span> and <script>alert(1)</script>.\n"
	safe := New(Options{}).Render([]byte(src), 1, nil)
	mustContain(t, safe.HTML, "<!-- raw HTML omitted -->", "Inline ")
	mustNotContain(t, safe.HTML, "<div", "<span", "<script")

	unsafe := New(Options{UnsafeHTML: true}).Render([]byte(src), 1, nil)
	mustContain(t, unsafe.HTML, `<div class="note">Block</div>`, "<span>span</span>")
	mustNotContain(t, unsafe.HTML, "raw HTML omitted")
}

func TestLinkResolver(t *testing.T) {
	pages := map[string]string{
		"../r1.md":       "/dialogues/x/r1/",
		"img/chart.png":  "/dialogues/x/chart.png",
		"https://a.org":  "https://a.org",
		"topics.md#oil":  "/topics/#oil",
		"q.md":           "/search/?q=a&b=c\\d",
		"evil.md":        "javascript:alert(1)",
		"http://x.org/a": "/outbound/?u=x.org",
	}
	resolve := func(dest string) (string, string) {
		if to, ok := pages[dest]; ok {
			return to, ""
		}
		return "", fmt.Sprintf("link to %q: no such page", dest)
	}
	src := "First line.\n" +
		"See [round one](../r1.md) and ![chart](img/chart.png).\n" +
		"A [missing](../r9.md) page and [topics](topics.md#oil).\n" +
		"\n" +
		"[q](q.md), [evil](evil.md), <http://x.org/a>, [ext](https://a.org).\n"
	res := New(Options{}).Render([]byte(src), 8, resolve)
	mustContain(t, res.HTML,
		`<a href="/dialogues/x/r1/">round one</a>`,
		`<img src="/dialogues/x/chart.png" alt="chart">`,
		`<a href="../r9.md">missing</a>`,
		`<a href="/topics/#oil">topics</a>`,
		`<a href="/search/?q=a&amp;b=c%5Cd">q</a>`,
		`<a href="/outbound/?u=x.org">http://x.org/a</a>`,
		`<a href="https://a.org">ext</a>`,
		"evil,")
	mustNotContain(t, res.HTML, "javascript:")
	wantLinks := []Link{
		{"../r1.md", 9, false}, {"img/chart.png", 9, true},
		{"../r9.md", 10, false}, {"topics.md#oil", 10, false},
		{"q.md", 12, false}, {"evil.md", 12, false}, {"http://x.org/a", 12, false}, {"https://a.org", 12, false},
	}
	if fmt.Sprint(res.Links) != fmt.Sprint(wantLinks) {
		t.Errorf("links = %+v\nwant    %+v", res.Links, wantLinks)
	}
	wantProblems := []problemAt{{10, "broken-link", false}, {12, "unsafe-url", true}}
	if got := problemsAt(res.Problems); fmt.Sprint(got) != fmt.Sprint(wantProblems) {
		t.Errorf("problems = %+v, want %+v", res.Problems, wantProblems)
	}
	if p := res.Problems[0]; p.Message != `link to "../r9.md": no such page` || p.Col != 3 {
		t.Errorf("broken-link problem = %+v", p)
	}
}

func TestLinkLines(t *testing.T) {
	src := "| a | b |\n" + // 1
		"|---|---|\n" + // 2
		"| [t](t.md) | x |\n" + // 3
		"\n" + // 4
		"> quote\n" + // 5
		"> [q](q.md)\n" + // 6
		"\n" + // 7
		"- one\n" + // 8
		"  - two [l](l.md)\n" + // 9
		"\n" + // 10
		"Text[^n] www.example.org\n" + // 11
		"\n" + // 12
		"[^n]: Note [f](f.md)\n" + // 13
		"\n" + // 14
		"[r][]\n" + // 15
		"\n" + // 16
		"[r]: r.md\n" // 17
	res := New(Options{}).Render([]byte(src), 100, nil)
	want := []Link{
		{"t.md", 102, false}, {"q.md", 105, false}, {"l.md", 108, false},
		{"http://www.example.org", 110, false}, {"r.md", 114, false}, {"f.md", 112, false},
	}
	if fmt.Sprint(res.Links) != fmt.Sprint(want) {
		t.Errorf("links = %+v\nwant    %+v", res.Links, want)
	}
}

func TestRenderInline(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"emphasis", "Agreed to continue **joint efforts**", "Agreed to continue <strong>joint efforts</strong>"},
		{"list marker stays text", "1. Agreed", "1. Agreed"},
		{"heading marker stays text", "# 5 points", "# 5 points"},
		{"quote marker stays text", "> not a quote", "&gt; not a quote"},
		{"code and strike", "`x` ~~y~~", "<code>x</code> <del>y</del>"},
		{"link", "see [r1](r1.md)", `see <a href="/r1/">r1</a>`},
		{"unsafe link", "[x](javascript:alert(1))", "x"},
		{"raw html omitted", "a <b>b</b>", "a <!-- raw HTML omitted -->b<!-- raw HTML omitted -->"},
		{"newlines are spaces", "one\n\ntwo", "one  two"},
		{"indent is not code", "    spaced", "spaced"},
		{"tab indent", "\t- x", "- x"},
		{"empty", "", ""},
	}
	r := New(Options{})
	resolve := func(d string) (string, string) { return "/" + strings.TrimSuffix(d, ".md") + "/", "" }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := r.RenderInline(tt.src, 4, resolve)
			if string(res.HTML) != tt.want {
				t.Errorf("RenderInline(%q) = %q, want %q", tt.src, res.HTML, tt.want)
			}
			for _, p := range res.Problems {
				if p.Line != 4 {
					t.Errorf("problem line %d, want 4", p.Line)
				}
			}
		})
	}
}

func TestRenderInlineProblemColumn(t *testing.T) {
	res := New(Options{}).RenderInline("  Agreed [x](javascript:x)", 12, nil)
	if len(res.Problems) != 1 || res.Problems[0].Line != 12 || res.Problems[0].Col != 10 {
		t.Errorf("problems = %+v, want one at 12:10", res.Problems)
	}
}

func TestFootnotesAndTables(t *testing.T) {
	src := "Claim.[^1]\n\n| Side | Position |\n|:-----|---------:|\n| A | *yes* |\n\n- [x] done\n- [ ] open\n\n~~old~~\n\n[^1]: Source: minutes.\n"
	res := New(Options{}).Render([]byte(src), 1, nil)
	mustContain(t, res.HTML,
		`<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`,
		`<div class="footnotes" role="doc-endnotes">`, "Source: minutes.",
		"<table>", `<th style="text-align:left">Side</th>`, "<td style=\"text-align:right\"><em>yes</em></td>",
		`<input checked="" disabled="" type="checkbox"> done`, "<del>old</del>")
	if len(res.Problems) != 0 || len(res.Links) != 0 {
		t.Errorf("problems %+v links %+v", res.Problems, res.Links)
	}
}

func TestNoTypographerNoAttributes(t *testing.T) {
	res := New(Options{}).Render([]byte("## Title {#custom .x}\n\n\"quotes\" -- dash...\n"), 1, nil)
	mustContain(t, res.HTML, "&quot;quotes&quot; -- dash...", "{#custom .x}")
	mustNotContain(t, res.HTML, `id="custom"`, "&ldquo;", "&ndash;")
}

func TestSyntaxCSS(t *testing.T) {
	css := SyntaxCSS("")
	for _, w := range []string{"@media (prefers-color-scheme: dark)", ".chroma .kd", `"github"`, `"github-dark"`} {
		if !bytes.Contains(css, []byte(w)) {
			t.Errorf("SyntaxCSS(\"\") lacks %q", w)
		}
	}
	for i := 0; i < 5; i++ {
		if !bytes.Equal(SyntaxCSS(""), css) {
			t.Fatal("SyntaxCSS is not deterministic")
		}
	}
	if !bytes.Equal(SyntaxCSS("no-such-style"), css) {
		t.Error("unknown style should fall back to github")
	}
	if !bytes.Equal(SyntaxCSS("GitHub"), css) {
		t.Error("style names are case-insensitive")
	}
	if m := SyntaxCSS("monokai"); !bytes.Contains(m, []byte(`"monokai"`)) || !bytes.Contains(m, []byte("prefers-color-scheme")) {
		t.Errorf("monokai css:\n%s", m)
	}
	for name, want := range map[string]bool{"github": true, "monokai": true, "GitHub": true, "": false, "nope": false} {
		if ValidStyle(name) != want {
			t.Errorf("ValidStyle(%q) = %v", name, !want)
		}
	}
}

// TestConcurrentRenders renders the same bodies from many goroutines; the
// output must be byte-identical (run with -race to check for shared state).
func TestConcurrentRenders(t *testing.T) {
	r := New(Options{})
	bodies := seedBodies(t)
	want := make([][]byte, len(bodies))
	for i, b := range bodies {
		want[i] = r.Render(b, 1, nil).HTML
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, b := range bodies {
				if got := r.Render(b, 1, nil).HTML; !bytes.Equal(got, want[i]) {
					t.Errorf("body %d rendered differently", i)
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkRender measures a realistic body:
//
//	go test ./generator/internal/markdown -run '^$' -bench Render -benchmem
func BenchmarkRender(b *testing.B) {
	r := New(Options{})
	body := seedBodies(b)[0]
	resolve := func(d string) (string, string) { return d, "" }
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Render(body, 1, resolve)
		}
	})
}
