package source

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

// TestRefresh: a changed content file is read again without a listing;
// anything that could change the listing (a new, removed, oversized or
// symlinked file, a folder, a static file) makes the caller Read.
func TestRefresh(t *testing.T) {
	base := func() fstest.MapFS {
		return fstest.MapFS{
			"config.yaml":       {Data: []byte("title: T\n")},
			"content/a.md":      {Data: []byte("a v1")},
			"content/d/b.md":    {Data: []byte("b v1")},
			"static/style.css":  {Data: []byte("x")},
			"content/notes.txt": {Data: []byte("not content")},
		}
	}
	for _, c := range []struct {
		name    string
		edit    func(fstest.MapFS)
		changed []string
		ok      bool
	}{
		{"edited file", func(m fstest.MapFS) { m["content/d/b.md"] = &fstest.MapFile{Data: []byte("b v2")} }, []string{"content/d/b.md"}, true},
		{"new file", func(m fstest.MapFS) { m["content/c.md"] = &fstest.MapFile{Data: []byte("c")} }, []string{"content/c.md"}, false},
		{"removed file", func(m fstest.MapFS) { delete(m, "content/a.md") }, []string{"content/a.md"}, false},
		{"too large", func(m fstest.MapFS) { m["content/a.md"] = &fstest.MapFile{Data: make([]byte, 200)} }, []string{"content/a.md"}, false},
		{"now a symlink", func(m fstest.MapFS) {
			m["content/a.md"] = &fstest.MapFile{Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink}
		}, []string{"content/a.md"}, false},
		{"a folder", func(fstest.MapFS) {}, []string{"content/d"}, false},
		{"static file", func(m fstest.MapFS) { m["static/style.css"] = &fstest.MapFile{Data: []byte("y")} }, []string{"static/style.css"}, false},
		{"editor temp file", func(fstest.MapFS) {}, []string{"content/.a.md.swp"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := base()
			prev, ds := Read(m, 100, nil)
			c.edit(m)
			got, gds, ok := Refresh(m, prev, ds, 100, c.changed)
			if ok != c.ok {
				t.Fatalf("Refresh ok = %v, want %v", ok, c.ok)
			}
			if !ok {
				return
			}
			want, wds := Read(m, 100, nil)
			if len(got.Content) != len(want.Content) || len(gds) != len(wds) {
				t.Fatalf("Refresh gave %d files, %d diagnostics; Read %d, %d", len(got.Content), len(gds), len(want.Content), len(wds))
			}
			for i := range want.Content {
				if got.Content[i].Path != want.Content[i].Path || string(got.Content[i].Data) != string(want.Content[i].Data) {
					t.Errorf("file %d: %s %q, want %s %q", i, got.Content[i].Path, got.Content[i].Data, want.Content[i].Path, want.Content[i].Data)
				}
			}
			if string(prev.Content[1].Data) != "b v1" {
				t.Error("Refresh changed the previous listing")
			}
		})
	}
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		"content/a.md": false, "content/sedation.md": false, "static/sedan1": false, "static/sed.txt": false,
		"content/sedAb12Z9": true, "content/.a.md.swp": true, "content/a.md~": true, "content/4913": true,
		"content/#a.md#": true, "content/a.md___jb_tmp___": true, "content/.goutputstream-Q7ZK21": true,
	} {
		if got := IsTemp(name); got != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, got, want)
		}
	}
}
