package build_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"briefings"
	"briefings/generator/internal/bench/corpus"
	"briefings/generator/internal/build"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/render"
	"briefings/generator/internal/serve"
)

// The property: after any sequence of edits, Session.Rebuild with the
// changed paths equals a fresh full build of the same files, byte for byte,
// diagnostics included. Edits are drawn at random (seeded) from what
// editors do: retitle, redate, change participants and topics, edit
// profiles and aliases, toggle drafts, delete, rename files and dialogue
// folders, add dialogues, break and fix front matter, change round numbers,
// add links, edit layouts, config.yaml and static files.
//
// Reproduce a failure with the seed it names:
//
//	go test ./generator/internal/build -run TestSessionProperty -prop.seeds 17 -prop.steps 200 -v

var (
	propSeeds = flag.String("prop.seeds", "1,2,3", "comma-separated seeds of TestSessionProperty")
	propSteps = flag.Int("prop.steps", 70, "edit steps per seed in TestSessionProperty")
)

// propCorpus is a small generated site, read once.
var propCorpus = sync.OnceValues(func() (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "session-prop-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if _, err := corpus.Generate(dir, corpus.Options{Rounds: 24, Seed: 7}); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		return nil, err
	}
	// Keep the site small, so that hundreds of full builds stay cheap:
	// every round names one to three of a few topics (six with profiles,
	// one without), and bodies are cut short (Markdown is tested
	// elsewhere; here it only costs time).
	var topics []string
	for p := range files {
		if strings.HasPrefix(p, "content/topics/") {
			topics = append(topics, p)
		}
	}
	sort.Strings(topics)
	var pool []string
	for i, p := range topics {
		if i >= 6 {
			delete(files, p)
			continue
		}
		fm, _, _ := splitFM(files[p])
		for _, l := range strings.Split(fm, "\n") {
			if t, ok := strings.CutPrefix(l, "title: "); ok {
				pool = append(pool, t)
			}
		}
		if i%2 == 0 {
			pool = append(pool, strings.TrimSuffix(path.Base(p), ".md")) // by slug
		}
	}
	pool = append(pool, "Unprofiled topic")
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for i, p := range paths {
		fm, body, ok := splitFM(files[p])
		if !ok {
			continue
		}
		if len(body) > 400 {
			body = body[:strings.LastIndex(body[:400], "\n")+1]
		}
		if isRound(p) {
			fm = replaceField(fm, "topics", fmt.Sprintf("[%q, %q]", pool[i%len(pool)], pool[(i*7+3)%len(pool)]))
		}
		files[p] = []byte(fm + body)
	}
	return files, nil
})

// splitFM splits a content file into its front matter (with both fences)
// and body.
func splitFM(b []byte) (string, string, bool) {
	s := string(b)
	if !strings.HasPrefix(s, "---\n") {
		return "", s, false
	}
	end := strings.Index(s[4:], "\n---\n")
	if end < 0 {
		return "", s, false
	}
	return s[:4+end+5], s[4+end+5:], true
}

// site is the file tree the edits work on.
type site struct {
	fsys   fstest.MapFS
	rng    *rand.Rand
	broken map[string][]byte // files broken on purpose, with their good text
	config []byte            // the original config.yaml
	n      int               // counter for fresh names
}

func newSite(t *testing.T, seed uint64) *site {
	files, err := propCorpus()
	if err != nil {
		t.Fatal(err)
	}
	s := &site{fsys: fstest.MapFS{}, rng: rand.New(rand.NewPCG(seed, 0x5e55)), broken: map[string][]byte{}}
	for p, b := range files {
		s.fsys[p] = &fstest.MapFile{Data: b}
	}
	s.config = files["config.yaml"]
	return s
}

func (s *site) write(p string, b []byte) { s.fsys[p] = &fstest.MapFile{Data: b} }

func (s *site) read(p string) []byte {
	if f, ok := s.fsys[p]; ok {
		return f.Data
	}
	return nil
}

// files lists the paths under prefix whose name matches ok, sorted.
func (s *site) files(prefix string, ok func(string) bool) []string {
	var out []string
	for p := range s.fsys {
		if strings.HasPrefix(p, prefix) && (ok == nil || ok(p)) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// static lists the files of static/ as a build must: relative to static/,
// sorted.
func (s *site) static() []string {
	var out []string
	for _, p := range s.files("static/", nil) {
		out = append(out, strings.TrimPrefix(p, "static/"))
	}
	return out
}

func (s *site) pick(list []string) (string, bool) {
	if len(list) == 0 {
		return "", false
	}
	return list[s.rng.IntN(len(list))], true
}

func isRound(p string) bool {
	return strings.HasPrefix(p, "content/dialogues/") && strings.HasSuffix(p, ".md") && path.Base(p) != "_index.md"
}

func (s *site) round() (string, bool) { return s.pick(s.files("content/dialogues/", isRound)) }

func (s *site) dialogues() []string {
	seen := map[string]bool{}
	for _, p := range s.files("content/dialogues/", nil) {
		seen[strings.Split(p, "/")[2]] = true
	}
	var out []string
	for d := range seen {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// setField replaces key's block in the front matter of p (the key line and
// the lines indented under it) with value, or appends it; value "" drops
// the key.
func (s *site) setField(p, key, value string) bool {
	fm, body, ok := splitFM(s.read(p))
	if !ok {
		return false
	}
	s.write(p, []byte(replaceField(fm, key, value)+body))
	return true
}

// replaceField does setField's work on front matter with its fences.
func replaceField(fm, key, value string) string {
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(fm, "---\n"), "---\n"), "\n")
	var out []string
	skipping := false
	for _, l := range lines {
		if skipping && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "-")) {
			continue
		}
		skipping = false
		if strings.HasPrefix(l, key+":") {
			skipping = true
			continue
		}
		if l != "" {
			out = append(out, l)
		}
	}
	if value != "" {
		out = append(out, key+": "+value)
	}
	return "---\n" + strings.Join(out, "\n") + "\n---\n"
}

var names = []string{
	"Lee Ha-na", "Kim Min-jun", "김민준", "José Núñez", "Jose Nunez", "Ann Example", "Ann Exampel",
	"Julie Turner", "JULIE TURNER", "Chun Young-hee", "No", "Bo Example",
}

var topicNames = []string{"Trade", "Security", "trade", "Access to information", "1.0", "Cyber security", "Energy transition"}

// profileNames lists the names and ids of existing participant profiles.
func (s *site) profileNames() []string {
	var out []string
	for _, p := range s.files("content/participants/", nil) {
		out = append(out, "id: "+strings.TrimSuffix(path.Base(p), ".md"))
		if fm, _, ok := splitFM(s.read(p)); ok {
			for _, l := range strings.Split(fm, "\n") {
				if n, ok := strings.CutPrefix(l, "name: "); ok {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

func (s *site) participantList() string {
	pool := append(slices.Clone(names), s.profileNames()...)
	var b strings.Builder
	for i := range 1 + s.rng.IntN(4) {
		n := pool[s.rng.IntN(len(pool))]
		if id, ok := strings.CutPrefix(n, "id: "); ok {
			fmt.Fprintf(&b, "\n  - id: %s", id)
			if i == 0 {
				b.WriteString("\n    lead: true")
			}
			continue
		}
		if s.rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "\n  - %q", n)
		} else {
			fmt.Fprintf(&b, "\n  - name: %q\n    role: Envoy %d\n    delegation: Side %d", n, s.rng.IntN(3), s.rng.IntN(2))
		}
	}
	return b.String()
}

func (s *site) date() string {
	return fmt.Sprintf("%d-%02d-%02d", 1990+s.rng.IntN(37), 1+s.rng.IntN(12), 1+s.rng.IntN(28))
}

func (s *site) newRound(title string, number int) []byte {
	return fmt.Appendf(nil, "---\ntitle: %s\ndate: %s\nround: %d\nparticipants:%s\ntopics: [%s]\n---\nA new round.\n",
		title, s.date(), number, s.participantList(), topicNames[s.rng.IntN(len(topicNames))])
}

// layoutVariant returns a changed copy of a built-in layout file.
func layoutVariant(name string, n int) []byte {
	b, err := fs.ReadFile(briefings.DefaultLayouts(), name)
	if err != nil {
		panic(err)
	}
	if strings.HasSuffix(name, ".css") {
		return fmt.Appendf(b, "\n/* variant %d */\n", n)
	}
	return bytes.Replace(b, []byte("{{define \"main\" -}}\n"), fmt.Appendf(nil, "{{define \"main\" -}}\n<p class=\"variant\">variant %d</p>\n", n), 1)
}

// edit is one kind of change; it returns the changed paths (folders are
// fine) and a description, or ok false when it does not apply.
type edit struct {
	name   string
	weight int
	apply  func(s *site) (changed []string, what string, ok bool)
}

var edits = []edit{
	{"retitle a round", 6, func(s *site) ([]string, string, bool) {
		p, ok := s.round()
		s.n++
		return []string{p}, p, ok && s.setField(p, "title", fmt.Sprintf("Retitled %d", s.n))
	}},
	{"redate a round", 4, func(s *site) ([]string, string, bool) {
		p, ok := s.round()
		return []string{p}, p, ok && s.setField(p, "date", s.date())
	}},
	{"change participants", 5, func(s *site) ([]string, string, bool) {
		p, ok := s.round()
		return []string{p}, p, ok && s.setField(p, "participants", s.participantList())
	}},
	{"change topics", 4, func(s *site) ([]string, string, bool) {
		p, ok := s.round()
		t1, t2 := topicNames[s.rng.IntN(len(topicNames))], topicNames[s.rng.IntN(len(topicNames))]
		return []string{p}, p, ok && s.setField(p, "topics", fmt.Sprintf("[%q, %q]", t1, t2))
	}},
	{"topic alias", 3, func(s *site) ([]string, string, bool) {
		p, ok := s.pick(s.files("content/topics/", nil))
		return []string{p}, p, ok && s.setField(p, "aliases", fmt.Sprintf("[%q]", topicNames[s.rng.IntN(len(topicNames))]))
	}},
	{"participant profile", 3, func(s *site) ([]string, string, bool) {
		p, ok := s.pick(s.files("content/participants/", nil))
		if !ok {
			return nil, "", false
		}
		if s.rng.IntN(2) == 0 {
			return []string{p}, p + " aliases", s.setField(p, "aliases", fmt.Sprintf("[%q]", names[s.rng.IntN(len(names))]))
		}
		s.n++
		return []string{p}, p + " affiliation", s.setField(p, "affiliation", fmt.Sprintf("Ministry %d", s.n))
	}},
	{"new profile", 2, func(s *site) ([]string, string, bool) {
		n := names[s.rng.IntN(len(names))]
		p := "content/participants/" + strings.ToLower(strings.ReplaceAll(n, " ", "-")) + ".md"
		s.write(p, fmt.Appendf(nil, "---\nname: %s\naliases: [%q]\n---\nBio.\n", n, names[s.rng.IntN(len(names))]))
		return []string{p}, p, true
	}},
	{"toggle draft", 4, func(s *site) ([]string, string, bool) {
		p, ok := s.round()
		if !ok {
			return nil, "", false
		}
		if bytes.Contains(s.read(p), []byte("\ndraft: true")) {
			return []string{p}, p + " undraft", s.setField(p, "draft", "")
		}
		return []string{p}, p + " draft", s.setField(p, "draft", "true")
	}},
	{"round number", 2, func(s *site) ([]string, string, bool) {
		p, ok := s.round()
		return []string{p}, p, ok && s.setField(p, "round", fmt.Sprint(1+s.rng.IntN(5)))
	}},
	{"delete a file", 3, func(s *site) ([]string, string, bool) {
		p, ok := s.pick(s.files("content/", func(p string) bool { return !strings.HasSuffix(p, "_index.md") || s.rng.IntN(4) == 0 }))
		delete(s.fsys, p)
		delete(s.broken, p)
		return []string{p}, p, ok
	}},
	{"rename a file", 3, func(s *site) ([]string, string, bool) {
		p, ok := s.pick(s.files("content/", func(p string) bool { return !strings.HasSuffix(p, "_index.md") }))
		if !ok {
			return nil, "", false
		}
		dir := path.Dir(p)
		if isRound(p) && s.rng.IntN(2) == 0 {
			if d, ok := s.pick(s.dialogues()); ok {
				dir = "content/dialogues/" + d
			}
		}
		s.n++
		to := fmt.Sprintf("%s/renamed-%d.md", dir, s.n)
		s.fsys[to] = s.fsys[p]
		delete(s.fsys, p)
		if b, ok := s.broken[p]; ok {
			s.broken[to] = b
			delete(s.broken, p)
		}
		return []string{p, to}, p + " → " + to, true
	}},
	{"rename a dialogue folder", 2, func(s *site) ([]string, string, bool) {
		d, ok := s.pick(s.dialogues())
		if !ok {
			return nil, "", false
		}
		s.n++
		from, to := "content/dialogues/"+d, fmt.Sprintf("content/dialogues/moved-%d", s.n)
		for _, p := range s.files(from+"/", nil) {
			q := to + strings.TrimPrefix(p, from)
			s.fsys[q] = s.fsys[p]
			delete(s.fsys, p)
			if b, ok := s.broken[p]; ok {
				s.broken[q] = b
				delete(s.broken, p)
			}
		}
		return []string{from, to}, from + " → " + to, true
	}},
	{"new dialogue", 3, func(s *site) ([]string, string, bool) {
		s.n++
		dir := fmt.Sprintf("content/dialogues/new-%d", s.n)
		s.write(dir+"/_index.md", fmt.Appendf(nil, "---\ntitle: New dialogue %d\nparties: [A, B]\n---\nBackground.\n", s.n))
		changed := []string{dir + "/_index.md"}
		for i := range 1 + s.rng.IntN(3) {
			p := fmt.Sprintf("%s/r%d.md", dir, i+1)
			s.write(p, s.newRound(fmt.Sprintf("New %d round %d", s.n, i+1), i+1))
			changed = append(changed, p)
		}
		if s.rng.IntN(2) == 0 {
			changed = []string{dir} // the watcher reports a new folder
		}
		return changed, dir, true
	}},
	{"break front matter", 3, func(s *site) ([]string, string, bool) {
		p, ok := s.pick(s.files("content/", func(p string) bool { return s.broken[p] == nil }))
		if !ok {
			return nil, "", false
		}
		s.broken[p] = s.read(p)
		bad := []string{"---\ntitle: [\n---\n", "---\ntitle: x\nparticpants: [A]\n---\n", "no front matter\n", "---\ntitle: x\n"}
		s.write(p, []byte(bad[s.rng.IntN(len(bad))]))
		return []string{p}, p, true
	}},
	{"fix front matter", 4, func(s *site) ([]string, string, bool) {
		var list []string
		for p := range s.broken {
			list = append(list, p)
		}
		sort.Strings(list)
		p, ok := s.pick(list)
		if ok {
			s.write(p, s.broken[p])
			delete(s.broken, p)
		}
		return []string{p}, p, ok
	}},
	{"add a link", 3, func(s *site) ([]string, string, bool) {
		p, ok := s.round()
		q, ok2 := s.pick(s.files("content/", nil))
		if !ok || !ok2 {
			return nil, "", false
		}
		rel, _ := filepath.Rel(path.Dir(p), q)
		if s.rng.IntN(4) == 0 {
			rel = "missing-" + rel
		}
		s.write(p, fmt.Appendf(slices.Clone(s.read(p)), "\nSee [that](%s) and [the archive](/archive/).\n", filepath.ToSlash(rel)))
		return []string{p}, p + " → " + rel, true
	}},
	{"edit a layout", 3, func(s *site) ([]string, string, bool) {
		s.n++
		switch s.rng.IntN(5) {
		case 0:
			s.write("layouts/round.html", layoutVariant("round.html", s.n))
			return []string{"layouts/round.html"}, "round.html variant", true
		case 1:
			s.write("layouts/round.html", []byte("{{define \"main\"}}<h1>{{.Title}</h1>{{end}}"))
			return []string{"layouts/round.html"}, "broken round.html", true
		case 2:
			delete(s.fsys, "layouts/round.html")
			return []string{"layouts/round.html"}, "remove round.html", true
		case 3:
			s.write("layouts/assets/style.css", layoutVariant("assets/style.css", s.n))
			return []string{"layouts/assets/style.css"}, "style.css", true
		default:
			for _, p := range s.files("layouts/", nil) {
				delete(s.fsys, p)
			}
			return []string{"layouts"}, "remove layouts/", true
		}
	}},
	{"edit config.yaml", 2, func(s *site) ([]string, string, bool) {
		s.n++
		switch s.rng.IntN(4) {
		case 0:
			s.write("config.yaml", bytes.Replace(s.config, []byte("title: "), fmt.Appendf(nil, "title: Edition %d of ", s.n), 1))
		case 1:
			s.write("config.yaml", append(slices.Clone(s.config), "titel: typo\n"...))
		case 2:
			s.write("config.yaml", bytes.Replace(s.config, []byte("briefings.example.org/"), []byte("example.org/sub/"), 1))
		default:
			s.write("config.yaml", s.config)
		}
		return []string{"config.yaml"}, "config.yaml", true
	}},
	{"static files", 3, func(s *site) ([]string, string, bool) {
		s.n++
		switch s.rng.IntN(4) {
		case 0:
			p := fmt.Sprintf("static/css/extra-%d.css", s.n%3)
			s.write(p, fmt.Appendf(nil, "p{margin:%dpx}", s.n))
			return []string{p}, p, true
		case 1:
			p := fmt.Sprintf("static/docs/n%d.txt", s.n%3)
			s.write(p, []byte("doc"))
			return []string{p}, p, true
		case 2:
			s.write("static/about/index.html", []byte("<p>collides with about.md</p>"))
			return []string{"static/about/index.html"}, "collision", true
		default:
			p, ok := s.pick(s.files("static/", nil))
			delete(s.fsys, p)
			return []string{p}, "remove " + p, ok
		}
	}},
}

// step applies 1–3 random edits and returns the changed paths.
func (s *site) step() ([]string, []string) {
	total := 0
	for _, e := range edits {
		total += e.weight
	}
	var changed, what []string
	for len(what) == 0 || (len(what) < 3 && s.rng.IntN(3) == 0) {
		r := s.rng.IntN(total)
		for _, e := range edits {
			if r -= e.weight; r < 0 {
				if c, w, ok := e.apply(s); ok {
					changed = append(changed, c...)
					what = append(what, e.name+": "+w)
				}
				break
			}
		}
	}
	return changed, what
}

// fullBuild renders the files from scratch.
func fullBuild(opts build.Options) (map[string][]byte, build.Result) {
	var mu sync.Mutex
	out := map[string][]byte{}
	res := build.Render(opts, func(o render.Output) error {
		mu.Lock()
		out[o.Path] = o.Data
		mu.Unlock()
		return nil
	})
	return out, res
}

// diff describes how a snapshot differs from a full build ("" if equal).
func diff(snap build.Snapshot, full map[string][]byte, res build.Result, static []string) string {
	var b strings.Builder
	got, want := diagText(snap.Diagnostics), diagText(res.Diagnostics)
	if got != want {
		fmt.Fprintf(&b, "diagnostics differ\nincremental:\n%sfull:\n%s", got, want)
	}
	if snap.Failed != res.Failed() {
		fmt.Fprintf(&b, "failed %v, full build failed %v\n", snap.Failed, res.Failed())
	}
	if res.Failed() {
		return b.String() // a failed build's files are never served
	}
	if !slices.Equal(snap.StaticFiles, static) {
		fmt.Fprintf(&b, "static files %q, want %q\n", snap.StaticFiles, static)
	}
	var names []string
	for p := range full {
		names = append(names, p)
	}
	for p := range snap.Files {
		if _, ok := full[p]; !ok {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	bad := 0
	for _, p := range names {
		g, inSnap := snap.Files[p]
		w, inFull := full[p]
		switch {
		case !inFull:
			fmt.Fprintf(&b, "%s: stale (not in a full build)\n", p)
		case !inSnap:
			fmt.Fprintf(&b, "%s: missing\n", p)
		case !bytes.Equal(g, w):
			fmt.Fprintf(&b, "%s: differs\n", p)
		default:
			continue
		}
		if bad++; bad == 10 {
			b.WriteString("…\n")
			break
		}
	}
	return b.String()
}

func diagText(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

// eachSeed runs prop in parallel once per seed of -prop.seeds, each with
// its own site and the number of steps to take: -prop.steps, or short
// with -short (.ci/run's -race pass: the race detector makes each build
// several times slower, and the full run has already checked the property).
func eachSeed(t *testing.T, short int, prop func(t *testing.T, n uint64, s *site, steps int)) {
	seeds := strings.Split(*propSeeds, ",")
	steps := *propSteps
	if testing.Short() {
		seeds, steps = seeds[:1], short
	}
	for _, seed := range seeds {
		var n uint64
		if _, err := fmt.Sscan(seed, &n); err != nil {
			t.Fatalf("-prop.seeds: %v", err)
		}
		t.Run("seed="+seed, func(t *testing.T) {
			t.Parallel()
			prop(t, n, newSite(t, n), steps)
		})
	}
}

func TestSessionProperty(t *testing.T) {
	eachSeed(t, 20, func(t *testing.T, n uint64, s *site, steps int) {
		sess := build.NewSession(build.Options{FS: s.fsys})
		snap := sess.Rebuild(nil)
		full, res := fullBuild(build.Options{FS: s.fsys})
		if d := diff(snap, full, res, s.static()); d != "" {
			t.Fatalf("first build: %s", d)
		}
		var history []string
		reused := 0
		for i := range steps {
			changed, what := s.step()
			history = append(history, fmt.Sprintf("step %d: %s (changed %v)", i, strings.Join(what, "; "), changed))
			snap := sess.Rebuild(changed)
			reused += snap.Reused
			full, res := fullBuild(build.Options{FS: s.fsys})
			if d := diff(snap, full, res, s.static()); d != "" {
				t.Fatalf("seed %d, after\n%s\nincremental build differs from a full build:\n%s", n, strings.Join(history, "\n"), d)
			}
		}
		if reused == 0 {
			t.Errorf("no page was ever reused: the session is not incremental")
		}
	})
}

// TestSessionPropertyThroughWatcher applies random edits to a folder on
// disk and lets the dev server's watcher find them; after each step the
// served build must become equal to a full build of the folder.
func TestSessionPropertyThroughWatcher(t *testing.T) {
	steps := 25
	if testing.Short() {
		steps = 8
	}
	s := newSite(t, 99)
	dir := t.TempDir()
	written := map[string][]byte{}
	flush := func() {
		for p, f := range s.fsys {
			if old, ok := written[p]; !ok || !bytes.Equal(old, f.Data) {
				full := filepath.Join(dir, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				// An atomic save, as most editors do.
				if err := os.WriteFile(full+".tmp", f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(full+".tmp", full); err != nil {
					t.Fatal(err)
				}
				written[p] = f.Data
			}
		}
		for p := range written {
			if _, ok := s.fsys[p]; !ok {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
					t.Fatal(err)
				}
				delete(written, p)
			}
		}
		// Folders emptied by renames and deletes go too, as with git.
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && p != dir {
				os.Remove(p) // fails unless empty
			}
			return nil
		})
	}
	flush()
	srv, err := serve.New(serve.Options{Source: dir, Quiet: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	built := make(chan struct{})
	go func() { done <- srv.Watch(ctx, func() { close(built) }) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	<-built
	opts := build.Options{Source: dir, BaseURL: "http://127.0.0.1:0/"}
	var history []string
	for i := range steps {
		_, what := s.step()
		history = append(history, fmt.Sprintf("step %d: %s", i, strings.Join(what, "; ")))
		flush()
		full, res := fullBuild(opts)
		static := s.static()
		wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
		info, err := srv.WaitBuild(wctx, func(b serve.BuildInfo) bool { return diff(b.Snapshot, full, res, static) == "" })
		wcancel()
		if err != nil {
			t.Fatalf("after\n%s\nthe served build never equalled a full build:\n%s", strings.Join(history, "\n"), diff(info.Snapshot, full, res, static))
		}
	}
}
