package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// linkServer is a local HTTP server counting the requests it answers.
type linkServer struct {
	*httptest.Server
	mu sync.Mutex
	n  map[string]int // "METHOD /path" → requests
}

func (s *linkServer) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := 0
	for _, v := range s.n {
		t += v
	}
	return t
}

// newLinkServer answers /ok with 200, /gone with 404, /moved with a
// redirect to /ok, /moved-gone with one to /gone, /get-only with 405 to
// HEAD and 200 to GET, and holds /slow until the client gives up.
func newLinkServer(t *testing.T) *linkServer {
	s := &linkServer{n: map[string]int{}}
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusMovedPermanently) })
	mux.HandleFunc("/moved-gone", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/gone", http.StatusFound) })
	mux.HandleFunc("/get-only", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.n[r.Method+" "+r.URL.Path]++
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees /slow handlers
	return s
}

// externalSite is baseSite plus a round whose sources and body link to srv.
func externalSite(t *testing.T, srv string) string {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	writeSite(t, dir, map[string]string{"content/dialogues/d/r3.md": `---
title: Third
date: 2024-04-10
round: 3
participants: [Ann Example]
sources:
  - title: Report
    url: ` + srv + `/moved
  - title: Gone report
    url: ` + srv + `/gone
---
Links: [ok](` + srv + `/ok), [gone](` + srv + `/gone#part), [get](` + srv + `/get-only),
[moved away](` + srv + `/moved-gone), [slow](` + srv + `/slow),
[mail](mailto:a@example.org) and [local](r1.md).
`})
	return dir
}

// TestCheckExternal wires check --external to a local server: failures are
// warnings at every place the URL is written (errors with --strict), good
// and redirected links pass, a host that does not answer times out, and a
// second run within the max age makes no request at all.
func TestCheckExternal(t *testing.T) {
	srv := newLinkServer(t)
	dir := externalSite(t, srv.URL)
	cache := filepath.Join(t.TempDir(), "links.json")
	args := []string{"check", "--source", dir, "--external", "--external-cache", cache, "--external-timeout", "300ms", "--external-retries", "0"}

	code, stdout, stderr := runSplit(args...)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d (want 0: broken links are warnings)\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	r3 := "content/dialogues/d/r3.md"
	want := []string{
		r3 + ":9:5: warning: external link " + srv.URL + "/gone: 404 Not Found\n",
		r3 + ":12: warning: external link " + srv.URL + "/gone#part: 404 Not Found\n",
		r3 + ":13: warning: external link " + srv.URL + "/moved-gone: 404 Not Found\n",
		r3 + ":13: warning: external link " + srv.URL + "/slow: timed out after 300ms\n",
		"(4 warnings)\n",
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	for _, good := range []string{"/ok", "/moved:", "/moved\n", "/get-only", "mailto", "r1.md"} {
		if strings.Contains(stderr, srv.URL+good) || strings.Contains(stderr, "link "+good) {
			t.Errorf("%s reported as broken:\n%s", good, stderr)
		}
	}
	first := srv.total()
	if first == 0 {
		t.Fatal("no request reached the server")
	}

	// Within the max age: every result, good and bad, comes from the cache.
	code, _, stderr2 := runSplit(append(args, "--strict")...)
	if n := srv.total(); n != first {
		t.Errorf("second run within the max age made %d requests", n-first)
	}
	if code != 1 || !strings.Contains(stderr2, r3+":12: error: external link "+srv.URL+"/gone#part: 404 Not Found\n") || !strings.Contains(stderr2, "4 errors, 0 warnings") {
		t.Errorf("--strict: exit %d, want 1 with the cached failures as errors\n%s", code, stderr2)
	}

	// A max age of 0 checks again; so does a run without a cache file.
	runSplit(append(args, "--external-max-age", "0")...)
	second := srv.total()
	if second <= first {
		t.Errorf("--external-max-age 0 made no request")
	}
	runSplit("check", "--source", dir, "--external", "--external-timeout", "300ms", "--external-retries", "0")
	if srv.total() <= second {
		t.Errorf("a run without --external-cache made no request")
	}

	// Other formats carry the code.
	_, stdout, _ = runSplit(append(args, "--format", "json")...)
	if !strings.Contains(stdout, `"severity":"warning","code":"broken-external-link","message":"external link `+srv.URL+`/gone: 404 Not Found"`) {
		t.Errorf("json:\n%s", stdout)
	}

	// Without --external nothing is requested.
	before := srv.total()
	if code, out := runCLI("check", "--source", dir); code != 0 || srv.total() != before {
		t.Errorf("plain check: exit %d, %d requests\n%s", code, srv.total()-before, out)
	}
}

func TestCheckExternalUsage(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--external", "--external-max-age", "a week"}, `--external-max-age: invalid max age "a week"`},
		{[]string{"check", "--external", "--external-max-age", "-1d"}, "invalid max age"},
		{[]string{"check", "--external", "--external-timeout", "0s"}, "--external-timeout must be positive"},
		{[]string{"check", "--external", "--external-retries", "-1"}, "--external-retries must be 0 or more"},
		{[]string{"build", "--external"}, "flag provided but not defined: -external"},
		{[]string{"check", "--external", "--external-cache", dir}, "external links: link cache"},
	} {
		code, out := runCLI(append(c.args, "--source", dir)...)
		wantCode := 2
		if strings.HasPrefix(c.want, "external links:") {
			wantCode = 1 // the cache path is a folder: an I/O failure, not usage
		}
		if code != wantCode || !strings.Contains(out, c.want) {
			t.Errorf("%q: exit %d, want %d with %q\n%s", c.args, code, wantCode, c.want, out)
		}
	}
}
