package serve

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// FuzzServePath sends fuzzed request targets to the dev server's handler
// (checklist 37): whatever the path, the answer is never a 500, never
// bytes from outside the site (a file beside the site folder holds a
// marker), a 200 is exactly a file of the build or of static/, and a
// redirect stays on this server under the base path; anything else is
// 400, 404, 405, or 403 for an absolute-form target naming another host
// (the DNS-rebinding check). Seeded from the
// checklist's path attacks and the site's own URLs.
func FuzzServePath(f *testing.F) {
	root := f.TempDir()
	dir := filepath.Join(root, "site")
	a, err := txtar.ParseFile("testdata/site.txtar")
	if err != nil {
		f.Fatal(err)
	}
	want := map[string]bool{} // every body a 200 may have
	for _, file := range a.Files {
		p := filepath.Join(dir, filepath.FromSlash(file.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, file.Data, 0o644); err != nil {
			f.Fatal(err)
		}
		if strings.HasPrefix(file.Name, "static/") {
			want[string(file.Data)] = true
		}
	}
	const secret = "OUTSIDE-THE-SITE-7f3a"
	for _, name := range []string{"secret.txt", "site/../secret2.txt", "index.html"} {
		os.WriteFile(filepath.Join(root, name), []byte(secret), 0o644)
	}
	s, err := New(Options{Source: dir, Port: 8080, BaseURL: "http://127.0.0.1:8080/b/"})
	if err != nil {
		f.Fatal(err)
	}
	if info := s.Rebuild(nil); info.Snapshot.Failed {
		f.Fatalf("site does not build: %v", info.Snapshot.Diagnostics)
	}
	// After the build listed it, a static file becomes a link out.
	readme := filepath.Join(dir, "static", "docs", "readme.txt")
	os.Remove(readme)
	os.Symlink(filepath.Join(root, "secret.txt"), readme)
	for name, fl := range s.state.Load().site.files {
		want[string(fl.data)] = true
		f.Add("/b/" + strings.TrimSuffix(name, "index.html"))
	}
	for _, p := range []string{
		"/b/../../etc/passwd", "/../../secret.txt", "/b/%2e%2e/%2e%2e/secret.txt", "/b/%252e%252e/", "/b/..%2f..%2fsecret.txt",
		"/b/..%5c..%5csecret.txt", `/b/..\..\secret.txt`, "/b/dialogues../x", "/b-leak/", "/b/.git/config", "/b/.hugo_build.lock",
		"/b/docs/readme.txt", "/b/docs/", "/b/%00", "/b//etc/passwd", "//b/x", "/b", "/b/docs", "http://evil.example/b/", "*", "/b/?q=1#x",
		"/b/dialogues/alpha/one", "/b/%2F%2Fevil.example", "/b/%E2%80%AE", "/b/" + strings.Repeat("a/", 300), EventsPath + "x",
	} {
		f.Add(p)
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")))
		if err != nil {
			return // net/http answers 400 before any handler runs
		}
		if req.URL.Path == EventsPath {
			return // the event stream never ends; it is tested elsewhere
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if rec.Code >= 500 {
			t.Fatalf("GET %q: status %d: %s", target, rec.Code, body)
		}
		if bytes.Contains(body, []byte(secret)) {
			t.Fatalf("GET %q: a file outside the site was served", target)
		}
		switch {
		case rec.Code == 200:
			if !want[page(string(body))] {
				t.Fatalf("GET %q: 200 with %d bytes that are no file of the site", target, len(body))
			}
		case rec.Code >= 300 && rec.Code < 400:
			// The query is passed through as sent; only the path decides
			// where a browser goes ("/b?\\" may redirect to "/b/?\\").
			loc, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
			if !strings.HasPrefix(loc, "/b/") || strings.HasPrefix(loc, "//") || strings.Contains(loc, "\\") {
				t.Fatalf("GET %q: redirect to %q leaves the site", target, loc)
			}
		case rec.Code != 400 && rec.Code != 403 && rec.Code != 404 && rec.Code != 405:
			t.Fatalf("GET %q: unexpected status %d", target, rec.Code)
		}
	})
}
