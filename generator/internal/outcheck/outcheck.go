// Package outcheck inspects built output for anything a browser or feed
// reader could run: it is the test-side proof of the output-safety promise
// (docs/reliability.md, checklist items 19-21), independent of how the
// generator escapes.
//
// Input: built files by site-relative path and Options naming our own
// scripts. HTML is read by a small tokenizer that follows the HTML syntax
// closely enough for this purpose (comments, doctype, start and end tags,
// quoted and unquoted attributes, raw-text elements such as <script> and
// <style>); it is deliberately strict: markup it cannot follow (a tag or
// comment left open at the end of the file) is itself a finding. XML files
// must be well-formed (encoding/xml, strict), and their type="html" text
// (Atom summaries) is checked as HTML.
//
// Output: the findings, sorted by file and offset; none means the output is
// safe. Rules:
//
//	script          a <script> that is not ours: ours have a src accepted by
//	                Options.ScriptSrc and no inline code, or are
//	                type="application/ld+json" blocks holding valid JSON
//	element         an element that embeds or redirects documents
//	                (iframe, frame, object, embed, applet, base, portal) or
//	                a meta refresh to a script URL
//	event-handler   an attribute whose name starts with "on"
//	script-url      a URL attribute (href, src, action, srcset, ...) whose
//	                value, entity-decoded with ASCII whitespace and control
//	                characters removed and case ignored, starts with
//	                javascript:, vbscript: or data:; or a style attribute
//	                holding javascript:, vbscript: or expression(
//	zgotmplz        html/template's marker for a value it refused
//	                ("ZgotmplZ") anywhere in any file
//	markup          unterminated tag or comment; malformed XML or JSON
//
// The checker never panics and runs in time linear in the input.
package outcheck

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"path"
	"sort"
	"strings"
)

// Options configure a check.
type Options struct {
	// ScriptSrc reports whether src (as written in the page, entities
	// decoded) is one of the generator's own scripts. Nil accepts none.
	ScriptSrc func(src string) bool
}

// Finding is one unsafe thing in one file.
type Finding struct {
	File   string
	Offset int // byte offset in the file
	Rule   string
	Detail string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s@%d: %s: %s", f.File, f.Offset, f.Rule, f.Detail)
}

// Files checks every file: HTML (.html, .htm) and XML (.xml) as above,
// JSON (.json) for validity, and every file for "ZgotmplZ".
func Files(files map[string][]byte, opts Options) []Finding {
	var out []Finding
	for name, data := range files {
		out = append(out, File(name, data, opts)...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Offset < out[j].Offset
	})
	return out
}

// File checks one file, choosing the checks by its extension.
func File(name string, data []byte, opts Options) []Finding {
	var out []Finding
	if i := bytes.Index(data, []byte("ZgotmplZ")); i >= 0 {
		out = append(out, Finding{name, i, "zgotmplz", "html/template refused a value here (ZgotmplZ)"})
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".html", ".htm":
		out = append(out, HTML(name, data, opts)...)
	case ".xml":
		out = append(out, XML(name, data, opts)...)
	case ".json":
		if !json.Valid(data) {
			out = append(out, Finding{name, 0, "markup", "not valid JSON"})
		}
	}
	return out
}

// urlAttrs are the attributes whose value a browser loads or navigates to.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "poster": true, "background": true,
	"cite": true, "data": true, "codebase": true, "longdesc": true, "manifest": true, "ping": true,
	"usemap": true, "icon": true, "lowsrc": true, "dynsrc": true, "xlink:href": true, "profile": true,
	"archive": true, "classid": true, "itemtype": true,
}

// srcsetAttrs hold comma-separated "URL descriptor" lists.
var srcsetAttrs = map[string]bool{"srcset": true, "imagesrcset": true}

// forbidden are elements that embed or redirect whole documents.
var forbidden = map[string]bool{
	"iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "base": true, "portal": true,
}

// rawText are elements whose content is not markup, up to their end tag.
var rawText = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
	"noembed": true, "noframes": true, "iframe": true, "plaintext": true,
}

// scheme returns "javascript:", "vbscript:" or "data:" when v would be
// loaded as that scheme, else "".
func scheme(v string) string {
	v = strings.ToLower(stripControls(html.UnescapeString(v)))
	for _, s := range []string{"javascript:", "vbscript:", "data:"} {
		if strings.HasPrefix(v, s) {
			return s
		}
	}
	return ""
}

// stripControls removes what browsers ignore in a URL: ASCII whitespace and
// C0 controls anywhere (tab and newline are removed inside URLs; others are
// trimmed at the ends, removing them everywhere is stricter).
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

type attr struct {
	name, value string // name lower-cased; value raw (entities not decoded)
	off         int
}

// HTML checks one HTML document or fragment.
func HTML(name string, data []byte, opts Options) []Finding {
	var out []Finding
	add := func(off int, rule, format string, args ...any) {
		out = append(out, Finding{name, off, rule, fmt.Sprintf(format, args...)})
	}
	n := len(data)
	for i := 0; i < n; {
		lt := bytes.IndexByte(data[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				add(i, "markup", "comment not closed")
				return out
			}
			i += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<!")) || bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				add(i, "markup", "declaration not closed")
				return out
			}
			i += end + 1
		case len(rest) > 1 && (isLetter(rest[1]) || (rest[1] == '/' && len(rest) > 2 && isLetter(rest[2]))):
			end := rest[1] == '/'
			tagName, attrs, next, ok := readTag(data, i)
			if !ok {
				add(i, "markup", "tag <%s not closed", tagName)
				return out
			}
			i = next
			if end {
				continue
			}
			out = append(out, checkTag(name, i, tagName, attrs)...)
			if rawText[tagName] {
				close := indexFold(data[i:], "</"+tagName)
				if close < 0 {
					add(i, "markup", "<%s> not closed", tagName)
					return out
				}
				body := data[i : i+close]
				if tagName == "script" {
					if why := ourScript(attrs, body, opts); why != "" {
						add(i, "script", "%s", why)
					}
				}
				if tagName == "style" {
					if v := strings.ToLower(stripControls(string(body))); strings.Contains(v, "javascript:") || strings.Contains(v, "expression(") {
						add(i, "script-url", "<style> holds a script URL or expression()")
					}
				}
				i += close
			}
		default:
			i++ // a "<" that starts no tag is text
		}
	}
	return out
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// indexFold is the offset of the first ASCII case-insensitive match of the
// lower-case s in b, or -1.
func indexFold(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); {
		j := bytes.IndexByte(b[i:], s[0])
		if j < 0 {
			return -1
		}
		i += j
		if i+len(s) <= len(b) && bytes.EqualFold(b[i:i+len(s)], []byte(s)) {
			return i
		}
		i++
	}
	return -1
}

// readTag reads the tag starting at data[i] == '<' and returns its
// lower-cased name, its attributes and the offset after its '>'.
func readTag(data []byte, i int) (name string, attrs []attr, next int, ok bool) {
	n := len(data)
	j := i + 1
	if j < n && data[j] == '/' {
		j++
	}
	start := j
	for j < n && !isSpace(data[j]) && data[j] != '/' && data[j] != '>' {
		j++
	}
	name = strings.ToLower(string(data[start:j]))
	for {
		for j < n && (isSpace(data[j]) || data[j] == '/') {
			j++
		}
		if j >= n {
			return name, attrs, n, false
		}
		if data[j] == '>' {
			return name, attrs, j + 1, true
		}
		aStart := j
		j++ // the first character may be '='
		for j < n && !isSpace(data[j]) && data[j] != '/' && data[j] != '>' && data[j] != '=' {
			j++
		}
		a := attr{name: strings.ToLower(string(data[aStart:j])), off: aStart}
		k := j
		for k < n && isSpace(data[k]) {
			k++
		}
		if k < n && data[k] == '=' {
			k++
			for k < n && isSpace(data[k]) {
				k++
			}
			if k >= n {
				return name, attrs, n, false
			}
			switch q := data[k]; q {
			case '"', '\'':
				end := bytes.IndexByte(data[k+1:], q)
				if end < 0 {
					return name, attrs, n, false
				}
				a.value = string(data[k+1 : k+1+end])
				k += end + 2
			default:
				v := k
				for k < n && !isSpace(data[k]) && data[k] != '>' {
					k++
				}
				a.value = string(data[v:k])
			}
			j = k
		}
		attrs = append(attrs, a)
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func get(attrs []attr, name string) (string, bool) {
	for _, a := range attrs {
		if a.name == name {
			return html.UnescapeString(a.value), true
		}
	}
	return "", false
}

func checkTag(file string, off int, tag string, attrs []attr) []Finding {
	var out []Finding
	add := func(off int, rule, format string, args ...any) {
		out = append(out, Finding{file, off, rule, fmt.Sprintf(format, args...)})
	}
	if forbidden[tag] {
		add(off, "element", "<%s> element", tag)
	}
	if tag == "meta" {
		if v, _ := get(attrs, "http-equiv"); strings.EqualFold(strings.TrimSpace(v), "refresh") {
			c, _ := get(attrs, "content")
			if _, u, ok := strings.Cut(strings.ToLower(c), "url="); ok && scheme(u) != "" {
				add(off, "element", "meta refresh to %s", scheme(u))
			}
		}
	}
	for _, a := range attrs {
		switch {
		case strings.HasPrefix(a.name, "on"):
			add(a.off, "event-handler", "<%s %s=...>", tag, a.name)
		case a.name == "srcdoc":
			add(a.off, "element", "<%s srcdoc> embeds a document", tag)
		case urlAttrs[a.name]:
			if s := scheme(a.value); s != "" {
				add(a.off, "script-url", "<%s %s=%q> is a %s URL", tag, a.name, a.value, s)
			}
		case srcsetAttrs[a.name]:
			for _, cand := range strings.Split(html.UnescapeString(a.value), ",") {
				if s := scheme(strings.TrimSpace(cand)); s != "" {
					add(a.off, "script-url", "<%s %s> holds a %s URL", tag, a.name, s)
				}
			}
		case a.name == "style":
			v := strings.ToLower(stripControls(html.UnescapeString(a.value)))
			if strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") || strings.Contains(v, "expression(") {
				add(a.off, "script-url", "<%s style> holds a script URL or expression()", tag)
			}
		}
	}
	return out
}

// ourScript returns why a <script> element is not one of ours, or "".
func ourScript(attrs []attr, body []byte, opts Options) string {
	src, hasSrc := get(attrs, "src")
	typ, _ := get(attrs, "type")
	switch {
	case hasSrc:
		if opts.ScriptSrc == nil || !opts.ScriptSrc(src) {
			return fmt.Sprintf("script src %q is not one of ours", src)
		}
		if len(bytes.TrimSpace(body)) > 0 {
			return "script with src also holds inline code"
		}
		return ""
	case strings.EqualFold(strings.TrimSpace(typ), "application/ld+json"):
		if !json.Valid(body) {
			return "application/ld+json block is not valid JSON"
		}
		if bytes.Contains(body, []byte("<!--")) || bytes.Contains(body, []byte("<script")) {
			return "application/ld+json block holds markup"
		}
		return ""
	}
	return "inline script"
}

// XML checks that data is well-formed XML and that its links and HTML
// text (type="html", as in Atom) are safe.
func XML(name string, data []byte, opts Options) []Finding {
	var out []Finding
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var htmlText *strings.Builder
	depth, htmlDepth := 0, 0
	for {
		off := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			out = append(out, Finding{name, off, "markup", "malformed XML: " + err.Error()})
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			for _, a := range t.Attr {
				if (a.Name.Local == "href" || a.Name.Local == "src" || a.Name.Local == "uri") && scheme(a.Value) != "" {
					out = append(out, Finding{name, off, "script-url", fmt.Sprintf("<%s %s=%q>", t.Name.Local, a.Name.Local, a.Value)})
				}
				if a.Name.Local == "type" && (a.Value == "html" || a.Value == "xhtml") && htmlText == nil {
					htmlText, htmlDepth = &strings.Builder{}, depth
				}
			}
		case xml.CharData:
			if htmlText != nil {
				htmlText.Write(t)
			}
		case xml.EndElement:
			if htmlText != nil && depth == htmlDepth {
				for _, f := range HTML(name, []byte(htmlText.String()), opts) {
					f.Offset = off
					f.Detail = "in <" + t.Name.Local + " type=html>: " + f.Detail
					out = append(out, f)
				}
				htmlText = nil
			}
			depth--
		}
	}
	return out
}
