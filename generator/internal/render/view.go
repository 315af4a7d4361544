package render

import "html/template"

// The view models below are everything templates see: resolved URLs, sorted
// lists, display strings. Templates never compute links or reach into the
// archive graph. Every URL field is a root-relative path that already
// includes the base path (e.g. "/briefings/dialogues/x/"), except fields
// named Canonical/Absolute, which are absolute URLs.

// SiteView is shared by every page.
type SiteView struct {
	Title       string
	Description string
	Language    string
	BaseURL     string // absolute, with trailing slash
	HomeURL     string // root-relative, with trailing slash
	StyleURL    string
	SyntaxURL   string
	FeedURL     string // root-relative URL of feed.xml
	Nav         []NavItem
}

// NavItem is one entry of the navigation bar.
type NavItem struct {
	Title   string
	URL     string
	Current bool
}

// Crumb is one breadcrumb; the last one is the current page (URL empty).
type Crumb struct {
	Title string
	URL   string
}

// Page is embedded in every view: what the page shell needs.
type Page struct {
	Site        *SiteView
	Kind        string // home, dialogues, dialogue, round, participants, participant, topics, topic, archive, page, search, 404
	Title       string // page title (without the site title)
	Description string // meta description, plain text
	URL         string // root-relative URL of this page
	Canonical   string // absolute URL of this page
	Breadcrumbs []Crumb
	// FeedURL is the root-relative URL of this page's own Atom feed (a
	// dialogue's, participant's or topic's rounds), FeedTitle its title;
	// empty for pages without one. The site feed is Site.FeedURL.
	FeedURL   string
	FeedTitle string
	// OGType is the Open Graph type ("website" when empty); LinkedData the
	// page's schema.org description, written as JSON-LD (see jsonld.go).
	OGType     string
	LinkedData *LinkedData
}

// Link is a titled URL.
type Link struct {
	Title string
	URL   string
}

// CountLink is a link with a number, e.g. a person met in 3 rounds.
type CountLink struct {
	Title string
	URL   string
	Count int
}

// Date is a calendar date ready for display.
type Date struct {
	ISO     string // 2024-04-15, for <time datetime>
	Display string // 15 April 2024
	Year    int
}

// RoundItem is a round as it appears in lists.
type RoundItem struct {
	Title    string
	URL      string
	Date     Date
	Number   int
	Dialogue Link
	Location string
	Summary  string
}

// HomeView is the front page.
type HomeView struct {
	Page
	Intro            template.HTML  // body of content/_index.md if present, else empty
	Latest           []RoundItem    // newest first, at most 20
	Dialogues        []DialogueItem // all by title; past homeDialogues, the most recently active
	MoreDialogues    bool           // Dialogues leaves some out: link DialoguesURL
	DialoguesURL     string
	RoundCount       int
	ParticipantCount int
	TopicCount       int
	DialogueCount    int
}

// DialogueItem is a dialogue as it appears in lists.
type DialogueItem struct {
	Title      string
	URL        string
	Summary    string
	Parties    []string
	RoundCount int
	First      Date // date of the earliest round (zero when none)
	Latest     Date // date of the latest round
}

// DialoguesView is /dialogues/ (and its page/<n>/ pages).
type DialoguesView struct {
	Page
	Dialogues  []DialogueItem // this page's, by title
	Pagination Pagination
}

// TimelineEntry is one step of a dialogue's timeline: a round, or a gap of
// missing round numbers (Gap true, Missing the numbers as text: "3" or "3–5").
type TimelineEntry struct {
	Round   RoundItem
	Gap     bool
	Missing string
}

// DialogueView is /dialogues/<d>/.
type DialogueView struct {
	Page
	Dialogue  DialogueItem
	Body      template.HTML
	Timeline  []TimelineEntry // in round-number order
	Chart     *SVGTimeline    // the same rounds on a date axis; nil without rounds
	NextRound string          // latest round's next_round, free text
	NextFrom  *RoundItem      // the round that said so
}

// PersonEntry is a participant at one round.
type PersonEntry struct {
	Name       string
	URL        string
	Role       string
	Delegation string
	Lead       bool
}

// SideMeetingView is one side meeting of a round.
type SideMeetingView struct {
	People []Link
	Note   string
}

// SourceView is one cited source.
type SourceView struct {
	Title     string
	Publisher string
	URL       string
	Date      Date // zero when not given
}

// RoundView is /dialogues/<d>/<name>/.
type RoundView struct {
	Page
	Round        RoundItem
	Participants []PersonEntry // leads first, then file order
	Topics       []Link
	Outcomes     []template.HTML // inline Markdown rendered
	SideMeetings []SideMeetingView
	NextRound    string
	Sources      []SourceView
	Body         template.HTML
	Prev         *RoundItem
	Next         *RoundItem
	Related      []RoundItem // at most 5
	Cite         Citation
}

// ParticipantItem is a participant as it appears in lists.
type ParticipantItem struct {
	Name        string
	URL         string
	Affiliation string
	Country     string
	RoundCount  int
}

// ParticipantsView is /participants/.
type ParticipantsView struct {
	Page
	Participants []ParticipantItem // sorted by name
}

// ParticipantRound is one round a participant took part in.
type ParticipantRound struct {
	RoundItem
	Role        string
	Delegation  string
	Lead        bool
	SideMeeting bool   // met at a side meeting rather than at the table
	Note        string // side-meeting note
}

// ParticipantYear is one year of a participant's rounds, newest first.
type ParticipantYear struct {
	Year   int
	Rounds []ParticipantRound
}

// ParticipantView is /participants/<p>/ (and its page/<n>/ pages, which
// show only the rounds: profile, chart and counts are on page 1).
type ParticipantView struct {
	Page
	Participant ParticipantItem
	Aliases     []string
	Bio         template.HTML
	Rounds      []ParticipantRound // this page's rounds, newest first
	Years       []ParticipantYear  // the same rounds grouped by year
	Pagination  Pagination
	Chart       *SVGBarChart // rounds per year, on page 1; nil without rounds
	MetMost     []CountLink  // people met most often, at most 10
	TopicsMost  []CountLink  // topics discussed most, at most 10
}

// TopicItem is a topic as it appears in lists.
type TopicItem struct {
	Title      string
	URL        string
	RoundCount int
}

// TopicsView is /topics/.
type TopicsView struct {
	Page
	Topics []TopicItem // sorted by title
}

// TopicView is /topics/<t>/ (and its page/<n>/ pages, which show only the
// rounds).
type TopicView struct {
	Page
	Topic        TopicItem
	Aliases      []string
	Description  template.HTML
	Rounds       []RoundItem // this page's rounds, newest first
	Years        []YearGroup // the same rounds grouped by year
	Pagination   Pagination
	Participants []CountLink // who discussed it most, at most 10
	Related      []CountLink // co-occurring topics, at most 10
}

// YearGroup is the rounds of one year, newest first.
type YearGroup struct {
	Year   int
	Rounds []RoundItem
}

// ArchiveView is /archive/ (and its page/<n>/ pages).
type ArchiveView struct {
	Page
	Years      []YearGroup // this page's rounds, newest year first
	Pagination Pagination
}

// Pagination places one page of a long list (see paginate.go). Total is 1
// (or 0 in a zero value) when the list fits on one page; then there is no
// navigation.
type Pagination struct {
	Page, Total int
	Later       bool       // page 2 or later: the list's introduction is on page 1
	Prev, Next  string     // root-relative URLs of the neighbouring pages, "" at the ends
	Pages       []PageLink // first, last, and up to two pages either side of this one
	Label       string     // accessible name of the navigation, e.g. "Pages of the archive"
}

// PageLink is one numbered link of a Pagination.
type PageLink struct {
	Number    int
	URL       string
	Current   bool
	GapBefore bool // page numbers are left out before this one
}

// StandaloneView is a top-level page such as /about/.
type StandaloneView struct {
	Page
	Body template.HTML
}

// SVGTimeline is a dialogue's rounds on a date axis, drawn by the
// "timeline-svg" partial (see svg.go). Coordinates are user units of an
// SVG Width×Height.
type SVGTimeline struct {
	Width, Height  int
	AxisX1, AxisX2 int
	AxisY          int
	Ticks          []SVGTick  // 1 January of each year; Label empty for unlabelled ticks
	Points         []SVGPoint // oldest first
	Gaps           []SVGGap   // stretches between rounds with missing numbers
	Title          string     // accessible name of the picture
}

// SVGTick is a mark on an axis.
type SVGTick struct {
	X     int
	Label string
}

// SVGPoint is one round on a timeline: a link with a text alternative.
type SVGPoint struct {
	X, Y       int
	Number     int
	ShowNumber bool // written beside the point when there is room
	URL        string
	Label      string // "Round 2, 15 April 2024, Washington. Led by …"
}

// SVGGap is a dashed stretch of the axis where round numbers are missing.
type SVGGap struct {
	X1, X2, Y int
	Label     string
}

// SVGBarChart is a participant's rounds per year, drawn by the
// "year-chart-svg" partial.
type SVGBarChart struct {
	Width, Height int
	BaseY         int // the bars' baseline
	Bars          []SVGBar
	Title         string // accessible name
	Desc          string // every year's count, as text
}

// SVGBar is one year's bar; H is 0 for a year without rounds.
type SVGBar struct {
	X, Y, W, H int
	TextX      int // centre, for the labels
	Count      int
	CountLabel string // shown above the bar when there is room
	YearLabel  string // shown below for every few years
}

// NotFoundView is 404.html.
type NotFoundView struct {
	Page
}

// FacetOption is one value of a search filter.
type FacetOption struct {
	Value string // the URL parameter's value: a slug
	Title string
	Count int // rounds with this value
}

// SearchView is /search/. The page works only with search.js, which reads
// the form's fields from the URL and fetches the index from IndexURL.
type SearchView struct {
	Page
	IndexURL            string // root-relative URL of the search/ folder, with trailing slash
	ScriptURL           string
	SearchStyleURL      string        // the search page's own stylesheet
	ArchiveURL          string        // where readers without JavaScript are sent
	Dialogues           []FacetOption // by title
	Participants        []FacetOption // by name; those seated at a round
	Delegations         []FacetOption // by title
	Topics              []FacetOption // by title
	FirstYear, LastYear int           // span of round dates (0 when there are no rounds)
}

// Citation is a round cited three ways, from stable fields only (dialogue,
// round number, date, location, canonical URL): plain text (Chicago-like),
// BibTeX and CSL-JSON.
type Citation struct {
	Plain   string
	BibTeX  string
	CSLJSON string
}
