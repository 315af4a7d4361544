// Package link turns validated content into the archive graph.
//
// It takes a content.Site and returns an Archive: every published round
// connected to its dialogue, its neighbours (previous/next by round number),
// the participants and topics it names (resolved to one entity each), its
// side meetings and up to five related rounds; every participant and topic
// connected back to its rounds with the people and topics that co-occur most.
// References resolve, in order, to a profile whose slug, name or alias
// matches (compared with slug.Key), else to the slug of the name. Every list
// has a total order, so the archive never depends on the order files were
// read. Problems that only appear across files (alias clashes, inconsistent
// spellings, near-duplicate names) are returned as diagnostics.
package link

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/slug"
)

// Options configure linking.
type Options struct {
	Drafts bool // include rounds marked draft
}

// Archive is the linked site.
type Archive struct {
	Dialogues    []*Dialogue // by title, then slug
	Rounds       []*Round    // newest first (date, number, dialogue, slug descending/ascending as documented on Newer)
	Participants []*Entity   // by display name, then slug
	Topics       []*Entity
	Pages        []*content.Page // by slug
	// URLs maps each published content file to its site-relative URL path.
	URLs map[string]string
	// Drafts holds the files of rounds left out because they are drafts.
	Drafts map[string]bool
}

// Dialogue is a dialogue with its published rounds.
type Dialogue struct {
	*content.Dialogue
	Rounds []*Round // by round number
}

// Round is a published round, linked.
type Round struct {
	*content.Round
	Dialogue     *Dialogue
	Attendees    []Attendee // leads first, then file order
	Topics       []*Entity  // file order, duplicates removed
	SideMeetings []SideMeeting
	Prev, Next   *Round
	Related      []*Round // at most MaxRelated

	pos int // index in Archive.Rounds
}

// Attendee is a participant at a round.
type Attendee struct {
	Person     *Entity
	Role       string
	Delegation string
	Lead       bool
}

// SideMeeting is a side meeting with its people resolved.
type SideMeeting struct {
	People []*Entity
	Note   string
}

// EntityKind tells participants from topics.
type EntityKind int

const (
	Participant EntityKind = iota
	Topic
)

// Entity is a participant or a topic.
type Entity struct {
	Kind    EntityKind
	Slug    string
	Name    string           // display name: the profile's, else the most used spelling
	Profile *content.Profile // nil when there is none
	Rounds  []EntityRound    // newest first
	// For participants: the people met most and topics discussed most.
	// For topics: the participants who discussed it most and related topics.
	People []Count
	Topics []Count

	spellings map[string]*spelling
	key       string // slug.Key(Name), the sort key, set with the display name
}

type spelling struct {
	n   int
	pos diag.Pos
}

// URL returns the entity's site-relative URL path.
func (e *Entity) URL() string {
	if e.Kind == Topic {
		return "topics/" + e.Slug + "/"
	}
	return "participants/" + e.Slug + "/"
}

// EntityRound is one round an entity appears in.
type EntityRound struct {
	Round    *Round
	Attendee *Attendee // the participant's seat; nil for topics and side meetings
	Side     bool      // met at a side meeting
	Note     string    // the side meeting's note

	pos int // Round's index in Archive.Rounds, kept here so related() need not follow Round
}

// Count is an entity with a number of co-occurrences.
type Count struct {
	Entity *Entity
	N      int
}

// MaxRelated is how many related rounds a round lists; MaxCounts how many
// entries the "most" lists keep.
const (
	MaxRelated = 5
	MaxCounts  = 10
)

// Link builds the archive graph.
func Link(site *content.Site, opts Options) (*Archive, []diag.Diagnostic) {
	l := &linker{
		a: &Archive{URLs: map[string]string{}, Drafts: map[string]bool{}},
	}
	l.people = l.newIndex(Participant, site.Participants)
	l.topics = l.newIndex(Topic, site.Topics)

	dialogues := map[string]*Dialogue{}
	for _, d := range site.Dialogues {
		ld := &Dialogue{Dialogue: d}
		dialogues[d.Slug] = ld
		l.a.Dialogues = append(l.a.Dialogues, ld)
		l.a.URLs[d.File] = d.URL()
	}
	for _, r := range site.Rounds {
		if r.Draft && !opts.Drafts {
			l.a.Drafts[r.File] = true
			continue
		}
		d := dialogues[r.Dialogue]
		if d == nil {
			continue // reported by content: no _index.md
		}
		lr := l.round(r, d)
		d.Rounds = append(d.Rounds, lr)
		l.a.Rounds = append(l.a.Rounds, lr)
		l.a.URLs[r.File] = r.URL()
	}
	for _, p := range site.Pages {
		l.a.Pages = append(l.a.Pages, p)
		l.a.URLs[p.File] = p.URL()
	}

	sort.Slice(l.a.Rounds, func(i, j int) bool { return Newer(l.a.Rounds[i], l.a.Rounds[j]) })
	for _, d := range l.a.Dialogues {
		sort.Slice(d.Rounds, func(i, j int) bool {
			a, b := d.Rounds[i], d.Rounds[j]
			if a.Number != b.Number {
				return a.Number < b.Number
			}
			return a.Slug < b.Slug
		})
		for i, r := range d.Rounds {
			if i > 0 {
				r.Prev = d.Rounds[i-1]
			}
			if i+1 < len(d.Rounds) {
				r.Next = d.Rounds[i+1]
			}
		}
	}
	sortDialogues(l.a.Dialogues)
	sort.Slice(l.a.Pages, func(i, j int) bool { return l.a.Pages[i].Slug < l.a.Pages[j].Slug })

	// Entity rounds in archive order (newest first), then the derived lists.
	var seen []*Entity // people of the round so far: a handful, no map needed
	for pos, r := range l.a.Rounds {
		r.pos = pos
		seen = seen[:0]
		for i := range r.Attendees {
			at := &r.Attendees[i]
			seen = append(seen, at.Person)
			at.Person.Rounds = append(at.Person.Rounds, EntityRound{Round: r, Attendee: at, pos: pos})
		}
		for _, sm := range r.SideMeetings {
			for _, p := range sm.People {
				if !slices.Contains(seen, p) {
					seen = append(seen, p)
					p.Rounds = append(p.Rounds, EntityRound{Round: r, Side: true, Note: sm.Note, pos: pos})
				}
			}
		}
		for _, t := range r.Topics {
			t.Rounds = append(t.Rounds, EntityRound{Round: r, pos: pos})
		}
	}
	l.a.Participants = l.people.entities()
	l.a.Topics = l.topics.entities()
	for _, e := range l.a.Participants {
		l.a.URLs[profileFile(e)] = e.URL()
	}
	for _, e := range l.a.Topics {
		l.a.URLs[profileFile(e)] = e.URL()
	}
	delete(l.a.URLs, "")
	for _, e := range l.a.Participants {
		participantCounts(e)
	}
	for _, e := range l.a.Topics {
		topicCounts(e)
	}
	related(l.a.Rounds)

	l.spellingWarnings(l.people, "participant")
	l.spellingWarnings(l.topics, "topic")
	l.nearDuplicates(l.people, "participant", "content/participants/")
	l.nearDuplicates(l.topics, "topic", "content/topics/")
	return l.a, l.diags
}

// sortDialogues orders dialogues by title (compared with slug.Key), then
// slug. Keys are computed once, not in the comparator.
func sortDialogues(ds []*Dialogue) {
	keys := make(map[*Dialogue]string, len(ds))
	for _, d := range ds {
		keys[d] = slug.Key(d.Title)
	}
	sort.Slice(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if ka, kb := keys[a], keys[b]; ka != kb {
			return ka < kb
		}
		return a.Slug < b.Slug
	})
}

func profileFile(e *Entity) string {
	if e.Profile == nil {
		return ""
	}
	return e.Profile.File
}

// Newer is the archive's total order for rounds: newer date first, then
// higher round number, then dialogue slug and round slug ascending.
func Newer(a, b *Round) bool {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c > 0
	}
	if a.Number != b.Number {
		return a.Number > b.Number
	}
	if a.Dialogue.Slug != b.Dialogue.Slug {
		return a.Dialogue.Slug < b.Dialogue.Slug
	}
	return a.Slug < b.Slug
}

type linker struct {
	a      *Archive
	people *index
	topics *index
	diags  []diag.Diagnostic
}

func (l *linker) warn(pos diag.Pos, code, suggestion, format string, args ...any) {
	l.diags = append(l.diags, diag.Diagnostic{Pos: pos, Severity: diag.Warning, Code: code, Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

func (l *linker) round(r *content.Round, d *Dialogue) *Round {
	lr := &Round{Round: r, Dialogue: d}
	seen := map[*Entity]bool{}
	var leads, others []Attendee
	for _, at := range r.Participants {
		e := l.people.resolve(at.Ref)
		if seen[e] {
			continue
		}
		seen[e] = true
		a := Attendee{Person: e, Role: at.Role, Delegation: at.Delegation, Lead: at.Lead}
		if a.Lead {
			leads = append(leads, a)
		} else {
			others = append(others, a)
		}
	}
	lr.Attendees = append(leads, others...)
	seenT := map[*Entity]bool{}
	for _, t := range r.Topics {
		e := l.topics.resolve(t)
		if !seenT[e] {
			seenT[e] = true
			lr.Topics = append(lr.Topics, e)
		}
	}
	for _, sm := range r.SideMeetings {
		var people []*Entity
		for _, ref := range sm.With {
			people = append(people, l.people.resolve(ref))
		}
		lr.SideMeetings = append(lr.SideMeetings, SideMeeting{People: people, Note: sm.Note})
	}
	return lr
}

// index resolves names of one kind to entities.
type index struct {
	kind     EntityKind
	byKey    map[string]*Entity // slug.Key of profile slug, name and aliases
	byName   map[string]*Entity // names as written, already resolved
	bySlug   map[string]*Entity
	profiled map[*Entity]bool
	sorted   []*Entity // entities(), once every reference is resolved
}

func (l *linker) newIndex(k EntityKind, profiles []*content.Profile) *index {
	ix := &index{kind: k, byKey: map[string]*Entity{}, byName: map[string]*Entity{}, bySlug: map[string]*Entity{}, profiled: map[*Entity]bool{}}
	type claim struct {
		e   *Entity
		pos diag.Pos
	}
	claims := map[string]claim{}
	for _, p := range profiles {
		e := &Entity{Kind: k, Slug: p.Slug, Name: p.Name, Profile: p, spellings: map[string]*spelling{}}
		ix.bySlug[p.Slug] = e
		ix.profiled[e] = true
	}
	// Names and slugs claim keys before aliases, so an alias can never
	// capture another profile's own name.
	for _, p := range profiles {
		e := ix.bySlug[p.Slug]
		for _, k := range []string{slug.Key(p.Slug), slug.Key(p.Name)} {
			if _, ok := claims[k]; !ok {
				claims[k] = claim{e, p.NamePos}
				ix.byKey[k] = e
			}
		}
	}
	for _, p := range profiles {
		e := ix.bySlug[p.Slug]
		for i, a := range p.Aliases {
			k := slug.Key(a)
			pos := diag.Pos{File: p.File, Line: 1}
			if i < len(p.AliasPos) {
				pos = p.AliasPos[i]
			}
			if c, ok := claims[k]; ok && c.e != e {
				l.diags = append(l.diags, diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: "alias-conflict",
					Message: fmt.Sprintf("alias %q is already a name or alias of %s (%s)", a, c.e.Profile.File, c.pos)})
				continue
			}
			claims[k] = claim{e, pos}
			ix.byKey[k] = e
		}
	}
	return ix
}

func (ix *index) resolve(r content.Ref) *Entity {
	var e *Entity
	switch {
	case r.ID != "":
		e = ix.bySlug[r.ID]
		if e == nil {
			e = ix.add(r.ID)
		}
	default:
		// The same spelling recurs in thousands of rounds: resolve it once.
		if e = ix.byName[r.Name]; e != nil {
			break
		}
		e = ix.byKey[slug.Key(r.Name)]
		if e == nil {
			s := slug.Make(r.Name)
			e = ix.bySlug[s]
			if e == nil {
				e = ix.add(s)
			}
		}
		ix.byName[r.Name] = e
	}
	if r.Name != "" {
		sp := e.spellings[r.Name]
		if sp == nil {
			sp = &spelling{pos: r.Pos}
			e.spellings[r.Name] = sp
		}
		sp.n++
	}
	return e
}

func (ix *index) add(s string) *Entity {
	e := &Entity{Kind: ix.kind, Slug: s, spellings: map[string]*spelling{}}
	ix.bySlug[s] = e
	return e
}

// entities returns every entity with a display name and its sort key,
// sorted. It must be called after every reference is resolved; the first
// call fixes the names and later calls return the same slice.
func (ix *index) entities() []*Entity {
	if ix.sorted != nil {
		return ix.sorted
	}
	out := make([]*Entity, 0, len(ix.bySlug))
	for _, e := range ix.bySlug {
		if e.Profile == nil {
			e.Name = e.mostUsedSpelling()
		}
		e.key = slug.Key(e.Name)
		out = append(out, e)
	}
	sortEntities(out)
	ix.sorted = out
	return out
}

func sortEntities(es []*Entity) {
	sort.Slice(es, func(i, j int) bool { return entityLess(es[i], es[j]) })
}

// entityLess is the order of entity lists: by name (slug.Key), then slug.
func entityLess(a, b *Entity) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return a.Slug < b.Slug
}

// mostUsedSpelling is the spelling written most often; ties go to the
// smallest string, so the choice never depends on file order. An entity
// referenced only by id shows its slug.
func (e *Entity) mostUsedSpelling() string {
	best, n := "", 0
	for s, sp := range e.spellings {
		if sp.n > n || (sp.n == n && s < best) {
			best, n = s, sp.n
		}
	}
	if best == "" {
		return e.Slug
	}
	return best
}

// sortedSpellings lists an entity's spellings, most used first.
func (e *Entity) sortedSpellings() []string {
	var out []string
	for s := range e.spellings {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := e.spellings[out[i]], e.spellings[out[j]]
		if a.n != b.n {
			return a.n > b.n
		}
		return out[i] < out[j]
	})
	return out
}

// spellingWarnings reports entities written in several ways that are not
// declared as aliases, so editors can make the archive consistent.
func (l *linker) spellingWarnings(ix *index, what string) {
	for _, e := range ix.entities() {
		declared := map[string]bool{}
		if e.Profile != nil {
			declared[slug.Key(e.Profile.Name)] = true
			declared[slug.Key(e.Profile.Slug)] = true
			for _, a := range e.Profile.Aliases {
				declared[slug.Key(a)] = true
			}
		}
		var odd []string
		all := e.sortedSpellings()
		for _, s := range all {
			if e.Profile != nil && !declared[slug.Key(s)] {
				odd = append(odd, s)
			}
		}
		if e.Profile == nil && len(all) > 1 {
			odd = all[1:]
		}
		if len(odd) == 0 {
			continue
		}
		var list []string
		for _, s := range odd {
			list = append(list, fmt.Sprintf("%q (%s)", s, e.spellings[s].pos))
		}
		where := "add a profile content/" + what + "s/" + e.Slug + ".md with these spellings as aliases"
		if e.Profile != nil {
			where = "add them to aliases in " + e.Profile.File
		}
		l.warn(e.spellings[odd[0]].pos, "inconsistent-spelling", where,
			"%s %q is also written %s", what, e.Name, strings.Join(list, ", "))
	}
}

// nearDuplicates warns about different entities whose names look alike
// (diacritics removed, at most one edit apart).
func (l *linker) nearDuplicates(ix *index, what, profileDir string) {
	es := ix.entities()
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name
	}
	for _, p := range slug.NearPairs(names, 5) {
		a, b := es[p[0]], es[p[1]]
		if a.Profile != nil && b.Profile != nil {
			continue // both have profiles: declared as different on purpose
		}
		pa, pb := firstPos(a), firstPos(b)
		if posLess(pb, pa) {
			a, b, pa, pb = b, a, pb, pa
		}
		l.warn(pb, "near-duplicate-name",
			fmt.Sprintf("if they are the same %s, use one spelling or add an alias in %s%s.md", what, profileDir, a.Slug),
			"%s %q looks like %q (%s)", what, b.Name, a.Name, pa)
	}
}

func firstPos(e *Entity) diag.Pos {
	if e.Profile != nil {
		return e.Profile.NamePos
	}
	var best diag.Pos
	for _, sp := range e.spellings {
		if best.File == "" || posLess(sp.pos, best) {
			best = sp.pos
		}
	}
	return best
}

func posLess(a, b diag.Pos) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Col < b.Col
}
