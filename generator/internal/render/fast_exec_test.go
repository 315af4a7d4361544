package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"briefings"
	"briefings/generator/internal/bench/corpus"
	"briefings/generator/internal/config"
	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/link"
	"briefings/generator/internal/markdown"
	"briefings/generator/internal/sitetest"
)

// The fast executor (fast_exec.go) must write exactly what html/template
// writes. These tests render the same views both ways and compare bytes:
// every page of real sites, small templates for each rule of
// text/template it follows, and (FuzzFastEscapers) arbitrary text in
// every escaping context.

// renderBoth renders view with the fast executor and with html/template
// alone, and reports whether the fast executor had to leave the page to
// html/template.
func renderBoth(t testing.TB, tm *Templates, kind string, view any) (fast, slow []byte, bailed bool) {
	t.Helper()
	before := tm.fastBails.Load()
	fast, d1 := tm.render(kind, view, true)
	bailed = tm.fastBails.Load() != before
	slow, d2 := tm.render(kind, view, false)
	if (d1 == nil) != (d2 == nil) || (d1 != nil && *d1 != *d2) {
		t.Fatalf("%s: diagnostics differ: fast %v, html/template %v", kind, d1, d2)
	}
	return fast, slow, bailed
}

func TestFastExecutorCoversDefaultLayouts(t *testing.T) {
	tm := mustLoad(t, nil)
	for _, kind := range Kinds() {
		if tm.fast[kind] == nil {
			_, err := compileFast("base", escapedTrees(tm.sets[kind]), newProbes())
			t.Errorf("the fast executor does not run the default %s layout: %v", kind, err)
		}
	}
}

func TestFastExecutorMatchesOnViews(t *testing.T) {
	tm := mustLoad(t, nil)
	views := map[string]featureView{}
	for kind, v := range fullViews() {
		views["full-"+kind] = featureView{kind, v}
	}
	for kind, v := range minimalViews() {
		views["minimal-"+kind] = featureView{kind, v}
	}
	maps.Copy(views, featureViews(t))
	for _, name := range slices.Sorted(maps.Keys(views)) {
		v := views[name]
		fast, slow, bailed := renderBoth(t, tm, v.kind, v.view)
		if bailed {
			t.Errorf("%s: the fast executor left the page to html/template", name)
		}
		if !bytes.Equal(fast, slow) {
			t.Errorf("%s: output differs\n%s", name, firstDiff(fast, slow))
		}
	}
}

// firstDiff shows where two outputs first differ.
func firstDiff(fast, slow []byte) string {
	i := 0
	for i < len(fast) && i < len(slow) && fast[i] == slow[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("at byte %d:\nfast:          %q\nhtml/template: %q", i, fast[lo:min(len(fast), i+80)], slow[lo:min(len(slow), i+80)])
}

// siteOutputs renders every file of a site (config.yaml, content/,
// static/ and optional layouts/ in fsys) with tm, or with html/template
// alone when slow.
func siteOutputs(t *testing.T, fsys fs.FS, tm *Templates, slow bool) map[string][]byte {
	t.Helper()
	raw, err := fs.ReadFile(fsys, "config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, ds := config.Parse("config.yaml", raw)
	if diag.HasErrors(ds) {
		t.Fatal(ds)
	}
	var files []content.File
	paths, static := map[string]bool{}, map[string]bool{}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case strings.HasPrefix(p, "content/"):
			data, err := fs.ReadFile(fsys, p)
			files = append(files, content.File{Path: p, Data: data})
			paths[p] = true
			return err
		case strings.HasPrefix(p, "static/"):
			static[strings.TrimPrefix(p, "static/")] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	site, _ := content.Parse(files, content.Options{Limits: cfg.Limits})
	a, _ := link.Link(site, link.Options{})
	use := tm
	if slow {
		use = withoutFast(t, tm)
	}
	out := map[string][]byte{}
	var mu sync.Mutex
	ds = Site(a, Options{Config: cfg, Templates: use, Markdown: markdown.New(markdown.Options{UnsafeHTML: cfg.UnsafeHTML}), Static: static, Content: paths},
		func(o Output) error {
			mu.Lock()
			out[o.Path] = o.Data
			mu.Unlock()
			return nil
		})
	for _, d := range ds {
		if d.Code == "template-exec" {
			t.Fatalf("render: %v", d)
		}
	}
	return out
}

// withoutFast returns templates loaded like tm that never use the fast
// executor.
func withoutFast(t *testing.T, tm *Templates) *Templates {
	t.Helper()
	return &Templates{sets: tm.sets, fast: map[string]*fastProgram{}, display: tm.display, assets: tm.assets}
}

// siteLayouts returns the layouts/ folder of a site, or nil.
func siteLayouts(t *testing.T, fsys fstest.MapFS) fs.FS {
	t.Helper()
	for p := range fsys {
		if strings.HasPrefix(p, "layouts/") {
			sub, err := fs.Sub(fsys, "layouts")
			if err != nil {
				t.Fatal(err)
			}
			return sub
		}
	}
	return nil
}

func readTxtar(t *testing.T, file string) fstest.MapFS {
	t.Helper()
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for _, f := range a.Files {
		m[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return m
}

// TestFastExecutorMatchesHTMLTemplate renders every page of the
// repository's own site, of the build tests' sites (hostile text in every
// field, layout overrides, citations) and of a generated 300-round
// archive with the fast executor and with html/template, and compares
// every output file byte for byte.
func TestFastExecutorMatchesHTMLTemplate(t *testing.T) {
	sites := map[string]fstest.MapFS{"repository": sitetest.RepoSite(t)}
	archives, _ := filepath.Glob("../build/testdata/sites/*.txtar")
	if len(archives) == 0 {
		t.Fatal("no test sites found in ../build/testdata/sites")
	}
	for _, f := range archives {
		sites[strings.TrimSuffix(filepath.Base(f), ".txtar")] = readTxtar(t, f)
	}
	if testing.Short() {
		t.Log("-short: the 300-round archive is left out")
	} else {
		m, _, err := corpus.Map(corpus.Options{Rounds: 300, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		sites["corpus-300"] = m
	}
	for _, name := range slices.Sorted(maps.Keys(sites)) {
		t.Run(name, func(t *testing.T) {
			fsys := sites[name]
			tm, ds := Load(briefings.DefaultLayouts(), siteLayouts(t, fsys), "layouts")
			if diag.HasErrors(ds) {
				t.Fatal(ds)
			}
			fast := siteOutputs(t, fsys, tm, false)
			bails := tm.fastBails.Load()
			slow := siteOutputs(t, fsys, tm, true)
			pages := 0
			for _, p := range slices.Sorted(maps.Keys(slow)) {
				if strings.HasSuffix(p, ".html") {
					pages++
				}
				if !bytes.Equal(fast[p], slow[p]) {
					t.Errorf("%s differs\n%s", p, firstDiff(fast[p], slow[p]))
				}
			}
			if len(fast) != len(slow) {
				t.Errorf("%d files with the fast executor, %d without", len(fast), len(slow))
			}
			if pages == 0 {
				t.Fatal("no pages rendered")
			}
			// Only pages whose text html/template treats specially (trusted
			// HTML in an attribute is stripped of its tags) may be left
			// to html/template; none of these sites has one.
			if bails != 0 {
				t.Errorf("the fast executor left %d of %d pages to html/template", bails, pages)
			}
			t.Logf("%d files, %d pages identical", len(slow), pages)
		})
	}
}

// TestFastExecutorRunsSiteOverrides: a site's partials.html that
// overrides "round-item", and overrides of base.html and round.html, are
// executed by the fast executor, with html/template's bytes.
func TestFastExecutorRunsSiteOverrides(t *testing.T) {
	partials, err := fs.ReadFile(briefings.DefaultLayouts(), "partials.html")
	if err != nil {
		t.Fatal(err)
	}
	const item = `{{define "round-item"}}<li class="my-item" data-n="{{.Number}}"><a href="{{.URL}}">{{.Title}}</a>{{with .Location}} ({{.}}){{end}}</li>{{end}}`
	// partials.html with its "round-item" replaced.
	start := bytes.Index(partials, []byte(`{{define "round-item"`))
	end := bytes.Index(partials[max(start, 0):], []byte("</li>\n{{- end}}"))
	if start < 0 || end < 0 {
		t.Fatal(`no "round-item" in the built-in partials.html`)
	}
	end += start + len("</li>\n{{- end}}")
	mine := slices.Concat(partials[:start], []byte(item), partials[end:])
	base, err := fs.ReadFile(briefings.DefaultLayouts(), "base.html")
	if err != nil {
		t.Fatal(err)
	}
	myBase := bytes.Replace(base, []byte(`<body>`), []byte(`<body class="{{.Kind}}">`), 1)
	if bytes.Equal(myBase, base) {
		t.Fatal("base.html has no <body>")
	}
	views := fullViews()
	rv := views["round"].(RoundView)
	rv.Related[0].Location = `<Seoul & "Busan">`
	views["round"] = rv
	tv := views["topic"].(TopicView)
	tv.Years = byYear(tv.Rounds)
	views["topic"] = tv
	for _, tc := range []struct {
		name string
		site fstest.MapFS
		want map[string]string // kind → text the page must contain
	}{
		{"partials.html round-item", fstest.MapFS{"partials.html": {Data: mine}}, map[string]string{
			"round":    `<li class="my-item" data-n="1"><a href="/briefings/dialogues/kr-us-nk-human-rights/round-2/">`,
			"archive":  `<li class="my-item" data-n="`,
			"topic":    `<li class="my-item" data-n="`,
			"dialogue": `<li class="my-item" data-n="`,
			"home":     `<li class="my-item" data-n="`,
		}},
		{"extra file round-item", fstest.MapFS{"items.html": {Data: []byte(item)}}, map[string]string{
			"round": ` (&lt;Seoul &amp; &#34;Busan&#34;&gt;)</li>`,
		}},
		{"base.html and round.html", fstest.MapFS{
			"base.html":  {Data: myBase},
			"round.html": {Data: []byte(`{{define "main"}}<h1>{{.Title}}</h1><p title="{{.Round.Summary}}">{{range $i, $r := .Related}}{{if $i}}, {{end}}<a href="{{$r.URL}}">{{$r.Title}}</a>{{end}}</p>{{end}}`)},
		}, map[string]string{
			"round": `<body class="round">`,
			"topic": `<body class="topic">`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := mustLoad(t, tc.site)
			def := mustLoad(t, nil)
			for _, kind := range Kinds() {
				if tm.fast[kind] == nil {
					t.Fatalf("the fast executor does not run the overridden %s layout", kind)
				}
				fast, slow, bailed := renderBoth(t, tm, kind, views[kind])
				if bailed {
					t.Errorf("%s: left to html/template", kind)
				}
				if !bytes.Equal(fast, slow) {
					t.Errorf("%s: output differs\n%s", kind, firstDiff(fast, slow))
				}
				if want, ok := tc.want[kind]; ok {
					if !strings.Contains(string(fast), want) {
						t.Errorf("%s page lacks the override's %q", kind, want)
					}
					if strings.Contains(string(render(t, def, kind, views[kind])), want) {
						t.Errorf("%s: the default layouts also write %q; the test proves nothing", kind, want)
					}
				}
			}
		})
	}
}

// TestFastExecutorLeavesUnsupportedToHTMLTemplate: a layout using what the
// fast executor does not support still renders, by html/template, with the
// same bytes and the same errors.
func TestFastExecutorLeavesUnsupportedToHTMLTemplate(t *testing.T) {
	page := fullViews()["page"].(StandaloneView)
	for _, tc := range []struct {
		name, main string
		compiled   bool // the fast executor runs the layout, but bails on this page
		errs       bool // html/template reports an error
	}{
		{"printf", `<h1>{{printf "%s!" .Title}}</h1>`, false, false},
		{"index", `<h1>{{index .Breadcrumbs 0}}</h1>`, false, false},
		{"css", `<h1 style="color: {{.Title}}">x</h1>`, false, false},
		{"js string", `<h1 onclick="f('{{.Title}}')">x</h1>`, false, false},
		{"method", `<h1>{{.Boom}}</h1>`, true, true},
		{"nil pointer", `<h1>{{.LinkedData.Name}}</h1>`, true, true},
		{"unknown field", `<h1>{{.Nope}}</h1>`, true, true},
		{"map", `<h1>{{.Site.Title}}</h1>{{range .Breadcrumbs}}{{.Title}}{{end}}{{with .LinkedData}}{{.Name}}{{end}}{{.Tags.x}}`, true, true},
		{"range over int", `<h1>{{range 3}}{{.}}{{end}}</h1>`, true, false},
		{"eq of strings and ints", `<h1>{{if eq .Title 1}}x{{end}}</h1>`, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := mustLoad(t, fstest.MapFS{"page.html": {Data: []byte(`{{define "main"}}` + tc.main + `{{end}}`)}})
			if (tm.fast["page"] != nil) != tc.compiled {
				t.Fatalf("fast executor runs the layout: %v, want %v", tm.fast["page"] != nil, tc.compiled)
			}
			view := any(page)
			if tc.name == "method" {
				view = panicView{StandaloneView: page}
			}
			fast, slow, bailed := renderBoth(t, tm, "page", view)
			if tc.compiled && !bailed {
				t.Error("the fast executor did not leave the page to html/template")
			}
			if !bytes.Equal(fast, slow) {
				t.Errorf("output differs\n%s", firstDiff(fast, slow))
			}
			if _, d := tm.Render("page", view); (d != nil) != tc.errs {
				t.Errorf("diagnostic %v, want an error: %v", d, tc.errs)
			}
		})
	}
}

// ruleView is data for the rule tests.
type ruleView struct {
	S, Empty  string
	N, Zero   int
	U         uint8
	Big       uint64
	F         float64
	B         bool
	H         template.HTML
	Ptr       *ruleView
	Nil       *ruleView
	List      []ruleItem
	None      []ruleItem
	Arr       [2]string
	Any, Nada any
	Str       fmt.Stringer
	Err       error
	M         map[string]int
	Views     []ruleView
	ruleEmbed
	hidden string
}

// S2 is a method of *ruleView and a field of its embedded ruleEmbed:
// text/template calls the method on an addressable ruleView and reads the
// field of any other.
func (*ruleView) S2() string { return "method" }

type ruleEmbed struct{ Inner, S2 string }

type ruleItem struct {
	Name string
	N    int
	Sub  *ruleItem
}

type stringer struct{ s string }

func (s stringer) String() string { return "<" + s.s + ">" }

func newRuleView() ruleView {
	inner := ruleView{S: "inner & <b>", N: 7}
	return ruleView{
		S: `a "quoted" <tag> & 'apos' + plus`, N: 42, U: 3, Big: 1<<64 - 1, F: 2.5, B: true,
		H:    `<em>trusted</em> & <b>x</b>`,
		Ptr:  &inner,
		List: []ruleItem{{"one", 1, nil}, {"two", 2, &ruleItem{Name: "sub"}}, {"three", 3, nil}, {"four", 4, nil}},
		Arr:  [2]string{"x", "y"}, Any: "in any", Str: stringer{"str"}, Err: errors.New("an <error>"), M: map[string]int{"a": 1},
		ruleEmbed: ruleEmbed{Inner: "embedded", S2: "s2"}, hidden: "h",
		Views: []ruleView{{ruleEmbed: ruleEmbed{S2: "in a slice"}}},
	}
}

// TestFastExecutorRules runs small templates covering the rules of
// text/template that the fast executor follows, and compares with
// html/template. bail marks those where the fast executor must leave the
// page to html/template.
func TestFastExecutorRules(t *testing.T) {
	cases := []struct {
		name, src string
		bail      bool
	}{
		{"text and fields", `<p>{{.S}} {{.N}} {{.U}} {{.F}} {{.B}} {{.Empty}}|{{.Zero}}</p>`, false},
		{"trusted html", `<div>{{.H}}</div>`, false},
		{"trusted html in title", `<title>{{.H}}</title>`, false},
		{"trusted html in attribute", `<p title="{{.H}}"><p title={{.H}}><a href="{{.H}}">`, false},
		{"attributes", `<p title="{{.S}}" data-x={{.S}} data-e={{.Empty}}>`, false},
		{"urls", `<a href="{{.S}}">a</a><a href="javascript:{{.S}}">b</a><a href="/x?q={{.S}}&r={{.N}}">c</a><a href={{.S}}>d</a>`, false},
		{"url filter", `{{range .List}}<a href="{{.Name}}"></a>{{end}}<a href="{{"javascript:alert(1)"}}">x</a><a href="{{"HTTPS://x.org/a b%zz%2F"}}">y</a>`, false},
		{"pointers", `{{.Ptr.S}} {{.Ptr.N}} {{with .Ptr}}{{.S}}{{end}} {{.Nil}}`, false},
		{"nil pointer field", `{{.Nil.S}}`, true},
		{"embedded", `{{.Inner}} {{.S2}}`, false},
		{"unexported", `{{.hidden}}`, true},
		{"unexported embedded", `{{.ruleEmbed.Inner}}`, true},
		{"map", `{{.M.a}}`, true},
		{"method", `{{.Ptr.S2}}`, true},
		{"method or field", `{{.S2}}{{range .Views}}{{.S2}}{{end}}`, true},
		{"method on value", `{{.Str.String}}`, true},
		{"interfaces", `{{.Any}} {{.Nada}} {{.Str}} {{.Err}} {{with .Nada}}x{{else}}none{{end}} {{if .Str}}str{{end}}`, false},
		{"if else", `{{if .Zero}}a{{else if .Empty}}b{{else if .List}}c{{else}}d{{end}}`, false},
		{"with else", `{{with .Empty}}a{{else with .S}}[{{.}}]{{else}}c{{end}}{{with .None}}x{{else}}none{{end}}`, false},
		{"range", `{{range .List}}<li>{{.Name}}{{.N}}</li>{{else}}empty{{end}}{{range .None}}x{{else}}<p>empty</p>{{end}}{{range .Arr}}{{.}}{{end}}`, false},
		{"range variables", `{{range $i, $x := .List}}{{$i}}={{$x.Name}}({{$.N}});{{end}}{{range $x := .List}}{{$x.N}}{{end}}`, false},
		{"range assign", `{{$i := 9}}{{$x := .S}}{{range $i, $x = .List}}{{end}}{{$i}} {{$x.Name}}{{$y := 1}}{{range $y = .None}}{{end}}{{len $y}}`, false},
		{"break continue", `{{range .List}}{{if eq .N 2}}{{continue}}{{end}}{{if eq .N 3}}{{break}}{{end}}{{.Name}}{{end}}`, false},
		{"break in with", `{{range .List}}{{with .Sub}}{{break}}{{end}}{{.Name}}{{end}}`, false},
		{"scopes", `{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}{{with .S}}{{$x := 3}}{{end}}{{$x}}{{range .List}}{{$x := .N}}{{end}}{{$x}}{{range $i, $e := .List}}{{end}}{{$x}}{{range $x := .List}}{{end}}{{$x}}`, false},
		{"variables", `{{$x := .S}}{{$y := .N}}{{with .Ptr}}{{$x}} {{$x = "changed"}}{{$z := 1}}{{end}}{{$x}} {{$y}}{{if true}}{{$y = 5}}{{end}}{{$y}}`, false},
		{"dollar", `{{with .Ptr}}{{.S}} {{$.S}} {{$.Ptr.N}}{{end}}`, false},
		{"comparisons", `{{eq .N 42}} {{eq .N 1 2 42}} {{ne .S "x"}} {{lt .N 50}} {{le .N 42}} {{gt .N 42}} {{ge .N 42}} {{le .N 41}} {{lt .N 42}} {{ge .N 43}} {{gt .N 41}} {{eq .U 3}} {{lt .U 4}} {{eq .F 2.5}} {{lt .S "b"}} {{eq .B true}}`, false},
		{"mixed ints", `{{eq .N .U}} {{lt .U .N}} {{gt -1 .U}} {{eq .U -1}} {{eq -1 .Big}} {{eq .Big -1}} {{lt -1 .Big}} {{lt .Big -1}} {{eq .U .U}}`, false},
		{"bad comparison", `{{eq .S .N}}`, true},
		{"bool order", `{{lt .B .B}}`, true},
		{"and or not", `{{and .S .N}} {{and .S .Zero .N}} {{or .Empty .Zero}} {{or .Empty .S}} {{not .B}} {{not .Empty}} {{if and .List (not .None)}}yes{{end}}`, false},
		{"len", `{{len .List}} {{len .S}} {{len .Arr}} {{len .None}}`, false},
		{"len of int", `{{len .N}}`, true},
		{"pipelines", `{{.N | eq 42}} {{.S | len}} {{(len .List) | lt 2}} {{.B | not | not}}`, false},
		{"literals", `{{"a<b"}} {{1}} {{1.5}} {{0x10}} {{'a'}} {{true}} {{1e3}}`, false},
		{"templates", `{{define "t"}}[{{.}}|{{$}}]{{end}}{{template "t" .S}}{{template "t" .N}}{{template "t"}}{{range .List}}{{template "t" .Name}}{{end}}`, false},
		{"template variables", `{{define "v"}}{{$x := 2}}{{$x}}{{end}}{{$x := 1}}{{template "v"}}{{$x}}`, false},
		{"recursion", `{{define "r"}}{{.Name}}{{with .Sub}}>{{template "r" .}}{{end}}{{end}}{{range .List}}{{template "r" .}};{{end}}`, false},
		{"template in attribute", `{{define "a"}}{{.}} & more{{end}}<p title="{{template "a" .S}}">`, false},
		{"json-ld", `<script type="application/ld+json">{{.}}</script>`, false},
		{"struct pointers", `{{range .List}}{{.Sub}}{{end}}{{.Ptr}}`, false},
		{"missing nested", `{{with .Nil}}{{.S}}{{else}}no{{end}}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set, err := template.New("base").Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if err := warmUp(set); err != nil {
				t.Fatal(err)
			}
			prog, err := compileFast("base", escapedTrees(set), newProbes())
			if err != nil {
				t.Fatalf("not compiled: %v", err)
			}
			data := newRuleView()
			var want bytes.Buffer
			wantErr := set.Execute(&want, data)
			var got bytes.Buffer
			gotErr := prog.run(&got, data)
			if gotErr != nil {
				if !tc.bail {
					t.Fatalf("bailed; html/template wrote %q (error %v)", want.String(), wantErr)
				}
				return
			}
			if tc.bail {
				t.Errorf("did not bail: wrote %q; html/template wrote %q (error %v)", got.String(), want.String(), wantErr)
			}
			if wantErr != nil {
				t.Fatalf("html/template failed (%v) but the fast executor wrote %q", wantErr, got.String())
			}
			if got.String() != want.String() {
				t.Errorf("\nfast:          %q\nhtml/template: %q", got.String(), want.String())
			}
		})
	}
}

// escapeContexts puts one value in every context the fast executor
// escapes itself or through a probe.
const escapeContexts = `<p>{{.}}</p><p title="{{.}}">x</p><p title={{.}}>x</p><title>{{.}}</title>` +
	`<a href="{{.}}">x</a><a href={{.}}>x</a><a href="/s?q={{.}}">x</a><a href="/{{.}}/x">x</a>` +
	`<script type="application/ld+json">{{.}}</script><textarea>{{.}}</textarea>`

// escapeChecker compares the fast executor's escaping of values in every
// context of escapeContexts with html/template's.
type escapeChecker struct {
	set  *template.Template
	prog *fastProgram
}

func newEscapeChecker(t testing.TB) escapeChecker {
	t.Helper()
	set := template.Must(template.New("base").Parse(escapeContexts))
	if err := warmUp(set); err != nil {
		t.Fatal(err)
	}
	prog, err := compileFast("base", escapedTrees(set), newProbes())
	if err != nil {
		t.Fatal(err)
	}
	return escapeChecker{set, prog}
}

func (c escapeChecker) check(t *testing.T, data any) {
	t.Helper()
	var want, got bytes.Buffer
	wantErr := c.set.Execute(&want, data)
	if err := c.prog.run(&got, data); err != nil {
		t.Fatalf("%#v: bailed (html/template: %v)", data, wantErr)
	}
	if wantErr != nil || got.String() != want.String() {
		t.Fatalf("%#v:\nfast:          %q\nhtml/template: %q (%v)", data, got.String(), want.String(), wantErr)
	}
}

func TestFastEscapersMatch(t *testing.T) {
	c := newEscapeChecker(t)
	for _, s := range escapeSeeds {
		c.check(t, s)
		c.check(t, template.HTML(s))
	}
	for _, v := range []any{0, -17, 1 << 40, template.URL("javascript:ok()"), true, nil, stringer{"x"}, newRuleView()} {
		c.check(t, v)
	}
}

var escapeSeeds = []string{
	"", "plain", `a "quoted" <tag> & 'apos' + plus = eq`, "tab\tnew\nline\r\f\v sp",
	"\x00nul", "é ü 日本語 \u2028\u2029", "\xff\xfe invalid \xc3", "\ufdd0\ufdef\ufff0\uffff",
	"javascript:alert(1)", "JAVASCRIPT:x", "http://a.b/c?d=e&f=g#h", "mailto:x@y", "data:text/html,x",
	"/a b/c%20d%2x%zz/é", "100%", "`back`", "a/b:c", "//host/x", "~user/x_y.z-w!$*,;=@[]'()",
	`<b title="x>y">bold</b> &amp; <script>x()</script><!-- c -->`,
}

// FuzzFastEscapers compares the fast executor's escaping of arbitrary text
// in every context with html/template's.
func FuzzFastEscapers(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	c := newEscapeChecker(f)
	f.Fuzz(func(t *testing.T, s string) {
		c.check(t, s)
	})
}

// FuzzFastExecutorPages puts arbitrary text (and trusted HTML) in the
// fields of full round and topic views and compares the pages the default
// layouts make of them with html/template's.
func FuzzFastExecutorPages(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s, len(s))
	}
	tm, ds := Load(briefings.DefaultLayouts(), nil, "layouts")
	if diag.HasErrors(ds) {
		f.Fatal(ds)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		views := fullViews()
		rv := views["round"].(RoundView)
		rv.Title, rv.Description, rv.Canonical, rv.FeedTitle = s, s, s, s
		rv.Round.Summary, rv.Round.Location, rv.Round.Number = s, s, n
		rv.Participants[0].Name, rv.Participants[1].URL = s, s
		rv.Sources[0].URL, rv.Sources[1].Publisher = s, s
		rv.Related = []RoundItem{{Title: s, URL: s, Number: n, Dialogue: Link{Title: s, URL: s}, Date: Date{ISO: s, Display: s}}}
		rv.Cite.BibTeX, rv.Body = s, template.HTML(s)
		rv.Outcomes = []template.HTML{template.HTML(s)}
		rv.LinkedData = &LinkedData{Name: s, URL: s}
		tv := views["topic"].(TopicView)
		tv.Description, tv.Aliases = template.HTML(s), []string{s}
		tv.Years = []YearGroup{{Year: n, Rounds: rv.Related}}
		tv.Pagination = Pagination{Page: 1, Total: 3, Label: s, Next: s, Pages: []PageLink{{Number: n, URL: s}}}
		for kind, view := range map[string]any{"round": rv, "topic": tv} {
			fast, slow, bailed := renderBoth(t, tm, kind, view)
			if bailed {
				t.Errorf("%s: left to html/template", kind)
			}
			if !bytes.Equal(fast, slow) {
				t.Errorf("%s: output differs\n%s", kind, firstDiff(fast, slow))
			}
		}
	})
}
