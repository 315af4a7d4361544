package linkcheck

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// run checks urls at clock time now with the cache in path.
func run(t *testing.T, path string, now time.Time, urls ...string) []Result {
	t.Helper()
	opts := testOpts()
	opts.CachePath = path
	opts.MaxAge = 7 * 24 * time.Hour
	opts.Now = func() time.Time { return now }
	var targets []Target
	for i, u := range urls {
		targets = append(targets, Target{URL: u, Pos: pos("content/a.md", i+1)})
	}
	_, rs, err := Check(context.Background(), targets, opts, false)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rs
}

func fromCache(rs []Result) []bool {
	var out []bool
	for _, r := range rs {
		out = append(out, r.FromCache)
	}
	return out
}

func TestCacheReusedWithinMaxAge(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/ok", status(200))
	mux.Handle("/missing", status(404))
	s := newSite(t, mux)
	path := filepath.Join(t.TempDir(), "cache", "links.json") // folder made on demand
	ok, missing := s.URL+"/ok", s.URL+"/missing"

	first := run(t, path, t0, ok, missing)
	if n := s.count("", ""); n != 2 {
		t.Fatalf("first run made %d requests, want 2", n)
	}
	second := run(t, path, t0.Add(6*24*time.Hour), ok, missing, missing+"#frag")
	if n := s.count("", ""); n != 2 {
		t.Errorf("second run within max age made %d requests, want none", n)
	}
	if got := fromCache(second); !slices.Equal(got, []bool{true, true}) {
		t.Errorf("FromCache = %v, want all true", got)
	}
	// Same verdicts, failures included, with the time of the first check.
	for i := range first {
		a, b := first[i], second[i]
		b.FromCache = false
		if a.URL != b.URL || a.OK != b.OK || a.Status != b.Status || a.Err != b.Err || !a.Checked.Equal(b.Checked) {
			t.Errorf("cached %+v, first run %+v", second[i], first[i])
		}
	}
}

func TestCacheStaleEntriesRechecked(t *testing.T) {
	s := newSite(t, status(200))
	a, b := s.URL+"/a", s.URL+"/b"
	path := filepath.Join(t.TempDir(), "links.json")

	run(t, path, t0, a)                     // a checked at day 0
	run(t, path, t0.Add(5*24*time.Hour), b) // b checked at day 5; a kept
	rs := run(t, path, t0.Add(8*24*time.Hour), a, b)
	if got := fromCache(rs); !slices.Equal(got, []bool{false, true}) {
		t.Errorf("FromCache = %v, want [false true]: a is 8 days old, b 3", got)
	}
	if n, m := s.count("", "/a"), s.count("", "/b"); n != 2 || m != 1 {
		t.Errorf("requests: /a %d, /b %d; want 2 and 1", n, m)
	}
	if !rs[0].Checked.Equal(t0.Add(8 * 24 * time.Hour)) {
		t.Errorf("re-checked at %v", rs[0].Checked)
	}
}

func TestCacheFileContents(t *testing.T) {
	s := newSite(t, status(200))
	dir := t.TempDir()
	path := filepath.Join(dir, "links.json")
	old, fresh := s.URL+"/old", s.URL+"/fresh"
	run(t, path, t0, old)
	run(t, path, t0.Add(8*24*time.Hour), fresh) // old is stale now: dropped

	var f cacheFile
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("cache is not JSON: %v\n%s", err, data)
	}
	if _, ok := f.Results[old]; ok || len(f.Results) != 1 || f.Version != cacheVersion {
		t.Errorf("cache = %+v, want only %s", f, fresh)
	}
	if e := f.Results[fresh]; !e.OK || e.Status != 200 || !e.Checked.Equal(t0.Add(8*24*time.Hour)) {
		t.Errorf("entry = %+v", e)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left in the cache folder: %v (temporary files?)", entries)
	}
}

func TestCacheCorruptIgnored(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":       "{not json",
		"empty":         "",
		"wrong version": `{"version": 99, "results": {}}`,
		"wrong shape":   `{"version": 1, "results": [1, 2]}`,
	} {
		t.Run(name, func(t *testing.T) {
			s := newSite(t, status(200))
			path := filepath.Join(t.TempDir(), "links.json")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			if rs := run(t, path, t0, s.URL); len(rs) != 1 || !rs[0].OK || rs[0].FromCache {
				t.Fatalf("results = %+v", rs)
			}
			// The file was rebuilt: the next run needs no request.
			if rs := run(t, path, t0.Add(time.Hour), s.URL); !rs[0].FromCache || s.count("", "") != 1 {
				t.Errorf("after rebuild: %+v, %d requests", rs, s.count("", ""))
			}
		})
	}
}

func TestCacheNegativeMaxAgeAlwaysChecks(t *testing.T) {
	s := newSite(t, status(200))
	opts := testOpts()
	opts.CachePath = filepath.Join(t.TempDir(), "links.json")
	opts.MaxAge = -1
	for range 2 {
		if _, _, err := Check(context.Background(), []Target{{URL: s.URL}}, opts, false); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.count("", ""); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}
