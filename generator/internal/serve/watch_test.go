package serve

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"briefings/generator/internal/build"
	"briefings/generator/internal/render"
)

// These tests drive the whole server (watcher, batcher, session, HTTP)
// with real file-system operations on a temporary site folder.

// buildLog records every finished build.
type buildLog struct {
	mu     sync.Mutex
	builds []BuildInfo
}

func (l *buildLog) add(b BuildInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.builds = append(l.builds, b)
}

func (l *buildLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.builds)
}

func (l *buildLog) since(n int) []BuildInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]BuildInfo(nil), l.builds[n:]...)
}

// waitPage waits until the latest build has file name containing text.
func (ts *testServer) waitPage(name, text string) BuildInfo {
	ts.t.Helper()
	info, err := ts.WaitBuild(waitCtx(ts.t), func(b BuildInfo) bool {
		return !b.Snapshot.Failed && bytes.Contains(b.Snapshot.Files[name], []byte(text))
	})
	if err != nil {
		ts.t.Fatalf("%s never contained %q (last build %d, failed %v: %v)", name, text, info.N, info.Snapshot.Failed, info.Snapshot.Diagnostics)
	}
	return info
}

// waitGone waits until the latest good build has no file name.
func (ts *testServer) waitGone(name string) {
	ts.t.Helper()
	if _, err := ts.WaitBuild(waitCtx(ts.t), func(b BuildInfo) bool {
		_, ok := b.Snapshot.Files[name]
		return !b.Snapshot.Failed && !ok
	}); err != nil {
		ts.t.Fatalf("%s never went away", name)
	}
}

// editor saves path with the final text the way one editor does.
type editor struct {
	name string
	save func(t *testing.T, path, text string)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var editors = []editor{
	{"vim backupcopy=no", func(t *testing.T, p, text string) {
		dir := filepath.Dir(p)
		swp := filepath.Join(dir, "."+filepath.Base(p)+".swp")
		must(t, os.WriteFile(swp, []byte("swap"), 0o644))
		must(t, os.WriteFile(filepath.Join(dir, "4913"), nil, 0o644)) // can vim write here?
		must(t, os.Remove(filepath.Join(dir, "4913")))
		must(t, os.Rename(p, p+"~"))
		must(t, os.WriteFile(p, []byte(text), 0o644))
		must(t, os.Remove(p+"~"))
		must(t, os.Remove(swp))
	}},
	{"vim backupcopy=yes", func(t *testing.T, p, text string) {
		old, err := os.ReadFile(p)
		must(t, err)
		must(t, os.WriteFile(p+"~", old, 0o644))
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
		must(t, err)
		_, err = f.WriteString(text)
		must(t, err)
		must(t, f.Close())
		must(t, os.Remove(p+"~"))
	}},
	{"JetBrains safe write", func(t *testing.T, p, text string) {
		must(t, os.WriteFile(p+"___jb_tmp___", []byte(text), 0o644))
		must(t, os.Rename(p, p+"___jb_old___"))
		must(t, os.Rename(p+"___jb_tmp___", p))
		must(t, os.Remove(p+"___jb_old___"))
	}},
	{"emacs", func(t *testing.T, p, text string) {
		dir, base := filepath.Dir(p), filepath.Base(p)
		lock := filepath.Join(dir, ".#"+base)
		must(t, os.Symlink("editor@host.1234:1700000000", lock))
		auto := filepath.Join(dir, "#"+base+"#")
		must(t, os.WriteFile(auto, []byte(text), 0o644))
		must(t, os.Rename(p, p+"~"))
		must(t, os.WriteFile(p, []byte(text), 0o644))
		must(t, os.Remove(auto))
		must(t, os.Remove(lock))
		must(t, os.Remove(p+"~"))
	}},
	{"gedit", func(t *testing.T, p, text string) {
		tmp := filepath.Join(filepath.Dir(p), ".goutputstream-Q7ZK21")
		must(t, os.WriteFile(tmp, []byte(text), 0o644))
		must(t, os.Rename(tmp, p))
	}},
	{"VS Code (in place)", func(t *testing.T, p, text string) {
		must(t, os.WriteFile(p, []byte(text), 0o644))
	}},
	{"Helix", func(t *testing.T, p, text string) {
		old, err := os.ReadFile(p)
		must(t, err)
		must(t, os.WriteFile(p+".bck", old, 0o644))
		must(t, os.WriteFile(p, []byte(text), 0o644))
		must(t, os.Remove(p+".bck"))
	}},
	{"Visual Studio", func(t *testing.T, p, text string) {
		dir := filepath.Dir(p)
		must(t, os.WriteFile(filepath.Join(dir, "~RF1a2b3c.TMP"), []byte(text), 0o644))
		must(t, os.Rename(p, filepath.Join(dir, "~RF4d5e6f.TMP")))
		must(t, os.Rename(filepath.Join(dir, "~RF1a2b3c.TMP"), p))
		must(t, os.Remove(filepath.Join(dir, "~RF4d5e6f.TMP")))
	}},
}

// TestEditorSaves: each editor's save is exactly one rebuild, of exactly
// the saved file, showing the final text; no temporary file ever becomes a
// page. To know no second build is coming, another file is saved after the
// first build: events arrive in order, so a late event of the editor's
// save would show up in that build or before it.
func TestEditorSaves(t *testing.T) {
	dir := siteDir(t)
	log := &buildLog{}
	// A quiet period far longer than any save sequence below, so the test
	// holds on a busy machine.
	ts := startServe(t, Options{Source: dir, Quiet: 250 * time.Millisecond, afterBuild: log.add})
	about := filepath.Join(dir, "content/about.md")
	sentinel := "content/dialogues/beta/first.md"
	for i, ed := range editors {
		n := log.len()
		text := fmt.Sprintf("---\ntitle: About v%d\n---\nSaved by %s.\n", i, ed.name)
		ed.save(t, about, text)
		ts.waitPage("about/index.html", "Saved by "+ed.name+".")

		writeFile(t, filepath.Join(dir, sentinel), fmt.Sprintf("---\ntitle: Beta first v%d\ndate: 2019-01-01\nround: 1\nparticipants: [Kim Min-jun]\n---\n", i))
		ts.waitPage("dialogues/beta/first/index.html", fmt.Sprintf("Beta first v%d", i))
		builds := log.since(n)
		var changed [][]string
		for _, b := range builds {
			changed = append(changed, b.Changed)
		}
		want := [][]string{{"content/about.md"}, {sentinel}}
		if !reflect.DeepEqual(changed, want) {
			t.Errorf("%s: builds of %q, want %q", ed.name, changed, want)
		}
		for name := range builds[len(builds)-1].Snapshot.Files {
			if strings.Contains(name, "~") || strings.Contains(name, "jb_") || strings.Contains(name, "4913") || strings.Contains(name, "goutput") || strings.Contains(strings.ToLower(name), ".tmp") {
				t.Errorf("%s: temporary file became %s", ed.name, name)
			}
		}
	}
	if _, body := ts.get("/about/"); !strings.Contains(body, "Saved by "+editors[len(editors)-1].name) {
		t.Errorf("served page is not the last save")
	}
}

// TestHundredSaves: the watch survives many atomic saves in a row.
func TestHundredSaves(t *testing.T) {
	dir := siteDir(t)
	ts := startServe(t, Options{Source: dir, Quiet: 2 * time.Millisecond})
	p := filepath.Join(dir, "content/about.md")
	for i := range 100 {
		must(t, os.WriteFile(p+".tmp", fmt.Appendf(nil, "---\ntitle: About\n---\nSave number %d.\n", i), 0o644))
		must(t, os.Rename(p+".tmp", p))
		if i%10 == 9 {
			ts.waitPage("about/index.html", fmt.Sprintf("Save number %d.", i))
		}
	}
	must(t, os.WriteFile(p, []byte("---\ntitle: About\n---\nThe last save.\n"), 0o644))
	ts.waitPage("about/index.html", "The last save.")
}

// TestNewFoldersAndRenames: folders created after start (with files
// written right after mkdir), deep static folders, a renamed and a removed
// dialogue folder.
func TestNewFoldersAndRenames(t *testing.T) {
	dir := siteDir(t)
	ts := startServe(t, Options{Source: dir, Quiet: 10 * time.Millisecond})
	round := func(title string, n int) string {
		return fmt.Sprintf("---\ntitle: %s\ndate: 2024-01-0%d\nround: %d\nparticipants: [Lee Ha-na]\n---\nText of %s.\n", title, n, n, title)
	}
	gamma := filepath.Join(dir, "content/dialogues/gamma")
	must(t, os.MkdirAll(gamma, 0o755))
	writeFile(t, filepath.Join(gamma, "_index.md"), "---\ntitle: Gamma dialogue\n---\n")
	writeFile(t, filepath.Join(gamma, "g1.md"), round("Gamma one", 1))
	writeFile(t, filepath.Join(gamma, "g2.md"), round("Gamma two", 2))
	ts.waitPage("dialogues/gamma/g2/index.html", "Gamma two")
	// The new folder is watched: a later edit inside it is seen.
	writeFile(t, filepath.Join(gamma, "g1.md"), round("Gamma one edited", 1))
	ts.waitPage("dialogues/gamma/g1/index.html", "Gamma one edited")

	deep := filepath.Join(dir, "static/a/b/c")
	must(t, os.MkdirAll(deep, 0o755))
	writeFile(t, filepath.Join(deep, "deep.css"), "p { margin: 0 }")
	if _, err := ts.WaitBuild(waitCtx(t), func(b BuildInfo) bool {
		return contains(b.Snapshot.StaticFiles, "a/b/c/deep.css")
	}); err != nil {
		t.Fatal("a file in a new deep static folder was not picked up")
	}
	writeFile(t, filepath.Join(deep, "later.txt"), "later")
	if _, err := ts.WaitBuild(waitCtx(t), func(b BuildInfo) bool {
		return contains(b.Snapshot.StaticFiles, "a/b/c/later.txt")
	}); err != nil {
		t.Fatal("a new deep static folder is not watched")
	}
	if res, body := ts.get("/a/b/c/later.txt"); res.StatusCode != 200 || body != "later" {
		t.Errorf("deep static file: %s %q", res.Status, body)
	}

	// Rename the dialogue folder: old pages vanish, new ones appear, and
	// the moved folder is watched under its new name.
	delta := filepath.Join(dir, "content/dialogues/delta")
	must(t, os.Rename(gamma, delta))
	ts.waitPage("dialogues/delta/g1/index.html", "Gamma one edited")
	ts.waitGone("dialogues/gamma/g1/index.html")
	if res, _ := ts.get("/dialogues/gamma/g1/"); res.StatusCode != 404 {
		t.Errorf("old URL after the rename: %s", res.Status)
	}
	writeFile(t, filepath.Join(delta, "g1.md"), round("Delta one", 1))
	ts.waitPage("dialogues/delta/g1/index.html", "Delta one")
	// Nested folders moved with their parent are watched under the new name.
	must(t, os.Rename(filepath.Join(dir, "static/a"), filepath.Join(dir, "static/z")))
	if _, err := ts.WaitBuild(waitCtx(t), func(b BuildInfo) bool {
		return contains(b.Snapshot.StaticFiles, "z/b/c/later.txt") && !contains(b.Snapshot.StaticFiles, "a/b/c/later.txt")
	}); err != nil {
		t.Fatal("renamed static folder not picked up")
	}
	writeFile(t, filepath.Join(dir, "static/z/b/c/newest.txt"), "newest")
	if _, err := ts.WaitBuild(waitCtx(t), func(b BuildInfo) bool {
		return contains(b.Snapshot.StaticFiles, "z/b/c/newest.txt")
	}); err != nil {
		t.Fatal("a folder moved with its parent is not watched under its new name")
	}

	// rm -rf and recreate.
	must(t, os.RemoveAll(delta))
	ts.waitGone("dialogues/delta/index.html")
	for _, p := range []string{"/dialogues/delta/", "/dialogues/delta/g1/"} {
		if res, _ := ts.get(p); res.StatusCode != 404 {
			t.Errorf("%s after rm -rf: %s", p, res.Status)
		}
	}
	if _, body := ts.get("/archive/"); strings.Contains(body, "Delta one") {
		t.Errorf("removed round still listed in the archive")
	}
	must(t, os.MkdirAll(delta, 0o755))
	writeFile(t, filepath.Join(delta, "_index.md"), "---\ntitle: Delta again\n---\n")
	writeFile(t, filepath.Join(delta, "d1.md"), round("Delta reborn", 1))
	ts.waitPage("dialogues/delta/d1/index.html", "Delta reborn")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDeletedPageVanishes: a deleted round 404s and leaves every list.
func TestDeletedPageVanishes(t *testing.T) {
	dir := siteDir(t)
	ts := startServe(t, Options{Source: dir, Quiet: 10 * time.Millisecond})
	if res, _ := ts.get("/dialogues/alpha/two/"); res.StatusCode != 200 {
		t.Fatalf("before: %s", res.Status)
	}
	must(t, os.Remove(filepath.Join(dir, "content/dialogues/alpha/two.md")))
	ts.waitGone("dialogues/alpha/two/index.html")
	if res, _ := ts.get("/dialogues/alpha/two/"); res.StatusCode != 404 {
		t.Errorf("deleted round: %s", res.Status)
	}
	info, _ := ts.LastBuild()
	for name, data := range info.Snapshot.Files {
		if bytes.Contains(data, []byte("Alpha two")) {
			t.Errorf("%s still mentions the deleted round", name)
		}
	}
}

// TestBurst: a checkout that rewrites 300 files is coalesced into a few
// builds, and the result equals a full build.
func TestBurst(t *testing.T) {
	dir := siteDir(t)
	const n = 300
	roundText := func(i int, v string) string {
		return fmt.Sprintf("---\ntitle: Bulk %d %s\ndate: 2010-01-01\nround: %d\nparticipants: [Person %d]\n---\nBody %s.\n", i, v, i+1, i%7, v)
	}
	writeFile(t, filepath.Join(dir, "content/dialogues/bulk/_index.md"), "---\ntitle: Bulk\n---\n")
	for i := range n {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("content/dialogues/bulk/r%03d.md", i)), roundText(i, "old"))
	}
	log := &buildLog{}
	ts := startServe(t, Options{Source: dir, afterBuild: log.add})
	start := log.len()
	for i := range n {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("content/dialogues/bulk/r%03d.md", i)), roundText(i, "new"))
	}
	info := ts.waitPage(fmt.Sprintf("dialogues/bulk/r%03d/index.html", n-1), fmt.Sprintf("Bulk %d new", n-1))
	for i := range n {
		name := fmt.Sprintf("dialogues/bulk/r%03d/index.html", i)
		if !bytes.Contains(info.Snapshot.Files[name], []byte("new")) {
			t.Errorf("%s not updated", name)
		}
	}
	builds := log.since(start)
	for _, b := range builds {
		t.Logf("build of %d paths (nil: full)", len(b.Changed))
	}
	if len(builds) > 10 {
		t.Errorf("%d builds for a 300-file burst, want a few", len(builds))
	}
	compareFull(t, dir, info.Snapshot)
}

// compareFull checks a snapshot against a full build of the folder.
func compareFull(t *testing.T, dir string, snap build.Snapshot) {
	t.Helper()
	var mu sync.Mutex
	full := map[string][]byte{}
	res := build.Render(build.Options{Source: dir, BaseURL: "http://127.0.0.1:1/"}, func(o render.Output) error {
		mu.Lock()
		full[o.Path] = o.Data
		mu.Unlock()
		return nil
	})
	if res.Failed() != snap.Failed {
		t.Fatalf("failed %v, full build %v", snap.Failed, res.Failed())
	}
	if len(full) != len(snap.Files) {
		t.Errorf("%d files, full build %d", len(snap.Files), len(full))
	}
	for name, data := range full {
		// Only the base URL's port differs.
		got := bytes.ReplaceAll(snap.Files[name], []byte(ts127(snap)), []byte("http://127.0.0.1:1/"))
		if !bytes.Equal(got, data) {
			t.Errorf("%s differs from a full build", name)
		}
	}
}

// ts127 finds the base URL a snapshot was built with (from its sitemap).
func ts127(snap build.Snapshot) string {
	s := string(snap.Files["sitemap.xml"])
	i := strings.Index(s, "http://127.0.0.1:")
	if i < 0 {
		return "\x00"
	}
	j := strings.Index(s[i+len("http://127.0.0.1:"):], "/")
	return s[i : i+len("http://127.0.0.1:")+j+1]
}

// TestEditDuringRebuild: A's build is held; B (the same file) and C
// (another) are saved during it. Both are built right after, and the
// final site shows B and C.
func TestEditDuringRebuild(t *testing.T) {
	dir := siteDir(t)
	log := &buildLog{}
	hold := make(chan struct{})
	held := make(chan []string, 1)
	var mu sync.Mutex
	holding := false
	opts := Options{Source: dir, Quiet: 10 * time.Millisecond, afterBuild: log.add, beforeBuild: func(changed []string) {
		mu.Lock()
		h := holding
		holding = false
		mu.Unlock()
		if h {
			held <- changed
			<-hold
		}
	}}
	ts := startServe(t, opts)
	one := filepath.Join(dir, "content/dialogues/alpha/one.md")
	two := filepath.Join(dir, "content/dialogues/alpha/two.md")
	text := func(title string, n int) string {
		return fmt.Sprintf("---\ntitle: %s\ndate: 202%d-01-01\nround: %d\nparticipants: [Lee Ha-na]\n---\n", title, n, n)
	}
	n := log.len()
	mu.Lock()
	holding = true
	mu.Unlock()
	writeFile(t, one, text("Edit A", 1))
	select {
	case <-held:
	case <-time.After(deadline):
		t.Fatal("A's build did not start")
	}
	writeFile(t, one, text("Edit B", 1))
	writeFile(t, two, text("Edit C", 2))
	close(hold)
	// The held build may have read A or B (it reads after the hold); either
	// way the events of B and C arrived during it, so another build must
	// follow, and the site ends with B and C.
	if _, err := ts.WaitBuild(waitCtx(t), func(b BuildInfo) bool {
		return log.len() >= n+2 &&
			bytes.Contains(b.Snapshot.Files["dialogues/alpha/one/index.html"], []byte("Edit B")) &&
			bytes.Contains(b.Snapshot.Files["dialogues/alpha/two/index.html"], []byte("Edit C"))
	}); err != nil {
		t.Fatalf("edits made during a build were lost: %d builds since", log.len()-n)
	}
	compareFull(t, dir, ts.mustLast())
}

func (ts *testServer) mustLast() build.Snapshot {
	info, ok := ts.LastBuild()
	if !ok {
		ts.t.Fatal("no build")
	}
	return info.Snapshot
}

// TestPolling: --poll sees edits, new files and deletions.
func TestPolling(t *testing.T) {
	dir := siteDir(t)
	ts := startServe(t, Options{Source: dir, Poll: true, PollInterval: 20 * time.Millisecond, Quiet: time.Millisecond})
	if !ts.watcher.Polling() {
		t.Fatal("not polling")
	}
	writeFile(t, filepath.Join(dir, "content/about.md"), "---\ntitle: About\n---\nPolled edit.\n")
	ts.waitPage("about/index.html", "Polled edit.")
	writeFile(t, filepath.Join(dir, "content/dialogues/new/_index.md"), "---\ntitle: New by polling\n---\n")
	ts.waitPage("dialogues/new/index.html", "New by polling")
	must(t, os.RemoveAll(filepath.Join(dir, "content/dialogues/new")))
	ts.waitGone("dialogues/new/index.html")
}

// TestWatchLimitFallsBackToPolling: ENOSPC from adding a watch gives the
// fix and polling, and the server keeps working.
func TestWatchLimitFallsBackToPolling(t *testing.T) {
	dir := siteDir(t)
	logw := &logBuffer{}
	ts := startServe(t, Options{Source: dir, Log: logw, PollInterval: 20 * time.Millisecond, Quiet: time.Millisecond,
		addWatch: func(rel string) error {
			if rel == "content/dialogues/beta" {
				return fmt.Errorf("add: %w", syscall.ENOSPC)
			}
			return nil
		}})
	if !ts.watcher.Polling() {
		t.Fatal("not polling after ENOSPC")
	}
	if !strings.Contains(logw.String(), "sysctl fs.inotify.max_user_watches=") {
		t.Errorf("no fix in the message:\n%s", logw.String())
	}
	writeFile(t, filepath.Join(dir, "content/dialogues/beta/first.md"), "---\ntitle: Beta polled\ndate: 2019-01-01\nround: 1\nparticipants: [Kim Min-jun]\n---\n")
	ts.waitPage("dialogues/beta/first/index.html", "Beta polled")
}

// TestOverflowRescans: fsnotify's queue overflow leads to a full rebuild
// and the watch keeps working.
func TestOverflowRescans(t *testing.T) {
	dir := siteDir(t)
	log := &buildLog{}
	ts := startServe(t, Options{Source: dir, Quiet: time.Millisecond, afterBuild: log.add})
	n := log.len()
	ts.watcher.fsw.Errors <- fsnotify.ErrEventOverflow
	if _, err := ts.WaitBuild(waitCtx(t), func(BuildInfo) bool {
		for _, b := range log.since(n) {
			if b.Changed == nil {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal("no full rebuild after an overflow")
	}
	writeFile(t, filepath.Join(dir, "content/about.md"), "---\ntitle: About\n---\nAfter the overflow.\n")
	ts.waitPage("about/index.html", "After the overflow.")
}

// TestNotWatched: files outside the inputs never trigger a build, and
// public/ is never written.
func TestNotWatched(t *testing.T) {
	dir := siteDir(t)
	log := &buildLog{}
	ts := startServe(t, Options{Source: dir, Quiet: time.Millisecond, afterBuild: log.add})
	n := log.len()
	writeFile(t, filepath.Join(dir, "README.md"), "not an input")
	writeFile(t, filepath.Join(dir, "content/.notes"), "a dotfile")
	writeFile(t, filepath.Join(dir, "content/about.md.swp"), "swap")
	writeFile(t, filepath.Join(dir, "content/about.md"), "---\ntitle: About\n---\nReal edit.\n")
	ts.waitPage("about/index.html", "Real edit.")
	for _, b := range log.since(n) {
		if !reflect.DeepEqual(b.Changed, []string{"content/about.md"}) {
			t.Errorf("build for %v", b.Changed)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
		t.Errorf("serve created public/: %v", err)
	}
}
