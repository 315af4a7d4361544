package frontmatter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"briefings/generator/internal/diag"

	"gopkg.in/yaml.v3"
)

// want describes one expected diagnostic. Msg must be a substring of the
// message; Line and Col are exact (Col 0 = not checked).
type want struct {
	Code string
	Line int
	Col  int
	Msg  string
}

func checkDiags(t *testing.T, ds []diag.Diagnostic, ws []want) {
	t.Helper()
	if len(ds) != len(ws) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(ds), len(ws), dump(ds))
	}
	for i, w := range ws {
		d := ds[i]
		if d.Code != w.Code || d.Pos.Line != w.Line || (w.Col != 0 && d.Pos.Col != w.Col) || !strings.Contains(d.Message, w.Msg) {
			t.Errorf("diagnostic %d = %s [%s] at %d:%d\nwant code %s at %d:%d containing %q", i, d, d.Code, d.Pos.Line, d.Pos.Col, w.Code, w.Line, w.Col, w.Msg)
		}
		if d.Pos.File != "r.md" && d.Pos.File != "config.yaml" {
			t.Errorf("diagnostic %d file = %q", i, d.Pos.File)
		}
	}
}

func dump(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s [%s]\n", d, d.Code)
	}
	return b.String()
}

// tree renders a node tree with positions, for comparing documents.
func tree(n *yaml.Node) string {
	var b strings.Builder
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		fmt.Fprintf(&b, "%s%d %s %q %d:%d\n", strings.Repeat(" ", depth), n.Kind, n.ShortTag(), n.Value, n.Line, n.Column)
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	if n != nil {
		walk(n, 0)
	}
	return b.String()
}

const fence = "front matter must start with `---` and end with `---`"

func TestParseErrors(t *testing.T) {
	big := strings.Repeat("- ", 1<<19) // 1 MB
	bomb := `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`
	var deepBlock strings.Builder
	for i := range 150 {
		fmt.Fprintf(&deepBlock, "%sk:\n", strings.Repeat(" ", i))
	}
	tests := []struct {
		name string
		in   string
		lim  Limits
		want []want
	}{
		{"empty file", "", Limits{}, []want{{"empty-file", 1, 0, "empty file: front matter with `title` required"}}},
		{"only BOM and blank lines", "\ufeff\r\n\n", Limits{}, []want{{"empty-file", 1, 0, "empty file"}}},
		{"no front matter", "# Title\n\ntext\n", Limits{}, []want{{"front-matter-fence", 1, 0, fence}}},
		{"yaml without fences", "title: x\n", Limits{}, []want{{"front-matter-fence", 1, 0, fence}}},
		{"---js fence", "---js\ntitle: x\n---\n", Limits{}, []want{{"front-matter-fence", 1, 0, fence}}},
		{"---javascript fence", "---javascript\n{title: 'x'}\n---\n", Limits{}, []want{{"front-matter-fence", 1, 0, fence}}},
		{"toml fence", "+++\ntitle = 'x'\n+++\n", Limits{}, []want{{"front-matter-fence", 1, 0, fence}}},
		{"json fence", ";;;\n{\"title\": \"x\"}\n;;;\n", Limits{}, []want{{"front-matter-fence", 1, 0, fence}}},
		{"no closing fence", "---\ntitle: x\n\nbody\n", Limits{}, []want{{"front-matter-fence", 1, 0, fence}}},
		{"bad closing fence ----", "---\ntitle: x\n----\nbody\n", Limits{}, []want{{"front-matter-fence", 3, 0, fence}}},
		{"bad closing fence ...", "---\ntitle: x\ndate: 2024-01-02\n...\nbody\n", Limits{}, []want{{"front-matter-fence", 4, 0, fence}}},
		{"only opening fence", "---", Limits{}, []want{{"front-matter-fence", 1, 0, fence}}},
		{"invalid utf8", "---\ntitle: x\nsummary: ab\xffc\n---\n", Limits{}, []want{{"invalid-utf8", 3, 12, "not valid UTF-8"}}},
		{"invalid utf8 after hangul", "---\ntitle: 한국\xe2\x28\n---\n", Limits{}, []want{{"invalid-utf8", 2, 10, "not valid UTF-8"}}},
		{"invalid utf8 in body", "---\ntitle: x\n---\n\nok\n\xc3\n", Limits{}, []want{{"invalid-utf8", 6, 1, "UTF-8"}}},
		{"nul byte", "---\ntitle: x\x00\n---\n", Limits{}, []want{{"nul-byte", 2, 9, "NUL"}}},
		{"nul byte with CRLF", "---\r\ntitle: x\r\n---\r\nbody\x00\r\n", Limits{}, []want{{"nul-byte", 4, 5, "NUL"}}},
		{"front matter too large", "---\ntitle: " + strings.Repeat("x", 100) + "\n---\n", Limits{FrontMatterBytes: 50}, []want{{"too-large", 2, 0, "front matter exceeds 50 bytes"}}},
		{"body too large", "---\ntitle: x\n---\n" + strings.Repeat("y", 100), Limits{BodyBytes: 10}, []want{{"too-large", 4, 0, "body exceeds 10 bytes (limit body_bytes)"}}},
		{"1 MB of dashes, default limit", "---\n" + big + "\n---\n", Limits{}, []want{{"too-large", 2, 0, "front matter exceeds 65536 bytes"}}},
		{"1 MB of dashes, raised limit", "---\n" + big + "\n---\n", Limits{FrontMatterBytes: 2 << 20}, []want{{"yaml-too-deep", 2, 0, "nested more than 100"}}},
		{"10000 nested [", "---\na: " + strings.Repeat("[", 10000) + "\n---\n", Limits{}, []want{{"yaml-too-deep", 2, 0, "nested more than 100"}}},
		{"10000 nested {", "---\n" + strings.Repeat("{a: ", 10000) + "\n---\n", Limits{}, []want{{"yaml-too-deep", 2, 0, "nested more than 100"}}},
		{"deep block nesting", "---\n" + deepBlock.String() + "---\n", Limits{}, []want{{"yaml-too-deep", 102, 101, "nested more than 100"}}},
		{"syntax error on yaml line 3", "---\ntitle: x\nround: 2\nsummary: a: b\n---\n", Limits{}, []want{{"yaml-syntax", 4, 0, "mapping values are not allowed in this context"}}},
		{"syntax error on yaml line 1", "---\ntitle: a: b\n---\n", Limits{}, []want{{"yaml-syntax", 2, 0, "mapping values are not allowed in this context"}}},
		{"tab indentation", "---\ntitle: x\nparticipants:\n\t- a\n---\n", Limits{}, []want{{"yaml-syntax", 4, 0, "tab"}}},
		{"unclosed quote", "---\ntitle: 'x\nround: 2\n---\n", Limits{}, []want{{"yaml-syntax", 3, 0, "unexpected end of stream"}}},
		{"unclosed flow", "---\ntitle: x\ntopics: [a, b\n---\n", Limits{}, []want{{"yaml-syntax", 3, 0, "did not find expected ',' or ']'"}}},
		{"duplicate title", "---\ntitle: a\nround: 2\ndate: 2024-01-02\ntitle: b\n---\n", Limits{}, []want{{"duplicate-key", 5, 1, `mapping key "title" already defined at line 2`}}},
		{"duplicate round nested", "---\ntitle: a\nsources:\n  - round: 1\n    round: 2\n---\n", Limits{}, []want{{"duplicate-key", 5, 5, `mapping key "round" already defined at line 4`}}},
		{"duplicate quoted key", "---\ntitle: a\n'title': b\n---\n", Limits{}, []want{{"duplicate-key", 3, 1, `mapping key "title" already defined at line 2`}}},
		{"anchor", "---\ntitle: &t x\n---\n", Limits{}, []want{{"yaml-alias", 2, 8, "anchors/aliases are not allowed in front matter"}}},
		{"anchor and alias", "---\ntitle: &t x\nsummary: *t\n---\n", Limits{}, []want{{"yaml-alias", 2, 8, "anchors/aliases"}, {"yaml-alias", 3, 10, "anchors/aliases"}}},
		{"merge key", "---\nbase: &b {a: 1}\nx:\n  <<: *b\n---\n", Limits{}, []want{{"yaml-alias", 2, 7, "anchors/aliases"}, {"yaml-alias", 4, 7, "anchors/aliases"}}},
		{"list front matter", "---\n- a\n- b\n---\n", Limits{}, []want{{"front-matter-type", 2, 1, "front matter must be a mapping of field: value"}}},
		{"scalar front matter", "---\njust text\n---\n", Limits{}, []want{{"front-matter-type", 2, 1, "front matter must be a mapping"}}},
		{"two documents", "---\ntitle: x\n--- y\n---\n", Limits{}, []want{{"yaml-multi-doc", 3, 0, "only one YAML document"}}},
		{"crasher go-yaml#666", "---\n0: [:!00 \xef\n---\n", Limits{}, []want{{"invalid-utf8", 2, 10, "UTF-8"}}},
		{"crasher quoted escape CR", "---\n\"\\0\\\r\n---\n", Limits{}, []want{{"yaml-syntax", 2, 0, ""}}},
		{"crasher flow key", "---\n  0: [\n] 0\n---\n", Limits{}, []want{{"yaml-syntax", 3, 0, ""}}},
		{"crasher inner BOM", "---\n \ufeff\n---\n", Limits{}, []want{{"front-matter-type", 2, 2, ""}}},
		{"LS and NEL do not shift lines", "---\ntitle: \"a\u2028b\"\nsummary: \"c\u0085d\"\nround: [1\n---\n", Limits{}, []want{{"yaml-syntax", 4, 0, "did not find expected"}}},
		{"alias without anchor", "---\ntitle: x\nsummary: *nope\n---\n", Limits{}, []want{{"yaml-alias", 3, 0, "anchors/aliases are not allowed"}}},
		{"parser error line", "---\ntitle: x\nparticipants:\n- a\nround: [1\n---\n", Limits{}, []want{{"yaml-syntax", 5, 0, "did not find expected"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, ds := Parse("r.md", []byte(tt.in), tt.lim)
			checkDiags(t, ds, tt.want)
			for _, d := range ds {
				if d.Code != "duplicate-key" && d.Code != "too-large" && doc.Node != nil {
					t.Errorf("Node = %v, want nil after %s", doc.Node.Kind, d.Code)
				}
			}
		})
	}
	t.Run("alias bomb", func(t *testing.T) {
		// Not a timed assertion (CI machines are busy): a 30 s hang guard;
		// the time is logged (a few milliseconds when idle).
		start := time.Now()
		doc, ds := Parse("r.md", []byte("---\n"+bomb+"---\n"), Limits{})
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("alias bomb took %v", d)
		} else {
			t.Logf("alias bomb rejected in %v", d)
		}
		if doc.Node != nil || len(ds) != maxAliasDiags {
			t.Fatalf("got node %v and %d diagnostics:\n%s", doc.Node, len(ds), dump(ds))
		}
		checkDiags(t, ds[:1], []want{{"yaml-alias", 2, 4, "anchors/aliases are not allowed in front matter"}})
	})
}

func TestCrashersDirect(t *testing.T) {
	for _, in := range []string{"0: [:!00 \xef", "\"\\0\\\r\n", "  0: [\n] 0", " \ufeff\n", "[", "{a: [}", "? [\n"} {
		for _, data := range []string{in, "---\n" + in + "\n---\n"} {
			_, ds := Parse("r.md", []byte(data), Limits{})
			if !diag.HasErrors(ds) {
				t.Errorf("Parse(%q): no error", data)
			}
		}
		DecodeYAML("r.md", []byte(in), 1) // must not panic
	}
}

func TestParseOK(t *testing.T) {
	const clean = "---\ntitle: Round 2\nround: 2\nparticipants:\n  - name: Kim\n  - No\n---\n# Body\n\ntext\n"
	tests := []struct {
		name     string
		in       string
		body     string
		bodyLine int
		nilNode  bool
	}{
		{"clean", clean, "# Body\n\ntext\n", 8, false},
		{"BOM", "\ufeff" + clean, "# Body\n\ntext\n", 8, false},
		{"CRLF", strings.ReplaceAll(clean, "\n", "\r\n"), "# Body\n\ntext\n", 8, false},
		{"BOM and CRLF", "\ufeff" + strings.ReplaceAll(clean, "\n", "\r\n"), "# Body\n\ntext\n", 8, false},
		{"lone CR", strings.ReplaceAll(clean, "\n", "\r"), "# Body\n\ntext\n", 8, false},
		{"trailing whitespace after fences", strings.Replace(strings.Replace(clean, "---\n", "--- \t\n", 1), "\n---\n", "\n---  \n", 1), "# Body\n\ntext\n", 8, false},
		{"no final newline", strings.TrimSuffix(clean, "\n"), "# Body\n\ntext", 8, false},
		{"closing fence at EOF", "---\ntitle: x\n---", "", 4, false},
		{"empty front matter", "---\n---\nbody\n", "body\n", 3, true},
		{"comment-only front matter", "---\n# nothing yet\n---\nbody\n", "body\n", 4, true},
		{"blank front matter", "---\n\n  \n---\n", "", 5, true},
		{"null front matter", "---\n~\n---\n", "", 4, true},
		{"LS in a title", "---\ntitle: \"R2\u2028x\"\n\nround: 2\n---\n", "", 6, false},
		{"brackets in block scalar", "---\ntitle: x\nsummary: |\n  " + strings.Repeat("[", 150) + "\n  more\nround: 1\n---\n", "", 8, false},
		{"brackets in quoted and plain text", "---\ntitle: 'it''s [" + strings.Repeat("{", 150) + "'\nsummary: a [" + strings.Repeat("[", 150) + " # [[[\n---\n", "", 5, false},
		{"--- inside body", "---\ntitle: x\n---\na\n---\nb\n", "a\n---\nb\n", 4, false},
	}
	var cleanTree string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, ds := Parse("r.md", []byte(tt.in), Limits{})
			if len(ds) != 0 {
				t.Fatalf("unexpected diagnostics:\n%s", dump(ds))
			}
			if string(doc.Body) != tt.body || doc.BodyLine != tt.bodyLine || doc.FMLine != 2 {
				t.Errorf("Body %q line %d FMLine %d, want %q line %d FMLine 2", doc.Body, doc.BodyLine, doc.FMLine, tt.body, tt.bodyLine)
			}
			if (doc.Node == nil) != tt.nilNode {
				t.Fatalf("Node = %v, want nil: %v", doc.Node, tt.nilNode)
			}
			if doc.Node != nil && doc.Node.Kind != yaml.MappingNode {
				t.Errorf("Node kind %v", doc.Node.Kind)
			}
			if strings.Contains(tt.in, "Round 2") {
				got := tree(doc.Node)
				if cleanTree == "" {
					cleanTree = got
				} else if got != cleanTree {
					t.Errorf("tree differs from the clean LF file:\n%s\nwant\n%s", got, cleanTree)
				}
			}
		})
	}
	// U+2028 is a line break for yaml.v3 but not for editors.
	doc, _ := Parse("r.md", []byte("---\ntitle: \"a\u2028b\"\n\nround: 2\n---\n"), Limits{})
	if n := doc.Node.Content[3]; n.Line != 4 {
		t.Errorf("round after U+2028 at line %d, want 4", n.Line)
	}
	// Positions are file positions.
	doc, _ = Parse("r.md", []byte(clean), Limits{})
	m, _ := Fields("r.md", doc.Node, []string{"title", "round", "participants"})
	if p := Pos("r.md", m["round"]); p != (diag.Pos{File: "r.md", Line: 3, Col: 8}) {
		t.Errorf("round at %v, want r.md:3:8", p)
	}
	if p := Pos("r.md", m["participants"].Content[1]); p.Line != 6 || p.Col != 5 {
		t.Errorf("participants[2] at %v, want 6:5", p)
	}
}

func TestDecodeYAMLOffset(t *testing.T) {
	n, ds := DecodeYAML("config.yaml", []byte("a: 1\nb: [1,\n"), 10)
	checkDiags(t, ds, []want{{"yaml-syntax", 11, 0, ""}})
	if n != nil {
		t.Errorf("node not nil")
	}
	n, ds = DecodeYAML("config.yaml", []byte("\ufeffa: 1\r\nb: 2\r\n"), 1)
	if len(ds) != 0 || n == nil || n.Content[2].Line != 2 || n.Content[2].Column != 1 {
		t.Errorf("got %v %s", n, dump(ds))
	}
}
