package build

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/link"
	"briefings/generator/internal/render"
)

// archiveOf links a site the way a build does, for comparing output with
// the archive it came from.
func archiveOf(t *testing.T, fsys fstest.MapFS, opts Options) *link.Archive {
	t.Helper()
	opts.FS = fsys
	p := newPipeline(opts)
	if !p.load() {
		t.Fatal("site does not load")
	}
	return p.arch
}

// The open data as README.md documents it, declared here independently of
// the generator's own types so a renamed field fails the test.
type (
	odFile struct {
		Title   string    `json:"title"`
		BaseURL string    `json:"base_url"`
		Count   int       `json:"count"`
		Rounds  []odRound `json:"rounds"`
	}
	odRound struct {
		ID           string   `json:"id"`
		URL          string   `json:"url"`
		Dialogue     odRef    `json:"dialogue"`
		Round        int      `json:"round"`
		Title        string   `json:"title"`
		Date         string   `json:"date"`
		Location     string   `json:"location"`
		Summary      string   `json:"summary"`
		Participants []odSeat `json:"participants"`
		Topics       []odRef  `json:"topics"`
		Outcomes     []string `json:"outcomes"`
		SideMeetings []struct {
			With []odRef `json:"with"`
			Note string  `json:"note"`
		} `json:"side_meetings"`
		NextRound string `json:"next_round"`
		Sources   []struct {
			Title     string `json:"title"`
			Publisher string `json:"publisher"`
			URL       string `json:"url"`
			Date      string `json:"date"`
		} `json:"sources"`
	}
	odRef struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	odSeat struct {
		Slug       string `json:"slug"`
		Name       string `json:"name"`
		URL        string `json:"url"`
		Role       string `json:"role"`
		Delegation string `json:"delegation"`
		Lead       bool   `json:"lead"`
	}
)

var csvColumns = []string{
	"id", "url", "dialogue", "dialogue_title", "round", "title", "date", "location", "summary",
	"participants", "participant_slugs", "participant_roles", "participant_delegations", "participant_leads",
	"topics", "topic_slugs", "outcomes", "side_meetings", "next_round", "sources", "source_urls",
}

func TestOpenData(t *testing.T) {
	for _, c := range []struct {
		name string
		site fstest.MapFS
		base string
	}{
		{"sample", repoSite(t), "https://example.org/briefings/"},
		{"citations", loadTxtar(t, "testdata/sites/citations.txtar"), "https://example.org/cite/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{BaseURL: c.base}
			out, diags, _ := renderFS(t, c.site, opts)
			if diags != "" {
				t.Fatalf("diagnostics:\n%s", diags)
			}
			a := archiveOf(t, c.site, opts)
			checkRoundsJSON(t, out["data/rounds.json"], a, c.base)
			checkCanonicalJSON(t, out["data/rounds.json"])
			checkRoundsCSV(t, out["data/rounds.csv"], out["data/rounds.json"])
			again, _, _ := renderFS(t, c.site, opts)
			for _, f := range []string{"data/rounds.json", "data/rounds.csv"} {
				if !bytes.Equal(out[f], again[f]) {
					t.Errorf("%s differs between two builds", f)
				}
			}
		})
	}
}

func checkRoundsJSON(t *testing.T, data []byte, a *link.Archive, base string) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // every field is documented
	var f odFile
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("rounds.json: %v", err)
	}
	if f.BaseURL != base || f.Count != len(a.Rounds) || len(f.Rounds) != len(a.Rounds) {
		t.Fatalf("rounds.json: base %q, count %d, %d rounds; want %q and %d", f.BaseURL, f.Count, len(f.Rounds), base, len(a.Rounds))
	}
	for i, got := range f.Rounds {
		rd := a.Rounds[len(a.Rounds)-1-i] // oldest first
		abs := func(rel string) string { return base + rel }
		if got.ID != rd.Dialogue.Slug+"/"+rd.Slug || got.URL != escapedURL(abs(rd.URL())) {
			t.Errorf("round %d: id %q url %q", i, got.ID, got.URL)
		}
		if got.Dialogue != (odRef{rd.Dialogue.Slug, rd.Dialogue.Title, escapedURL(abs(rd.Dialogue.URL()))}) {
			t.Errorf("%s: dialogue %+v", got.ID, got.Dialogue)
		}
		if got.Round != rd.Number || got.Title != rd.Title || got.Date != rd.Date.String() || got.Location != rd.Location ||
			got.Summary != rd.Summary || got.NextRound != rd.NextRound {
			t.Errorf("%s: scalar fields %+v", got.ID, got)
		}
		if len(got.Participants) != len(rd.Attendees) {
			t.Fatalf("%s: %d participants, want %d", got.ID, len(got.Participants), len(rd.Attendees))
		}
		for j, at := range rd.Attendees {
			want := odSeat{at.Person.Slug, at.Person.Name, escapedURL(abs(at.Person.URL())), at.Role, at.Delegation, at.Lead}
			if got.Participants[j] != want {
				t.Errorf("%s: participant %d = %+v, want %+v", got.ID, j, got.Participants[j], want)
			}
		}
		var topics []odRef
		for _, tp := range rd.Topics {
			topics = append(topics, odRef{tp.Slug, tp.Name, escapedURL(abs(tp.URL()))})
		}
		if len(topics) == 0 {
			topics = []odRef{}
		}
		if !reflect.DeepEqual(got.Topics, topics) {
			t.Errorf("%s: topics %+v, want %+v", got.ID, got.Topics, topics)
		}
		if len(got.Outcomes) != len(rd.Outcomes) || len(got.SideMeetings) != len(rd.SideMeetings) || len(got.Sources) != len(rd.Sources) {
			t.Errorf("%s: %d outcomes, %d side meetings, %d sources", got.ID, len(got.Outcomes), len(got.SideMeetings), len(got.Sources))
			continue
		}
		for j, o := range got.Outcomes {
			if strings.ContainsAny(o, "*`<>[]") {
				t.Errorf("%s: outcome %d is not plain text: %q", got.ID, j, o)
			}
		}
		for j, sm := range rd.SideMeetings {
			if got.SideMeetings[j].Note != sm.Note || len(got.SideMeetings[j].With) != len(sm.People) {
				t.Errorf("%s: side meeting %d = %+v", got.ID, j, got.SideMeetings[j])
			}
		}
		for j, s := range rd.Sources {
			g := got.Sources[j]
			if g.Title != s.Title || g.Publisher != s.Publisher || g.URL != s.URL || g.Date != s.Date.String() {
				t.Errorf("%s: source %d = %+v", got.ID, j, g)
			}
		}
	}
}

// escapedURL percent-encodes the path of an absolute URL, as canonical
// URLs are.
func escapedURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

func checkRoundsCSV(t *testing.T, data, jsonData []byte) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("rounds.csv: %v", err)
	}
	var f odFile
	if err := json.Unmarshal(jsonData, &f); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || !reflect.DeepEqual(rows[0], csvColumns) {
		t.Fatalf("rounds.csv header: %q", rows[0])
	}
	if len(rows)-1 != len(f.Rounds) {
		t.Fatalf("rounds.csv: %d rows, rounds.json: %d rounds", len(rows)-1, len(f.Rounds))
	}
	col := map[string]int{}
	for i, c := range csvColumns {
		col[c] = i
	}
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	for i, row := range rows[1:] {
		r := f.Rounds[i]
		cell := func(c string) string { return row[col[c]] }
		if cell("id") != r.ID || cell("url") != r.URL || cell("dialogue") != r.Dialogue.Slug || cell("dialogue_title") != r.Dialogue.Name ||
			cell("round") != strconv.Itoa(r.Round) || cell("title") != r.Title || cell("date") != r.Date ||
			cell("location") != r.Location || cell("summary") != r.Summary || cell("next_round") != r.NextRound {
			t.Errorf("row %d: %q does not match %+v", i+1, row, r)
		}
		var names, slugs, roles, delegs, leads []string
		for _, p := range r.Participants {
			names, slugs, roles = append(names, p.Name), append(slugs, p.Slug), append(roles, p.Role)
			delegs, leads = append(delegs, p.Delegation), append(leads, strconv.FormatBool(p.Lead))
		}
		for c, want := range map[string][]string{"participants": names, "participant_slugs": slugs, "participant_roles": roles,
			"participant_delegations": delegs, "participant_leads": leads, "outcomes": r.Outcomes} {
			if got := strings.Split(cell(c), "\n"); len(want) > 0 && !reflect.DeepEqual(got, want) {
				t.Errorf("row %d %s: %q, want %q", i+1, c, got, want)
			}
		}
		if got := split(cell("topics")); len(got) != len(r.Topics) {
			t.Errorf("row %d topics: %q", i+1, got)
		}
		if got := strings.Split(cell("source_urls"), "\n"); len(r.Sources) > 0 && len(got) != len(r.Sources) {
			t.Errorf("row %d source_urls: %q for %d sources", i+1, got, len(r.Sources))
		}
	}
}

func TestOpenDataValues(t *testing.T) {
	out, diags, _ := renderFS(t, loadTxtar(t, "testdata/sites/citations.txtar"), Options{})
	if diags != "" {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	var f odFile
	if err := json.Unmarshal(out["data/rounds.json"], &f); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range f.Rounds {
		ids = append(ids, r.ID)
	}
	if want := []string{"무역-대화/first", "trade/r1", "trade/r2"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("rounds %q, want %q (oldest first, no draft)", ids, want)
	}
	r1 := f.Rounds[1]
	if want := []string{"Agreed on more talks and a shared table of HS codes.", "Agreed to meet again."}; !reflect.DeepEqual(r1.Outcomes, want) {
		t.Errorf("outcomes %q, want %q", r1.Outcomes, want)
	}
	if r1.URL != "https://example.org/cite/dialogues/trade/r1/" || f.Rounds[0].URL != "https://example.org/cite/dialogues/%EB%AC%B4%EC%97%AD-%EB%8C%80%ED%99%94/first/" {
		t.Errorf("urls %q, %q", r1.URL, f.Rounds[0].URL)
	}
	rows, _ := csv.NewReader(bytes.NewReader(out["data/rounds.csv"])).ReadAll()
	if got := rows[2][16]; got != "Agreed on more talks and a shared table of HS codes.\nAgreed to meet again." {
		t.Errorf("csv outcomes %q", got)
	}
	if got := rows[2][17]; got != "Mara Quist, Lio Varga: Lunch." {
		t.Errorf("csv side meetings %q", got)
	}
	if got := rows[2][19]; got != "Talks open, Invented Wire, 2024-04-16\nPress note without a link" {
		t.Errorf("csv sources %q", got)
	}
	if got := rows[2][20]; got != "https://example.org/wire/1\n" {
		t.Errorf("csv source urls %q", got)
	}
}

var citationRE = regexp.MustCompile(`(?s)<pre class="citation" tabindex="0"><code>(.*?)</code></pre>`)

// citations returns the plain, BibTeX and CSL-JSON citations of a page.
func citations(t *testing.T, page []byte) (plain, bib, csl string) {
	t.Helper()
	m := citationRE.FindAllSubmatch(page, -1)
	if len(m) != 3 {
		t.Fatalf("%d citation blocks, want 3", len(m))
	}
	return html.UnescapeString(string(m[0][1])), html.UnescapeString(string(m[1][1])), html.UnescapeString(string(m[2][1]))
}

func TestCitations(t *testing.T) {
	site := loadTxtar(t, "testdata/sites/citations.txtar")
	out, diags, _ := renderFS(t, site, Options{})
	if diags != "" {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	const dialogue = `Trade & Tariffs {50%} talks_2 #1 ~ ^ \ $`
	for _, c := range []struct {
		page, plain, key, url, place string
		number                       int
		date                         []int
	}{
		{"dialogues/trade/r1/index.html",
			dialogue + ", round 1, Port Alba, 15 April 2024. Cite & Share: 100% {open}. https://example.org/cite/dialogues/trade/r1/.",
			"trade-round-1", "https://example.org/cite/dialogues/trade/r1/", "Port Alba", 1, []int{2024, 4, 15}},
		{"dialogues/trade/r2/index.html",
			dialogue + ", round 2, 9 January 2025. Cite & Share: 100% {open}. https://example.org/cite/dialogues/trade/r2/.",
			"trade-round-2", "https://example.org/cite/dialogues/trade/r2/", "", 2, []int{2025, 1, 9}},
		{"dialogues/무역-대화/first/index.html",
			"무역 대화, round 1, 항구, 1 February 2023. Cite & Share: 100% {open}. https://example.org/cite/dialogues/%EB%AC%B4%EC%97%AD-%EB%8C%80%ED%99%94/first/.",
			"", "https://example.org/cite/dialogues/%EB%AC%B4%EC%97%AD-%EB%8C%80%ED%99%94/first/", "항구", 1, []int{2023, 2, 1}},
	} {
		plain, bib, csl := citations(t, out[c.page])
		if plain != c.plain {
			t.Errorf("%s plain:\n got %s\nwant %s", c.page, plain, c.plain)
		}

		var items []map[string]any
		if err := json.Unmarshal([]byte(csl), &items); err != nil || len(items) != 1 {
			t.Fatalf("%s: CSL-JSON does not parse to one item: %v\n%s", c.page, err, csl)
		}
		it := items[0]
		dp, _ := json.Marshal(it["issued"])
		wantDP, _ := json.Marshal(map[string]any{"date-parts": [][]int{c.date}})
		if it["type"] != "event" || it["URL"] != c.url || !bytes.Equal(dp, wantDP) || it["publisher"] != "Cite & Share: 100% {open}" {
			t.Errorf("%s: CSL item %v", c.page, it)
		}
		if c.place != "" && it["event-place"] != c.place {
			t.Errorf("%s: event-place %v", c.page, it["event-place"])
		}

		entry, err := parseBibTeX(bib)
		if err != nil {
			t.Fatalf("%s: BibTeX: %v\n%s", c.page, err, bib)
		}
		if entry.kind != "misc" || (c.key != "" && entry.key != c.key) || entry.key != it["id"] {
			t.Errorf("%s: @%s{%s (CSL id %v)", c.page, entry.kind, entry.key, it["id"])
		}
		if !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(entry.key) {
			t.Errorf("%s: key %q is not plain ASCII", c.page, entry.key)
		}
		if got := entry.fields["url"]; got != c.url {
			t.Errorf("%s: url %q", c.page, got)
		}
		if entry.fields["year"] != strconv.Itoa(c.date[0]) || entry.fields["day"] != strconv.Itoa(c.date[2]) ||
			entry.fields["month"] != []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}[c.date[1]-1] {
			t.Errorf("%s: date fields %v", c.page, entry.fields)
		}
		for name, v := range entry.fields {
			if name == "url" {
				continue
			}
			if bad := unescapedSpecial(v); bad != "" {
				t.Errorf("%s: field %s has an unescaped %q: %s", c.page, name, bad, v)
			}
		}
		if c.key != "" && unBibTeX(entry.fields["title"]) != "{"+dialogue+", round "+strconv.Itoa(c.number)+"}" {
			t.Errorf("%s: title %q does not unescape to the dialogue's", c.page, entry.fields["title"])
		}
	}
	// The key of a Hangul slug is stable and distinct per dialogue.
	_, bib1, _ := citations(t, out["dialogues/무역-대화/first/index.html"])
	again, _, _ := renderFS(t, site, Options{})
	_, bib2, _ := citations(t, again["dialogues/무역-대화/first/index.html"])
	if bib1 != bib2 {
		t.Error("BibTeX differs between builds")
	}
}

type bibEntry struct {
	kind, key string
	fields    map[string]string
}

// parseBibTeX parses one entry: @kind{key, name = {value} | name = macro,
// …}. Braced values must balance, counting \{ and \} as text.
func parseBibTeX(s string) (bibEntry, error) {
	e := bibEntry{fields: map[string]string{}}
	s = strings.TrimSpace(s)
	m := regexp.MustCompile(`^@([a-z]+)\{([^,\s]+),\n`).FindStringSubmatch(s)
	if m == nil {
		return e, errorf("no @kind{key, line")
	}
	e.kind, e.key = m[1], m[2]
	rest := s[len(m[0]):]
	for {
		rest = strings.TrimLeft(rest, " \n")
		if rest == "}" {
			return e, nil
		}
		eq := strings.Index(rest, "=")
		if eq < 0 {
			return e, errorf("no = in %q", rest)
		}
		name := strings.TrimSpace(rest[:eq])
		rest = strings.TrimLeft(rest[eq+1:], " ")
		var val string
		if strings.HasPrefix(rest, "{") {
			depth, i := 0, 0
			for ; i < len(rest); i++ {
				switch rest[i] {
				case '\\':
					i++ // an escaped character is text
				case '{':
					depth++
				case '}':
					depth--
				}
				if depth == 0 {
					break
				}
			}
			if depth != 0 {
				return e, errorf("unbalanced braces in %s", name)
			}
			val, rest = rest[1:i], rest[i+1:]
		} else {
			end := strings.IndexAny(rest, ",\n")
			if end < 0 {
				return e, errorf("unterminated %s", name)
			}
			val, rest = rest[:end], rest[end:]
		}
		if _, dup := e.fields[name]; dup {
			return e, errorf("field %s twice", name)
		}
		e.fields[name] = val
		rest = strings.TrimLeft(rest, " ")
		switch {
		case strings.HasPrefix(rest, ",\n"):
			rest = rest[2:]
		case strings.HasPrefix(rest, "\n}"):
		default:
			return e, errorf("after %s: %q", name, rest)
		}
	}
}

type bibError string

func (e bibError) Error() string { return string(e) }

func errorf(format string, args ...any) error {
	return bibError(fmt.Sprintf(format, args...))
}

// unescapedSpecial returns a character LaTeX treats specially that is not
// escaped in v ("" when none); braces must come in pairs.
func unescapedSpecial(v string) string {
	depth := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			i++
		case '&', '%', '$', '#', '_', '~', '^':
			return string(c)
		case '{':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return "}"
			}
		}
	}
	if depth != 0 {
		return "{"
	}
	return ""
}

// unBibTeX reverses the generator's escaping.
func unBibTeX(v string) string {
	return strings.NewReplacer(`\textbackslash{}`, `\`, `\textasciitilde{}`, "~", `\textasciicircum{}`, "^",
		`\{`, "{", `\}`, "}", `\&`, "&", `\%`, "%", `\$`, "$", `\#`, "#", `\_`, "_").Replace(v)
}

// checkCanonicalJSON checks that rounds.json, spliced from per-round
// pieces, is exactly what one encoding of the whole document gives.
func checkCanonicalJSON(t *testing.T, data []byte) {
	t.Helper()
	var f render.DataRounds
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), data) {
		t.Errorf("rounds.json is not the canonical encoding of its content:\n%s\nwant:\n%s", data, b.Bytes())
	}
}
