package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestConvert(t *testing.T) {
	corpus := fstest.MapFS{
		"content/about.md":                    {Data: []byte("---\ntitle: About\n---\nHi.\n")},
		"content/participants/kim-min-jun.md": {Data: []byte("---\nname: Kim Min-jun\naliases: [김민준]\n---\nBio.\n")},
		"content/topics/human-rights.md":      {Data: []byte("---\ntitle: Human rights\n---\nAbout.\n")},
		"content/dialogues/a/_index.md":       {Data: []byte("---\ntitle: A\nparties: [X, Y]\n---\n")},
		"content/dialogues/a/round-01.md": {Data: []byte("---\ntitle: First\ndate: 2024-04-15\nround: 3\n" +
			"participants:\n  - 김민준\n  - id: kim-min-jun\n    role: Envoy\n  - name: Ala Bor\n    lead: true\n" +
			"topics: [human-rights, human rights, Other]\n---\n\nBody **x**.\n")},
	}
	out := filepath.Join(t.TempDir(), "site")
	if _, err := convert(corpus, out); err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		data, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	got := read("content/dialogues/a/round-01.md")
	for _, want := range []string{
		"weight: 3\n",
		"participants:\n    - Kim Min-jun\n    - Kim Min-jun\n    - Ala Bor\n",
		"topics:\n    - Human rights\n    - Human rights\n    - Other\n",
		"role: Envoy",
		"lead: true",
		"---\n\nBody **x**.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("round page lacks %q:\n%s", want, got)
		}
	}
	if got := read("content/participants/kim-min-jun/_index.md"); !strings.Contains(got, "other_names:") || strings.Contains(got, "aliases:") {
		t.Errorf("term page:\n%s", got)
	}
	if got := read("content/archive.md"); !strings.Contains(got, "layout: archive") {
		t.Errorf("archive page:\n%s", got)
	}
}
