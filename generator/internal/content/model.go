// Package content validates the files of content/ into typed domain values.
//
// It takes the site's content files (path relative to the site root, e.g.
// "content/dialogues/rok-us/round-2.md", and their bytes) and returns a Site:
// dialogues, rounds, participant and topic profiles and standalone pages,
// each carrying the positions of its fields. Every problem in every file is
// reported as a positioned diagnostic; a file with errors is left out of the
// Site. Cross-file rules that need only this stage (duplicate round numbers,
// rounds without a dialogue, URL collisions between files) are checked
// here; name resolution belongs to package link.
package content

import (
	"fmt"

	"briefings/generator/internal/diag"
)

// Date is a calendar date, validated on decode.
type Date struct {
	Year, Month, Day int
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// Compare orders dates: -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(d.Month - e.Month)
	}
	return sign(d.Day - e.Day)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Markdown is a body with the file line of its first line, so rendering
// problems can be reported at file positions. Its text is read with Bytes:
// with Options.LazyBodies the parser leaves it in its file and Bytes reads
// it again, so a build does not hold every body of the archive in memory.
type Markdown struct {
	Line int
	text []byte
	lazy *lazyText // set when the text was left in its file
}

// NewMarkdown returns a body held in memory.
func NewMarkdown(text []byte, line int) Markdown { return Markdown{Line: line, text: text} }

// Bytes returns the text of the body. For a body left in its file it reads
// the file again (through Options.Read) and fails when the file cannot be
// read or no longer holds the same body: it changed during the build.
func (m Markdown) Bytes() ([]byte, error) {
	if m.lazy == nil {
		return m.text, nil
	}
	return m.lazy.load()
}

// Size is the length of the text in bytes, known without reading it.
func (m Markdown) Size() int {
	if m.lazy == nil {
		return len(m.text)
	}
	return m.lazy.size
}

// Ref is a reference to a participant or topic as an editor wrote it:
// a name, an id (a slug), or both.
type Ref struct {
	Name string
	ID   string
	Pos  diag.Pos
}

// Attendance is one participant at a round.
type Attendance struct {
	Ref
	Role       string
	Delegation string
	Lead       bool
}

// SideMeeting is a meeting held beside a round.
type SideMeeting struct {
	With []Ref
	Note string
	Pos  diag.Pos
}

// Source is a published report a round cites.
type Source struct {
	Title     string
	Publisher string
	URL       string
	Date      Date
	Pos       diag.Pos
}

// Inline is a one-line Markdown string (an outcome).
type Inline struct {
	Text string
	Line int
}

// Dialogue is one dialogue series (content/dialogues/<slug>/_index.md).
type Dialogue struct {
	Slug    string
	File    string
	Title   string
	Parties []string
	Summary string
	Body    Markdown
}

// Round is one round of a dialogue.
type Round struct {
	Dialogue     string // dialogue slug
	Slug         string // slug of the file name
	File         string
	Title        string
	Date         Date
	DatePos      diag.Pos
	Number       int
	NumberPos    diag.Pos
	Location     string
	Summary      string
	Participants []Attendance
	Topics       []Ref
	Outcomes     []Inline
	SideMeetings []SideMeeting
	NextRound    string
	Sources      []Source
	Draft        bool
	Body         Markdown
}

// ProfileKind tells participant profiles from topic profiles.
type ProfileKind int

const (
	ParticipantProfile ProfileKind = iota
	TopicProfile
)

// Profile is an optional participant or topic page
// (content/participants/<slug>.md, content/topics/<slug>.md).
type Profile struct {
	Kind        ProfileKind
	Slug        string
	File        string
	Name        string // participant name or topic title
	NamePos     diag.Pos
	Aliases     []string
	AliasPos    []diag.Pos
	Affiliation string
	Country     string
	Body        Markdown
}

// Page is a standalone page (content/<name>.md).
type Page struct {
	Slug    string
	File    string
	Title   string
	Summary string
	Body    Markdown
}

// Site is every valid content file, each list sorted by file path.
type Site struct {
	Dialogues    []*Dialogue
	Rounds       []*Round
	Participants []*Profile
	Topics       []*Profile
	Pages        []*Page
}

// File is one input file.
type File struct {
	Path string // slash-separated, relative to the site root
	Data []byte
}
