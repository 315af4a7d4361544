package iofloor

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestRun(t *testing.T) {
	corpus := fstest.MapFS{
		"config.yaml":              {Data: []byte("title: x\n")},
		"content/about.md":         {Data: []byte("---\ntitle: About\n---\n")},
		"content/dialogues/a/r.md": {Data: []byte("body")},
	}
	out := filepath.Join(t.TempDir(), "out")
	const files, size = 70, 1001 // 70 > Fanout: a second level of folders
	r, err := Run(corpus, out, Options{Files: files, Bytes: size, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.ReadFiles != 3 || r.ReadBytes != 9+21+4 {
		t.Errorf("read %d files, %d bytes; want 3, 34", r.ReadFiles, r.ReadBytes)
	}
	if r.Files != files || r.Bytes != size {
		t.Errorf("Result reports %d files, %d bytes; want %d, %d", r.Files, r.Bytes, files, size)
	}
	var n int
	var total int64
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if _, err := os.Stat(filepath.Join(p, "index.html")); err != nil {
				t.Errorf("folder %s has no index.html", p)
			}
			return nil
		}
		if d.Name() != "index.html" {
			t.Errorf("unexpected file %s", p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n++
		total += info.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != files || total != size {
		t.Errorf("tree has %d files, %d bytes; want %d, %d", n, total, files, size)
	}
	if _, err := Run(corpus, out, Options{Files: 1}); err == nil {
		t.Error("Run into a non-empty folder: want an error")
	}
}

func TestDir(t *testing.T) {
	for i, want := range map[int]string{0: "", 1: "d0", 64: "d63", 65: "d0/d0", 129: "d1/d0"} {
		if got := Dir(i); got != want {
			t.Errorf("Dir(%d) = %q, want %q", i, got, want)
		}
	}
}
