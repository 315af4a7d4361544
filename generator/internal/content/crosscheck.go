package content

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"briefings/generator/internal/diag"
)

// Reserved are the top-level URL segments the generator writes itself; a
// standalone page may not take one of them.
var Reserved = []string{"dialogues", "participants", "topics", "archive", "assets", "search", "data", "feeds", "404"}

// URL returns the site-relative URL path (no leading slash, trailing slash)
// a content value is published at.
func (d *Dialogue) URL() string { return "dialogues/" + d.Slug + "/" }

// URL returns the round's site-relative URL path.
func (r *Round) URL() string { return "dialogues/" + r.Dialogue + "/" + r.Slug + "/" }

// URL returns the profile's site-relative URL path.
func (p *Profile) URL() string {
	if p.Kind == TopicProfile {
		return "topics/" + p.Slug + "/"
	}
	return "participants/" + p.Slug + "/"
}

// URL returns the page's site-relative URL path.
func (p *Page) URL() string { return p.Slug + "/" }

var fold = cases.Fold()

// CollisionKey is how two output paths are compared: case folded NFC, so
// "Seoul" and "seoul", or é in NFC and NFD, collide on every file system.
func CollisionKey(p string) string { return norm.NFC.String(fold.String(p)) }

// crossCheck applies the rules that span files.
func crossCheck(s *Site, paths []string) []diag.Diagnostic {
	var out []diag.Diagnostic
	errAt := func(pos diag.Pos, code, format string, args ...any) {
		out = append(out, diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...)})
	}

	// Every round folder needs its _index.md (even an invalid one: its own
	// errors are reported already).
	hasIndex := map[string]bool{}
	for _, p := range paths {
		if k, _ := classify(p); k == kindDialogue {
			hasIndex[path.Dir(p)] = true
		}
	}
	for _, r := range s.Rounds {
		if dir := path.Dir(r.File); !hasIndex[dir] {
			errAt(diag.Pos{File: r.File, Line: 1}, "missing-dialogue", "dialogue folder %s has no _index.md (add one with the dialogue's title)", dir)
		}
	}

	// Round numbers are unique within a dialogue; numbers and dates agree.
	byDialogue := map[string][]*Round{}
	for _, r := range s.Rounds {
		byDialogue[r.Dialogue] = append(byDialogue[r.Dialogue], r)
	}
	for _, rounds := range byDialogue {
		sort.Slice(rounds, func(i, j int) bool {
			if rounds[i].Number != rounds[j].Number {
				return rounds[i].Number < rounds[j].Number
			}
			return rounds[i].File < rounds[j].File
		})
		for i := 1; i < len(rounds); i++ {
			a, b := rounds[i-1], rounds[i]
			if a.Number == b.Number {
				errAt(b.NumberPos, "duplicate-round", "round %d is already used by %s:%d", b.Number, a.File, a.NumberPos.Line)
			}
		}
		// A higher number dated before a lower one: compare with the
		// latest date among lower numbers.
		var latest *Round
		for _, r := range rounds {
			if latest != nil && r.Number > latest.Number && r.Date.Compare(latest.Date) < 0 {
				out = append(out, diag.Diagnostic{Pos: r.DatePos, Severity: diag.Warning, Code: "round-order",
					Message: fmt.Sprintf("round %d is dated %s, before round %d (%s, %s)", r.Number, r.Date, latest.Number, latest.Date, latest.File)})
			}
			if latest == nil || r.Date.Compare(latest.Date) > 0 {
				latest = r
			}
		}
	}

	// Two sources must never write one URL.
	type owner struct {
		url  string
		file string
	}
	var owners []owner
	for _, d := range s.Dialogues {
		owners = append(owners, owner{d.URL(), d.File})
	}
	for _, r := range s.Rounds {
		owners = append(owners, owner{r.URL(), r.File})
	}
	for _, p := range s.Participants {
		owners = append(owners, owner{p.URL(), p.File})
	}
	for _, p := range s.Topics {
		owners = append(owners, owner{p.URL(), p.File})
	}
	for _, p := range s.Pages {
		for _, r := range Reserved {
			if CollisionKey(p.Slug) == r {
				errAt(diag.Pos{File: p.File, Line: 1}, "path-collision", "path collision: the page %s would take /%s/, which the generator uses itself; rename the file", p.File, r)
			}
		}
		owners = append(owners, owner{p.URL(), p.File})
	}
	sort.Slice(owners, func(i, j int) bool { return owners[i].file < owners[j].file })
	first := map[string]owner{}
	for _, o := range owners {
		k := CollisionKey(o.url)
		if prev, ok := first[k]; ok {
			errAt(diag.Pos{File: o.file, Line: 1}, "path-collision", "path collision: /%s from %s and %s", strings.TrimSuffix(o.url, "/")+"/", prev.file, o.file)
			continue
		}
		first[k] = o
	}
	return out
}
