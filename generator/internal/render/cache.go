package render

import (
	"bytes"
	"hash/maphash"
	"html/template"
	"reflect"
	"sync"

	"briefings/generator/internal/markdown"
	"briefings/generator/internal/search"
)

// Cache lets repeated renders of a changing archive (the dev server) reuse
// work while staying exact: a page is a pure function of its kind, its view
// model and the templates, so its bytes are reused only when the hash of
// its view is unchanged (the caller drops the cache when templates or
// config change). Markdown is reused only when the text, its first line and
// every link's resolution are unchanged. Entries not used by the latest
// render are dropped, so the cache never outgrows the site.
type Cache struct {
	seed maphash.Seed

	mu    sync.Mutex
	gen   uint64
	pages map[string]pageEntry
	md    map[mdKey]*mdEntry
	outs  map[string]pageEntry // feeds and data files, by path
	text  map[string]*textEntry
	// search keeps each round's index analysis between rebuilds.
	search *search.Memo

	// Rendered and Reused count the pages of the latest render.
	Rendered, Reused int
}

type pageEntry struct {
	hash uint64
	data []byte
	gen  uint64
}

type mdKey struct {
	file   string
	line   int
	inline bool
}

type mdEntry struct {
	text  []byte
	res   markdown.Result
	links []resolvedLink
	gen   uint64
}

type resolvedLink struct {
	dest, out, problem string
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{seed: maphash.MakeSeed(), pages: map[string]pageEntry{}, md: map[mdKey]*mdEntry{},
		outs: map[string]pageEntry{}, text: map[string]*textEntry{}, search: search.NewMemo()}
}

type textEntry struct {
	src []byte
	out string
	gen uint64
}

// markdownText memoises search.MarkdownText of one file's body: reused
// only when the body's bytes are unchanged.
func (c *Cache) markdownText(file string, src []byte) string {
	c.mu.Lock()
	e, ok := c.text[file]
	if ok && bytes.Equal(e.src, src) {
		e.gen = c.gen
		c.mu.Unlock()
		return e.out
	}
	c.mu.Unlock()
	out := search.MarkdownText(string(src))
	c.mu.Lock()
	c.text[file] = &textEntry{src: src, out: out, gen: c.gen}
	c.mu.Unlock()
	return out
}

// fragment is output for a piece of an output file (one round's JSON or
// CSV row), keyed by a name unique within the file.
func (c *Cache) fragment(key string, v any, encode func() []byte) []byte {
	return c.output("\x00"+key, v, encode)
}

// output returns the bytes of a non-page output file (a feed, a data
// file) from its typed value v: reused when the hash of v is unchanged,
// else made by encode. With a nil cache it just encodes.
func (c *Cache) output(path string, v any, encode func() []byte) []byte {
	if c == nil {
		return encode()
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(path)
	hashValue(&h, reflect.ValueOf(v))
	sum := h.Sum64()
	c.mu.Lock()
	e, ok := c.outs[path]
	if ok && e.hash == sum {
		e.gen = c.gen
		c.outs[path] = e
		c.mu.Unlock()
		return e.data
	}
	c.mu.Unlock()
	data := encode()
	c.mu.Lock()
	c.outs[path] = pageEntry{hash: sum, data: data, gen: c.gen}
	c.mu.Unlock()
	return data
}

func (c *Cache) begin() {
	c.mu.Lock()
	c.gen++
	c.Rendered, c.Reused = 0, 0
	c.mu.Unlock()
}

// end drops what the latest render did not use.
func (c *Cache) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.pages {
		if e.gen != c.gen {
			delete(c.pages, k)
		}
	}
	for k, e := range c.md {
		if e.gen != c.gen {
			delete(c.md, k)
		}
	}
	for k, e := range c.outs {
		if e.gen != c.gen {
			delete(c.outs, k)
		}
	}
	for k, e := range c.text {
		if e.gen != c.gen {
			delete(c.text, k)
		}
	}
}

// page returns the cached bytes of path when its view hash is h.
func (c *Cache) page(path string, h uint64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.pages[path]
	if !ok || e.hash != h {
		c.Rendered++
		return nil, false
	}
	e.gen = c.gen
	c.pages[path] = e
	c.Reused++
	return e.data, true
}

func (c *Cache) storePage(path string, h uint64, data []byte) {
	c.mu.Lock()
	c.pages[path] = pageEntry{hash: h, data: data, gen: c.gen}
	c.mu.Unlock()
}

// markdown returns a cached rendering when text, line and every link's
// resolution are unchanged.
func (c *Cache) markdown(k mdKey, text []byte, resolve markdown.LinkResolver) (markdown.Result, bool) {
	c.mu.Lock()
	e, ok := c.md[k]
	c.mu.Unlock()
	if !ok || !bytes.Equal(e.text, text) {
		return markdown.Result{}, false
	}
	for _, l := range e.links {
		if out, problem := resolve(l.dest); out != l.out || problem != l.problem {
			return markdown.Result{}, false
		}
	}
	c.mu.Lock()
	e.gen = c.gen
	c.mu.Unlock()
	return e.res, true
}

func (c *Cache) storeMarkdown(k mdKey, text []byte, res markdown.Result, links []resolvedLink) {
	c.mu.Lock()
	c.md[k] = &mdEntry{text: text, res: res, links: links, gen: c.gen}
	c.mu.Unlock()
}

// viewHash hashes a page kind and everything reachable from its view.
func (c *Cache) viewHash(kind string, view any) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(kind)
	hashValue(&h, reflect.ValueOf(view))
	return h.Sum64()
}

var htmlType = reflect.TypeFor[template.HTML]()

// valueHasher is what hashValue writes to: a *maphash.Hash, or a
// *bufio.Writer in front of a SHA-256 (keys of Reuse).
type valueHasher interface {
	Write([]byte) (int, error)
	WriteString(string) (int, error)
	WriteByte(byte) error
}

func hashValue(h valueHasher, v reflect.Value) {
	(&valueHash{w: h}).value(v)
}

// valueHash writes values to w; sub, when set, may give a string of type
// template.HTML to write in place of the string itself.
type valueHash struct {
	w   valueHasher
	sub func(string) (string, bool)
}

func (vh *valueHash) putInt(n uint64) {
	for i := range 8 {
		vh.w.WriteByte(byte(n >> (8 * i)))
	}
}

func (vh *valueHash) value(v reflect.Value) {
	h := vh.w
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if vh.sub != nil && v.Type() == htmlType {
			if ph, ok := vh.sub(s); ok {
				s = ph
			}
		}
		vh.putInt(uint64(len(s)))
		h.WriteString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		vh.putInt(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		vh.putInt(v.Uint())
	case reflect.Bool:
		if v.Bool() {
			h.WriteByte(1)
		} else {
			h.WriteByte(0)
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			h.WriteByte(0)
			return
		}
		h.WriteByte(1)
		vh.value(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			vh.value(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		vh.putInt(uint64(v.Len()))
		for i := range v.Len() {
			vh.value(v.Index(i))
		}
	case reflect.Invalid:
		h.WriteByte(0)
	default:
		// Views hold only the kinds above; anything else is a programming
		// error that must not silently weaken the cache.
		panic("render: cannot hash view field of kind " + v.Kind().String())
	}
}
