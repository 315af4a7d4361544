// Package publish is the last stage of a build: it writes a rendered site to
// disk so that readers of the output folder only ever see a complete old
// build or a complete new one.
//
// # Contract
//
// Input: an output folder (Options.Out), the site source folder
// (Options.Source) and the files of the new build, given one by one to
// Stage.Write (slash-separated relative paths and bytes) or in bulk from an
// fs.FS with Stage.CopyFS (the site's static/ folder).
//
// Output: on Stage.Commit, Out holds exactly the files written to the stage
// plus a marker file, MarkerName, that says the folder was made by briefings.
// Files of pages that were not written in this build are gone; there is no
// "clean" step to forget.
//
// Promises:
//
//   - A build that fails (any Write or CopyFS error, or Abort instead of
//     Commit, or a killed process) leaves the previous Out byte-identical.
//     Files are written into a staging folder beside Out,
//     "<parent>/.<base>.staging-<random>", which Commit swaps in with one
//     rename (renameat2 RENAME_EXCHANGE on Linux; elsewhere Out is first
//     renamed to "<parent>/.<base>.old-<random>"). Out is never half-written.
//   - Nothing is created or removed outside Out except its siblings
//     ".<base>.staging-*", ".<base>.old-*" and the lock file ".<base>.lock".
//     The parent of Out must already exist; it is never created.
//   - Dangerous outputs are refused by CheckOut before anything is touched,
//     with the message "refusing to replace <out>: <reason>" (see CheckOut).
//   - Two builds never write one output at once: Begin takes the lock
//     "<parent>/.<base>.lock" (flock on Unix, so a killed process releases
//     it) and a second Begin fails fast with "another build holds lock
//     <path>". The lock file itself is left in place (deleting a flock file
//     while others may open it is racy); it is empty and harmless.
//   - Leftover staging and old folders of killed runs are removed by the
//     next Begin, after it holds the lock (a previous output left aside by a
//     run killed mid-swap is restored instead; see Begin).
//   - Shutdown: a caller interrupted (Ctrl-C) calls Abort, which waits for
//     writes in flight, removes the stage and releases the lock. Writes
//     after Commit or Abort fail with ErrClosed.
//   - With Options.Reuse, a file whose bytes equal the previous output's file
//     at the same path is not written again: that file is hard-linked into the
//     stage instead (see Stage.Write), so rebuilding an unchanged site is
//     mostly reads. This is safe because no published or staged file is ever
//     modified in place: every path of a stage is created once, and the
//     previous output is only renamed and removed. A failed build still
//     leaves the previous output byte-identical.
//   - Files written with WriteKeyed or WriteStream are listed, with their key
//     and SHA-256, in ManifestName beside the marker (manifest.go), with the
//     caller's memo. The next build may Keep a file whose key is unchanged, or
//     KeepAll, without making its bytes again; a kept file is always checked
//     against its recorded SHA-256 first, so a hand-edited output is made
//     again. The manifest's bytes depend only on the files, keys and memo.
//
// Not promised: durability across power loss (files are not fsynced), and a
// child process forked while a Stage is open briefly shares the lock
// descriptor until it execs.
//   - Paths are checked before any byte is written: a path must be clean,
//     relative, local, free of "..", ".", backslashes and control characters.
//     Two paths that are equal, or equal after lower-casing and Unicode NFC
//     normalisation, or where one is a file and the other uses it as a
//     folder, are a "path collision" naming both. Symlinks in CopyFS input
//     are refused, never followed.
//
// Failure is sticky: once any Write or CopyFS call on a Stage has failed,
// Commit refuses to publish, removes the stage and returns an error, so a
// caller that forgets to check one error still cannot publish a partial site.
// A typical caller:
//
//	st, err := publish.Begin(publish.Options{Out: out, Source: src})
//	if err != nil { return err }
//	defer st.Abort() // no-op after a successful Commit
//	... st.Write(rel, data) from any number of goroutines ...
//	return st.Commit()
//
// Output is deterministic: file contents are exactly the bytes given, files
// are 0644 and folders 0755 (before umask), CopyFS walks in lexical order and
// reports errors sorted.
package publish

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MarkerName is the file written at the root of every output folder. Its
// presence is how CheckOut knows a non-empty folder is ours to replace.
const MarkerName = ".briefings-output"

// markerContent is the one-line explanation stored in the marker file.
const markerContent = "This folder is generated by the briefings site generator; every build replaces it entirely.\n"

// Options says where and how to publish.
type Options struct {
	// Out is the output folder, absolute or relative to the working folder.
	Out string
	// Source is the site source folder; it is used only to refuse outputs
	// that would destroy it. Empty means "no source checks".
	Source string
	// WriteFile, when non-nil, replaces os.WriteFile for every file write
	// (pages, copied files and the marker). Tests use it to inject failures.
	WriteFile func(name string, data []byte, perm os.FileMode) error
	// Reuse hard-links files of the previous output whose bytes are
	// unchanged instead of writing them again (see Stage.Write).
	Reuse bool
}

// Stage is one build being written. Write and CopyFS are safe for concurrent
// use; Commit and Abort wait for writes in flight.
type Stage struct {
	out    string // absolute, symlinks of the parent resolved
	source string
	parent string
	base   string
	dir    string // the staging folder
	write  func(name string, data []byte, perm os.FileMode) error
	custom bool // write is Options.WriteFile
	lock   *lockFile
	// plainRename makes Commit use the rename-aside fallback even where
	// RENAME_EXCHANGE works, so tests cover both paths.
	plainRename bool

	// prev is the previous output, for Options.Reuse; nil when there is
	// none or reuse is off. filePerm is the mode a written file gets (0644
	// after the umask), which a reused file must have too.
	prev     *os.Root
	filePerm fs.FileMode
	reused   atomic.Int64
	dirs     sync.Map // folders of the stage known to exist
	// prevManifest is the previous output's manifest (manifest.go); nil
	// when there is none.
	prevManifest *manifest

	io sync.RWMutex // Write holds it shared; Commit and Abort exclusively

	mu     sync.Mutex // guards the fields below
	closed bool
	seen   map[string]entry // folded path → first use
	errs   []error          // every failure so far (sticky)
	files  map[string]fileRecord
	memo   []byte
}

// entry records the first use of a path or path prefix, keyed by its folded
// form.
type entry struct {
	orig string // exact spelling
	dir  bool   // used as a folder (a prefix of some written path)
	rel  string // the full path written that introduced it
}

// Begin checks Out with CheckOut, takes the output lock, removes leftovers
// of killed runs (restoring a previous output that a killed run had renamed
// aside, when Out is missing) and creates an empty staging folder. The caller must end
// the stage with Commit or Abort.
func Begin(opts Options) (*Stage, error) {
	if err := CheckOut(opts.Out, opts.Source); err != nil {
		return nil, err
	}
	out, err := resolve(opts.Out)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("publish: the parent folder of %s must exist and be a folder", out)
	}
	lk, err := acquireLock(filepath.Join(parent, "."+base+".lock"))
	if err != nil {
		return nil, err
	}
	s := &Stage{
		out:    out,
		source: opts.Source,
		parent: parent,
		base:   base,
		write:  opts.WriteFile,
		lock:   lk,
		seen:   map[string]entry{},
	}
	if s.write == nil {
		s.write = os.WriteFile
	} else {
		s.custom = true
	}
	s.seen[fold(MarkerName)] = entry{orig: MarkerName, rel: MarkerName}
	s.seen[fold(ManifestName)] = entry{orig: ManifestName, rel: ManifestName}
	if err := s.removeLeftovers(); err != nil {
		lk.release()
		return nil, err
	}
	s.dir = s.sibling("staging")
	if err := os.Mkdir(s.dir, 0o755); err != nil {
		lk.release()
		return nil, fmt.Errorf("publish: creating staging folder: %w", err)
	}
	s.dirs.Store(s.dir, true)
	if opts.Reuse {
		s.openPrevious()
	}
	return s, nil
}

// openPrevious prepares reuse of the previous output: Out must be a folder
// carrying the marker (CheckOut has refused anything else that is not
// empty). Any problem just turns reuse off.
func (s *Stage) openPrevious() {
	if m, err := os.Lstat(filepath.Join(s.out, MarkerName)); err != nil || !m.Mode().IsRegular() {
		return
	}
	// A folder made with 0755 shows the umask; a file written with 0644
	// gets 0644 & that.
	fi, err := os.Stat(s.dir)
	if err != nil {
		return
	}
	root, err := os.OpenRoot(s.out)
	if err != nil {
		return
	}
	s.prev, s.filePerm = root, 0o644&fi.Mode().Perm()
	s.readManifest()
}

// Reused returns how many files were hard-linked from the previous output
// instead of written.
func (s *Stage) Reused() int { return int(s.reused.Load()) }

// Out returns the absolute output folder the stage will replace.
func (s *Stage) Out() string { return s.out }

// Dir returns the staging folder the files are written into.
func (s *Stage) Dir() string { return s.dir }

// sibling returns a fresh "<parent>/.<base>.<kind>-<random>" name.
func (s *Stage) sibling(kind string) string {
	return filepath.Join(s.parent, "."+s.base+"."+kind+"-"+strings.ToLower(rand.Text()))
}

// removeLeftovers deletes staging and old folders of earlier runs. Only
// names of the form ".<base>.staging-*" and ".<base>.old-*" are touched; a
// symlink with such a name is removed itself, never followed.
//
// One case is repaired instead: where renameat2 RENAME_EXCHANGE is not
// available, Commit renames Out aside before renaming the stage in, and a run
// killed between the two leaves no Out and the previous output at
// ".<base>.old-*". When Out is missing and exactly one such folder carrying
// the marker exists, it is renamed back to Out.
func (s *Stage) removeLeftovers() error {
	ents, err := os.ReadDir(s.parent)
	if err != nil {
		return fmt.Errorf("publish: looking for leftovers of earlier runs: %w", err)
	}
	var leftovers, olds []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, "."+s.base+".staging-") {
			leftovers = append(leftovers, n)
		}
		if strings.HasPrefix(n, "."+s.base+".old-") {
			leftovers = append(leftovers, n)
			if e.IsDir() {
				olds = append(olds, n)
			}
		}
	}
	if _, err := os.Lstat(s.out); errors.Is(err, fs.ErrNotExist) && len(olds) == 1 {
		old := filepath.Join(s.parent, olds[0])
		if m, err := os.Lstat(filepath.Join(old, MarkerName)); err == nil && m.Mode().IsRegular() {
			if err := os.Rename(old, s.out); err != nil {
				return fmt.Errorf("publish: restoring the previous output from %s: %w", old, err)
			}
		}
	}
	for _, n := range leftovers {
		if err := removeTree(filepath.Join(s.parent, n)); err != nil {
			return fmt.Errorf("publish: removing leftover of an earlier run: %w", err)
		}
	}
	return nil
}

// ErrClosed is returned by Write and CopyFS after Commit or Abort.
var ErrClosed = errors.New("publish: stage already committed or aborted")

// Write stores data at rel inside the stage. rel is a slash-separated path
// relative to the output root, such as "dialogues/x/index.html". Parent
// folders are created as needed. It is safe for concurrent use.
//
// With Options.Reuse, when the previous output holds a regular file at rel
// with exactly these bytes and the mode a new file would get, that file is
// hard-linked into the stage instead of written: the size is compared
// first, then the bytes (reading the old file), and the link is kept only
// if it names the very file that was compared. Where hard links are not
// possible the file is written as usual.
func (s *Stage) Write(rel string, data []byte) error {
	s.io.RLock()
	defer s.io.RUnlock()
	if err := s.reserve(rel); err != nil {
		return err
	}
	full := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := s.mkdirs(filepath.Dir(full)); err != nil {
		return s.fail(fmt.Errorf("publish: writing %s: %w", rel, err))
	}
	if s.prev != nil {
		switch ok, err := s.reuse(rel, full, data); {
		case err != nil:
			return s.fail(fmt.Errorf("publish: writing %s: %w", rel, err))
		case ok:
			s.reused.Add(1)
			return nil
		}
	}
	if err := s.write(full, data, 0o644); err != nil {
		return s.fail(fmt.Errorf("publish: writing %s: %w", rel, err))
	}
	return nil
}

// mkdirs creates dir and its parents inside the stage. Folders already
// made are remembered, so the usual case (a new page folder whose parent
// exists) is one mkdir call instead of MkdirAll's stat, stat, mkdir.
func (s *Stage) mkdirs(dir string) error {
	if _, ok := s.dirs.Load(dir); ok {
		return nil
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		// The parent is missing, or dir exists (made by another writer):
		// MkdirAll handles both and checks that dir is a folder.
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	s.dirs.Store(dir, true)
	return nil
}

// reuse hard-links the previous output's file at rel to full when its bytes
// are data. It reports false, with no error, when the file cannot be reused
// and must be written; an error means full could not be cleaned up.
func (s *Stage) reuse(rel, full string, data []byte) (bool, error) {
	// Opening through the root refuses symlinks that lead out of Out.
	f, err := s.prev.Open(filepath.FromSlash(rel))
	if err != nil {
		return false, nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) || fi.Mode().Perm() != s.filePerm {
		return false, nil
	}
	if same, err := sameBytes(f, data); err != nil || !same {
		return false, nil
	}
	return s.link(rel, full, fi)
}

// link hard-links the previous output's file at rel to full, keeping the
// link only if it names fi, the very file that was checked. It reports
// false, with no error, when the file must be written instead.
func (s *Stage) link(rel, full string, fi os.FileInfo) (bool, error) {
	if err := os.Link(filepath.Join(s.out, filepath.FromSlash(rel)), full); err != nil {
		return false, nil // no hard links here (or the file just went away)
	}
	// The path may have been swapped for another file, or be a symlink
	// (link(2) links the symlink itself): keep the link only if it is the
	// regular file whose bytes were compared.
	if statSame(full, fi) {
		return true, nil
	}
	if err := os.Remove(full); err != nil {
		// Writing through a stray link could change a file outside the
		// stage: fail instead.
		return false, err
	}
	return false, nil
}

// bufPool holds read buffers for sameBytes.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// sameBytes reports whether f, read from its current offset to the end,
// holds exactly data.
func sameBytes(f *os.File, data []byte) (bool, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	for {
		n, err := io.ReadFull(f, buf[:min(len(buf), len(data)+1)])
		if !bytes.Equal(buf[:n], data[:min(n, len(data))]) || n > len(data) {
			return false, nil
		}
		data = data[n:]
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return len(data) == 0, nil
		case err != nil:
			return false, err
		}
	}
}

// fail records err as a sticky failure and returns it.
func (s *Stage) fail(err error) error {
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
	return err
}

// reserve validates rel and claims it and its folders, or returns (and
// records) the reason it cannot be written.
func (s *Stage) reserve(rel string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	err := s.claim(rel)
	if err != nil {
		s.errs = append(s.errs, err)
	}
	return err
}

// claim does the work of reserve; s.mu is held.
func (s *Stage) claim(rel string) error {
	if err := CheckRel(rel); err != nil {
		return err
	}
	first, _, _ := strings.Cut(rel, "/")
	if f := fold(first); f == fold(MarkerName) || f == fold(ManifestName) {
		return fmt.Errorf("invalid output path %q: %s is reserved for the output marker and manifest", rel, first)
	}
	// Check every prefix before claiming any, so a refused path leaves no trace.
	var prefixes []string
	for i := range len(rel) {
		if rel[i] == '/' {
			prefixes = append(prefixes, rel[:i])
		}
	}
	prefixes = append(prefixes, rel)
	for i, p := range prefixes {
		isDir := i < len(prefixes)-1
		e, ok := s.seen[fold(p)]
		switch {
		case !ok:
		case e.orig != p:
			return fmt.Errorf("path collision: %s and %s differ only in letter case or Unicode normalisation (%s vs %s)", e.rel, rel, e.orig, p)
		case e.dir != isDir:
			file, folder := e.rel, rel
			if e.dir {
				file, folder = rel, e.rel
			}
			return fmt.Errorf("path collision: %s is written as a file by %s and used as a folder by %s", p, file, folder)
		case !isDir:
			return fmt.Errorf("path collision: %s written twice", rel)
		}
	}
	for i, p := range prefixes {
		k := fold(p)
		if _, ok := s.seen[k]; !ok {
			s.seen[k] = entry{orig: p, dir: i < len(prefixes)-1, rel: rel}
		}
	}
	return nil
}

// fold is the key two paths collide on: lower case, then NFC.
func fold(p string) string { return norm.NFC.String(strings.ToLower(p)) }

// CheckRel reports whether rel is acceptable as an output path: non-empty,
// valid UTF-8, clean (path.Clean(rel) == rel), relative, with no "." or ".."
// component, no component starting with "..", no backslash, no control
// character and no component longer than 255 bytes.
func CheckRel(rel string) error {
	bad := func(reason string) error { return fmt.Errorf("invalid output path %q: %s", rel, reason) }
	if rel == "" {
		return bad("empty")
	}
	if !utf8.ValidString(rel) {
		return bad("not valid UTF-8")
	}
	for _, r := range rel {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return bad(fmt.Sprintf("contains control character %U", r))
		}
	}
	if strings.Contains(rel, `\`) {
		return bad("contains a backslash")
	}
	if strings.HasPrefix(rel, "/") {
		return bad("is absolute")
	}
	for c := range strings.SplitSeq(rel, "/") {
		switch {
		case c == ".":
			return bad(`has a "." component`)
		case strings.HasPrefix(c, ".."):
			return bad(`has a component starting with ".."`)
		case len(c) > 255:
			return bad("has a component longer than 255 bytes")
		}
	}
	if path.Clean(rel) != rel {
		return bad(fmt.Sprintf("is not clean (want %q)", path.Clean(rel)))
	}
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return bad("is not a local path on this system")
	}
	return nil
}

// CopyFS copies every regular file of fsys into the stage under prefix (""
// means the output root), in lexical order. Symlinks are refused, never
// followed, and so are other non-regular files. Every problem is reported,
// sorted: refused entries and collisions with paths already written (such as
// a static feed.xml beside the generated one) each name the path.
func (s *Stage) CopyFS(fsys fs.FS, prefix string) error {
	if prefix != "" {
		if err := CheckRel(prefix); err != nil {
			return s.fail(err)
		}
	}
	var errs []error
	walkErr := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("publish: copying %s: %w", p, err))
			if d != nil && d.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		switch t := d.Type(); {
		case t&fs.ModeSymlink != 0:
			errs = append(errs, fmt.Errorf("publish: copying %s: is a symlink; refusing to follow it", p))
			return nil
		case d.IsDir():
			return nil
		case !t.IsRegular():
			errs = append(errs, fmt.Errorf("publish: copying %s: not a regular file (%v)", p, t))
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("publish: copying %s: %w", p, err))
			return nil
		}
		if err := s.Write(path.Join(prefix, p), data); err != nil {
			if errors.Is(err, ErrClosed) {
				return err
			}
			errs = append(errs, fmt.Errorf("publish: copying %s: %w", p, err))
		}
		return nil
	})
	if errors.Is(walkErr, ErrClosed) {
		return walkErr
	}
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	// Walk errors and refusals are not recorded by Write; record them here.
	return s.fail(errors.Join(errs...))
}

// Commit writes the marker file, checks Out again and swaps the stage in as
// Out, then removes the previous output and releases the lock. If any write
// failed earlier, or anything here fails, the stage is removed instead and Out
// is left as it was.
func (s *Stage) Commit() error {
	s.io.Lock()
	defer s.io.Unlock()
	s.mu.Lock()
	closed, errs := s.closed, s.errs
	s.closed = true
	s.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if len(errs) > 0 {
		s.discard()
		return fmt.Errorf("publish: not replacing %s: %d write(s) failed, first: %w", s.out, len(errs), errs[0])
	}
	if err := s.write(filepath.Join(s.dir, MarkerName), []byte(markerContent), 0o644); err != nil {
		s.discard()
		return fmt.Errorf("publish: writing %s: %w", MarkerName, err)
	}
	if err := s.writeManifest(); err != nil {
		s.discard()
		return fmt.Errorf("publish: writing %s: %w", ManifestName, err)
	}
	// Out may have changed since Begin (another tool, a user): check again.
	if err := CheckOut(s.out, s.source); err != nil {
		s.discard()
		return err
	}
	if err := s.swap(); err != nil {
		s.discard()
		return fmt.Errorf("publish: replacing %s: %w", s.out, err)
	}
	s.closePrevious()
	s.lock.release()
	return nil
}

func (s *Stage) closePrevious() {
	if s.prev != nil {
		s.prev.Close()
		s.prev = nil
	}
}

// swap puts the stage in place of Out. On success whatever was at Out is
// gone (removal failures leave a ".<base>.staging-*" or ".<base>.old-*"
// folder that the next Begin removes).
func (s *Stage) swap() error {
	_, err := os.Lstat(s.out)
	if errors.Is(err, fs.ErrNotExist) {
		err = renameNoReplace(s.dir, s.out)
		if errors.Is(err, errUnsupported) {
			err = os.Rename(s.dir, s.out)
		}
		return err
	}
	if err != nil {
		return err
	}
	err = errUnsupported
	if !s.plainRename {
		err = exchange(s.dir, s.out)
	}
	if err == nil {
		_ = removeTree(s.dir) // the previous output, now at the staging name
		return nil
	}
	if !errors.Is(err, errUnsupported) {
		return err
	}
	old := s.sibling("old")
	if err := os.Rename(s.out, old); err != nil {
		return err
	}
	if err := os.Rename(s.dir, s.out); err != nil {
		if rerr := os.Rename(old, s.out); rerr != nil {
			return fmt.Errorf("%w; restoring the previous output also failed, it is at %s: %v", err, old, rerr)
		}
		return err
	}
	_ = removeTree(old)
	return nil
}

// Abort removes the stage and releases the lock, leaving Out untouched. It
// is a no-op after Commit or a previous Abort, so it can be deferred.
func (s *Stage) Abort() {
	s.io.Lock()
	defer s.io.Unlock()
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if !closed {
		s.discard()
	}
}

// discard removes the staging folder and releases the lock.
func (s *Stage) discard() {
	s.closePrevious()
	_ = removeTree(s.dir)
	s.lock.release()
}
