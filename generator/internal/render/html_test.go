package render

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// conversion matches a conversion to one of html/template's trusted types,
// which exempt a value from escaping.
var conversion = regexp.MustCompile(`template\.(HTML|HTMLAttr|JS|JSStr|CSS|URL|Srcset)\(`)

// TestTrustedHTMLIsTheOnlyConversion keeps trustedHTML (html.go) the only
// place in the generator's code where bytes become a trusted template
// type: a new one must be argued for in review and added here.
func TestTrustedHTMLIsTheOnlyConversion(t *testing.T) {
	allowed := map[string]int{"render/html.go": 1}
	found := map[string]int{}
	root := filepath.Join("..", "..") // generator/
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if n := len(conversion.FindAll(src, -1)); n > 0 {
			rel, _ := filepath.Rel(filepath.Join(root, "internal"), p)
			found[filepath.ToSlash(rel)] += n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for f, n := range found {
		if allowed[f] != n {
			t.Errorf("%s has %d conversions to a trusted template type; only render/html.go's trustedHTML may convert", f, n)
		}
	}
	if found["render/html.go"] != 1 {
		t.Errorf("the walk did not find trustedHTML's conversion (found %v): the test is not looking at the code", found)
	}
}
