package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CheckOut reports whether out may be replaced by a build of the site at
// source. It only looks; it never creates or removes anything. The error is
// "refusing to replace <out>: <reason>" when out is
//
//   - empty, or "~" / "~/…" (the shell did not expand it);
//   - a symlink, or exists and is not a folder;
//   - the filesystem root, the user's home folder or the current folder;
//   - the source folder, or any folder that contains it;
//   - inside (or equal to) the source's content/, layouts/, static/ or .git/;
//   - an existing folder that contains content/ or .git;
//   - a non-empty existing folder without the MarkerName file.
//
// Paths are compared after filepath.Abs and resolving the symlinks of the
// part that exists, and also by file identity (os.SameFile), so a symlinked
// or differently-cased spelling of a protected folder is caught too. The
// default "<source>/public" is allowed. An empty source skips the source
// checks.
func CheckOut(out, source string) error {
	refuse := func(format string, a ...any) error {
		return fmt.Errorf("refusing to replace %s: %s", out, fmt.Sprintf(format, a...))
	}
	if out == "" {
		return refuse("no output folder given")
	}
	if out == "~" || strings.HasPrefix(out, "~/") || strings.HasPrefix(out, `~\`) {
		return refuse(`"~" is not expanded here; give the folder explicitly`)
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return refuse("%v", err)
	}
	fi, err := os.Lstat(abs)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return refuse("%v", err)
	case exists && fi.Mode()&fs.ModeSymlink != 0:
		return refuse("it is a symlink; give the real folder instead")
	case exists && !fi.IsDir():
		return refuse("it exists and is not a folder")
	}
	res, err := resolve(abs)
	if err != nil {
		return refuse("%v", err)
	}
	if filepath.Dir(res) == res {
		return refuse("it is the filesystem root")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" && same(res, home) {
		return refuse("it is the home folder")
	}
	if wd, err := os.Getwd(); err == nil && same(res, wd) {
		return refuse("it is the current folder")
	}
	if source != "" {
		src, err := resolve(source)
		if err != nil {
			return refuse("cannot resolve the source folder: %v", err)
		}
		if same(res, src) {
			return refuse("it is the source folder")
		}
		if within(src, res) {
			return refuse("it contains the source folder %s", src)
		}
		for _, sub := range []string{"content", "layouts", "static", ".git"} {
			if within(res, filepath.Join(src, sub)) {
				return refuse("it is inside the source's %s/ folder", sub)
			}
		}
	}
	if !exists {
		return nil
	}
	for _, sub := range []string{"content", ".git"} {
		if _, err := os.Lstat(filepath.Join(res, sub)); err == nil {
			return refuse("it contains %s (it looks like a site or a repository, not a build output)", sub)
		}
	}
	ents, err := os.ReadDir(res)
	if err != nil {
		return refuse("%v", err)
	}
	if len(ents) == 0 {
		return nil
	}
	if m, err := os.Lstat(filepath.Join(res, MarkerName)); err != nil || !m.Mode().IsRegular() {
		return refuse("it is not empty and has no %s marker, so it was not made by briefings (empty or remove it yourself if it is safe)", MarkerName)
	}
	return nil
}

// resolve returns the absolute form of p with the symlinks of its longest
// existing prefix resolved; the part that does not exist is appended as is.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	existing, rest := abs, ""
	for {
		if _, err := os.Lstat(existing); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		rest = filepath.Join(filepath.Base(existing), rest)
		existing = parent
	}
	r, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return "", err
	}
	return filepath.Join(r, rest), nil
}

// same reports whether a and b name the same folder, by resolved path or by
// file identity.
func same(a, b string) bool {
	ra, err1 := resolve(a)
	rb, err2 := resolve(b)
	if err1 == nil && err2 == nil && ra == rb {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// within reports whether child is dir or lies inside it: by resolved path,
// or by file identity of one of child's existing ancestors (which catches
// case-insensitive file systems and hard-to-spell aliases).
func within(child, dir string) bool {
	rc, err1 := resolve(child)
	rd, err2 := resolve(dir)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(rd, rc); err == nil && (rel == "." || filepath.IsLocal(rel)) {
			return true
		}
	}
	fd, err := os.Stat(dir)
	if err != nil {
		return false
	}
	for p := rc; ; p = filepath.Dir(p) {
		if fp, err := os.Stat(p); err == nil && os.SameFile(fp, fd) {
			return true
		}
		if filepath.Dir(p) == p {
			return false
		}
	}
}
