package markdown

import (
	"strconv"

	"github.com/yuin/goldmark/ast"

	"briefings/generator/internal/slug"
)

// headingIDs is the parser.IDs of one render: ids are slugs of heading text
// ("section" when empty), unique within the document. A fresh one is passed
// to every parse through its parser.Context, so renders share nothing.
type headingIDs struct {
	used map[string]bool
	next map[string]int // last suffix tried per base, so n duplicates cost O(n)
}

func newHeadingIDs() *headingIDs {
	return &headingIDs{used: map[string]bool{}, next: map[string]int{}}
}

// Generate implements parser.IDs.
func (s *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	base := slug.Make(string(value))
	if base == "" {
		base = "section"
	}
	if !s.used[base] {
		s.used[base] = true
		return []byte(base)
	}
	for i := s.next[base] + 1; ; i++ {
		id := base + "-" + strconv.Itoa(i)
		if !s.used[id] {
			s.used[id] = true
			s.next[base] = i
			return []byte(id)
		}
	}
}

// Put implements parser.IDs.
func (s *headingIDs) Put(value []byte) {
	s.used[string(value)] = true
}
