package serve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"briefings/generator/internal/source"
)

// Change is one change under the site folder.
type Change struct {
	Path string // site-relative, slash-separated file or folder
	Full bool   // anything may have changed (event overflow, switch to polling)
}

// WatchOptions configure a Watcher.
type WatchOptions struct {
	Poll     bool          // poll instead of using OS file events
	Interval time.Duration // polling interval; default DefaultPollInterval
	Log      io.Writer     // where problems are reported; default io.Discard

	// addWatch replaces fsnotify's Add (tests inject ENOSPC with it).
	addWatch func(dir string) error
}

// DefaultPollInterval is how often a polling watcher walks the site.
const DefaultPollInterval = 500 * time.Millisecond

// inputs are the top-level folders of a site that are watched; config.yaml
// is watched through the site folder itself.
var inputs = []string{"content", "layouts", "static"}

// Watcher reports changes to a site's inputs on Changes: config.yaml and
// everything under content/, layouts/ and static/, except editors'
// temporary files and dotfiles (source.IsTemp). It watches each folder
// with fsnotify (Linux inotify is not recursive), adds folders created
// later, and falls back to polling when the OS runs out of watches.
type Watcher struct {
	root string // absolute site folder
	opts WatchOptions
	out  chan Change
	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once

	polling atomic.Bool

	// Owned by the run goroutine after NewWatcher returns.
	fsw   *fsnotify.Watcher
	dirs  map[string]bool // watched folders, site-relative ("." is the site folder)
	polls map[string]fileSig
}

// NewWatcher starts watching the site folder root. Changes made after it
// returns are reported.
func NewWatcher(root string, opts WatchOptions) (*Watcher, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("site folder: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("site folder %s is not a folder", root)
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultPollInterval
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	w := &Watcher{root: abs, opts: opts, out: make(chan Change, 1024), done: make(chan struct{}), dirs: map[string]bool{}}
	if !opts.Poll {
		if err := w.startNotify(); err != nil {
			w.fallback(err)
		}
	}
	if w.fsw == nil {
		w.polling.Store(true)
		w.polls = w.scan()
	}
	w.wg.Add(1)
	go w.run()
	return w, nil
}

// Changes delivers changes in the order they were seen. It is closed by
// Close.
func (w *Watcher) Changes() <-chan Change { return w.out }

// Polling reports whether the watcher polls (by request or as a fallback).
func (w *Watcher) Polling() bool { return w.polling.Load() }

// Close stops watching and closes Changes.
func (w *Watcher) Close() error {
	w.once.Do(func() {
		close(w.done)
		w.wg.Wait()
		if w.fsw != nil {
			w.fsw.Close()
		}
		close(w.out)
	})
	return nil
}

func (w *Watcher) startNotify() error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	w.fsw = fsw
	if err := w.add("."); err != nil {
		return err
	}
	for _, top := range inputs {
		if err := w.watchTree(top); err != nil {
			return err
		}
	}
	return nil
}

// fallback reports why OS events cannot be used and switches to polling.
func (w *Watcher) fallback(err error) {
	fmt.Fprintf(w.opts.Log, "serve: cannot watch the site with file events: %v\n", err)
	switch {
	case errors.Is(err, syscall.ENOSPC):
		fmt.Fprintln(w.opts.Log, "serve: the OS limit on watched folders is reached. Raise it with\n"+
			"    sudo sysctl fs.inotify.max_user_watches=524288\n"+
			"(add fs.inotify.max_user_watches=524288 to /etc/sysctl.conf to keep it).")
	case errors.Is(err, syscall.EMFILE):
		fmt.Fprintln(w.opts.Log, "serve: too many open files or watchers. Raise the limit with `ulimit -n 10240`\n"+
			"(on Linux also: sudo sysctl fs.inotify.max_user_instances=1024).")
	}
	fmt.Fprintf(w.opts.Log, "serve: polling for changes every %s instead (use --poll to choose this directly).\n", w.opts.Interval)
	if w.fsw != nil {
		w.fsw.Close()
		w.fsw = nil
	}
	w.dirs = map[string]bool{}
	w.polling.Store(true)
}

// isLimit reports whether err means the OS ran out of watches or files.
func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE)
}

func (w *Watcher) abs(rel string) string { return filepath.Join(w.root, filepath.FromSlash(rel)) }

func (w *Watcher) add(rel string) error {
	var err error
	if w.opts.addWatch != nil {
		err = w.opts.addWatch(rel)
	}
	if err == nil {
		err = w.fsw.Add(w.abs(rel))
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed meanwhile; its parent reports that
		}
		return err
	}
	w.dirs[rel] = true
	return nil
}

// watchTree adds a watch for rel and every folder below it. A missing
// folder is fine; symlinks and temporary folders are not entered.
func (w *Watcher) watchTree(rel string) error {
	return filepath.WalkDir(w.abs(rel), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			fmt.Fprintf(w.opts.Log, "serve: %v\n", err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		r := w.rel(p)
		if !relevant(r) {
			return fs.SkipDir
		}
		if w.dirs[r] {
			return nil
		}
		return w.add(r)
	})
}

// unwatch drops the watches of rel and every folder below it (removed or
// renamed: inotify keeps a moved folder's watch under its old name).
func (w *Watcher) unwatch(rel string) {
	for d := range w.dirs {
		if d == rel || strings.HasPrefix(d, rel+"/") {
			w.fsw.Remove(w.abs(d)) // an error means inotify dropped it already
			delete(w.dirs, d)
		}
	}
}

// rel turns an absolute path under the root into a site-relative one.
func (w *Watcher) rel(p string) string {
	r, err := filepath.Rel(w.root, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(r)
}

// relevant reports whether a site-relative path is an input of the build:
// config.yaml, or content/, layouts/, static/ and what is under them,
// without temporary files or dotfiles on the way.
func relevant(rel string) bool {
	if rel == "config.yaml" {
		return true
	}
	parts := strings.Split(rel, "/")
	switch parts[0] {
	case "content", "layouts", "static":
	default:
		return false
	}
	for _, p := range parts[1:] {
		if p == "" || source.IsTemp(p) {
			return false
		}
	}
	return true
}

func (w *Watcher) send(c Change) bool {
	select {
	case w.out <- c:
		return true
	case <-w.done:
		return false
	}
}

func (w *Watcher) run() {
	defer w.wg.Done()
	if w.fsw != nil && !w.runNotify() {
		return
	}
	w.runPoll()
}

// runNotify handles OS events; it returns true when the watcher must fall
// back to polling and false when it was closed.
func (w *Watcher) runNotify() bool {
	for {
		select {
		case <-w.done:
			return false
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return false
			}
			if err := w.handle(ev); err != nil {
				return w.switchToPolling(err)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return false
			}
			switch {
			case errors.Is(err, fsnotify.ErrEventOverflow):
				fmt.Fprintln(w.opts.Log, "serve: too many file events at once; rescanning the whole site")
				if err := w.rescan(); err != nil {
					return w.switchToPolling(err)
				}
				if !w.send(Change{Full: true}) {
					return false
				}
			case isLimit(err):
				return w.switchToPolling(err)
			default:
				fmt.Fprintf(w.opts.Log, "serve: watching: %v\n", err)
			}
		}
	}
}

func (w *Watcher) switchToPolling(err error) bool {
	if !isLimit(err) {
		fmt.Fprintf(w.opts.Log, "serve: watching: %v\n", err)
	}
	w.fallback(err)
	w.polls = w.scan()
	return w.send(Change{Full: true}) // events may have been lost
}

// handle turns one OS event into changes.
func (w *Watcher) handle(ev fsnotify.Event) error {
	rel := w.rel(ev.Name)
	if rel == "" || rel == "." || !relevant(rel) {
		return nil
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.unwatch(rel)
	}
	if ev.Has(fsnotify.Create) && rel != "config.yaml" {
		if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
			// A new folder (mkdir, or moved in): watch it and everything in
			// it. Files created before the watch exists are covered by
			// reporting the folder itself as changed.
			if err := w.watchTree(rel); err != nil {
				return err
			}
		}
	}
	w.send(Change{Path: rel})
	return nil
}

// rescan makes the watches match the folders on disk again.
func (w *Watcher) rescan() error {
	for d := range w.dirs {
		if d == "." {
			continue
		}
		if info, err := os.Lstat(w.abs(d)); err != nil || !info.IsDir() {
			w.unwatch(d)
		}
	}
	for _, top := range inputs {
		if err := w.watchTree(top); err != nil {
			return err
		}
	}
	return nil
}

// fileSig is what polling compares.
type fileSig struct {
	size  int64
	mtime int64
	mode  fs.FileMode
	inode uint64
}

// scan records every input file for polling.
func (w *Watcher) scan() map[string]fileSig {
	m := map[string]fileSig{}
	if info, err := os.Lstat(w.abs("config.yaml")); err == nil {
		m["config.yaml"] = sigOf(info)
	}
	for _, top := range inputs {
		filepath.WalkDir(w.abs(top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			r := w.rel(p)
			if !relevant(r) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if info, err := d.Info(); err == nil {
				m[r] = sigOf(info)
			}
			return nil
		})
	}
	return m
}

func sigOf(info fs.FileInfo) fileSig {
	return fileSig{size: info.Size(), mtime: info.ModTime().UnixNano(), mode: info.Mode(), inode: inode(info)}
}

func (w *Watcher) runPoll() {
	t := time.NewTicker(w.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
		}
		next := w.scan()
		var changed []string
		for p, s := range next {
			if old, ok := w.polls[p]; !ok || old != s {
				changed = append(changed, p)
			}
		}
		for p := range w.polls {
			if _, ok := next[p]; !ok {
				changed = append(changed, p)
			}
		}
		w.polls = next
		sort.Strings(changed)
		for _, p := range changed {
			if !w.send(Change{Path: p}) {
				return
			}
		}
	}
}
