package render

import (
	"fmt"
	"slices"
	"strings"

	"briefings/generator/internal/content"
	"briefings/generator/internal/link"
)

const latestOnHome = 20

// homeDialogues is how many dialogues the home page lists; past it, it lists
// the most recently active ones and links the full list.
const homeDialogues = 20

var months = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func date(d content.Date) Date {
	if d.IsZero() {
		return Date{}
	}
	return Date{ISO: d.String(), Display: fmt.Sprintf("%d %s %d", d.Day, months[d.Month-1], d.Year), Year: d.Year}
}

func (r *renderer) siteView() *SiteView {
	c := r.opts.Config
	s := &SiteView{
		Title:       c.Title,
		Description: c.Description,
		Language:    c.Language,
		BaseURL:     r.u.base,
		HomeURL:     r.u.path(""),
		StyleURL:    r.u.path("assets/style.css"),
		SyntaxURL:   r.u.path("assets/syntax.css"),
		FeedURL:     r.u.path("feed.xml"),
	}
	s.Nav = []NavItem{
		{Title: "Dialogues", URL: r.u.path("dialogues/")},
		{Title: "Participants", URL: r.u.path("participants/")},
		{Title: "Topics", URL: r.u.path("topics/")},
		{Title: "Archive", URL: r.u.path("archive/")},
		{Title: "Search", URL: r.u.path("search/")},
	}
	for _, p := range r.a.Pages {
		if p.Slug == "about" {
			s.Nav = append(s.Nav, NavItem{Title: p.Title, URL: r.u.path(p.URL())})
		}
	}
	return s
}

// base fills the Page every view embeds. The site view is copied so the
// current navigation item can be marked without sharing state.
func (r *renderer) base(kind, rel, title, description string, crumbs ...Crumb) Page {
	site := *r.site
	site.Nav = make([]NavItem, len(r.site.Nav))
	cur := r.u.path(rel)
	for i, n := range r.site.Nav {
		n.Current = n.URL == cur || (rel != "" && strings.HasPrefix(cur, n.URL) && n.URL != r.u.path(""))
		site.Nav[i] = n
	}
	if description == "" {
		description = r.opts.Config.Description
	}
	p := Page{Site: &site, Kind: kind, Title: title, Description: description, URL: cur, Canonical: r.u.abs(rel)}
	if kind != "home" && kind != "404" {
		p.Breadcrumbs = append([]Crumb{{Title: "Home", URL: r.u.path("")}}, crumbs...)
		p.Breadcrumbs = append(p.Breadcrumbs, Crumb{Title: title})
	}
	return p
}

func (r *renderer) link(title, rel string) Link { return Link{Title: title, URL: r.u.path(rel)} }

func (r *renderer) roundItem(rd *link.Round) RoundItem {
	return RoundItem{
		Title:    rd.Title,
		URL:      r.u.path(rd.URL()),
		Date:     date(rd.Date),
		Number:   rd.Number,
		Dialogue: r.link(rd.Dialogue.Title, rd.Dialogue.URL()),
		Location: rd.Location,
		Summary:  rd.Summary,
	}
}

func (r *renderer) roundItems(rs []*link.Round) []RoundItem {
	out := make([]RoundItem, len(rs))
	for i, rd := range rs {
		out[i] = r.roundItem(rd)
	}
	return out
}

func (r *renderer) dialogueItem(d *link.Dialogue) DialogueItem {
	it := DialogueItem{Title: d.Title, URL: r.u.path(d.URL()), Summary: d.Summary, Parties: d.Parties, RoundCount: len(d.Rounds)}
	first, latest := dateSpan(d.Rounds)
	it.First, it.Latest = date(first), date(latest)
	return it
}

// dateSpan returns the earliest and latest date of rounds (zero when none).
func dateSpan(rounds []*link.Round) (first, latest content.Date) {
	for i, rd := range rounds {
		if i == 0 || rd.Date.Compare(first) < 0 {
			first = rd.Date
		}
		if i == 0 || rd.Date.Compare(latest) > 0 {
			latest = rd.Date
		}
	}
	return first, latest
}

func (r *renderer) dialogueItems() []DialogueItem {
	out := make([]DialogueItem, len(r.a.Dialogues))
	for i, d := range r.a.Dialogues {
		out[i] = r.dialogueItem(d)
	}
	return out
}

func (r *renderer) homeView() HomeView {
	latest := r.a.Rounds
	if len(latest) > latestOnHome {
		latest = latest[:latestOnHome]
	}
	v := HomeView{
		Page:             r.base("home", "", r.opts.Config.Title, r.opts.Config.Description),
		Latest:           r.roundItems(latest),
		Dialogues:        r.dialogueItems(),
		DialoguesURL:     r.u.path("dialogues/"),
		RoundCount:       len(r.a.Rounds),
		ParticipantCount: len(r.a.Participants),
		TopicCount:       len(r.a.Topics),
		DialogueCount:    len(r.a.Dialogues),
	}
	if len(v.Dialogues) > homeDialogues {
		// The most recently active first; ties by title (the list's order).
		slices.SortStableFunc(v.Dialogues, func(a, b DialogueItem) int { return strings.Compare(b.Latest.ISO, a.Latest.ISO) })
		v.Dialogues, v.MoreDialogues = v.Dialogues[:homeDialogues], true
	}
	v.LinkedData = r.websiteLD()
	return v
}

func (r *renderer) dialoguesView(n int) DialoguesView {
	all := r.dialogueItems()
	total := pageCount(len(all))
	title := pagedTitle("Dialogues", n, total)
	v := DialoguesView{
		Page:       r.base("dialogues", pageRel("dialogues/", n), title, fmt.Sprintf("All %d dialogues in the archive.", len(r.a.Dialogues))),
		Dialogues:  pageOf(all, n),
		Pagination: r.pagination("dialogues/", n, total, "Pages of the list of dialogues"),
	}
	v.Page = r.paged(v.Page, "dialogues/", "Dialogues", n, total)
	return v
}

func (r *renderer) dialogueView(d *link.Dialogue) DialogueView {
	v := DialogueView{
		Page:     r.base("dialogue", d.URL(), d.Title, d.Summary, r.link("Dialogues", "dialogues/").crumb()),
		Dialogue: r.dialogueItem(d),
		Body:     r.markdown(d.File, d.Body),
	}
	v.FeedURL, v.FeedTitle = r.u.path(feedPath(d.URL())), r.dialogueFeedTitle(d)
	v.Chart = r.timelineChart(d)
	v.LinkedData = r.dialogueLD(d)
	prev := 0
	for _, rd := range d.Rounds {
		if rd.Number > prev+1 {
			missing := fmt.Sprint(prev + 1)
			if rd.Number-1 > prev+1 {
				missing = fmt.Sprintf("%d–%d", prev+1, rd.Number-1)
			}
			v.Timeline = append(v.Timeline, TimelineEntry{Gap: true, Missing: missing})
		}
		v.Timeline = append(v.Timeline, TimelineEntry{Round: r.roundItem(rd)})
		prev = rd.Number
	}
	// The newest round that says when the dialogue meets next.
	var latest *link.Round
	for _, rd := range d.Rounds {
		if rd.NextRound != "" && (latest == nil || link.Newer(rd, latest)) {
			latest = rd
		}
	}
	if latest != nil {
		it := r.roundItem(latest)
		v.NextRound, v.NextFrom = latest.NextRound, &it
	}
	return v
}

func (l Link) crumb() Crumb { return Crumb{Title: l.Title, URL: l.URL} }

func (r *renderer) roundDescription(rd *link.Round) string {
	if rd.Summary != "" {
		return rd.Summary
	}
	s := fmt.Sprintf("Round %d of the %s, %s", rd.Number, rd.Dialogue.Title, date(rd.Date).Display)
	if rd.Location != "" {
		s += ", " + rd.Location
	}
	return s + "."
}

func (r *renderer) roundView(rd *link.Round) RoundView {
	v := RoundView{
		Page: r.base("round", rd.URL(), rd.Title, r.roundDescription(rd),
			r.link("Dialogues", "dialogues/").crumb(), r.link(rd.Dialogue.Title, rd.Dialogue.URL()).crumb()),
		Round:     r.roundItem(rd),
		NextRound: rd.NextRound,
		Body:      r.markdown(rd.File, rd.Body),
	}
	v.OGType, v.LinkedData = "article", r.roundLD(rd)
	for _, a := range rd.Attendees {
		v.Participants = append(v.Participants, PersonEntry{Name: a.Person.Name, URL: r.u.path(a.Person.URL()), Role: a.Role, Delegation: a.Delegation, Lead: a.Lead})
	}
	for _, t := range rd.Topics {
		v.Topics = append(v.Topics, r.link(t.Name, t.URL()))
	}
	for _, o := range rd.Outcomes {
		v.Outcomes = append(v.Outcomes, r.inline(rd.File, o))
	}
	for _, sm := range rd.SideMeetings {
		smv := SideMeetingView{Note: sm.Note}
		for _, p := range sm.People {
			smv.People = append(smv.People, r.link(p.Name, p.URL()))
		}
		v.SideMeetings = append(v.SideMeetings, smv)
	}
	for _, s := range rd.Sources {
		v.Sources = append(v.Sources, SourceView{Title: s.Title, Publisher: s.Publisher, URL: s.URL, Date: date(s.Date)})
	}
	if rd.Prev != nil {
		it := r.roundItem(rd.Prev)
		v.Prev = &it
	}
	if rd.Next != nil {
		it := r.roundItem(rd.Next)
		v.Next = &it
	}
	v.Related = r.roundItems(rd.Related)
	v.Cite = r.citation(rd)
	return v
}

func (r *renderer) participantItem(e *link.Entity) ParticipantItem {
	it := ParticipantItem{Name: e.Name, URL: r.u.path(e.URL()), RoundCount: len(e.Rounds)}
	if e.Profile != nil {
		it.Affiliation, it.Country = e.Profile.Affiliation, e.Profile.Country
	}
	return it
}

func (r *renderer) participantsView() ParticipantsView {
	v := ParticipantsView{Page: r.base("participants", "participants/", "Participants", fmt.Sprintf("All %d participants in the archive.", len(r.a.Participants)))}
	for _, e := range r.a.Participants {
		v.Participants = append(v.Participants, r.participantItem(e))
	}
	return v
}

func (r *renderer) counts(cs []link.Count) []CountLink {
	out := make([]CountLink, len(cs))
	for i, c := range cs {
		out[i] = CountLink{Title: c.Entity.Name, URL: r.u.path(c.Entity.URL()), Count: c.N}
	}
	return out
}

func entityDescription(e *link.Entity, what string) string {
	return fmt.Sprintf("%s: %d %s in the archive.", e.Name, len(e.Rounds), plural(len(e.Rounds), "round"))
}

func plural(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

func (r *renderer) participantView(e *link.Entity, n int) ParticipantView {
	total := pageCount(len(e.Rounds))
	v := ParticipantView{
		Page: r.base("participant", pageRel(e.URL(), n), pagedTitle(e.Name, n, total), entityDescription(e, "participant"),
			r.link("Participants", "participants/").crumb()),
		Participant: r.participantItem(e),
		Pagination:  r.pagination(e.URL(), n, total, "Pages of rounds with "+e.Name),
	}
	v.Page = r.paged(v.Page, e.URL(), e.Name, n, total)
	v.OGType, v.LinkedData = "profile", r.personLD(e)
	if n <= 1 {
		v.MetMost, v.TopicsMost = r.counts(e.People), r.counts(e.Topics)
		v.Chart = r.yearChart(e)
	}
	v.FeedURL, v.FeedTitle = r.u.path(feedPath(e.URL())), r.entityFeedTitle(e)
	if e.Profile != nil {
		v.Aliases = e.Profile.Aliases
		if n <= 1 {
			v.Bio = r.markdown(e.Profile.File, e.Profile.Body)
		}
	}
	for _, er := range pageOf(e.Rounds, n) {
		pr := ParticipantRound{RoundItem: r.roundItem(er.Round), SideMeeting: er.Side, Note: er.Note}
		if er.Attendee != nil {
			pr.Role, pr.Delegation, pr.Lead = er.Attendee.Role, er.Attendee.Delegation, er.Attendee.Lead
		}
		v.Rounds = append(v.Rounds, pr)
		if k := len(v.Years); k == 0 || v.Years[k-1].Year != pr.Date.Year {
			v.Years = append(v.Years, ParticipantYear{Year: pr.Date.Year})
		}
		y := &v.Years[len(v.Years)-1]
		y.Rounds = append(y.Rounds, pr)
	}
	return v
}

func (r *renderer) topicItem(e *link.Entity) TopicItem {
	return TopicItem{Title: e.Name, URL: r.u.path(e.URL()), RoundCount: len(e.Rounds)}
}

func (r *renderer) topicsView() TopicsView {
	v := TopicsView{Page: r.base("topics", "topics/", "Topics", fmt.Sprintf("All %d topics in the archive.", len(r.a.Topics)))}
	for _, e := range r.a.Topics {
		v.Topics = append(v.Topics, r.topicItem(e))
	}
	return v
}

func (r *renderer) topicView(e *link.Entity, n int) TopicView {
	total := pageCount(len(e.Rounds))
	v := TopicView{
		Page: r.base("topic", pageRel(e.URL(), n), pagedTitle(e.Name, n, total), entityDescription(e, "topic"),
			r.link("Topics", "topics/").crumb()),
		Topic:      r.topicItem(e),
		Pagination: r.pagination(e.URL(), n, total, "Pages of rounds on "+e.Name),
	}
	v.Page = r.paged(v.Page, e.URL(), e.Name, n, total)
	if n <= 1 {
		v.Participants, v.Related = r.counts(e.People), r.counts(e.Topics)
	}
	v.FeedURL, v.FeedTitle = r.u.path(feedPath(e.URL())), r.entityFeedTitle(e)
	if e.Profile != nil {
		v.Aliases = e.Profile.Aliases
		if n <= 1 {
			v.Description = r.markdown(e.Profile.File, e.Profile.Body)
		}
	}
	for _, er := range pageOf(e.Rounds, n) {
		v.Rounds = append(v.Rounds, r.roundItem(er.Round))
	}
	v.Years = byYear(v.Rounds)
	return v
}

// byYear groups a newest-first list of rounds by year.
func byYear(rounds []RoundItem) []YearGroup {
	var out []YearGroup
	for _, it := range rounds {
		if n := len(out); n == 0 || out[n-1].Year != it.Date.Year {
			out = append(out, YearGroup{Year: it.Date.Year})
		}
		g := &out[len(out)-1]
		g.Rounds = append(g.Rounds, it)
	}
	return out
}

func (r *renderer) archiveView(n int) ArchiveView {
	total := pageCount(len(r.a.Rounds))
	v := ArchiveView{
		Page: r.base("archive", pageRel("archive/", n), pagedTitle("Archive", n, total),
			fmt.Sprintf("Every round in the archive by year: %d rounds.", len(r.a.Rounds))),
		Years:      byYear(r.roundItems(pageOf(r.a.Rounds, n))),
		Pagination: r.pagination("archive/", n, total, "Pages of the archive"),
	}
	v.Page = r.paged(v.Page, "archive/", "Archive", n, total)
	return v
}

func (r *renderer) standaloneView(p *content.Page) StandaloneView {
	return StandaloneView{Page: r.base("page", p.URL(), p.Title, p.Summary), Body: r.markdown(p.File, p.Body)}
}

func (r *renderer) notFoundView() NotFoundView {
	p := r.base("404", "404.html", "Page not found", "")
	p.Canonical = ""
	return NotFoundView{Page: p}
}
