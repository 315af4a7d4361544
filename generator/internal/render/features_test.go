package render

import (
	"strings"
	"testing"
)

// featureView is a view exercising one reader feature, rendered with the
// layout of kind.
type featureView struct {
	kind string
	view any
}

// featureViews are pages with the parts fullViews leaves out: the second
// page of paginated lists, the timeline and the year chart drawn from a
// real layout computation, and JSON-LD. TestNuHTMLChecker validates them
// with the others.
func featureViews(t *testing.T) map[string]featureView {
	t.Helper()
	r := testRenderer()
	d := dialogueOf(t, map[int]string{1: "2019-03-01", 2: "2019-03-20", 3: "2020-01-01", 6: "2024-04-15"})
	full := fullViews()

	dv := full["dialogue"].(DialogueView)
	dv.Chart = r.timelineChart(d)
	dv.LinkedData = r.dialogueLD(d)

	pv := full["participant"].(ParticipantView)
	pv.Chart = r.yearChart(d.Rounds[0].Attendees[0].Person)
	pv.Years = []ParticipantYear{{Year: 2024, Rounds: pv.Rounds}}
	pv.OGType, pv.LinkedData = "profile", r.personLD(d.Rounds[0].Attendees[0].Person)
	pv.Pagination = r.pagination("participants/chun-young-hee/", 1, 3, "Pages of rounds with Chun Young-hee")

	page2 := func(p Page, rel string) Page {
		p.Title += ", page 2 of 9"
		return r.paged(p, rel, "List", 2, 9)
	}
	tv := full["topic"].(TopicView)
	tv.Page = page2(tv.Page, "topics/accountability/")
	tv.Years = []YearGroup{{Year: 2024, Rounds: tv.Rounds}}
	tv.Pagination = r.pagination("topics/accountability/", 2, 9, "Pages of rounds on Accountability")

	av := full["archive"].(ArchiveView)
	av.Page = page2(av.Page, "archive/")
	av.Pagination = r.pagination("archive/", 5, 9, "Pages of the archive")

	lv := full["dialogues"].(DialoguesView)
	lv.Pagination = r.pagination("dialogues/", 9, 9, "Pages of the list of dialogues")

	rv := full["round"].(RoundView)
	rv.OGType, rv.LinkedData = "article", r.roundLD(d.Rounds[3])

	hv := full["home"].(HomeView)
	hv.MoreDialogues, hv.DialoguesURL = true, "/briefings/dialogues/"

	return map[string]featureView{
		"dialogue-timeline":  {"dialogue", dv},
		"participant-chart":  {"participant", pv},
		"topic-page-2":       {"topic", tv},
		"archive-page-5":     {"archive", av},
		"dialogues-last":     {"dialogues", lv},
		"round-linked-data":  {"round", rv},
		"home-many-dialogue": {"home", hv},
	}
}

// TestFeaturePages renders every feature view and checks the page-shell
// invariants (one h1, heading order, skip link, no rejected values) and
// that each shows its feature.
func TestFeaturePages(t *testing.T) {
	tm := mustLoad(t, nil)
	want := map[string][]string{
		"dialogue-timeline":  {`<figure class="chart timeline-chart">`, `<title>Rounds 4–5: no record</title>`, `<a class="point" href="/sub/dialogues/d/r6/">`},
		"participant-chart":  {`role="img" aria-labelledby="year-chart-title"`, `<p class="pagination-status">Page 1 of 3</p>`, `rel="next"`},
		"topic-page-2":       {`<h3 id="year-2024">2024</h3>`, `<span aria-current="page">Page 2 of 9</span>`, `rel="prev"`, `rel="next"`},
		"archive-page-5":     {`<span class="pagination-gap" aria-hidden="true">…</span>`, `aria-label="Pages of the archive"`},
		"dialogues-last":     {`Page 9 of 9`},
		"round-linked-data":  {`<script type="application/ld+json">{"@context":"https://schema.org","@type":"Event"`},
		"home-many-dialogue": {`Recently active dialogues`, `All 1 dialogues`},
	}
	for name, fv := range featureViews(t) {
		html := render(t, tm, fv.kind, fv.view)
		checkPage(t, name, html)
		for _, w := range want[name] {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %s", name, w)
			}
		}
	}
}
