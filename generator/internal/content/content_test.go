package content

import (
	"strings"
	"testing"

	"briefings/generator/internal/diag"
)

func parse(t *testing.T, files map[string]string) (*Site, []diag.Diagnostic) {
	t.Helper()
	var fs []File
	for p, d := range files {
		fs = append(fs, File{Path: p, Data: []byte(d)})
	}
	return Parse(fs, Options{})
}

func diagText(ds []diag.Diagnostic) string {
	diag.Sort(ds)
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

const index = "---\ntitle: D\n---\n"

func TestRoundDecodes(t *testing.T) {
	site, ds := parse(t, map[string]string{
		"content/dialogues/d/_index.md": index,
		"content/dialogues/d/r.md": `---
title: Second session
date: 2024-04-15
round: 2
location: Washington, D.C.
summary: S
participants:
  - name: Chun Young-hee
    role: DG
    delegation: South Korea
    lead: true
  - Julie Turner
  - id: jung-pak
  - No
topics: [Access to information, "1.0"]
outcomes:
  - Agreed **more**
side_meetings:
  - with: Jung Pak
    note: Russia
next_round: later
sources:
  - title: Report
    publisher: Yonhap
    url: https://example.org/a
    date: 2024-04-16
draft: yes
---
Body
`,
	})
	if len(ds) != 0 {
		t.Fatalf("diagnostics:\n%s", diagText(ds))
	}
	r := site.Rounds[0]
	if r.Title != "Second session" || r.Date.String() != "2024-04-15" || r.Number != 2 || !r.Draft || r.Slug != "r" || r.Dialogue != "d" {
		t.Errorf("round = %+v", r)
	}
	if len(r.Participants) != 4 || !r.Participants[0].Lead || r.Participants[1].Name != "Julie Turner" || r.Participants[2].ID != "jung-pak" || r.Participants[3].Name != "No" {
		t.Errorf("participants = %+v", r.Participants)
	}
	if len(r.Topics) != 2 || r.Topics[1].Name != "1.0" {
		t.Errorf("topics = %+v (YAML 1.1 values must stay text)", r.Topics)
	}
	if len(r.SideMeetings) != 1 || r.SideMeetings[0].With[0].Name != "Jung Pak" || r.SideMeetings[0].Note != "Russia" {
		t.Errorf("side meetings = %+v", r.SideMeetings)
	}
	if len(r.Sources) != 1 || r.Sources[0].URL != "https://example.org/a" || r.Sources[0].Date.String() != "2024-04-16" {
		t.Errorf("sources = %+v", r.Sources)
	}
	if text, err := r.Body.Bytes(); r.Body.Line != 29 || string(text) != "Body\n" || err != nil {
		t.Errorf("body at line %d: %q, %v", r.Body.Line, text, err)
	}
	if r.Participants[1].Pos.Line != 12 {
		t.Errorf("participant 2 at line %d, want 12", r.Participants[1].Pos.Line)
	}
}

func TestErrors(t *testing.T) {
	round := func(extra string) string {
		return "---\ntitle: T\ndate: 2024-01-01\nround: 1\n" + extra + "---\n"
	}
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"participant null", map[string]string{"content/dialogues/d/_index.md": index, "content/dialogues/d/r.md": round("participants:\n  - A\n  - ~\n")},
			"content/dialogues/d/r.md:7:5: error: participant 2: name or id required"},
		{"participant empty string", map[string]string{"content/dialogues/d/_index.md": index, "content/dialogues/d/r.md": round("participants: [\"\"]\n")},
			"participant 1: name or id required"},
		{"mapping without name", map[string]string{"content/dialogues/d/_index.md": index, "content/dialogues/d/r.md": round("participants:\n  - role: x\n")},
			"content/dialogues/d/r.md:6:5: error: participant 1: name or id required"},
		{"topic without letters", map[string]string{"content/dialogues/d/_index.md": index, "content/dialogues/d/r.md": round("participants: [A]\ntopics: [\"???\"]\n")},
			"topic 1: name \"???\" produces an empty slug"},
		{"source javascript url", map[string]string{"content/dialogues/d/_index.md": index, "content/dialogues/d/r.md": round("participants: [A]\nsources:\n  - title: x\n    url: javascript:alert(1)\n")},
			"content/dialogues/d/r.md:8:10: error: source 1: url must be an absolute http(s) URL"},
		{"source protocol-relative url", map[string]string{"content/dialogues/d/_index.md": index, "content/dialogues/d/r.md": round("participants: [A]\nsources:\n  - title: x\n    url: //evil.example\n")},
			"source 1: url must be an absolute http(s) URL"},
		{"source url with space", map[string]string{"content/dialogues/d/_index.md": index, "content/dialogues/d/r.md": round("participants: [A]\nsources:\n  - title: x\n    url: http://a b\n")},
			"source 1: url must be an absolute http(s) URL without spaces"},
		{"participants not a list", map[string]string{"content/dialogues/d/_index.md": index, "content/dialogues/d/r.md": round("participants: A\n")},
			"content/dialogues/d/r.md:5:15: error: participants must be a list"},
		{"profile slug mismatch", map[string]string{"content/participants/kim.md": "---\nname: Lee\n---\n"},
			"content/participants/kim.md:2:7: error: name \"Lee\" has the slug \"lee\" but the file is named kim.md"},
		{"non-markdown file", map[string]string{"content/photo.jpg": "x"},
			"content/photo.jpg:1: error: only .md files are allowed in content/"},
		{"nested too deep", map[string]string{"content/dialogues/d/x/r.md": round("participants: [A]\n")},
			"a round belongs in content/dialogues/<dialogue>/<name>.md"},
		{"reserved page name", map[string]string{"content/archive.md": "---\ntitle: A\n---\n"},
			"path collision: the page content/archive.md would take /archive/"},
		{"empty file", map[string]string{"content/about.md": ""},
			"content/about.md:1"},
		{"only front matter, no title", map[string]string{"content/about.md": "---\n---\n"},
			"content/about.md:1:1: error: required field title missing"},
		{"NFC and NFD names collide", map[string]string{"content/dialogues/d/_index.md": index,
			"content/dialogues/d/caf\u00e9.md": round("participants: [A]\n"), "content/dialogues/d/cafe\u0301.md": strings.Replace(round("participants: [A]\n"), "round: 1", "round: 2", 1)},
			"path collision: /dialogues/d/café/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ds := parse(t, c.files)
			got := diagText(ds)
			if !strings.Contains(got, c.want) {
				t.Errorf("diagnostics lack %q:\n%s", c.want, got)
			}
			if !diag.HasErrors(ds) {
				t.Error("no error")
			}
		})
	}
}

func TestParseIsOrderIndependent(t *testing.T) {
	files := []File{
		{Path: "content/dialogues/d/_index.md", Data: []byte(index)},
		{Path: "content/dialogues/d/a.md", Data: []byte("---\ntitle: A\ndate: 2024-01-01\nround: 1\nparticipants: [X]\n---\n")},
		{Path: "content/dialogues/d/b.md", Data: []byte("---\ntitle: B\ndate: 2024-01-01\nround: 1\nparticipants: [X]\n---\n")},
	}
	_, d1 := Parse(files, Options{})
	rev := []File{files[2], files[1], files[0]}
	_, d2 := Parse(rev, Options{})
	if a, b := diagText(d1), diagText(d2); a != b || !strings.Contains(a, "content/dialogues/d/b.md:4:8: error: round 1 is already used by content/dialogues/d/a.md:4") {
		t.Errorf("order-dependent or wrong diagnostics:\n%s\n%s", a, b)
	}
}
