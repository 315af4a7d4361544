package serve

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// hub fans live-reload messages out to the connected browsers. A client
// whose queue is full is dropped rather than waited for, so one stalled tab
// never delays the others or the build loop.
type hub struct {
	mu      sync.Mutex
	clients map[*client]bool
	closed  bool
}

type client struct {
	msgs chan []byte
	gone chan struct{} // closed when the hub drops the client
	page string        // output path of the page it shows ("" unknown)
}

// clientQueue is how many messages may wait for a slow client.
const clientQueue = 8

func newHub() *hub { return &hub{clients: map[*client]bool{}} }

// add registers a client showing page; false once the hub is closed.
func (h *hub) add(page string) (*client, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	c := &client{msgs: make(chan []byte, clientQueue), gone: make(chan struct{}), page: page}
	h.clients[c] = true
	return c, true
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(c)
}

func (h *hub) drop(c *client) {
	if h.clients[c] {
		delete(h.clients, c)
		close(c.gone)
	}
}

// broadcast queues msg for every client without blocking.
func (h *hub) broadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.msgs <- msg:
		default:
			h.drop(c) // too slow: it reconnects and gets the current state
		}
	}
}

// send queues, for every client, the message msg makes for the page it
// shows (made once per page), without blocking.
func (h *hub) send(msg func(page string) []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	byPage := map[string][]byte{}
	for c := range h.clients {
		m, ok := byPage[c.page]
		if !ok {
			m = msg(c.page)
			byPage[c.page] = m
		}
		select {
		case c.msgs <- m:
		default:
			h.drop(c)
		}
	}
}

// close drops every client and refuses new ones (shutdown).
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		h.drop(c)
	}
}

// pages lists the pages the clients show, sorted, at most max of them.
func (h *hub) pages(max int) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for c := range h.clients {
		if c.page != "" && !seen[c.page] {
			seen[c.page] = true
			out = append(out, c.page)
		}
	}
	slices.Sort(out)
	return out[:min(len(out), max)]
}

func (h *hub) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// pageOf maps the URL path a live-reload client says it shows (the
// script sends location.pathname) to the output path of that page, or "".
func (s *Server) pageOf(urlPath string) string {
	rel, ok := strings.CutPrefix(urlPath, s.basePath)
	if !ok || strings.ContainsAny(rel, "\\\x00") || strings.Contains("/"+rel, "/.") {
		return ""
	}
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
	}
	return rel
}

// Timing of the event stream.
const (
	sseWriteTimeout = 10 * time.Second // a client that stops reading is cut off
	sseHeartbeat    = 20 * time.Second // keeps proxies and sleeping laptops honest
)

// events serves the live-reload stream: a "hello" with the current build
// and errors, then "reload", "css" and "errors" events as builds finish.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Only our own pages may listen (the Host is already checked).
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		http.Error(w, "403 forbidden: the live-reload stream is only for pages of this server", http.StatusForbidden)
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		http.Error(w, "403 forbidden: the live-reload stream is only for pages of this server", http.StatusForbidden)
		return
	}
	c, ok := s.hub.add(s.pageOf(r.URL.Query().Get("path")))
	if !ok {
		http.Error(w, "503 shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.remove(c)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	write := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	w.WriteHeader(http.StatusOK)
	// Subscribed first, state read second: a build that finishes in
	// between is announced again by its own queued event.
	st := s.state.Load()
	hello := map[string]any{"id": "", "errors": st.errors}
	if st.site != nil {
		hello["id"] = st.site.id
		if tag, ok := st.site.tag(c.page); ok {
			hello["tag"] = tag
		}
	}
	if !write(append([]byte("retry: 1000\n"), sseMessage("hello", hello)...)) {
		return
	}
	tick := time.NewTicker(sseHeartbeat)
	defer tick.Stop()
	for {
		select {
		case msg := <-c.msgs:
			if !write(msg) {
				return
			}
		case <-tick.C:
			if !write([]byte(": ping\n\n")) {
				return
			}
		case <-c.gone:
			return
		case <-r.Context().Done():
			return
		}
	}
}
