package browsertest

import (
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Files is a built site in memory: site-relative, slash-separated path
// ("dialogues/x/index.html") → bytes.
type Files map[string][]byte

// ReadDir reads a built output folder into Files.
func ReadDir(t testing.TB, fsys fs.FS) Files {
	t.Helper()
	out := Files{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Pages returns the paths of the HTML files, sorted.
func (f Files) Pages() []string {
	var out []string
	for p := range f {
		if strings.HasSuffix(p, ".html") {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// Request is one request the server answered.
type Request struct {
	Path   string // URL path as requested
	Status int
	Bytes  int // body bytes sent
}

// Server serves Files over loopback HTTP, the way a static host would.
type Server struct {
	URL string // absolute URL of the base path, e.g. http://127.0.0.1:41234/briefings/

	files    Files
	basePath string
	mu       sync.Mutex
	log      []Request
}

// Serve starts a server for files under basePath ("/" or "/briefings/");
// t.Cleanup stops it. A path ending in "/" serves its index.html; a folder
// without the slash redirects to it; anything else unknown gets 404.html
// with status 404.
func Serve(t testing.TB, files Files, basePath string) *Server {
	t.Helper()
	if !strings.HasPrefix(basePath, "/") || !strings.HasSuffix(basePath, "/") {
		t.Fatalf("Serve: base path %q must start and end with /", basePath)
	}
	s := &Server{files: files, basePath: basePath}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	s.URL = hs.URL + basePath
	return s
}

// Requests returns the requests answered since the last Reset, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Reset forgets the logged requests.
func (s *Server) Reset() {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, n := s.serve(w, r)
	s.mu.Lock()
	s.log = append(s.log, Request{Path: r.URL.Path, Status: status, Bytes: n})
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) (int, int) {
	p := r.URL.Path
	if rel, ok := strings.CutPrefix(p, s.basePath); ok {
		name := rel
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		if data, ok := s.files[name]; ok {
			return write(w, name, http.StatusOK, data)
		}
		if _, ok := s.files[rel+"/index.html"]; ok {
			http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
			return http.StatusMovedPermanently, 0
		}
	}
	if data, ok := s.files["404.html"]; ok {
		return write(w, "404.html", http.StatusNotFound, data)
	}
	http.NotFound(w, r)
	return http.StatusNotFound, 0
}

func write(w http.ResponseWriter, name string, status int, data []byte) (int, int) {
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	n, _ := w.Write(data)
	return status, n
}
