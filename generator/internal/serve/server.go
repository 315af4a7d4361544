package serve

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"briefings/generator/internal/build"
	"briefings/generator/internal/diag"
)

// Options configure a Server.
type Options struct {
	Source  string // site folder on disk
	FS      fs.FS  // read the site from here instead of Source (tests; not watched)
	Layouts fs.FS  // built-in layouts; default the embedded ones
	Bind    string // address to listen on; default 127.0.0.1
	Port    int    // port; 0 picks a free one (Run) — the CLI defaults to 1313
	BaseURL string // default http://<bind>:<port>/; its path is where the site is served
	Drafts  bool   // include draft rounds

	Poll         bool          // poll for changes instead of OS events
	PollInterval time.Duration // default DefaultPollInterval
	Quiet        time.Duration // default DefaultQuiet
	MaxWait      time.Duration // default DefaultMaxWait
	FullAfter    int           // default DefaultFullAfter

	Log   io.Writer        // progress and diagnostics; default io.Discard
	Ready func(url string) // called once the site is served (Run)

	// beforeBuild runs at the start of every build (tests: slow builds);
	// afterBuild after each build is served and announced, before
	// WaitBuild sees it.
	beforeBuild func(changed []string)
	afterBuild  func(BuildInfo)
	// addWatch is passed to the watcher (tests: inject ENOSPC).
	addWatch func(dir string) error
}

// EventsPath is the URL path of the live-reload event stream.
const EventsPath = "/__briefings/events"

// BuildInfo describes one finished build.
type BuildInfo struct {
	N        int      // builds so far, this one included
	Changed  []string // what it was asked to rebuild; nil: everything
	Snapshot build.Snapshot
	Event    string // what browsers were told: "reload", "css" or "errors"
	Duration time.Duration
	// Early is when the pages open in browsers were served and announced,
	// before the rest of the site was rendered; 0 when none were.
	Early time.Duration
}

// Server holds the served site and rebuilds it.
type Server struct {
	opts     Options
	bopts    build.Options
	baseURL  string
	basePath string // "/" or "/briefings/"
	port     string
	hosts    map[string]bool
	wildcard bool
	boot     string

	buildMu sync.Mutex // one build at a time
	session *build.Session
	gen     int
	lastLog string // diagnostics printed last, to print repeats briefly

	state atomic.Pointer[state]
	hub   *hub

	infoMu sync.Mutex
	info   *BuildInfo
	notify chan struct{} // closed and replaced after every build

	etags   sync.Map // static file → staticTag
	watcher *Watcher // set by serve (tests look at it)
}

// state is what requests see: one pointer, swapped whole.
type state struct {
	site   *site    // the last good build; nil before the first
	errors []string // the latest build's errors; nil when it succeeded
	since  time.Time
}

// site is one good build.
type site struct {
	id       string
	files    map[string]file // generated files by site-relative path
	static   map[string]bool // static files by path relative to static/
	staticFS fs.FS           // only when the site is read from Options.FS
	built    time.Time
}

type file struct {
	data []byte
	mod  time.Time // when these bytes were first served
}

// tag is the version of the page at path in this site: the ETag of its
// bytes before the live-reload script is added (the script names it, and
// a page reloads only when its tag changes). ok is false for no such page.
func (st *site) tag(path string) (string, bool) {
	if st == nil || path == "" {
		return "", false
	}
	f, ok := st.files[path]
	if !ok {
		return "", false
	}
	return etag(f.data), true
}

// maxEarly is how many open pages a rebuild renders before the rest.
const maxEarly = 8

// New prepares a server; nothing is built until Rebuild.
func New(opts Options) (*Server, error) {
	if opts.Bind == "" {
		opts.Bind = "127.0.0.1"
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return nil, fmt.Errorf("port %d is out of range 0–65535", opts.Port)
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Quiet <= 0 {
		opts.Quiet = DefaultQuiet
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.FullAfter <= 0 {
		opts.FullAfter = DefaultFullAfter
	}
	s := &Server{opts: opts, port: strconv.Itoa(opts.Port), hub: newHub(), notify: make(chan struct{})}
	s.wildcard = isWildcard(opts.Bind)
	s.baseURL = opts.BaseURL
	if s.baseURL == "" {
		host := opts.Bind
		if s.wildcard {
			host = "127.0.0.1"
			if strings.Contains(opts.Bind, ":") {
				host = "::1"
			}
		}
		s.baseURL = "http://" + net.JoinHostPort(host, s.port) + "/"
	}
	u, err := url.Parse(s.baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--base-url %q must be an absolute http(s) URL such as http://127.0.0.1:1313/briefings/", s.baseURL)
	}
	s.basePath = u.Path
	if !strings.HasSuffix(s.basePath, "/") {
		s.basePath += "/"
	}
	s.hosts = map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}
	if !s.wildcard {
		s.hosts[strings.ToLower(opts.Bind)] = true
	} else if h, err := os.Hostname(); err == nil {
		s.hosts[strings.ToLower(h)] = true
	}
	var b [6]byte
	rand.Read(b[:])
	s.boot = hex.EncodeToString(b[:])
	s.bopts = build.Options{Source: opts.Source, FS: opts.FS, Layouts: opts.Layouts, BaseURL: s.baseURL, Drafts: opts.Drafts}
	s.session = build.NewSession(s.bopts)
	s.state.Store(&state{})
	return s, nil
}

// isWildcard reports whether bind listens on every interface.
func isWildcard(bind string) bool {
	ip := net.ParseIP(bind)
	return bind == "" || (ip != nil && ip.IsUnspecified())
}

// URL is where the site is served.
func (s *Server) URL() string {
	host := s.opts.Bind
	if s.wildcard {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, s.port) + s.basePath
}

// Rebuild rebuilds the site (changed as in build.Session.Rebuild), swaps it
// in when the build succeeded, and then tells browsers. Calls are
// serialised.
func (s *Server) Rebuild(changed []string) BuildInfo {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	start := time.Now()
	base := s.state.Load()
	var earlyAt time.Duration
	// The pages open in browsers are rendered as soon as the site is
	// loaded, served and announced; the rest of the site follows.
	early := func(files map[string][]byte) {
		if base.site == nil || base.errors != nil {
			return // nothing good served yet, or an overlay up: wait for all
		}
		next, diff := s.patchSite(base.site, files)
		if len(diff) == 0 {
			return
		}
		s.state.Store(&state{site: next})
		s.announce(next, "reload", diff, changed, nil)
		earlyAt = time.Since(start)
	}
	snap := s.runSession(changed, s.hub.pages(maxEarly), early)
	s.gen++
	info := BuildInfo{N: s.gen, Changed: changed, Snapshot: snap, Early: earlyAt}
	old := s.state.Load()
	if snap.Failed {
		old = base // never keep early pages of a build that failed
		errs := errorLines(snap.Diagnostics)
		s.state.Store(&state{site: old.site, errors: errs, since: time.Now()})
		info.Event = "errors"
		s.hub.broadcast(sseMessage("errors", map[string]any{"errors": errs}))
	} else {
		next, diff := s.newSite(old.site, snap, changed)
		s.state.Store(&state{site: next})
		info.Event = "reload"
		data := map[string]any{"id": next.id}
		if css := cssOnly(diff); css != nil {
			info.Event = "css"
			urls := make([]string, len(css))
			for i, p := range css {
				urls[i] = (&url.URL{Path: s.basePath + p}).EscapedPath()
			}
			data["urls"] = urls
			s.hub.broadcast(sseMessage(info.Event, data))
		} else {
			s.announce(next, "reload", diff, changed, data)
		}
	}
	info.Duration = time.Since(start)
	s.report(info)
	if s.opts.afterBuild != nil {
		s.opts.afterBuild(info)
	}
	s.infoMu.Lock()
	s.info = &info
	close(s.notify)
	s.notify = make(chan struct{})
	s.infoMu.Unlock()
	return info
}

// announce tells every client that site next is served: data (or just the
// id) plus, when the change is one a page's own bytes show, the tag of the
// page the client shows, so that only clients whose page changed reload.
func (s *Server) announce(next *site, event string, diff, changed []string, data map[string]any) {
	tagged := pagesTell(diff, changed)
	s.hub.send(func(page string) []byte {
		d := map[string]any{"id": next.id}
		maps.Copy(d, data)
		if tag, ok := next.tag(page); ok && tagged {
			d["tag"] = tag
		}
		return sseMessage(event, d)
	})
}

// pagesTell reports whether the bytes of pages show everything that
// changed: not when a script, an image or other static file changed (a
// page that uses it must reload although its own bytes did not change).
func pagesTell(diff, changed []string) bool {
	if changed == nil {
		return false
	}
	for _, c := range changed {
		if c == "static" || strings.HasPrefix(c, "static/") || c == "." || c == "" {
			return false
		}
	}
	for _, p := range diff {
		switch path.Ext(p) {
		case ".html", ".xml", ".json", ".csv", ".txt", ".css":
		default:
			return false
		}
	}
	return true
}

// patchSite is old with files replacing its files at the same paths; diff
// lists the paths whose bytes changed.
func (s *Server) patchSite(old *site, files map[string][]byte) (*site, []string) {
	now := time.Now()
	next := *old
	next.id = s.boot + "-" + strconv.Itoa(s.gen+1) + "-early"
	next.files = maps.Clone(old.files)
	next.built = now
	var diff []string
	for p, data := range files {
		if o, ok := old.files[p]; ok && sameBytes(o.data, data) {
			continue
		}
		next.files[p] = file{data: data, mod: now}
		diff = append(diff, p)
	}
	return &next, diff
}

// runSession runs one rebuild; a panic becomes a failed build and a fresh
// session (its caches may be half-updated).
func (s *Server) runSession(changed, pages []string, early func(map[string][]byte)) (snap build.Snapshot) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(s.opts.Log, "serve: internal error during the rebuild: %v\n%s", p, debug.Stack())
			snap = build.Snapshot{Failed: true, Diagnostics: []diag.Diagnostic{{
				Severity: diag.Error, Code: "internal",
				Message: fmt.Sprintf("internal error during the rebuild (a bug; the next save rebuilds everything): %v", p),
			}}}
			s.session = build.NewSession(s.bopts)
		}
	}()
	if s.opts.beforeBuild != nil {
		s.opts.beforeBuild(changed)
	}
	return s.session.RebuildEarly(changed, pages, early)
}

// newSite makes the served form of a good snapshot and lists the output
// paths whose bytes differ from the previous site (static files by the
// changed paths that name them; "*" when unknown).
func (s *Server) newSite(old *site, snap build.Snapshot, changed []string) (*site, []string) {
	now := time.Now()
	next := &site{
		id:       s.boot + "-" + strconv.Itoa(s.gen),
		files:    make(map[string]file, len(snap.Files)),
		static:   make(map[string]bool, len(snap.StaticFiles)),
		staticFS: snap.Static,
		built:    now,
	}
	if s.opts.FS == nil {
		next.staticFS = nil // served from disk through os.Root
	}
	for _, p := range snap.StaticFiles {
		next.static[p] = true
	}
	var diff []string
	for p, data := range snap.Files {
		f := file{data: data, mod: now}
		if old != nil {
			if o, ok := old.files[p]; ok && sameBytes(o.data, data) {
				f.mod = o.mod
			} else {
				diff = append(diff, p)
			}
		}
		next.files[p] = f
	}
	if old == nil || changed == nil {
		return next, []string{"*"}
	}
	for p := range old.files {
		if _, ok := next.files[p]; !ok {
			diff = append(diff, p)
		}
	}
	for _, c := range changed {
		switch {
		case strings.HasPrefix(c, "static/"):
			diff = append(diff, strings.TrimPrefix(c, "static/"))
		case c == "static" || c == "." || c == "":
			diff = append(diff, "*")
		}
	}
	return next, diff
}

// sameBytes compares two pages, cheaply when the cache handed out the
// same slice.
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || unsafe.SliceData(a) == unsafe.SliceData(b) {
		return true
	}
	return bytes.Equal(a, b)
}

// cssOnly returns diff when it is a non-empty list of stylesheets only.
func cssOnly(diff []string) []string {
	if len(diff) == 0 {
		return nil
	}
	for _, p := range diff {
		if !strings.HasSuffix(p, ".css") {
			return nil
		}
	}
	return diff
}

// errorLines formats a failed build's errors as file:line:col: message.
func errorLines(ds []diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		if d.Severity == diag.Error {
			out = append(out, d.String())
		}
	}
	if len(out) == 0 {
		out = []string{"the build failed"}
	}
	return out
}

// report prints a build's outcome to the terminal.
func (s *Server) report(info BuildInfo) {
	w := s.opts.Log
	var ds bytes.Buffer
	for _, d := range info.Snapshot.Diagnostics {
		fmt.Fprintln(&ds, d)
	}
	if ds.String() != s.lastLog || info.Snapshot.Failed {
		w.Write(ds.Bytes())
	} else if ds.Len() > 0 {
		fmt.Fprintf(w, "(%s, as before)\n", diag.Summary(info.Snapshot.Diagnostics))
	}
	s.lastLog = ds.String()
	d := info.Duration.Round(100 * time.Microsecond)
	if info.Snapshot.Failed {
		fmt.Fprintf(w, "build failed (%s) in %s; still serving the last good build — fix and save to reload\n", diag.Summary(info.Snapshot.Diagnostics), d)
		return
	}
	what := "everything"
	if info.Changed != nil {
		what = strings.Join(info.Changed[:min(len(info.Changed), 3)], ", ")
		if len(info.Changed) > 3 {
			what += fmt.Sprintf(" and %d more", len(info.Changed)-3)
		}
	}
	fmt.Fprintf(w, "built %d files in %s (%d pages rendered, %d reused; %s) → %s\n",
		len(info.Snapshot.Files), d, info.Snapshot.Rendered, info.Snapshot.Reused, what, info.Event)
}

// LastBuild returns the latest finished build (ok false before the first).
func (s *Server) LastBuild() (BuildInfo, bool) {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	if s.info == nil {
		return BuildInfo{}, false
	}
	return *s.info, true
}

// WaitBuild waits until the latest finished build satisfies cond, or ctx
// is done (then it returns the latest build and ctx's error).
func (s *Server) WaitBuild(ctx context.Context, cond func(BuildInfo) bool) (BuildInfo, error) {
	for {
		s.infoMu.Lock()
		ch, info := s.notify, s.info
		s.infoMu.Unlock()
		if info != nil && cond(*info) {
			return *info, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			if info == nil {
				return BuildInfo{}, ctx.Err()
			}
			return *info, ctx.Err()
		}
	}
}

// sseMessage formats one Server-Sent Event.
func sseMessage(event string, data any) []byte {
	b, _ := json.Marshal(data)
	return []byte("event: " + event + "\ndata: " + string(b) + "\n\n")
}
