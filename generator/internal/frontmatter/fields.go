package frontmatter

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"briefings/generator/internal/diag"

	"gopkg.in/yaml.v3"
)

// Diagnostic codes used by the field helpers.
const (
	CodeUnknownField = "unknown-field" // key not in the allowed list (with did-you-mean)
	CodeWrongType    = "wrong-type"    // a list where a string is expected, and so on
	CodeEmpty        = "empty-value"   // null, "" or only whitespace
	CodeControlChar  = "control-char"  // warning: control characters stripped
	CodeBadInt       = "bad-int"       // not a positive integer
	CodeBadBool      = "bad-bool"      // not true/false/yes/no/on/off
	CodeBadDate      = "bad-date"      // not a real YYYY-MM-DD date
)

// Pos returns the file position of n (line 0 when n is nil).
func Pos(file string, n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: file}
	}
	return diag.Pos{File: file, Line: n.Line, Col: n.Column}
}

// Fields checks the keys of mapping m against allowed and returns each
// key's value node. An unknown key is an error (code unknown-field) with a
// did-you-mean suggestion; a key that is not a plain scalar, or an m that is
// not a mapping, is an error (code wrong-type). When a key is repeated the
// first value wins (DecodeYAML has already reported the duplicate). A nil m
// yields an empty map and no diagnostics.
func Fields(file string, m *yaml.Node, allowed []string) (map[string]*yaml.Node, []diag.Diagnostic) {
	out := make(map[string]*yaml.Node)
	if m == nil {
		return out, nil
	}
	if m.Kind != yaml.MappingNode {
		return out, []diag.Diagnostic{errorf(Pos(file, m), CodeWrongType, "expected a mapping of field: value, found %s", describe(m))}
	}
	ok := make(map[string]bool, len(allowed))
	for _, a := range allowed {
		ok[a] = true
	}
	var ds []diag.Diagnostic
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			ds = append(ds, errorf(Pos(file, k), CodeWrongType, "field names must be plain text, found %s", describe(k)))
			continue
		}
		if !ok[k.Value] {
			d := errorf(Pos(file, k), CodeUnknownField, "unknown field %q", k.Value)
			if s := diag.Suggest(k.Value, allowed); s != "" {
				d.Suggestion = fmt.Sprintf("did you mean %q?", s)
			}
			ds = append(ds, d)
			continue
		}
		if _, dup := out[k.Value]; !dup {
			out[k.Value] = v
		}
	}
	return out, ds
}

// String reads a scalar as the text written in the file: `No`, `On` and
// `1.0` stay "No", "On" and "1.0". A list or mapping is an error "<field>
// must be a string" (code wrong-type); null, "" or only whitespace is an error
// "<field> must not be empty" (code empty-value). Control characters (C0
// except tab and newline, DEL, C1) are removed and reported as a warning
// (code control-char): a non-nil diagnostic with Severity diag.Warning comes
// with a usable value.
func String(file string, field string, n *yaml.Node) (string, *diag.Diagnostic) {
	if n == nil || isNull(n) {
		return "", ptr(errorf(Pos(file, n), CodeEmpty, "%s must not be empty", field))
	}
	if n.Kind != yaml.ScalarNode {
		return "", ptr(errorf(Pos(file, n), CodeWrongType, "%s must be a string", field))
	}
	v, stripped := StripControl(n.Value)
	if strings.TrimSpace(v) == "" {
		return "", ptr(errorf(Pos(file, n), CodeEmpty, "%s must not be empty", field))
	}
	if stripped > 0 {
		return v, ptr(warnf(Pos(file, n), CodeControlChar, "%s: removed %d control character(s)", field, stripped))
	}
	return v, nil
}

// StripControl removes C0 controls other than tab and newline, DEL and C1
// controls from s, and reports how many it removed.
func StripControl(s string) (string, int) {
	n := 0
	for _, r := range s {
		if isControl(r) {
			n++
		}
	}
	if n == 0 {
		return s, 0
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s), n
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}

// StringList reads a sequence of scalars with String, naming elements
// "<field>[1]", "<field>[2]", …. A single scalar or a mapping is an error
// "<field> must be a list" (code wrong-type). A missing or null value is an
// empty list without diagnostics: the caller decides whether empty is allowed.
func StringList(file, field string, n *yaml.Node) ([]string, []diag.Diagnostic) {
	if n == nil || isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, []diag.Diagnostic{errorf(Pos(file, n), CodeWrongType, "%s must be a list", field)}
	}
	var (
		out []string
		ds  []diag.Diagnostic
	)
	for i, item := range n.Content {
		s, d := String(file, fmt.Sprintf("%s[%d]", field, i+1), item)
		if d != nil {
			ds = append(ds, *d)
			if d.Severity == diag.Error {
				continue
			}
		}
		out = append(out, s)
	}
	return out, ds
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// Int reads a positive integer written as plain decimal digits (tag !!int).
// A quoted "2", 0, -1, 2.5, 1e3, 0x10 or a value that overflows int is an
// error "<field> must be a positive integer" (code bad-int).
func Int(file, field string, n *yaml.Node) (int, *diag.Diagnostic) {
	bad := func() (int, *diag.Diagnostic) {
		return 0, ptr(errorf(Pos(file, n), CodeBadInt, "%s must be a positive integer, got %s", field, describe(n)))
	}
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || !digits.MatchString(n.Value) {
		return bad()
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v <= 0 {
		return bad()
	}
	return v, nil
}

// Bool reads an unquoted true/false, yes/no or on/off (any case). Anything
// else is an error "<field> must be true or false" (code bad-bool).
func Bool(file, field string, n *yaml.Node) (bool, *diag.Diagnostic) {
	if n != nil && n.Kind == yaml.ScalarNode && !quoted(n) {
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on":
			return true, nil
		case "false", "no", "off":
			return false, nil
		}
	}
	return false, ptr(errorf(Pos(file, n), CodeBadBool, "%s must be true or false, got %s", field, describe(n)))
}

var dateRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// Date reads a date written exactly as YYYY-MM-DD that exists in the
// calendar (quoted or not). Anything else, including 2024-02-30, 2024-4-5,
// a time of day, "" and null, is an error "<field> must be a real calendar
// date in the form YYYY-MM-DD" (code bad-date).
func Date(file, field string, n *yaml.Node) (string, *diag.Diagnostic) {
	if n != nil && n.Kind == yaml.ScalarNode && !isNull(n) && dateRE.MatchString(n.Value) {
		if t, err := time.Parse(time.DateOnly, n.Value); err == nil && t.Year() >= 1 {
			return n.Value, nil
		}
	}
	return "", ptr(errorf(Pos(file, n), CodeBadDate, "%s must be a real calendar date in the form YYYY-MM-DD, got %s", field, describe(n)))
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func quoted(n *yaml.Node) bool {
	return n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
}

// describe names what n is, for messages: `"2.5"`, `a list`, `null`.
func describe(n *yaml.Node) string {
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.AliasNode:
		return "an alias"
	case isNull(n) && !quoted(n):
		return "null"
	}
	v := n.Value
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	s := strconv.Quote(v)
	if quoted(n) && n.ShortTag() == "!!str" && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		s += " (quoted text)"
	}
	return s
}

func ptr(d diag.Diagnostic) *diag.Diagnostic { return &d }
