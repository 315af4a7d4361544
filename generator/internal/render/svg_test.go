package render

import (
	"fmt"
	"strings"
	"testing"

	"briefings/generator/internal/content"
	"briefings/generator/internal/link"
)

// dialogueOf builds a linked dialogue whose rounds have the given numbers
// and dates ("2024-04-15"), with one lead and one other participant each.
func dialogueOf(t *testing.T, rounds map[int]string) *link.Dialogue {
	t.Helper()
	d := &link.Dialogue{Dialogue: &content.Dialogue{Slug: "d", Title: "Dialogue"}}
	lead := &link.Entity{Kind: link.Participant, Slug: "ann", Name: "Ann Lead"}
	other := &link.Entity{Kind: link.Participant, Slug: "bo", Name: "Bo Other"}
	for n := 1; n <= 1000; n++ {
		iso, ok := rounds[n]
		if !ok {
			continue
		}
		var dt content.Date
		if _, err := fmt.Sscanf(iso, "%d-%d-%d", &dt.Year, &dt.Month, &dt.Day); err != nil {
			t.Fatal(err)
		}
		rd := &link.Round{
			Round:    &content.Round{Dialogue: "d", Slug: fmt.Sprintf("r%d", n), Title: fmt.Sprintf("R%d", n), Date: dt, Number: n, Location: "Geneva"},
			Dialogue: d,
			Attendees: []link.Attendee{
				{Person: lead, Delegation: "North", Lead: true},
				{Person: other, Delegation: "South"},
			},
		}
		d.Rounds = append(d.Rounds, rd)
		for _, e := range []*link.Entity{lead, other} {
			e.Rounds = append([]link.EntityRound{{Round: rd}}, e.Rounds...)
		}
	}
	return d
}

func testRenderer() *renderer {
	return &renderer{u: newURLs("https://example.org/sub/")}
}

func TestTimelineChart(t *testing.T) {
	r := testRenderer()
	tl := r.timelineChart(dialogueOf(t, map[int]string{1: "2020-05-01", 2: "2021-06-01", 4: "2022-09-01"}))
	if tl == nil {
		t.Fatal("no timeline for three rounds")
	}
	if tl.Width != tlWidth || tl.AxisX1 != tlMargin || tl.AxisX2 != tlWidth-tlMargin {
		t.Errorf("geometry %d wide, axis %d–%d", tl.Width, tl.AxisX1, tl.AxisX2)
	}
	var labels []string
	for _, tk := range tl.Ticks {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, ","); got != "2020,2021,2022,2023" {
		t.Errorf("tick labels %s, want 2020–2023 (1 January of each year and the one after)", got)
	}
	if len(tl.Points) != 3 {
		t.Fatalf("%d points, want 3", len(tl.Points))
	}
	for i, p := range tl.Points {
		if p.X < tl.AxisX1 || p.X > tl.AxisX2 || p.Y >= tl.AxisY || p.Y <= 0 {
			t.Errorf("point %d at (%d,%d) is off the plot", i, p.X, p.Y)
		}
		if i > 0 && p.X <= tl.Points[i-1].X {
			t.Errorf("points are not in date order: %d then %d", tl.Points[i-1].X, p.X)
		}
		if !p.ShowNumber {
			t.Errorf("round %d has room for its number but does not show it", p.Number)
		}
	}
	// 1 May 2020 is 4 months into a 3-year axis of 584 units.
	if x := tl.Points[0].X; x < tlMargin+60 || x > tlMargin+70 {
		t.Errorf("1 May 2020 at x=%d, want about %d", x, tlMargin+65)
	}
	if want := "Round 1, 1 May 2020, Geneva. Led by Ann Lead (North)."; tl.Points[0].Label != want {
		t.Errorf("text alternative %q, want %q", tl.Points[0].Label, want)
	}
	if tl.Points[0].URL != "/sub/dialogues/d/r1/" {
		t.Errorf("URL %q", tl.Points[0].URL)
	}
	if len(tl.Gaps) != 1 || tl.Gaps[0].Label != "Round 3: no record" || tl.Gaps[0].X1 != tl.Points[1].X || tl.Gaps[0].X2 != tl.Points[2].X {
		t.Errorf("gaps %+v, want round 3 between the points of rounds 2 and 4", tl.Gaps)
	}
	if tl.Title != "Timeline of 3 rounds, 2020–2022" {
		t.Errorf("title %q", tl.Title)
	}
	if r.timelineChart(&link.Dialogue{Dialogue: &content.Dialogue{Slug: "e"}}) != nil {
		t.Error("a dialogue without rounds has a timeline")
	}
}

// TestTimelineOneLane: a single round, or rounds far apart, leave no empty
// lanes above them.
func TestTimelineOneLane(t *testing.T) {
	for _, rounds := range []map[int]string{{1: "2020-05-01"}, {1: "2001-01-01", 2: "2011-01-01", 3: "2021-01-01"}} {
		tl := testRenderer().timelineChart(dialogueOf(t, rounds))
		if want := tlTop + 16 + tlBelow; tl.Height != want {
			t.Errorf("%d rounds: height %d, want one lane's %d", len(rounds), tl.Height, want)
		}
		for _, p := range tl.Points {
			if p.Y != tlTop {
				t.Errorf("%d rounds: a point at y=%d, want the one lane at %d", len(rounds), p.Y, tlTop)
			}
		}
	}
}

// TestTimelineCrowded: rounds days apart are spread over lanes and the
// picture widens until no two points on a lane are closer than tlMinGap.
func TestTimelineCrowded(t *testing.T) {
	rounds := map[int]string{}
	for n := 1; n <= 8; n++ { // monthly: too close for 4 lanes on 640 units
		rounds[n] = fmt.Sprintf("2010-%02d-15", n)
	}
	rounds[13] = "2024-12-31"
	tl := testRenderer().timelineChart(dialogueOf(t, rounds))
	if tl.Width <= tlWidth || tl.Width >= tlMaxWide {
		t.Errorf("width %d, want widened to between %d and %d", tl.Width, tlWidth, tlMaxWide)
	}
	lanes := map[int][]int{}
	for _, p := range tl.Points {
		lanes[p.Y] = append(lanes[p.Y], p.X)
	}
	if len(lanes) < 2 || len(lanes) > tlLanes {
		t.Errorf("%d lanes used", len(lanes))
	}
	// The picture is as tall as the lanes used: the top point sits one
	// label's room below the top edge.
	top := tl.AxisY
	for y := range lanes {
		top = min(top, y)
	}
	if top != tlTop || tl.Height != tl.AxisY+tlBelow {
		t.Errorf("top point at y=%d (want %d), height %d with the axis at %d", top, tlTop, tl.Height, tl.AxisY)
	}
	for y, xs := range lanes {
		for i := 1; i < len(xs); i++ {
			if xs[i]-xs[i-1] < tlMinGap {
				t.Errorf("lane y=%d: points at %d and %d overlap", y, xs[i-1], xs[i])
			}
		}
	}
	// A long span gets labels every few years, never crowded.
	n := 0
	for _, tk := range tl.Ticks {
		if tk.Label != "" {
			n++
		}
	}
	if len(tl.Ticks) != 16 || n == 0 || n*44 > tl.Width {
		t.Errorf("%d ticks, %d labelled on %d units", len(tl.Ticks), n, tl.Width)
	}
}

func TestYearChart(t *testing.T) {
	d := dialogueOf(t, map[int]string{1: "2019-01-10", 2: "2019-06-01", 3: "2021-02-02"})
	e := d.Rounds[0].Attendees[0].Person
	// A side meeting at a round already counted does not count twice.
	e.Rounds = append(e.Rounds, link.EntityRound{Round: d.Rounds[0], Side: true})
	c := testRenderer().yearChart(e)
	if c == nil || len(c.Bars) != 3 {
		t.Fatalf("chart %+v, want 3 bars (2019–2021)", c)
	}
	if c.Bars[0].Count != 2 || c.Bars[1].Count != 0 || c.Bars[1].H != 0 || c.Bars[2].Count != 1 {
		t.Errorf("counts %d, %d, %d; want 2, 0, 1", c.Bars[0].Count, c.Bars[1].Count, c.Bars[2].Count)
	}
	if c.Bars[0].H != c.BaseY-barTop || c.Bars[2].H != c.Bars[0].H/2 || c.Bars[0].Y+c.Bars[0].H != c.BaseY {
		t.Errorf("bar heights %d and %d on baseline %d", c.Bars[0].H, c.Bars[2].H, c.BaseY)
	}
	if want := "Rounds Ann Lead took part in, by year. 2019: 2; 2020: none; 2021: 1."; c.Desc != want {
		t.Errorf("desc %q, want %q", c.Desc, want)
	}
	if c.Title != "Rounds per year, 2019–2021" || c.Bars[0].YearLabel != "2019" || c.Bars[0].CountLabel != "2" {
		t.Errorf("title %q, labels %q %q", c.Title, c.Bars[0].YearLabel, c.Bars[0].CountLabel)
	}
	if testRenderer().yearChart(&link.Entity{Name: "Nobody"}) != nil {
		t.Error("a participant without rounds has a chart")
	}
}
