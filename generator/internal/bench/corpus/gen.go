package corpus

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"briefings/generator/internal/slug"
	"golang.org/x/text/unicode/norm"
)

type person struct {
	name    string
	aliases []string
	country int
	profile bool
	korean  bool
}

type topic struct {
	title   string
	aliases []string
	profile bool
}

type dialogue struct {
	title   string
	slug    string
	parties [2]int // country indexes
	rounds  int
	kind    string
}

type gen struct {
	r         *rand.Rand
	n         int
	people    []person
	rank      []int // popularity rank → person index
	zipf      *rand.Zipf
	topics    []topic
	dialogues []dialogue
	taken     map[string]bool // slug.Key of every person name and alias
	stats     Stats
	buf       []byte
	scratch   []int
}

func newGen(o Options) *gen {
	return &gen{r: newRand(o.Seed), n: o.Rounds, taken: map[string]bool{}}
}

// Dates are days since 1970-01-01, UTC.
var (
	firstDay = int(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	lastDay  = int(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400)
)

func day(d int) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// plan builds the pools of people, topics and dialogues.
func (g *gen) plan() {
	g.planPeople(max(g.n/20, 16))
	g.planTopics(150)
	g.planDialogues(max(g.n/20, 1))
	g.stats.Participants = len(g.people)
	g.stats.Topics = len(g.topics)
	g.stats.Dialogues = len(g.dialogues)
	g.stats.Rounds = g.n
}

func (g *gen) newName() (name, alias string, korean bool) {
	if g.chance(0.3) {
		f := koFamily[g.r.IntN(len(koFamily))]
		a := koGiven[g.r.IntN(len(koGiven))]
		b := koGiven[g.r.IntN(len(koGiven))]
		return f.rom + " " + a.rom + "-" + strings.ToLower(b.rom), f.han + a.han + b.han, true
	}
	given := g.pick(givenHeads) + g.pick(givenTails)
	sur := g.pick(surHeads) + g.pick(surTails)
	if g.chance(0.1) {
		sur = g.pick(surHeads) + g.pick(surTails) + "-" + sur
	}
	return given + " " + sur, "", false
}

func (g *gen) free(s string) bool { return !g.taken[slug.Key(s)] }

func (g *gen) planPeople(n int) {
	// Deliberate near-duplicates: an accented name and its ASCII twin.
	twins := min(max(n/400, 1), 8)
	for i := range twins {
		name := accGiven[i%len(accGiven)] + " " + accSur[(i*3)%len(accSur)]
		g.addPerson(person{name: name, country: g.r.IntN(len(countries)), profile: true})
		g.addPerson(person{name: fold(name), country: g.r.IntN(len(countries)), profile: true})
	}
	skel := map[string]bool{}
	for _, p := range g.people {
		skel[slug.Skeleton(p.name)] = true
	}
	for len(g.people) < n {
		name, han, korean := g.newName()
		sk := slug.Skeleton(name)
		if skel[sk] || !g.free(name) || (han != "" && !g.free(han)) {
			continue
		}
		skel[sk] = true
		p := person{name: name, country: g.r.IntN(len(countries)), profile: g.chance(0.85), korean: korean}
		if korean {
			p.country = 0
			if g.chance(0.5) {
				p.country = g.r.IntN(len(countries))
			}
		}
		if han != "" && g.chance(0.7) {
			p.aliases = append(p.aliases, han)
		}
		if !korean && g.chance(0.2) {
			given, sur, _ := strings.Cut(name, " ")
			if a := given[:1] + ". " + sur; g.free(a) {
				p.aliases = append(p.aliases, a)
			}
		}
		g.addPerson(p)
	}
	g.replaceNearPairs(twins * 2)
	g.rank = g.r.Perm(len(g.people))
	g.zipf = rand.NewZipf(g.r, 1.1, 3, uint64(len(g.people)-1))
}

// replaceNearPairs renames people (after the first keep) whose names are
// one edit from another's, so that only the deliberate twins look alike.
func (g *gen) replaceNearPairs(keep int) {
	for range 20 {
		names := make([]string, len(g.people))
		for i, p := range g.people {
			names[i] = p.name
		}
		pairs := slug.NearPairs(names, 6)
		changed := false
		done := map[int]bool{}
		for _, pr := range pairs {
			j := pr[1]
			if j < keep || done[j] || done[pr[0]] {
				continue
			}
			done[j] = true
			changed = true
			for {
				name, han, korean := g.newName()
				if !g.free(name) || (han != "" && !g.free(han)) {
					continue
				}
				p := &g.people[j]
				for _, a := range p.aliases {
					delete(g.taken, slug.Key(a))
				}
				delete(g.taken, slug.Key(p.name))
				p.name, p.korean, p.aliases = name, korean, nil
				if han != "" && g.chance(0.7) {
					p.aliases = []string{han}
				}
				g.taken[slug.Key(name)] = true
				for _, a := range p.aliases {
					g.taken[slug.Key(a)] = true
				}
				break
			}
		}
		if !changed {
			return
		}
	}
}

func (g *gen) addPerson(p person) {
	g.taken[slug.Key(p.name)] = true
	for _, a := range p.aliases {
		g.taken[slug.Key(a)] = true
	}
	g.people = append(g.people, p)
}

// fold removes diacritics: "José Núñez" → "Jose Nunez".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (g *gen) planTopics(n int) {
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			g.topics = append(g.topics, topic{title: t, profile: g.chance(0.9)})
		}
	}
	for _, s := range topicSubjects {
		add(s)
	}
	for len(g.topics) < n {
		add(g.pick(topicSubjects) + " in " + g.pick(regions))
	}
	for i := range g.topics {
		t := &g.topics[i]
		if t.profile && g.chance(0.25) {
			t.aliases = append(t.aliases, t.title+" issues")
		}
	}
}

func (g *gen) planDialogues(n int) {
	used := map[string]bool{}
	for range n {
		a := g.r.IntN(len(countries))
		b := g.r.IntN(len(countries) - 1)
		if b >= a {
			b++
		}
		if g.chance(0.6) {
			a = 0 // most dialogues involve one country, as an archive would
			if b == 0 {
				b = 1
			}
		}
		kind := g.pick(dialogueKinds)
		title := countries[a].name + "–" + countries[b].name + " " + kind
		s := slug.Make(title)
		for k := 2; used[s]; k++ {
			t := fmt.Sprintf("%s (Track %d)", title, k)
			if s2 := slug.Make(t); !used[s2] {
				title, s = t, s2
			}
		}
		used[s] = true
		g.dialogues = append(g.dialogues, dialogue{title: title, slug: s, parties: [2]int{a, b}, rounds: 1, kind: kind})
	}
	// Spread the remaining rounds with uneven weights: some long series.
	w := make([]float64, n)
	total := 0.0
	for i := range w {
		total += g.r.ExpFloat64() + 0.2
		w[i] = total
	}
	for range g.n - n {
		x := g.r.Float64() * total
		i, _ := slices.BinarySearch(w, x)
		g.dialogues[min(i, n-1)].rounds++
	}
}

// person picks a person by popularity.
func (g *gen) person() int { return g.rank[g.zipf.Uint64()] }

// emit writes every file.
func (g *gen) emit(w *writer) {
	g.emitConfig(w)
	g.emitAbout(w)
	for i := range g.dialogues {
		g.emitDialogue(w, &g.dialogues[i])
	}
	for _, p := range g.people {
		if p.profile {
			g.emitPerson(w, p)
		}
	}
	for _, t := range g.topics {
		if t.profile {
			g.emitTopic(w, t)
		}
	}
}

func (g *gen) emitConfig(w *writer) {
	b := g.buf[:0]
	b = append(b, "title: Dialogue Briefings Archive (synthetic)\n"...)
	b = append(b, "base_url: https://briefings.example.org/\n"...)
	b = append(b, "language: en\n"...)
	b = append(b, "description: A generated archive of diplomatic dialogue briefings for benchmarks.\n"...)
	b = append(b, "highlight_style: github\n"...)
	g.buf = b
	w.put("config.yaml", b)
}

func (g *gen) emitAbout(w *writer) {
	b := g.buf[:0]
	b = append(b, "---\ntitle: About this archive\n---\n\n"...)
	b = append(b, "This archive is **synthetic**: every person, meeting, statement and source in it was made up by a program to benchmark a static site generator. Names are combined from syllable lists; any likeness to a real person is an accident.\n\n"...)
	b = append(b, "It follows the content contract of the real archive: dialogues, rounds, participants and topics, with [external references](https://example.org/about) only.\n"...)
	g.buf = b
	w.put("content/about.md", b)
}

func (g *gen) emitDialogue(w *writer, d *dialogue) {
	b := g.buf[:0]
	b = append(b, "---\n"...)
	b = kv(b, "title", d.title)
	b = append(b, "parties:\n"...)
	for _, c := range d.parties {
		b = item(b, "  ", countries[c].name)
	}
	b = kv(b, "summary", g.sentence(14, 30))
	b = append(b, "---\n\n"...)
	b = g.paragraphs(b, 100+g.r.IntN(150))
	g.buf = b
	w.put("content/dialogues/"+d.slug+"/_index.md", b)

	// Round dates: sorted random days inside a window that fits the series.
	k := d.rounds
	span := k * (30 + g.r.IntN(400))
	start := firstDay + g.r.IntN(max(lastDay-firstDay-span, 1))
	end := min(start+span, lastDay)
	days := g.scratch[:0]
	for range k {
		days = append(days, start+g.r.IntN(end-start+1))
	}
	slices.Sort(days)
	g.scratch = days
	num := 0
	for i := range k {
		num++
		if g.chance(0.03) {
			num++ // a round that was never held, or not archived
		}
		g.emitRound(w, d, num, days[i], i == k-1)
	}
}

var ordinals = []string{"First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth"}

func ordinal(n int) string {
	if n <= len(ordinals) {
		return ordinals[n-1]
	}
	suf := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suf = "st"
		case 2:
			suf = "nd"
		case 3:
			suf = "rd"
		}
	}
	return strconv.Itoa(n) + suf
}

func (g *gen) emitRound(w *writer, d *dialogue, num, dd int, last bool) {
	date := day(dd)
	host := d.parties[g.r.IntN(2)]
	city := g.pick(countries[host].cities)
	if g.chance(0.1) {
		city = g.pick(countries[g.r.IntN(len(countries))].cities)
	}
	var title string
	switch g.r.IntN(4) {
	case 0:
		title = ordinal(num) + " session in " + city
	case 1:
		title = ordinal(num) + " round of the " + d.kind
	case 2:
		title = fmt.Sprintf("Round %d in %s", num, city)
	default:
		title = ordinal(num) + " meeting, " + city
	}

	b := g.buf[:0]
	b = append(b, "---\n"...)
	b = kv(b, "title", title)
	b = append(b, "date: "...)
	b = date.AppendFormat(b, "2006-01-02")
	b = append(b, "\nround: "...)
	b = strconv.AppendInt(b, int64(num), 10)
	b = append(b, '\n')
	if g.chance(0.9) {
		b = kv(b, "location", city)
	}
	if g.chance(0.7) {
		b = kv(b, "summary", g.sentence(20, 45))
	}

	// Participants: distinct people, popular ones more often.
	np := min(2+g.r.IntN(7), len(g.people))
	chosen := make([]int, 0, np)
	for tries := 0; len(chosen) < np; tries++ {
		p := g.person()
		if tries > 60 {
			p = g.r.IntN(len(g.people))
		}
		if !slices.Contains(chosen, p) {
			chosen = append(chosen, p)
		}
	}
	b = append(b, "participants:\n"...)
	leads := [2]bool{}
	for _, pi := range chosen {
		p := g.people[pi]
		if g.chance(0.35) {
			b = item(b, "  ", p.name)
			continue
		}
		if p.profile && g.chance(0.25) {
			b = append(b, "  - id: "...)
			b = append(b, slug.Make(p.name)...)
			b = append(b, '\n')
		} else {
			b = append(b, "  - "...)
			b = kv(b, "name", p.name)
		}
		if g.chance(0.8) {
			b = kv(b, "    role", g.pick(roles))
		}
		side := g.r.IntN(2)
		if p.country == d.parties[0] {
			side = 0
		} else if p.country == d.parties[1] {
			side = 1
		}
		if g.chance(0.85) {
			b = kv(b, "    delegation", countries[d.parties[side]].name)
			if !leads[side] && g.chance(0.6) {
				leads[side] = true
				b = append(b, "    lead: true\n"...)
			}
		}
	}

	// Topics: names, or lower-case names and slugs when a profile exists.
	nt := 2 + g.r.IntN(5)
	tp := g.r.Perm(len(g.topics))[:nt]
	refs := make([]string, nt)
	titles := make([]string, nt)
	for i, ti := range tp {
		t := g.topics[ti]
		titles[i] = t.title
		switch x := g.r.IntN(10); {
		case x < 3 && t.profile:
			refs[i] = slug.Make(t.title)
		case x == 3 && t.profile:
			// Another spelling is fine only where a profile ties them.
			refs[i] = strings.ToLower(t.title)
		default:
			refs[i] = t.title
		}
	}
	if g.chance(0.3) {
		b = append(b, "topics: ["...)
		for i, s := range refs {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = scalar(b, s, true)
		}
		b = append(b, "]\n"...)
	} else {
		b = append(b, "topics:\n"...)
		for _, s := range refs {
			b = item(b, "  ", s)
		}
	}

	if g.chance(0.85) {
		b = append(b, "outcomes:\n"...)
		for range 1 + g.r.IntN(4) {
			b = item(b, "  ", g.outcome(titles))
		}
	}
	if g.chance(0.3) {
		b = append(b, "side_meetings:\n"...)
		for range 1 + g.r.IntN(2) {
			b = append(b, "  - with: ["...)
			for k := range 1 + g.r.IntN(2) {
				if k > 0 {
					b = append(b, ", "...)
				}
				b = scalar(b, g.people[g.person()].name, true)
			}
			b = append(b, "]\n"...)
			b = kv(b, "    note", g.sentence(8, 20))
		}
	}
	if last && g.chance(0.6) {
		y := min(date.Year()+1, 2027)
		b = kv(b, "next_round", g.pick([]string{"first half of ", "second half of ", "early ", "autumn "})+strconv.Itoa(y))
	}
	if g.chance(0.9) {
		b = append(b, "sources:\n"...)
		for k := range 1 + g.r.IntN(3) {
			pub := g.pick(publishers)
			head := g.headline(d, city)
			sd := date.AddDate(0, 0, g.r.IntN(4))
			b = append(b, "  - "...)
			b = kv(b, "title", head)
			b = kv(b, "    publisher", pub)
			b = append(b, "    url: https://example.org/"...)
			b = append(b, slug.Make(pub)...)
			b = sd.AppendFormat(b, "/2006/01/02/")
			b = append(b, slug.Make(head)...)
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(k+1), 10)
			b = append(b, "\n    date: "...)
			b = sd.AppendFormat(b, "2006-01-02")
			b = append(b, '\n')
		}
	}
	if x := g.r.IntN(200); x == 0 {
		b = append(b, "draft: true\n"...)
	} else if x < 20 {
		b = append(b, "draft: false\n"...)
	}
	b = append(b, "---\n\n"...)
	b = g.roundBody(b, chosen, titles)
	g.buf = b
	w.put(fmt.Sprintf("content/dialogues/%s/round-%02d.md", d.slug, num), b)
}

func (g *gen) headline(d *dialogue, city string) string {
	a, c := countries[d.parties[0]].name, countries[d.parties[1]].name
	switch g.r.IntN(4) {
	case 0:
		return a + ", " + c + " hold talks in " + city
	case 1:
		return "Officials meet for " + strings.ToLower(d.kind) + " in " + city
	case 2:
		return a + " and " + c + " agree on next steps"
	default:
		return "Envoys discuss " + strings.ToLower(g.pick(topicSubjects)) + " in " + city
	}
}

func (g *gen) outcome(topics []string) string {
	verbs := []string{"Agreed to continue", "Agreed to expand", "Committed to review", "Welcomed progress on", "Decided to establish a working group on", "Noted differences over"}
	return g.pick(verbs) + " **" + g.pick([]string{"joint efforts", "cooperation", "consultations", "information sharing", "technical exchanges"}) + "** on " + strings.ToLower(topics[g.r.IntN(len(topics))]) + "."
}

// sentence returns a sentence of lo..hi prose words.
func (g *gen) sentence(lo, hi int) string {
	n := lo + g.r.IntN(hi-lo+1)
	var b []byte
	for i := range n {
		w := g.pick(prose)
		if i == 0 {
			r, size := utf8.DecodeRuneInString(w)
			b = utf8.AppendRune(b, unicode.ToUpper(r))
			w = w[size:]
		} else {
			b = append(b, ' ')
		}
		b = append(b, w...)
	}
	return string(append(b, '.'))
}

// paragraphs appends plain paragraphs of about n words in all.
func (g *gen) paragraphs(b []byte, n int) []byte {
	for n > 0 {
		k := min(n, 40+g.r.IntN(50))
		b = g.para(b, k, nil, nil)
		n -= k
	}
	return b
}

// para appends one paragraph of exactly n words (n ≥ 4), with inline
// Markdown now and then; names and footnote markers are extra words only
// when given.
func (g *gen) para(b []byte, n int, names []string, notes *int) []byte {
	start := true
	for i := 0; i < n; i++ {
		w := g.pick(prose)
		if i > 0 {
			b = append(b, ' ')
		}
		switch x := g.r.IntN(60); {
		case start:
			r, size := utf8.DecodeRuneInString(w)
			b = utf8.AppendRune(b, unicode.ToUpper(r))
			b = append(b, w[size:]...)
		case x == 0:
			b = append(b, "**"...)
			b = append(b, w...)
			b = append(b, "**"...)
		case x == 1:
			b = append(b, '*')
			b = append(b, w...)
			b = append(b, '*')
		case x == 2:
			b = append(b, "[`"...)
			b = append(b, w...)
			b = append(b, "`](https://example.org/glossary/"...)
			b = append(b, w...)
			b = append(b, ')')
		case x == 3 && len(names) > 0 && i+2 < n:
			// A two-word-or-longer name counts as its own words.
			nm := names[g.r.IntN(len(names))]
			if k := len(strings.Fields(nm)); i+k < n {
				b = append(b, nm...)
				i += k - 1
				break
			}
			b = append(b, w...)
		default:
			b = append(b, w...)
		}
		start = false
		if i < n-1 && i > 3 && g.chance(0.07) {
			b = append(b, '.')
			start = true
		} else if i < n-1 && g.chance(0.05) {
			b = append(b, ',')
		}
	}
	b = append(b, '.')
	if notes != nil && g.chance(0.3) {
		*notes++
		b = append(b, "[^"...)
		b = strconv.AppendInt(b, int64(*notes), 10)
		b = append(b, ']')
	}
	return append(b, "\n\n"...)
}

var headings = []string{"Background", "Discussion", "Key points", "Human rights situation", "Next steps", "Statements", "Implementation", "Working groups", "Press remarks", "Follow-up"}

// roundBody appends a body of 300–900 words, counted as WordCount does.
func (g *gen) roundBody(b []byte, chosen []int, topics []string) []byte {
	names := make([]string, len(chosen))
	for i, p := range chosen {
		names[i] = g.people[p].name
	}
	target := 300 + g.r.IntN(481) // blocks add < 90, footnotes < 30
	notes := 0
	useNotes := g.chance(0.3)
	var np *int
	if useNotes {
		np = &notes
	}
	count := 0
	lastHead := -1
	for count < target {
		mark := len(b)
		switch x := g.r.IntN(20); {
		case x < 2 && lastHead != len(b):
			b = append(b, "## "...)
			b = append(b, g.pick(headings)...)
			b = append(b, "\n\n"...)
			lastHead = len(b)
		case x < 4:
			for range 3 + g.r.IntN(3) {
				b = append(b, "- "...)
				if g.chance(0.3) {
					b = append(b, "**"...)
					b = append(b, topics[g.r.IntN(len(topics))]...)
					b = append(b, "**: "...)
				}
				b = append(b, g.sentence(4, 10)...)
				b = append(b, '\n')
			}
			b = append(b, '\n')
		case x == 4:
			for k := range 2 + g.r.IntN(3) {
				b = strconv.AppendInt(b, int64(k+1), 10)
				b = append(b, ". "...)
				b = append(b, g.sentence(4, 10)...)
				b = append(b, '\n')
			}
			b = append(b, '\n')
		case x == 5:
			b = append(b, "> "...)
			b = append(b, g.sentence(12, 30)...)
			b = append(b, "\n>\n> — "...)
			b = append(b, names[g.r.IntN(len(names))]...)
			b = append(b, "\n\n"...)
		case x == 6 && g.chance(0.5):
			b = g.table(b, topics)
		case x == 7 && g.chance(0.25):
			b = g.code(b)
		default:
			b = g.para(b, 30+g.r.IntN(55), names, np)
		}
		count += WordCount(b[mark:])
	}
	for k := 1; k <= notes; k++ {
		b = append(b, "[^"...)
		b = strconv.AppendInt(b, int64(k), 10)
		b = append(b, "]: "...)
		b = append(b, g.sentence(4, 9)...)
		b = append(b, " See [the record](https://example.org/records/"...)
		b = strconv.AppendInt(b, int64(g.r.IntN(100000)), 10)
		b = append(b, ").\n"...)
	}
	return b
}

func (g *gen) table(b []byte, topics []string) []byte {
	b = append(b, "| Item | Status | Lead |\n| --- | :---: | --- |\n"...)
	for range 2 + g.r.IntN(3) {
		b = append(b, "| "...)
		b = append(b, topics[g.r.IntN(len(topics))]...)
		b = append(b, " | "...)
		b = append(b, g.pick([]string{"agreed", "pending", "under review", "deferred", "ongoing"})...)
		b = append(b, " | "...)
		b = append(b, countries[g.r.IntN(len(countries))].name...)
		b = append(b, " |\n"...)
	}
	return append(b, '\n')
}

func (g *gen) code(b []byte) []byte {
	lang := g.pick(codeLangs)
	b = append(b, "```"...)
	b = append(b, lang...)
	b = append(b, '\n')
	id := g.r.IntN(1000)
	switch lang {
	case "go":
		b = fmt.Appendf(b, "// Statement %d, as filed.\ntype Outcome struct {\n\tRound  int\n\tAgreed bool\n}\n\nfunc count(xs []Outcome) (n int) {\n\tfor _, x := range xs {\n\t\tif x.Agreed {\n\t\t\tn++\n\t\t}\n\t}\n\treturn n\n}\n", id)
	case "json":
		b = fmt.Appendf(b, "{\n  \"statement\": %d,\n  \"agreed\": true,\n  \"items\": [\"%s\", \"%s\"]\n}\n", id, g.pick(prose), g.pick(prose))
	case "yaml":
		b = fmt.Appendf(b, "statement: %d\nagreed: true\nitems:\n  - %s\n  - %s\n", id, g.pick(prose), g.pick(prose))
	case "python":
		b = fmt.Appendf(b, "def agreed(items):\n    # statement %d\n    return [i for i in items if i.get(\"agreed\")]\n", id)
	default:
		b = fmt.Appendf(b, "REF %d/%s\n%s\n", id, strings.ToUpper(g.pick(prose)), g.sentence(5, 10))
	}
	return append(b, "```\n\n"...)
}

func (g *gen) emitPerson(w *writer, p person) {
	b := g.buf[:0]
	b = append(b, "---\n"...)
	b = kv(b, "name", p.name)
	if len(p.aliases) > 0 {
		b = append(b, "aliases:\n"...)
		for _, a := range p.aliases {
			b = item(b, "  ", a)
		}
	}
	if g.chance(0.8) {
		b = kv(b, "affiliation", g.pick(affiliations))
	}
	if g.chance(0.9) {
		b = kv(b, "country", countries[p.country].name)
	}
	b = append(b, "---\n\n"...)
	b = g.paragraphs(b, 60+g.r.IntN(140))
	g.buf = b
	w.put("content/participants/"+slug.Make(p.name)+".md", b)
	g.stats.Profiles++
}

func (g *gen) emitTopic(w *writer, t topic) {
	b := g.buf[:0]
	b = append(b, "---\n"...)
	b = kv(b, "title", t.title)
	if len(t.aliases) > 0 {
		b = append(b, "aliases:\n"...)
		for _, a := range t.aliases {
			b = item(b, "  ", a)
		}
	}
	b = append(b, "---\n\n"...)
	b = g.paragraphs(b, 50+g.r.IntN(120))
	g.buf = b
	w.put("content/topics/"+slug.Make(t.title)+".md", b)
	g.stats.Profiles++
}

// WordCount counts the whitespace-separated fields of b that hold a letter
// or a digit; Markdown punctuation alone ("-", "|", "```") is not a word.
func WordCount(b []byte) int {
	n := 0
	for _, f := range strings.Fields(string(b)) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

// kv appends "key: value\n" with the value quoted when YAML needs it.
func kv(b []byte, key, v string) []byte {
	b = append(b, key...)
	b = append(b, ": "...)
	b = scalar(b, v, false)
	return append(b, '\n')
}

// item appends "<indent>- value\n".
func item(b []byte, indent, v string) []byte {
	b = append(b, indent...)
	b = append(b, "- "...)
	b = scalar(b, v, false)
	return append(b, '\n')
}

// scalar appends v as a plain YAML scalar when that reads back as the same
// string, else double-quoted.
func scalar(b []byte, v string, flow bool) []byte {
	if plainOK(v, flow) {
		return append(b, v...)
	}
	return strconv.AppendQuote(b, v)
}

func plainOK(v string, flow bool) bool {
	if v == "" || strings.TrimSpace(v) != v {
		return false
	}
	if strings.ContainsAny(v[:1], "-?:,[]{}#&*!|>'\"%@`0123456789.+~") {
		return false
	}
	if strings.Contains(v, ": ") || strings.Contains(v, " #") || strings.HasSuffix(v, ":") {
		return false
	}
	if flow && strings.ContainsAny(v, ",[]{}") {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n":
		return false
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
