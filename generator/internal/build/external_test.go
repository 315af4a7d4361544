package build

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// TestCheckLinks lists every external link of a site: sources, bodies,
// outcomes, profiles and pages, with file lines; not drafts (unless
// --drafts), not relative, site-root or mailto links, not files with errors.
func TestCheckLinks(t *testing.T) {
	fsys := fstest.MapFS{
		"config.yaml":                   {Data: []byte("title: T\nbase_url: https://example.org/\n")},
		"content/dialogues/d/_index.md": {Data: []byte("---\ntitle: D\n---\nSee <https://dialogue.example/a>.\n")},
		"content/dialogues/d/r1.md": {Data: []byte(`---
title: One
date: 2024-01-10
round: 1
participants: [Ann Example]
outcomes:
  - Agreed, see [the text](http://outcome.example/x).
sources:
  - title: Report
    url: https://source.example/r
  - title: No URL
---
First paragraph.

A [link](https://body.example/p#frag), an image ![i](https://img.example/i.png),
[relative](../d/r1.md), [root](/about/), [mail](mailto:a@example.org) and
a bare https://linkify.example/q too.
`)},
		"content/dialogues/d/r2.md":           {Data: []byte("---\ntitle: Two\ndate: 2024-02-10\nround: 2\ndraft: true\nparticipants: [Ann Example]\n---\n[draft](https://draft.example/)\n")},
		"content/dialogues/d/r3.md":           {Data: []byte("---\ntitle: Bad\ndate: 2024-13-10\nround: 3\nparticipants: [Ann Example]\n---\n[bad](https://broken-file.example/)\n")},
		"content/participants/ann-example.md": {Data: []byte("---\nname: Ann Example\n---\nBio at [her site](https://ann.example/).\n")},
		"content/topics/trade.md":             {Data: []byte("---\ntitle: Trade\n---\n\n\nMore at [this](HTTPS://Topic.example/t).\n")},
		"content/about.md":                    {Data: []byte("---\ntitle: About\n---\n[Us](https://about.example/)\n")},
	}
	list := func(drafts bool) string {
		res, links := CheckLinks(Options{FS: fsys, Drafts: drafts})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		var b strings.Builder
		for _, l := range links {
			fmt.Fprintf(&b, "%s %s\n", l.Pos, l.URL)
		}
		return b.String()
	}
	want := `content/about.md:4 https://about.example/
content/dialogues/d/_index.md:4 https://dialogue.example/a
content/dialogues/d/r1.md:7 http://outcome.example/x
content/dialogues/d/r1.md:9:5 https://source.example/r
content/dialogues/d/r1.md:15 https://body.example/p#frag
content/dialogues/d/r1.md:15 https://img.example/i.png
content/dialogues/d/r1.md:17 https://linkify.example/q
content/participants/ann-example.md:4 https://ann.example/
content/topics/trade.md:6 HTTPS://Topic.example/t
`
	// The topic's link has an upper-case scheme, still http(s).
	if got := list(false); got != want {
		t.Errorf("links:\n%s\nwant:\n%s", got, want)
	}
	if got := list(true); !strings.Contains(got, "content/dialogues/d/r2.md:8 https://draft.example/") {
		t.Errorf("with drafts, the draft's link is missing:\n%s", got)
	}
}
