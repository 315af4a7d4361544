package build

import (
	"io/fs"
	"reflect"
	"strings"
	"sync"

	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/link"
	"briefings/generator/internal/render"
	"briefings/generator/internal/source"
)

// Session rebuilds one site again and again in memory, for the dev server.
// After the first build, Rebuild re-reads and re-decodes only the files it
// is told changed, reuses the parsed layouts unless a layout changed, and
// re-renders only pages whose view model changed. The result always equals
// a full build of the same files (see TestSessionEqualsFullBuild): every
// cache is keyed by everything its output depends on, and a change to
// config.yaml drops them all. Rebuild calls must not overlap.
type Session struct {
	opts Options
	mu   sync.Mutex
	memo *memo
}

// Snapshot is the result of one rebuild.
type Snapshot struct {
	Files       map[string][]byte // every generated file by site-relative path (static/ not included)
	Static      fs.FS             // the site's static/ folder, nil when absent
	StaticFiles []string          // paths relative to static/
	Diagnostics []diag.Diagnostic
	Failed      bool
	Stats       Stats
	// Rendered and Reused count pages rendered anew and taken from the cache.
	Rendered, Reused int
	// Patched counts the rounds put into the previous archive in place
	// (only display fields changed); 0 when the archive was linked anew.
	Patched int
}

// NewSession prepares a session; nothing is read until Rebuild.
func NewSession(opts Options) *Session {
	return &Session{opts: opts}
}

// Rebuild brings the site up to date. changed lists site-relative,
// slash-separated paths of files or folders that changed (created,
// written, removed or renamed); nil means "anything may have changed".
func (s *Session) Rebuild(changed []string) Snapshot {
	return s.RebuildEarly(changed, nil, nil)
}

// RebuildEarly is Rebuild that, as soon as the site is loaded (read,
// decoded and linked without errors), renders the pages and feeds at paths
// (output paths such as "dialogues/d/r1/index.html") alone and hands them
// to early, before the rest of the site is rendered: the dev server
// reloads the pages open in browsers first. The early files are exactly
// those of the snapshot; early is not called when loading or rendering
// them found an error, or when no path names a page.
func (s *Session) RebuildEarly(changed, paths []string, early func(map[string][]byte)) Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.memo == nil || changed == nil || touches(changed, "config.yaml") {
		s.memo = newMemo()
	} else {
		s.memo.mark(changed)
	}
	p := newPipeline(s.opts)
	p.memo = s.memo
	files := map[string][]byte{}
	var mu sync.Mutex
	if p.load() {
		if early != nil && len(paths) > 0 && !p.failed() {
			if f := p.renderEarly(paths); len(f) > 0 {
				early(f)
			}
		}
		p.renderLoaded(func(o render.Output) error {
			mu.Lock()
			files[o.Path] = o.Data
			mu.Unlock()
			return nil
		})
	}
	res := p.result()
	snap := Snapshot{Files: files, Diagnostics: res.Diagnostics, Failed: res.Failed(), Stats: res.Stats}
	if p.site != nil {
		snap.Static, snap.StaticFiles = p.site.Static, p.site.StaticFiles
	}
	if c := s.memo.cache; c != nil {
		snap.Rendered, snap.Reused = c.Rendered, c.Reused
	}
	snap.Patched = s.memo.patched
	s.memo.commit()
	return snap
}

// touches reports whether any changed path is name or lies under it.
func touches(changed []string, name string) bool {
	for _, c := range changed {
		if c == name || c == "." || c == "" || strings.HasPrefix(name, c+"/") || strings.HasPrefix(c, name+"/") {
			return true
		}
	}
	return false
}

// memo is what a Session keeps between rebuilds.
type memo struct {
	full    bool                // first build: nothing is known
	changed []string            // paths changed since the last rebuild
	files   map[string]memoFile // content files by path
	next    map[string]memoFile

	tmpl      *render.Templates
	tmplDiags []diag.Diagnostic
	cache     *render.Cache

	// The archive of the last rebuild that linked, what it was linked
	// from (by path) and the diagnostics of decoding and linking it.
	site      *source.Site // the last listing of the site (refresh)
	readDiags []diag.Diagnostic

	arch       *link.Archive
	linkedFrom map[string]content.Parsed
	loadDiags  []diag.Diagnostic
	patched    int // rounds patched by the latest rebuild
}

type memoFile struct {
	data   []byte
	parsed content.Parsed
}

func newMemo() *memo {
	return &memo{full: true, files: map[string]memoFile{}, cache: render.NewCache()}
}

func (m *memo) mark(changed []string) {
	m.full = false
	m.changed = changed
	if touches(changed, "layouts") {
		m.tmpl, m.tmplDiags = nil, nil
		m.cache = render.NewCache() // pages depend on the templates
	}
}

func (m *memo) isChanged(path string) bool {
	return m.full || touches(m.changed, path)
}

// reuse supplies unchanged content files' bytes to source.Read.
func (m *memo) reuse() func(string) ([]byte, bool) {
	if m == nil {
		return nil
	}
	return func(path string) ([]byte, bool) {
		if m.isChanged(path) {
			return nil, false
		}
		f, ok := m.files[path]
		return f.data, ok
	}
}

// parse decodes the files that changed and reuses the rest.
func (m *memo) parse(files []content.File, opts content.Options) []content.Parsed {
	if m == nil {
		return content.ParseFiles(files, opts)
	}
	out := make([]content.Parsed, len(files))
	var todo []content.File
	var at []int
	for i, f := range files {
		if old, ok := m.files[f.Path]; ok && !m.isChanged(f.Path) {
			out[i] = old.parsed
			continue
		}
		todo = append(todo, f)
		at = append(at, i)
	}
	for j, p := range content.ParseFiles(todo, opts) {
		out[at[j]] = p
	}
	m.next = make(map[string]memoFile, len(files))
	for i, f := range files {
		m.next[f.Path] = memoFile{data: f.Data, parsed: out[i]}
	}
	return out
}

// read records a rebuild's listing of the site for refresh.
func (m *memo) read(site *source.Site, ds []diag.Diagnostic) {
	m.site, m.readDiags = site, ds
}

// refresh updates the last listing when only content files changed
// (source.Refresh), and records it.
func (m *memo) refresh(fsys fs.FS, maxFile int64) (*source.Site, []diag.Diagnostic, bool) {
	if m.full || m.site == nil {
		return nil, nil, false
	}
	site, ds, ok := source.Refresh(fsys, m.site, m.readDiags, maxFile, m.changed)
	if ok {
		m.site = site
	}
	return site, ds, ok
}

// linked records a rebuild's archive for patch.
func (m *memo) linked(parsed []content.Parsed, arch *link.Archive, ds []diag.Diagnostic) {
	if m == nil {
		return
	}
	m.arch, m.loadDiags, m.patched = arch, ds, 0
	m.linkedFrom = make(map[string]content.Parsed, len(parsed))
	for _, p := range parsed {
		m.linkedFrom[p.Path] = p
	}
}

// patch updates the last archive in place when the only changes since it
// was linked are to fields of rounds that linking never reads
// (link.CanPatch) and decoding them reported the same diagnostics as
// before: then linking again would give the same archive and diagnostics.
// Editing a round's title, summary or body while previewing it no longer
// costs a link of the whole archive.
func (m *memo) patch(parsed []content.Parsed) (*link.Archive, []diag.Diagnostic, bool) {
	if m == nil || m.arch == nil || m.full || len(parsed) != len(m.linkedFrom) {
		return nil, nil, false
	}
	type swap struct{ prev, next *content.Round }
	var swaps []swap
	for _, p := range parsed {
		old, ok := m.linkedFrom[p.Path]
		switch {
		case !ok:
			return nil, nil, false // a file was added (and another removed)
		case !m.isChanged(p.Path):
			continue // parse reused old
		}
		prev, ok1 := old.Value.(*content.Round)
		next, ok2 := p.Value.(*content.Round)
		if !ok1 || !ok2 || !reflect.DeepEqual(old.Diags, p.Diags) || !link.CanPatch(m.arch, prev, next) {
			return nil, nil, false
		}
		swaps = append(swaps, swap{prev, next})
	}
	for _, s := range swaps {
		link.Patch(m.arch, s.prev, s.next)
	}
	m.patched = len(swaps)
	for _, p := range parsed {
		m.linkedFrom[p.Path] = p
	}
	return m.arch, m.loadDiags, true
}

// templates reuses the parsed layouts unless a layout changed.
func (m *memo) templates(load func() (*render.Templates, []diag.Diagnostic)) (*render.Templates, []diag.Diagnostic) {
	if m == nil {
		return load()
	}
	if m.tmpl == nil {
		m.tmpl, m.tmplDiags = load()
	}
	return m.tmpl, m.tmplDiags
}

func (m *memo) renderCache() *render.Cache {
	if m == nil {
		return nil
	}
	return m.cache
}

// commit makes this rebuild's files the base of the next one.
func (m *memo) commit() {
	if m.next != nil {
		m.files, m.next = m.next, nil
	}
	m.full, m.changed = false, nil
}
