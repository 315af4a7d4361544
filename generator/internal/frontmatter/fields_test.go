package frontmatter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"briefings/generator/internal/diag"

	"gopkg.in/yaml.v3"
)

// value decodes `v: <src>` as front matter (file line 2) and returns the
// value node, so every case is positioned as in a real file.
func value(t *testing.T, src string) *yaml.Node {
	t.Helper()
	doc, ds := Parse("r.md", []byte("---\nv: "+src+"\n---\n"), Limits{})
	if len(ds) != 0 || doc.Node == nil {
		t.Fatalf("decoding %q: %s", src, dump(ds))
	}
	return doc.Node.Content[1]
}

func one(t *testing.T, d *diag.Diagnostic, w *want) {
	t.Helper()
	switch {
	case d == nil && w == nil:
	case d == nil:
		t.Errorf("no diagnostic, want %+v", *w)
	case w == nil:
		t.Errorf("unexpected diagnostic %s [%s]", d, d.Code)
	default:
		checkDiags(t, []diag.Diagnostic{*d}, []want{*w})
	}
}

func TestFields(t *testing.T) {
	allowed := []string{"title", "round", "date", "participants", "topics", "summary", "draft"}
	doc, ds := Parse("r.md", []byte("---\ntitle: x\nparticpants: [a]\ntoppics: [b]\ntitel: y\nzzz: 1\n[a]: 2\n---\n"), Limits{})
	if len(ds) != 0 {
		t.Fatal(dump(ds))
	}
	m, ds := Fields("r.md", doc.Node, allowed)
	checkDiags(t, ds, []want{
		{CodeUnknownField, 3, 1, `unknown field "particpants"`},
		{CodeUnknownField, 4, 1, `unknown field "toppics"`},
		{CodeUnknownField, 5, 1, `unknown field "titel"`},
		{CodeUnknownField, 6, 1, `unknown field "zzz"`},
		{CodeWrongType, 7, 1, "field names must be plain text"},
	})
	for i, s := range []string{`did you mean "participants"?`, `did you mean "topics"?`, `did you mean "title"?`, ""} {
		if ds[i].Suggestion != s {
			t.Errorf("suggestion %d = %q, want %q", i, ds[i].Suggestion, s)
		}
	}
	if len(m) != 1 || m["title"].Value != "x" {
		t.Errorf("map = %v", m)
	}
	// Duplicates: first value wins.
	doc, _ = Parse("r.md", []byte("---\ntitle: a\ntitle: b\n---\n"), Limits{})
	m, ds = Fields("r.md", doc.Node, allowed)
	if len(ds) != 0 || m["title"].Value != "a" {
		t.Errorf("duplicate: %v %s", m, dump(ds))
	}
	// Not a mapping; nil.
	_, ds = Fields("r.md", value(t, "[a]"), allowed)
	checkDiags(t, ds, []want{{CodeWrongType, 2, 4, "expected a mapping"}})
	if m, ds := Fields("r.md", nil, allowed); m == nil || ds != nil {
		t.Errorf("nil mapping: %v %v", m, ds)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		src  string
		want string
		diag *want
	}{
		{"Round 2", "Round 2", nil},
		{"No", "No", nil},
		{"On", "On", nil},
		{"yes", "yes", nil},
		{"1.0", "1.0", nil},
		{"007", "007", nil},
		{"2024-04-15", "2024-04-15", nil},
		{"0x1F", "0x1F", nil},
		{"'quoted: yes'", "quoted: yes", nil},
		{"\"한국어 제목\"", "한국어 제목", nil},
		{"|\n  line one\n  line two", "line one\nline two\n", nil},
		{"[a, b]", "", &want{CodeWrongType, 2, 4, "title must be a string"}},
		{"{a: b}", "", &want{CodeWrongType, 2, 4, "title must be a string"}},
		{"", "", &want{CodeEmpty, 2, 0, "title must not be empty"}},
		{"~", "", &want{CodeEmpty, 2, 4, "title must not be empty"}},
		{"null", "", &want{CodeEmpty, 2, 4, "title must not be empty"}},
		{"''", "", &want{CodeEmpty, 2, 4, "title must not be empty"}},
		{"'  '", "", &want{CodeEmpty, 2, 4, "title must not be empty"}},
		{"\"a\\vb\\x1Fc\\x7F\\u0085d\\te\"", "abc" + "d\te", &want{CodeControlChar, 2, 4, "removed 4 control character"}},
		{"\"\\x0B\"", "", &want{CodeEmpty, 2, 4, "must not be empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, d := String("r.md", "title", value(t, tt.src))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			one(t, d, tt.diag)
			if d != nil && d.Code == CodeControlChar && d.Severity != diag.Warning {
				t.Errorf("control-char is not a warning")
			}
		})
	}
	if _, d := String("r.md", "title", nil); d == nil || d.Code != CodeEmpty {
		t.Errorf("nil node: %v", d)
	}
}

func TestStringList(t *testing.T) {
	tests := []struct {
		src   string
		want  []string
		diags []want
	}{
		{"[Security, No, On, 1.0]", []string{"Security", "No", "On", "1.0"}, nil},
		{"\n  - Nuclear policy\n  - Trade", []string{"Nuclear policy", "Trade"}, nil},
		{"[]", nil, nil},
		{"~", nil, nil},
		{"Security", nil, []want{{CodeWrongType, 2, 4, "topics must be a list"}}},
		{"{a: b}", nil, []want{{CodeWrongType, 2, 4, "topics must be a list"}}},
		{"[a, ~, '', [x], b]", []string{"a", "b"}, []want{
			{CodeEmpty, 2, 8, "topics[2] must not be empty"},
			{CodeEmpty, 2, 11, "topics[3] must not be empty"},
			{CodeWrongType, 2, 15, "topics[4] must be a string"},
		}},
		{"[\"a\\x01\"]", []string{"a"}, []want{{CodeControlChar, 2, 5, "topics[1]"}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, ds := StringList("r.md", "topics", value(t, tt.src))
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			checkDiags(t, ds, tt.diags)
		})
	}
}

func TestInt(t *testing.T) {
	good := map[string]int{"1": 1, "2": 2, "12": 12, "007": 7}
	for src, w := range good {
		got, d := Int("r.md", "round", value(t, src))
		if got != w || d != nil {
			t.Errorf("Int(%s) = %d, %v", src, got, d)
		}
	}
	for _, src := range []string{`"2"`, "'2'", "0", "-1", "+1", "2.5", "1e3", "0x10", "0o7", "99999999999999999999", "two", "~", "", "[1]", "{a: 1}", "true"} {
		t.Run(src, func(t *testing.T) {
			got, d := Int("r.md", "round", value(t, src))
			col := 4
			if src == "" {
				col = 0
			}
			if got != 0 {
				t.Errorf("value %d", got)
			}
			one(t, d, &want{CodeBadInt, 2, col, "round must be a positive integer"})
		})
	}
}

func TestBool(t *testing.T) {
	for src, w := range map[string]bool{"true": true, "false": false, "True": true, "FALSE": false, "yes": true, "No": false, "on": true, "OFF": false} {
		got, d := Bool("r.md", "draft", value(t, src))
		if got != w || d != nil {
			t.Errorf("Bool(%s) = %v, %v", src, got, d)
		}
	}
	for _, src := range []string{`"true"`, "'yes'", "1", "0", "y", "maybe", "~", "[true]"} {
		t.Run(src, func(t *testing.T) {
			_, d := Bool("r.md", "draft", value(t, src))
			one(t, d, &want{CodeBadBool, 2, 4, "draft must be true or false"})
		})
	}
}

func TestDate(t *testing.T) {
	for _, src := range []string{"2024-04-15", "'2024-04-15'", "\"2024-02-29\"", "2000-12-31"} {
		got, d := Date("r.md", "date", value(t, src))
		if got != strings.Trim(src, `'"`) || d != nil {
			t.Errorf("Date(%s) = %q, %v", src, got, d)
		}
	}
	const msg = "date must be a real calendar date in the form YYYY-MM-DD"
	for _, src := range []string{"2024-02-30", "2023-02-29", "2024-13-45", "2024-00-10", "15/04/2024", "2024-4-5", "2024-04-15T10:00:00Z", "2024-04-15 10:00", `""`, "null", "~", "20240415", "[2024-04-15]", "0000-01-01", "２０２４-04-15"} {
		t.Run(src, func(t *testing.T) {
			got, d := Date("r.md", "date", value(t, src))
			if got != "" {
				t.Errorf("value %q", got)
			}
			one(t, d, &want{CodeBadDate, 2, 4, msg})
		})
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"---\ntitle: Round 2\n---\nbody\n",
		"\ufeff---\r\ntitle: x\r\n---\r\n",
		"0: [:!00 \xef",
		"---\n0: [:!00 \xef\n---\n",
		"\"\\0\\\r\n",
		"  0: [\n] 0",
		" \ufeff\n",
		"---\n  0: [\n] 0\n---\n",
		"---\na: &a [x]\nb: *a\n---\n",
		"---\ntitle: a: b\n---\n",
		"---\n" + strings.Repeat("[", 200) + "\n---\n",
		"---\n" + strings.Repeat("- ", 200) + "\n---\n",
		"---js\n---\n",
		"",
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "round.md")); err == nil {
		seeds = append(seeds, string(data))
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	allowed := []string{"title", "round", "date", "participants", "topics", "summary", "draft"}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, ds := Parse("r.md", data, Limits{})
		if doc.Node != nil {
			m, fds := Fields("r.md", doc.Node, allowed)
			ds = append(ds, fds...)
			for k, v := range m {
				if _, d := String("r.md", k, v); d != nil {
					ds = append(ds, *d)
				}
				_, lds := StringList("r.md", k, v)
				ds = append(ds, lds...)
				for _, fn := range []func(string, string, *yaml.Node) *diag.Diagnostic{
					func(f, k string, v *yaml.Node) *diag.Diagnostic { _, d := Int(f, k, v); return d },
					func(f, k string, v *yaml.Node) *diag.Diagnostic { _, d := Bool(f, k, v); return d },
					func(f, k string, v *yaml.Node) *diag.Diagnostic { _, d := Date(f, k, v); return d },
				} {
					if d := fn("r.md", k, v); d != nil {
						ds = append(ds, *d)
					}
				}
			}
		}
		for _, d := range ds {
			if d.Pos.Line < 1 || d.Pos.File != "r.md" || d.Code == "" || d.Code == "internal" {
				t.Fatalf("bad diagnostic %s [%s] line %d", d, d.Code, d.Pos.Line)
			}
		}
	})
}
