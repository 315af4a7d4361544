// Package render turns the linked archive into the bytes of every output
// file: HTML pages (through typed view models and the layouts), the Atom
// feed, the sitemap, robots.txt, and the stylesheets.
//
// Site takes a *link.Archive and Options and calls emit once per output
// file, from several goroutines at once; the bytes of each file depend only
// on the archive and the options, never on scheduling. Markdown bodies are
// rendered here, with links between content files rewritten to URLs under
// the base path; a broken internal link, a template error or a Markdown
// problem becomes a positioned diagnostic. Nothing is written to disk.
//
// With Options.Reuse every file made from a typed value carries a key of
// its inputs, and files whose key is the previous build's are kept instead
// of made (reuse.go); Options.Only renders just some pages (the dev
// server's open pages, first).
package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"runtime"
	"sort"
	"sync"

	"briefings/generator/internal/config"
	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/link"
	"briefings/generator/internal/markdown"
)

// Options configure rendering.
type Options struct {
	Config    config.Config
	Templates *Templates
	Markdown  *markdown.Renderer
	// Static lists the site-relative paths of static/ files, so site-root
	// links to them resolve and collisions with pages are caught.
	Static map[string]bool
	// Content lists every file of content/ (site-relative paths), including
	// files that failed to decode.
	Content map[string]bool
	// Cache, when set, reuses pages and Markdown from earlier renders.
	Cache *Cache
	// Reuse, when set, keeps the previous build's files whose inputs are
	// unchanged (reuse.go) and keys every file made from a typed value.
	Reuse *Reuse
	// Stream lets emit receive the largest files (the open data) as
	// Output.Stream instead of Data, so they are never held in memory.
	Stream bool
	// Only, when set, renders just the pages and feeds at these output
	// paths (the dev server renders the pages open in browsers first);
	// the search index, open data, sitemap and assets are left out, and
	// Cache keeps every entry (the full render that follows prunes it).
	Only map[string]bool
}

// Output is one file of the built site.
type Output struct {
	Path string // site-relative, slash-separated, e.g. "dialogues/x/index.html"
	Kind string // page kind, or "feed", "sitemap", "robots", "asset"
	Data []byte
	// Key is the key of the inputs the file was made from (Options.Reuse),
	// or empty.
	Key string
	// Kept says the previous build's file was kept (Reuse.Keep): Data is
	// nil and Size is the kept file's size.
	Kept bool
	Size int64
	// Stream, when set (only with Options.Stream), writes the file's
	// bytes; Data is nil. A panic in it is returned as an error.
	Stream func(io.Writer) error
}

// EmitFunc receives each output file; it may be called concurrently.
type EmitFunc func(Output) error

// job renders one output file.
type job func(*renderer) (Output, error)

type renderer struct {
	a     *link.Archive
	opts  Options
	u     urls
	site  *SiteView
	pages map[string]bool
	sink  *sink
	keys  *keyer // nil without Options.Reuse

	// keyMode: views are built for their key, with Markdown standing for
	// placeholders (reuse.go); unknown is set when a text has no memo.
	keyMode bool
	unknown bool
	// outs, when set, records every Markdown output of a view built for
	// real, with its placeholder, so the view can be keyed (reuse.go).
	outs *[]mdOut
	// dataKey is the key-mode digest of the open data, made once.
	dataKey *dataKeyMemo
}

// sink collects the diagnostics of every job.
type sink struct {
	mu    sync.Mutex
	diags []diag.Diagnostic
}

func (r *renderer) add(ds ...diag.Diagnostic) {
	r.sink.mu.Lock()
	r.sink.diags = append(r.sink.diags, ds...)
	r.sink.mu.Unlock()
}

// fork returns a renderer for one view build that shares everything but
// the key-mode state.
func (r *renderer) fork(keyMode bool) *renderer {
	f := *r
	f.keyMode, f.unknown, f.outs = keyMode, false, nil
	return &f
}

// Site renders every output file of the archive.
func Site(a *link.Archive, opts Options, emit EmitFunc) []diag.Diagnostic {
	r := &renderer{a: a, opts: opts, u: newURLs(opts.Config.BaseURL), pages: pageURLs(a), sink: &sink{}, dataKey: &dataKeyMemo{}}
	if opts.Reuse != nil {
		r.keys = newKeyer(opts.Reuse)
		defer func() { r.keys.save(opts.Reuse) }()
	}
	r.site = r.siteView()
	phases := [][]job{r.jobs()}
	if opts.Only == nil {
		if c := opts.Cache; c != nil {
			c.begin()
			defer c.end()
		}
		// The open data comes last, once every round's page has rendered
		// (or kept) its outcomes: its key then never depends on scheduling.
		phases = append(phases, r.dataJobs())
	}
	var emitErr error
	var emitOnce sync.Once
	for _, jobs := range phases {
		var wg sync.WaitGroup
		next := make(chan job)
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for j := range next {
					out, err := r.run(j)
					if err == nil && out.Stream != nil && !opts.Stream {
						out, err = r.materialise(out)
					}
					if err != nil {
						continue // reported as a diagnostic
					}
					if err := emit(out); err != nil {
						emitOnce.Do(func() { emitErr = err })
					}
				}
			})
		}
		for _, j := range jobs {
			next <- j
		}
		close(next)
		wg.Wait()
	}
	if emitErr != nil {
		r.add(diag.Diagnostic{Severity: diag.Error, Code: "write", Message: emitErr.Error()})
	}
	return r.sink.diags
}

// run executes one job; a panic becomes a diagnostic, never a crash.
func (r *renderer) run(j job) (out Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			r.add(diag.Diagnostic{Severity: diag.Error, Code: "internal", Message: fmt.Sprintf("internal error while rendering %s (please report): %v", out.Path, p)})
		}
	}()
	return j(r)
}

// stream sets out.Stream to write, guarded: a panic in write becomes a
// diagnostic and an error.
func (r *renderer) stream(out Output, write func(io.Writer) error) Output {
	out.Stream = func(w io.Writer) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
				r.add(diag.Diagnostic{Severity: diag.Error, Code: "internal", Message: fmt.Sprintf("internal error while rendering %s (please report): %v", out.Path, p)})
			}
		}()
		return write(w)
	}
	return out
}

// materialise turns a streamed output into Data (emit without Stream).
func (r *renderer) materialise(out Output) (Output, error) {
	var b bytes.Buffer
	if err := out.Stream(&b); err != nil {
		return out, err
	}
	out.Data, out.Stream = b.Bytes(), nil
	return out, nil
}

// page renders view, which holds no Markdown, with the layout of kind.
func (r *renderer) page(rel, kind string, view any) (Output, error) {
	return r.pageOf(rel, kind, func(*renderer) any { return view })
}

// pageOf renders the view that view builds with the layout of its kind, or
// reuses the bytes of an identical view (Cache), or keeps the previous
// build's file (Reuse).
func (r *renderer) pageOf(rel, kind string, view func(*renderer) any) (Output, error) {
	path := outputPath(rel)
	return r.produce(path, kind, view, func(v any) ([]byte, error) {
		var h uint64
		if c := r.opts.Cache; c != nil {
			h = c.viewHash(kind, v)
			if b, ok := c.page(path, h); ok {
				return b, nil
			}
		}
		b, d := r.opts.Templates.Render(kind, v)
		if d != nil {
			r.add(*d)
			return nil, fmt.Errorf("%s", d.Message)
		}
		if c := r.opts.Cache; c != nil {
			c.storePage(path, h, b)
		}
		return b, nil
	})
}

func (r *renderer) jobs() []job {
	a := r.a
	var js []job
	// Views and feeds are built by the renderer the job is given (which
	// may be in key mode; see reuse.go), never by the r of this closure.
	only := r.opts.Only
	add := func(rel, kind string, view func(r *renderer) any) {
		if only != nil && !only[outputPath(rel)] {
			return
		}
		js = append(js, func(r *renderer) (Output, error) { return r.pageOf(rel, kind, view) })
	}
	add("", "home", func(r *renderer) any { return r.homeView() })
	// paged adds the pages of a long list (paginate.go): page 1 at rel.
	paged := func(rel, kind string, items int, view func(r *renderer, n int) any) {
		for n := 1; n <= pageCount(items); n++ {
			add(pageRel(rel, n), kind, func(r *renderer) any { return view(r, n) })
		}
	}
	paged("dialogues/", "dialogues", len(a.Dialogues), func(r *renderer, n int) any { return r.dialoguesView(n) })
	feed := func(rel string, value func(r *renderer) atomFeed) {
		if only != nil && !only[rel] {
			return
		}
		js = append(js, func(r *renderer) (Output, error) { return r.atomFile(rel, value) })
	}
	for _, d := range a.Dialogues {
		add(d.URL(), "dialogue", func(r *renderer) any { return r.dialogueView(d) })
		feed(feedPath(d.URL()), func(r *renderer) atomFeed { return r.dialogueFeed(d) })
	}
	for _, rd := range a.Rounds {
		add(rd.URL(), "round", func(r *renderer) any { return r.roundView(rd) })
	}
	add("participants/", "participants", func(r *renderer) any { return r.participantsView() })
	for _, e := range a.Participants {
		paged(e.URL(), "participant", len(e.Rounds), func(r *renderer, n int) any { return r.participantView(e, n) })
		feed(feedPath(e.URL()), func(r *renderer) atomFeed { return r.entityFeed(e) })
	}
	add("topics/", "topics", func(r *renderer) any { return r.topicsView() })
	for _, e := range a.Topics {
		paged(e.URL(), "topic", len(e.Rounds), func(r *renderer, n int) any { return r.topicView(e, n) })
		feed(feedPath(e.URL()), func(r *renderer) atomFeed { return r.entityFeed(e) })
	}
	paged("archive/", "archive", len(a.Rounds), func(r *renderer, n int) any { return r.archiveView(n) })
	for _, p := range a.Pages {
		add(p.URL(), "page", func(r *renderer) any { return r.standaloneView(p) })
	}
	add("404.html", "404", func(r *renderer) any { return r.notFoundView() })
	if only != nil {
		return js
	}
	js = append(js, r.searchJobs()...)
	feed("feed.xml", func(r *renderer) atomFeed { return r.feed() })
	js = append(js,
		func(r *renderer) (Output, error) {
			return r.produce("sitemap.xml", "sitemap", func(r *renderer) any { return r.sitemap() },
				func(v any) ([]byte, error) { return marshalXML(v), nil })
		},
		func(r *renderer) (Output, error) {
			return Output{Path: "robots.txt", Kind: "robots", Data: r.robots()}, nil
		},
		func(r *renderer) (Output, error) {
			return Output{Path: "assets/syntax.css", Kind: "asset", Data: markdown.SyntaxCSS(r.opts.Config.HighlightStyle)}, nil
		},
	)
	assets := r.opts.Templates.Assets()
	names := make([]string, 0, len(assets))
	for n := range assets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data := assets[n]
		js = append(js, func(*renderer) (Output, error) { return Output{Path: n, Kind: "asset", Data: data}, nil })
	}
	return js
}

// markdown renders a body of file, reporting problems at file positions.
func (r *renderer) markdown(file string, body content.Markdown) template.HTML {
	if r.keyMode {
		return r.keyMarkdown(file, body)
	}
	text, err := body.Bytes() // may read the file again (content.Options.LazyBodies)
	if err != nil {
		r.add(diag.Diagnostic{Pos: diag.Pos{File: file, Line: body.Line}, Severity: diag.Error, Code: "unreadable", Message: err.Error()})
		return ""
	}
	if isBlank(text) {
		return ""
	}
	k := mdKey{file: file, line: body.Line}
	return r.rendered(k, text, trustedHTML(r.renderMarkdown(k, text).HTML))
}

func isBlank(text []byte) bool { return len(bytes.TrimSpace(text)) == 0 }

func (r *renderer) inline(file string, in content.Inline) template.HTML {
	if r.keyMode {
		return r.keyText(mdKey{file: file, line: in.Line, inline: true}, []byte(in.Text))
	}
	k := mdKey{file: file, line: in.Line, inline: true}
	return r.rendered(k, []byte(in.Text), trustedHTML(r.renderMarkdown(k, []byte(in.Text)).HTML))
}

// renderMarkdown renders (or reuses) one Markdown text and reports its
// problems.
func (r *renderer) renderMarkdown(k mdKey, text []byte) markdown.Result {
	resolve := r.resolver(k.file).resolve
	c := r.opts.Cache
	if c != nil {
		if res, ok := c.markdown(k, text, resolve); ok {
			r.problems(k.file, res.Problems)
			return res
		}
	}
	var links []resolvedLink
	record := func(dest string) (string, string) {
		out, problem := resolve(dest)
		links = append(links, resolvedLink{dest, out, problem})
		return out, problem
	}
	var res markdown.Result
	if k.inline {
		res = r.opts.Markdown.RenderInline(string(text), k.line, record)
	} else {
		res = r.opts.Markdown.Render(text, k.line, record)
	}
	if c != nil {
		c.storeMarkdown(k, text, res, links)
	}
	r.memoise(k, text, res, links)
	r.problems(k.file, res.Problems)
	return res
}

// memoise records a render for the keys of this build and the next
// (reuse.go); links are all the destinations the render resolved.
func (r *renderer) memoise(k mdKey, text []byte, res markdown.Result, links []resolvedLink) {
	if r.keys == nil {
		return
	}
	e := mdMemo{Problems: res.Problems}
	for _, l := range links {
		if !standsAlone(l.dest) {
			e.Links = append(e.Links, l.dest)
		}
	}
	r.keys.store(mdID(k, text), e)
}

func (r *renderer) problems(file string, ps []markdown.Problem) {
	for _, p := range ps {
		sev := diag.Error
		if p.Warning {
			sev = diag.Warning
		}
		r.add(diag.Diagnostic{Pos: diag.Pos{File: file, Line: p.Line, Col: p.Col}, Severity: sev, Code: p.Code, Message: p.Message})
	}
}

func (r *renderer) resolver(file string) resolver {
	return resolver{u: r.u, file: file, byFile: r.a.URLs, drafts: r.a.Drafts, content: r.opts.Content, exists: func(rel string) bool {
		return r.pages[rel] || r.opts.Static[rel] || r.opts.Static[rel+"index.html"]
	}}
}
