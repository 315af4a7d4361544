package briefings

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// trustedConversions are the html/template types that exempt a string from
// escaping.
var trustedConversions = map[string]bool{
	"HTML": true, "JS": true, "URL": true, "CSS": true, "HTMLAttr": true, "JSStr": true, "Srcset": true,
}

// auditedFile is the one place allowed to convert to those types.
const auditedFile = "generator/internal/render/html.go"

// goSources lists the repository's non-test Go files.
func goSources(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor" || d.Name() == "node_modules") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestTrustedHTMLOnlyInOneAuditedPlace enforces issue #6: the only
// conversion to template.HTML (or JS, URL, CSS, HTMLAttr, JSStr, Srcset)
// in the generator is in render/html.go, whatever name html/template is
// imported under; text/template, which escapes nothing, is not imported by
// non-test code (text/template/parse, which only parses, is fine).
func TestTrustedHTMLOnlyInOneAuditedPlace(t *testing.T) {
	fset := token.NewFileSet()
	inAudited := 0
	files := goSources(t)
	if len(files) < 20 {
		t.Fatalf("only %d Go files found; is the test running at the repository root?", len(files))
	}
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		local := map[string]bool{}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			switch p {
			case "html/template":
				name := "template"
				if imp.Name != nil {
					name = imp.Name.Name
				}
				local[name] = true
			case "text/template":
				t.Errorf("%s imports text/template, which does not escape HTML; use html/template", file)
			}
		}
		if len(local) == 0 {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok || !local[x.Name] || !trustedConversions[sel.Sel.Name] {
				return true
			}
			if file == auditedFile {
				inAudited++
			} else {
				t.Errorf("%s: conversion to template.%s; only %s may mark bytes as trusted", fset.Position(call.Pos()), sel.Sel.Name, auditedFile)
			}
			return true
		})
	}
	if inAudited != 1 {
		t.Errorf("%s has %d conversions, want exactly 1 (the audited trustedHTML); the check is not seeing it", auditedFile, inAudited)
	}
}

var (
	scriptElem = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script`)
	ldJSON     = regexp.MustCompile(`(?i)\btype\s*=\s*["']?application/ld\+json`)
)

// TestNoTemplateActionInsideScript: built-in layouts put no template
// action inside a <script> element (a src attribute in the tag is fine:
// html/template escapes it as a URL). application/ld+json data blocks are
// the exception: html/template escapes their values as JSON, and
// outcheck verifies every built block is valid JSON.
func TestNoTemplateActionInsideScript(t *testing.T) {
	paths, _ := filepath.Glob("layouts/*.html")
	if len(paths) < 10 {
		t.Fatalf("only %d layouts found", len(paths))
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range scriptElem.FindAllStringSubmatch(string(b), -1) {
			if strings.Contains(m[2], "{{") && !ldJSON.MatchString(m[1]) {
				t.Errorf("%s: template action inside <script%s>: %.80q", p, m[1], m[2])
			}
		}
	}
	// The pattern must find an action where there is one.
	if m := scriptElem.FindAllStringSubmatch(`<SCRIPT type="module">let x = {{.X}}</script>`, -1); len(m) != 1 || !strings.Contains(m[0][2], "{{") {
		t.Fatal("the script pattern does not work")
	}
}
