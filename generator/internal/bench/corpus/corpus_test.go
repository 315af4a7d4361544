package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefings/generator/internal/slug"
	"gopkg.in/yaml.v3"
)

const testRounds = 200

// treeHash hashes every path and file content under dir, in lexical order.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h.Write([]byte(filepath.ToSlash(rel) + "\x00"))
		h.Write(data)
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func generate(t *testing.T, seed int64) (string, Stats) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	st, err := Generate(dir, Options{Rounds: testRounds, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

func TestDeterministic(t *testing.T) {
	a, _ := generate(t, 1)
	b, _ := generate(t, 1)
	c, _ := generate(t, 2)
	ha, hb, hc := treeHash(t, a), treeHash(t, b), treeHash(t, c)
	if ha != hb {
		t.Errorf("same seed, different trees: %s vs %s", ha, hb)
	}
	if ha == hc {
		t.Errorf("seeds 1 and 2 gave the same tree %s", ha)
	}
}

func TestRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(dir, Options{Rounds: 10, Seed: 1}); err == nil {
		t.Fatal("Generate into a non-empty folder: want an error")
	}
	if _, err := Generate(filepath.Join(dir, "new"), Options{Rounds: 0}); err == nil {
		t.Fatal("Generate with 0 rounds: want an error")
	}
}

// split returns the front matter and body of a content file.
func split(t *testing.T, name string, data []byte) ([]byte, []byte) {
	t.Helper()
	rest, ok := bytes.CutPrefix(data, []byte("---\n"))
	if !ok {
		t.Fatalf("%s: no front matter", name)
	}
	fm, body, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		t.Fatalf("%s: front matter not closed", name)
	}
	return fm, body
}

func decode(t *testing.T, name string, fm []byte, v any) {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(fm))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

type roundFM struct {
	Title        string      `yaml:"title"`
	Date         string      `yaml:"date"`
	Round        int         `yaml:"round"`
	Location     string      `yaml:"location"`
	Summary      string      `yaml:"summary"`
	Participants []yaml.Node `yaml:"participants"`
	Topics       []string    `yaml:"topics"`
	Outcomes     []string    `yaml:"outcomes"`
	SideMeetings []struct {
		With []string `yaml:"with"`
		Note string   `yaml:"note"`
	} `yaml:"side_meetings"`
	NextRound string `yaml:"next_round"`
	Sources   []struct {
		Title     string `yaml:"title"`
		Publisher string `yaml:"publisher"`
		URL       string `yaml:"url"`
		Date      string `yaml:"date"`
	} `yaml:"sources"`
	Draft bool `yaml:"draft"`
}

type participantFM struct {
	Name       string `yaml:"name"`
	ID         string `yaml:"id"`
	Role       string `yaml:"role"`
	Delegation string `yaml:"delegation"`
	Lead       bool   `yaml:"lead"`
}

func TestContract(t *testing.T) {
	dir, st := generate(t, 7)
	fsys := os.DirFS(dir)

	var files int
	var size int64
	rounds := map[string]map[int]time.Time{} // dialogue → round → date
	var dialogues, profiles int
	personSlugs := map[string]bool{}
	topicSlugs := map[string]bool{}
	var idRefs, topicRefs []string
	var skeletons = map[string][]string{}

	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files++
		size += int64(len(data))
		dirName, base := path.Split(p)
		switch {
		case p == "config.yaml":
			var c struct {
				Title, Language, Description string
				BaseURL                      string `yaml:"base_url"`
				Highlight                    string `yaml:"highlight_style"`
			}
			decode(t, p, data, &c)
			if c.Title == "" || !strings.HasPrefix(c.BaseURL, "https://") {
				t.Errorf("config.yaml: %+v", c)
			}
		case strings.HasPrefix(p, "content/participants/"):
			fm, _ := split(t, p, data)
			var v struct {
				Name, Affiliation, Country string
				Aliases                    []string
			}
			decode(t, p, fm, &v)
			s := strings.TrimSuffix(base, ".md")
			if slug.Make(v.Name) != s {
				t.Errorf("%s: slug.Make(%q) = %q, want the file's slug", p, v.Name, slug.Make(v.Name))
			}
			personSlugs[s] = true
			skeletons[slug.Skeleton(v.Name)] = append(skeletons[slug.Skeleton(v.Name)], v.Name)
			profiles++
		case strings.HasPrefix(p, "content/topics/"):
			fm, _ := split(t, p, data)
			var v struct {
				Title   string
				Aliases []string
			}
			decode(t, p, fm, &v)
			s := strings.TrimSuffix(base, ".md")
			if slug.Make(v.Title) != s {
				t.Errorf("%s: slug.Make(%q) = %q", p, v.Title, slug.Make(v.Title))
			}
			topicSlugs[s] = true
			profiles++
		case strings.HasPrefix(p, "content/dialogues/") && base == "_index.md":
			fm, _ := split(t, p, data)
			var v struct {
				Title, Summary string
				Parties        []string
			}
			decode(t, p, fm, &v)
			if v.Title == "" || len(v.Parties) != 2 {
				t.Errorf("%s: %+v", p, v)
			}
			dialogues++
		case strings.HasPrefix(p, "content/dialogues/"):
			fm, body := split(t, p, data)
			var v roundFM
			decode(t, p, fm, &v)
			checkRound(t, p, &v, body)
			day, _ := time.Parse("2006-01-02", v.Date)
			if rounds[dirName] == nil {
				rounds[dirName] = map[int]time.Time{}
			}
			if _, dup := rounds[dirName][v.Round]; dup {
				t.Errorf("%s: round %d repeated", p, v.Round)
			}
			rounds[dirName][v.Round] = day
			for _, n := range v.Participants {
				var pm participantFM
				if n.Kind == yaml.MappingNode {
					if err := n.Decode(&pm); err != nil {
						t.Errorf("%s: %v", p, err)
					}
					if pm.ID != "" {
						idRefs = append(idRefs, pm.ID)
					}
				}
			}
			for _, tp := range v.Topics {
				if tp == slug.Make(tp) {
					topicRefs = append(topicRefs, tp)
				}
			}
		case p == "content/about.md":
		default:
			t.Errorf("unexpected file %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	for d, byNum := range rounds {
		var prevNum int
		var prevDay time.Time
		for n := 1; n <= 3*testRounds; n++ {
			day, ok := byNum[n]
			if !ok {
				continue
			}
			if prevNum > 0 && day.Before(prevDay) {
				t.Errorf("%s: round %d dated %s, before round %d (%s)", d, n, day.Format(time.DateOnly), prevNum, prevDay.Format(time.DateOnly))
			}
			prevNum, prevDay = n, day
		}
	}
	for _, id := range idRefs {
		if !personSlugs[id] {
			t.Errorf("participant id %q has no profile", id)
		}
	}
	for _, s := range topicRefs {
		if !topicSlugs[s] && strings.Contains(s, "-") {
			t.Errorf("topic slug %q has no profile", s)
		}
	}
	var twins int
	for _, names := range skeletons {
		if len(names) > 1 {
			twins++
		}
	}
	if twins == 0 {
		t.Error("no near-duplicate names among the profiles")
	}

	n := 0
	for _, m := range rounds {
		n += len(m)
	}
	want := Stats{Dialogues: dialogues, Rounds: n, Participants: st.Participants, Topics: st.Topics, Profiles: profiles, Files: files, Bytes: size}
	if st != want || n != testRounds || dialogues != testRounds/20 {
		t.Errorf("Stats = %+v, tree has %+v", st, want)
	}
}

func checkRound(t *testing.T, p string, v *roundFM, body []byte) {
	t.Helper()
	day, err := time.Parse("2006-01-02", v.Date)
	if err != nil || day.Year() < 1990 || day.Year() > 2026 || day.Format("2006-01-02") != v.Date {
		t.Errorf("%s: date %q", p, v.Date)
	}
	if v.Title == "" || v.Round < 1 {
		t.Errorf("%s: title %q, round %d", p, v.Title, v.Round)
	}
	if n := len(v.Participants); n < 2 || n > 8 {
		t.Errorf("%s: %d participants", p, n)
	}
	seen := map[string]bool{}
	for i, n := range v.Participants {
		var key string
		switch n.Kind {
		case yaml.ScalarNode:
			key = n.Value
		case yaml.MappingNode:
			var pm participantFM
			if err := n.Decode(&pm); err != nil {
				t.Errorf("%s: participants[%d]: %v", p, i, err)
			}
			key = pm.Name
			if key == "" {
				key = pm.ID
			}
			if key == "" {
				t.Errorf("%s: participants[%d]: no name or id", p, i)
			}
		default:
			t.Errorf("%s: participants[%d]: kind %v", p, i, n.Kind)
		}
		if seen[slug.Make(key)] {
			t.Errorf("%s: participant %q listed twice", p, key)
		}
		seen[slug.Make(key)] = true
	}
	if n := len(v.Topics); n < 2 || n > 6 {
		t.Errorf("%s: %d topics", p, n)
	}
	for _, s := range v.Sources {
		if !strings.HasPrefix(s.URL, "https://") || s.Title == "" {
			t.Errorf("%s: source %+v", p, s)
		}
		if _, err := time.Parse("2006-01-02", s.Date); err != nil {
			t.Errorf("%s: source date %q", p, s.Date)
		}
	}
	for _, o := range v.Outcomes {
		if !strings.Contains(o, "**") {
			t.Errorf("%s: outcome without bold: %q", p, o)
		}
	}
	if n := WordCount(body); n < 300 || n > 900 {
		t.Errorf("%s: %d words in the body", p, n)
	}
	if bytes.Contains(body, []byte("](/")) || bytes.Contains(body, []byte("](.")) {
		t.Errorf("%s: body has an internal link", p)
	}
}

func TestScalarReadsBack(t *testing.T) {
	for _, s := range []string{
		"Kim Min-jun", "홍빈민", "José Núñez", "**bold** start", "a: b", "x #y", "yes", "No", "12",
		"- x", "[x]", "a, b", "Washington, D.C.", "trailing:", " space", "it's", `say "hi"`, "%x", "@x",
	} {
		for _, flow := range []bool{false, true} {
			doc := "v: " + string(scalar(nil, s, flow)) + "\n"
			if flow {
				doc = "v: [" + string(scalar(nil, s, flow)) + "]\n"
			}
			var got struct{ V any }
			if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
				t.Errorf("%q (flow %v): %v in %q", s, flow, err, doc)
				continue
			}
			v := got.V
			if flow {
				l, _ := v.([]any)
				if len(l) != 1 {
					t.Errorf("%q (flow): got %#v", s, v)
					continue
				}
				v = l[0]
			}
			if v != s {
				t.Errorf("%q (flow %v): read back %#v from %q", s, flow, v, doc)
			}
		}
	}
}

func TestWordCount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"one two", 2},
		{"- item | --- | ```go\n**bold** 12", 4},
		{"홍빈민 José", 2},
	} {
		if got := WordCount([]byte(c.in)); got != c.want {
			t.Errorf("WordCount(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestMapEqualsGenerate checks that the in-memory corpus holds exactly the
// files and bytes Generate writes.
func TestMapEqualsGenerate(t *testing.T) {
	dir, st := generate(t, 3)
	m, mst, err := Map(Options{Rounds: testRounds, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if mst != st {
		t.Errorf("Map stats %+v, Generate stats %+v", mst, st)
	}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		rel, _ := filepath.Rel(dir, p)
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, ok := m[filepath.ToSlash(rel)]
		switch {
		case !ok:
			t.Errorf("%s: written by Generate, missing from Map", rel)
		case !bytes.Equal(f.Data, want):
			t.Errorf("%s: Map and Generate differ", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(m) {
		t.Errorf("Generate wrote %d files, Map holds %d", n, len(m))
	}
}
