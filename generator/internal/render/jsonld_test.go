package render

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestLinkedDataIsSafeJSON renders a page whose JSON-LD holds text built
// to break out of a script element or a JSON string, and checks that the
// element is JSON that decodes to exactly the data, that nothing escapes
// it, and that the Open Graph tags are there.
func TestLinkedDataIsSafeJSON(t *testing.T) {
	hostile := "</script><script>alert(1)</script> & <!-- \u2028 \"quoted\" \\ ]]>"
	ld := &LinkedData{
		Context: schemaOrg, Type: "Event", Name: hostile, URL: "https://example.org/briefings/x/",
		StartDate: "2024-04-15", Location: &LDNode{Type: "Place", Name: "Washington"},
		Attendee: []LDNode{{Type: "Person", Name: "김민준", URL: "https://example.org/briefings/participants/kim/", Affiliation: org("South Korea")}},
	}
	v := fullViews()["round"].(RoundView)
	v.OGType, v.LinkedData = "article", ld
	v.Title = hostile
	html := render(t, mustLoad(t, nil), "round", v)
	checkPage(t, "round", html)

	const open = `<script type="application/ld+json">`
	i := strings.Index(html, open)
	if i < 0 {
		t.Fatal("no JSON-LD script element")
	}
	body := html[i+len(open):]
	end := strings.Index(body, "</script>")
	body = body[:end]
	if strings.ContainsAny(body, "<>") || strings.Contains(body, "\u2028") {
		t.Errorf("JSON-LD carries raw <, > or U+2028: %s", body)
	}
	var got LinkedData
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("JSON-LD is not JSON: %v\n%s", err, body)
	}
	if !reflect.DeepEqual(&got, ld) {
		t.Errorf("JSON-LD decodes to\n%+v\nwant\n%+v", got, *ld)
	}
	if n := strings.Count(html, "<script"); n != 1 {
		t.Errorf("%d script elements, want only the JSON-LD", n)
	}
	for _, want := range []string{
		`<meta property="og:type" content="article">`,
		`<meta property="og:title" content="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<meta property="og:url" content="https://example.org/briefings/round/">`,
		`<meta property="og:site_name" content="Dialogue Briefings">`,
		`<meta property="og:description" content="About `,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// TestLinkedDataViews checks what the builders put in: a round as an Event
// of its dialogue with leads as performers and everyone as attendees.
func TestLinkedDataViews(t *testing.T) {
	r := testRenderer()
	d := dialogueOf(t, map[int]string{1: "2020-05-01", 2: "2021-06-01"})
	ev := r.roundLD(d.Rounds[1])
	if ev.Type != "Event" || ev.StartDate != "2021-06-01" || ev.URL != "https://example.org/sub/dialogues/d/r2/" ||
		ev.Location == nil || ev.Location.Name != "Geneva" || ev.SuperEvent == nil || ev.SuperEvent.Type != "EventSeries" ||
		ev.SuperEvent.URL != "https://example.org/sub/dialogues/d/" {
		t.Errorf("event %+v", ev)
	}
	if len(ev.Performer) != 1 || ev.Performer[0].Name != "Ann Lead" || len(ev.Attendee) != 2 ||
		ev.Attendee[1].URL != "https://example.org/sub/participants/bo/" || ev.Attendee[1].Affiliation.Name != "South" {
		t.Errorf("performers %+v, attendees %+v", ev.Performer, ev.Attendee)
	}
	s := r.dialogueLD(d)
	if s.Type != "EventSeries" || s.StartDate != "2020-05-01" || s.EndDate != "2021-06-01" {
		t.Errorf("series %+v", s)
	}
	p := r.personLD(d.Rounds[0].Attendees[0].Person)
	if p.Type != "Person" || p.Name != "Ann Lead" || p.URL != "https://example.org/sub/participants/ann/" {
		t.Errorf("person %+v", p)
	}
}
