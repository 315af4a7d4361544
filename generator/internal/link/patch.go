package link

import (
	"reflect"

	"briefings/generator/internal/content"
)

// CanPatch reports whether next may replace prev (a round of the same
// file) in an archive without linking again: the two differ only in
// fields linking never reads — title, summary, location, outcomes, next
// round, sources and body — so every list, order, entity and diagnostic
// of the archive stays what Link would make. prev must be the round the
// archive was linked from.
func CanPatch(a *Archive, prev, next *content.Round) bool {
	if prev == nil || next == nil || prev.File != next.File || a.round(prev) == nil {
		return false
	}
	return reflect.DeepEqual(linked(prev), linked(next))
}

// Patch puts next in place of the round of the same file; CanPatch must
// have said yes. No other goroutine may use the archive meanwhile.
func Patch(a *Archive, prev, next *content.Round) {
	a.round(prev).Round = next
}

// round finds the linked round made of r.
func (a *Archive) round(r *content.Round) *Round {
	for _, lr := range a.Rounds {
		if lr.Round == r {
			return lr
		}
	}
	return nil
}

// linked is r without the fields linking never reads.
func linked(r *content.Round) content.Round {
	c := *r
	c.Title, c.Summary, c.Location, c.NextRound = "", "", "", ""
	c.Outcomes, c.Sources, c.Body = nil, nil, content.Markdown{}
	return c
}
