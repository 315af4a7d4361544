package search

import (
	"hash/maphash"
	"slices"
	"sync"
)

// Memo keeps what Build computed for the dev server's next rebuild: each
// document's analysis (reused only when the document is field for field
// the same) and the whole index (reused only when every document is).
// Results equal Build's without a memo; the memo only saves work.
type Memo struct {
	seed maphash.Seed
	// dict numbers the terms of every build that uses the memo, so the
	// analyses it keeps stay valid.
	dict *dict

	mu    sync.Mutex
	docs  map[string]memoDoc // by Doc.Key
	sum   uint64             // hash of the documents of last
	last  *Index
	gen   uint64
	valid bool
}

type memoDoc struct {
	doc   Doc
	terms []byte
	gen   uint64
}

// NewMemo returns an empty memo.
func NewMemo() *Memo {
	return &Memo{seed: maphash.MakeSeed(), dict: newDict(), docs: map[string]memoDoc{}}
}

func (m *Memo) lookup(d *Doc) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.docs[d.Key]
	if !ok || !equalDoc(&e.doc, d) {
		return nil, false
	}
	e.gen = m.gen
	m.docs[d.Key] = e
	return e.terms, true
}

func (m *Memo) store(d Doc, terms []byte) {
	m.mu.Lock()
	m.docs[d.Key] = memoDoc{doc: d, terms: terms, gen: m.gen}
	m.mu.Unlock()
}

// hashDoc hashes every field of a document.
func (m *Memo) hashDoc(d *Doc) uint64 {
	var h maphash.Hash
	h.SetSeed(m.seed)
	str := func(ss ...string) {
		for _, s := range ss {
			h.WriteString(s)
			h.WriteByte(0)
		}
		h.WriteByte(1)
	}
	str(d.Title, d.URL, d.Date, d.Dialogue, d.Key, d.Location, d.Summary, d.Body, d.Snippet)
	str(d.People...)
	str(d.Topics...)
	str(d.Extra...)
	str(d.Dialogues...)
	str(d.Participants...)
	str(d.Delegations...)
	str(d.TopicKeys...)
	maphash.WriteComparable(&h, d.Year)
	return h.Sum64()
}

func equalDoc(a, b *Doc) bool {
	return a.Title == b.Title && a.URL == b.URL && a.Date == b.Date && a.Year == b.Year &&
		a.Dialogue == b.Dialogue && a.Key == b.Key && a.Location == b.Location &&
		a.Summary == b.Summary && a.Body == b.Body && a.Snippet == b.Snippet &&
		slices.Equal(a.People, b.People) && slices.Equal(a.Topics, b.Topics) &&
		slices.Equal(a.Extra, b.Extra) && slices.Equal(a.Dialogues, b.Dialogues) &&
		slices.Equal(a.Participants, b.Participants) && slices.Equal(a.Delegations, b.Delegations) &&
		slices.Equal(a.TopicKeys, b.TopicKeys)
}

// index returns the last index when every document of b is as it was
// (in the same order), else b's index; either way it forgets the
// analyses of documents b does not have.
func (m *Memo) index(b *Builder) *Index {
	var h maphash.Hash
	h.SetSeed(m.seed)
	maphash.WriteComparable(&h, len(b.slots))
	for i := range b.slots {
		maphash.WriteComparable(&h, b.slots[i].hash)
	}
	sum := h.Sum64()
	m.mu.Lock()
	ix := m.last
	same := m.valid && m.sum == sum && ix != nil
	m.mu.Unlock()
	if !same {
		ix = b.build()
	}
	m.mu.Lock()
	for k, e := range m.docs {
		if e.gen != m.gen {
			delete(m.docs, k)
		}
	}
	m.sum, m.last, m.valid = sum, ix, true
	m.mu.Unlock()
	return ix
}
