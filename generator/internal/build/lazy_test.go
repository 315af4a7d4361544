package build

import (
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"briefings/generator/internal/diag"
)

// changingFS serves a MapFS, but the file named edit reads differently
// from its second read on: an editor saving it during the build.
type changingFS struct {
	fstest.MapFS
	edit    string
	changed []byte
	mu      sync.Mutex
	reads   int
}

func (c *changingFS) ReadFile(name string) ([]byte, error) {
	if name == c.edit {
		c.mu.Lock()
		c.reads++
		n := c.reads
		c.mu.Unlock()
		if n > 1 {
			return c.changed, nil
		}
	}
	return c.MapFS.ReadFile(name)
}

func (c *changingFS) Open(name string) (fs.File, error) { return c.MapFS.Open(name) }

// TestBodyChangedDuringBuild: a one-off build reads bodies again when it
// renders them; a body that changed since it was parsed is an error naming
// the file, never a page mixing two versions.
func TestBodyChangedDuringBuild(t *testing.T) {
	const round = "content/dialogues/d/r1.md"
	site := &changingFS{
		MapFS: fstest.MapFS{
			"config.yaml":                   {Data: []byte("title: T\nbase_url: https://example.org/\n")},
			"content/dialogues/d/_index.md": {Data: []byte("---\ntitle: D\n---\n")},
			round:                           {Data: []byte("---\ntitle: R1\ndate: 2024-01-01\nround: 1\nparticipants: [Ann]\n---\nThe first version.\n")},
		},
		edit:    round,
		changed: []byte("---\ntitle: R1\ndate: 2024-01-01\nround: 1\nparticipants: [Ann]\n---\nThe other version\n"),
	}
	res := Check(Options{FS: site})
	var found bool
	for _, d := range res.Diagnostics {
		if d.Severity == diag.Error && d.Pos.File == round && strings.Contains(d.Message, "changed while the site was being built") {
			found = true
		}
	}
	if !found || !res.Failed() {
		t.Errorf("diagnostics = %v; want an error at %s saying it changed during the build", res.Diagnostics, round)
	}

	// Unchanged, the same site checks cleanly (the body is read twice).
	site.reads, site.changed = 0, site.MapFS[round].Data
	if res := Check(Options{FS: site}); res.Failed() {
		t.Errorf("unchanged site: %v %v", res.Err, res.Diagnostics)
	}
}
