package serve

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// contentTypes is fixed so responses do not depend on the OS MIME registry.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".xml":         "application/xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".pdf":         "application/pdf",
	".wasm":        "application/wasm",
	".zip":         "application/zip",
	".mp4":         "video/mp4",
	".webm":        "video/webm",
	".mp3":         "audio/mpeg",
}

// contentType is the type of a file by its extension, else sniffed.
func contentType(name string, head []byte) string {
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return http.DetectContentType(head)
}

func isHTML(ct string) bool { return strings.HasPrefix(ct, "text/html") }

// Handler serves the site.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			fmt.Fprintf(s.opts.Log, "serve: internal error answering %s: %v\n", r.URL.Path, p)
			http.Error(w, "500 internal error (a bug in the dev server)", http.StatusInternalServerError)
		}
	}()
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if !s.hostOK(r.Host) {
		http.Error(w, "403 forbidden: this dev server answers only to its own address (Host "+strconv.Quote(r.Host)+" refused)", http.StatusForbidden)
		return
	}
	if r.URL.Path == EventsPath && r.URL.RawPath == "" {
		s.events(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	st := s.state.Load()
	p, status := cleanPath(r)
	switch status {
	case http.StatusBadRequest:
		http.Error(w, "400 bad request: path not allowed", http.StatusBadRequest)
		return
	case http.StatusNotFound:
		s.notFound(w, r, st)
		return
	}
	if p+"/" == s.basePath {
		s.redirect(w, r, s.basePath)
		return
	}
	rel, ok := strings.CutPrefix(p, s.basePath)
	if !ok {
		s.notFound(w, r, st)
		return
	}
	if st.site == nil {
		s.noBuild(w, r, st)
		return
	}
	name := rel
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if f, ok := st.site.files[name]; ok {
		s.serveBytes(w, r, st, name, f.data, f.mod)
		return
	}
	if st.site.static[name] && s.serveStatic(w, r, st, name) {
		return
	}
	if !strings.HasSuffix(name, "/index.html") && name != "index.html" {
		dir := name + "/index.html"
		if _, ok := st.site.files[dir]; ok || st.site.static[dir] {
			s.redirect(w, r, s.basePath+name+"/")
			return
		}
	}
	s.notFound(w, r, st)
}

// cleanPath checks the request path. It returns the decoded path, or 400
// for "." or ".." segments (however encoded), backslashes, NUL or a path
// that is not absolute, and 404 for dotfiles and empty segments.
func cleanPath(r *http.Request) (string, int) {
	if r.URL.Opaque != "" {
		return "", http.StatusBadRequest
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", http.StatusBadRequest
	}
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		switch {
		case seg == "." || seg == "..":
			return "", http.StatusBadRequest
		case seg == "" && i != len(segs)-1:
			return "", http.StatusNotFound
		case strings.HasPrefix(seg, "."):
			return "", http.StatusNotFound
		}
	}
	return p, http.StatusOK
}

// hostOK implements the DNS-rebinding check: the Host header must name
// this server (or, on a wildcard bind, any IP address) with its port.
func (s *Server) hostOK(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "80"
	}
	if port != s.port {
		return false
	}
	host = strings.ToLower(host)
	if s.hosts[host] {
		return true
	}
	// Rebinding needs a DNS name; an IP literal cannot be rebound.
	return s.wildcard && net.ParseIP(host) != nil
}

func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string) {
	loc := (&url.URL{Path: to}).EscapedPath()
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, loc, http.StatusMovedPermanently)
}

// serveBytes serves one file held in memory, with the live-reload script
// when it is HTML.
func (s *Server) serveBytes(w http.ResponseWriter, r *http.Request, st *state, name string, data []byte, mod time.Time) {
	ct := contentType(name, data[:min(len(data), 512)])
	if isHTML(ct) {
		data = inject(data, st, etag(data))
		if st.since.After(mod) {
			mod = st.since // the overlay changed the page
		}
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("ETag", etag(data))
	http.ServeContent(w, r, name, mod, bytes.NewReader(data))
}

func etag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// notFound answers 404 with the site's 404.html.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, st *state) {
	body := []byte("404 page not found\n")
	ct := "text/plain; charset=utf-8"
	if st.site != nil {
		if f, ok := st.site.files["404.html"]; ok {
			body, ct = inject(f.data, st, ""), "text/html; charset=utf-8"
		}
	}
	s.writeStatus(w, r, http.StatusNotFound, ct, body)
}

// noBuild answers while no build has succeeded: the errors, and a script
// that reloads once the site builds.
func (s *Server) noBuild(w http.ResponseWriter, r *http.Request, st *state) {
	s.writeStatus(w, r, http.StatusServiceUnavailable, "text/html; charset=utf-8", errorPage(st))
}

func (s *Server) writeStatus(w http.ResponseWriter, r *http.Request, code int, ct string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// serveStatic serves a file of static/ listed by the last good build. It
// never follows a symlink, and opens the file through os.Root so nothing
// outside static/ can be reached even if the tree changes meanwhile. It
// returns false when the file is gone or not a regular file.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, st *state, name string) bool {
	if st.site.staticFS != nil {
		return s.serveStaticFS(w, r, st, name)
	}
	root, err := openStaticRoot(filepath.Join(s.opts.Source, "static"))
	if err != nil {
		return false
	}
	defer root.Close()
	parts := strings.Split(name, "/")
	for i := range parts {
		info, err := root.Lstat(strings.Join(parts[:i+1], "/"))
		if err != nil || info.Mode()&fs.ModeSymlink != 0 {
			return false
		}
	}
	f, err := root.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	ct := contentType(name, head[:n])
	if isHTML(ct) && info.Size() < 32<<20 {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return false
		}
		data, err := io.ReadAll(f)
		if err != nil {
			return false
		}
		s.serveBytes(w, r, st, name, data, info.ModTime())
		return true
	}
	tag, err := s.staticETag(f, name, info)
	if err != nil {
		return false
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("ETag", tag)
	http.ServeContent(w, r, name, info.ModTime(), f)
	return true
}

// openStaticRoot opens static/ as an os.Root, refusing it when it is a
// symlink (os.OpenRoot would follow it), also when it is swapped for one
// while being opened.
func openStaticRoot(dir string) (*os.Root, error) {
	before, err := os.Lstat(dir)
	if err != nil {
		return nil, err
	}
	if !before.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	if after, err := root.Stat("."); err != nil || !os.SameFile(before, after) {
		root.Close()
		return nil, fmt.Errorf("%s changed while being opened", dir)
	}
	return root, nil
}

type staticTag struct {
	size, mtime int64
	inode       uint64
	tag         string
}

// staticETag hashes a static file once per version of it.
func (s *Server) staticETag(f *os.File, name string, info fs.FileInfo) (string, error) {
	key := staticTag{size: info.Size(), mtime: info.ModTime().UnixNano(), inode: inode(info)}
	if v, ok := s.etags.Load(name); ok {
		if t := v.(staticTag); t.size == key.size && t.mtime == key.mtime && t.inode == key.inode {
			return t.tag, nil
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	key.tag = `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
	s.etags.Store(name, key)
	return key.tag, nil
}

// serveStaticFS serves a static file from the build's fs.FS (sites read
// from Options.FS), refusing symlinks when the FS can tell.
func (s *Server) serveStaticFS(w http.ResponseWriter, r *http.Request, st *state, name string) bool {
	fsys := st.site.staticFS
	if rl, ok := fsys.(fs.ReadLinkFS); ok {
		parts := strings.Split(name, "/")
		for i := range parts {
			info, err := rl.Lstat(strings.Join(parts[:i+1], "/"))
			if err != nil || info.Mode()&fs.ModeSymlink != 0 {
				return false
			}
		}
	}
	info, err := fs.Stat(fsys, name)
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(s.opts.Log, "serve: static/%s: %v\n", name, err)
		}
		return false
	}
	mod := info.ModTime()
	if mod.IsZero() {
		mod = st.site.built
	}
	s.serveBytes(w, r, st, name, data, mod)
	return true
}
