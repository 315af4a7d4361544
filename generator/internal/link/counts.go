package link

import (
	"sort"

	"briefings/generator/internal/slug"
)

// tally counts entities and returns the top MaxCounts, most first, ties by
// name then slug.
type tally map[*Entity]int

func (t tally) top() []Count {
	out := make([]Count, 0, len(t))
	for e, n := range t {
		out = append(out, Count{e, n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.N != b.N {
			return a.N > b.N
		}
		if ka, kb := slug.Key(a.Entity.Name), slug.Key(b.Entity.Name); ka != kb {
			return ka < kb
		}
		return a.Entity.Slug < b.Entity.Slug
	})
	if len(out) > MaxCounts {
		out = out[:MaxCounts]
	}
	return out
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
// order. Rounds must be in archive order (Newer).
func related(rounds []*Round) {
	pos := make(map[*Round]int, len(rounds))
	for i, r := range rounds {
		pos[r] = i
	}
	// Where each round sits in each entity's round list (newest first).
	type key struct {
		e *Entity
		r *Round
	}
	at := map[key]int{}
	var entities []*Entity
	seen := map[*Entity]bool{}
	for _, r := range rounds {
		for _, e := range roundEntities(r) {
			if !seen[e] {
				seen[e] = true
				entities = append(entities, e)
				for i, er := range e.Rounds {
					at[key{e, er.Round}] = i
				}
			}
		}
	}
	score := map[*Round]int{}
	for _, r := range rounds {
		clear(score)
		for _, e := range roundEntities(r) {
			w := 1
			if e.Kind == Participant {
				w = 2
			}
			i := at[key{e, r}]
			lo, hi := max(0, i-relatedWindow), min(len(e.Rounds), i+relatedWindow+1)
			for _, er := range e.Rounds[lo:hi] {
				if er.Round != r {
					score[er.Round] += w
				}
			}
		}
		// Keep the best MaxRelated in one pass instead of sorting every
		// candidate.
		better := func(a, b *Round) bool {
			if score[a] != score[b] {
				return score[a] > score[b]
			}
			return pos[a] < pos[b]
		}
		cands := make([]*Round, 0, MaxRelated+1)
		for c := range score {
			if len(cands) == MaxRelated && !better(c, cands[MaxRelated-1]) {
				continue
			}
			i := len(cands)
			cands = append(cands, c)
			for i > 0 && better(c, cands[i-1]) {
				cands[i] = cands[i-1]
				i--
			}
			cands[i] = c
			if len(cands) > MaxRelated {
				cands = cands[:MaxRelated]
			}
		}
		r.Related = cands
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
