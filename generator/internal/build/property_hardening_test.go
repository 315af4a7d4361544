package build

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/publish"
	"briefings/generator/internal/render"
)

// hostileNames are the names of checklist items 14-18, used as participant,
// topic, round and file names by randomSite.
var hostileNames = []string{
	"..", "../x", "%2e%2e", "a\\b", ".hidden", "CON", "nul", "aux", "COM1", "lpt9", "trailing. ",
	`a:b*c?d"e<f>g|h`, "evil\u202Etxt", "Jung\u200dPak", "Jung Pak\u00a0", "JUNG PAK", "Jung-Pak",
	"José Núñez", "Jose\u0301 Nu\u0301n\u0303ez", "Seoul", "seoul", "정보 접근", "\u1100\u1161\u11a8",
	"１２３", strings.Repeat("가나다라", 100), strings.Repeat("Ann ", 100), "Ann Example", "Ann Exampel",
	"</title><script>alert(1)</script>", "{{ .Secret }}", "javascript:alert(1)", "\"><img src=x onerror=alert(1)>",
}

// fileName turns a hostile name into something a Linux file system accepts
// (no "/", no NUL, at most 255 bytes), keeping everything else.
func fileName(s string) string {
	s = strings.NewReplacer("/", "_", "\x00", "_").Replace(s)
	for len(s) > 200 {
		_, n := lastRune(s)
		s = s[:len(s)-n]
	}
	if s == "" || s == "." || s == ".." {
		s = "x" + s
	}
	return s
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return []rune(s[i:])[0], len(s) - i
		}
	}
	return 0, 1
}

func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// randomSite returns a small site with names drawn from hostileNames; seed
// picks the names, so a failure is reproducible from the seed alone.
func randomSite(seed uint64) map[string]string {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	pick := func() string { return hostileNames[rng.IntN(len(hostileNames))] }
	files := map[string]string{
		"config.yaml": "title: " + yamlQuote(pick()) + "\nbase_url: https://example.org/b/\n",
	}
	for d := range 1 + rng.IntN(2) {
		dir := "content/dialogues/" + fileName(pick())
		if d > 0 {
			dir += fmt.Sprint(d)
		}
		files[dir+"/_index.md"] = "---\ntitle: " + yamlQuote(pick()) + "\nsummary: " + yamlQuote(pick()) + "\n---\n" + pick() + "\n"
		for r := range 1 + rng.IntN(3) {
			var b strings.Builder
			fmt.Fprintf(&b, "---\ntitle: %s\ndate: 2024-%02d-%02d\nround: %d\nlocation: %s\nparticipants:\n", yamlQuote(pick()), 1+rng.IntN(12), 1+rng.IntN(28), r+1, yamlQuote(pick()))
			for range 1 + rng.IntN(3) {
				fmt.Fprintf(&b, "  - name: %s\n    role: %s\n", yamlQuote(pick()), yamlQuote(pick()))
			}
			fmt.Fprintf(&b, "topics: [%s, %s]\noutcomes: [%s]\n---\n# %s\n\n[link](/archive/) %s\n", yamlQuote(pick()), yamlQuote(pick()), yamlQuote(pick()), pick(), pick())
			files[dir+"/"+fileName(pick())+fmt.Sprint(r)+".md"] = b.String()
		}
	}
	files["content/"+fileName(pick())+"-page.md"] = "---\ntitle: " + yamlQuote(pick()) + "\n---\nPage.\n"
	files["static/"+fileName(pick())+".txt"] = pick()
	return files
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
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

// snapshot maps every entry under root (not following symlinks) to a
// description of its type, mode and content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		desc := info.Mode().String()
		if info.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x", sha256.Sum256(b))
		}
		m[p] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPropertyEverythingWrittenIsUnderOut builds random hostile sites to
// disk and compares the whole folder around them before and after: every
// entry created or changed is inside the output folder, except the lock
// file publish keeps beside it; no path component is longer than 255 bytes
// (ENAMETOOLONG) and no output path fails publish.CheckRel. Checklist 16,
// 17 and C7 ("nothing written outside --out").
func TestPropertyEverythingWrittenIsUnderOut(t *testing.T) {
	built, seeds := 0, uint64(12)
	if testing.Short() {
		seeds = 4
	}
	for seed := uint64(1); seed <= seeds; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			root := t.TempDir()
			src := filepath.Join(root, "site")
			writeFiles(t, src, randomSite(seed))
			outs := []string{filepath.Join(src, "public"), filepath.Join(root, "out")}
			out := outs[seed%2]
			before := snapshot(t, root)
			res := Build(Options{Source: src, Out: out})
			if res.Err != nil {
				t.Fatalf("Build: %v", res.Err)
			}
			for _, d := range res.Diagnostics {
				if d.Code == "internal" {
					t.Errorf("internal error: %s", d)
				}
			}
			after := snapshot(t, root)
			lock := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".lock")
			for p, desc := range after {
				if before[p] == desc || p == lock || p == filepath.Dir(out) {
					continue
				}
				if rel, err := filepath.Rel(out, p); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
					t.Errorf("written outside the output folder: %s", p)
				}
			}
			for p := range before {
				if _, ok := after[p]; !ok && !strings.HasPrefix(p, out+string(filepath.Separator)) {
					t.Errorf("removed outside the output folder: %s", p)
				}
			}
			if res.Failed() {
				return // content errors: nothing may be written, which the loop above checked
			}
			built++
			for p := range after {
				rel, err := filepath.Rel(out, p)
				if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
					continue
				}
				for _, c := range strings.Split(rel, string(filepath.Separator)) {
					if len(c) > 255 {
						t.Errorf("path component of %d bytes: %s", len(c), rel)
					}
				}
				if err := publish.CheckRel(filepath.ToSlash(rel)); err != nil && filepath.Base(rel) != publish.MarkerName {
					t.Errorf("output path %s: %v", rel, err)
				}
			}
		})
	}
	t.Logf("%d of %d random sites built without content errors", built, seeds)
}

// TestLongHangulNamesOnDisk: a 400-character Hangul title, participant and
// topic (1,200 bytes each) build to disk without ENAMETOOLONG; their slugs
// are cut to at most 100 bytes (checklist 17).
func TestLongHangulNamesOnDisk(t *testing.T) {
	long := strings.Repeat("가나다라", 100)
	root := t.TempDir()
	src := filepath.Join(root, "site")
	writeFiles(t, src, map[string]string{
		"config.yaml":                   "title: T\nbase_url: https://example.org/\n",
		"content/dialogues/d/_index.md": "---\ntitle: " + long + "\n---\n",
		"content/dialogues/d/r1.md":     "---\ntitle: " + long + "\ndate: 2024-01-01\nround: 1\nparticipants: [" + long + "]\ntopics: [" + long + "마]\n---\n",
	})
	out := filepath.Join(root, "public")
	res := Build(Options{Source: src, Out: out})
	if res.Failed() {
		t.Fatalf("build failed: %v %v", res.Err, res.Diagnostics)
	}
	found := 0
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Name()) > 100+len("index.html") {
			t.Errorf("component of %d bytes: %s", len(d.Name()), d.Name())
		}
		if strings.HasPrefix(d.Name(), "가나다라") {
			found++
		}
		return nil
	})
	if found < 2 {
		t.Errorf("found %d long-name folders, want the participant and the topic", found)
	}
}

// copySample copies the repository's sample site (config, content, static)
// to a temporary folder, so concurrent edits of the working tree cannot
// make two builds read different files.
func copySample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for p, f := range repoSite(t) {
		writeFiles(t, dir, map[string]string{p: string(f.Data)})
	}
	return dir
}

// TestHelperBuildProcess is not a test: TestDeterministicAcrossProcesses
// runs the test binary again with BRIEFINGS_HELPER_BUILD=<src>|<out> to
// build in a process with another environment.
func TestHelperBuildProcess(t *testing.T) {
	arg := os.Getenv("BRIEFINGS_HELPER_BUILD")
	if arg == "" {
		t.Skip("helper process only")
	}
	src, out, _ := strings.Cut(arg, "|")
	res := Build(Options{Source: src, Out: out})
	if res.Failed() {
		t.Fatalf("build failed: %v %v", res.Err, res.Diagnostics)
	}
}

// TestDeterministicAcrossProcesses builds the sample site in child
// processes with GOMAXPROCS=1, TZ=Asia/Seoul and a Turkish locale, and with
// the default GOMAXPROCS, TZ=UTC and LC_ALL=C: the trees must be
// byte-identical (checklist 30).
func TestDeterministicAcrossProcesses(t *testing.T) {
	if os.Getenv("BRIEFINGS_HELPER_BUILD") != "" {
		t.Skip("in a helper process")
	}
	src := copySample(t)
	envs := [][]string{
		{"GOMAXPROCS=1", "TZ=Asia/Seoul", "LC_ALL=tr_TR.UTF-8", "LANG=tr_TR.UTF-8"},
		{fmt.Sprintf("GOMAXPROCS=%d", max(4, runtime.NumCPU())), "TZ=UTC", "LC_ALL=C", "LANG=C"},
		{"TZ=America/St_Johns", "LC_ALL=ko_KR.UTF-8"},
	}
	var hashes []string
	for i, env := range envs {
		out := filepath.Join(t.TempDir(), fmt.Sprint("out", i))
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBuildProcess$", "-test.count=1")
		cmd.Env = append(append(os.Environ(), env...), "BRIEFINGS_HELPER_BUILD="+src+"|"+out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", env, err, b)
		}
		hashes = append(hashes, treeDigest(t, out))
	}
	for i := 1; i < len(hashes); i++ {
		if hashes[i] != hashes[0] {
			t.Errorf("build under %v differs from build under %v:\n%s", envs[i], envs[0], diffLines(hashes[0], hashes[i]))
		}
	}
}

// treeDigest lists every file under dir with its hash, one per line.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	for p, desc := range snapshot(t, dir) {
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, filepath.ToSlash(rel)+" "+desc)
	}
	sort.Strings(lines)
	if len(lines) < 10 {
		t.Fatalf("only %d entries in %s", len(lines), dir)
	}
	return strings.Join(lines, "\n")
}

func diffLines(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	in := map[string]bool{}
	for _, l := range lb {
		in[l] = true
	}
	var out []string
	for _, l := range la {
		if !in[l] {
			out = append(out, "- "+l)
		}
	}
	return strings.Join(out, "\n")
}

// shuffleFS returns directory entries in a random order, as a file system
// that does not sort (some network and FUSE file systems) would.
type shuffleFS struct {
	fs.FS
	mu  sync.Mutex
	rng *rand.Rand
}

func (s *shuffleFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(s.FS, name)
	s.mu.Lock()
	s.rng.Shuffle(len(ents), func(i, j int) { ents[i], ents[j] = ents[j], ents[i] })
	s.mu.Unlock()
	return ents, err
}

// TestShuffledDirectoryOrder renders the sample and the test sites from a
// file system that lists directories in random order: every byte of the
// output and every diagnostic equals the sorted build (checklist 30).
func TestShuffledDirectoryOrder(t *testing.T) {
	sites := map[string]fstest.MapFS{"sample": repoSite(t)}
	archives, _ := filepath.Glob("testdata/sites/*.txtar")
	for _, a := range archives {
		sites[filepath.Base(a)] = loadTxtar(t, a)
	}
	for name, fsys := range sites {
		t.Run(name, func(t *testing.T) {
			want, wantDiags, _ := renderFS(t, fsys, Options{})
			for seed := uint64(1); seed <= 3; seed++ {
				got, diags, _ := renderAny(t, &shuffleFS{FS: fsys, rng: rand.New(rand.NewPCG(seed, 1))}, Options{})
				if diags != wantDiags {
					t.Errorf("seed %d: diagnostics differ:\n%s\nwant:\n%s", seed, diags, wantDiags)
				}
				if len(got) != len(want) {
					t.Fatalf("seed %d: %d files, want %d", seed, len(got), len(want))
				}
				for p, b := range want {
					if !bytes.Equal(got[p], b) {
						t.Errorf("seed %d: %s differs", seed, p)
					}
				}
			}
		})
	}
}

// renderAny is renderFS for any fs.FS.
func renderAny(t *testing.T, fsys fs.FS, opts Options) (map[string][]byte, string, Result) {
	t.Helper()
	opts.FS = fsys
	var mu sync.Mutex
	out := map[string][]byte{}
	res := Render(opts, func(o render.Output) error {
		mu.Lock()
		defer mu.Unlock()
		out[o.Path] = o.Data
		return nil
	})
	var b strings.Builder
	for _, d := range res.Diagnostics {
		b.WriteString(d.String() + "\n")
	}
	return out, b.String(), res
}

// TestFailedBuildLeavesPreviousOutput builds a site, then rebuilds a
// changed version with a write failure injected at every write in turn
// (ENOSPC, EROFS for a read-only output, EIO): each failed build must
// leave the previous output byte-identical and nothing beside it but the
// lock; and with no failure, the new build is published (checklist 27).
func TestFailedBuildLeavesPreviousOutput(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "site")
	writeFiles(t, src, map[string]string{
		"config.yaml":                   "title: T\nbase_url: https://example.org/\n",
		"content/about.md":              "---\ntitle: About\n---\nOld.\n",
		"content/dialogues/d/_index.md": "---\ntitle: D\n---\n",
		"content/dialogues/d/r1.md":     "---\ntitle: R1\ndate: 2024-01-01\nround: 1\nparticipants: [Ann]\n---\nOld body.\n",
		"static/docs/a.txt":             "old static",
	})
	out := filepath.Join(root, "public")
	if res := Build(Options{Source: src, Out: out}); res.Failed() {
		t.Fatalf("first build: %v %v", res.Err, res.Diagnostics)
	}
	before := treeDigest(t, out)
	writeFiles(t, src, map[string]string{
		"content/about.md":          "---\ntitle: About\n---\nNew.\n",
		"content/dialogues/d/r2.md": "---\ntitle: R2\ndate: 2024-02-01\nround: 2\nparticipants: [Bo]\n---\nNew round.\n",
		"static/docs/b.txt":         "new static",
	})
	// Count the writes of this rebuild, into a copy of the previous output:
	// files whose bytes did not change are hard-linked, not written.
	if err := os.CopyFS(filepath.Join(root, "count"), os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	total := 0
	if res := Build(Options{Source: src, Out: filepath.Join(root, "count"), WriteFile: func(name string, data []byte, perm os.FileMode) error {
		mu.Lock()
		total++
		mu.Unlock()
		return os.WriteFile(name, data, perm)
	}}); res.Failed() || total == 0 {
		t.Fatalf("counting build: %d writes, %v %v", total, res.Err, res.Diagnostics)
	}
	errs := []error{syscall.ENOSPC, syscall.EROFS, syscall.EIO}
	step := 1
	if testing.Short() {
		step = 5 // the first, every fifth and (below) the last write
	}
	for n := 1; n <= total; n++ {
		if (n-1)%step != 0 && n != total {
			continue
		}
		failErr := errs[n%len(errs)]
		var calls int
		res := Build(Options{Source: src, Out: out, WriteFile: func(name string, data []byte, perm os.FileMode) error {
			mu.Lock()
			calls++
			c := calls
			mu.Unlock()
			if c == n {
				os.WriteFile(name, data[:len(data)/2], perm) // a half-written file, as a full disk leaves
				return &fs.PathError{Op: "write", Path: name, Err: failErr}
			}
			return os.WriteFile(name, data, perm)
		}})
		if !res.Failed() {
			t.Fatalf("write %d of %d failed with %v but the build succeeded", n, total, failErr)
		}
		if !strings.Contains(fmt.Sprint(res.Err, res.Diagnostics), failErr.Error()) {
			t.Errorf("write %d: the failure (%v) is not reported: %v %v", n, failErr, res.Err, res.Diagnostics)
		}
		if got := treeDigest(t, out); got != before {
			t.Fatalf("write %d of %d failed and the previous output changed:\n%s", n, total, diffLines(before, got))
		}
		ents, _ := os.ReadDir(root)
		for _, e := range ents {
			if n := e.Name(); n != "site" && n != "public" && n != "count" && n != ".public.lock" && n != ".count.lock" {
				t.Errorf("left beside the output: %s", n)
			}
		}
	}
	res := Build(Options{Source: src, Out: out})
	if res.Failed() {
		t.Fatalf("final build: %v %v", res.Err, res.Diagnostics)
	}
	if b, err := os.ReadFile(filepath.Join(out, "dialogues", "d", "r2", "index.html")); err != nil || !bytes.Contains(b, []byte("New round.")) {
		t.Errorf("the successful build was not published: %v", err)
	}
	t.Logf("injected a failure at each of %d writes", total)
}
