package render

import (
	"bytes"
	"errors"
	"html/template"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"briefings"
	"briefings/generator/internal/diag"
)

// --- sample views -----------------------------------------------------------

func sampleSite() *SiteView {
	return &SiteView{
		Title:       "Dialogue Briefings",
		Description: "A public archive of diplomatic dialogue rounds.",
		Language:    "en",
		BaseURL:     "https://example.org/briefings/",
		HomeURL:     "/briefings/",
		StyleURL:    "/briefings/assets/style.css",
		SyntaxURL:   "/briefings/assets/syntax.css",
		FeedURL:     "/briefings/feed.xml",
		Nav: []NavItem{
			{Title: "Dialogues", URL: "/briefings/dialogues/", Current: true},
			{Title: "Participants", URL: "/briefings/participants/"},
			{Title: "Topics", URL: "/briefings/topics/"},
			{Title: "Archive", URL: "/briefings/archive/"},
		},
	}
}

func samplePage(kind, title string) Page {
	return Page{
		Site:        sampleSite(),
		Kind:        kind,
		Title:       title,
		Description: "About " + title,
		URL:         "/briefings/" + kind + "/",
		Canonical:   "https://example.org/briefings/" + kind + "/",
		Breadcrumbs: []Crumb{
			{Title: "Home", URL: "/briefings/"},
			{Title: "Dialogues", URL: "/briefings/dialogues/"},
			{Title: title},
		},
	}
}

var (
	april = Date{ISO: "2024-04-15", Display: "15 April 2024", Year: 2024}
	nov   = Date{ISO: "2023-11-08", Display: "8 November 2023", Year: 2023}
	dlg   = Link{Title: "South Korea–US dialogue on North Korean human rights", URL: "/briefings/dialogues/kr-us-nk-human-rights/"}
)

func sampleRound(n int, d Date) RoundItem {
	return RoundItem{
		Title:    "Second session of the relaunched dialogue",
		URL:      "/briefings/dialogues/kr-us-nk-human-rights/round-2/",
		Date:     d,
		Number:   n,
		Dialogue: dlg,
		Location: "Washington",
		Summary:  "Diplomats discussed access to information and accountability.",
	}
}

func sampleDialogue() DialogueItem {
	return DialogueItem{
		Title: dlg.Title, URL: dlg.URL,
		Summary:    "Bilateral dialogue relaunched in November 2023 after a hiatus.",
		Parties:    []string{"South Korea", "United States"},
		RoundCount: 2, First: nov, Latest: april,
	}
}

func counts() []CountLink {
	return []CountLink{
		{Title: "Julie Turner", URL: "/briefings/participants/julie-turner/", Count: 2},
		{Title: "Jung Pak", URL: "/briefings/participants/jung-pak/", Count: 1},
	}
}

// fullViews has every field set, for every kind.
func fullViews() map[string]any {
	r1, r2 := sampleRound(1, nov), sampleRound(2, april)
	body := template.HTML("<p>Diplomats from South Korea and the United States held a new session.</p>\n<h2>Background</h2>\n<p>The dialogue was relaunched in November.</p>")
	return map[string]any{
		"home": HomeView{
			Page: samplePage("home", "Dialogue Briefings"), Intro: "<p>Welcome.</p>",
			Latest: []RoundItem{r2, r1}, Dialogues: []DialogueItem{sampleDialogue()},
			RoundCount: 2, ParticipantCount: 3, TopicCount: 1, DialogueCount: 1,
		},
		"dialogues": DialoguesView{Page: samplePage("dialogues", "Dialogues"), Dialogues: []DialogueItem{sampleDialogue()}},
		"dialogue": DialogueView{
			Page: samplePage("dialogue", dlg.Title), Dialogue: sampleDialogue(), Body: body,
			Timeline:  []TimelineEntry{{Round: r1}, {Gap: true, Missing: "2–3"}, {Round: sampleRound(4, april)}},
			NextRound: "Second half of 2024", NextFrom: &r2,
		},
		"round": RoundView{
			Page:  samplePage("round", r2.Title),
			Round: r2,
			Participants: []PersonEntry{
				{Name: "Chun Young-hee", URL: "/briefings/participants/chun-young-hee/", Role: "Director general for the Korean Peninsula peace regime", Delegation: "South Korea", Lead: true},
				{Name: "Julie Turner", URL: "/briefings/participants/julie-turner/", Role: "Special envoy for North Korean human rights issues", Delegation: "United States", Lead: true},
				{Name: "Aide", Role: "Note taker", Delegation: "South Korea"},
			},
			Topics:       []Link{{Title: "Access to information", URL: "/briefings/topics/access-to-information/"}},
			Outcomes:     []template.HTML{"Agreed to hold the <em>next session</em> in the second half of the year."},
			SideMeetings: []SideMeetingView{{People: []Link{{Title: "Chun Young-hee", URL: "/briefings/participants/chun-young-hee/"}, {Title: "Jung Pak", URL: "/briefings/participants/jung-pak/"}}, Note: "North Korea–Russia ties"}},
			NextRound:    "Second half of 2024",
			Sources: []SourceView{
				{Title: "S. Korea, US hold NK human rights talks in Washington", Publisher: "Yonhap", URL: "https://en.yna.co.kr/view/AEN20240416000351315", Date: april},
				{Title: "Press release", Publisher: "Ministry of Foreign Affairs"},
			},
			Body:    body,
			Prev:    &r1,
			Next:    &r1,
			Related: []RoundItem{r1},
			Cite: Citation{Plain: "Dialogue, round 2, Washington, 15 April 2024. Briefings. https://example.org/x/.",
				BibTeX: "@misc{x-round-2,\n  title = {{A \\& B}}\n}", CSLJSON: `[{"id": "x-round-2", "title": "A & B <i>"}]`},
		},
		"participants": ParticipantsView{Page: samplePage("participants", "Participants"), Participants: []ParticipantItem{
			{Name: "Julie Turner", URL: "/briefings/participants/julie-turner/", Affiliation: "US Department of State", Country: "United States", RoundCount: 2},
			{Name: "Jung Pak", URL: "/briefings/participants/jung-pak/", RoundCount: 1},
		}},
		"participant": ParticipantView{
			Page:        samplePage("participant", "Chun Young-hee"),
			Participant: ParticipantItem{Name: "Chun Young-hee", URL: "/briefings/participants/chun-young-hee/", Affiliation: "Ministry of Foreign Affairs", Country: "South Korea", RoundCount: 2},
			Aliases:     []string{"Chun Yeong-hui"},
			Bio:         "<p>Director general.</p>",
			Rounds: []ParticipantRound{
				{RoundItem: r2, Role: "Director general", Delegation: "South Korea", Lead: true},
				{RoundItem: r2, SideMeeting: true, Note: "Met Jung Pak"},
			},
			MetMost:    counts(),
			TopicsMost: []CountLink{{Title: "Accountability", URL: "/briefings/topics/accountability/", Count: 1}},
		},
		"topics": TopicsView{Page: samplePage("topics", "Topics"), Topics: []TopicItem{{Title: "Accountability", URL: "/briefings/topics/accountability/", RoundCount: 1}}},
		"topic": TopicView{
			Page: samplePage("topic", "Accountability"), Topic: TopicItem{Title: "Accountability", URL: "/briefings/topics/accountability/", RoundCount: 2},
			Aliases: []string{"Responsibility"}, Description: "<p>Holding violators to account.</p>",
			Rounds: []RoundItem{r2, r1}, Participants: counts(), Related: counts(),
		},
		"archive": ArchiveView{Page: samplePage("archive", "Archive"), Years: []YearGroup{{Year: 2024, Rounds: []RoundItem{r2}}, {Year: 2023, Rounds: []RoundItem{r1}}}},
		"page":    StandaloneView{Page: samplePage("page", "About"), Body: body},
		"404":     NotFoundView{Page: samplePage("404", "Page not found")},
		"search": SearchView{
			Page: samplePage("search", "Search"), IndexURL: "/briefings/search/", ScriptURL: "/briefings/assets/search.js",
			SearchStyleURL: "/briefings/assets/search.css", ArchiveURL: "/briefings/archive/",
			Dialogues:    []FacetOption{{Value: "kr-us-nk-human-rights", Title: dlg.Title, Count: 2}},
			Participants: []FacetOption{{Value: "julie-turner", Title: "Julie Turner", Count: 2}},
			Delegations:  []FacetOption{{Value: "south-korea", Title: "South Korea", Count: 2}},
			Topics:       []FacetOption{{Value: "accountability", Title: "Accountability & <justice>", Count: 1}},
			FirstYear:    2023, LastYear: 2024,
		},
	}
}

// minimalViews has only what every build sets (a page title, and a Site with
// title, language and home URL): empty lists, nil pointers, zero dates.
func minimalViews() map[string]any {
	p := func(kind string) Page {
		return Page{Site: &SiteView{Title: "T", Language: "en", HomeURL: "/"}, Kind: kind, Title: "Minimal " + kind}
	}
	return map[string]any{
		"home":         HomeView{Page: p("home")},
		"dialogues":    DialoguesView{Page: p("dialogues")},
		"dialogue":     DialogueView{Page: p("dialogue")},
		"round":        RoundView{Page: p("round")},
		"participants": ParticipantsView{Page: p("participants")},
		"participant":  ParticipantView{Page: p("participant")},
		"topics":       TopicsView{Page: p("topics")},
		"topic":        TopicView{Page: p("topic")},
		"archive":      ArchiveView{Page: p("archive")},
		"page":         StandaloneView{Page: p("page")},
		"404":          NotFoundView{Page: p("404")},
		"search":       SearchView{Page: p("search")},
	}
}

// --- helpers ----------------------------------------------------------------

// mustLoad loads the defaults with site overrides and fails on any error.
func mustLoad(t *testing.T, site fstest.MapFS) *Templates {
	t.Helper()
	var s fs.FS
	if site != nil {
		s = site
	}
	tm, ds := Load(briefings.DefaultLayouts(), s, "layouts")
	if diag.HasErrors(ds) {
		t.Fatalf("Load: %v", ds)
	}
	return tm
}

func render(t *testing.T, tm *Templates, kind string, view any) string {
	t.Helper()
	out, d := tm.Render(kind, view)
	if d != nil {
		t.Fatalf("Render(%s): %v", kind, d)
	}
	return string(out)
}

var headingRE = regexp.MustCompile(`<h([1-6])[ >]`)

// checkPage asserts the page-shell invariants of one rendered page.
func checkPage(t *testing.T, kind, html string) {
	t.Helper()
	if n := strings.Count(html, "<h1"); n != 1 {
		t.Errorf("%s: %d <h1> elements, want 1", kind, n)
	}
	if !strings.HasPrefix(html, "<!DOCTYPE html>\n<html lang=") {
		t.Errorf("%s: no doctype and <html lang>: %.60q", kind, html)
	}
	first := strings.Index(html, "<a ")
	if first < 0 || !strings.HasPrefix(html[first:], `<a class="skip-link" href="#main">`) {
		t.Errorf("%s: the first link is not the skip link", kind)
	}
	if !strings.Contains(html, `<main id="main"`) {
		t.Errorf("%s: no <main id=main>", kind)
	}
	if strings.Contains(html, "ZgotmplZ") {
		t.Errorf("%s: html/template rejected a value (ZgotmplZ)", kind)
	}
	prev := 0
	for _, m := range headingRE.FindAllStringSubmatch(html, -1) {
		level := int(m[1][0] - '0')
		if level > prev+1 {
			t.Errorf("%s: heading h%d follows h%d", kind, level, prev)
		}
		prev = level
	}
}

// --- tests ------------------------------------------------------------------

func TestKindsHaveDefaultLayouts(t *testing.T) {
	def := briefings.DefaultLayouts()
	names := []string{"base.html", "partials.html", "assets/style.css"}
	for _, k := range Kinds() {
		names = append(names, k+".html")
	}
	for _, name := range names {
		if _, err := fs.Stat(def, name); err != nil {
			t.Errorf("default layouts: %v", err)
		}
	}
	if got := len(Kinds()); got != 12 {
		t.Errorf("Kinds() has %d kinds, want 12", got)
	}
	k := Kinds()
	k[0] = "changed"
	if Kinds()[0] != "home" {
		t.Error("Kinds() returns shared state")
	}
}

func TestDefaultsLoadCleanly(t *testing.T) {
	_, ds := Load(briefings.DefaultLayouts(), nil, "layouts")
	if len(ds) != 0 {
		t.Fatalf("Load(defaults, nil) = %v, want no diagnostics", ds)
	}
	_, ds = Load(briefings.DefaultLayouts(), fstest.MapFS{}, "layouts")
	if len(ds) != 0 {
		t.Fatalf("Load(defaults, empty site) = %v, want no diagnostics", ds)
	}
}

func TestRenderEveryKind(t *testing.T) {
	tm := mustLoad(t, nil)
	for _, set := range []struct {
		name  string
		views map[string]any
	}{{"full", fullViews()}, {"minimal", minimalViews()}} {
		for _, kind := range Kinds() {
			t.Run(set.name+"/"+kind, func(t *testing.T) {
				view, ok := set.views[kind]
				if !ok {
					t.Fatalf("no %s view for %s", set.name, kind)
				}
				checkPage(t, kind, render(t, tm, kind, view))
			})
		}
	}
}

func TestFullRoundContent(t *testing.T) {
	tm := mustLoad(t, nil)
	html := render(t, tm, "round", fullViews()["round"])
	for _, want := range []string{
		`<title>Second session of the relaunched dialogue · Dialogue Briefings</title>`,
		`<meta name="description" content="About Second session of the relaunched dialogue">`,
		`<link rel="canonical" href="https://example.org/briefings/round/">`,
		`<link rel="alternate" type="application/atom+xml" title="Dialogue Briefings" href="/briefings/feed.xml">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<nav class="site-nav" aria-label="Main">`,
		`<a href="/briefings/dialogues/" aria-current="page">Dialogues</a>`,
		`<nav class="breadcrumbs wrap" aria-label="Breadcrumb">`,
		`<span aria-current="page">Second session of the relaunched dialogue</span>`,
		`<time datetime="2024-04-15">15 April 2024</time>`,
		`<a href="/briefings/participants/chun-young-hee/">Chun Young-hee</a> <strong class="lead">(lead)</strong>`,
		`<th scope="row">Aide</th>`,
		`<li>Agreed to hold the <em>next session</em> in the second half of the year.</li>`,
		`<a href="/briefings/participants/jung-pak/">Jung Pak</a>: North Korea–Russia ties`,
		`<a href="https://en.yna.co.kr/view/AEN20240416000351315">S. Korea, US hold NK human rights talks in Washington</a></cite>, Yonhap, <time datetime="2024-04-15">`,
		`<cite>Press release</cite>, Ministry of Foreign Affairs</li>`,
		`<a rel="prev" href=`, `<a rel="next" href=`,
		`<h2 id="section-related">Related rounds</h2>`,
		`<footer class="site-footer">`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("round page lacks %q", want)
		}
	}
	home := render(t, tm, "home", fullViews()["home"])
	if !strings.Contains(home, "<title>Dialogue Briefings</title>") {
		t.Error("home title is not just the site title")
	}
	dialogue := render(t, tm, "dialogue", fullViews()["dialogue"])
	if !strings.Contains(dialogue, `<li class="gap">Round 2–3 — no record</li>`) {
		t.Error("dialogue timeline does not show the gap")
	}
}

func TestMinimalRoundOmitsEmptyParts(t *testing.T) {
	tm := mustLoad(t, nil)
	html := render(t, tm, "round", minimalViews()["round"])
	for _, unwanted := range []string{"<time", `datetime=""`, "<dl class=\"facts\">\n<dt>", "Participants</h2>", `rel="prev"`, "<table", `href=""`, "canonical"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("minimal round page contains %q", unwanted)
		}
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	tm := mustLoad(t, nil)
	v := fullViews()["round"].(RoundView)
	v.Title = "</title><script>alert(1)</script>"
	v.Round.Title = v.Title
	v.Description = `"><script>alert(2)</script>`
	v.Round.Summary = "{{ .Secret }}"
	html := render(t, tm, "round", v)
	if strings.Contains(html, "<script") {
		t.Errorf("hostile title reached the output unescaped:\n%s", html)
	}
	if !strings.Contains(html, "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; · Dialogue Briefings</title>") {
		t.Error("title not escaped as text")
	}
	if !strings.Contains(html, "{{ .Secret }}") {
		t.Error("template syntax in content was not printed literally")
	}
}

func TestSyntaxErrorInOverride(t *testing.T) {
	site := fstest.MapFS{"round.html": {Data: []byte("{{define \"main\"}}\n<h1>{{.Round.Title}}</h1>\n<p>{{.Round.Title}</p>\n{{end}}\n")}}
	tm, ds := Load(briefings.DefaultLayouts(), site, "layouts")
	if len(ds) != 1 {
		t.Fatalf("got %d diagnostics, want 1: %v", len(ds), ds)
	}
	d := ds[0]
	if d.Pos.File != "layouts/round.html" || d.Pos.Line != 3 || d.Code != "template-syntax" || d.Severity != diag.Error {
		t.Errorf("diagnostic = %+v, want an error at layouts/round.html:3 with code template-syntax", d)
	}
	if strings.HasPrefix(d.Message, "template:") {
		t.Errorf("message keeps the template package's prefix: %q", d.Message)
	}
	// The broken override falls back to the built-in, so the rest of the
	// site can still be checked.
	checkPage(t, "round", render(t, tm, "round", fullViews()["round"]))
}

func TestSyntaxErrorsInManyFilesAreAllReported(t *testing.T) {
	site := fstest.MapFS{
		"base.html":     {Data: []byte("{{define \"base\"}}\n{{if}}\n{{end}}")},
		"partials.html": {Data: []byte("\n\n\n{{template}}")},
		"topic.html":    {Data: []byte("{{define \"main\"}}{{.Title | nosuchfunc}}{{end}}")},
	}
	_, ds := Load(briefings.DefaultLayouts(), site, "layouts")
	var got []string
	for _, d := range ds {
		got = append(got, d.Pos.String()+" "+d.Code)
	}
	want := []string{"layouts/base.html:2 template-syntax", "layouts/partials.html:4 template-syntax", "layouts/topic.html:1 template-syntax"}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
}

func TestUnusedOverrideWarns(t *testing.T) {
	site := fstest.MapFS{
		"rond.html": {Data: []byte(`{{define "main"}}<h1>{{.Round.Title}}</h1>{{end}}`)},
		// Extra files whose definitions are called are fine.
		"partials/extra.html": {Data: []byte(`{{define "extra-note"}}<p>Unofficial summary.</p>{{end}}`)},
		"page.html":           {Data: []byte(`{{define "main"}}<h1>{{.Title}}</h1>{{template "extra-note" .}}{{end}}`)},
	}
	tm, ds := Load(briefings.DefaultLayouts(), site, "layouts")
	if len(ds) != 1 {
		t.Fatalf("got %d diagnostics, want 1: %v", len(ds), ds)
	}
	want := diag.Diagnostic{
		Pos: diag.Pos{File: "layouts/rond.html"}, Severity: diag.Warning, Code: "unused-layout",
		Message:    "layouts/rond.html overrides no built-in layout and is used by none",
		Suggestion: `did you mean "round.html"?`,
	}
	if ds[0] != want {
		t.Errorf("diagnostic = %+v\nwant %+v", ds[0], want)
	}
	// rond.html's "main" must not replace the built-in round page.
	if html := render(t, tm, "round", fullViews()["round"]); !strings.Contains(html, "Participants</h2>") {
		t.Error("an unused extra file replaced the round page")
	}
	if html := render(t, tm, "page", fullViews()["page"]); !strings.Contains(html, "<p>Unofficial summary.</p>") {
		t.Error("extra file's definition was not available to overrides")
	}
}

func TestUnknownFieldInOverride(t *testing.T) {
	site := fstest.MapFS{"round.html": {Data: []byte("{{define \"main\"}}\n<h1>{{.Round.Title}}</h1>\n<p>{{.Round.Nope}}</p>\n{{end}}\n")}}
	tm := mustLoad(t, site)
	out, d := tm.Render("round", fullViews()["round"])
	if d == nil {
		t.Fatalf("Render succeeded: %s", out)
	}
	if out != nil {
		t.Error("Render returned output with a diagnostic")
	}
	if d.Code != "template-exec" || d.Pos.File != "layouts/round.html" || d.Pos.Line != 3 || d.Pos.Col != 12 {
		t.Errorf("diagnostic = %+v, want template-exec at layouts/round.html:3:12 (the 1-based column of .Nope)", d)
	}
	if !strings.Contains(d.Message, "Nope") || strings.HasPrefix(d.Message, "template:") {
		t.Errorf("message = %q", d.Message)
	}
}

func TestExecErrorInBuiltinNamesBuiltin(t *testing.T) {
	tm := mustLoad(t, nil)
	// The round layout given a home view: .Round does not exist.
	_, d := tm.Render("round", fullViews()["home"])
	if d == nil {
		t.Fatal("Render succeeded with the wrong view type")
	}
	if d.Pos.File != "built-in layouts/round.html" || d.Pos.Line == 0 || d.Pos.Col == 0 {
		t.Errorf("diagnostic = %+v, want a position in built-in layouts/round.html", d)
	}
}

func TestEscapeErrorReportedByLoad(t *testing.T) {
	site := fstest.MapFS{"archive.html": {Data: []byte("{{define \"main\"}}\n<h1>x</h1>\n<a href=\"{{if .URL}}{{.URL}}\"{{end}}>x</a>\n{{end}}")}}
	_, ds := Load(briefings.DefaultLayouts(), site, "layouts")
	if len(ds) != 1 || ds[0].Pos.File != "layouts/archive.html" || ds[0].Pos.Line == 0 || ds[0].Code != "template-syntax" {
		t.Fatalf("diagnostics = %v, want one template-syntax error in layouts/archive.html", ds)
	}
}

func TestMissingMain(t *testing.T) {
	site := fstest.MapFS{"topics.html": {Data: []byte(`{{define "mian"}}<h1>x</h1>{{end}}`)}}
	tm, ds := Load(briefings.DefaultLayouts(), site, "layouts")
	if len(ds) != 1 || ds[0].Code != "missing-layout" || ds[0].Pos.File != "layouts/topics.html" {
		t.Fatalf("diagnostics = %v, want missing-layout at layouts/topics.html", ds)
	}
	if _, d := tm.Render("topics", fullViews()["topics"]); d == nil || d.Pos.File != "layouts/topics.html" {
		t.Errorf("Render of a kind that did not load = %v", d)
	}
	if _, d := tm.Render("nosuchkind", nil); d == nil || !strings.Contains(d.Message, "unknown page kind") {
		t.Errorf("Render of an unknown kind = %v", d)
	}
}

func TestOverrideChangesOnlyThatKind(t *testing.T) {
	base := mustLoad(t, nil)
	site := fstest.MapFS{"round.html": {Data: []byte(`{{define "main"}}<h1 class="custom">{{.Round.Title}}</h1>{{end}}`)}}
	over := mustLoad(t, site)
	views := fullViews()
	for _, kind := range Kinds() {
		a := render(t, base, kind, views[kind])
		b := render(t, over, kind, views[kind])
		if kind == "round" {
			if a == b || !strings.Contains(b, `<h1 class="custom">`) {
				t.Error("round override had no effect")
			}
			continue
		}
		if a != b {
			t.Errorf("overriding round.html changed the %s page", kind)
		}
	}
}

func TestPanickingViewBecomesDiagnostic(t *testing.T) {
	site := fstest.MapFS{"page.html": {Data: []byte("{{define \"main\"}}<h1>{{.Title}}</h1>\n{{.Boom}}{{end}}")}}
	tm := mustLoad(t, site)
	_, d := tm.Render("page", panicView{StandaloneView: fullViews()["page"].(StandaloneView)})
	if d == nil || d.Code != "template-exec" || d.Pos.File != "layouts/page.html" {
		t.Fatalf("diagnostic = %v, want template-exec in layouts/page.html", d)
	}
}

type panicView struct{ StandaloneView }

func (panicView) Boom() string { panic(errors.New("boom")) }

func TestConcurrentRender(t *testing.T) {
	tm := mustLoad(t, fstest.MapFS{"round.html": {Data: []byte(`{{define "main"}}<h1>{{.Round.Title}}</h1>{{template "round-list" .Related}}{{end}}`)}})
	views := fullViews()
	want := map[string]string{}
	for _, kind := range Kinds() {
		want[kind] = render(t, tm, kind, views[kind])
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				kind := Kinds()[(i+j)%len(Kinds())]
				out, d := tm.Render(kind, views[kind])
				if d != nil || string(out) != want[kind] {
					t.Errorf("concurrent Render(%s) differs: %v", kind, d)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestAssetsMerge(t *testing.T) {
	tm := mustLoad(t, fstest.MapFS{
		"assets/style.css": {Data: []byte("body{}")},
		"assets/logo.svg":  {Data: []byte("<svg/>")},
	})
	a := tm.Assets()
	if string(a["assets/style.css"]) != "body{}" || string(a["assets/logo.svg"]) != "<svg/>" {
		t.Errorf("assets = %v", slices.Sorted(maps.Keys(a)))
	}
	a["assets/style.css"][0] = 'X'
	if string(tm.Assets()["assets/style.css"]) != "body{}" {
		t.Error("Assets returns shared bytes")
	}
	def := mustLoad(t, nil).Assets()
	css := string(def["assets/style.css"])
	for _, want := range []string{"prefers-color-scheme: dark", ":focus-visible", "@media print", ".skip-link:focus", "overflow-x: auto"} {
		if !strings.Contains(css, want) {
			t.Errorf("style.css lacks %q", want)
		}
	}
	for _, banned := range []string{"@import", "url(http", "//fonts."} {
		if strings.Contains(css, banned) {
			t.Errorf("style.css loads something external: %q", banned)
		}
	}
}

func TestStrayAndEditorFiles(t *testing.T) {
	_, ds := Load(briefings.DefaultLayouts(), fstest.MapFS{
		".round.html.swp": {Data: []byte("{{")},
		"round.html~":     {Data: []byte("{{")},
		"notes.txt":       {Data: []byte("x")},
		"page.html":       {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink},
	}, "layouts")
	var got []string
	for _, d := range ds {
		got = append(got, d.Pos.File+" "+d.Severity.String())
	}
	if want := []string{"layouts/notes.txt warning", "layouts/page.html error"}; !slices.Equal(got, want) {
		t.Errorf("diagnostics = %v, want %q", ds, want)
	}
}

func TestToDiag(t *testing.T) {
	disp := func(name string) string { return "layouts/" + name }
	for _, tc := range []struct {
		name, err string
		want      diag.Pos
		msg       string
	}{
		{"parse", `template: round.html:12: unexpected "}" in operand`, diag.Pos{File: "layouts/round.html", Line: 12}, `unexpected "}" in operand`},
		{"exec", `template: round.html:12:5: executing "main" at <.Foo>: can't evaluate field Foo`, diag.Pos{File: "layouts/round.html", Line: 12, Col: 6}, `executing "main" at <.Foo>: can't evaluate field Foo`},
		{"escape", `html/template:base.html:3:10: no such template "mian"`, diag.Pos{File: "layouts/base.html", Line: 3, Col: 11}, `no such template "mian"`},
		{"multi-line", "template: a.html:1: bad\nmore", diag.Pos{File: "layouts/a.html", Line: 1}, "bad\nmore"},
		{"template name only", `html/template:base: "\"" in attribute name`, diag.Pos{File: "layouts/base"}, `"\"" in attribute name`},
		{"no position", `html/template: no such template "base"`, diag.Pos{File: "fallback"}, `html/template: no such template "base"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := toDiag(errors.New(tc.err), "c", "fallback", disp)
			if d.Pos != tc.want || d.Message != tc.msg {
				t.Errorf("toDiag(%q) = %v %q, want %v %q", tc.err, d.Pos, d.Message, tc.want, tc.msg)
			}
		})
	}
}

// TestNuHTMLChecker validates every rendered page with the Nu Html Checker
// when VNU_JAR names its jar (e.g. from the npm package vnu-jar).
func TestNuHTMLChecker(t *testing.T) {
	jar := os.Getenv("VNU_JAR")
	if jar == "" {
		if os.Getenv("BRIEFINGS_REQUIRE_BROWSER") == "1" { // set by .ci/run, which installs vnu-jar
			t.Fatal("BRIEFINGS_REQUIRE_BROWSER=1 but VNU_JAR is not set: the Nu Html Checker must run")
		}
		t.Skip("set VNU_JAR to the path of vnu.jar to validate the default layouts")
	}
	tm := mustLoad(t, nil)
	dir := t.TempDir()
	var files []string
	for name, views := range map[string]map[string]any{"full": fullViews(), "minimal": minimalViews()} {
		for _, kind := range Kinds() {
			f := filepath.Join(dir, name+"-"+kind+".html")
			if err := os.WriteFile(f, []byte(render(t, tm, kind, views[kind])), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	for name, fv := range featureViews(t) {
		f := filepath.Join(dir, "feature-"+name+".html")
		if err := os.WriteFile(f, []byte(render(t, tm, fv.kind, fv.view)), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	slices.Sort(files)
	cmd := exec.Command("java", append([]string{"-jar", jar, "--Werror", "--filterpattern", ".*(lang|language).*"}, files...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("Nu Html Checker: %v\n%s", err, out.String())
	}
}
