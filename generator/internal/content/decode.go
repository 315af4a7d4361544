package content

import (
	"fmt"
	"net/url"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"briefings/generator/internal/diag"
	"briefings/generator/internal/frontmatter"
	"briefings/generator/internal/slug"
)

// Options configure decoding.
type Options struct {
	Limits frontmatter.Limits
	// Read reads a file whose File.Data is nil. ParseFiles then reads each
	// file in the worker that decodes it, so the whole site is never in
	// memory at once.
	Read func(path string) ([]byte, error)
	// LazyBodies leaves Markdown bodies in their files (Markdown.Bytes reads
	// them again through Read, checking they did not change). Needs Read.
	LazyBodies bool
}

// Fields allowed in each kind of file; README.md and docs/editors.md
// document each one (generator/guide_test.go checks both).
var (
	dialogueFields    = []string{"title", "parties", "summary"}
	roundFields       = []string{"title", "date", "round", "location", "summary", "participants", "topics", "outcomes", "side_meetings", "next_round", "sources", "draft"}
	participantFields = []string{"name", "aliases", "affiliation", "country"}
	topicFields       = []string{"title", "aliases"}
	pageFields        = []string{"title", "summary"}
	attendanceFields  = []string{"name", "id", "role", "delegation", "lead"}
	sideMeetingFields = []string{"with", "note"}
	sourceFields      = []string{"title", "publisher", "url", "date"}
)

// kind is what a content path holds.
type kind int

const (
	kindInvalid kind = iota
	kindDialogue
	kindRound
	kindParticipant
	kindTopic
	kindPage
)

// classify maps a path under content/ to the kind of file it must be, or
// returns a message explaining why it cannot be there.
func classify(p string) (kind, string) {
	rel := strings.TrimPrefix(p, "content/")
	if !strings.HasSuffix(rel, ".md") {
		return kindInvalid, "only .md files are allowed in content/ (put other files in static/)"
	}
	parts := strings.Split(rel, "/")
	switch {
	case len(parts) == 1 && parts[0] == "_index.md":
		return kindInvalid, "_index.md belongs in a dialogue folder: content/dialogues/<dialogue>/_index.md"
	case len(parts) == 1:
		return kindPage, ""
	case len(parts) == 2 && parts[0] == "participants":
		return kindParticipant, ""
	case len(parts) == 2 && parts[0] == "topics":
		return kindTopic, ""
	case len(parts) == 3 && parts[0] == "dialogues" && parts[2] == "_index.md":
		return kindDialogue, ""
	case len(parts) == 3 && parts[0] == "dialogues":
		return kindRound, ""
	case parts[0] == "dialogues":
		return kindInvalid, "a round belongs in content/dialogues/<dialogue>/<name>.md"
	}
	return kindInvalid, "unexpected location: content files go in content/, content/dialogues/<dialogue>/, content/participants/ or content/topics/"
}

// Parsed is one decoded file: its value (*Dialogue, *Round, *Profile or
// *Page; nil when the file has errors) and its own diagnostics.
type Parsed struct {
	Path  string
	Value any
	Diags []diag.Diagnostic
}

// Parse decodes and validates every file. Files are processed in parallel;
// the result does not depend on scheduling.
func Parse(files []File, opts Options) (*Site, []diag.Diagnostic) {
	return Assemble(ParseFiles(files, opts))
}

// ParseFiles decodes every file in parallel, without the cross-file rules.
func ParseFiles(files []File, opts Options) []Parsed {
	parsed := make([]Parsed, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), max(1, len(files)))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				v, ds := parseOne(files[i], opts)
				parsed[i] = Parsed{files[i].Path, v, ds}
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return parsed
}

// Assemble gathers decoded files into a Site and applies the rules that
// span files. Callers that keep Parsed values between builds (the dev
// server) re-decode only the files that changed and assemble again.
func Assemble(parsed []Parsed) (*Site, []diag.Diagnostic) {
	site := &Site{}
	var diags []diag.Diagnostic
	paths := make([]string, len(parsed))
	for i, r := range parsed {
		paths[i] = r.Path
		diags = append(diags, r.Diags...)
		switch v := r.Value.(type) {
		case *Dialogue:
			site.Dialogues = append(site.Dialogues, v)
		case *Round:
			site.Rounds = append(site.Rounds, v)
		case *Profile:
			if v.Kind == ParticipantProfile {
				site.Participants = append(site.Participants, v)
			} else {
				site.Topics = append(site.Topics, v)
			}
		case *Page:
			site.Pages = append(site.Pages, v)
		}
	}
	sortSite(site)
	diags = append(diags, crossCheck(site, paths)...)
	return site, diags
}

func sortSite(s *Site) {
	sort.Slice(s.Dialogues, func(i, j int) bool { return s.Dialogues[i].File < s.Dialogues[j].File })
	sort.Slice(s.Rounds, func(i, j int) bool { return s.Rounds[i].File < s.Rounds[j].File })
	sort.Slice(s.Participants, func(i, j int) bool { return s.Participants[i].File < s.Participants[j].File })
	sort.Slice(s.Topics, func(i, j int) bool { return s.Topics[i].File < s.Topics[j].File })
	sort.Slice(s.Pages, func(i, j int) bool { return s.Pages[i].File < s.Pages[j].File })
}

// ParseFile decodes one file; the value is nil when the file has errors.
// It never panics: a panic in a decoder becomes a diagnostic.
func ParseFile(f File, opts Options) (any, []diag.Diagnostic) {
	return parseOne(f, opts)
}

func parseOne(f File, opts Options) (value any, diags []diag.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			value = nil
			diags = append(diags, diag.Diagnostic{Pos: diag.Pos{File: f.Path, Line: 1}, Severity: diag.Error, Code: "internal",
				Message: fmt.Sprintf("internal error while reading this file (please report): %v", r)})
		}
	}()
	k, why := classify(f.Path)
	if k == kindInvalid {
		return nil, []diag.Diagnostic{{Pos: diag.Pos{File: f.Path, Line: 1}, Severity: diag.Error, Code: "bad-location", Message: why}}
	}
	data := f.Data
	if data == nil && opts.Read != nil {
		b, err := opts.Read(f.Path)
		if err != nil {
			return nil, []diag.Diagnostic{{Pos: diag.Pos{File: f.Path}, Severity: diag.Error, Code: "unreadable", Message: fmt.Sprintf("cannot read: %v", unwrapPath(err))}}
		}
		data = b
	}
	doc, ds := frontmatter.Parse(f.Path, data, opts.Limits)
	if diag.HasErrors(ds) {
		return nil, ds
	}
	d := &decoder{file: f.Path, diags: ds}
	if opts.LazyBodies && opts.Read != nil {
		d.read = opts.Read
	}
	switch k {
	case kindDialogue:
		value = d.dialogue(doc)
	case kindRound:
		value = d.round(doc)
	case kindParticipant:
		value = d.profile(doc, ParticipantProfile)
	case kindTopic:
		value = d.profile(doc, TopicProfile)
	case kindPage:
		value = d.page(doc)
	}
	if diag.HasErrors(d.diags) {
		return nil, d.diags
	}
	return value, d.diags
}

// decoder reads the fields of one file, collecting every problem.
type decoder struct {
	file  string
	diags []diag.Diagnostic
	read  func(string) ([]byte, error) // set: leave bodies in the file
}

func (d *decoder) add(ds ...diag.Diagnostic) { d.diags = append(d.diags, ds...) }

func (d *decoder) addp(p *diag.Diagnostic) {
	if p != nil {
		d.diags = append(d.diags, *p)
	}
}

func (d *decoder) errorf(pos diag.Pos, code, format string, args ...any) {
	d.diags = append(d.diags, diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) pos(n *yaml.Node) diag.Pos { return frontmatter.Pos(d.file, n) }

// fields checks the document's keys; a missing or empty front matter gives
// an empty map so required-field errors follow.
func (d *decoder) fields(doc frontmatter.Doc, allowed []string) map[string]*yaml.Node {
	if doc.Node == nil {
		return map[string]*yaml.Node{}
	}
	m, ds := frontmatter.Fields(d.file, doc.Node, allowed)
	d.add(ds...)
	return m
}

func (d *decoder) missing(field string) {
	d.errorf(diag.Pos{File: d.file, Line: 1, Col: 1}, "missing-field", "required field %s missing", field)
}

func (d *decoder) str(m map[string]*yaml.Node, field string, required bool) string {
	n, ok := m[field]
	if !ok {
		if required {
			d.missing(field)
		}
		return ""
	}
	s, p := frontmatter.String(d.file, field, n)
	d.addp(p)
	if p == nil && required && strings.TrimSpace(s) == "" {
		d.errorf(d.pos(n), "missing-field", "%s must not be empty", field)
	}
	return strings.TrimSpace(s)
}

func (d *decoder) list(m map[string]*yaml.Node, field string) []string {
	n, ok := m[field]
	if !ok {
		return nil
	}
	l, ds := frontmatter.StringList(d.file, field, n)
	d.add(ds...)
	return l
}

func (d *decoder) date(field string, n *yaml.Node) Date {
	s, p := frontmatter.Date(d.file, field, n)
	d.addp(p)
	if p != nil {
		return Date{}
	}
	var dt Date
	fmt.Sscanf(s, "%4d-%2d-%2d", &dt.Year, &dt.Month, &dt.Day)
	return dt
}

func (d *decoder) body(doc frontmatter.Doc) Markdown {
	if d.read == nil {
		return NewMarkdown(doc.Body, doc.BodyLine)
	}
	return Markdown{Line: doc.BodyLine, lazy: newLazyText(d.file, doc.Body, d.read)}
}

// fileSlug is the slug of a file or folder name, or an error when the name
// has no letter or digit (e.g. "..", "???").
func (d *decoder) fileSlug(name string) string {
	s := slug.Make(name)
	if s == "" {
		d.errorf(diag.Pos{File: d.file, Line: 1}, "empty-slug", "file or folder name %q produces an empty slug; use letters or digits", name)
	}
	return s
}

func (d *decoder) dialogue(doc frontmatter.Doc) *Dialogue {
	m := d.fields(doc, dialogueFields)
	dir := path.Base(path.Dir(d.file))
	return &Dialogue{
		Slug:    d.fileSlug(dir),
		File:    d.file,
		Title:   d.str(m, "title", true),
		Parties: d.list(m, "parties"),
		Summary: d.str(m, "summary", false),
		Body:    d.body(doc),
	}
}

func (d *decoder) round(doc frontmatter.Doc) *Round {
	m := d.fields(doc, roundFields)
	r := &Round{
		Dialogue:  d.fileSlug(path.Base(path.Dir(d.file))),
		Slug:      d.fileSlug(strings.TrimSuffix(path.Base(d.file), ".md")),
		File:      d.file,
		Title:     d.str(m, "title", true),
		Location:  d.str(m, "location", false),
		Summary:   d.str(m, "summary", false),
		NextRound: d.str(m, "next_round", false),
		Body:      d.body(doc),
	}
	if n, ok := m["date"]; ok {
		r.Date = d.date("date", n)
		r.DatePos = d.pos(n)
	} else {
		d.missing("date")
	}
	if n, ok := m["round"]; ok {
		v, p := frontmatter.Int(d.file, "round", n)
		d.addp(p)
		r.Number, r.NumberPos = v, d.pos(n)
	} else {
		d.missing("round")
	}
	if n, ok := m["draft"]; ok {
		v, p := frontmatter.Bool(d.file, "draft", n)
		d.addp(p)
		r.Draft = v
	}
	if n, ok := m["participants"]; ok {
		r.Participants = d.attendances(n)
	} else {
		d.missing("participants")
	}
	if n, ok := m["topics"]; ok {
		r.Topics = d.refs("topics", "topic", n)
	}
	if n, ok := m["outcomes"]; ok {
		r.Outcomes = d.inlines("outcomes", n)
	}
	if n, ok := m["side_meetings"]; ok {
		r.SideMeetings = d.sideMeetings(n)
	}
	if n, ok := m["sources"]; ok {
		r.Sources = d.sources(n)
	}
	return r
}

// seq returns the items of a sequence node, or reports that field must be a
// list.
func (d *decoder) seq(field string, n *yaml.Node) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		d.errorf(d.pos(n), "wrong-type", "%s must be a list", field)
		return nil
	}
	return n.Content
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || (n.Style == 0 && n.Value == ""))
}

// ref decodes a bare name; what names the entry in messages, e.g. "participant 2".
func (d *decoder) ref(what string, n *yaml.Node) (Ref, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) || strings.TrimSpace(n.Value) == "" {
		d.errorf(d.pos(n), "missing-name", "%s: name or id required", what)
		return Ref{}, false
	}
	s, p := frontmatter.String(d.file, what, n)
	d.addp(p)
	s = strings.TrimSpace(s)
	if p != nil {
		return Ref{}, false
	}
	if s == "" {
		d.errorf(d.pos(n), "missing-name", "%s: name or id required", what)
		return Ref{}, false
	}
	if slug.Make(s) == "" {
		d.errorf(d.pos(n), "empty-slug", "%s: name %q produces an empty slug; use letters or digits", what, s)
		return Ref{}, false
	}
	return Ref{Name: s, Pos: d.pos(n)}, true
}

func (d *decoder) refs(field, what string, n *yaml.Node) []Ref {
	var out []Ref
	for i, item := range d.seq(field, n) {
		if r, ok := d.ref(fmt.Sprintf("%s %d", what, i+1), item); ok {
			out = append(out, r)
		}
	}
	return out
}

func (d *decoder) attendances(n *yaml.Node) []Attendance {
	items := d.seq("participants", n)
	if n.Kind == yaml.SequenceNode && len(items) == 0 {
		d.errorf(d.pos(n), "no-participants", "participants must list at least one participant")
	}
	var out []Attendance
	for i, item := range items {
		what := fmt.Sprintf("participant %d", i+1)
		if item.Kind != yaml.MappingNode {
			if r, ok := d.ref(what, item); ok {
				out = append(out, Attendance{Ref: r})
			}
			continue
		}
		m, ds := frontmatter.Fields(d.file, item, attendanceFields)
		d.add(ds...)
		a := Attendance{Ref: Ref{Pos: d.pos(item)}}
		a.Name = d.str(m, "name", false)
		a.ID = d.str(m, "id", false)
		a.Role = d.str(m, "role", false)
		a.Delegation = d.str(m, "delegation", false)
		if ln, ok := m["lead"]; ok {
			v, p := frontmatter.Bool(d.file, "lead", ln)
			d.addp(p)
			a.Lead = v
		}
		switch {
		case a.Name == "" && a.ID == "":
			d.errorf(d.pos(item), "missing-name", "%s: name or id required", what)
			continue
		case a.ID != "" && slug.Make(a.ID) != a.ID:
			d.diags = append(d.diags, diag.Diagnostic{Pos: d.pos(m["id"]), Severity: diag.Error, Code: "bad-id",
				Message:    fmt.Sprintf("%s: id %q is not a slug (lower-case letters, digits and single hyphens)", what, a.ID),
				Suggestion: suggestSlug(a.ID)})
			continue
		case a.Name != "" && slug.Make(a.Name) == "":
			d.errorf(d.pos(m["name"]), "empty-slug", "%s: name %q produces an empty slug; use letters or digits", what, a.Name)
			continue
		}
		out = append(out, a)
	}
	return out
}

func suggestSlug(s string) string {
	if v := slug.Make(s); v != "" {
		return fmt.Sprintf("did you mean %q?", v)
	}
	return ""
}

func (d *decoder) inlines(field string, n *yaml.Node) []Inline {
	var out []Inline
	for i, item := range d.seq(field, n) {
		s, p := frontmatter.String(d.file, fmt.Sprintf("%s %d", strings.TrimSuffix(field, "s"), i+1), item)
		d.addp(p)
		if p == nil && strings.TrimSpace(s) != "" {
			out = append(out, Inline{Text: strings.TrimSpace(s), Line: item.Line})
		}
	}
	return out
}

func (d *decoder) sideMeetings(n *yaml.Node) []SideMeeting {
	var out []SideMeeting
	for i, item := range d.seq("side_meetings", n) {
		what := fmt.Sprintf("side meeting %d", i+1)
		if item.Kind != yaml.MappingNode {
			d.errorf(d.pos(item), "wrong-type", "%s must be a mapping with `with` (a list of names) and `note`", what)
			continue
		}
		m, ds := frontmatter.Fields(d.file, item, sideMeetingFields)
		d.add(ds...)
		sm := SideMeeting{Pos: d.pos(item), Note: d.str(m, "note", false)}
		w, ok := m["with"]
		switch {
		case !ok:
			d.errorf(d.pos(item), "missing-field", "%s: required field with missing", what)
		case w.Kind == yaml.ScalarNode:
			if r, ok := d.ref(what, w); ok {
				sm.With = []Ref{r}
			}
		default:
			sm.With = d.refs("side_meetings.with", what+" person", w)
			if w.Kind == yaml.SequenceNode && len(w.Content) == 0 {
				d.errorf(d.pos(w), "missing-name", "%s: with must name at least one person", what)
			}
		}
		out = append(out, sm)
	}
	return out
}

func (d *decoder) sources(n *yaml.Node) []Source {
	var out []Source
	for i, item := range d.seq("sources", n) {
		what := fmt.Sprintf("source %d", i+1)
		if item.Kind != yaml.MappingNode {
			d.errorf(d.pos(item), "wrong-type", "%s must be a mapping with title, publisher, url and date", what)
			continue
		}
		m, ds := frontmatter.Fields(d.file, item, sourceFields)
		d.add(ds...)
		s := Source{Pos: d.pos(item), Publisher: d.str(m, "publisher", false)}
		if _, ok := m["title"]; ok {
			s.Title = d.str(m, "title", true)
		} else {
			d.errorf(d.pos(item), "missing-field", "%s: required field title missing", what)
		}
		if u, ok := m["url"]; ok {
			s.URL = d.str(m, "url", false)
			if msg := checkURL(s.URL); msg != "" {
				d.errorf(d.pos(u), "bad-url", "%s: url %s", what, msg)
			}
		}
		if dn, ok := m["date"]; ok {
			s.Date = d.date(what+" date", dn)
		}
		out = append(out, s)
	}
	return out
}

// checkURL returns why raw is not an absolute http(s) URL, or "".
func checkURL(raw string) string {
	const want = "must be an absolute http(s) URL"
	if raw == "" || strings.ContainsAny(raw, " \t\r\n") {
		return want + " without spaces"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return want + fmt.Sprintf(", got %q", raw)
	}
	return ""
}

func (d *decoder) profile(doc frontmatter.Doc, k ProfileKind) *Profile {
	allowed, nameField := participantFields, "name"
	if k == TopicProfile {
		allowed, nameField = topicFields, "title"
	}
	m := d.fields(doc, allowed)
	p := &Profile{
		Kind:        k,
		File:        d.file,
		Slug:        d.fileSlug(strings.TrimSuffix(path.Base(d.file), ".md")),
		Name:        d.str(m, nameField, true),
		Affiliation: d.str(m, "affiliation", false),
		Country:     d.str(m, "country", false),
		Body:        d.body(doc),
	}
	if n, ok := m[nameField]; ok {
		p.NamePos = d.pos(n)
	}
	if n, ok := m["aliases"]; ok {
		p.Aliases = d.list(m, "aliases")
		if n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				p.AliasPos = append(p.AliasPos, d.pos(c))
			}
		}
	}
	if p.Name != "" && p.Slug != "" && slug.Make(p.Name) != p.Slug {
		d.diags = append(d.diags, diag.Diagnostic{Pos: p.NamePos, Severity: diag.Error, Code: "profile-slug-mismatch",
			Message:    fmt.Sprintf("%s %q has the slug %q but the file is named %s.md", nameField, p.Name, slug.Make(p.Name), p.Slug),
			Suggestion: fmt.Sprintf("rename the file to %s.md, or keep this spelling as an alias", slug.Make(p.Name))})
	}
	return p
}

func (d *decoder) page(doc frontmatter.Doc) *Page {
	m := d.fields(doc, pageFields)
	return &Page{
		Slug:    d.fileSlug(strings.TrimSuffix(path.Base(d.file), ".md")),
		File:    d.file,
		Title:   d.str(m, "title", true),
		Summary: d.str(m, "summary", false),
		Body:    d.body(doc),
	}
}
