// Package corpus writes a synthetic archive of dialogue briefings for
// benchmarks: a complete site (config.yaml and content/) that follows the
// content contract exactly, so that a build of it reports no errors.
//
// Generate takes a folder, which must be empty or not exist, and Options
// (the number of rounds and a seed). It writes, for N rounds:
//
//   - config.yaml with title, base_url, language, description and
//     highlight_style;
//   - content/about.md, a standalone page;
//   - about N/20 dialogues, content/dialogues/<slug>/_index.md, each with a
//     title, two parties, a summary and a Markdown background;
//   - N rounds, content/dialogues/<slug>/round-NN.md, spread unevenly over
//     the dialogues, dated between 1990 and 2026 with dates that never go
//     back as round numbers rise; each has 2–8 participants (bare names and
//     mappings with name or id, role, delegation, lead), 2–6 topics (names
//     or slugs), outcomes with inline Markdown, sometimes side meetings and
//     a next round, 1–3 sources with https URLs, and a body of 300–900
//     words of varied Markdown (headings, paragraphs, lists, quotes, GFM
//     tables, fenced code with a language, footnotes, external links);
//   - profiles for most people (content/participants/<slug>.md, some with
//     aliases, Korean-style names often with a Hangul alias) and most of the
//     150 topics (content/topics/<slug>.md).
//
// People are drawn from a pool of about N/20 synthetic names with Zipf-like
// popularity, so at 100,000 rounds a few people sit in thousands of rounds.
// The pool holds a few deliberate near-duplicates ("José Núñez" and
// "Jose Nunez") and is otherwise kept free of names one edit apart. Rounds
// refer to a person by id, or to a topic by slug, only when a profile file
// exists for it.
//
// Output is a function of Options alone: the same seed gives a
// byte-identical tree (a PCG generator, no map iteration, no clock). Files
// are written by a few goroutines with plain buffered writes, no fsync.
// Generate fails if the folder is not empty or a write fails; it returns the
// first error, wrapped with the path.
package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing/fstest"
)

// Options sets the size and the seed of a corpus.
type Options struct {
	Rounds int   // number of rounds; at least 1
	Seed   int64 // same seed, same bytes
}

// Stats counts what Generate wrote.
type Stats struct {
	Dialogues    int   // dialogue series (_index.md files)
	Rounds       int   // round files
	Participants int   // people in the pool
	Topics       int   // topics in the pool
	Profiles     int   // participant and topic profile files
	Files        int   // every file written, config.yaml included
	Bytes        int64 // total size of the files
}

// Generate writes a corpus into dir; see the package doc.
func Generate(dir string, opts Options) (Stats, error) {
	if opts.Rounds < 1 {
		return Stats{}, fmt.Errorf("corpus: rounds must be at least 1, got %d", opts.Rounds)
	}
	if err := checkEmpty(dir); err != nil {
		return Stats{}, err
	}
	w := newWriter(dir, runtime.GOMAXPROCS(0))
	g := newGen(opts)
	g.plan()
	g.emit(w)
	st := g.stats
	st.Files, st.Bytes = w.files, w.bytes
	if err := w.close(); err != nil {
		return Stats{}, err
	}
	return st, nil
}

// Map builds the same corpus as Generate in memory: the tree Generate would
// write, as an fstest.MapFS keyed by slash-separated paths ("config.yaml",
// "content/about.md", …). Benchmarks use it to skip the disk.
func Map(opts Options) (fstest.MapFS, Stats, error) {
	if opts.Rounds < 1 {
		return nil, Stats{}, fmt.Errorf("corpus: rounds must be at least 1, got %d", opts.Rounds)
	}
	w := &writer{mem: fstest.MapFS{}}
	g := newGen(opts)
	g.plan()
	g.emit(w)
	st := g.stats
	st.Files, st.Bytes = w.files, w.bytes
	return w.mem, st, nil
}

func checkEmpty(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("corpus: %w", err)
	}
	if len(ents) > 0 {
		return fmt.Errorf("corpus: %s is not empty", dir)
	}
	return nil
}

// writer creates folders in order and writes files from a few goroutines.
type writer struct {
	root  string
	dirs  map[string]bool
	jobs  chan job
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
	files int
	bytes int64
	mem   fstest.MapFS // when set, files go here instead of to disk (Map)
}

type job struct {
	path string
	data []byte
}

func newWriter(root string, workers int) *writer {
	w := &writer{root: root, dirs: map[string]bool{}, jobs: make(chan job, 256)}
	for range max(workers, 1) {
		w.wg.Go(func() {
			for j := range w.jobs {
				if err := os.WriteFile(j.path, j.data, 0o644); err != nil {
					w.fail(err)
				}
			}
		})
	}
	return w
}

func (w *writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = fmt.Errorf("corpus: %w", err)
	}
	w.mu.Unlock()
}

// put queues rel (slash-separated) with a copy of data.
func (w *writer) put(rel string, data []byte) {
	if w.mem != nil {
		w.files++
		w.bytes += int64(len(data))
		w.mem[rel] = &fstest.MapFile{Data: append([]byte(nil), data...), Mode: 0o644}
		return
	}
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	d := filepath.Dir(p)
	if !w.dirs[d] {
		if err := os.MkdirAll(d, 0o755); err != nil {
			w.fail(err)
		}
		w.dirs[d] = true
	}
	w.files++
	w.bytes += int64(len(data))
	w.jobs <- job{p, append([]byte(nil), data...)}
}

func (w *writer) close() error {
	close(w.jobs)
	w.wg.Wait()
	return w.err
}

// newRand returns the generator used for everything random in a corpus.
func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}
