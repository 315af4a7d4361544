// Package source reads a site folder given as an fs.FS.
//
// Read walks config.yaml, content/, layouts/ and static/ and returns their
// files: content with bytes, layouts and static as sub-file-systems plus
// sorted lists of their paths. Editors' temporary and lock files are
// skipped (IsTemp). Symlinks are never followed: one inside the site is an
// error naming the link, so nothing outside the site root is ever read.
// That includes config.yaml, content/, layouts/ and static/ themselves
// (checked with fs.Lstat, since fs.Stat, fs.Sub and fs.WalkDir follow a
// symlinked root); a symlinked folder is then treated as absent. A folder
// under content/ named like a content file ("r2.md/") is an error.
// Unreadable files and oversized files are errors naming the file. Read
// never stops at the first problem.
package source

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
)

// Site is what Read found.
type Site struct {
	Config      []byte // nil when config.yaml is missing
	Content     []content.File
	Layouts     fs.FS    // nil when there is no layouts/ folder
	Static      fs.FS    // nil when there is no static/ folder
	StaticFiles []string // paths relative to static/, sorted
}

// IsTemp reports whether a file name is an editor's temporary, backup or
// lock file, or a dotfile: never content, and never a reason to rebuild.
func IsTemp(name string) bool {
	base := path.Base(name)
	switch {
	case base == "4913", strings.HasPrefix(base, "."), strings.HasSuffix(base, "~"),
		strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"),
		strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swx"), strings.HasSuffix(base, ".swo"),
		strings.HasSuffix(base, ".bck"), strings.HasSuffix(base, ".tmp"), strings.HasSuffix(base, ".TMP"),
		strings.Contains(base, "___jb_tmp___"), strings.Contains(base, "___jb_old___"),
		strings.HasPrefix(base, "~RF"), strings.HasPrefix(base, ".goutputstream-"),
		isSedTemp(base):
		return true
	}
	return false
}

// isSedTemp matches the file `sed -i` writes before renaming it over the
// original: "sed" and six letters or digits, no extension.
func isSedTemp(base string) bool {
	rest, ok := strings.CutPrefix(base, "sed")
	if !ok || len(rest) != 6 {
		return false
	}
	for _, c := range rest {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// Reuse, when it returns true, supplies the bytes of a content file the
// caller already holds (the dev server passes the files that did not
// change), so Read does not read it again.
type Reuse func(path string) ([]byte, bool)

// Read reads the site. maxFile bounds the size of one content file (larger
// files are reported, not read); 0 means no bound. reuse may be nil.
func Read(fsys fs.FS, maxFile int64, reuse Reuse) (*Site, []diag.Diagnostic) {
	return read(fsys, maxFile, reuse, true)
}

// List is Read without reading content files: Site.Content lists them (with
// the same checks, sizes included) and their Data is nil, for a caller that
// reads each file when it decodes it (content.Options.Read), so the whole
// site is never in memory at once.
func List(fsys fs.FS, maxFile int64) (*Site, []diag.Diagnostic) {
	return read(fsys, maxFile, nil, false)
}

func read(fsys fs.FS, maxFile int64, reuse Reuse, load bool) (*Site, []diag.Diagnostic) {
	s := &Site{}
	var ds []diag.Diagnostic
	errAt := func(file, code, format string, args ...any) {
		ds = append(ds, diag.Diagnostic{Pos: diag.Pos{File: file}, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...)})
	}

	// The four top-level names are checked with Lstat: fs.Stat, fs.Sub and
	// fs.WalkDir all follow a symlinked root, so a "content" or "static"
	// that links elsewhere would otherwise be read as if it were the site.
	linked := map[string]bool{}
	for _, name := range []string{"config.yaml", "content", "layouts", "static"} {
		if info, err := fs.Lstat(fsys, name); err == nil && info.Mode()&fs.ModeSymlink != 0 {
			linked[name] = true
			errAt(name, "symlink", "symlinks are not followed (they could reach outside the site); replace %s with the folder or file itself", name)
		}
	}

	switch info, err := fs.Stat(fsys, "config.yaml"); {
	case linked["config.yaml"]:
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		errAt("config.yaml", "unreadable", "cannot read: %v", err)
	case !info.Mode().IsRegular():
		errAt("config.yaml", "not-a-file", "config.yaml must be a regular file")
	default:
		b, err := fs.ReadFile(fsys, "config.yaml")
		if err != nil {
			errAt("config.yaml", "unreadable", "cannot read: %v", err)
		}
		s.Config = b
	}

	walk := func(root string, visit func(p string, d fs.DirEntry)) {
		if _, err := fs.Stat(fsys, root); errors.Is(err, fs.ErrNotExist) || linked[root] {
			return
		}
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errAt(p, "unreadable", "cannot read: %v", unwrapPath(err))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if p != root && IsTemp(p) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				errAt(p, "symlink", "symlinks are not followed (they could reach outside the site); replace %s with the file itself", p)
				return nil
			}
			if d.IsDir() {
				if root == "content" && strings.HasSuffix(p, ".md") {
					errAt(p, "not-a-file", "%s is a folder; a content file must be a regular file", p)
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				errAt(p, "not-a-file", "not a regular file")
				return nil
			}
			visit(p, d)
			return nil
		})
		if err != nil {
			errAt(root, "unreadable", "cannot read: %v", err)
		}
	}

	walk("content", func(p string, d fs.DirEntry) {
		if reuse != nil {
			if b, ok := reuse(p); ok {
				s.Content = append(s.Content, content.File{Path: p, Data: b})
				return
			}
		}
		if maxFile > 0 {
			if info, err := d.Info(); err == nil && info.Size() > maxFile {
				errAt(p, "too-large", "file exceeds %d bytes (limits front_matter_bytes + body_bytes in config.yaml)", maxFile)
				return
			}
		}
		if !load {
			s.Content = append(s.Content, content.File{Path: p})
			return
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			errAt(p, "unreadable", "cannot read: %v", unwrapPath(err))
			return
		}
		s.Content = append(s.Content, content.File{Path: p, Data: b})
	})
	if sub, ok := subdir(fsys, "layouts"); ok {
		walk("layouts", func(string, fs.DirEntry) {})
		s.Layouts = sub
	}
	if sub, ok := subdir(fsys, "static"); ok {
		walk("static", func(p string, _ fs.DirEntry) {
			s.StaticFiles = append(s.StaticFiles, strings.TrimPrefix(p, "static/"))
		})
		s.Static = sub
	}
	sort.Slice(s.Content, func(i, j int) bool { return s.Content[i].Path < s.Content[j].Path })
	sort.Strings(s.StaticFiles)
	return s, ds
}

func subdir(fsys fs.FS, dir string) (fs.FS, bool) {
	info, err := fs.Lstat(fsys, dir)
	if err != nil || !info.IsDir() {
		return nil, false
	}
	sub, err := fs.Sub(fsys, dir)
	return sub, err == nil
}

// unwrapPath drops the *PathError wrapper whose path we already print.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Refresh brings prev (a Site read by Read, with the diagnostics ds of
// that read) up to date without listing the site again, when every
// changed path names a content file that prev holds and that is still a
// regular file within maxFile: the listing is then the same, and only
// those files are read again. ok is false when that is not so (a file was
// added, removed or replaced by something else; a folder, layout, static
// file or config.yaml changed), and the caller must Read.
func Refresh(fsys fs.FS, prev *Site, ds []diag.Diagnostic, maxFile int64, changed []string) (*Site, []diag.Diagnostic, bool) {
	if prev == nil || len(changed) == 0 {
		return nil, nil, false
	}
	at := make(map[string]int, len(prev.Content))
	for i, f := range prev.Content {
		at[f.Path] = i
	}
	next := *prev
	next.Content = slices.Clone(prev.Content)
	for _, p := range changed {
		i, ok := at[p]
		if !ok || IsTemp(p) {
			return nil, nil, false
		}
		info, err := fs.Lstat(fsys, p)
		if err != nil || !info.Mode().IsRegular() || (maxFile > 0 && info.Size() > maxFile) {
			return nil, nil, false
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, nil, false
		}
		next.Content[i].Data = b
	}
	return &next, ds, true
}
