// Command bench measures full builds, unchanged rebuilds, the I/O floor and
// (when installed) Hugo on generated corpora, side by side, and prints one
// table per corpus size with medians and the ratios the performance targets
// are stated in.
//
//	go run ./generator/internal/bench                 # 1,000 and 10,000 rounds, 3 runs each
//	go run ./generator/internal/bench -large          # and 100,000 rounds
//	go run ./generator/internal/bench -rounds 10000 -runs 5 -hugo off
//
// Run it from the repository root (the Hugo comparison uses
// scripts/hugo-compare.sh to write the Hugo site).
//
// For each size N the corpus is generated once (package corpus, -seed) and
// kept under -work, keyed by N and seed, so later invocations reuse it.
// Each run then measures, one after the other:
//
//   - build: the generator building the corpus into an output folder that
//     does not exist yet (a clean build, as in CI);
//   - rebuild: the same build again over that output (nothing changed);
//   - I/O floor: reading the corpus and writing as many files and bytes as
//     the build wrote (package iofloor);
//   - hugo: Hugo building the equivalent site into an empty folder.
//
// Every measurement runs in a child process, so wall time, CPU time (user
// + system) and peak RSS (the child's maximum resident set size) are the
// child's alone. The build child is this program re-executed: it calls
// build.Build exactly as `generator build --source CORPUS --out OUT` does
// and reports build.Result.Stats (files, bytes, time per stage) as JSON.
// Figures are medians over -runs; each column's median is taken on its
// own. Caches are warm (the corpus is in the page cache after the first
// read); nothing here drops them.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"briefings/generator/internal/bench/corpus"
	"briefings/generator/internal/bench/iofloor"
	"briefings/generator/internal/build"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == childArg {
		os.Exit(child(os.Args[2:]))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	rounds  []int
	runs    int
	seed    int64
	work    string
	hugo    string // auto, on, off
	hugoMax int
	pprof   string
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o options
	roundsFlag := fl.String("rounds", "1000,10000", "comma-separated corpus sizes (rounds)")
	large := fl.Bool("large", false, "also measure 100,000 rounds (about 640 MB of corpus, several minutes)")
	fl.IntVar(&o.runs, "runs", 3, "runs per measurement; the table shows medians")
	fl.Int64Var(&o.seed, "seed", 1, "corpus seed")
	fl.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "briefings-bench"), "folder for corpora (kept between invocations) and outputs")
	fl.StringVar(&o.hugo, "hugo", "auto", "build the same corpus with Hugo: auto (when installed), on, off")
	fl.IntVar(&o.hugoMax, "hugo-max", 10000, "largest corpus Hugo builds (Hugo needs about 1.5 GiB at 10k rounds)")
	fl.StringVar(&o.pprof, "pprof", "", "after the runs, profile one more build of each size and write cpu-N.pprof and heap-N.pprof here")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	for f := range strings.SplitSeq(*roundsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(stderr, "bench: -rounds: %q is not a positive number\n", f)
			return 2
		}
		o.rounds = append(o.rounds, n)
	}
	if *large && !slices.Contains(o.rounds, 100000) {
		o.rounds = append(o.rounds, 100000)
	}
	if o.runs < 1 || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: bench [-rounds 1000,10000] [-large] [-runs 3] [-seed 1] [-work DIR] [-hugo auto|on|off] [-pprof DIR]")
		return 2
	}
	hugoBin := ""
	switch o.hugo {
	case "off":
	case "auto", "on":
		if p, err := exec.LookPath("hugo"); err == nil {
			hugoBin = p
		} else if o.hugo == "on" {
			fmt.Fprintln(stderr, "bench: -hugo on: hugo not found (apt-get install -y hugo)")
			return 2
		}
	default:
		fmt.Fprintf(stderr, "bench: -hugo must be auto, on or off, not %q\n", o.hugo)
		return 2
	}
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	b := &bench{opts: o, self: self, hugo: hugoBin, log: stderr}
	fmt.Fprintln(stdout, machine())
	for _, n := range o.rounds {
		tab, err := b.size(n)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		fmt.Fprintln(stdout)
		fmt.Fprint(stdout, tab)
	}
	if len(b.fulls) > 1 {
		fmt.Fprintln(stdout)
		fmt.Fprint(stdout, b.scaling())
	}
	fmt.Fprintf(stdout, "\nload average at the end: %s\n", loadavg())
	return 0
}

type bench struct {
	opts  options
	self  string
	hugo  string
	log   io.Writer
	fulls []sizeResult // median full build per size, for the scaling line
}

type sizeResult struct {
	rounds int
	wall   time.Duration
	rss    int64
}

// measurement is one child process run.
type measurement struct {
	wall, cpu time.Duration
	rss       int64 // bytes
	stats     *childStats
}

// childStats is what the build and floor children print.
type childStats struct {
	Files  int              `json:"files"`
	Bytes  int64            `json:"bytes"`
	Stages map[string]int64 `json:"stages_ns"`
	Order  []string         `json:"stages"`
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

// size measures one corpus size and returns its table.
func (b *bench) size(n int) (string, error) {
	dir, cst, err := b.corpus(n)
	if err != nil {
		return "", err
	}
	out := filepath.Join(b.opts.work, fmt.Sprintf("out-%d", n))
	floor := filepath.Join(b.opts.work, fmt.Sprintf("floor-%d", n))
	hugoSite := ""
	if b.hugo != "" && n <= b.opts.hugoMax {
		if hugoSite, err = b.prepareHugo(n, dir); err != nil {
			return "", err
		}
	}
	var full, rebuild, fl, hugo []measurement
	for i := range b.opts.runs {
		b.logf("%d rounds, run %d of %d", n, i+1, b.opts.runs)
		if err := removeAll(out); err != nil {
			return "", err
		}
		m, err := b.child("build", "-source", dir, "-out", out)
		if err != nil {
			return "", fmt.Errorf("build of %d rounds: %w", n, err)
		}
		full = append(full, m)
		if m, err = b.child("build", "-source", dir, "-out", out); err != nil {
			return "", fmt.Errorf("rebuild of %d rounds: %w", n, err)
		}
		rebuild = append(rebuild, m)
		if err := removeAll(floor); err != nil {
			return "", err
		}
		m, err = b.child("floor", "-corpus", dir, "-out", floor,
			"-files", strconv.Itoa(full[0].stats.Files), "-bytes", strconv.FormatInt(full[0].stats.Bytes, 10))
		if err != nil {
			return "", fmt.Errorf("I/O floor: %w", err)
		}
		fl = append(fl, m)
		if hugoSite != "" {
			m, err := b.runHugo(hugoSite)
			if err != nil {
				return "", err
			}
			hugo = append(hugo, m)
		}
	}
	if b.opts.pprof != "" {
		if err := b.profile(n, dir, out); err != nil {
			return "", err
		}
	}
	_ = removeAll(floor)
	if hugoSite != "" {
		_ = removeAll(filepath.Join(filepath.Dir(hugoSite), "public"))
	}

	var t strings.Builder
	fmt.Fprintf(&t, "%s rounds, seed %d: corpus of %s files, %s (%s); median of %d runs\n\n",
		thousands(int64(n)), b.opts.seed, thousands(int64(cst.files)), mb(cst.bytes), dir, b.opts.runs)
	t.WriteString("| what | wall | CPU user+sys | peak RSS | pages/s | files | bytes | read | parse | link | render | write |\n")
	t.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	row := func(name string, ms []measurement, stages bool) {
		md := median(ms)
		files, bytes := "", ""
		rate := ""
		if s := ms[0].stats; s != nil {
			files, bytes = thousands(int64(s.Files)), mb(s.Bytes)
			rate = thousands(int64(float64(s.Files) / md.wall.Seconds()))
		}
		fmt.Fprintf(&t, "| %s | %s | %s | %s | %s | %s | %s |", name, secs(md.wall), secs(md.cpu), mib(md.rss), rate, files, bytes)
		for _, st := range []string{"read", "parse", "link", "render", "write"} {
			cell := ""
			if stages {
				cell = secs(stageMedian(ms, st))
			}
			fmt.Fprintf(&t, " %s |", cell)
		}
		t.WriteString("\n")
	}
	row("briefings build", full, true)
	row("briefings rebuild, nothing changed", rebuild, true)
	row("I/O floor, same files and bytes", fl, false)
	if len(hugo) > 0 {
		row(hugoVersion(b.hugo), hugo, false)
	}
	mf, mr, mfl := median(full), median(rebuild), median(fl)
	b.fulls = append(b.fulls, sizeResult{n, mf.wall, mf.rss})
	t.WriteString("\nratios of medians:")
	if len(hugo) > 0 {
		mh := median(hugo)
		fmt.Fprintf(&t, " Hugo / build %.1f× (target ≥ 5);", ratio(mh.wall, mf.wall))
	}
	rssTarget := "≤ 300 MiB at 10k"
	if n >= 100000 {
		rssTarget = "< 1 GiB at 100k"
	}
	fmt.Fprintf(&t, " build / I/O floor %.2f× (target ≤ 2); rebuild / build %.0f%% (target ≤ 40%%); build peak RSS %s (target %s)\n",
		ratio(mf.wall, mfl.wall), 100*ratio(mr.wall, mf.wall), mib(mf.rss), rssTarget)
	return t.String(), nil
}

// scaling compares the largest size with the next smaller one.
func (b *bench) scaling() string {
	s := slices.Clone(b.fulls)
	slices.SortFunc(s, func(x, y sizeResult) int { return x.rounds - y.rounds })
	big, small := s[len(s)-1], s[len(s)-2]
	return fmt.Sprintf("scaling: %s rounds take %.1f× the time of %s rounds (%.0f× the rounds; target ≤ 11× for 100k/10k), peak RSS %s (target < 1 GiB at 100k)\n",
		thousands(int64(big.rounds)), ratio(big.wall, small.wall), thousands(int64(small.rounds)),
		float64(big.rounds)/float64(small.rounds), mib(big.rss))
}

type corpusStats struct {
	files int
	bytes int64
}

// corpus returns the folder of the corpus of n rounds, generating it once.
// A corpus is complete when its ".complete" file exists; it is generated
// into a temporary sibling and renamed, so an interrupted run leaves no
// half corpus behind.
func (b *bench) corpus(n int) (string, corpusStats, error) {
	dir := filepath.Join(b.opts.work, fmt.Sprintf("corpus-%d-seed%d", n, b.opts.seed))
	done := filepath.Join(dir, ".complete")
	if data, err := os.ReadFile(done); err == nil {
		var st corpusStats
		if _, err := fmt.Sscan(string(data), &st.files, &st.bytes); err == nil {
			return dir, st, nil
		}
	}
	b.logf("generating %d rounds into %s", n, dir)
	tmp := dir + ".tmp"
	if err := removeAll(tmp); err != nil {
		return "", corpusStats{}, err
	}
	if err := removeAll(dir); err != nil {
		return "", corpusStats{}, err
	}
	st, err := corpus.Generate(tmp, corpus.Options{Rounds: n, Seed: b.opts.seed})
	if err != nil {
		return "", corpusStats{}, err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), fmt.Appendf(nil, "%d %d\n", st.Files, st.Bytes), 0o644); err != nil {
		return "", corpusStats{}, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", corpusStats{}, err
	}
	return dir, corpusStats{st.Files, st.Bytes}, nil
}

// prepareHugo writes the Hugo site for the corpus once, with
// scripts/hugo-compare.sh, and returns its folder.
func (b *bench) prepareHugo(n int, corpusDir string) (string, error) {
	work := filepath.Join(b.opts.work, fmt.Sprintf("hugo-%d-seed%d", n, b.opts.seed))
	site := filepath.Join(work, "hugo")
	if _, err := os.Stat(filepath.Join(work, ".complete")); err == nil {
		return site, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	b.logf("writing the Hugo site for %d rounds into %s", n, site)
	if err := removeAll(work); err != nil {
		return "", err
	}
	cmd := exec.Command(filepath.Join(root, "scripts", "hugo-compare.sh"), strconv.Itoa(n))
	cmd.Env = append(os.Environ(), "WORK="+work, "CORPUS="+corpusDir, "PREPARE_ONLY=1", "SEED="+strconv.FormatInt(b.opts.seed, 10))
	cmd.Stdout, cmd.Stderr = b.log, b.log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("scripts/hugo-compare.sh: %w", err)
	}
	return site, os.WriteFile(filepath.Join(work, ".complete"), nil, 0o644)
}

func (b *bench) runHugo(site string) (measurement, error) {
	work := filepath.Dir(site)
	public := filepath.Join(work, "public")
	if err := removeAll(public); err != nil {
		return measurement{}, err
	}
	if err := removeAll(filepath.Join(work, "hugocache")); err != nil {
		return measurement{}, err
	}
	cmd := exec.Command(b.hugo, "--quiet", "--source", site, "--destination", public, "--cacheDir", filepath.Join(work, "hugocache"))
	var errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &errBuf, &errBuf
	m, err := measure(cmd)
	if err != nil {
		return m, fmt.Errorf("hugo: %w\n%s", err, errBuf.Bytes())
	}
	st := &childStats{}
	err = filepath.WalkDir(public, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st.Files++
		st.Bytes += info.Size()
		return nil
	})
	m.stats = st
	return m, err
}

// child runs this program again with args and decodes the JSON it prints.
func (b *bench) child(args ...string) (measurement, error) {
	cmd := exec.Command(b.self, append([]string{childArg}, args...)...)
	var out, errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errBuf
	m, err := measure(cmd)
	if err != nil {
		return m, fmt.Errorf("%w\n%s", err, errBuf.Bytes())
	}
	m.stats = &childStats{}
	if err := json.Unmarshal(out.Bytes(), m.stats); err != nil {
		return m, fmt.Errorf("reading the child's report %q: %w", out.Bytes(), err)
	}
	return m, nil
}

// profile builds once more with profiling on, untimed.
func (b *bench) profile(n int, dir, out string) error {
	if err := os.MkdirAll(b.opts.pprof, 0o755); err != nil {
		return err
	}
	if err := removeAll(out); err != nil {
		return err
	}
	cpu := filepath.Join(b.opts.pprof, fmt.Sprintf("cpu-%d.pprof", n))
	heap := filepath.Join(b.opts.pprof, fmt.Sprintf("heap-%d.pprof", n))
	if _, err := b.child("build", "-source", dir, "-out", out, "-cpuprofile", cpu, "-heapprofile", heap); err != nil {
		return err
	}
	b.logf("wrote %s and %s (go tool pprof -top %s)", cpu, heap, cpu)
	return nil
}

func measure(cmd *exec.Cmd) (measurement, error) {
	start := time.Now()
	err := cmd.Run()
	m := measurement{wall: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		m.cpu = ps.UserTime() + ps.SystemTime()
		m.rss = maxRSS(ps)
	}
	return m, err
}

// childArg marks a child invocation: "bench <childArg> build|floor ...".
const childArg = "-child"

func child(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "bench -child: build or floor?")
		return 2
	}
	fl := flag.NewFlagSet("bench child "+args[0], flag.ContinueOnError)
	var st childStats
	switch args[0] {
	case "build":
		source := fl.String("source", "", "site folder")
		out := fl.String("out", "", "output folder")
		cpu := fl.String("cpuprofile", "", "write a CPU profile here")
		heap := fl.String("heapprofile", "", "write a heap profile here, taken when the live heap was largest")
		if fl.Parse(args[1:]) != nil {
			return 2
		}
		if *cpu != "" {
			f, err := os.Create(*cpu)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		var peak *peakHeap
		if *heap != "" {
			peak = watchHeap()
		}
		// Exactly what `generator build --source S --out O` runs.
		res := build.Build(build.Options{Source: *source, Out: *out})
		if *cpu != "" {
			pprof.StopCPUProfile()
		}
		if peak != nil {
			if err := peak.write(*heap); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		if res.Failed() {
			for i, d := range res.Diagnostics {
				if i == 20 {
					fmt.Fprintf(os.Stderr, "… %d more\n", len(res.Diagnostics)-i)
					break
				}
				fmt.Fprintln(os.Stderr, d)
			}
			if res.Err != nil {
				fmt.Fprintln(os.Stderr, res.Err)
			}
			return 1
		}
		st.Files, st.Bytes = res.Stats.Files, res.Stats.Bytes
		st.Stages = map[string]int64{}
		for _, s := range res.Stats.Stages {
			st.Stages[s.Name] += int64(s.Duration)
			st.Order = append(st.Order, s.Name)
		}
	case "floor":
		corpusDir := fl.String("corpus", "", "corpus folder")
		out := fl.String("out", "", "output folder")
		files := fl.Int("files", 0, "files to write")
		size := fl.Int64("bytes", 0, "bytes to write")
		if fl.Parse(args[1:]) != nil {
			return 2
		}
		r, err := iofloor.Run(os.DirFS(*corpusDir), *out, iofloor.Options{Files: *files, Bytes: *size})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		st.Files, st.Bytes = r.Files, r.Bytes
		st.Stages = map[string]int64{"read": int64(r.Read), "write": int64(r.Write)}
	default:
		fmt.Fprintf(os.Stderr, "bench -child: unknown %q\n", args[0])
		return 2
	}
	if err := json.NewEncoder(os.Stdout).Encode(st); err != nil {
		return 1
	}
	return 0
}

// peakHeap keeps the heap profile taken when the live heap was largest:
// every 100 ms (or ten times as long as the last check took, for large
// heaps) it forces a collection and, on a new maximum, snapshots the
// profile. It slows the build down; use it for profiles, not timings.
type peakHeap struct {
	stop chan struct{}
	done chan struct{}
	max  uint64
	prof []byte
}

func watchHeap() *peakHeap {
	p := &peakHeap{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		wait := 100 * time.Millisecond
		for {
			select {
			case <-p.stop:
				return
			case <-time.After(wait):
			}
			start := time.Now()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > p.max {
				var buf bytes.Buffer
				if pprof.Lookup("heap").WriteTo(&buf, 0) == nil {
					p.max, p.prof = ms.HeapAlloc, buf.Bytes()
				}
			}
			wait = max(100*time.Millisecond, 10*time.Since(start))
		}
	}()
	return p
}

func (p *peakHeap) write(name string) error {
	close(p.stop)
	<-p.done
	fmt.Fprintf(os.Stderr, "bench: largest live heap seen: %s\n", mib(int64(p.max)))
	return os.WriteFile(name, p.prof, 0o644)
}

// median returns the per-column medians of ms.
func median(ms []measurement) measurement {
	walls := make([]time.Duration, len(ms))
	cpus := make([]time.Duration, len(ms))
	rss := make([]int64, len(ms))
	for i, m := range ms {
		walls[i], cpus[i], rss[i] = m.wall, m.cpu, m.rss
	}
	return measurement{wall: mid(walls), cpu: mid(cpus), rss: mid(rss)}
}

func stageMedian(ms []measurement, name string) time.Duration {
	var ds []time.Duration
	for _, m := range ms {
		if m.stats != nil {
			ds = append(ds, time.Duration(m.stats.Stages[name]))
		}
	}
	if len(ds) == 0 {
		return 0
	}
	return mid(ds)
}

// mid is the median; for an even count, the mean of the middle two.
func mid[T time.Duration | int64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func secs(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mib(n int64) string {
	if n <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// machine describes where the figures come from.
func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	return fmt.Sprintf("machine: %d cores (GOMAXPROCS %d), %s, %s %s/%s; load average at the start: %s",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), model, runtime.Version(), runtime.GOOS, runtime.GOARCH, loadavg())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func hugoVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "hugo"
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return "hugo"
	}
	v, _, _ := strings.Cut(strings.TrimPrefix(f[1], "v"), "+")
	return "hugo " + v
}

// repoRoot finds the folder holding go.mod of module briefings, from the
// working folder up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module briefings\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the briefings repository (scripts/hugo-compare.sh writes the Hugo site)")
		}
		dir = parent
	}
}

// removeAll removes p like os.RemoveAll, the entries two levels down on 16
// goroutines first: on the benchmark machine each unlink waits on the disk,
// and removing a 10k output one entry at a time took longer than building it.
func removeAll(p string) error {
	var items []string
	if top, err := os.ReadDir(p); err == nil {
		for _, e := range top {
			q := filepath.Join(p, e.Name())
			if !e.IsDir() {
				continue
			}
			sub, _ := os.ReadDir(q)
			for _, s := range sub {
				items = append(items, filepath.Join(q, s.Name()))
			}
		}
	}
	next := make(chan string)
	done := make(chan struct{})
	for range 16 {
		go func() {
			for q := range next {
				os.RemoveAll(q) // errors show in the final RemoveAll
			}
			done <- struct{}{}
		}()
	}
	for _, q := range items {
		next <- q
	}
	close(next)
	for range 16 {
		<-done
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("removing %s: %w", p, err)
	}
	return nil
}
