package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"briefings/generator/internal/link"
	"briefings/generator/internal/search"
)

// "Cite this round": three forms built only from fields that do not change
// when a round is re-rendered — the dialogue's title and slug, the round
// number, date and location, the round's title, the site's title and the
// canonical URL. Nothing depends on the build's time.

var bibMonths = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func (r *renderer) citation(rd *link.Round) Citation {
	url := r.u.abs(rd.URL())
	site := r.opts.Config.Title
	name := fmt.Sprintf("%s, round %d", rd.Dialogue.Title, rd.Number)
	d := date(rd.Date)

	var plain strings.Builder
	plain.WriteString(name)
	if rd.Location != "" {
		plain.WriteString(", " + rd.Location)
	}
	fmt.Fprintf(&plain, ", %s. %s. %s.", d.Display, strings.TrimRight(site, "."), url)

	key := CiteKey(rd.Dialogue.Slug, rd.Number)
	note := rd.Title
	if rd.Location != "" {
		note += ", " + rd.Location
	}
	var bib strings.Builder
	fmt.Fprintf(&bib, "@misc{%s,\n", key)
	fmt.Fprintf(&bib, "  title        = {{%s}},\n", BibTeXEscape(name))
	fmt.Fprintf(&bib, "  howpublished = {%s},\n", BibTeXEscape(site))
	fmt.Fprintf(&bib, "  url          = {%s},\n", url)
	fmt.Fprintf(&bib, "  date         = {%s},\n", rd.Date.String())
	fmt.Fprintf(&bib, "  year         = {%d},\n", rd.Date.Year)
	fmt.Fprintf(&bib, "  month        = %s,\n", bibMonths[rd.Date.Month-1])
	fmt.Fprintf(&bib, "  day          = {%d},\n", rd.Date.Day)
	fmt.Fprintf(&bib, "  note         = {%s}\n", BibTeXEscape(note))
	bib.WriteString("}")

	item := cslItem{
		ID: key, Type: "event", Title: name, ContainerTitle: rd.Dialogue.Title,
		Number: fmt.Sprint(rd.Number), EventPlace: rd.Location, Publisher: site, Note: rd.Title,
		Issued: cslDate{DateParts: [][]int{{rd.Date.Year, rd.Date.Month, rd.Date.Day}}}, URL: url,
	}
	var csl bytes.Buffer
	enc := json.NewEncoder(&csl)
	enc.SetEscapeHTML(false) // html/template escapes it in the page
	enc.SetIndent("", "  ")
	if err := enc.Encode([]cslItem{item}); err != nil {
		csl.Reset() // strings and ints always encode
	}
	cslText := datePartsRE.ReplaceAllString(strings.TrimSpace(csl.String()), `"date-parts": [[$1, $2, $3]]`)
	return Citation{Plain: plain.String(), BibTeX: bib.String(), CSLJSON: cslText}
}

// datePartsRE matches an indented date-parts array, which reads better on
// one line.
var datePartsRE = regexp.MustCompile(`"date-parts": \[\s*\[\s*(\d+),\s*(\d+),\s*(\d+)\s*\]\s*\]`)

// cslItem is one CSL-JSON item (Citation Style Language 1.0.2 variables).
type cslItem struct {
	ID             string  `json:"id"`
	Type           string  `json:"type"`
	Title          string  `json:"title"`
	ContainerTitle string  `json:"container-title"`
	Number         string  `json:"number"`
	EventPlace     string  `json:"event-place,omitempty"`
	Publisher      string  `json:"publisher"`
	Note           string  `json:"note,omitempty"`
	Issued         cslDate `json:"issued"`
	URL            string  `json:"URL"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

// CiteKey is a round's BibTeX key and CSL id: the dialogue's slug, then
// "-round-" and the number, e.g. "rok-us-human-rights-round-2". A slug
// with characters other than ASCII letters, digits and "-" is reduced to
// those (accents dropped; "dialogue" when nothing is left) plus "-" and
// eight hex digits of the slug's SHA-256, so keys stay ASCII, stable and
// distinct.
func CiteKey(dialogueSlug string, number int) string {
	plain := dialogueSlug != ""
	for i := 0; i < len(dialogueSlug); i++ {
		c := dialogueSlug[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			plain = false
		}
	}
	if plain {
		return fmt.Sprintf("%s-round-%d", dialogueSlug, number)
	}
	var b strings.Builder
	dash := false
	for _, c := range search.Normalize(dialogueSlug) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	k := b.String()
	if k == "" {
		k = "dialogue"
	}
	sum := sha256.Sum256([]byte(dialogueSlug))
	return fmt.Sprintf("%s-%s-round-%d", k, hex.EncodeToString(sum[:4]), number)
}

// BibTeXEscape makes text safe inside a braced BibTeX field: the ten
// characters LaTeX treats specially are escaped; everything else (UTF-8
// included, which biber and modern BibTeX read) is kept.
func BibTeXEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '{', '}', '&', '%', '$', '#', '_':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
