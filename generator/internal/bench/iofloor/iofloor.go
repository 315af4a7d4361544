// Package iofloor measures the I/O floor of a site build: the time it takes
// only to read every file of a corpus and to write a site-shaped tree of the
// same size as a generator's output, with no parsing or rendering. A
// generator is compared against this figure.
//
// Run takes the corpus as an fs.FS, an output folder (which must be empty or
// not exist) and Options: the number of files F and the total bytes B to
// write. It reads every regular file of the corpus, then writes F files
// named index.html, one per folder, in a tree shaped like a site (the root
// folder, then folders with up to Fanout subfolders each, breadth first),
// sizes differing by at most one byte and adding up to B. Reads and writes
// run on Options.Workers goroutines; nothing is fsynced, as a generator
// would not either. Run returns the counts and the wall time of each phase,
// or the first error, wrapped with its path.
package iofloor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Fanout is the largest number of subfolders of one output folder.
const Fanout = 64

// Options sets the size of the output and the parallelism.
type Options struct {
	Files   int   // files to write; at least 1
	Bytes   int64 // total bytes to write
	Workers int   // goroutines for reads and writes; 0 means GOMAXPROCS
}

// Result reports what Run did and how long it took.
type Result struct {
	ReadFiles int
	ReadBytes int64
	Files     int
	Bytes     int64
	Dirs      int
	Read      time.Duration // reading the corpus
	Write     time.Duration // creating folders and writing files
	Total     time.Duration
}

// Run reads corpus and writes the output tree into out; see the package doc.
func Run(corpus fs.FS, out string, o Options) (Result, error) {
	if o.Files < 1 || o.Bytes < 0 {
		return Result{}, fmt.Errorf("iofloor: need at least one file and non-negative bytes, got %d files, %d bytes", o.Files, o.Bytes)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if ents, err := os.ReadDir(out); err == nil && len(ents) > 0 {
		return Result{}, fmt.Errorf("iofloor: %s is not empty", out)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Result{}, fmt.Errorf("iofloor: %w", err)
	}
	var r Result
	start := time.Now()
	if err := read(corpus, o.Workers, &r); err != nil {
		return Result{}, err
	}
	r.Read = time.Since(start)
	mid := time.Now()
	if err := write(out, o, &r); err != nil {
		return Result{}, err
	}
	r.Write = time.Since(mid)
	r.Total = time.Since(start)
	return r, nil
}

// pool runs f on every item sent to the returned channel and keeps the first
// error.
type pool struct {
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

func (p *pool) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
}

func startPool[T any](p *pool, workers int, f func(T) error) chan<- T {
	ch := make(chan T, 256)
	for range workers {
		p.wg.Go(func() {
			for x := range ch {
				if err := f(x); err != nil {
					p.fail(err)
				}
			}
		})
	}
	return ch
}

func read(corpus fs.FS, workers int, r *Result) error {
	var files, size atomic.Int64
	var p pool
	ch := startPool(&p, workers, func(name string) error {
		data, err := fs.ReadFile(corpus, name)
		if err != nil {
			return fmt.Errorf("iofloor: read: %w", err)
		}
		files.Add(1)
		size.Add(int64(len(data)))
		return nil
	})
	err := fs.WalkDir(corpus, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			ch <- name
		}
		return nil
	})
	close(ch)
	p.wg.Wait()
	if err != nil {
		return fmt.Errorf("iofloor: read: %w", err)
	}
	r.ReadFiles, r.ReadBytes = int(files.Load()), size.Load()
	return p.err
}

type file struct {
	path string
	size int
}

// Dir returns the folder of file i relative to the output root, with
// slashes: "" for i = 0, then "d0", …, "d63", "d0/d0", … breadth first.
func Dir(i int) string {
	if i == 0 {
		return ""
	}
	parent := Dir((i - 1) / Fanout)
	name := "d" + strconv.Itoa((i-1)%Fanout)
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

func write(out string, o Options, r *Result) error {
	per, extra := o.Bytes/int64(o.Files), o.Bytes%int64(o.Files)
	filler := make([]byte, per+1)
	const chunk = "<p>The delegations met and agreed to continue consultations.</p>\n"
	for i := range filler {
		filler[i] = chunk[i%len(chunk)]
	}
	var p pool
	var files, size atomic.Int64
	ch := startPool(&p, o.Workers, func(f file) error {
		if err := os.WriteFile(f.path, filler[:f.size], 0o644); err != nil {
			return fmt.Errorf("iofloor: write: %w", err)
		}
		files.Add(1)
		size.Add(int64(f.size))
		return nil
	})
	var err error
	for i := 0; i < o.Files && err == nil; i++ {
		dir := filepath.Join(out, filepath.FromSlash(Dir(i)))
		if i == 0 {
			err = os.MkdirAll(dir, 0o755)
		} else {
			err = os.Mkdir(dir, 0o755)
		}
		if err != nil {
			err = fmt.Errorf("iofloor: %w", err)
			break
		}
		n := per
		if int64(i) < extra {
			n++
		}
		ch <- file{filepath.Join(dir, "index.html"), int(n)}
	}
	close(ch)
	p.wg.Wait()
	if err != nil {
		return err
	}
	r.Files, r.Bytes, r.Dirs = int(files.Load()), size.Load(), o.Files
	return p.err
}
