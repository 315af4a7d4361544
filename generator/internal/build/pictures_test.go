package build

import (
	"strings"
	"testing"
)

// TestPictures checks the SVG timeline of a dialogue and the rounds-per-year
// chart of a participant as the layouts write them: links with text
// alternatives, the gap in the numbering, the image's name and description.
func TestPictures(t *testing.T) {
	out, _, res := renderFS(t, loadTxtar(t, "testdata/sites/crosslinks.txtar"), Options{})
	if res.Failed() {
		t.Fatalf("build failed: %v", res.Diagnostics)
	}
	for page, wants := range map[string][]string{
		"dialogues/alpha/index.html": {
			`<svg viewBox="0 0 640 68" width="640" height="68" aria-labelledby="timeline-chart-title">`,
			`<title id="timeline-chart-title">Timeline of 3 rounds, 2020–2022</title>`,
			`<a class="point" href="/sub/dialogues/alpha/one/"><title>Round 1, 1 May 2020, Seoul. Led by Kim Min-jun (North).</title>`,
			`<a class="point" href="/sub/dialogues/alpha/four/"><title>Round 4, 1 September 2022. With Lee Ha-na.</title>`,
			`<title>Round 3: no record</title></line>`,
			`>2023</text>`,
			`dashed stretches of the axis are round numbers with no record`,
			`<ol class="timeline">`, // the list stays as the full text equivalent
		},
		"participants/kim-min-jun/index.html": {
			`role="img" aria-labelledby="year-chart-title" aria-describedby="year-chart-desc"`,
			`<title id="year-chart-title">Rounds per year, 2019–2021</title>`,
			`<desc id="year-chart-desc">Rounds Kim Min-jun took part in, by year. 2019: 1; 2020: 1; 2021: 1.</desc>`,
			`<rect class="bar"`,
		},
	} {
		html := string(out[page])
		for _, w := range wants {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %s", page, w)
			}
		}
		if strings.Contains(html, "ZgotmplZ") {
			t.Errorf("%s: html/template rejected a value in the SVG", page)
		}
	}
	if strings.Contains(string(out["dialogues/beta/index.html"]), `class="gap"`) {
		t.Error("a dialogue without missing rounds shows a gap")
	}

	long, _, res := renderFS(t, longSite(250), Options{})
	if res.Failed() {
		t.Fatal("long site failed")
	}
	if !strings.Contains(string(long["participants/ann-example/index.html"]), `id="year-chart-title"`) ||
		strings.Contains(string(long["participants/ann-example/page/2/index.html"]), `year-chart`) {
		t.Error("the chart belongs on page 1 of a participant, and only there")
	}
}
