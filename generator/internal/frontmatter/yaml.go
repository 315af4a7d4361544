package frontmatter

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"briefings/generator/internal/diag"

	"gopkg.in/yaml.v3"
)

// MaxDepth is the deepest nesting of mappings, sequences and flow
// collections accepted in a YAML document.
const MaxDepth = 100

// maxAliasDiags caps how many anchor/alias errors one document reports.
const maxAliasDiags = 10

// DecodeYAML decodes one plain YAML document (front matter without its
// fences, or a whole config.yaml) whose first line is file line firstLine.
// It returns the document's root node (any kind) with Line shifted to file
// lines, or nil when the document is empty (only comments, or a bare null).
//
// It applies the same rules as Parse: invalid UTF-8 and NUL bytes, nesting
// deeper than MaxDepth, syntax errors (at the file line), more than one
// document, and any anchor or alias are errors, and the node is nil. Duplicate
// mapping keys are errors reported at the second occurrence; the node is
// still returned so callers can report further problems. DecodeYAML never
// panics.
func DecodeYAML(name string, data []byte, firstLine int) (root *yaml.Node, ds []diag.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			root = nil
			ds = append(ds, errorf(diag.Pos{File: name, Line: max(firstLine, 1)}, "internal", "internal error while decoding YAML: %v", r))
		}
	}()
	if firstLine < 1 {
		firstLine = 1
	}
	if d := checkText(name, data, firstLine); d != nil {
		return nil, []diag.Diagnostic{*d}
	}
	data = Normalize(data)
	data, cds := stripRawControls(name, data, firstLine)
	if d := checkDepth(name, data, firstLine); d != nil {
		return nil, append(cds, *d)
	}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, cds
		}
		return nil, append(cds, syntaxDiag(name, data, firstLine, err))
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, append(cds, syntaxDiag(name, data, firstLine, err))
	default:
		return nil, append(cds, errorf(diag.Pos{File: name, Line: newLineMap(data, firstLine).file(extra.Line)}, "yaml-multi-doc", "only one YAML document is allowed"))
	}

	root = &doc
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, nil
		}
		root = doc.Content[0]
	}
	w := walker{name: name, lines: newLineMap(data, firstLine), ds: cds}
	w.walk(root, 1)
	if w.fatal {
		return nil, w.ds
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Style == 0 {
		return nil, w.ds // `~` or `null` alone: treated as empty
	}
	return root, w.ds
}

// yamlRejects reports whether yaml.v3 refuses r anywhere in a document
// ("control characters are not allowed", with no position): C0 controls
// other than tab, LF and CR, DEL, C1 controls other than NEL, U+FFFE and
// U+FFFF.
func yamlRejects(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f ||
		(r >= 0x80 && r <= 0x9f && r != 0x85) || r == 0xfffe || r == 0xffff
}

// maxControlDiags caps the control-character warnings of one document.
const maxControlDiags = 10

// stripRawControls removes the characters yaml.v3 refuses (text pasted from
// PDFs carries vertical tabs and unit separators) and warns once per line
// at the first one, so the document still decodes and the warning names
// the place; later columns on such a line shift left by the removed count.
// Control characters written as escapes in quoted strings are removed by
// the field helpers (code control-char) instead.
func stripRawControls(name string, data []byte, firstLine int) ([]byte, []diag.Diagnostic) {
	if bytes.IndexFunc(data, yamlRejects) < 0 {
		return data, nil
	}
	var ds []diag.Diagnostic
	out := make([]byte, 0, len(data))
	line, col, lineWarned, extra := firstLine, 1, false, 0
	for _, r := range string(data) {
		switch {
		case r == '\n':
			line, col, lineWarned = line+1, 1, false
		case yamlRejects(r):
			if !lineWarned {
				lineWarned = true
				if len(ds) < maxControlDiags {
					ds = append(ds, warnf(diag.Pos{File: name, Line: line, Col: col}, CodeControlChar,
						"control character %U removed (text pasted from a PDF?)", r))
				} else {
					extra++
				}
			}
			col++
			continue
		default:
			col++
		}
		out = utf8.AppendRune(out, r)
	}
	if extra > 0 {
		ds = append(ds, warnf(diag.Pos{File: name, Line: firstLine}, CodeControlChar,
			"control characters removed on %d more lines", extra))
	}
	return out, ds
}

var lineRE = regexp.MustCompile(`^line ([0-9]+): `)

// syntaxDiag turns a yaml.v3 error into a diagnostic at the file line.
func syntaxDiag(name string, data []byte, firstLine int, err error) diag.Diagnostic {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	yamlLine := 1
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		if n, perr := strconv.Atoi(m[1]); perr == nil && n >= 1 {
			yamlLine = n
		}
		msg = msg[len(m[0]):]
		if isParserError(msg) {
			// yaml.v3 reports parser (not scanner) errors with a 0-based line.
			yamlLine++
		}
	}
	fileLine := newLineMap(data, firstLine).file(yamlLine)
	code := "yaml-syntax"
	if strings.HasPrefix(msg, "unknown anchor ") {
		// An alias without its anchor: still an alias, and yaml.v3 gives no line.
		code = "yaml-alias"
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		if i := bytes.Index(data, []byte("*"+name)); i >= 0 {
			fileLine = firstLine + bytes.Count(data[:i], []byte("\n"))
		}
		msg = "anchors/aliases are not allowed in front matter (" + msg + ")"
	}
	// Clamp to the document ("unexpected end of stream" points past it).
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 1 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	rel := min(max(fileLine-firstLine, 0), len(lines)-1)
	fileLine = firstLine + rel
	l := lines[rel]
	indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
	if bytes.IndexByte(indent, '\t') >= 0 && !strings.Contains(msg, "tab") {
		msg += " (tabs are not allowed for indentation)"
	}
	return errorf(diag.Pos{File: name, Line: fileLine}, code, "%s", msg)
}

// lineMap turns yaml.v3 line numbers into file line numbers. yaml.v3 also
// breaks lines at U+0085, U+2028 and U+2029, which editors and this package
// do not, so when those occur the mapping is not a plain offset.
type lineMap struct {
	first int   // file line of yaml line 1
	table []int // table[i] = file line of yaml line i+1; nil = plain offset
}

func newLineMap(data []byte, firstLine int) lineMap {
	m := lineMap{first: firstLine}
	if !bytes.Contains(data, []byte("\u0085")) && !bytes.Contains(data, []byte("\u2028")) && !bytes.Contains(data, []byte("\u2029")) {
		return m
	}
	fileLine := firstLine
	m.table = []int{fileLine}
	for _, r := range string(data) {
		switch r {
		case '\n':
			fileLine++
			m.table = append(m.table, fileLine)
		case 0x85, 0x2028, 0x2029:
			m.table = append(m.table, fileLine)
		}
	}
	return m
}

func (m lineMap) file(yamlLine int) int {
	if yamlLine < 1 {
		return m.first
	}
	if m.table == nil {
		return yamlLine + m.first - 1
	}
	if yamlLine-1 < len(m.table) {
		return m.table[yamlLine-1]
	}
	return m.table[len(m.table)-1] + yamlLine - len(m.table)
}

// isParserError reports whether msg is one of yaml.v3's parser errors (as
// opposed to scanner errors), whose line numbers are off by one.
func isParserError(msg string) bool {
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// walker shifts node lines to file lines and checks anchors, aliases,
// duplicate keys and depth.
type walker struct {
	name    string
	lines   lineMap
	ds      []diag.Diagnostic
	fatal   bool // an error that makes the tree unusable
	aliases int
	deep    bool
}

func (w *walker) walk(n *yaml.Node, depth int) {
	if n == nil {
		return
	}
	if n.Line > 0 {
		n.Line = w.lines.file(n.Line)
	}
	if depth > MaxDepth {
		if !w.deep {
			w.deep = true
			w.fatal = true
			w.ds = append(w.ds, errorf(Pos(w.name, n), "yaml-too-deep", "YAML is nested more than %d levels deep", MaxDepth))
		}
		return
	}
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		w.fatal = true
		if w.aliases < maxAliasDiags {
			w.ds = append(w.ds, errorf(Pos(w.name, n), "yaml-alias", "anchors/aliases are not allowed in front matter"))
		}
		w.aliases++
	}
	if n.Kind == yaml.AliasNode {
		return // never follow an alias
	}
	for _, c := range n.Content {
		w.walk(c, depth+1)
	}
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]int)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			key := k.ShortTag() + "\x00" + k.Value
			if line, ok := seen[key]; ok {
				w.ds = append(w.ds, errorf(Pos(w.name, k), "duplicate-key", "mapping key %q already defined at line %d", k.Value, line))
				continue
			}
			seen[key] = k.Line
		}
	}
}

// checkDepth estimates the nesting depth of data without parsing it and
// reports the first place where it exceeds MaxDepth. It counts block levels
// by indentation and leading `- `/`? ` indicators, and flow levels by `[`
// and `{` that start a value, skipping quoted scalars, comments and block
// scalars. It may overestimate for odd plain scalars, never by enough to
// matter for real front matter; yaml.v3's own limits are the backstop.
func checkDepth(name string, data []byte, firstLine int) *diag.Diagnostic {
	var (
		stack    []int // indentation of open block levels
		flow     int
		quote    byte
		bsParent = -1 // indentation of the line that opened a block scalar
	)
	tooDeep := func(ln int, l []byte, i int) *diag.Diagnostic {
		col := utf8.RuneCount(l[:min(i, len(l))]) + 1
		d := errorf(diag.Pos{File: name, Line: firstLine + ln, Col: col}, "yaml-too-deep", "YAML is nested more than %d levels deep", MaxDepth)
		return &d
	}
	ln := -1
	for len(data) > 0 || ln < 0 {
		ln++
		l, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		indent := len(l) - len(bytes.TrimLeft(l, " "))
		content := bytes.TrimLeft(l, " \t")
		if bsParent >= 0 {
			if len(content) == 0 || indent > bsParent {
				continue
			}
			bsParent = -1
		}
		i := 0
		valueStart := true
		if quote == 0 && flow == 0 {
			if len(content) == 0 || content[0] == '#' {
				continue
			}
			for len(stack) > 0 && stack[len(stack)-1] >= indent {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, indent)
			i = indent
			for i < len(l) && (l[i] == '-' || l[i] == '?') && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t') {
				i++
				for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
					i++
				}
				stack = append(stack, i)
				if len(stack) > MaxDepth {
					return tooDeep(ln, l, i)
				}
			}
			if len(stack) > MaxDepth {
				return tooDeep(ln, l, i)
			}
		}
		for ; i < len(l); i++ {
			c := l[i]
			switch quote {
			case '\'':
				if c == '\'' {
					if i+1 < len(l) && l[i+1] == '\'' {
						i++
					} else {
						quote = 0
						valueStart = false
					}
				}
				continue
			case '"':
				if c == '\\' {
					i++
				} else if c == '"' {
					quote = 0
					valueStart = false
				}
				continue
			}
			if c == ' ' || c == '\t' {
				continue
			}
			if c == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t') {
				break
			}
			if valueStart {
				switch c {
				case '\'', '"':
					quote = c
					continue
				case '[', '{':
					flow++
					if len(stack)+flow > MaxDepth {
						return tooDeep(ln, l, i)
					}
					continue
				case '|', '>':
					if flow == 0 {
						bsParent = indent
						i = len(l)
						continue
					}
				case '&', '!':
					for i+1 < len(l) && l[i+1] != ' ' && l[i+1] != '\t' {
						i++
					}
					continue
				}
			}
			valueStart = false
			switch {
			case flow > 0 && (c == ']' || c == '}'):
				flow--
			case flow > 0 && c == ',':
				valueStart = true
			case flow > 0 && (c == '[' || c == '{'):
				flow++
				valueStart = true
				if len(stack)+flow > MaxDepth {
					return tooDeep(ln, l, i)
				}
			case c == ':' && (i+1 == len(l) || strings.IndexByte(" \t,[]{}", l[i+1]) >= 0):
				valueStart = true
			}
		}
	}
	return nil
}
