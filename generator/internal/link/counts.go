package link

import "sort"

// tally counts entities and returns the top MaxCounts, most first, ties by
// name then slug (entityLess). Entities must have their sort keys.
type tally map[*Entity]int

func (t tally) top() []Count {
	// Keep the best MaxCounts in one pass: a person can co-occur with
	// thousands of others, and sorting them all for ten is wasted work.
	out := make([]Count, 0, min(len(t), MaxCounts)+1)
	for e, n := range t {
		c := Count{e, n}
		if len(out) == MaxCounts && !countBefore(c, out[MaxCounts-1]) {
			continue
		}
		out = insertSorted(out, c, countBefore)
		if len(out) > MaxCounts {
			out = out[:MaxCounts]
		}
	}
	return out
}

func countBefore(a, b Count) bool {
	if a.N != b.N {
		return a.N > b.N
	}
	return entityLess(a.Entity, b.Entity)
}

// insertSorted inserts v into s, which is sorted by before, keeping it
// sorted.
func insertSorted[T any](s []T, v T, before func(a, b T) bool) []T {
	i := sort.Search(len(s), func(i int) bool { return before(v, s[i]) })
	var zero T
	s = append(s, zero)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// participantCounts fills People (met most) and Topics (discussed most).
// A person met at a side meeting counts as having met the round's leads (or
// every attendee when none is marked lead); attendees met everyone at the
// table and the side meetings' people.
func participantCounts(e *Entity) {
	people, topics := tally{}, tally{}
	for _, er := range e.Rounds {
		r := er.Round
		if er.Side {
			for _, a := range leadsOrAll(r) {
				people[a.Person]++
			}
			continue
		}
		for _, a := range r.Attendees {
			if a.Person != e {
				people[a.Person]++
			}
		}
		for _, sm := range r.SideMeetings {
			for _, p := range sm.People {
				if p != e {
					people[p]++
				}
			}
		}
		for _, t := range r.Topics {
			topics[t]++
		}
	}
	e.People, e.Topics = people.top(), topics.top()
}

func leadsOrAll(r *Round) []Attendee {
	var leads []Attendee
	for _, a := range r.Attendees {
		if a.Lead {
			leads = append(leads, a)
		}
	}
	if len(leads) == 0 {
		return r.Attendees
	}
	return leads
}

// topicCounts fills People (who discussed it most) and Topics (co-occurring).
func topicCounts(e *Entity) {
	people, topics := tally{}, tally{}
	for _, er := range e.Rounds {
		for _, a := range er.Round.Attendees {
			people[a.Person]++
		}
		for _, t := range er.Round.Topics {
			if t != e {
				topics[t]++
			}
		}
	}
	e.People, e.Topics = people.top(), topics.top()
}

// relatedWindow bounds the candidates one shared entity contributes: for an
// entity in thousands of rounds, only the rounds nearest in time to this one
// are considered, so linking stays linear in the archive size.
const relatedWindow = 64

// related ranks, for each round, the rounds sharing the most participants
// (weight 2) and topics (weight 1); ties go to the newer round, then archive
// order. Rounds must be in archive order (Newer), with their positions and
// their entities' round lists filled in.
func related(rounds []*Round) {
	// Scores by archive position, and the positions touched for this round,
	// instead of a map: the inner loop runs about 1,000 times per round.
	score := make([]int32, len(rounds))
	var touched []int
	for _, r := range rounds {
		touched = touched[:0]
		for _, e := range roundEntities(r) {
			w := int32(1)
			if e.Kind == Participant {
				w = 2
			}
			// e.Rounds is in archive order and holds r once: find r by
			// binary search.
			i := sort.Search(len(e.Rounds), func(i int) bool { return e.Rounds[i].pos >= r.pos })
			lo, hi := max(0, i-relatedWindow), min(len(e.Rounds), i+relatedWindow+1)
			for _, er := range e.Rounds[lo:hi] {
				if er.pos != r.pos {
					if score[er.pos] == 0 {
						touched = append(touched, er.pos)
					}
					score[er.pos] += w
				}
			}
		}
		// Keep the best MaxRelated in one pass instead of sorting every
		// candidate: higher score first, then archive order.
		better := func(a, b int) bool {
			if score[a] != score[b] {
				return score[a] > score[b]
			}
			return a < b
		}
		best := make([]int, 0, MaxRelated+1)
		for _, c := range touched {
			if len(best) == MaxRelated && !better(c, best[MaxRelated-1]) {
				continue
			}
			best = insertSorted(best, c, better)
			if len(best) > MaxRelated {
				best = best[:MaxRelated]
			}
		}
		r.Related = make([]*Round, len(best))
		for j, c := range best {
			r.Related[j] = rounds[c]
		}
		for _, c := range touched {
			score[c] = 0
		}
	}
}

// roundEntities lists the participants (at the table) and topics of r.
func roundEntities(r *Round) []*Entity {
	out := make([]*Entity, 0, len(r.Attendees)+len(r.Topics))
	for _, a := range r.Attendees {
		out = append(out, a.Person)
	}
	return append(out, r.Topics...)
}
