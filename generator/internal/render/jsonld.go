package render

// Structured data for search engines and citation tools: each round is a
// schema.org Event, each dialogue an EventSeries, each participant a Person,
// the home page a WebSite. base.html writes Page.LinkedData inside
// <script type="application/ld+json">. html/template treats that element's
// body as JavaScript and encodes a non-string value there with
// encoding/json (json.Marshal escapes <, > and & as \u003c, \u003e and
// \u0026, and html/template escapes U+2028/2029), so the typed struct below
// goes in as data: no template.JS conversion exists, and a name such as
// "</script>" cannot end the element. All URLs are absolute.

import "briefings/generator/internal/link"

const schemaOrg = "https://schema.org"

// LinkedData is one schema.org node; unset fields are omitted.
type LinkedData struct {
	Context       string   `json:"@context,omitempty"`
	Type          string   `json:"@type"`
	Name          string   `json:"name"`
	URL           string   `json:"url,omitempty"`
	Description   string   `json:"description,omitempty"`
	AlternateName []string `json:"alternateName,omitempty"`
	StartDate     string   `json:"startDate,omitempty"`
	EndDate       string   `json:"endDate,omitempty"`
	Location      *LDNode  `json:"location,omitempty"`
	SuperEvent    *LDNode  `json:"superEvent,omitempty"`
	Performer     []LDNode `json:"performer,omitempty"`
	Attendee      []LDNode `json:"attendee,omitempty"`
	About         []LDNode `json:"about,omitempty"`
	Affiliation   *LDNode  `json:"affiliation,omitempty"`
	InLanguage    string   `json:"inLanguage,omitempty"`
}

// LDNode is a nested node: a Place, Person, Organization, EventSeries or
// Thing.
type LDNode struct {
	Type        string  `json:"@type"`
	Name        string  `json:"name"`
	URL         string  `json:"url,omitempty"`
	JobTitle    string  `json:"jobTitle,omitempty"`
	Affiliation *LDNode `json:"affiliation,omitempty"`
}

func org(name string) *LDNode {
	if name == "" {
		return nil
	}
	return &LDNode{Type: "Organization", Name: name}
}

// roundLD describes a round as an Event of its dialogue (superEvent: an
// EventSeries; schema.org's isPartOf is for creative works, not events),
// its leads as performers and everyone at the table as attendees, with
// role and delegation, and its topics as what it was about.
func (r *renderer) roundLD(rd *link.Round) *LinkedData {
	ld := &LinkedData{
		Context:     schemaOrg,
		Type:        "Event",
		Name:        rd.Title,
		URL:         r.u.abs(rd.URL()),
		Description: r.roundDescription(rd),
		StartDate:   rd.Date.String(),
		SuperEvent:  &LDNode{Type: "EventSeries", Name: rd.Dialogue.Title, URL: r.u.abs(rd.Dialogue.URL())},
	}
	if rd.Location != "" {
		ld.Location = &LDNode{Type: "Place", Name: rd.Location}
	}
	for _, a := range rd.Attendees {
		p := LDNode{Type: "Person", Name: a.Person.Name, URL: r.u.abs(a.Person.URL()), JobTitle: a.Role, Affiliation: org(a.Delegation)}
		if a.Lead {
			ld.Performer = append(ld.Performer, p)
		}
		ld.Attendee = append(ld.Attendee, p)
	}
	for _, t := range rd.Topics {
		ld.About = append(ld.About, LDNode{Type: "Thing", Name: t.Name, URL: r.u.abs(t.URL())})
	}
	return ld
}

// dialogueLD describes a dialogue as an EventSeries over its rounds' dates.
func (r *renderer) dialogueLD(d *link.Dialogue) *LinkedData {
	first, last := dateSpan(d.Rounds)
	return &LinkedData{
		Context:     schemaOrg,
		Type:        "EventSeries",
		Name:        d.Title,
		URL:         r.u.abs(d.URL()),
		Description: d.Summary,
		StartDate:   first.String(),
		EndDate:     last.String(),
	}
}

// personLD describes a participant: name, other spellings, affiliation.
func (r *renderer) personLD(e *link.Entity) *LinkedData {
	ld := &LinkedData{Context: schemaOrg, Type: "Person", Name: e.Name, URL: r.u.abs(e.URL()), Description: entityDescription(e, "participant")}
	if p := e.Profile; p != nil {
		ld.AlternateName = p.Aliases
		ld.Affiliation = org(p.Affiliation)
	}
	return ld
}

// websiteLD describes the archive itself, on the home page.
func (r *renderer) websiteLD() *LinkedData {
	c := r.opts.Config
	return &LinkedData{Context: schemaOrg, Type: "WebSite", Name: c.Title, URL: r.u.abs(""), Description: c.Description, InLanguage: c.Language}
}
