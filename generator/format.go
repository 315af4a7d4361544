package main

// Diagnostic output formats, shared by every subcommand that reports
// diagnostics (build, check, and anything else that adds the flag with
// addFormatFlag and prints with printDiagnostics).
//
//	text    path:line:col: error|warning: message (suggestion)   → stderr
//	json    one JSON object per line and diagnostic                → stdout
//	github  GitHub Actions workflow commands (annotations)          → stdout
//
// The summary line ("2 errors, 1 warning", "checked 23 pages in 41ms") and
// fatal errors always go to stderr as text, so stdout holds nothing but
// machine-readable lines in the json and github formats.

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"briefings/generator/internal/diag"
)

// diagFormat is the value of --format. It implements flag.Value.
type diagFormat string

const (
	formatText   diagFormat = "text"
	formatJSON   diagFormat = "json"
	formatGitHub diagFormat = "github"
)

var diagFormats = []diagFormat{formatText, formatJSON, formatGitHub}

func (f *diagFormat) String() string {
	if f == nil || *f == "" {
		return string(formatText)
	}
	return string(*f)
}

// Set accepts text, json or github.
func (f *diagFormat) Set(s string) error {
	for _, v := range diagFormats {
		if s == string(v) {
			*f = v
			return nil
		}
	}
	return fmt.Errorf("unknown format %q: want text, json or github", s)
}

// addFormatFlag registers --format on fs, defaulting to text.
func addFormatFlag(fs *flag.FlagSet) *diagFormat {
	f := formatText
	fs.Var(&f, "format", "diagnostics as text (stderr), json (one object per line, stdout) or github (workflow commands, stdout)")
	return &f
}

// diagPrinter prints diagnostics in one format.
type diagPrinter struct {
	Format diagFormat
	// Prefix is prepended to file names in the github format so that they
	// are relative to the repository root (GitHub's working directory)
	// rather than to the site folder; see githubPrefix. "" leaves them as
	// they are. The text and json formats always use paths relative to the
	// site folder, as documented in the README.
	Prefix string
}

// printDiagnostics writes ds to stdout or stderr depending on the format.
func (p diagPrinter) printDiagnostics(stdout, stderr io.Writer, ds []diag.Diagnostic) {
	if p.Format == formatText || p.Format == "" {
		writeDiagnostics(stderr, p, ds)
		return
	}
	writeDiagnostics(stdout, p, ds)
}

// writeDiagnostics writes ds to w, one line each, in p's format.
func writeDiagnostics(w io.Writer, p diagPrinter, ds []diag.Diagnostic) {
	var b strings.Builder
	for _, d := range ds {
		switch p.Format {
		case formatJSON:
			b.WriteString(jsonLine(d))
		case formatGitHub:
			b.WriteString(githubCommand(d, p.Prefix))
		default:
			b.WriteString(d.String())
		}
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// jsonDiagnostic is the json format of one diagnostic. Every key is always
// present; line and column are 0 when unknown, suggestion "" when none.
type jsonDiagnostic struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	Column     int    `json:"column"`
	Severity   string `json:"severity"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion"`
}

func jsonLine(d diag.Diagnostic) string {
	b, err := json.Marshal(jsonDiagnostic{
		File: d.Pos.File, Line: d.Pos.Line, Column: d.Pos.Col,
		Severity: d.Severity.String(), Code: d.Code, Message: d.Message, Suggestion: d.Suggestion,
	})
	if err != nil {
		// Only strings and ints: Marshal cannot fail.
		panic(err)
	}
	return string(b)
}

// githubCommand formats d as a GitHub Actions workflow command:
//
//	::error file=<f>,line=<l>,col=<c>,title=<code>::<message>
//	::warning file=<f>,line=<l>,col=<c>,title=<code>::<message>
//
// Properties that are unknown (no file, line or column 0) are left out;
// the suggestion, if any, is appended to the message in parentheses as in
// the text format. Values are escaped as the runner requires: "%", CR and
// LF in the message; additionally ":" and "," in property values.
func githubCommand(d diag.Diagnostic, prefix string) string {
	var props []string
	if d.Pos.File != "" {
		file := d.Pos.File
		if prefix != "" {
			file = path.Join(prefix, file)
		}
		props = append(props, "file="+escapeProperty(file))
		if d.Pos.Line > 0 {
			props = append(props, "line="+strconv.Itoa(d.Pos.Line))
			if d.Pos.Col > 0 {
				props = append(props, "col="+strconv.Itoa(d.Pos.Col))
			}
		}
	}
	if d.Code != "" {
		props = append(props, "title="+escapeProperty(d.Code))
	}
	msg := d.Message
	if d.Suggestion != "" {
		msg += " (" + d.Suggestion + ")"
	}
	cmd := "::" + d.Severity.String()
	if len(props) > 0 {
		cmd += " " + strings.Join(props, ",")
	}
	return cmd + "::" + escapeData(msg)
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData escapes a workflow command's message.
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

// githubPrefix returns the prefix that turns paths relative to the site
// folder source into paths relative to the working directory, which is the
// repository root in a GitHub Actions job: "" for ".", "site" for "site" or
// "./site/", and for an absolute source the path relative to the working
// directory when it lies inside it (else the absolute path, slash-separated).
func githubPrefix(source string) string {
	if source == "" {
		return ""
	}
	if filepath.IsAbs(source) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, source); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				source = rel
			}
		}
	}
	p := path.Clean(filepath.ToSlash(source))
	if p == "." {
		return ""
	}
	return p
}
