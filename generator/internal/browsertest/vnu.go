package browsertest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// CheckHTML validates documents (name → HTML) with the Nu Html Checker in
// one Java run and fails the test on any error or warning (--Werror), with
// the checker's messages naming the documents. Messages matching ignore (a
// Java regular expression, "" for none) are filtered out. Without the jar
// or Java the test is Unavailable.
func CheckHTML(t testing.TB, docs map[string][]byte, ignore string) {
	t.Helper()
	jar := VNUJar(t)
	if len(docs) == 0 {
		t.Fatal("CheckHTML: no documents")
	}
	dir := t.TempDir()
	var files []string
	for name, data := range docs {
		// One flat folder; the name stays readable in the checker's output.
		f := filepath.Join(dir, strings.NewReplacer("/", "__", "\\", "__").Replace(name))
		if !strings.HasSuffix(f, ".html") {
			f += ".html"
		}
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	slices.Sort(files)
	args := []string{"-jar", jar, "--Werror"}
	if ignore != "" {
		args = append(args, "--filterpattern", ignore)
	}
	cmd := exec.Command("java", append(args, files...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("Nu Html Checker found problems in %d documents (%v):\n%s", len(files), err, strings.ReplaceAll(out.String(), "file:"+dir+"/", ""))
	}
}
