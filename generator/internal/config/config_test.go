package config

import (
	"strings"
	"testing"

	"briefings/generator/internal/diag"
	"briefings/generator/internal/frontmatter"
)

type want struct {
	Code string
	Line int
	Col  int // 0 = not checked
	Msg  string
	Sugg string
}

func check(t *testing.T, ds []diag.Diagnostic, ws []want) {
	t.Helper()
	if len(ds) != len(ws) {
		var b strings.Builder
		for _, d := range ds {
			b.WriteString("  " + d.String() + " [" + d.Code + "]\n")
		}
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(ds), len(ws), b.String())
	}
	for i, w := range ws {
		d := ds[i]
		if d.Pos.File != "config.yaml" || d.Code != w.Code || d.Pos.Line != w.Line || (w.Col != 0 && d.Pos.Col != w.Col) || !strings.Contains(d.Message, w.Msg) || d.Suggestion != w.Sugg {
			t.Errorf("diagnostic %d = %s [%s] at %d:%d (%q)\nwant %s at %d:%d containing %q (%q)", i, d, d.Code, d.Pos.Line, d.Pos.Col, d.Suggestion, w.Code, w.Line, w.Col, w.Msg, w.Sugg)
		}
	}
}

const minimal = "title: Dialogue Briefings\nbase_url: https://example.org/briefings\n"

func TestParseOK(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Config
	}{
		{"minimal", minimal, Config{
			Title: "Dialogue Briefings", BaseURL: "https://example.org/briefings/", BasePath: "/briefings/",
			Language: "en", Limits: frontmatter.Limits{FrontMatterBytes: 64 << 10, BodyBytes: 5 << 20},
		}},
		{"root URL without slash", "title: T\nbase_url: http://Example.ORG\n", Config{
			Title: "T", BaseURL: "http://example.org/", BasePath: "/", Language: "en",
			Limits: frontmatter.Limits{FrontMatterBytes: 64 << 10, BodyBytes: 5 << 20},
		}},
		{"everything", "\ufefftitle: \"On\"\r\nbase_url: HTTPS://example.org:8080/a/b/\r\nlanguage: ko-KR\r\ndescription: Notes on 1.0\r\nunsafe_html: yes\r\nhighlight_style: monokai\r\nfront_matter_bytes: 1000\r\nbody_bytes: 2000\r\n", Config{
			Title: "On", BaseURL: "https://example.org:8080/a/b/", BasePath: "/a/b/", Language: "ko-KR",
			Description: "Notes on 1.0", UnsafeHTML: true, HighlightStyle: "monokai",
			Limits: frontmatter.Limits{FrontMatterBytes: 1000, BodyBytes: 2000},
		}},
		{"empty description", minimal + "description: \"\"\nunsafe_html: false\n", Config{
			Title: "Dialogue Briefings", BaseURL: "https://example.org/briefings/", BasePath: "/briefings/",
			Language: "en", Limits: frontmatter.Limits{FrontMatterBytes: 64 << 10, BodyBytes: 5 << 20},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ds := Parse("config.yaml", []byte(tt.in))
			check(t, ds, nil)
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"empty", "", []want{{"missing-field", 1, 0, `required field "title" missing`, ""}, {"missing-field", 1, 0, `required field "base_url" missing`, ""}}},
		{"missing base_url", "title: x\n", []want{{"missing-field", 1, 0, `required field "base_url" missing`, ""}}},
		{"not a mapping", "- title\n", []want{{"config-type", 1, 1, "config must be a mapping", ""}}},
		{"unknown key", minimal + "baseurl: x\nlanguge: en\nthemes: x\n", []want{
			{"unknown-field", 3, 1, `unknown field "baseurl"`, `did you mean "base_url"?`},
			{"unknown-field", 4, 1, `unknown field "languge"`, `did you mean "language"?`},
			{"unknown-field", 5, 1, `unknown field "themes"`, ""},
		}},
		{"duplicate key", minimal + "title: again\n", []want{{"duplicate-key", 3, 1, `mapping key "title" already defined at line 1`, ""}}},
		{"syntax error", minimal + "description: a: b\n", []want{{"yaml-syntax", 3, 0, "mapping values are not allowed", ""}}},
		{"alias", "title: &t x\nbase_url: https://e.org/\ndescription: *t\n", []want{{"yaml-alias", 1, 8, "anchors/aliases", ""}, {"yaml-alias", 3, 14, "anchors/aliases", ""}}},
		{"deep nesting", "title: " + strings.Repeat("[", 10000) + "\n", []want{{"yaml-too-deep", 1, 0, "nested", ""}}},
		{"invalid utf8", minimal + "description: \xff\n", []want{{"invalid-utf8", 3, 14, "UTF-8", ""}}},
		{"too large", minimal + "description: " + strings.Repeat("x", MaxBytes) + "\n", []want{{"too-large", 1, 0, "config exceeds", ""}}},
		{"title list", "title: [a]\nbase_url: https://e.org/\n", []want{{"wrong-type", 1, 8, "title must be a string", ""}}},
		{"title null", "title:\nbase_url: https://e.org/\n", []want{{"empty-value", 1, 0, "title must not be empty", ""}}},
		{"language underscore", minimal + "language: en_US\n", []want{{"bad-language", 3, 11, "BCP 47", `did you mean "en-US"?`}}},
		{"language junk", minimal + "language: english!\n", []want{{"bad-language", 3, 11, "BCP 47", ""}}},
		{"unsafe_html quoted", minimal + "unsafe_html: \"true\"\n", []want{{"bad-bool", 3, 14, "unsafe_html must be true or false", ""}}},
		{"limits", minimal + "front_matter_bytes: 0\nbody_bytes: \"5\"\n", []want{
			{"bad-int", 3, 21, "front_matter_bytes must be a positive integer", ""},
			{"bad-int", 4, 13, "body_bytes must be a positive integer", ""},
		}},
		{"highlight_style map", minimal + "highlight_style: {a: b}\n", []want{{"wrong-type", 3, 18, "highlight_style must be a string", ""}}},
	}
	for _, u := range []string{"example.org", "/briefings/", "ftp://example.org/", "https://", "https:///x", "https://example.org/?q=1", "https://example.org/#top", "https://example.org/?", "https://user:pw@example.org/", "https://exa mple.org/", "javascript:alert(1)", "//example.org/", "https://example.org/a//b", "https://example.org/a/../b"} {
		tests = append(tests, struct {
			name string
			in   string
			want []want
		}{"base_url " + u, "title: x\nbase_url: '" + u + "'\n", []want{{"bad-url", 2, 11, "base_url ", ""}}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := Parse("config.yaml", []byte(tt.in))
			check(t, ds, tt.want)
		})
	}
}

func FuzzConfig(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte("title: x\nbase_url: https://e.org/a?b#c\nfront_matter_bytes: 99999999999999999999\n"))
	f.Add([]byte("0: [:!00 \xef"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, ds := Parse("config.yaml", data)
		for _, d := range ds {
			if d.Pos.Line < 1 || d.Code == "internal" {
				t.Fatalf("bad diagnostic %s [%s]", d, d.Code)
			}
		}
		if !diag.HasErrors(ds) && (!strings.HasSuffix(cfg.BaseURL, cfg.BasePath) || !strings.HasPrefix(cfg.BasePath, "/") || !strings.HasSuffix(cfg.BasePath, "/")) {
			t.Fatalf("base %q path %q", cfg.BaseURL, cfg.BasePath)
		}
	})
}
