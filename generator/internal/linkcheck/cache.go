package linkcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// cacheVersion changes when the file format does; other versions are
// ignored like a corrupt file.
const cacheVersion = 1

// cacheFile is the JSON layout of Options.CachePath.
type cacheFile struct {
	Version int                   `json:"version"`
	Results map[string]cacheEntry `json:"results"`
}

type cacheEntry struct {
	Status  int       `json:"status,omitempty"`
	OK      bool      `json:"ok"`
	Err     string    `json:"err,omitempty"`
	Checked time.Time `json:"checked"`
}

// cache holds the entries read from the cache file.
type cache struct {
	entries map[string]cacheEntry
}

// loadCache reads path. A missing, empty or unparsable file gives an empty
// cache; only a file that exists but cannot be read is an error.
func loadCache(path string) (*cache, error) {
	c := &cache{entries: map[string]cacheEntry{}}
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("link cache: %w", err)
	}
	var f cacheFile
	if json.Unmarshal(data, &f) != nil || f.Version != cacheVersion {
		return c, nil // corrupt or foreign: rebuild it
	}
	for k, e := range f.Results {
		c.entries[k] = e
	}
	return c, nil
}

// fresh returns the cached result for key when it is younger than maxAge.
func (c *cache) fresh(key string, now time.Time, maxAge time.Duration) (Result, bool) {
	e, ok := c.entries[key]
	if !ok || maxAge < 0 {
		return Result{}, false
	}
	age := now.Sub(e.Checked)
	if age < 0 || age >= maxAge {
		return Result{}, false
	}
	return Result{URL: key, Status: e.Status, OK: e.OK, Err: e.Err, Checked: e.Checked, FromCache: true}, true
}

// save writes the still-fresh old entries plus checked to path atomically.
func (c *cache) save(path string, checked map[string]Result, now time.Time, maxAge time.Duration) error {
	if path == "" {
		return nil
	}
	f := cacheFile{Version: cacheVersion, Results: map[string]cacheEntry{}}
	for k := range c.entries {
		if _, ok := c.fresh(k, now, maxAge); ok {
			f.Results[k] = c.entries[k]
		}
	}
	for k, r := range checked {
		f.Results[k] = cacheEntry{Status: r.Status, OK: r.OK, Err: r.Err, Checked: r.Checked.Round(0).UTC()}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("link cache: %w", err)
	}
	data = append(data, '\n')
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("link cache: %w", err)
	}
	return nil
}

// writeAtomic writes data to a temporary file beside path and renames it
// over path, so readers see the old file or the new one, never half of one.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
