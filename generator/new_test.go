package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefings/generator/internal/content"
)

// fixedClock is the clock of every `new` test: the only "now" the
// generator reads is the default date of a new round.
func fixedClock() time.Time { return time.Date(2025, 3, 9, 23, 30, 0, 0, time.UTC) }

// runNew runs `generator new args...` with the fixed clock.
func runNew(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = newCmd(args, &out, &errb, fixedClock)
	return code, out.String(), errb.String()
}

// copyRepoSite copies the repository's own site (config.yaml, content/,
// static/) into a temporary folder: a fresh clone, as far as `new` and
// `check` are concerned.
func copyRepoSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root := os.DirFS("..")
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		top, _, _ := strings.Cut(p, "/")
		if p != "." && top != "config.yaml" && top != "content" && top != "static" {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		writeSite(t, dir, map[string]string{p: string(b)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// siteHash hashes every name, file and symlink target under dir, without
// following symlinks.
func siteHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s\x00%v\x00", rel, d.Type())
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			h.Write([]byte(target))
			return err
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			h.Write(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkStrict asserts that `check --strict` accepts the site: no error and
// no warning.
func checkStrict(t *testing.T, dir string) {
	t.Helper()
	if code, out := runCLI("check", "--strict", "--source", dir); code != 0 {
		t.Fatalf("check --strict: exit %d\n%s", code, out)
	}
}

// TestNewRoundInFreshClone is acceptance 1: in a copy of the repository's
// site, `new round` writes the next round of the sample dialogue, prefilled
// from its latest round, and check accepts it.
func TestNewRoundInFreshClone(t *testing.T) {
	dir := copyRepoSite(t)
	const d = "rok-us-north-korean-human-rights"
	code, out, errs := runNew("round", "--dialogue", d, "--date", "2024-10-01", "--source", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	want := filepath.Join(dir, "content", "dialogues", d, "round-3.md")
	if strings.TrimSpace(out) != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	got := readFile(t, want)
	for _, w := range []string{
		"title: Round 3\n", "date: 2024-10-01\n", "round: 3\n",
		// The leads of round 2, with role and delegation; not the others.
		"  - name: Chun Young-hee\n    role: Director General for the Korean Peninsula Peace Regime, Ministry of Foreign Affairs\n    delegation: South Korea\n    lead: true\n",
		"  - name: Julie Turner\n    role: Special Envoy for North Korean Human Rights Issues\n    delegation: United States\n    lead: true\n",
		// Its topics, as written.
		"topics:\n  - Access to information\n  - Accountability\n",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("new round lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "Jung Pak") {
		t.Errorf("new round lists a participant who was not a lead:\n%s", got)
	}
	checkStrict(t, dir)

	// Again: round 4, dated by the clock.
	code, out, errs = runNew("round", "--dialogue", d, "--source", dir)
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), "round-4.md") {
		t.Fatalf("second new round: exit %d, printed %q\n%s", code, out, errs)
	}
	got = readFile(t, filepath.Join(dir, "content", "dialogues", d, "round-4.md"))
	if !strings.Contains(got, "date: 2025-03-09\n") || !strings.Contains(got, "round: 4\n") {
		t.Errorf("second new round:\n%s", got)
	}
	checkStrict(t, dir)
}

// TestNewEveryKind creates one file of every kind in a site, each through
// the CLI entry point, and checks the whole site afterwards.
func TestNewEveryKind(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	steps := []struct {
		args []string
		file string   // site-relative path printed
		want []string // substrings of the new file
	}{
		{[]string{"dialogue", "japan-us", "--title", "Japan–US Dialogue"}, "content/dialogues/japan-us/_index.md",
			[]string{"---\ntitle: Japan–US Dialogue\n", "# parties:"}},
		// Flags before the positional argument work too.
		{[]string{"dialogue", "--title", "Second: talks", "second"}, "content/dialogues/second/_index.md",
			[]string{`title: "Second: talks"`}},
		// A dialogue without rounds: participants come from --participant.
		{[]string{"round", "--dialogue", "japan-us", "--participant", "Taro Yamada", "--participant", "Ann Example", "--title", "Opening round in Tokyo"},
			"content/dialogues/japan-us/round-1.md",
			[]string{"title: Opening round in Tokyo\n", "date: 2025-03-09\n", "round: 1\n", "participants:\n  - Taro Yamada\n  - Ann Example\n", "# topics:"}},
		// A dialogue with rounds: the latest (r2, round 2) marks no lead, so all
		// of its participants are taken; --participant adds one, and a
		// spelling of someone already listed is not added twice.
		{[]string{"round", "--dialogue", "d", "--date", "2024-05-01", "--participant", "Cy Example", "--participant", "ann example"}, "content/dialogues/d/round-3.md",
			[]string{"round: 3\n", "participants:\n  - Ann Example\n  - Bo Example\n  - Cy Example\n# topics:"}},
		{[]string{"participant", "Taro Yamada"}, "content/participants/taro-yamada.md",
			[]string{"---\nname: Taro Yamada\n# aliases:", "# affiliation:", "# country:"}},
		{[]string{"participant", "José Ñúñez"}, "content/participants/josé-ñúñez.md",
			[]string{"name: José Ñúñez\n"}},
		{[]string{"topic", "Trade and tariffs"}, "content/topics/trade-and-tariffs.md",
			[]string{"---\ntitle: Trade and tariffs\n# aliases:"}},
		{[]string{"topic", "정보 접근"}, "content/topics/정보-접근.md",
			[]string{"title: 정보 접근\n"}},
	}
	for _, s := range steps {
		args := append([]string{"new"}, s.args...)
		args = append(args, "--source", dir)
		var out, errb bytes.Buffer
		code := newCmd(args[1:], &out, &errb, fixedClock)
		if code != 0 {
			t.Fatalf("%q: exit %d\n%s", s.args, code, errb.String())
		}
		if want := filepath.Join(dir, filepath.FromSlash(s.file)); strings.TrimSpace(out.String()) != want {
			t.Errorf("%q printed %q, want %q", s.args, out.String(), want)
		}
		got := readFile(t, filepath.Join(dir, filepath.FromSlash(s.file)))
		for _, w := range s.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q: file lacks %q:\n%s", s.args, w, got)
			}
		}
	}
	checkStrict(t, dir)
	// The command line dispatches to new.
	if code, out := runCLI("new", "topic", "Sanctions", "--source", dir); code != 0 || !strings.Contains(out, filepath.Join("content", "topics", "sanctions.md")) {
		t.Errorf("run new topic: exit %d\n%s", code, out)
	}
}

// TestNewRefusals covers every refusal: each exits non-zero with a message
// naming the problem and leaves the site exactly as it was.
func TestNewRefusals(t *testing.T) {
	outside := t.TempDir()
	cases := []struct {
		name  string
		files map[string]string
		setup func(t *testing.T, dir string)
		args  []string
		code  int
		want  string
	}{
		{name: "no kind", args: []string{}, code: 2, want: "Usage:"},
		{name: "unknown kind", args: []string{"page", "x"}, code: 2, want: `unknown kind "page"`},
		{name: "unknown flag", args: []string{"topic", "X", "--colour", "red"}, code: 2, want: "-colour"},
		{name: "not a site folder", setup: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "config.yaml")) },
			args: []string{"topic", "X"}, code: 2, want: "is not a site folder"},

		{name: "round without --dialogue", args: []string{"round"}, code: 2, want: "--dialogue is empty"},
		{name: "round with a positional dialogue", args: []string{"round", "d"}, code: 2, want: `unexpected argument "d"`},
		{name: "round dialogue not a slug", args: []string{"round", "--dialogue", "D"}, code: 2, want: `--dialogue "D" is not a slug`},
		{name: "round dialogue leaving its folder", args: []string{"round", "--dialogue", "../d"}, code: 2, want: "is not a slug"},
		{name: "round unknown dialogue", args: []string{"round", "--dialogue", "nope"}, code: 2, want: `no dialogue "nope": content/dialogues/nope/_index.md does not exist`},
		{name: "round folder without _index.md", files: map[string]string{"content/dialogues/e/r1.md": "x"},
			args: []string{"round", "--dialogue", "e"}, code: 2, want: `no dialogue "e"`},
		{name: "round impossible date", args: []string{"round", "--dialogue", "d", "--date", "2024-02-30"}, code: 2, want: `--date "2024-02-30" is not a real date`},
		{name: "round short date", args: []string{"round", "--dialogue", "d", "--date", "2024-2-3"}, code: 2, want: "YYYY-MM-DD"},
		{name: "round other date order", args: []string{"round", "--dialogue", "d", "--date", "15/04/2024"}, code: 2, want: "YYYY-MM-DD"},
		{name: "round empty title", args: []string{"round", "--dialogue", "d", "--title", " "}, code: 2, want: "--title is empty"},
		{name: "round participant without letters", args: []string{"round", "--dialogue", "d", "--participant", "???"}, code: 2, want: "has no letter or digit"},
		{name: "round title with a line break", args: []string{"round", "--dialogue", "d", "--title", "a\nb"}, code: 2, want: "control character"},
		{name: "round in a dialogue with no round and no --participant",
			files: map[string]string{"content/dialogues/e/_index.md": "---\ntitle: E\n---\n"},
			args:  []string{"round", "--dialogue", "e"}, code: 2, want: "--participant"},
		{name: "round file name taken", files: map[string]string{
			// r2.md holds round 3 and round-4.md round 2: the next round is 4,
			// and its file name is taken.
			"content/dialogues/d/r2.md":      "---\ntitle: T\ndate: 2024-03-10\nround: 3\nparticipants: [Ann Example]\n---\n",
			"content/dialogues/d/round-4.md": "---\ntitle: T\ndate: 2024-03-10\nround: 2\nparticipants: [Ann Example]\n---\n",
		}, args: []string{"round", "--dialogue", "d"}, code: 2, want: "content/dialogues/d/round-4.md already exists; refusing to overwrite it"},
		{name: "round file name taken by another spelling", files: map[string]string{
			"content/dialogues/d/r2.md":      "---\ntitle: T\ndate: 2024-03-10\nround: 3\nparticipants: [Ann Example]\n---\n",
			"content/dialogues/d/Round 4.md": "---\ntitle: T\ndate: 2024-03-10\nround: 2\nparticipants: [Ann Example]\n---\n",
		}, args: []string{"round", "--dialogue", "d"}, code: 2, want: "content/dialogues/d/Round 4.md already exists; refusing to overwrite it"},
		{name: "round number unknown: a round file has errors", files: map[string]string{
			"content/dialogues/d/r2.md": "---\ntitle: T\ndate: 2024-03-10\nround: two\nparticipants: [Ann Example]\n---\n",
		}, args: []string{"round", "--dialogue", "d"}, code: 1, want: "content/dialogues/d/r2.md:4:"},
		{name: "round number unknown: duplicate numbers", files: map[string]string{
			"content/dialogues/d/r2.md": "---\ntitle: T\ndate: 2024-03-10\nround: 1\nparticipants: [Ann Example]\n---\n",
		}, args: []string{"round", "--dialogue", "d"}, code: 1, want: "round 1 is already used by content/dialogues/d/r1.md:4"},

		{name: "dialogue exists", args: []string{"dialogue", "d", "--title", "T"}, code: 2, want: "content/dialogues/d/_index.md already exists; refusing to overwrite it"},
		{name: "dialogue folder with another spelling", files: map[string]string{"content/dialogues/Japan-US/_index.md": "---\ntitle: J\n---\n"},
			args: []string{"dialogue", "japan-us", "--title", "T"}, code: 2, want: "content/dialogues/Japan-US already exists"},
		{name: "dialogue slug not a slug", args: []string{"dialogue", "Japan US", "--title", "T"}, code: 2, want: `did you mean "japan-us"?`},
		{name: "dialogue slug without letters", args: []string{"dialogue", "..", "--title", "T"}, code: 2, want: "has no letter or digit"},
		{name: "dialogue without title", args: []string{"dialogue", "japan-us"}, code: 2, want: "--title is empty"},
		{name: "dialogue without slug", args: []string{"dialogue", "--title", "T"}, code: 2, want: "want exactly one slug, got 0"},
		{name: "dialogue with two slugs", args: []string{"dialogue", "a", "b", "--title", "T"}, code: 2, want: "got 2 arguments"},

		{name: "participant exists", files: map[string]string{"content/participants/ann-example.md": "---\nname: Ann Example\n---\n"},
			args: []string{"participant", "Ann Example"}, code: 2, want: "content/participants/ann-example.md already exists; refusing to overwrite it"},
		{name: "participant exists under another file name spelling", files: map[string]string{"content/participants/Ann Example.md": "---\nname: Ann Example\n---\n"},
			args: []string{"participant", "ann example"}, code: 2, want: "content/participants/Ann Example.md already"},
		{name: "participant is another's alias", files: map[string]string{"content/participants/chun-young-hee.md": "---\nname: Chun Young-hee\naliases: [전영희]\n---\n"},
			args: []string{"participant", "전영희"}, code: 2, want: `content/participants/chun-young-hee.md already lists "전영희" as an alias of "Chun Young-hee"`},
		{name: "participant without letters", args: []string{"participant", "???"}, code: 2, want: "has no letter or digit"},
		{name: "participant empty", args: []string{"participant", ""}, code: 2, want: "participant name is empty"},
		{name: "participant two names", args: []string{"participant", "A", "B"}, code: 2, want: "got 2 arguments"},
		{name: "participant folder is a symlink out of the site", setup: func(t *testing.T, dir string) {
			if err := os.Symlink(outside, filepath.Join(dir, "content", "participants")); err != nil {
				t.Skip("no symlinks:", err)
			}
		}, args: []string{"participant", "Ann Example"}, code: 2, want: "content/participants is a symlink"},

		{name: "topic exists", files: map[string]string{"content/topics/trade.md": "---\ntitle: Trade\n---\n"},
			args: []string{"topic", "TRADE"}, code: 2, want: "content/topics/trade.md already exists; refusing to overwrite it"},
		{name: "topic is another's alias", files: map[string]string{"content/topics/trade.md": "---\ntitle: Trade\naliases: [Commerce]\n---\n"},
			args: []string{"topic", "commerce"}, code: 2, want: `already lists "Commerce" as an alias of "Trade"`},
		{name: "topic without title", args: []string{"topic"}, code: 2, want: "want exactly one \"Title\", got 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSite(t, dir, baseSite)
			writeSite(t, dir, c.files)
			if c.setup != nil {
				c.setup(t, dir)
			}
			before := siteHash(t, dir)
			args := c.args
			if len(args) > 0 {
				args = append(append([]string(nil), args...), "--source", dir)
			}
			code, out, errs := runNew(args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			if !strings.Contains(errs, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, errs)
			}
			if code != 0 && out != "" {
				t.Errorf("printed a path although nothing was created: %q", out)
			}
			if strings.Contains(errs, "panic") {
				t.Errorf("panic:\n%s", errs)
			}
			if after := siteHash(t, dir); after != before {
				t.Error("a refused new changed the site")
			}
			if ents, _ := os.ReadDir(outside); len(ents) > 0 {
				t.Errorf("wrote outside the site: %v", ents)
			}
		})
	}
}

// TestNewQuotesValues writes awkward names and titles and reads them back
// with the content decoder: YAML must keep every value as typed. (Names are
// chosen with distinct slugs: two names with one slug are one participant,
// and new lists them once.)
func TestNewQuotesValues(t *testing.T) {
	names := []string{
		"No", "true", "1.0", "José Ñúñez", "O'Brien", "a: b", "x #y", `"quoted"`, "'single'",
		"[x]", "- dash", "100%", `back\slash`, "정보 접근", "Trailing.", "Smith, John", "&anchor", "*alias",
		"@at", "`tick`", "{brace}", "c|d", ">folded", "Zoë\u00a0Example", "end:",
	}
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	args := []string{"round", "--dialogue", "d", "--date", "2024-05-01", "--title", `Round: "three" #3`, "--source", dir}
	for _, n := range names {
		args = append(args, "--participant", n)
	}
	code, out, errs := runNew(args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	p := strings.TrimSpace(out)
	data := readFile(t, p)
	v, ds := content.ParseFile(content.File{Path: "content/dialogues/d/round-3.md", Data: []byte(data)}, content.Options{})
	if len(ds) > 0 {
		t.Fatalf("diagnostics: %v\n%s", ds, data)
	}
	r := v.(*content.Round)
	if r.Title != `Round: "three" #3` || r.Number != 3 || r.Date.String() != "2024-05-01" {
		t.Errorf("title %q, round %d, date %s", r.Title, r.Number, r.Date)
	}
	got := map[string]bool{}
	for _, a := range r.Participants {
		got[a.Name] = true
	}
	for _, n := range names {
		if !got[n] {
			t.Errorf("participant %q did not survive the round trip:\n%s", n, data)
		}
	}
	// Plain where that is safe, so editors see what they typed.
	for in, want := range map[string]string{"Ann Example": "Ann Example", "Smith, John": "Smith, John", "No": `"No"`, "1.0": `"1.0"`, "a: b": `"a: b"`} {
		if got := yamlScalar(in); got != want {
			t.Errorf("yamlScalar(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	for _, c := range []struct {
		args      []string
		title     string
		want      []string
		wantError bool
	}{
		{args: []string{"x", "--title", "T"}, title: "T", want: []string{"x"}},
		{args: []string{"--title", "T", "x"}, title: "T", want: []string{"x"}},
		{args: []string{"x", "--title=T", "y"}, title: "T", want: []string{"x", "y"}},
		{args: []string{"--title", "T", "--", "-x", "--title"}, title: "T", want: []string{"-x", "--title"}},
		{args: []string{"x", "--nope"}, wantError: true},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		title := fs.String("title", "", "")
		got, err := parseInterspersed(fs, c.args)
		if (err != nil) != c.wantError {
			t.Errorf("%q: error %v", c.args, err)
			continue
		}
		if !c.wantError && (*title != c.title || strings.Join(got, "|") != strings.Join(c.want, "|")) {
			t.Errorf("%q: title %q, positional %q; want %q, %q", c.args, *title, got, c.title, c.want)
		}
	}
}
