package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"briefings"
)

// stringLists returns the []string{...} literals assigned to the package
// variables of a Go file whose names pass keep.
func stringLists(t *testing.T, file string, keep func(string) bool) map[string][]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !keep(n.Name) || i >= len(vs.Values) {
					continue
				}
				cl, ok := vs.Values[i].(*ast.CompositeLit)
				if !ok {
					continue
				}
				for _, e := range cl.Elts {
					if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						out[n.Name] = append(out[n.Name], v)
					}
				}
			}
		}
	}
	return out
}

// TestGuideDocumentsEveryField reads the field lists the decoders accept
// (content/decode.go, config/config.go) and fails when docs/editors.md
// does not mention one of them as `field`.
func TestGuideDocumentsEveryField(t *testing.T) {
	lists := stringLists(t, "internal/content/decode.go", func(n string) bool { return strings.HasSuffix(n, "Fields") })
	for k, v := range stringLists(t, "internal/config/config.go", func(n string) bool { return n == "keys" }) {
		lists["config."+k] = v
	}
	if len(lists) < 9 {
		t.Fatalf("found only %d field lists (%v); the test no longer sees the decoders", len(lists), lists)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The README's contract section documents every field too (the
	// developers' guide asks for it), in YAML examples or tables.
	contract := string(readme)
	if i := strings.Index(contract, "## Content contract"); i >= 0 {
		contract = contract[i:]
	}
	if i := strings.Index(contract, "\n## Pages"); i >= 0 {
		contract = contract[:i]
	}
	for list, fields := range lists {
		for _, f := range fields {
			if !strings.Contains(briefings.EditorsGuide, "`"+f+"`") {
				t.Errorf("docs/editors.md does not document %s field `%s`", list, f)
			}
			if !strings.Contains(contract, "`"+f+"`") && !strings.Contains(contract, "\n"+f+":") && !strings.Contains(contract, " "+f+":") {
				t.Errorf("README's content contract does not document %s field %s", list, f)
			}
		}
	}
}

func TestHelpContract(t *testing.T) {
	code, stdout, stderr := runSplit("help", "contract")
	if code != 0 || stdout != briefings.EditorsGuide || stderr != "" {
		t.Errorf("help contract: exit %d, %d bytes (want the %d of docs/editors.md)\n%s", code, len(stdout), len(briefings.EditorsGuide), stderr)
	}
	// The embedded text is the file, not a copy that could drift.
	file, err := os.ReadFile("../docs/editors.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != briefings.EditorsGuide {
		t.Error("the embedded guide differs from docs/editors.md")
	}
	for _, w := range []string{"## A round:", "## Diagnostic codes", "### `unknown-field`"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("help contract lacks %q", w)
		}
	}
	if code, out := runCLI("help"); code != 0 || !strings.Contains(out, "help contract") || !strings.Contains(out, "new KIND") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	if code, out := runCLI("help", "new"); code != 0 || !strings.Contains(out, "new round --dialogue") {
		t.Errorf("help new: exit %d\n%s", code, out)
	}
	if code, out := runCLI("help", "nope"); code != 2 || !strings.Contains(out, `unknown topic "nope"`) {
		t.Errorf("help nope: exit %d\n%s", code, out)
	}
}
