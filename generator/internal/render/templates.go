package render

// The template loader.
//
// Input: two fs.FS trees of layouts, the built-in defaults (the repository's
// layouts/ folder, embedded in the binary) and the site's own layouts/ folder
// (optional). Both hold html/template files and an assets/ folder:
//
//	base.html        defines "base", the page shell
//	partials.html    shared {{define}}s
//	<kind>.html      one per page kind (see Kinds); defines "main" and may
//	                 define "title" and "head-extra"
//	assets/…         files emitted under /assets/ (style.css, …)
//
// A site file replaces the built-in file of the same name. Any other site
// *.html file is parsed into every page's template set (after partials.html,
// before <kind>.html), so it can add or replace {{define}}s; it gets an
// "unused-layout" warning when none of its definitions is called. Site files
// under assets/ replace built-in assets by name; others are added.
//
// Output: a *Templates whose Render executes "base" for one page kind with a
// view (the structs in view.go) and returns the bytes, and whose Assets
// returns the merged assets. Load parses everything once; Render is safe for
// concurrent use. Load also escapes every page kind's set and compiles it
// for the fast executor (fast_exec.go), which Render uses where it can:
// the bytes are html/template's, at a fraction of its cost.
//
// Failure: Load never stops at the first problem. Every site file is parsed
// and each problem becomes a positioned diag.Diagnostic:
//
//	template-syntax  a file that does not parse, or whose HTML context is
//	                 ambiguous (html/template escaping), at file:line[:col]
//	missing-layout   a page kind whose base, "base" or "main" is missing
//	unused-layout    (warning) a site file that overrides nothing and is used
//	                 by nothing, with a did-you-mean suggestion
//	layout-read      a file that cannot be read or is a symlink; (warning)
//	                 a file that is neither .html nor under assets/
//
// A site file that does not parse is replaced by the built-in file of the
// same name, so the other pages still render and every error can be shown at
// once; callers must treat error diagnostics as fatal for a build. Render
// reports execution errors and panics as "template-exec" at the layout's
// file:line:col. Site files are named "<sitePrefix>/<name>"; built-in ones
// "built-in layouts/<name>".

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"

	"briefings/generator/internal/diag"
)

// builtinPrefix names built-in layout files in diagnostics.
const builtinPrefix = "built-in layouts/"

// kinds are the page kinds, each rendered with <kind>.html.
var kinds = [...]string{
	"home", "dialogues", "dialogue", "round", "participants", "participant",
	"topics", "topic", "archive", "page", "search", "404",
}

// Kinds returns the page kinds in a fixed order; each is rendered with the
// layout file <kind>.html.
func Kinds() []string { return slices.Clone(kinds[:]) }

// Templates is a loaded set of layouts: one parsed template set per page
// kind, plus the merged assets. It is immutable after Load (but for the
// fast executor's caches of field lookups and its count of bails).
type Templates struct {
	sets    map[string]*template.Template // kind → set holding "base"
	fast    map[string]*fastProgram       // kind → its escaped set, compiled (fast_exec.go)
	display map[string]string             // layout file name → name in diagnostics
	assets  map[string][]byte             // "assets/style.css" → bytes
	bufs    sync.Pool                     // *bytes.Buffer for Render
	// fastBails counts the pages the fast executor left to html/template
	// (for tests; see fast_exec.go).
	fastBails atomic.Int64
}

// layoutFile is one template file.
type layoutFile struct {
	name string // slash path relative to the layouts folder, e.g. "round.html"
	src  string
	site bool
}

// Load parses the defaults and the site's overrides. site may be nil (no
// layouts/ folder). sitePrefix is the path used in diagnostics for site
// files (e.g. "layouts"). The returned Templates is never nil; the
// diagnostics are sorted.
func Load(defaults fs.FS, site fs.FS, sitePrefix string) (*Templates, []diag.Diagnostic) {
	l := loader{
		sitePrefix: sitePrefix,
		defaults:   map[string]layoutFile{},
		site:       map[string]layoutFile{},
		t: &Templates{
			sets:    map[string]*template.Template{},
			fast:    map[string]*fastProgram{},
			display: map[string]string{},
			assets:  map[string][]byte{},
		},
	}
	l.read(defaults, false)
	if site != nil {
		l.read(site, true)
	}
	l.build()
	diag.Sort(l.diags)
	return l.t, l.diags
}

type loader struct {
	sitePrefix string
	defaults   map[string]layoutFile
	site       map[string]layoutFile
	t          *Templates
	diags      []diag.Diagnostic
}

func (l *loader) displayName(name string, site bool) string {
	if !site {
		return builtinPrefix + name
	}
	if l.sitePrefix == "" {
		return name
	}
	return path.Join(l.sitePrefix, name)
}

func (l *loader) add(d diag.Diagnostic) { l.diags = append(l.diags, d) }

// read collects the layouts and assets of one tree.
func (l *loader) read(fsys fs.FS, site bool) {
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			l.add(diag.Diagnostic{Pos: diag.Pos{File: l.displayName(p, site)}, Code: "layout-read",
				Message: fmt.Sprintf("cannot read: %v", err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == "." {
			return nil
		}
		if ignoredName(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			// Symlinks could lead out of the site; they are never followed.
			l.add(diag.Diagnostic{Pos: diag.Pos{File: l.displayName(p, site)}, Code: "layout-read",
				Message: fmt.Sprintf("%s is a symlink or special file; layouts must be regular files", l.displayName(p, site))})
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			l.add(diag.Diagnostic{Pos: diag.Pos{File: l.displayName(p, site)}, Code: "layout-read",
				Message: fmt.Sprintf("cannot read: %v", err)})
			return nil
		}
		switch {
		case strings.HasPrefix(p, "assets/"):
			l.t.assets[p] = data // site files come second and replace defaults
		case strings.HasSuffix(p, ".html"):
			lay := layoutFile{name: p, src: string(data), site: site}
			if site {
				l.site[p] = lay
			} else {
				l.defaults[p] = lay
			}
		case site:
			l.add(diag.Diagnostic{Pos: diag.Pos{File: l.displayName(p, site)}, Severity: diag.Warning,
				Code: "layout-read", Message: fmt.Sprintf("%s is neither a .html layout nor under assets/ and is ignored", l.displayName(p, site))})
		}
		return nil
	})
	if err != nil {
		l.add(diag.Diagnostic{Pos: diag.Pos{File: l.displayName(".", site)}, Code: "layout-read",
			Message: fmt.Sprintf("cannot read layouts: %v", err)})
	}
}

// ignored reports whether a file name is hidden or an editor's temporary
// file, which are never layouts.
func ignoredName(name string) bool {
	return strings.HasPrefix(name, ".") ||
		strings.HasSuffix(name, "~") ||
		strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".swx") ||
		strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".bak") ||
		(strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#")) ||
		strings.Contains(name, "___jb_") || name == "4913"
}

// standardNames are the layout files the generator knows by name.
func standardNames() []string {
	names := []string{"base.html", "partials.html"}
	for _, k := range kinds {
		names = append(names, k+".html")
	}
	return names
}

// check parses one file on its own and reports a syntax error.
func (l *loader) check(lay layoutFile) bool {
	_, err := template.New(lay.name).Parse(lay.src)
	if err == nil {
		return true
	}
	file := l.displayName(lay.name, lay.site)
	l.add(toDiag(err, "template-syntax", file, func(string) string { return file }))
	return false
}

func (l *loader) build() {
	// Choose the effective copy of every file: the site's when it parses,
	// else the default.
	eff := map[string]layoutFile{}
	for _, name := range slices.Sorted(maps.Keys(l.defaults)) {
		if lay := l.defaults[name]; l.check(lay) {
			eff[name] = lay
		}
	}
	std := standardNames()
	var extras []layoutFile
	for _, name := range slices.Sorted(maps.Keys(l.site)) {
		lay := l.site[name]
		if !l.check(lay) {
			continue
		}
		if _, isDefault := l.defaults[name]; isDefault || slices.Contains(std, name) {
			eff[name] = lay
		} else {
			extras = append(extras, lay)
		}
	}
	for name, lay := range eff {
		l.t.display[name] = l.displayName(name, lay.site)
	}
	for _, lay := range extras {
		l.t.display[lay.name] = l.displayName(lay.name, true)
	}

	probes := newProbes()
	refs := refIndex{}
	for _, kind := range kinds {
		set := l.buildSet(kind, eff, extras)
		if set == nil {
			continue
		}
		refs.collect(set)
		l.t.sets[kind] = set
	}
	l.reportUnused(extras, refs, std)

	// Escape every set now (html/template does it on first execution), so
	// context errors are reported by Load and later Renders only read.
	for _, kind := range kinds {
		set := l.t.sets[kind]
		if set == nil {
			continue
		}
		if err := warmUp(set); err != nil {
			d := toDiag(err, "template-syntax", l.t.display[kind+".html"], l.t.displayIn(set))
			if !slices.Contains(l.diags, d) {
				l.add(d)
			}
			continue
		}
		// A set the fast executor does not support is rendered by
		// html/template alone; that is a matter of speed, not a problem.
		if prog, err := compileFast("base", escapedTrees(set), probes); err == nil {
			l.t.fast[kind] = prog
		}
	}
}

// buildSet parses base.html, partials.html, the site's extra files and
// <kind>.html into one set, in that order (later definitions win).
func (l *loader) buildSet(kind string, eff map[string]layoutFile, extras []layoutFile) *template.Template {
	files := []layoutFile{}
	for _, name := range []string{"base.html", "partials.html"} {
		lay, ok := eff[name]
		if !ok {
			l.add(diag.Diagnostic{Pos: diag.Pos{File: l.displayName(name, false)}, Code: "missing-layout",
				Message: fmt.Sprintf("no usable %s: the %s page cannot be rendered", name, kind)})
			return nil
		}
		files = append(files, lay)
	}
	files = append(files, extras...)
	kindFile := kind + ".html"
	lay, ok := eff[kindFile]
	if !ok {
		l.add(diag.Diagnostic{Pos: diag.Pos{File: l.displayName(kindFile, false)}, Code: "missing-layout",
			Message: fmt.Sprintf("no usable %s: the %s page cannot be rendered", kindFile, kind)})
		return nil
	}
	files = append(files, lay)

	set := template.New(files[0].name)
	for i, f := range files {
		t := set
		if i > 0 {
			t = set.New(f.name)
		}
		if _, err := t.Parse(f.src); err != nil {
			// Unreachable when check passed; reported for safety.
			file := l.displayName(f.name, f.site)
			l.add(toDiag(err, "template-syntax", file, func(string) string { return file }))
			return nil
		}
	}
	for _, need := range []struct{ name, file string }{{"base", "base.html"}, {"main", kindFile}} {
		if t := set.Lookup(need.name); t == nil || t.Tree == nil {
			d := diag.Diagnostic{Pos: diag.Pos{File: l.t.display[need.file]}, Code: "missing-layout",
				Message: fmt.Sprintf("%s defines no %q template", l.t.display[need.file], need.name)}
			if !slices.Contains(l.diags, d) {
				l.add(d)
			}
			return nil
		}
	}
	return set
}

// warmUp runs the set once so html/template escapes it, and returns an
// escaping error; execution errors (the data is nil) are expected and
// ignored.
func warmUp(set *template.Template) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = nil
		}
	}()
	execErr := set.ExecuteTemplate(io.Discard, "base", nil)
	var escErr *template.Error
	if errors.As(execErr, &escErr) {
		return execErr
	}
	return nil
}

// refIndex records, per set, which file defines each template and which
// template names each file calls.
type refIndex struct {
	uses []templateUse
}

type templateUse struct {
	caller string // file that calls
	callee string // file whose definition is the one called
}

func (r *refIndex) collect(set *template.Template) {
	owner := map[string]string{}
	for _, t := range set.Templates() {
		if t.Tree != nil {
			owner[t.Name()] = t.Tree.ParseName
		}
	}
	// The renderer itself executes "base".
	r.uses = append(r.uses, templateUse{caller: "", callee: owner["base"]})
	for _, t := range set.Templates() {
		if t.Tree == nil || t.Tree.Root == nil {
			continue
		}
		caller := t.Tree.ParseName
		walkCalls(t.Tree.Root, func(name string) {
			if callee, ok := owner[name]; ok {
				r.uses = append(r.uses, templateUse{caller: caller, callee: callee})
			}
		})
	}
}

// walkCalls calls fn with the name of every {{template}} call under n.
func walkCalls(n parse.Node, fn func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkCalls(c, fn)
		}
	case *parse.IfNode:
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.RangeNode:
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.WithNode:
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.TemplateNode:
		fn(n.Name)
	}
}

// reportUnused warns about site files that override no built-in layout and
// whose definitions are called by no other file.
func (l *loader) reportUnused(extras []layoutFile, refs refIndex, std []string) {
	candidates := slices.Clone(std)
	for name := range l.defaults {
		if !slices.Contains(candidates, name) {
			candidates = append(candidates, name)
		}
	}
	slices.Sort(candidates)
	for _, lay := range extras {
		used := false
		for _, u := range refs.uses {
			if u.callee == lay.name && u.caller != lay.name {
				used = true
				break
			}
		}
		if used {
			continue
		}
		file := l.displayName(lay.name, true)
		d := diag.Diagnostic{Pos: diag.Pos{File: file}, Severity: diag.Warning, Code: "unused-layout",
			Message: file + " overrides no built-in layout and is used by none"}
		if s := diag.Suggest(lay.name, candidates); s != "" {
			d.Suggestion = fmt.Sprintf("did you mean %q?", s)
		}
		l.add(d)
	}
}

// errPos matches the position prefix of text/template and html/template
// errors: "template: round.html:12: …", "template: round.html:12:5: …",
// "html/template:round.html:12:5: …".
var errPos = regexp.MustCompile(`(?s)^(?:html/)?template: ?(.+?):(\d+)(?::(\d+))?: (.*)$`)

// errName matches html/template errors that name a template but no line:
// "html/template:base: …".
var errName = regexp.MustCompile(`(?s)^html/template: ?([^:\s]+): (.*)$`)

// displayIn names, for diagnostics, the layout file that holds name, a
// file name or a template name defined in set.
func (t *Templates) displayIn(set *template.Template) func(string) string {
	return func(name string) string {
		if d, ok := t.display[name]; ok {
			return d
		}
		if tt := set.Lookup(name); tt != nil && tt.Tree != nil {
			if d, ok := t.display[tt.Tree.ParseName]; ok {
				return d
			}
		}
		return name
	}
}

// toDiag turns a template error into a diagnostic. fallback names the file
// when the error carries no position; display maps a template file name to
// its name in diagnostics. Columns from the template packages are 0-based
// byte offsets; Pos.Col is 1-based.
func toDiag(err error, code, fallback string, display func(string) string) diag.Diagnostic {
	d := diag.Diagnostic{Pos: diag.Pos{File: fallback}, Severity: diag.Error, Code: code, Message: err.Error()}
	m := errPos.FindStringSubmatch(err.Error())
	if m == nil {
		if m := errName.FindStringSubmatch(err.Error()); m != nil {
			d.Pos.File = display(m[1])
			d.Message = m[2]
		}
		return d
	}
	d.Pos.File = display(m[1])
	d.Pos.Line, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		col, _ := strconv.Atoi(m[3])
		d.Pos.Col = col + 1
	}
	d.Message = m[4]
	return d
}

// Render executes the page template for kind (e.g. "round") with view and
// returns the bytes. Execution errors and panics become a "template-exec"
// diagnostic at the layout's file:line:col. Safe for concurrent use.
//
// The escaped templates are executed by the fast executor (fast_exec.go)
// when it supports the kind's set, and by html/template otherwise or when
// the fast executor leaves the page to it; the bytes are the same.
func (t *Templates) Render(kind string, view any) (out []byte, d *diag.Diagnostic) {
	return t.render(kind, view, true)
}

// render is Render; with fast false it always uses html/template (for
// tests that compare the two).
func (t *Templates) render(kind string, view any, fast bool) (out []byte, d *diag.Diagnostic) {
	file := kind + ".html"
	set := t.sets[kind]
	if set == nil {
		msg := fmt.Sprintf("unknown page kind %q", kind)
		if slices.Contains(kinds[:], kind) {
			msg = fmt.Sprintf("the %s layout did not load; see the errors reported for it", kind)
		}
		return nil, &diag.Diagnostic{Pos: diag.Pos{File: t.display[file]}, Severity: diag.Error,
			Code: "template-exec", Message: msg}
	}
	defer func() {
		if r := recover(); r != nil {
			out = nil
			d = &diag.Diagnostic{Pos: diag.Pos{File: t.display[file]}, Severity: diag.Error,
				Code: "template-exec", Message: fmt.Sprintf("rendering the %s page panicked: %v", kind, r)}
		}
	}()
	// Execute into a reused buffer and return an exact-size copy: a page
	// grown from an empty buffer is reallocated and copied about ten times
	// (BenchmarkRoundPage: 81 KB allocated for a 20 KB page).
	buf, _ := t.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			t.bufs.Put(buf)
		}
	}()
	if prog := t.fast[kind]; fast && prog != nil {
		if prog.run(buf, view) == nil {
			return bytes.Clone(buf.Bytes()), nil
		}
		buf.Reset() // errFastBail: html/template renders the page
		t.fastBails.Add(1)
	}
	if err := set.ExecuteTemplate(buf, "base", view); err != nil {
		dd := toDiag(err, "template-exec", t.display[file], t.displayIn(set))
		return nil, &dd
	}
	return bytes.Clone(buf.Bytes()), nil
}

// maxPooledPage is the largest buffer Render keeps for reuse.
const maxPooledPage = 1 << 20

// Assets returns the merged assets, keyed by their path under the layouts
// folder ("assets/style.css"): built-in files replaced or joined by the
// site's. The map and its byte slices are the caller's to keep.
func (t *Templates) Assets() map[string][]byte {
	out := make(map[string][]byte, len(t.assets))
	for k, v := range t.assets {
		out[k] = bytes.Clone(v)
	}
	return out
}
