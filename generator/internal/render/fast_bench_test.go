package render

import (
	"testing"
)

// BenchmarkLayouts1000 executes the layouts for every page of the most
// numerous kinds of a 1,000-round archive, one sub-benchmark per kind; the
// views are built once, so only Templates.Render is measured. One op is
// every page of the kind; ns/page is the mean per page.
//
//	go test -run '^$' -bench Layouts1000 -benchmem -count 6 ./generator/internal/render
func BenchmarkLayouts1000(b *testing.B) {
	a, opts := benchSite(b, 1000)
	r := &renderer{a: a, opts: opts, u: newURLs(opts.Config.BaseURL), pages: pageURLs(a)}
	r.site = r.siteView()
	views := map[string][]any{}
	for _, rd := range a.Rounds {
		views["round"] = append(views["round"], r.roundView(rd))
	}
	for _, d := range a.Dialogues {
		views["dialogue"] = append(views["dialogue"], r.dialogueView(d))
	}
	for _, e := range a.Participants {
		for n := 1; n <= pageCount(len(e.Rounds)); n++ {
			views["participant"] = append(views["participant"], r.participantView(e, n))
		}
	}
	for _, e := range a.Topics {
		for n := 1; n <= pageCount(len(e.Rounds)); n++ {
			views["topic"] = append(views["topic"], r.topicView(e, n))
		}
	}
	for n := 1; n <= pageCount(len(a.Rounds)); n++ {
		views["archive"] = append(views["archive"], r.archiveView(n))
	}
	views["home"] = []any{r.homeView()}
	for _, kind := range []string{"round", "participant", "topic", "dialogue", "archive", "home"} {
		vs := views[kind]
		b.Run(kind, func(b *testing.B) {
			var size int64
			for _, v := range vs {
				out, d := opts.Templates.Render(kind, v)
				if d != nil {
					b.Fatal(d)
				}
				size += int64(len(out))
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				for _, v := range vs {
					opts.Templates.Render(kind, v)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(vs)), "ns/page")
		})
	}
}
