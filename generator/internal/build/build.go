// Package build runs the pipeline: read → decode → link → render → publish.
//
// Check runs every stage but the last and reports every diagnostic; Build
// also publishes the rendered files to the output folder through package
// publish, streaming pages into a staging folder that replaces the output
// only when the whole build succeeded. A build with errors (or, with
// Strict, warnings) leaves the previous output untouched. Fatal problems
// that are not about content (a refused --out, a held lock, a failed
// write) are returned as Result.Err.
//
// Build does only the work whose inputs changed since the build that made
// the output: when a digest of every input equals the one in the output's
// manifest, it keeps the whole output (unchanged.go); otherwise render keys
// every file and keeps those whose keys are unchanged (render.Reuse). Either
// way the output and diagnostics are those of a build into an empty folder.
package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"briefings"
	"briefings/generator/internal/config"
	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/link"
	"briefings/generator/internal/markdown"
	"briefings/generator/internal/publish"
	"briefings/generator/internal/render"
	"briefings/generator/internal/source"
)

// Options configure one run.
type Options struct {
	Source  string // site folder on disk
	FS      fs.FS  // read the site from here instead of Source (tests)
	Out     string // output folder; default <Source>/public
	BaseURL string // overrides config.yaml's base_url
	Drafts  bool   // include draft rounds
	Strict  bool   // warnings are errors
	Layouts fs.FS  // built-in layouts; default briefings.DefaultLayouts()
	// WriteFile, when set, replaces os.WriteFile for every file Build
	// publishes (publish.Options.WriteFile); tests inject write failures.
	WriteFile func(name string, data []byte, perm os.FileMode) error
	// VerifyKeys computes every output's key both ways (render.Reuse.Verify)
	// and fails the build when they differ (tests).
	VerifyKeys bool
}

// StageTime is how long one stage took.
type StageTime struct {
	Name     string
	Duration time.Duration
}

// Stats describe a run.
type Stats struct {
	Pages    map[string]int // output files by kind
	Files    int
	Bytes    int64
	Stages   []StageTime
	Duration time.Duration
	// Reused counts files whose bytes equalled the previous output's, so
	// they were hard-linked instead of written (Build only).
	Reused int
	// Kept counts the files of Reused that were not even made: their
	// inputs were unchanged since the previous build (render.Reuse).
	Kept int
}

// Result is the outcome of a run.
type Result struct {
	Diagnostics []diag.Diagnostic // sorted; with Strict, warnings are errors
	Stats       Stats
	Err         error // fatal, not about content (refused output, lock, I/O)
	// UsageErr marks Err as a usage problem (exit code 2), e.g. a refused --out.
	UsageErr bool
}

// Failed reports whether the run did not succeed.
func (r Result) Failed() bool { return r.Err != nil || diag.HasErrors(r.Diagnostics) }

// ErrUsage wraps errors caused by how the command was called.
var ErrUsage = errors.New("usage")

// Check runs every stage but publishing.
func Check(opts Options) Result {
	return run(opts, false)
}

// Build runs every stage and publishes the site.
func Build(opts Options) Result {
	return run(opts, true)
}

// Render runs read → render and hands every output file to emit; it is
// Check with access to the bytes (tests, the dev server).
func Render(opts Options, emit render.EmitFunc) (res Result) {
	defer recoverInto(&res)
	p := newPipeline(opts)
	p.render(emit)
	return p.result()
}

type pipeline struct {
	opts   Options
	diags  diag.List
	start  time.Time
	stages []StageTime
	mark   time.Time

	memo   *memo // nil for one-off builds; see Session
	site   *source.Site
	cfg    config.Config
	arch   *link.Archive
	tmpl   *render.Templates
	static map[string]bool

	files atomic.Int64
	bytes atomic.Int64
	kept  atomic.Int64
	mu    sync.Mutex
	kinds map[string]int
}

func newPipeline(opts Options) *pipeline {
	if opts.FS == nil {
		opts.FS = os.DirFS(opts.Source)
	}
	if opts.Layouts == nil {
		opts.Layouts = briefings.DefaultLayouts()
	}
	now := time.Now()
	return &pipeline{opts: opts, start: now, mark: now, kinds: map[string]int{}}
}

func (p *pipeline) stage(name string) {
	now := time.Now()
	p.stages = append(p.stages, StageTime{name, now.Sub(p.mark)})
	p.mark = now
}

func (p *pipeline) failed() bool {
	for _, d := range p.diags.Sorted() {
		if d.Severity == diag.Error || p.opts.Strict {
			return true
		}
	}
	return false
}

// load runs read, parse and link. It returns false when nothing can be
// rendered (no usable config).
func (p *pipeline) load() bool {
	cfgOK := p.readConfig()
	if !cfgOK {
		return false
	}
	maxFile := int64(p.cfg.Limits.FrontMatterBytes + p.cfg.Limits.BodyBytes + 8)
	copts := content.Options{Limits: p.cfg.Limits}
	var site *source.Site
	var ds []diag.Diagnostic
	if p.memo == nil {
		// A one-off run lists content/ here and reads each file in the
		// parse workers; bodies stay in their files until rendered, so
		// memory does not grow with the bytes of the archive.
		site, ds = source.List(p.opts.FS, maxFile)
		copts.Read = func(path string) ([]byte, error) { return fs.ReadFile(p.opts.FS, path) }
		copts.LazyBodies = true
	} else if s, sds, ok := p.memo.refresh(p.opts.FS, maxFile); ok {
		site, ds = s, sds // only content files changed: no need to list
	} else {
		site, ds = source.Read(p.opts.FS, maxFile, p.memo.reuse())
		p.memo.read(site, ds)
	}
	p.diags.Append(ds...)
	p.site = site
	p.stage("read")

	parsed := p.memo.parse(site.Content, copts)
	if arch, ds, ok := p.memo.patch(parsed); ok {
		// Only display fields of rounds changed (dev server): the
		// archive of the previous rebuild takes the new rounds in place.
		p.diags.Append(ds...)
		p.stage("parse")
		p.arch = arch
		p.stage("link")
		return true
	}
	cs, ds := content.Assemble(parsed)
	p.diags.Append(ds...)
	p.stage("parse")

	arch, lds := link.Link(cs, link.Options{Drafts: p.opts.Drafts})
	p.diags.Append(lds...)
	p.arch = arch
	p.stage("link")
	p.memo.linked(parsed, arch, append(ds, lds...))
	return true
}

func (p *pipeline) readConfig() bool {
	b, err := fs.ReadFile(p.opts.FS, "config.yaml")
	if err != nil {
		p.diags.Errorf(diag.Pos{File: "config.yaml"}, "missing-config", "cannot read config.yaml: %v (a site needs config.yaml with title and base_url)", unwrap(err))
		return false
	}
	cfg, ds := config.Parse("config.yaml", b)
	p.diags.Append(ds...)
	if p.opts.BaseURL != "" {
		base, path, err := normaliseBaseURL(p.opts.BaseURL)
		if err != nil {
			p.diags.Errorf(diag.Pos{}, "bad-base-url", "--base-url: %v", err)
			return false
		}
		cfg.BaseURL, cfg.BasePath = base, path
	}
	if cfg.HighlightStyle != "" && !markdown.ValidStyle(cfg.HighlightStyle) {
		p.diags.Errorf(diag.Pos{File: "config.yaml"}, "unknown-style", "highlight_style %q is not a chroma style (e.g. github, monokai, dracula)", cfg.HighlightStyle)
	}
	p.cfg = cfg
	return !diag.HasErrors(ds) && cfg.BaseURL != ""
}

func normaliseBaseURL(s string) (base, path string, err error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", "", fmt.Errorf("%q must be an absolute http(s) URL such as https://example.org/briefings/", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), u.Path, nil
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// render loads the site and renders every file to emit (nil: discard).
func (p *pipeline) render(emit render.EmitFunc) {
	if p.load() {
		p.renderLoaded(emit)
	}
}

// renderLoaded loads the templates and renders every file of the loaded
// archive.
func (p *pipeline) renderLoaded(emit render.EmitFunc) {
	p.renderWith(nil, emit)
}

// renderWith is renderLoaded with reuse of the previous build's files.
func (p *pipeline) renderWith(reuse *render.Reuse, emit render.EmitFunc) {
	opts, staticKeys, ok := p.renderOptions(true)
	if !ok {
		return
	}
	opts.Reuse, opts.Stream = reuse, reuse != nil
	ds := render.Site(p.arch, opts, func(o render.Output) error {
		if f, ok := staticKeys[content.CollisionKey(o.Path)]; ok {
			p.diags.Errorf(diag.Pos{File: "static/" + f}, "path-collision", "path collision: /%s is generated by the site and also in static/%s", o.Path, f)
			return nil
		}
		p.files.Add(1)
		p.bytes.Add(int64(len(o.Data)) + o.Size)
		if o.Kept {
			p.kept.Add(1)
		}
		p.mu.Lock()
		p.kinds[o.Kind]++
		p.mu.Unlock()
		if emit == nil {
			return nil
		}
		return emit(o)
	})
	p.diags.Append(ds...)
	p.stage("render")
}

// renderOptions loads the templates (reporting their problems when report
// is set) and prepares rendering the loaded archive; staticKeys maps the
// collision key of every static file to it.
func (p *pipeline) renderOptions(report bool) (opts render.Options, staticKeys map[string]string, ok bool) {
	tmpl, ds := p.memo.templates(func() (*render.Templates, []diag.Diagnostic) {
		return render.Load(p.opts.Layouts, p.site.Layouts, "layouts")
	})
	if report {
		p.diags.Append(ds...)
	}
	if tmpl == nil || (!report && diag.HasErrors(ds)) {
		return opts, nil, false
	}
	p.tmpl = tmpl
	p.static = map[string]bool{}
	staticKeys = map[string]string{}
	for _, f := range p.site.StaticFiles {
		p.static[f] = true
		staticKeys[content.CollisionKey(f)] = f
	}
	files := make(map[string]bool, len(p.site.Content))
	for _, f := range p.site.Content {
		files[f.Path] = true
	}
	md := markdown.New(markdown.Options{UnsafeHTML: p.cfg.UnsafeHTML})
	return render.Options{Config: p.cfg, Templates: tmpl, Markdown: md, Static: p.static, Content: files, Cache: p.memo.renderCache()}, staticKeys, true
}

// renderEarly renders the pages at paths alone and returns them, or nil
// when that found an error (the full render reports it). Nothing is
// counted or reported: the full render does both.
func (p *pipeline) renderEarly(paths []string) map[string][]byte {
	opts, _, ok := p.renderOptions(false)
	if !ok {
		return nil
	}
	opts.Only = map[string]bool{}
	for _, path := range paths {
		opts.Only[path] = true
	}
	files := map[string][]byte{}
	var mu sync.Mutex
	ds := render.Site(p.arch, opts, func(o render.Output) error {
		mu.Lock()
		files[o.Path] = o.Data
		mu.Unlock()
		return nil
	})
	if diag.HasErrors(ds) {
		return nil
	}
	return files
}

func (p *pipeline) result() Result {
	ds := p.diags.Sorted()
	if p.opts.Strict {
		ds = diag.Strict(ds)
	}
	return Result{Diagnostics: ds, Stats: Stats{
		Pages: p.kinds, Files: int(p.files.Load()), Bytes: p.bytes.Load(), Stages: p.stages, Duration: time.Since(p.start),
		Kept: int(p.kept.Load()),
	}}
}

// recoverInto is the last net under the stages that have no per-file
// recover of their own (reading, cross-file checks, linking, publishing):
// a panic there becomes an "internal" error diagnostic instead of a crash
// with a stack trace, so no panic reaches the user. Per-file work (decoding,
// Markdown, templates) recovers closer to the file and names it.
func recoverInto(res *Result) {
	if p := recover(); p != nil {
		res.Diagnostics = append(res.Diagnostics, diag.Diagnostic{Severity: diag.Error, Code: "internal",
			Message: fmt.Sprintf("internal error (please report): %v", p)})
	}
}

func run(opts Options, write bool) (res Result) {
	defer recoverInto(&res)
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Source, "public")
	}
	if !write {
		p := newPipeline(opts)
		p.render(nil)
		return p.result()
	}
	if err := publish.CheckOut(opts.Out, opts.Source); err != nil {
		return Result{Err: err, UsageErr: true}
	}
	// Nothing changed since the build that made the output: keep it all.
	p0 := newPipeline(opts)
	digest := p0.inputsDigest()
	if res, ok := p0.keepUnchanged(digest); ok {
		return res
	}
	// Content errors are found before anything is staged, so a broken
	// site never touches the output folder or its lock.
	p := newPipeline(opts)
	p.start, p.mark = p0.start, p0.start // the digest counts as reading
	if !p.load() {
		return p.result()
	}
	if p.failed() {
		p.renderLoaded(nil) // still report template and link errors
		return p.result()
	}
	// Reuse: files whose bytes did not change are hard-linked from the
	// previous output, so rebuilding an unchanged site writes almost nothing.
	stage, err := publish.Begin(publish.Options{Out: opts.Out, Source: opts.Source, WriteFile: opts.WriteFile, Reuse: true})
	if err != nil {
		res := p.result()
		res.Err = err
		return res
	}
	defer stage.Abort() // after a panic; a no-op after Commit
	prev, _ := decodeMemo(stage.PreviousMemo())
	var renderMemo []byte
	reuse := &render.Reuse{Salt: p.salt(), Memo: prev.Render, SaveMemo: func(b []byte) { renderMemo = b }, Verify: opts.VerifyKeys}
	if stage.CanKeep() {
		reuse.Keep = stage.Keep
	}
	p.renderWith(reuse, func(o render.Output) error {
		switch {
		case o.Kept:
			return nil // already in the stage
		case o.Stream != nil:
			n, err := stage.WriteStream(o.Path, o.Key, o.Stream)
			p.bytes.Add(n)
			return err
		}
		return stage.WriteKeyed(o.Path, o.Key, o.Data)
	})
	if !p.failed() && p.site.Static != nil {
		if err := stage.CopyFS(p.site.Static, ""); err != nil {
			p.diags.Errorf(diag.Pos{File: "static"}, "static", "%v", err)
		}
	}
	if p.failed() {
		stage.Abort()
		return p.result()
	}
	p.mu.Lock()
	memo, err := json.Marshal(buildMemo{Inputs: digest, Diagnostics: storeDiags(p.diags.Sorted()), Kinds: p.kinds, Render: renderMemo})
	p.mu.Unlock()
	if err == nil {
		stage.SetMemo(memo)
	}
	if err := stage.Commit(); err != nil {
		res := p.result()
		res.Err = err
		return res
	}
	p.stage("write")
	res = p.result()
	res.Stats.Reused = stage.Reused()
	return res
}
