package serve

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// fakeBuilds records the batches a batcher builds; each build blocks
// until the test releases it, so the test controls what happens during a
// build.
type fakeBuilds struct {
	mu       sync.Mutex
	batches  [][]string
	running  int
	overlap  bool
	started  chan []string
	release  chan struct{}
	finished chan struct{}
}

func newFakeBuilds() *fakeBuilds {
	return &fakeBuilds{started: make(chan []string, 100), release: make(chan struct{}), finished: make(chan struct{}, 100)}
}

func (f *fakeBuilds) build(changed []string) {
	f.mu.Lock()
	f.running++
	if f.running > 1 {
		f.overlap = true
	}
	f.batches = append(f.batches, changed)
	f.mu.Unlock()
	f.started <- changed
	<-f.release
	f.mu.Lock()
	f.running--
	f.mu.Unlock()
	f.finished <- struct{}{}
}

func (f *fakeBuilds) waitStarted(t *testing.T) []string {
	t.Helper()
	select {
	case c := <-f.started:
		return c
	case <-time.After(deadline):
		t.Fatal("no build started")
	}
	return nil
}

func (f *fakeBuilds) finish(t *testing.T) {
	t.Helper()
	f.release <- struct{}{}
	select {
	case <-f.finished:
	case <-time.After(deadline):
		t.Fatal("build did not finish")
	}
}

func runBatcher(t *testing.T, quiet time.Duration, f *fakeBuilds) chan<- Change {
	ch := make(chan Change)
	b := &batcher{quiet: quiet, maxWait: time.Hour, fullAfter: 50, build: f.build}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.run(ctx, ch) }()
	t.Cleanup(func() {
		cancel()
		<-done
		close(f.release) // let any build in flight end
		b.running.Wait()
		if f.overlap {
			t.Error("two builds ran at once")
		}
	})
	return ch
}

func TestBatcherCoalesces(t *testing.T) {
	f := newFakeBuilds()
	ch := runBatcher(t, 50*time.Millisecond, f)
	for _, p := range []string{"content/b.md", "content/a.md", "content/b.md"} {
		ch <- Change{Path: p}
	}
	if got := f.waitStarted(t); !reflect.DeepEqual(got, []string{"content/a.md", "content/b.md"}) {
		t.Errorf("batch %v", got)
	}
	f.finish(t)
}

// TestBatcherEditDuringBuild: A is built; B and C arrive while A's build
// runs; they are built right after it, together, and never alongside it.
func TestBatcherEditDuringBuild(t *testing.T) {
	f := newFakeBuilds()
	ch := runBatcher(t, time.Millisecond, f)
	ch <- Change{Path: "content/a.md"}
	if got := f.waitStarted(t); !reflect.DeepEqual(got, []string{"content/a.md"}) {
		t.Fatalf("first batch %v", got)
	}
	ch <- Change{Path: "content/b.md"}
	ch <- Change{Path: "content/c.md"}
	// The quiet period passes while A is still building; nothing starts.
	select {
	case c := <-f.started:
		t.Fatalf("a build started during another: %v", c)
	case <-time.After(20 * time.Millisecond):
	}
	f.finish(t)
	if got := f.waitStarted(t); !reflect.DeepEqual(got, []string{"content/b.md", "content/c.md"}) {
		t.Errorf("second batch %v", got)
	}
	f.finish(t)
}

func TestBatcherFullRebuild(t *testing.T) {
	f := newFakeBuilds()
	ch := runBatcher(t, 50*time.Millisecond, f)
	for i := range 51 {
		ch <- Change{Path: fmt.Sprintf("content/r%d.md", i)}
	}
	if got := f.waitStarted(t); got != nil {
		t.Errorf("51 paths: batch of %d, want a full rebuild (nil)", len(got))
	}
	f.finish(t)
	ch <- Change{Full: true}
	if got := f.waitStarted(t); got != nil {
		t.Errorf("Full change: batch %v, want nil", got)
	}
	f.finish(t)
	ch <- Change{Path: "content/x.md"}
	if got := f.waitStarted(t); !reflect.DeepEqual(got, []string{"content/x.md"}) {
		t.Errorf("after a full rebuild: %v", got)
	}
	f.finish(t)
}

func TestBatcherMaxWait(t *testing.T) {
	f := newFakeBuilds()
	ch := make(chan Change)
	b := &batcher{quiet: time.Hour, maxWait: 30 * time.Millisecond, fullAfter: 50, build: f.build}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.run(ctx, ch) }()
	defer func() { cancel(); <-done; close(f.release); b.running.Wait() }()
	ch <- Change{Path: "content/a.md"}
	ch <- Change{Path: "content/b.md"}
	// Never quiet for an hour, yet the build starts after MaxWait.
	if got := f.waitStarted(t); len(got) != 2 {
		t.Errorf("batch %v", got)
	}
}
