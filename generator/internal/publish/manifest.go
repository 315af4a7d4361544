package publish

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// ManifestName is the file at the root of every output folder that records,
// for each file written with a key (Stage.WriteKeyed), the key and the
// SHA-256 of its bytes, plus an opaque memo of the caller's (Stage.SetMemo).
// The next build reads it to keep files whose inputs did not change
// (Stage.Keep) without making them again. Its bytes depend only on the
// files and keys, so two identical builds write identical manifests.
const ManifestName = ".briefings-manifest"

// manifestVersion changes whenever the meaning of keys or the format does;
// a manifest of another version is ignored.
const manifestVersion = 1

type manifest struct {
	Version int                   `json:"version"`
	Memo    json.RawMessage       `json:"memo,omitempty"`
	Files   map[string]fileRecord `json:"files"`
}

type fileRecord struct {
	Key string `json:"key"`
	Sum string `json:"sha256"` // first 128 bits
}

// readManifest loads the previous output's manifest; any problem (none,
// unreadable, another version, bad JSON) means "no manifest".
func (s *Stage) readManifest() {
	f, err := s.prev.Open(ManifestName)
	if err != nil {
		return
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return
	}
	var m manifest
	if json.NewDecoder(f).Decode(&m) != nil || m.Version != manifestVersion || m.Files == nil {
		return
	}
	s.prevManifest = &m
}

// CanKeep reports whether the previous output has a manifest, so Keep may
// keep files.
func (s *Stage) CanKeep() bool { return s.prevManifest != nil }

// PreviousMemo returns the memo the previous build stored with SetMemo, or
// nil.
func (s *Stage) PreviousMemo() []byte {
	if s.prevManifest == nil {
		return nil
	}
	return s.prevManifest.Memo
}

// SetMemo stores memo (JSON) in this build's manifest for the next build.
func (s *Stage) SetMemo(memo []byte) {
	if !json.Valid(memo) {
		return
	}
	s.mu.Lock()
	s.memo = bytes.Clone(memo)
	s.mu.Unlock()
}

// Keep puts the previous output's file at rel into the stage, without its
// bytes being made again, when the previous build wrote it with the same
// key and the file still holds exactly the bytes recorded then (its SHA-256
// is checked, so a hand-edited output is never kept). It reports the size
// of the kept file; false means the caller must write rel itself.
func (s *Stage) Keep(rel, key string) (int64, bool) {
	if s.prevManifest == nil || key == "" {
		return 0, false
	}
	rec, ok := s.prevManifest.Files[rel]
	if !ok || rec.Key != key {
		return 0, false
	}
	return s.keep(rel, rec)
}

// keep is Keep once the record rec of rel is accepted.
func (s *Stage) keep(rel string, rec fileRecord) (int64, bool) {
	s.io.RLock()
	defer s.io.RUnlock()
	if err := s.reserve(rel); err != nil {
		return 0, false // reported by the caller's Write
	}
	kept := false
	defer func() {
		if !kept {
			s.unreserve(rel)
		}
	}()
	f, err := s.prev.Open(filepath.FromSlash(rel))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != s.filePerm {
		return 0, false
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil || digest(h.Sum(nil)) != rec.Sum {
		return 0, false
	}
	full := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := s.mkdirs(filepath.Dir(full)); err != nil {
		return 0, false
	}
	if ok, err := s.link(rel, full, fi); err != nil || !ok {
		if err != nil {
			_ = s.fail(fmt.Errorf("publish: keeping %s: %w", rel, err))
		}
		return 0, false
	}
	s.record(rel, rec)
	s.reused.Add(1)
	kept = true
	return fi.Size(), true
}

// WriteKeyed is Write that also records the file in the manifest with key
// (possibly empty) and the bytes' SHA-256, so the next build can Keep it
// (when it has a key) or keep it with every other file (KeepAll). Files
// written with plain Write (CopyFS) are not recorded.
func (s *Stage) WriteKeyed(rel, key string, data []byte) error {
	if err := s.Write(rel, data); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	s.record(rel, fileRecord{Key: key, Sum: digest(sum[:])})
	return nil
}

// digest is how a SHA-256 is recorded: its first 128 bits, in hex.
func digest(sum []byte) string { return hex.EncodeToString(sum[:16]) }

func (s *Stage) record(rel string, rec fileRecord) {
	s.mu.Lock()
	if s.files == nil {
		s.files = map[string]fileRecord{}
	}
	s.files[rel] = rec
	s.mu.Unlock()
}

// writeManifest writes the manifest into the stage (Commit, s.io held),
// unless nothing was written with a key and no memo was set.
func (s *Stage) writeManifest() error {
	s.mu.Lock()
	m := manifest{Version: manifestVersion, Memo: s.memo, Files: s.files}
	s.mu.Unlock()
	if m.Files == nil && m.Memo == nil {
		return nil // nothing was written with a key: no manifest
	}
	if m.Files == nil {
		m.Files = map[string]fileRecord{}
	}
	data, err := json.Marshal(m) // map keys sorted: deterministic
	if err != nil {
		return err
	}
	return s.write(filepath.Join(s.dir, ManifestName), append(data, '\n'), 0o644)
}

// unreserve forgets a reservation made by a Keep that did not keep the
// file, so the caller's Write of the same path is not a collision.
func (s *Stage) unreserve(rel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.seen[fold(rel)]; ok && e.rel == rel && !e.dir {
		delete(s.seen, fold(rel))
	}
	// Folder prefixes stay claimed: the caller writes the same path next.
}

// statSame reports whether full (just linked) is the file fi.
func statSame(full string, fi os.FileInfo) bool {
	lfi, err := os.Lstat(full)
	return err == nil && lfi.Mode().IsRegular() && os.SameFile(fi, lfi)
}

// WriteStream is WriteKeyed for a file too large to hold in memory: write
// is called once with a writer into the new file. The bytes are not
// compared with the previous output (a keyed file whose key is unchanged
// is kept with Keep instead). It returns the number of bytes written.
func (s *Stage) WriteStream(rel, key string, write func(io.Writer) error) (int64, error) {
	if s.custom {
		// Tests inject failures through Options.WriteFile: go through it.
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return 0, s.failReserved(rel, err)
		}
		return int64(b.Len()), s.WriteKeyed(rel, key, b.Bytes())
	}
	s.io.RLock()
	defer s.io.RUnlock()
	if err := s.reserve(rel); err != nil {
		return 0, err
	}
	full := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := s.mkdirs(filepath.Dir(full)); err != nil {
		return 0, s.fail(fmt.Errorf("publish: writing %s: %w", rel, err))
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, s.fail(fmt.Errorf("publish: writing %s: %w", rel, err))
	}
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h)}
	bw := bufio.NewWriterSize(cw, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return cw.n, s.fail(fmt.Errorf("publish: writing %s: %w", rel, err))
	}
	s.record(rel, fileRecord{Key: key, Sum: digest(h.Sum(nil))})
	return cw.n, nil
}

// failReserved records err for rel as a sticky failure.
func (s *Stage) failReserved(rel string, err error) error {
	return s.fail(fmt.Errorf("publish: writing %s: %w", rel, err))
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ReadMemo returns the memo of the manifest in the output folder out, or
// nil, without taking the lock: a caller deciding whether to Begin at all
// confirms what it read with PreviousMemo once the stage holds the lock.
func ReadMemo(out string) []byte {
	root, err := os.OpenRoot(out)
	if err != nil {
		return nil
	}
	defer root.Close()
	s := &Stage{prev: root}
	s.readManifest()
	return s.PreviousMemo()
}

// KeepAll keeps every file the previous manifest lists (keyed or not,
// each checked against its recorded SHA-256), for a build whose inputs are
// all unchanged. It reports how many
// files and bytes were kept; ok is false when any could not be kept (the
// caller must then Abort and build normally).
func (s *Stage) KeepAll() (files int, bytes int64, ok bool) {
	if s.prevManifest == nil {
		return 0, 0, false
	}
	paths := make([]string, 0, len(s.prevManifest.Files))
	for p := range s.prevManifest.Files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var n atomic.Int64
	var failed atomic.Bool
	next := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for p := range next {
				if failed.Load() {
					continue
				}
				size, ok := s.keep(p, s.prevManifest.Files[p])
				if !ok {
					failed.Store(true)
					continue
				}
				n.Add(size)
			}
		})
	}
	for _, p := range paths {
		next <- p
	}
	close(next)
	wg.Wait()
	if failed.Load() {
		return 0, 0, false
	}
	return len(paths), n.Load(), true
}
