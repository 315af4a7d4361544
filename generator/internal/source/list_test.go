package source

import (
	"fmt"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
)

// TestListMatchesRead: List reports the same files and diagnostics as Read,
// without their bytes.
func TestListMatchesRead(t *testing.T) {
	fsys := fstest.MapFS{
		"config.yaml":                    {Data: []byte("title: T\n")},
		"content/about.md":               {Data: []byte("---\ntitle: About\n---\n")},
		"content/dialogues/d/_index.md":  {Data: []byte("---\ntitle: D\n---\n")},
		"content/dialogues/d/big.md":     {Data: make([]byte, 200)},
		"content/dialogues/d/.r1.md.swp": {Data: []byte("x")},
		"content/link.md":                {Data: []byte("about.md"), Mode: fs.ModeSymlink},
		"static/a.txt":                   {Data: []byte("a")},
	}
	read, rds := Read(fsys, 100, nil)
	list, lds := List(fsys, 100)
	if fmt.Sprint(rds) != fmt.Sprint(lds) {
		t.Errorf("diagnostics differ:\nRead: %v\nList: %v", rds, lds)
	}
	if len(rds) == 0 {
		t.Error("no diagnostics for an oversized file and a symlink")
	}
	var rp, lp []string
	for _, f := range read.Content {
		rp = append(rp, f.Path)
		if f.Data == nil {
			t.Errorf("Read: %s has no bytes", f.Path)
		}
	}
	for _, f := range list.Content {
		lp = append(lp, f.Path)
		if f.Data != nil {
			t.Errorf("List: %s has bytes", f.Path)
		}
	}
	if !slices.Equal(rp, lp) || len(rp) != 2 {
		t.Errorf("content: Read %q, List %q", rp, lp)
	}
	if !slices.Equal(read.StaticFiles, list.StaticFiles) || string(list.Config) != "title: T\n" {
		t.Errorf("static %q vs %q, config %q", read.StaticFiles, list.StaticFiles, list.Config)
	}
}
