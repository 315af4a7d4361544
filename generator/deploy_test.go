package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"briefings/generator/internal/sitetest"
)

var absURL = regexp.MustCompile(`https?://[^\s"'<>]+`)

// TestBuildUnderProjectSubpath is the GitHub Pages recipe of
// docs/deploy.md in miniature: the repository's site built with the base
// URL of a project site, https://ORG.github.io/REPO/. Every root-relative
// link of every page must start with /REPO/ and name a file of the build
// (and an id on it, for a fragment); every absolute URL of the site in the
// feeds, the sitemap and robots.txt must be under the base URL.
func TestBuildUnderProjectSubpath(t *testing.T) {
	const base, basePath = "https://ORG.github.io/REPO/", "/REPO/"
	src := copyRepoSite(t)
	out := filepath.Join(t.TempDir(), "public")
	if code, msg := runCLI("build", "--source", src, "--out", out, "--base-url", base, "--strict"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, msg)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(out, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	links := sitetest.CheckInternalLinks(t, files, basePath)
	for name, data := range files {
		if strings.HasSuffix(name, ".xml") || name == "robots.txt" {
			for _, u := range absURL.FindAll(data, -1) {
				s := string(u)
				if strings.Contains(s, "github.io") && !strings.HasPrefix(s, base) {
					t.Errorf("%s: URL %q is not under %s", name, s, base)
				}
			}
			if !bytes.Contains(data, []byte(base)) && name != "robots.txt" {
				t.Errorf("%s never mentions %s", name, base)
			}
		}
	}
	if links < 50 {
		t.Errorf("only %d internal links checked; the test is not seeing the site", links)
	}
	if robots := string(files["robots.txt"]); !strings.Contains(robots, base+"sitemap.xml") {
		t.Errorf("robots.txt does not point at %ssitemap.xml:\n%s", base, robots)
	}
}
