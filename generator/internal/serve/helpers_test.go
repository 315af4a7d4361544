package serve

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

// deadline is how long a test waits for something that should happen at
// once; generous, because the CI machine is small and busy.
const deadline = 30 * time.Second

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

// siteFS loads testdata/site.txtar.
func siteFS(t *testing.T) fstest.MapFS {
	t.Helper()
	a, err := txtar.ParseFile("testdata/site.txtar")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range a.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return fsys
}

// siteDir writes testdata/site.txtar into a temporary folder.
func siteDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range siteFS(t) {
		writeFile(t, filepath.Join(dir, name), string(f.Data))
	}
	return dir
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// logBuffer is a goroutine-safe io.Writer for Options.Log.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testServer is a Server behind a real loopback listener.
type testServer struct {
	*Server
	t    *testing.T
	addr string // host:port
	url  string // http://host:port
}

// newHTTPServer serves a site read from fsys (no watcher); the first build
// has run when it returns.
func newHTTPServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts.Port = ln.Addr().(*net.TCPAddr).Port
	if opts.Log == nil {
		opts.Log = &logBuffer{}
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Rebuild(nil)
	srv := &http.Server{Handler: s.Handler()}
	srv.RegisterOnShutdown(s.hub.close)
	go srv.Serve(ln)
	t.Cleanup(func() {
		s.hub.close()
		srv.Close()
	})
	return &testServer{Server: s, t: t, addr: ln.Addr().String(), url: "http://" + ln.Addr().String()}
}

// startServe runs the whole dev server (watcher included) on the site
// folder opts.Source until the test ends.
func startServe(t *testing.T, opts Options) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts.Port = ln.Addr().(*net.TCPAddr).Port
	if opts.Log == nil {
		opts.Log = &logBuffer{}
	}
	ready := make(chan string, 1)
	opts.Ready = func(u string) { ready <- u }
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(deadline):
			t.Errorf("serve did not stop")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", opts.Log.(*logBuffer).String())
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(deadline):
		t.Fatal("serve did not start")
	}
	return &testServer{Server: s, t: t, addr: ln.Addr().String(), url: "http://" + ln.Addr().String()}
}

// get fetches a path and returns the response with its body read.
func (ts *testServer) get(path string, header ...string) (*http.Response, string) {
	ts.t.Helper()
	req, err := http.NewRequest("GET", ts.url+path, nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return ts.do(req)
}

func (ts *testServer) do(req *http.Request) (*http.Response, string) {
	ts.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return res, string(b)
}

// raw sends a request line as written (no client-side cleaning) and
// returns the status code and body.
func (ts *testServer) raw(target string, host string) (int, string) {
	ts.t.Helper()
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(deadline))
	if host == "" {
		host = ts.addr
	}
	if _, err := io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n"); err != nil {
		ts.t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		ts.t.Fatalf("GET %s: %v", target, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// page strips what serve injects, giving the bytes the build made.
func page(body string) string {
	i := strings.Index(body, injectStart)
	j := strings.Index(body, injectEnd)
	if i < 0 || j < i {
		return body
	}
	return body[:i] + body[j+len(injectEnd):]
}

// sseClient reads the live-reload stream.
type sseClient struct {
	t      *testing.T
	res    *http.Response
	events chan sseEvent
}

type sseEvent struct{ name, data string }

func (ts *testServer) listen(header ...string) *sseClient {
	ts.t.Helper()
	return ts.listenURL(ts.url+EventsPath, header...)
}

func (ts *testServer) listenURL(target string, header ...string) *sseClient {
	ts.t.Helper()
	req, _ := http.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		ts.t.Fatalf("event stream: %s", res.Status)
	}
	c := &sseClient{t: ts.t, res: res, events: make(chan sseEvent, 100)}
	ts.t.Cleanup(func() { res.Body.Close() })
	go func() {
		defer close(c.events)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					c.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return c
}

// next returns the next event, failing the test after the deadline.
func (c *sseClient) next() sseEvent {
	c.t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			c.t.Fatal("event stream closed")
		}
		return ev
	case <-time.After(deadline):
		c.t.Fatal("no event")
	}
	return sseEvent{}
}

// siteID is the id of the served build.
func (s *Server) siteID() string {
	if st := s.state.Load(); st.site != nil {
		return st.site.id
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }
