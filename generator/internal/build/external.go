package build

import (
	"sort"
	"strings"

	"briefings/generator/internal/config"
	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/link"
	"briefings/generator/internal/markdown"
)

// ExternalLink is an http(s) URL written in the site and the place
// where it is written.
type ExternalLink struct {
	URL string
	Pos diag.Pos
}

// CheckLinks is Check that also returns every external link of the
// published site (for `check --external`): each round's source URLs and
// every http(s) link, image and autolink in the Markdown bodies and
// outcomes of dialogues, rounds, profiles and pages. Draft rounds count only
// with Options.Drafts; files with errors are left out. The links are sorted
// by position, then URL.
//
// Bodies are parsed a second time to collect their links, so Check and
// Build pay nothing for this.
func CheckLinks(opts Options) (Result, []ExternalLink) {
	p := newPipeline(opts)
	p.render(nil)
	res := p.result()
	if p.arch == nil {
		return res, nil
	}
	return res, externalLinks(p.arch, p.cfg)
}

func externalLinks(a *link.Archive, cfg config.Config) []ExternalLink {
	md := markdown.New(markdown.Options{UnsafeHTML: cfg.UnsafeHTML})
	var out []ExternalLink
	add := func(raw string, pos diag.Pos) {
		if isExternal(raw) {
			out = append(out, ExternalLink{URL: raw, Pos: pos})
		}
	}
	body := func(file string, b content.Markdown) {
		text, err := b.Bytes() // a failure is reported by rendering
		if err != nil || len(text) == 0 {
			return
		}
		for _, l := range md.Render(text, b.Line, nil).Links {
			add(l.Dest, diag.Pos{File: file, Line: l.Line})
		}
	}
	for _, d := range a.Dialogues {
		body(d.File, d.Body)
	}
	for _, r := range a.Rounds {
		for _, s := range r.Sources {
			add(s.URL, s.Pos)
		}
		for _, o := range r.Outcomes {
			for _, l := range md.RenderInline(o.Text, o.Line, nil).Links {
				add(l.Dest, diag.Pos{File: r.File, Line: l.Line})
			}
		}
		body(r.File, r.Body)
	}
	for _, es := range [][]*link.Entity{a.Participants, a.Topics} {
		for _, e := range es {
			if e.Profile != nil {
				body(e.Profile.File, e.Profile.Body)
			}
		}
	}
	for _, p := range a.Pages {
		body(p.File, p.Body)
	}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Pos.File != y.Pos.File {
			return x.Pos.File < y.Pos.File
		}
		if x.Pos.Line != y.Pos.Line {
			return x.Pos.Line < y.Pos.Line
		}
		if x.Pos.Col != y.Pos.Col {
			return x.Pos.Col < y.Pos.Col
		}
		return x.URL < y.URL
	})
	return out
}

// isExternal reports whether raw uses the http or https scheme. Malformed
// ones are kept: the link checker reports why they cannot be requested.
func isExternal(raw string) bool {
	scheme, _, ok := strings.Cut(strings.TrimSpace(raw), ":")
	scheme = strings.ToLower(scheme)
	return ok && (scheme == "http" || scheme == "https")
}
