package render

// Pictures drawn at build time: a dialogue's timeline of rounds on a date
// axis and a participant's rounds per year. This file only computes
// geometry and text into typed views (SVGTimeline, SVGBarChart); the SVG
// markup is written by the "timeline-svg" and "year-chart-svg" partials in
// partials.html, so html/template escapes every label and URL like any
// other text. Coordinates are integers in the SVG's own user units (the
// view cache hashes ints, not floats); the stylesheet scales the pictures.

import (
	"fmt"
	"strings"
	"time"

	"briefings/generator/internal/content"
	"briefings/generator/internal/link"
)

// Timeline geometry, in user units (CSS pixels: the picture is drawn at its
// own size and scrolls inside its box when wider than the page).
const (
	tlWidth    = 640  // at least; wider when rounds are too close to fit
	tlMaxWide  = 1280 // at most: past it, crowded points may touch (the list is exact)
	tlMargin   = 28   // left and right, so labels of the edge years fit
	tlLaneGap  = 28   // vertical distance between lanes of points
	tlLanes    = 4    // rounds close in time are stacked on up to 4 lanes
	tlMinGap   = 16   // closest two points may be on one lane (radius 6)
	tlLabelGap = 24   // closest two round numbers may be written on one lane
	tlTop      = 22   // room above the top lane for round numbers
	tlBelow    = 30   // room below the axis for year labels
)

// day is a date as a day number, for placing it on an axis.
func day(d content.Date) int {
	return int(time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func yearStart(y int) int { return day(content.Date{Year: y, Month: 1, Day: 1}) }

// labelStep is the interval of labelled years so labels at least minGap
// units apart fit in width: 1, 2, 5, 10, 20, 50 …
func labelStep(years, width, minGap int) int {
	for _, s := range []int{1, 2, 5, 10, 20, 50, 100, 200, 500} {
		if years/s*minGap <= width {
			return s
		}
	}
	return 1000
}

// timelineChart lays out a dialogue's rounds on a date axis running from
// 1 January of the first round's year to 1 January after the last one's.
// Each round is a point (a link to it) whose <title> names its number,
// date, place and leads; rounds close in time are moved to higher lanes,
// and the picture is widened until no two points overlap; missing round
// numbers are dashed stretches of the axis between the rounds either side.
// Nil when there are no rounds.
func (r *renderer) timelineChart(d *link.Dialogue) *SVGTimeline {
	if len(d.Rounds) == 0 {
		return nil
	}
	byDate := append([]*link.Round(nil), d.Rounds...)
	sortByDate(byDate)
	width := tlWidth
	for width < tlMaxWide {
		if _, crowded := placeLanes(byDate, timelineX(byDate, width)); !crowded {
			break
		}
		width = min(tlMaxWide, width*5/4)
	}
	return r.drawTimeline(d, byDate, width)
}

// timelineX maps a date to its x on a timeline of the given width.
func timelineX(byDate []*link.Round, width int) func(content.Date) int {
	lo, hi := yearStart(byDate[0].Date.Year), yearStart(byDate[len(byDate)-1].Date.Year+1)
	inner := width - 2*tlMargin
	return func(dt content.Date) int { return tlMargin + (day(dt)-lo)*inner/(hi-lo) }
}

// placeLanes puts each round (oldest first) on the lowest lane whose last
// point is at least tlMinGap to the left; when no lane is free it takes
// the one freed earliest and reports the picture as crowded.
func placeLanes(byDate []*link.Round, x func(content.Date) int) (lanes []int, crowded bool) {
	laneEnd := make([]int, tlLanes)
	for i := range laneEnd {
		laneEnd[i] = -1 << 30
	}
	for _, rd := range byDate {
		px := x(rd.Date)
		lane, free := 0, false
		for l := range tlLanes {
			if px-laneEnd[l] >= tlMinGap {
				lane, free = l, true
				break
			}
			if laneEnd[l] < laneEnd[lane] {
				lane = l
			}
		}
		crowded = crowded || !free
		laneEnd[lane] = px
		lanes = append(lanes, lane)
	}
	return lanes, crowded
}

func (r *renderer) drawTimeline(d *link.Dialogue, byDate []*link.Round, width int) *SVGTimeline {
	first, last := byDate[0].Date, byDate[len(byDate)-1].Date
	y0, y1 := first.Year, last.Year+1
	lo, hi := yearStart(y0), yearStart(y1)
	inner := width - 2*tlMargin
	x := timelineX(byDate, width)

	// Only as many lanes as the rounds use: one round, or rounds far apart,
	// need no room above them for stacking.
	lanes, _ := placeLanes(byDate, x)
	used := 1
	for _, l := range lanes {
		used = max(used, l+1)
	}
	t := &SVGTimeline{Width: width}
	t.AxisY = tlTop + (used-1)*tlLaneGap + 16
	t.Height = t.AxisY + tlBelow
	t.AxisX1, t.AxisX2 = tlMargin, width-tlMargin
	step := labelStep(y1-y0, inner, 44)
	for y := y0; y <= y1; y++ {
		tk := SVGTick{X: tlMargin + (yearStart(y)-lo)*inner/(hi-lo)}
		if y%step == 0 {
			tk.Label = fmt.Sprint(y)
		}
		t.Ticks = append(t.Ticks, tk)
	}

	pos := map[*link.Round][2]int{}
	lastLabel := make([]int, tlLanes)
	for i := range lastLabel {
		lastLabel[i] = -1 << 30
	}
	for i, rd := range byDate {
		px := x(rd.Date)
		py := t.AxisY - 16 - lanes[i]*tlLaneGap
		pos[rd] = [2]int{px, py}
		p := SVGPoint{X: px, Y: py, Number: rd.Number, URL: r.u.path(rd.URL()), Label: r.roundLabel(rd)}
		if px-lastLabel[lanes[i]] >= tlLabelGap {
			p.ShowNumber, lastLabel[lanes[i]] = true, px
		}
		t.Points = append(t.Points, p)
	}

	// Gaps in the numbering, between the rounds either side (by number).
	prev := (*link.Round)(nil)
	for _, rd := range d.Rounds {
		missing := rd.Number - 1
		if prev != nil {
			missing = rd.Number - prev.Number - 1
		}
		if missing > 0 && prev != nil {
			a, b := pos[prev][0], pos[rd][0]
			g := SVGGap{X1: min(a, b), X2: max(a, b), Y: t.AxisY}
			if missing == 1 {
				g.Label = fmt.Sprintf("Round %d: no record", prev.Number+1)
			} else {
				g.Label = fmt.Sprintf("Rounds %d–%d: no record", prev.Number+1, rd.Number-1)
			}
			t.Gaps = append(t.Gaps, g)
		}
		prev = rd
	}
	t.Title = fmt.Sprintf("Timeline of %d %s, %s", len(d.Rounds), plural(len(d.Rounds), "round"), yearRange(first.Year, last.Year))
	return t
}

func yearRange(a, b int) string {
	if a == b {
		return fmt.Sprint(a)
	}
	return fmt.Sprintf("%d–%d", a, b)
}

// sortByDate orders rounds oldest first (ties by number, as Newer does).
func sortByDate(rs []*link.Round) {
	for i := 1; i < len(rs); i++ { // insertion sort: lists are short and nearly sorted
		for j := i; j > 0 && link.Newer(rs[j-1], rs[j]); j-- {
			rs[j-1], rs[j] = rs[j], rs[j-1]
		}
	}
}

// roundLabel is the text alternative of a round's point: number, date,
// place and leads (or the first participants when none is marked lead).
func (r *renderer) roundLabel(rd *link.Round) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Round %d, %s", rd.Number, date(rd.Date).Display)
	if rd.Location != "" {
		b.WriteString(", " + rd.Location)
	}
	var leads, others []string
	for _, a := range rd.Attendees {
		name := a.Person.Name
		if a.Delegation != "" {
			name += " (" + a.Delegation + ")"
		}
		if a.Lead {
			leads = append(leads, name)
		} else {
			others = append(others, name)
		}
	}
	switch {
	case len(leads) > 0:
		b.WriteString(". Led by " + strings.Join(leads, ", "))
	case len(others) > 3:
		fmt.Fprintf(&b, ". With %s and %d others", strings.Join(others[:3], ", "), len(others)-3)
	case len(others) > 0:
		b.WriteString(". With " + strings.Join(others, ", "))
	}
	b.WriteString(".")
	return b.String()
}

// Bar chart geometry, in user units.
const (
	barWidth  = 480
	barHeight = 150
	barLeft   = 12
	barRight  = 12
	barTop    = 20 // room for the count above the tallest bar
	barBelow  = 24 // room for year labels
)

// yearChart draws how many rounds a participant took part in each year,
// from their first year to their last, years without rounds included (as
// empty slots, so gaps show). Its <desc> lists every year's count. Nil
// when there are no rounds.
func (r *renderer) yearChart(e *link.Entity) *SVGBarChart {
	perYear := map[int]int{}
	seen := map[*link.Round]bool{}
	y0, y1 := 0, 0
	for _, er := range e.Rounds {
		if seen[er.Round] {
			continue
		}
		seen[er.Round] = true
		y := er.Round.Date.Year
		perYear[y]++
		if y0 == 0 || y < y0 {
			y0 = y
		}
		if y > y1 {
			y1 = y
		}
	}
	if len(perYear) == 0 {
		return nil
	}
	most := 0
	for _, n := range perYear {
		most = max(most, n)
	}
	c := &SVGBarChart{Width: barWidth, Height: barHeight, BaseY: barHeight - barBelow}
	years := y1 - y0 + 1
	slot := (barWidth - barLeft - barRight) / years
	if slot < 1 {
		slot = 1
	}
	bw := max(1, slot*7/10)
	step := labelStep(years, barWidth-barLeft-barRight, 40)
	plot := c.BaseY - barTop
	var desc []string
	for i := range years {
		y := y0 + i
		n := perYear[y]
		h := n * plot / most
		if n > 0 && h < 2 {
			h = 2
		}
		cx := barLeft + i*slot + slot/2
		bar := SVGBar{X: cx - bw/2, Y: c.BaseY - h, W: bw, H: h, TextX: cx, Count: n}
		if n > 0 && slot >= 14 {
			bar.CountLabel = fmt.Sprint(n)
		}
		if y%step == 0 || years <= 2 {
			bar.YearLabel = fmt.Sprint(y)
		}
		c.Bars = append(c.Bars, bar)
		if n == 0 {
			desc = append(desc, fmt.Sprintf("%d: none", y))
		} else {
			desc = append(desc, fmt.Sprintf("%d: %d", y, n))
		}
	}
	c.Title = fmt.Sprintf("Rounds per year, %s", yearRange(y0, y1))
	c.Desc = fmt.Sprintf("Rounds %s took part in, by year. %s.", e.Name, strings.Join(desc, "; "))
	return c
}
