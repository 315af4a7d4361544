// Command latencybench measures the dev server's save-to-reload latency:
// the time from writing one round file to the reload event on the
// live-reload stream, through the real watcher, batcher, session and SSE
// hub, over a generated corpus.
//
//	go run ./generator/internal/serve/latencybench -rounds 10000 -edits 20
//
// It generates the corpus (corpus.Generate, seed 1) into -dir (a temporary
// folder by default; an existing corpus there is reused), starts the
// server on a free loopback port, and then, -edits times, opens the
// live-reload stream as the round's page in a browser does (with the
// page's path), saves the round (an atomic save: write a temporary file,
// rename it over the round) with a changed title, waits for the reload
// event, and checks that the served page has the new title. The server
// renders the pages open in browsers first, so the reload comes before the
// rest of the site is rendered; the bench also reports when the whole
// site was up to date. It prints the median, mean and maximum latency,
// the time of each build stage (median), and the process's memory: Go heap
// in use and resident set size (RSS, peak RSS) from /proc on Linux. Beside
// each latency it prints the CPU time the process used for the edit, which
// is steadier than the wall time on a shared machine.
// -cpuprofile writes a CPU profile of the edits only.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"briefings/generator/internal/bench/corpus"
	"briefings/generator/internal/serve"
)

func main() {
	rounds := flag.Int("rounds", 1000, "rounds in the generated corpus")
	edits := flag.Int("edits", 20, "edits to time")
	dir := flag.String("dir", "", "corpus folder (default: a temporary folder, removed afterwards)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the edits to this file")
	field := flag.String("field", "title", "what each edit changes: title (a field linking never reads, so the archive is patched) or role (a participant's role: the archive is linked again)")
	flag.Parse()
	if *field != "title" && *field != "role" {
		fmt.Fprintln(os.Stderr, "latencybench: -field must be title or role")
		os.Exit(2)
	}
	if err := run(*rounds, *edits, *dir, *cpuprofile, *field); err != nil {
		fmt.Fprintln(os.Stderr, "latencybench:", err)
		os.Exit(1)
	}
}

func run(rounds, edits int, dir, cpuprofile, field string) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "latencybench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if _, err := os.Stat(filepath.Join(dir, "config.yaml")); err != nil {
		t := time.Now()
		st, err := corpus.Generate(dir, corpus.Options{Rounds: rounds, Seed: 1})
		if err != nil {
			return err
		}
		fmt.Printf("corpus: %d rounds, %d files, %d bytes in %s (generated in %s)\n", st.Rounds, st.Files, st.Bytes, dir, time.Since(t).Round(time.Millisecond))
	} else {
		fmt.Printf("corpus: reusing %s\n", dir)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	s, err := serve.New(serve.Options{Source: dir, Port: port})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	built := make(chan struct{})
	t0 := time.Now()
	go s.Watch(ctx, func() { close(built) })
	<-built
	first, _ := s.LastBuild()
	if first.Snapshot.Failed {
		return fmt.Errorf("the corpus does not build: %v", first.Snapshot.Diagnostics[0])
	}
	fmt.Printf("first build: %d files in %s\n", len(first.Snapshot.Files), time.Since(t0).Round(time.Millisecond))
	go http.Serve(ln, s.Handler())
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	runtime.GC()
	memory("after the first build")

	files, err := filepath.Glob(filepath.Join(dir, "content/dialogues/*/round-*.md"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no rounds in %s", dir)
	}
	sort.Strings(files)
	rng := rand.New(rand.NewPCG(1, 2))
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	title := regexp.MustCompile(`(?m)^title: .*$`)
	role := regexp.MustCompile(`(?m)^(    role: )(.*)$`)
	if field == "role" {
		var withRoles []string
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && role.Match(b) {
				withRoles = append(withRoles, p)
			}
		}
		files = withRoles
		if len(files) == 0 {
			return fmt.Errorf("no round names a role")
		}
	}
	run := time.Now().UnixNano() % 1e6 // titles differ from earlier runs on a reused corpus
	var lat, cpu, whole []time.Duration
	stages := map[string][]time.Duration{}
	var order []string
	for i := range edits {
		p := files[rng.IntN(len(files))]
		old, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		marker := fmt.Sprintf("Edited title %d.%d", run, i)
		data := title.ReplaceAll(old, []byte("title: "+marker))
		if field == "role" {
			marker = fmt.Sprintf("Acting envoy %d.%d", run, i)
			done := false
			data = role.ReplaceAllFunc(old, func(m []byte) []byte {
				if done {
					return m
				}
				done = true
				return []byte("    role: " + marker)
			})
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "content"), p)
		pagePath := "/" + strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
		events, stop, err := listen(base, pagePath)
		if err != nil {
			return err
		}
		before, _ := s.LastBuild()
		start, startCPU := time.Now(), cpuTime()
		if err := os.WriteFile(p+".tmp", data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(p+".tmp", p); err != nil {
			return err
		}
		if err := waitReload(events); err != nil {
			return err
		}
		d := time.Since(start)
		url := base + pagePath
		page, err := get(url)
		if err != nil {
			return err
		}
		if !strings.Contains(page, marker) {
			return fmt.Errorf("%s does not show the edit after the reload event", url)
		}
		stop()
		info, err := s.WaitBuild(context.Background(), func(b serve.BuildInfo) bool { return b.N > before.N })
		if err != nil {
			return err
		}
		all, c := time.Since(start), cpuTime()-startCPU
		lat, cpu, whole = append(lat, d), append(cpu, c), append(whole, all)
		for _, st := range info.Snapshot.Stats.Stages {
			if _, ok := stages[st.Name]; !ok {
				order = append(order, st.Name)
			}
			stages[st.Name] = append(stages[st.Name], st.Duration)
		}
		fmt.Printf("edit %2d: %-70s reload %9s, whole site %9s, CPU %9s (%d pages rendered, %d reused)\n", i+1, rel, d.Round(100*time.Microsecond), all.Round(time.Millisecond), c.Round(time.Millisecond), info.Snapshot.Rendered, info.Snapshot.Reused)
	}
	fmt.Printf("\nsave-to-reload latency over %d edits: median %s, mean %s, min %s, max %s\n",
		len(lat), median(lat).Round(100*time.Microsecond), mean(lat).Round(100*time.Microsecond), minimum(lat).Round(100*time.Microsecond), maximum(lat).Round(100*time.Microsecond))
	fmt.Printf("whole site up to date (every file rebuilt): median %s, max %s\n", median(whole).Round(time.Millisecond), maximum(whole).Round(time.Millisecond))
	fmt.Printf("CPU time (user+system, all cores) per edit, whole rebuild: median %s, max %s\n", median(cpu).Round(time.Millisecond), maximum(cpu).Round(time.Millisecond))
	fmt.Printf("the watcher waits %s of quiet before a rebuild starts; it is part of every latency above\n", serve.DefaultQuiet)
	fmt.Printf("build stages (median): ")
	for i, name := range order {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%s %s", name, median(stages[name]).Round(100*time.Microsecond))
	}
	fmt.Println()
	runtime.GC()
	memory("after the edits")
	fmt.Printf("machine: %s/%s, %d CPUs (GOMAXPROCS %d), %s; load average %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadavg())
	return nil
}

// listen opens the live-reload stream as the page at pagePath does and
// waits for its hello; stop closes it.
func listen(base, pagePath string) (<-chan string, func(), error) {
	res, err := http.Get(base + serve.EventsPath + "?path=" + url.QueryEscape(pagePath))
	if err != nil {
		return nil, nil, err
	}
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- name
			}
		}
		close(events)
	}()
	if ev := <-events; ev != "hello" {
		res.Body.Close()
		return nil, nil, fmt.Errorf("first event %q", ev)
	}
	return events, func() { res.Body.Close() }, nil
}

// waitReload waits for the next reload (or css) event.
func waitReload(events <-chan string) error {
	timeout := time.After(5 * time.Minute)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return fmt.Errorf("event stream closed")
			}
			switch ev {
			case "reload", "css":
				return nil
			case "errors":
				return fmt.Errorf("the edit broke the build")
			}
		case <-timeout:
			return fmt.Errorf("no reload event within 5 minutes")
		}
	}
}

func get(url string) (string, error) {
	res, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return "", fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return string(b), err
}

func memory(when string) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("memory %s: Go heap in use %d MiB, from the OS %d MiB", when, ms.HeapInuse>>20, ms.Sys>>20)
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmRSS:") || strings.HasPrefix(l, "VmHWM:") {
				f := strings.Fields(l)
				var kb int64
				fmt.Sscan(f[1], &kb)
				name := map[string]string{"VmRSS:": "RSS", "VmHWM:": "peak RSS"}[f[0]]
				fmt.Printf(", %s %d MiB", name, kb>>10)
			}
		}
	}
	fmt.Println()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

func sorted(d []time.Duration) []time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := sorted(d)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mean(d []time.Duration) time.Duration {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return sum / time.Duration(max(len(d), 1))
}

func minimum(d []time.Duration) time.Duration { return sorted(d)[0] }
func maximum(d []time.Duration) time.Duration { return sorted(d)[len(d)-1] }
