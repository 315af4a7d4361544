package briefings

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// testRef is a test named in docs/reliability.md: `package.TestName`.
var testRef = regexp.MustCompile("`([a-z]+)\\.((?:Test|Fuzz)[A-Za-z0-9_]*)`")

// packageDir maps a package name used in the table to its folder.
func packageDir(pkg string) string {
	switch pkg {
	case "briefings":
		return "."
	case "generator":
		return "generator"
	}
	return filepath.Join("generator", "internal", pkg)
}

// TestReliabilityTable keeps docs/reliability.md honest: its table has one
// row for each of the 40 checklist cases, every row names at least one
// test, and every named test function exists in its package's _test.go
// files.
func TestReliabilityTable(t *testing.T) {
	doc, err := os.ReadFile("docs/reliability.md")
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string]map[string]bool{} // folder → test functions
	defined := func(pkg, name string) bool {
		dir := packageDir(pkg)
		if funcs[dir] == nil {
			funcs[dir] = map[string]bool{}
			files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
			decl := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)[A-Za-z0-9_]*)\(`)
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range decl.FindAllSubmatch(b, -1) {
					funcs[dir][string(m[1])] = true
				}
			}
		}
		return funcs[dir][name]
	}
	rows := map[int]bool{}
	refs := 0
	for i, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 6 || !strings.HasPrefix(line, "| ") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(cells[1]))
		if err != nil {
			continue // the header
		}
		if rows[n] {
			t.Errorf("docs/reliability.md:%d: case %d listed twice", i+1, n)
		}
		rows[n] = true
		ms := testRef.FindAllStringSubmatch(cells[len(cells)-2], -1)
		if len(ms) == 0 {
			t.Errorf("docs/reliability.md:%d: case %d names no test", i+1, n)
		}
		for _, m := range ms {
			refs++
			if !defined(m[1], m[2]) {
				t.Errorf("docs/reliability.md:%d: case %d names %s.%s, which is not a test function in %s", i+1, n, m[1], m[2], packageDir(m[1]))
			}
		}
	}
	for n := 1; n <= 40; n++ {
		if !rows[n] {
			t.Errorf("docs/reliability.md: no row for checklist case %d", n)
		}
	}
	if refs < 80 {
		t.Errorf("only %d test references parsed; is the table format still | # | case | behaviour | tests |?", refs)
	}
}
