package render

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"briefings/generator/internal/content"
	"briefings/generator/internal/markdown"
)

// Reuse lets a build skip making the output files whose inputs did not
// change since the previous build (issue #5: an unchanged rebuild is mostly
// reads).
//
// Every output file made from a typed value (a page's view model, a feed,
// the open data, the sitemap) gets a key: the SHA-256 of Salt, its path,
// its kind and everything reachable from the value. A file is a pure
// function of those (the same premise as Cache), so when the previous build
// wrote the file under the same key it is kept as it is.
//
// Computing a key must not cost what making the file costs, so keys are
// computed from the value built in "key mode", where Markdown is not
// rendered: each Markdown text stands for a placeholder naming the text,
// its file and first line, and the current resolution of every link the
// text held when it was last rendered (the memo, carried from build to
// build with SaveMemo). A text never rendered before has no memo entry; its
// file is then made, and keyed once the render has filled the memo.
// Problems a memoised render reported are reported again, so a kept file
// still shows its warnings.
type Reuse struct {
	// Salt is mixed into every key: a digest of what files depend on that
	// the values do not show (the generator, the layouts, the options).
	Salt []byte
	// Keep keeps the previous build's file at path if it was made from
	// key, and reports its size; nil keeps nothing (a first build).
	Keep func(path, key string) (int64, bool)
	// Memo is what the previous build passed to SaveMemo.
	Memo []byte
	// SaveMemo receives this build's memo once every file is made.
	SaveMemo func([]byte)
	// Verify computes every key also in key mode and fails the file (an
	// internal error) when the two differ (tests).
	Verify bool
}

// mdMemo is what a Markdown render left for the keys of later builds.
type mdMemo struct {
	Links    []string           `json:"links,omitempty"` // the destinations given to the resolver, in order, but those that stand alone
	Problems []markdown.Problem `json:"problems,omitempty"`
}

// keyer computes keys for one build and keeps its memo.
type keyer struct {
	salt   []byte
	keep   func(path, key string) (int64, bool)
	verify bool
	prev   map[string]mdMemo

	mu   sync.Mutex
	memo map[string]mdMemo
}

// memoFile is the memo as stored: most texts have no links to resolve and
// no problems, and are only listed.
type memoFile struct {
	Plain []string          `json:"plain"`
	Texts map[string]mdMemo `json:"texts"`
}

func newKeyer(ru *Reuse) *keyer {
	k := &keyer{salt: ru.Salt, keep: ru.Keep, verify: ru.Verify, memo: map[string]mdMemo{}}
	var f memoFile
	if len(ru.Memo) == 0 || json.Unmarshal(ru.Memo, &f) != nil {
		return k // none, or unreadable: everything is made again
	}
	k.prev = make(map[string]mdMemo, len(f.Plain)+len(f.Texts))
	for _, id := range f.Plain {
		k.prev[id] = mdMemo{}
	}
	maps.Copy(k.prev, f.Texts)
	return k
}

// lookup returns the memo entry of a Markdown text, from this build or
// the previous one (carried into this build's memo).
func (k *keyer) lookup(id string) (mdMemo, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.memo[id]; ok {
		return e, true
	}
	e, ok := k.prev[id]
	if ok {
		k.memo[id] = e
	}
	return e, ok
}

func (k *keyer) store(id string, e mdMemo) {
	k.mu.Lock()
	k.memo[id] = e
	k.mu.Unlock()
}

func (k *keyer) save(ru *Reuse) {
	if ru.SaveMemo == nil {
		return
	}
	f := memoFile{Plain: []string{}, Texts: map[string]mdMemo{}}
	k.mu.Lock()
	for id, e := range k.memo {
		if len(e.Links) == 0 && len(e.Problems) == 0 {
			f.Plain = append(f.Plain, id)
		} else {
			f.Texts[id] = e
		}
	}
	k.mu.Unlock()
	slices.Sort(f.Plain)
	b, err := json.Marshal(f) // map keys sorted: deterministic
	if err == nil {
		ru.SaveMemo(b)
	}
}

// mdID names one Markdown text: its file, first line, kind and bytes.
func mdID(k mdKey, text []byte) string {
	h := sha256.New()
	h.Write([]byte(k.file))
	h.Write([]byte{0})
	h.Write([]byte(strconv.Itoa(k.line)))
	if k.inline {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{0})
	}
	h.Write(text)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// mdPlaceholder is what a Markdown text renders to in key mode: a string
// that changes whenever the text or the resolution of one of its links
// does. Empty with !ok when the text has no memo entry.
func (r *renderer) mdPlaceholder(k mdKey, text []byte) (template.HTML, bool) {
	id := mdID(k, text)
	e, ok := r.keys.lookup(id)
	if !ok {
		return "", false
	}
	r.problems(k.file, e.Problems)
	h := sha256.New()
	h.Write([]byte(id))
	resolve := r.resolver(k.file).resolve
	for _, dest := range e.Links {
		out, problem := resolve(dest)
		for _, s := range []string{dest, out, problem} {
			h.Write([]byte(strconv.Itoa(len(s))))
			h.Write([]byte{':'})
			h.Write([]byte(s))
		}
	}
	// Only ever hashed, never written: hex digits after a NUL, no markup.
	return trustedHTML([]byte("\x00markdown:" + hex.EncodeToString(h.Sum(nil)[:16]))), true
}

// keyMarkdown is renderer.markdown in key mode.
func (r *renderer) keyMarkdown(file string, body content.Markdown) template.HTML {
	text, err := body.Bytes()
	if err != nil {
		r.unknown = true
		return ""
	}
	return r.keyText(mdKey{file: file, line: body.Line}, text)
}

func (r *renderer) keyText(k mdKey, text []byte) template.HTML {
	if !k.inline && isBlank(text) {
		return ""
	}
	ph, ok := r.mdPlaceholder(k, text)
	if !ok {
		r.unknown = true
	}
	return ph
}

// keyFor returns the key of the file at path made from the value that
// value builds, or "" when a Markdown text in it was never rendered.
func (r *renderer) keyFor(path, kind string, value func(*renderer) any) string {
	kr := r.fork(true)
	v := value(kr)
	if kr.unknown {
		return ""
	}
	return r.keyOf(path, kind, v, nil)
}

// mdOut is one Markdown output of a view built for real, and the
// placeholder it stands for in key mode.
type mdOut struct {
	html, placeholder template.HTML
}

// keyOf hashes v for the file at path; every string of outs found in v
// (the very string, compared by address) counts as its placeholder, so a
// view built for real has the key of the same view built in key mode.
func (r *renderer) keyOf(path, kind string, v any, outs []mdOut) string {
	h := sha256.New()
	w := bufio.NewWriterSize(h, 4096)
	w.Write(r.keys.salt)
	for _, s := range []string{path, kind} {
		w.WriteString(strconv.Itoa(len(s)))
		w.WriteByte(':')
		w.WriteString(s)
	}
	vh := valueHash{w: w}
	if len(outs) > 0 {
		vh.sub = func(s string) (string, bool) {
			for _, o := range outs {
				if len(o.html) == len(s) && unsafe.StringData(string(o.html)) == unsafe.StringData(s) {
					return string(o.placeholder), true
				}
			}
			return "", false
		}
	}
	vh.value(reflect.ValueOf(v))
	w.Flush()
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// rendered records the output html of the Markdown text k (for keyOf)
// when the view being built records them, and returns it.
func (r *renderer) rendered(k mdKey, text []byte, html template.HTML) template.HTML {
	if r.outs == nil || r.keys == nil {
		return html
	}
	ph, ok := r.mdPlaceholder(k, text)
	if !ok || (len(html) == 0 && len(ph) > 0) {
		// No memo (cannot happen after a render), or an empty output
		// that has no address to recognise it by: key in key mode.
		r.unknown = true
	}
	*r.outs = append(*r.outs, mdOut{html, ph})
	return html
}

// produce makes the output file at path from the value value builds, with
// encode; or, when the previous build made it from the same key, keeps
// that file (Output.Kept) without building the real value or encoding it.
func (r *renderer) produce(path, kind string, value func(*renderer) any, encode func(v any) ([]byte, error)) (Output, error) {
	out := Output{Path: path, Kind: kind}
	if r.keys == nil {
		data, err := encode(value(r))
		out.Data = data
		return out, err
	}
	key := ""
	if r.keys.keep != nil {
		if key = r.keyFor(path, kind, value); key != "" {
			if n, ok := r.keys.keep(path, key); ok {
				out.Key, out.Kept, out.Size = key, true, n
				return out, nil
			}
		}
	}
	if key != "" {
		data, err := encode(value(r))
		out.Data, out.Key = data, key
		return out, err
	}
	// Build the value for real, recording its Markdown outputs, and key
	// it by them: the same key as key mode gives now that the render has
	// filled the memo, without building the value a second time.
	jr := r.fork(false)
	var outs []mdOut
	jr.outs = &outs
	v := value(jr)
	data, err := encode(v)
	if err != nil {
		return out, err
	}
	if jr.unknown {
		key = r.keyFor(path, kind, value)
	} else {
		key = r.keyOf(path, kind, v, outs)
	}
	if r.keys.verify {
		if k := r.keyFor(path, kind, value); k != key {
			panic(fmt.Sprintf("the key of %s from its real view (%s) is not its key-mode key (%s)", path, key, k))
		}
	}
	out.Data, out.Key = data, key
	return out, nil
}
