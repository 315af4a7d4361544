package serve

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Defaults for coalescing changes into builds.
const (
	// DefaultQuiet is how long no change must arrive before a build
	// starts. An editor's save (write a temporary file, rename it over the
	// old one, remove the backup) takes well under a millisecond; 20 ms
	// covers that with room to spare and leaves the rest of a 50 ms
	// save-to-reload budget to the build.
	DefaultQuiet = 20 * time.Millisecond
	// DefaultMaxWait bounds the delay of a build under a steady stream of
	// changes (a long checkout): a build starts this long after the first
	// pending change at the latest.
	DefaultMaxWait = time.Second
	// DefaultFullAfter is the number of distinct changed paths above which
	// a batch becomes a full rebuild.
	DefaultFullAfter = 50
)

// batcher turns a stream of changes into builds: one batch per quiet
// period, never two builds at once, and every change that arrives during a
// build is built right after it.
type batcher struct {
	quiet, maxWait time.Duration
	fullAfter      int
	build          func(changed []string) // nil: full rebuild

	running sync.WaitGroup // the build in flight, if any
}

// run consumes changes until ctx is done. It does not wait for a build in
// flight; see wait.
func (b *batcher) run(ctx context.Context, changes <-chan Change) {
	pending := map[string]bool{}
	full := false
	var first time.Time // first pending change
	due := false        // the quiet period ended while a build was running
	building := false
	done := make(chan struct{}, 1)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()

	start := func() {
		var changed []string
		if !full {
			changed = make([]string, 0, len(pending))
			for p := range pending {
				changed = append(changed, p)
			}
			sort.Strings(changed)
		}
		pending, full, first, due = map[string]bool{}, false, time.Time{}, false
		building = true
		b.running.Add(1)
		go func() {
			defer b.running.Done()
			defer func() { done <- struct{}{} }()
			b.build(changed)
		}()
	}

	for {
		select {
		case <-ctx.Done():
			return
		case c, ok := <-changes:
			if !ok {
				changes = nil // the watcher stopped; keep serving
				continue
			}
			if c.Full {
				full = true
			} else {
				pending[c.Path] = true
				if len(pending) > b.fullAfter {
					full = true
				}
			}
			now := time.Now()
			if first.IsZero() {
				first = now
			}
			due = false
			wait := b.quiet
			if left := first.Add(b.maxWait).Sub(now); left < wait {
				wait = max(left, 0)
			}
			timer.Reset(wait)
		case <-timer.C:
			if building {
				due = true
			} else {
				start()
			}
		case <-done:
			building = false
			if due {
				start()
			}
		}
	}
}

// wait waits for the build in flight, at most until ctx is done.
func (b *batcher) wait(ctx context.Context) {
	ch := make(chan struct{})
	go func() { b.running.Wait(); close(ch) }()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}
