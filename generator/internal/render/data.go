package render

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"briefings/generator/internal/link"
)

// Open data: /data/rounds.json and /data/rounds.csv, every published round
// oldest first (date, then round number, dialogue and file, the reverse of
// the archive's order), with absolute URLs. The field list is in README.md
// ("Open data"); keep the two in step.

// DataRounds is /data/rounds.json.
type DataRounds struct {
	Title   string      `json:"title"`
	BaseURL string      `json:"base_url"`
	Count   int         `json:"count"`
	Rounds  []DataRound `json:"rounds"`
}

// DataRound is one round in the open data.
type DataRound struct {
	ID           string            `json:"id"` // <dialogue slug>/<round slug>
	URL          string            `json:"url"`
	Dialogue     DataRef           `json:"dialogue"`
	Round        int               `json:"round"`
	Title        string            `json:"title"`
	Date         string            `json:"date"`
	Location     string            `json:"location"`
	Summary      string            `json:"summary"`
	Participants []DataParticipant `json:"participants"`
	Topics       []DataRef         `json:"topics"`
	Outcomes     []string          `json:"outcomes"`
	SideMeetings []DataSideMeeting `json:"side_meetings"`
	NextRound    string            `json:"next_round"`
	Sources      []DataSource      `json:"sources"`
}

// DataRef names a dialogue, participant or topic.
type DataRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// DataParticipant is a participant at a round.
type DataParticipant struct {
	DataRef
	Role       string `json:"role"`
	Delegation string `json:"delegation"`
	Lead       bool   `json:"lead"`
}

// DataSideMeeting is a side meeting.
type DataSideMeeting struct {
	With []DataRef `json:"with"`
	Note string    `json:"note"`
}

// DataSource is a cited source.
type DataSource struct {
	Title     string `json:"title"`
	Publisher string `json:"publisher"`
	URL       string `json:"url"`
	Date      string `json:"date"`
}

// dataJobs make the open data files, streamed: at 100,000 rounds they are
// hundreds of megabytes, and no round's record is held longer than it
// takes to encode it. They run after every other job (Site), so the
// Markdown of every outcome is in the memo and their keys are known before
// they are made.
func (r *renderer) dataJobs() []job {
	file := func(path string, write func(r *renderer, w io.Writer) error) job {
		return func(r *renderer) (Output, error) {
			out := Output{Path: path, Kind: "data"}
			if r.keys != nil {
				out.Key = r.keyFor(path, "data", func(r *renderer) any { return r.dataDigest() })
				if r.keys.keep != nil && out.Key != "" {
					if n, ok := r.keys.keep(path, out.Key); ok {
						out.Kept, out.Size = true, n
						return out, nil
					}
				}
			}
			return r.stream(out, func(w io.Writer) error { return write(r, w) }), nil
		}
	}
	return []job{file("data/rounds.json", (*renderer).writeRoundsJSON), file("data/rounds.csv", (*renderer).writeRoundsCSV)}
}

// dataHead is what the open data holds besides the rounds.
func (r *renderer) dataHead() DataRounds {
	return DataRounds{Title: r.opts.Config.Title, BaseURL: r.u.base, Count: len(r.a.Rounds), Rounds: []DataRound{}}
}

// dataDigest stands for the whole open data in keys: the head and the
// SHA-256 of every round's record, made one at a time (once per render:
// both data files are keyed by it).
func (r *renderer) dataDigest() dataKey {
	if !r.keyMode || r.dataKey == nil {
		return r.digestData()
	}
	r.dataKey.once.Do(func() { r.dataKey.key = r.digestData() })
	return r.dataKey.key
}

// dataKeyMemo holds the key-mode dataDigest of one render.
type dataKeyMemo struct {
	once sync.Once
	key  dataKey
}

func (r *renderer) digestData() dataKey {
	h := sha256.New()
	w := bufio.NewWriterSize(h, 32<<10)
	r.eachDataRound(func(d DataRound) error {
		hashValue(w, reflect.ValueOf(d))
		return nil
	})
	w.Flush()
	return dataKey{Head: r.dataHead(), Rounds: hex.EncodeToString(h.Sum(nil))}
}

type dataKey struct {
	Head   DataRounds
	Rounds string
}

// eachDataRound calls f with the record of every round, oldest first,
// until f returns an error.
func (r *renderer) eachDataRound(f func(DataRound) error) error {
	for i := len(r.a.Rounds) - 1; i >= 0; i-- {
		rd := r.a.Rounds[i]
		d := DataRound{
			ID: rd.Dialogue.Slug + "/" + rd.Slug, URL: r.u.abs(rd.URL()),
			Dialogue: DataRef{Slug: rd.Dialogue.Slug, Name: rd.Dialogue.Title, URL: r.u.abs(rd.Dialogue.URL())},
			Round:    rd.Number, Title: rd.Title, Date: rd.Date.String(), Location: rd.Location, Summary: rd.Summary,
			NextRound:    rd.NextRound,
			Participants: []DataParticipant{}, Topics: []DataRef{}, Outcomes: []string{}, SideMeetings: []DataSideMeeting{}, Sources: []DataSource{},
		}
		for _, a := range rd.Attendees {
			d.Participants = append(d.Participants, DataParticipant{DataRef: r.dataRef(a.Person), Role: a.Role, Delegation: a.Delegation, Lead: a.Lead})
		}
		for _, t := range rd.Topics {
			d.Topics = append(d.Topics, r.dataRef(t))
		}
		for _, o := range rd.Outcomes {
			d.Outcomes = append(d.Outcomes, htmlText(string(r.inline(rd.File, o))))
		}
		for _, sm := range rd.SideMeetings {
			m := DataSideMeeting{With: []DataRef{}, Note: sm.Note}
			for _, p := range sm.People {
				m.With = append(m.With, r.dataRef(p))
			}
			d.SideMeetings = append(d.SideMeetings, m)
		}
		for _, s := range rd.Sources {
			d.Sources = append(d.Sources, DataSource{Title: s.Title, Publisher: s.Publisher, URL: s.URL, Date: s.Date.String()})
		}
		if err := f(d); err != nil {
			return err
		}
	}
	return nil
}

func (r *renderer) dataRef(e *link.Entity) DataRef {
	return DataRef{Slug: e.Slug, Name: e.Name, URL: r.u.abs(e.URL())}
}

func (r *renderer) writeRoundsJSON(w io.Writer) error {
	head := encodeRoundsJSON(r.dataHead())
	if len(r.a.Rounds) == 0 {
		_, err := w.Write(head)
		return err
	}
	// The rounds are encoded one by one (and, in the dev server, reused
	// while unchanged) and spliced into the empty list; TestRoundsJSONSplice
	// checks the bytes equal one encoding of the whole.
	const emptyTail = "[]\n}\n"
	b := bufio.NewWriter(w)
	b.Write(head[:len(head)-len(emptyTail)])
	b.WriteString("[\n")
	i := 0
	r.eachDataRound(func(d DataRound) error {
		b.WriteString("    ")
		b.Write(r.opts.Cache.fragment("json:"+d.ID, d, func() []byte { return encodeRoundJSON(d) }))
		if i++; i < len(r.a.Rounds) {
			b.WriteByte(',')
		}
		return b.WriteByte('\n')
	})
	b.WriteString("  ]\n}\n")
	return b.Flush()
}

// encodeRoundJSON encodes one round as an element of the rounds list,
// without the final newline.
func encodeRoundJSON(d DataRound) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(d); err != nil {
		return []byte("{}") // strings, ints and bools always encode
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func encodeRoundsJSON(all DataRounds) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(all); err != nil {
		return []byte("{}\n") // strings, ints and bools always encode
	}
	return b.Bytes()
}

// CSVHeader is the first row of rounds.csv. A cell holding several values
// has one per line; the participant_* columns line up line by line, as do
// sources and source_urls.
var CSVHeader = []string{
	"id", "url", "dialogue", "dialogue_title", "round", "title", "date", "location", "summary",
	"participants", "participant_slugs", "participant_roles", "participant_delegations", "participant_leads",
	"topics", "topic_slugs", "outcomes", "side_meetings", "next_round", "sources", "source_urls",
}

func (r *renderer) writeRoundsCSV(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.Write(encodeCSVRow(CSVHeader))
	r.eachDataRound(func(d DataRound) error {
		_, err := b.Write(r.opts.Cache.fragment("csv:"+d.ID, d, func() []byte { return encodeRoundsCSV([]DataRound{d}) }))
		return err
	})
	return b.Flush()
}

func encodeCSVRow(row []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(row)
	w.Flush()
	return b.Bytes()
}

// encodeRoundsCSV encodes rounds as CSV rows, without the header.
func encodeRoundsCSV(rounds []DataRound) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, d := range rounds {
		var names, slugs, roles, delegs, leads, topics, topicSlugs, sms, srcs, srcURLs []string
		for _, p := range d.Participants {
			names, slugs = append(names, p.Name), append(slugs, p.Slug)
			roles, delegs = append(roles, p.Role), append(delegs, p.Delegation)
			leads = append(leads, strconv.FormatBool(p.Lead))
		}
		for _, t := range d.Topics {
			topics, topicSlugs = append(topics, t.Name), append(topicSlugs, t.Slug)
		}
		for _, sm := range d.SideMeetings {
			var with []string
			for _, p := range sm.With {
				with = append(with, p.Name)
			}
			s := strings.Join(with, ", ")
			if sm.Note != "" {
				s += ": " + sm.Note
			}
			sms = append(sms, s)
		}
		for _, s := range d.Sources {
			t := s.Title
			if s.Publisher != "" {
				t += ", " + s.Publisher
			}
			if s.Date != "" {
				t += ", " + s.Date
			}
			srcs, srcURLs = append(srcs, t), append(srcURLs, s.URL)
		}
		_ = w.Write([]string{
			d.ID, d.URL, d.Dialogue.Slug, oneLine(d.Dialogue.Name), strconv.Itoa(d.Round), oneLine(d.Title), d.Date,
			oneLine(d.Location), oneLine(d.Summary),
			lines(names), lines(slugs), lines(roles), lines(delegs), lines(leads),
			lines(topics), lines(topicSlugs), lines(d.Outcomes), lines(sms), oneLine(d.NextRound), lines(srcs), lines(srcURLs),
		})
	}
	w.Flush() // a bytes.Buffer never fails
	return b.Bytes()
}

// oneLine folds line breaks into spaces, so a value never spans lines of
// a multi-valued cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func lines(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = oneLine(v)
	}
	return strings.Join(out, "\n")
}

// htmlText is the text of rendered inline HTML: tags removed, entities
// decoded, white space collapsed.
func htmlText(s string) string {
	var b strings.Builder
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
		case c == '>' && in:
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return oneLine(html.UnescapeString(b.String()))
}
