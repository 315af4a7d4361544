package frontmatter

import (
	"strings"
	"testing"

	"briefings/generator/internal/diag"
)

// TestControlCharactersStripped covers checklist item 11: control
// characters pasted from PDFs into title or summary, raw (which yaml.v3
// refuses with no position) or escaped in a quoted string, are removed
// with a warning at their line; the file still decodes. Invalid UTF-8 and
// NUL stay errors (TestParseErrors).
func TestControlCharactersStripped(t *testing.T) {
	tests := []struct {
		name, in string
		title    string
		warns    []want
	}{
		{"raw vertical tab in title", "---\ntitle: Se\voul talks\nround: 2\n---\n", "Seoul talks",
			[]want{{CodeControlChar, 2, 10, "U+000B removed"}}},
		{"raw unit separator and DEL", "---\ntitle: a\x1fb\x7fc\nsummary: x\n---\n", "abc",
			[]want{{CodeControlChar, 2, 9, "U+001F removed"}}},
		{"C1 control in a quoted title", "---\ntitle: \"a\u0080b\"\n---\n", "ab",
			[]want{{CodeControlChar, 2, 10, "U+0080 removed"}}},
		{"controls on two lines", "---\nsummary: \x0bs\ntitle: \x1ft\n---\n", "t",
			[]want{{CodeControlChar, 2, 10, "U+000B"}, {CodeControlChar, 3, 8, "U+001F"}}},
		{"escaped controls", "---\ntitle: \"Se\\voul\\x1f\"\n---\n", "Seoul",
			[]want{{CodeControlChar, 2, 8, "title: removed 2 control character(s)"}}},
		{"NEL is a line break, kept", "---\ntitle: \"a\u0085b\"\n---\n", "a b", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, ds := Parse("r.md", []byte(tt.in), Limits{})
			if diag.HasErrors(ds) || doc.Node == nil {
				t.Fatalf("errors:\n%s", dump(ds))
			}
			m, fds := Fields("r.md", doc.Node, []string{"title", "summary", "round"})
			title, p := String("r.md", "title", m["title"])
			if p != nil {
				fds = append(fds, *p)
			}
			all := append(ds, fds...)
			var got []diag.Diagnostic
			for _, d := range all {
				if d.Code == CodeControlChar {
					if d.Severity != diag.Warning {
						t.Errorf("not a warning: %s", d)
					}
					got = append(got, d)
				}
			}
			if len(tt.warns) == 0 && len(got) != 0 {
				t.Errorf("unexpected warnings:\n%s", dump(got))
			} else if len(tt.warns) > 0 {
				checkDiags(t, got, tt.warns)
			}
			if title != tt.title {
				t.Errorf("title = %q, want %q", title, tt.title)
			}
		})
	}
	// Many lines: the warnings are capped.
	in := "---\ntitle: t\noutcomes:\n" + strings.Repeat("  - \x0bx\n", 50) + "---\n"
	_, ds := Parse("r.md", []byte(in), Limits{})
	if diag.HasErrors(ds) || len(ds) != maxControlDiags+1 || !strings.Contains(ds[len(ds)-1].Message, "on 40 more lines") {
		t.Errorf("capped warnings:\n%s", dump(ds))
	}
}
