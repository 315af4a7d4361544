package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"briefings/generator/internal/publish"
)

// baseSite is a small valid site the bad-input cases break one file of.
var baseSite = map[string]string{
	"config.yaml":                   "title: Test Archive\nbase_url: https://example.org/briefings/\n",
	"content/dialogues/d/_index.md": "---\ntitle: A dialogue\nparties: [A, B]\n---\nBackground.\n",
	"content/dialogues/d/r1.md": `---
title: First round
date: 2024-01-10
round: 1
participants:
  - name: Ann Example
    role: Envoy
    delegation: A
    lead: true
  - Bo Example
topics: [Trade]
---
Body of round one, see [round two](r2.md).
`,
	"content/dialogues/d/r2.md": `---
title: Second round
date: 2024-03-10
round: 2
participants: [Ann Example, Bo Example]
---
Body of round two.
`,
	"content/about.md": "---\ntitle: About\n---\nAbout this archive.\n",
}

func writeSite(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// treeHash hashes every file name and content under dir.
// treeHash digests the site in dir: every file but the manifest, which
// records digests of the inputs (different inputs may make the same site).
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() != publish.ManifestName {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, n)
		h.Write([]byte(rel + "\x00"))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func runCLI(args ...string) (int, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String() + errb.String()
}

func TestBadInputs(t *testing.T) {
	aliasBomb := "---\ntitle: x\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n"
	cases := []struct {
		name  string
		file  string
		data  string
		want  []string // substrings of the output, e.g. "file:line:col: error: message"
		files map[string]string
	}{
		{name: "no closing fence", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: Second round\ndate: 2024-03-10\n",
			want: []string{"content/dialogues/d/r2.md:1", "front matter must start with `---` and end with `---`"}},
		{name: "yaml syntax error at file line", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: Second round\nlocation: a: b\ndate: 2024-03-10\nround: 2\nparticipants: [X]\n---\n",
			want: []string{"content/dialogues/d/r2.md:3"}},
		{name: "missing title", file: "content/dialogues/d/r2.md",
			data: "---\ndate: 2024-03-10\nround: 2\nparticipants: [X]\n---\n",
			want: []string{"content/dialogues/d/r2.md:1:1: error: required field title missing"}},
		{name: "round is not a number", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: two\nparticipants: [X]\n---\n",
			want: []string{"content/dialogues/d/r2.md:4:", "round", "positive integer"}},
		{name: "impossible date", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-13-45\nround: 2\nparticipants: [X]\n---\n",
			want: []string{"content/dialogues/d/r2.md:3:", "YYYY-MM-DD"}},
		{name: "duplicate round number names both files", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 1\nparticipants: [X]\n---\n",
			want: []string{"content/dialogues/d/r2.md:4:", "round 1 is already used by content/dialogues/d/r1.md:4"}},
		{name: "empty participants", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 2\nparticipants: []\n---\n",
			want: []string{"content/dialogues/d/r2.md:5:", "at least one participant"}},
		{name: "unknown field with suggestion", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 2\nparticpants: [X]\n---\n",
			want: []string{"content/dialogues/d/r2.md:5:1: error: unknown field \"particpants\"", `did you mean "participants"?`}},
		{name: "invalid utf-8", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 2\nparticipants: [X]\n---\nok\nbad \xff byte\n",
			want: []string{"content/dialogues/d/r2.md:8:5:", "UTF-8"}},
		{name: "alias bomb", file: "content/dialogues/d/r2.md", data: aliasBomb,
			want: []string{"content/dialogues/d/r2.md:3:", "anchors/aliases are not allowed"}},
		{name: "link to missing content file", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 2\nparticipants: [X]\n---\nFirst line.\n\nSee [the plan](../other/plan.md).\n",
			want: []string{"content/dialogues/d/r2.md:9:", "link to missing content file content/dialogues/other/plan.md"}},
		{name: "template error", file: "layouts/round.html",
			data: "{{define \"main\"}}\n<h1>{{.Title}}</h1>\n{{.NoSuchField}}\n{{end}}\n",
			want: []string{"layouts/round.html:3:", "NoSuchField"}},
		{name: "file name without letters", file: "content/dialogues/d/__.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 3\nparticipants: [X]\n---\n",
			want: []string{"content/dialogues/d/__.md:1:", "empty slug"}},
		{name: "participant named dot-dot", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 2\nparticipants: [\"..\"]\n---\n",
			want: []string{"content/dialogues/d/r2.md:5:", "produces an empty slug"}},
		{name: "id that tries to leave the folder", file: "content/dialogues/d/r2.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 2\nparticipants:\n  - id: ../../x\n---\n",
			want: []string{"content/dialogues/d/r2.md:6:", "is not a slug"}},
		{name: "round folder without _index.md", file: "content/dialogues/e/r1.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 1\nparticipants: [X]\n---\n",
			want: []string{"content/dialogues/e/r1.md:1:", "has no _index.md"}},
		{name: "two files write one URL", file: "content/dialogues/d/R1.md",
			data: "---\ntitle: T\ndate: 2024-03-10\nround: 7\nparticipants: [X]\n---\n",
			want: []string{"path collision: /dialogues/d/r1/ from content/dialogues/d/R1.md and content/dialogues/d/r1.md"}},
		{name: "bad config", file: "config.yaml",
			data: "title: T\nbase_url: https://example.org/\ntheme: dark\n",
			want: []string{"config.yaml:3:1: error: unknown field \"theme\""}},
		{name: "errors from several files are all reported", file: "content/dialogues/d/r2.md",
			data:  "---\ntitle: T\ndate: 2024-02-30\nround: 2\nparticipants: [X]\n---\n",
			files: map[string]string{"content/about.md": "---\ntitel: About\n---\n"},
			want:  []string{"content/about.md:2:1: error: unknown field \"titel\"", "content/dialogues/d/r2.md:3:", "3 errors"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSite(t, dir, baseSite)
			if code, out := runCLI("build", "--source", dir); code != 0 {
				t.Fatalf("base site: exit %d\n%s", code, out)
			}
			before := treeHash(t, filepath.Join(dir, "public"))
			writeSite(t, dir, map[string]string{c.file: c.data})
			writeSite(t, dir, c.files)
			code, out := runCLI("build", "--source", dir)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s", code, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine") {
				t.Errorf("output mentions a panic:\n%s", out)
			}
			if after := treeHash(t, filepath.Join(dir, "public")); after != before {
				t.Error("a failed build changed the previous output")
			}
			// check reports the same problems without writing.
			if code, out2 := runCLI("check", "--source", dir); code != 1 || out2 != strings.Replace(out, "", "", 1) && !strings.Contains(out2, c.want[0]) {
				t.Errorf("check: exit %d\n%s", code, out2)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	writeSite(t, dir, map[string]string{
		// Round 3 dated before round 2, and a near-duplicate spelling.
		"content/dialogues/d/r3.md": "---\ntitle: Third\ndate: 2024-02-01\nround: 3\nparticipants: [Ann Exampel]\n---\n",
	})
	code, out := runCLI("build", "--source", dir)
	if code != 0 {
		t.Fatalf("exit %d, want 0 for warnings\n%s", code, out)
	}
	for _, w := range []string{
		"content/dialogues/d/r3.md:3:7: warning: round 3 is dated 2024-02-01, before round 2",
		`warning: participant "Ann Exampel" looks like "Ann Example"`,
		"2 warnings",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if code, out := runCLI("build", "--strict", "--source", dir); code != 1 || !strings.Contains(out, "2 errors") {
		t.Errorf("--strict: exit %d, want 1 with 2 errors\n%s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"build", "--no-such-flag"},
		{"build", "--source", dir, "--out", dir},
		{"build", "--source", dir, "--out", filepath.Join(dir, "content")},
		{"build", "--source", dir, "stray"},
	} {
		if code, out := runCLI(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2\n%s", args, code, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "about.md")); err != nil {
		t.Errorf("a refused --out damaged the source: %v", err)
	}
	if code, out := runCLI("build", "--help"); code != 0 || !strings.Contains(out, "-base-url") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

func TestBOMAndCRLFGiveIdenticalOutput(t *testing.T) {
	lf, crlf := t.TempDir(), t.TempDir()
	writeSite(t, lf, baseSite)
	conv := map[string]string{}
	for k, v := range baseSite {
		if strings.HasSuffix(k, ".md") {
			v = "\ufeff" + strings.ReplaceAll(v, "\n", "\r\n")
		}
		conv[k] = v
	}
	writeSite(t, crlf, conv)
	for _, d := range []string{lf, crlf} {
		if code, out := runCLI("build", "--source", d); code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
	}
	if a, b := treeHash(t, filepath.Join(lf, "public")), treeHash(t, filepath.Join(crlf, "public")); a != b {
		t.Error("BOM+CRLF content gave different output from LF content")
	}
}

func TestRemovedRoundDisappears(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	// r1 links to r2; drop that link so removing r2 is valid.
	writeSite(t, dir, map[string]string{"content/dialogues/d/r1.md": strings.Replace(baseSite["content/dialogues/d/r1.md"], "see [round two](r2.md)", "", 1)})
	if code, out := runCLI("build", "--source", dir); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	page := filepath.Join(dir, "public", "dialogues", "d", "r2", "index.html")
	if _, err := os.Stat(page); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "content", "dialogues", "d", "r2.md")); err != nil {
		t.Fatal(err)
	}
	if code, out := runCLI("build", "--source", dir); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if _, err := os.Stat(page); !os.IsNotExist(err) {
		t.Errorf("removed round's page still exists: %v", err)
	}
	for _, f := range []string{"feed.xml", "sitemap.xml", "archive/index.html", "dialogues/d/index.html", "participants/ann-example/index.html"} {
		b, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("/dialogues/d/r2/")) {
			t.Errorf("%s still links to the removed round", f)
		}
	}
}

func TestTwoBuildsAreByteIdentical(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	a, b := filepath.Join(dir, "out-a"), filepath.Join(dir, "out-b")
	for _, out := range []string{a, b} {
		if code, o := runCLI("build", "--source", dir, "--out", out); code != 0 {
			t.Fatalf("exit %d\n%s", code, o)
		}
	}
	if treeHash(t, a) != treeHash(t, b) {
		t.Error("two builds of the same input differ")
	}
}

func TestStaticFiles(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	writeSite(t, dir, map[string]string{
		"static/docs/agenda.pdf": "%PDF-1.4 test",
		"content/about.md":       "---\ntitle: About\n---\nThe [agenda](/docs/agenda.pdf).\n",
	})
	if code, out := runCLI("build", "--source", dir); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "public", "docs", "agenda.pdf")); err != nil || string(b) != "%PDF-1.4 test" {
		t.Errorf("static file not copied: %v %q", err, b)
	}
	about, _ := os.ReadFile(filepath.Join(dir, "public", "about", "index.html"))
	if !bytes.Contains(about, []byte(`href="/briefings/docs/agenda.pdf"`)) {
		t.Errorf("site-root link to a static file not rewritten under the base path:\n%s", about)
	}
	// A static file at a generated path is a collision naming both.
	writeSite(t, dir, map[string]string{"static/feed.xml": "<x/>"})
	code, out := runCLI("build", "--source", dir)
	if code != 1 || !strings.Contains(out, "static/feed.xml: error: path collision: /feed.xml is generated by the site and also in static/feed.xml") {
		t.Errorf("exit %d\n%s", code, out)
	}
}
