package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestRemoveTree(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	tree := filepath.Join(root, "tree")
	for i := range 150 { // more than one batch of files in one folder
		mkfile(t, filepath.Join(tree, "flat", fmt.Sprintf("f%03d.html", i)), "x")
	}
	for i := range 40 { // more folders than workers
		mkfile(t, filepath.Join(tree, "d", fmt.Sprint(i), "sub", "index.html"), "y")
	}
	mkfile(t, filepath.Join(tree, "top.html"), "z")
	if err := os.MkdirAll(filepath.Join(tree, "empty", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A symlink to a folder outside: removed itself, never followed.
	mkfile(t, filepath.Join(root, "outside", "keep.html"), "keep")
	if err := os.Symlink(filepath.Join(root, "outside"), filepath.Join(tree, "d", "link")); err != nil {
		t.Logf("no symlinks here: %v", err)
	}
	if err := removeTree(tree); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(tree); !os.IsNotExist(err) {
		t.Errorf("tree still there: %v", err)
	}
	if data, err := os.ReadFile(filepath.Join(root, "outside", "keep.html")); err != nil || string(data) != "keep" {
		t.Errorf("file behind the symlink = %q, %v; want it untouched", data, err)
	}
	// Like os.RemoveAll: a missing path is fine, a file is removed.
	if err := removeTree(filepath.Join(root, "missing")); err != nil {
		t.Errorf("missing path: %v", err)
	}
	f := filepath.Join(root, "outside", "keep.html")
	if err := removeTree(f); err != nil {
		t.Errorf("removing a file: %v", err)
	}
	if _, err := os.Lstat(f); !os.IsNotExist(err) {
		t.Errorf("file still there: %v", err)
	}
}

// TestRemoveTreeReportsFailure: an entry that cannot be removed is
// reported, and everything else is still removed.
func TestRemoveTreeReportsFailure(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root removes entries of read-only folders")
	}
	root := t.TempDir()
	tree := filepath.Join(root, "tree")
	mkfile(t, filepath.Join(tree, "locked", "index.html"), "x")
	mkfile(t, filepath.Join(tree, "free", "index.html"), "y")
	if err := os.Chmod(filepath.Join(tree, "locked"), 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(tree, "locked"), 0o755) })
	if err := removeTree(tree); err == nil {
		t.Error("removeTree of a tree with a read-only folder: no error")
	}
	if _, err := os.Lstat(filepath.Join(tree, "free")); !os.IsNotExist(err) {
		t.Errorf("free/ was not removed: %v", err)
	}
}
