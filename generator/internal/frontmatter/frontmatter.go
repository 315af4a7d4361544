// Package frontmatter splits a content file into YAML front matter and a
// Markdown body, and decodes the front matter into a *yaml.Node whose
// positions are positions in the FILE, not in the YAML block.
//
// # Input
//
// Parse takes the file name (used only in diagnostics) and its bytes. A file
// is
//
//	---
//	title: Round 2
//	---
//	Markdown body…
//
// The first line must be exactly `---` and the front matter ends at the next
// line that is exactly `---`; trailing spaces and tabs after a fence are
// ignored. A UTF-8 byte order mark is removed and CRLF (and lone CR) line
// endings become LF before anything else, so a BOM/CRLF file yields a Doc
// byte-identical to the clean LF file. A final line without a newline is fine.
//
// # Output
//
// Doc.Node is the front matter's mapping node (nil when the front matter is
// empty); every node's Line is a file line and Column a 1-based column
// counted in characters (as yaml.v3 counts). Doc.Body is the text after the
// closing fence and Doc.BodyLine the file line of its first line, so Markdown
// line numbers can be turned into file lines by adding BodyLine-1.
//
// # Failure
//
// Parse never panics and never stops at the first problem it can report
// meaningfully: it returns every diagnostic it finds, each positioned in the
// file, with a stable Code:
//
//	empty-file          the file is empty or only whitespace
//	invalid-utf8        first invalid UTF-8 byte (nothing else is parsed)
//	nul-byte            first NUL byte (nothing else is parsed)
//	control-char        (warning) other control characters yaml.v3 refuses
//	                    (U+000B, U+001F, DEL, C1 but NEL, U+FFFE/FFFF) are
//	                    removed, one warning per line at the first of them
//	front-matter-fence  missing/odd opening or closing fence (`---js`, `+++`, `;;;`)
//	too-large           front matter or body over its Limits
//	yaml-syntax         yaml.v3 syntax error, at the file line
//	yaml-too-deep       nesting deeper than MaxDepth (checked before yaml.v3 runs)
//	yaml-alias          any anchor (&a) or alias (*a)
//	yaml-multi-doc      more than one YAML document
//	duplicate-key       a mapping key repeated, at the second occurrence
//	front-matter-type   front matter that is not a mapping
//	internal            a recovered panic (a bug in this package or yaml.v3)
//
// When any error other than duplicate-key or an over-size body occurs,
// Doc.Node is nil (and Doc.Body is nil when the body is over its limit). The
// decoding helpers (Fields, String, StringList, Int, Bool, Date) read typed
// values with positions for the content and config decoders; their codes are
// documented on each function.
//
// Anchors and aliases are rejected outright, which, together with the size
// limit and the nesting pre-scan, keeps time and memory bounded on alias
// bombs and deeply nested input. Nothing here has package-level mutable state.
package frontmatter

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"briefings/generator/internal/diag"

	"gopkg.in/yaml.v3"
)

// Limits bounds the size of a content file. Zero fields take the defaults.
type Limits struct {
	FrontMatterBytes int // default 64 KiB
	BodyBytes        int // default 5 MiB
}

// Default sizes used for zero Limits fields.
const (
	DefaultFrontMatterBytes = 64 << 10
	DefaultBodyBytes        = 5 << 20
)

// WithDefaults returns l with zero or negative fields replaced by defaults.
func (l Limits) WithDefaults() Limits {
	if l.FrontMatterBytes <= 0 {
		l.FrontMatterBytes = DefaultFrontMatterBytes
	}
	if l.BodyBytes <= 0 {
		l.BodyBytes = DefaultBodyBytes
	}
	return l
}

// Doc is a split and decoded content file.
type Doc struct {
	Node     *yaml.Node // the mapping node (Kind MappingNode) with file positions; nil when front matter is empty
	Body     []byte     // LF line endings, BOM removed
	BodyLine int        // file line number of Body's first line
	FMLine   int        // file line of the first YAML line (normally 2)
}

const fenceMsg = "front matter must start with `---` and end with `---`"

// Parse splits data into front matter and body and decodes the front matter.
// See the package documentation for the rules and diagnostic codes.
func Parse(name string, data []byte, lim Limits) (doc Doc, ds []diag.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			doc = Doc{}
			ds = append(ds, errorf(diag.Pos{File: name, Line: 1}, "internal", "internal error while reading front matter: %v", r))
		}
	}()
	return parse(name, data, lim.WithDefaults())
}

func parse(name string, data []byte, lim Limits) (Doc, []diag.Diagnostic) {
	if d := checkText(name, data, 1); d != nil {
		return Doc{}, []diag.Diagnostic{*d}
	}
	text := Normalize(data)
	if len(bytes.TrimSpace(text)) == 0 {
		return Doc{}, []diag.Diagnostic{errorf(diag.Pos{File: name, Line: 1}, "empty-file", "empty file: front matter with `title` required")}
	}

	first, _, _ := bytes.Cut(text, []byte("\n"))
	if !isFence(first) {
		return Doc{}, []diag.Diagnostic{errorf(diag.Pos{File: name, Line: 1}, "front-matter-fence", fenceMsg)}
	}

	// Find the closing fence.
	fmStart := len(first) + 1
	if fmStart > len(text) {
		fmStart = len(text)
	}
	line := 2
	off := fmStart
	closeStart, closeEnd, closeLine := -1, -1, 0
	oddLine := 0 // first line that looks like a mistyped closing fence
	for off < len(text) {
		l, _, _ := bytes.Cut(text[off:], []byte("\n"))
		end := off + len(l)
		if isFence(l) {
			closeStart, closeEnd, closeLine = off, end, line
			break
		}
		if oddLine == 0 && looksLikeFence(l) {
			oddLine = line
		}
		off = end + 1
		line++
	}
	if closeStart < 0 {
		at := 1
		if oddLine > 0 {
			at = oddLine
		}
		return Doc{}, []diag.Diagnostic{errorf(diag.Pos{File: name, Line: at}, "front-matter-fence", fenceMsg)}
	}

	doc := Doc{FMLine: 2, BodyLine: closeLine + 1}
	var ds []diag.Diagnostic
	fm := text[fmStart:closeStart]
	bodyStart := closeEnd + 1
	if bodyStart > len(text) {
		bodyStart = len(text)
	}
	body := text[bodyStart:]
	if len(body) > lim.BodyBytes {
		ds = append(ds, errorf(diag.Pos{File: name, Line: doc.BodyLine}, "too-large", "body exceeds %d bytes (limit body_bytes)", lim.BodyBytes))
	} else {
		doc.Body = body
	}
	if len(fm) > lim.FrontMatterBytes {
		ds = append(ds, errorf(diag.Pos{File: name, Line: doc.FMLine}, "too-large", "front matter exceeds %d bytes (limit front_matter_bytes)", lim.FrontMatterBytes))
		return doc, ds
	}

	n, yds := DecodeYAML(name, fm, doc.FMLine)
	ds = append(ds, yds...)
	if n != nil && n.Kind != yaml.MappingNode {
		ds = append(ds, errorf(Pos(name, n), "front-matter-type", "front matter must be a mapping of field: value"))
		n = nil
	}
	doc.Node = n
	return doc, ds
}

// isFence reports whether line is `---` followed only by spaces or tabs.
func isFence(line []byte) bool {
	return string(bytes.TrimRight(line, " \t")) == "---"
}

// looksLikeFence reports whether line is probably a mistyped closing fence.
func looksLikeFence(line []byte) bool {
	t := string(bytes.TrimRight(line, " \t"))
	switch t {
	case "...", "+++", ";;;", "—", "--", "- - -":
		return true
	}
	return len(t) > 3 && t[:3] == "---"
}

// Normalize removes a leading UTF-8 BOM and turns CRLF and lone CR line
// endings into LF. It returns data itself when nothing needs to change.
func Normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\r' {
			if i+1 < len(data) && data[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		out = append(out, c)
	}
	return out
}

// checkText finds the first invalid UTF-8 sequence or NUL byte in data, whose
// first line is file line firstLine. Columns count characters; a leading BOM
// is not counted.
func checkText(name string, data []byte, firstLine int) *diag.Diagnostic {
	line, col := firstLine, 1
	i := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	for i < len(data) {
		c := data[i]
		switch {
		case c == 0:
			d := errorf(diag.Pos{File: name, Line: line, Col: col}, "nul-byte", "file contains a NUL byte")
			return &d
		case c == '\n':
			line++
			col = 1
			i++
			continue
		case c < utf8.RuneSelf:
			col++
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			d := errorf(diag.Pos{File: name, Line: line, Col: col}, "invalid-utf8", "file is not valid UTF-8 (byte 0x%02x)", c)
			return &d
		}
		col++
		i += size
	}
	return nil
}

func errorf(pos diag.Pos, code, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...)}
}

func warnf(pos diag.Pos, code, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Pos: pos, Severity: diag.Warning, Code: code, Message: fmt.Sprintf(format, args...)}
}
