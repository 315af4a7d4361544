package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"briefings"
)

// The stable diagnostic codes are documented in docs/editors.md, one
// "### `code`" heading each under "## Diagnostic codes". These tests find
// every code the generator can emit by reading its source, and fail when
// one is undocumented, or when the guide documents a code nothing emits.

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// codeUse is a code found in the source and where.
type codeUse struct {
	code string
	pos  string
}

// scanCodes parses every non-test Go file under root (skipping testdata and
// hidden folders) and returns the diagnostic codes it can emit:
//
//   - the value of a `Code:` field in a composite literal (diag.Diagnostic,
//     markdown.Problem);
//   - the argument, at that position, of every call to a function or
//     method with a parameter named `code` (errorf, Warnf, problem, …);
//   - string literals and constants assigned to a variable named `code`.
//
// A function counts when its body puts its code parameter in a Code field
// or passes it on to another such function. In those places a value must
// be a string literal or a string constant of this module (or pass on a
// parameter or field); anything else is reported as unresolved, so codes
// cannot hide from the guide. It also returns every diag.Diagnostic or
// markdown.Problem literal that sets no Code.
func scanCodes(t *testing.T, root string) (codes []codeUse, unresolved, noCode []string) {
	t.Helper()
	fset := token.NewFileSet()
	type file struct {
		f   *ast.File
		dir string // slash path relative to root
	}
	var files []file
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || strings.HasPrefix(name, ".") || name == "public") {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		files = append(files, file{f, filepath.ToSlash(rel)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Pass 1: string constants by package folder, and the functions that
	// take a diagnostic code: a parameter named code that the body puts in
	// a Code field or passes on to another such function (iterated, so
	// helpers of helpers count). Functions are known by name only.
	consts := map[string]string{} // "dir.Name" → value
	codeIndex := func(ft *ast.FuncType) int {
		i := 0
		for _, f := range ft.Params.List {
			if len(f.Names) == 0 {
				i++
				continue
			}
			for _, n := range f.Names {
				if n.Name == "code" {
					return i
				}
				i++
			}
		}
		return -1
	}
	type candidate struct {
		name  string
		index int
		body  *ast.BlockStmt
	}
	var cands []candidate
	for _, fl := range files {
		ast.Inspect(fl.f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				if n.Tok != token.CONST {
					return true
				}
				for _, s := range n.Specs {
					vs := s.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								v, _ := strconv.Unquote(lit.Value)
								consts[fl.dir+"."+name.Name] = v
							}
						}
					}
				}
			case *ast.FuncDecl:
				if i := codeIndex(n.Type); i >= 0 && n.Body != nil {
					cands = append(cands, candidate{n.Name.Name, i, n.Body})
				}
			case *ast.AssignStmt:
				// errAt := func(file, code, format string, …) {…}
				for i, rhs := range n.Rhs {
					if fn, ok := rhs.(*ast.FuncLit); ok && i < len(n.Lhs) {
						if id, ok := n.Lhs[i].(*ast.Ident); ok {
							if j := codeIndex(fn.Type); j >= 0 {
								cands = append(cands, candidate{id.Name, j, fn.Body})
							}
						}
					}
				}
			}
			return true
		})
	}
	isCode := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == "code" }
	calleeName := func(c *ast.CallExpr) string {
		switch f := c.Fun.(type) {
		case *ast.Ident:
			return f.Name
		case *ast.SelectorExpr:
			return f.Sel.Name
		}
		return ""
	}
	codeParam := map[string]int{}
	for changed := true; changed; {
		changed = false
		for _, c := range cands {
			if _, ok := codeParam[c.name]; ok {
				continue
			}
			found := false
			ast.Inspect(c.body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Code" && isCode(n.Value) {
						found = true
					}
				case *ast.CallExpr:
					if i, ok := codeParam[calleeName(n)]; ok && i < len(n.Args) && isCode(n.Args[i]) {
						found = true
					}
				}
				return !found
			})
			if found {
				codeParam[c.name] = c.index
				changed = true
			}
		}
	}

	seen := map[string]bool{}
	add := func(code string, pos token.Pos) {
		codes = append(codes, codeUse{code, fset.Position(pos).String()})
		seen[code] = true
	}
	for _, fl := range files {
		imports := map[string]string{} // local name → folder under root
		for _, im := range fl.f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if !strings.HasPrefix(p, "briefings/") {
				continue
			}
			name := path.Base(p)
			if im.Name != nil {
				name = im.Name.Name
			}
			imports[name] = strings.TrimPrefix(p, "briefings/")
		}
		// value resolves a string literal or a string constant of this
		// module.
		value := func(e ast.Expr) (string, bool) {
			switch e := e.(type) {
			case *ast.BasicLit:
				if e.Kind == token.STRING {
					v, _ := strconv.Unquote(e.Value)
					return v, true
				}
			case *ast.Ident:
				v, ok := consts[fl.dir+"."+e.Name]
				return v, ok
			case *ast.SelectorExpr:
				if x, ok := e.X.(*ast.Ident); ok {
					if dir, ok := imports[x.Name]; ok {
						v, ok := consts[dir+"."+e.Sel.Name]
						return v, ok
					}
				}
			}
			return "", false
		}
		// use records e as a code. Strict places (an argument in the code
		// position, a Code field of a Diagnostic or Problem) must hold a
		// constant code or pass on a parameter or field; elsewhere only
		// string constants count.
		use := func(e ast.Expr, strict bool) {
			v, ok := value(e)
			switch {
			case ok && codeRE.MatchString(v):
				add(v, e.Pos())
			case !strict:
			case ok:
				unresolved = append(unresolved, fset.Position(e.Pos()).String()+": "+strconv.Quote(v)+" is not a code")
			case isCode(e):
				// a parameter or variable named code: its assignments count
			default:
				if _, field := e.(*ast.SelectorExpr); !field {
					unresolved = append(unresolved, fset.Position(e.Pos()).String()+": code is not a constant")
				}
			}
		}
		ast.Inspect(fl.f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				hasCode, keyed := false, false
				strict := isDiagnosticType(n.Type, fl.dir)
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					keyed = true
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Code" {
						hasCode = true
						use(kv.Value, strict)
					}
				}
				if keyed && !hasCode && isDiagnosticType(n.Type, fl.dir) {
					noCode = append(noCode, fset.Position(n.Pos()).String())
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && (isForeignImport(fl.f, x.Name) || x.Name == "t" || x.Name == "tb") {
						return true // fmt.Errorf and testing's t.Errorf are not ours
					}
				}
				if i, ok := codeParam[calleeName(n)]; ok && i < len(n.Args) {
					use(n.Args[i], true)
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					if isCode(lhs) && i < len(n.Rhs) {
						use(n.Rhs[i], false)
					}
				}
			}
			return true
		})
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i].code < codes[j].code })
	return codes, unresolved, noCode
}

// isDiagnosticType reports whether a composite literal's type is
// diag.Diagnostic or markdown.Problem (or a slice element of unnamed type,
// which is checked leniently).
func isDiagnosticType(e ast.Expr, dir string) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && (x.Name == "diag" && e.Sel.Name == "Diagnostic" || x.Name == "markdown" && e.Sel.Name == "Problem")
	case *ast.Ident:
		return dir == "generator/internal/diag" && e.Name == "Diagnostic" || dir == "generator/internal/markdown" && e.Name == "Problem"
	}
	return false
}

// isForeignImport reports whether name is a package imported from outside
// this module (fmt, errors, …).
func isForeignImport(f *ast.File, name string) bool {
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		local := path.Base(p)
		if im.Name != nil {
			local = im.Name.Name
		}
		if local == name {
			return !strings.HasPrefix(p, "briefings/")
		}
	}
	return false
}

var codeHeading = regexp.MustCompile("(?m)^### `([^`]+)`")

// documentedCodes returns the codes of the "## Diagnostic codes" section
// of the editors' guide.
func documentedCodes(t *testing.T, guide string) map[string]bool {
	t.Helper()
	_, sec, ok := strings.Cut(guide, "\n## Diagnostic codes\n")
	if !ok {
		t.Fatal(`docs/editors.md has no "## Diagnostic codes" section`)
	}
	if i := strings.Index(sec, "\n## "); i >= 0 {
		sec = sec[:i]
	}
	out := map[string]bool{}
	for _, m := range codeHeading.FindAllStringSubmatch(sec, -1) {
		if out[m[1]] {
			t.Errorf("docs/editors.md documents %q twice", m[1])
		}
		out[m[1]] = true
	}
	return out
}

// TestDiagnosticCodesDocumented fails when the generator can emit a code
// that docs/editors.md does not explain, or the guide explains a code that
// nothing emits any more.
func TestDiagnosticCodesDocumented(t *testing.T) {
	codes, unresolved, noCode := scanCodes(t, "..")
	for _, u := range unresolved {
		t.Errorf("%s (write codes as string literals or constants so they can be documented)", u)
	}
	for _, p := range noCode {
		t.Errorf("%s: diagnostic without a Code", p)
	}
	documented := documentedCodes(t, briefings.EditorsGuide)
	used := map[string]bool{}
	for _, c := range codes {
		if !documented[c.code] && !used[c.code] {
			t.Errorf("%s: code %q is not documented in docs/editors.md (add a \"### `%s`\" entry under \"## Diagnostic codes\")", c.pos, c.code, c.code)
		}
		used[c.code] = true
	}
	for c := range documented {
		if !used[c] {
			t.Errorf("docs/editors.md documents code %q, which nothing emits", c)
		}
	}
	// The scanner must see the codes of every stage, or it proves nothing.
	for _, c := range []string{"unknown-field", "duplicate-round", "near-duplicate-name", "broken-link", "yaml-syntax",
		"bad-date", "template-exec", "broken-external-link", "path-collision", "missing-config"} {
		if !used[c] {
			t.Errorf("the scanner did not find code %q; it is missing places codes are written", c)
		}
	}
}

// TestScanCodesFindsEveryForm runs the scanner on a small package written
// for the purpose: every way of writing a code is found, and a code that is
// not a constant, or a diagnostic without one, is reported.
func TestScanCodesFindsEveryForm(t *testing.T) {
	dir := t.TempDir()
	src := `package x

import "briefings/generator/internal/diag"

const CodeConst = "from-const"

func errorf(pos diag.Pos, code, format string, args ...any) diag.Diagnostic { return diag.Diagnostic{Code: code} }

func f(l *List, t *T, dyn string) []diag.Diagnostic {
	l.Errorf(diag.Pos{}, "from-method", "m")
	errAt := func(file, code string) { l.Errorf(diag.Pos{File: file}, code, "m") }
	errAt("f", "from-func-literal")
	code := "from-variable"
	if dyn != "" {
		code = "from-reassignment"
	}
	l.Warnf(diag.Pos{}, code, "m")
	l.Warnf(diag.Pos{}, dyn, "m")
	highlight(dyn)
	t.Errorf("%s", dyn)
	return []diag.Diagnostic{
		errorf(diag.Pos{}, CodeConst, "m"),
		{Code: "from-literal"},
		diag.Diagnostic{Message: "no code"},
	}
}

type List struct{ ds []diag.Diagnostic }

func (l *List) Errorf(pos diag.Pos, code, format string, args ...any) { l.Warnf(pos, code, format) }
func (l *List) Warnf(pos diag.Pos, code, format string, args ...any) {
	l.ds = append(l.ds, diag.Diagnostic{Pos: pos, Code: code})
}

// highlight has a parameter named code that is not a diagnostic code.
func highlight(code string) { println(code) }

type T struct{}

func (*T) Errorf(format string, args ...any) {}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	codes, unresolved, noCode := scanCodes(t, dir)
	var got []string
	for _, c := range codes {
		got = append(got, c.code)
	}
	want := "from-const from-func-literal from-literal from-method from-reassignment from-variable"
	if strings.Join(got, " ") != want {
		t.Errorf("codes %q, want %q", strings.Join(got, " "), want)
	}
	if len(unresolved) != 1 || !strings.Contains(unresolved[0], "x.go:18:") {
		t.Errorf("unresolved %q, want the call with dyn at x.go:18", unresolved)
	}
	if len(noCode) != 1 || !strings.Contains(noCode[0], "x.go:24:") {
		t.Errorf("diagnostics without a code %q, want x.go:24", noCode)
	}
	documented := documentedCodes(t, "# G\n\n## Diagnostic codes\n\n### `a`\n\ntext `b`\n\n### `c`\n\n## Next\n\n### `d`\n")
	if len(documented) != 2 || !documented["a"] || !documented["c"] {
		t.Errorf("documented %v, want a and c", documented)
	}
}
