package linkcheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefings/generator/internal/diag"
)

// guard bounds any wait in a handler: it is never expected to elapse, it
// only keeps a broken test from hanging.
const guard = 10 * time.Second

var t0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// testOpts returns options for fast, deterministic tests.
func testOpts() Options {
	return Options{
		Timeout:     guard,
		BackoffBase: time.Millisecond,
		Now:         func() time.Time { return t0 },
	}
}

// site is a local server that counts requests per "METHOD /path".
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSite(t *testing.T, h http.Handler) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.Method+" "+r.URL.Path]++
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// count returns the requests made to path, or to every path when path is "".
func (s *site) count(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, v := range s.hits {
		m, p, _ := strings.Cut(k, " ")
		if (method == "" || m == method) && (path == "" || p == path) {
			n += v
		}
	}
	return n
}

// nth returns a handler answering the i-th request (from 1) with codes[i-1],
// and the last code after that.
func nth(codes ...int) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		w.WriteHeader(codes[min(i, len(codes)-1)])
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
}

func redirect(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to, http.StatusMovedPermanently)
	}
}

func pos(file string, line int) diag.Pos { return diag.Pos{File: file, Line: line, Col: 1} }

// one runs Check on a single URL and returns its only result.
func one(t *testing.T, u string, opts Options) (Result, []diag.Diagnostic) {
	t.Helper()
	ds, rs, err := Check(context.Background(), []Target{{URL: u, Pos: pos("content/a.md", 3)}}, opts, false)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(rs) != 1 {
		t.Fatalf("got %d results, want 1: %+v", len(rs), rs)
	}
	return rs[0], ds
}

func TestCheckAnswers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		routes  map[string]http.HandlerFunc
		path    string
		ok      bool
		status  int
		err     string // Result.Err, exactly
		hits    int    // requests to the server in all
		gets    int    // of which GET
		retries int    // Options.Retries; 0 = default (2)
	}{
		{name: "200", routes: map[string]http.HandlerFunc{"/": status(200)}, path: "/",
			ok: true, status: 200, hits: 1},
		{name: "204 is OK", routes: map[string]http.HandlerFunc{"/": status(204)}, path: "/",
			ok: true, status: 204, hits: 1},
		{name: "404 fails without retry", routes: map[string]http.HandlerFunc{"/gone": status(404)}, path: "/gone",
			status: 404, err: "404 Not Found", hits: 1},
		{name: "410 fails without retry", routes: map[string]http.HandlerFunc{"/gone": status(410)}, path: "/gone",
			status: 410, err: "410 Gone", hits: 1},
		{name: "500 then 200 succeeds on retry", routes: map[string]http.HandlerFunc{"/flaky": nth(500, 200)}, path: "/flaky",
			ok: true, status: 200, hits: 2},
		{name: "429 then 200 succeeds on retry", routes: map[string]http.HandlerFunc{"/busy": nth(429, 200)}, path: "/busy",
			ok: true, status: 200, hits: 2},
		{name: "always 500 fails after retries", routes: map[string]http.HandlerFunc{"/down": status(500)}, path: "/down",
			status: 500, err: "500 Internal Server Error (after 3 attempts)", hits: 3},
		{name: "always 503 with one retry", routes: map[string]http.HandlerFunc{"/down": status(503)}, path: "/down",
			status: 503, err: "503 Service Unavailable (after 2 attempts)", hits: 2, retries: 1},
		{name: "always 502 without retries", routes: map[string]http.HandlerFunc{"/down": status(502)}, path: "/down",
			status: 502, err: "502 Bad Gateway", hits: 1, retries: -1},
		{name: "301 to 200", routes: map[string]http.HandlerFunc{"/old": redirect("/new"), "/new": status(200)}, path: "/old",
			ok: true, status: 200, hits: 2},
		{name: "redirect chain to 404", routes: map[string]http.HandlerFunc{"/a": redirect("/b"), "/b": redirect("/c"), "/c": status(404)}, path: "/a",
			status: 404, err: "404 Not Found", hits: 3},
		{name: "redirect loop fails without retry", routes: map[string]http.HandlerFunc{"/a": redirect("/b"), "/b": redirect("/a")}, path: "/a",
			err: "redirect loop", hits: 2},
		{name: "redirect to itself", routes: map[string]http.HandlerFunc{"/self": redirect("/self")}, path: "/self",
			err: "redirect loop", hits: 1},
		{name: "endless redirects stop after 10", routes: map[string]http.HandlerFunc{"/r/": func(w http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/r/"), "%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/r/%d", n+1), http.StatusFound)
		}}, path: "/r/0", err: "more than 10 redirects", hits: 11},
		{name: "ten redirects are followed", routes: map[string]http.HandlerFunc{"/r/": func(w http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/r/"), "%d", &n)
			if n == 10 {
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/r/%d", n+1), http.StatusFound)
		}}, path: "/r/0", ok: true, status: 200, hits: 11},
		{name: "HEAD 405 falls back to GET", routes: map[string]http.HandlerFunc{"/nohead": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.WriteHeader(405)
				return
			}
			fmt.Fprint(w, strings.Repeat("briefing ", 10000))
		}}, path: "/nohead", ok: true, status: 200, hits: 2, gets: 1},
		{name: "HEAD 501 then GET 404", routes: map[string]http.HandlerFunc{"/nohead": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.WriteHeader(501)
				return
			}
			w.WriteHeader(404)
		}}, path: "/nohead", status: 404, err: "404 Not Found", hits: 2, gets: 1},
		{name: "HEAD 405 then GET 500 retries with GET only", routes: map[string]http.HandlerFunc{"/nohead": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.WriteHeader(405)
				return
			}
			w.WriteHeader(500)
		}}, path: "/nohead", status: 500, err: "500 Internal Server Error (after 3 attempts)", hits: 4, gets: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			for p, h := range tc.routes {
				mux.Handle(p, h)
			}
			s := newSite(t, mux)
			opts := testOpts()
			opts.Retries = tc.retries
			r, ds := one(t, s.URL+tc.path, opts)
			if r.OK != tc.ok || r.Status != tc.status || r.Err != tc.err {
				t.Errorf("result = %+v, want OK=%v Status=%d Err=%q", r, tc.ok, tc.status, tc.err)
			}
			if r.URL != s.URL+tc.path || r.FromCache || !r.Checked.Equal(t0) {
				t.Errorf("result = %+v, want URL %s, not from cache, checked at %v", r, s.URL+tc.path, t0)
			}
			if got := s.count("", ""); got != tc.hits {
				t.Errorf("server saw %d requests, want %d: %v", got, tc.hits, s.hits)
			}
			if got := s.count(http.MethodGet, ""); got != tc.gets {
				t.Errorf("server saw %d GET requests, want %d: %v", got, tc.gets, s.hits)
			}
			if tc.ok {
				if len(ds) != 0 {
					t.Errorf("diagnostics = %v, want none", ds)
				}
				return
			}
			want := diag.Diagnostic{
				Pos: pos("content/a.md", 3), Severity: diag.Warning, Code: Code,
				Message: fmt.Sprintf("external link %s: %s", s.URL+tc.path, tc.err),
			}
			if len(ds) != 1 || ds[0] != want {
				t.Errorf("diagnostics = %+v\nwant [%+v]", ds, want)
			}
		})
	}
}

func TestCheckTimeout(t *testing.T) {
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // longer than the client waits: until the client gives up
		case <-r.Context().Done():
		case <-time.After(guard):
		}
	}))
	opts := testOpts()
	opts.Timeout = 50 * time.Millisecond
	opts.Retries = 1
	r, ds := one(t, s.URL+"/slow", opts)
	if r.OK || r.Status != 0 || r.Err != "timed out after 50ms (after 2 attempts)" {
		t.Errorf("result = %+v, want a timeout after 2 attempts", r)
	}
	if got := s.count("", ""); got != 2 {
		t.Errorf("server saw %d requests, want 2 (timeouts are retried)", got)
	}
	if len(ds) != 1 || !strings.HasSuffix(ds[0].Message, ": timed out after 50ms (after 2 attempts)") {
		t.Errorf("diagnostics = %v", ds)
	}
}

func TestCheckNetworkError(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	u := s.URL + "/x"
	s.Close() // nothing listens there any more
	opts := testOpts()
	opts.Retries = -1
	r, ds := one(t, u, opts)
	if r.OK || r.Status != 0 || !strings.Contains(r.Err, "refused") {
		t.Errorf("result = %+v, want connection refused", r)
	}
	if len(ds) != 1 || ds[0].Code != Code {
		t.Errorf("diagnostics = %v", ds)
	}
}

func TestCheckUserAgentAndClient(t *testing.T) {
	var got atomic.Value
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.UserAgent())
	}))
	opts := testOpts()
	opts.UserAgent = "briefings-test/0"
	opts.Client = &http.Client{} // a caller's client is used, not changed
	if r, _ := one(t, s.URL, opts); !r.OK {
		t.Fatalf("result = %+v", r)
	}
	if got.Load() != "briefings-test/0" {
		t.Errorf("User-Agent = %v", got.Load())
	}
	if opts.Client.Transport != nil || opts.Client.CheckRedirect != nil {
		t.Errorf("Check changed the caller's client: %+v", opts.Client)
	}
}

// inflight counts requests being served and remembers the most at once.
type inflight struct{ now, max atomic.Int32 }

func (f *inflight) enter() {
	n := f.now.Add(1)
	for {
		m := f.max.Load()
		if n <= m || f.max.CompareAndSwap(m, n) {
			return
		}
	}
}

func (f *inflight) leave() { f.now.Add(-1) }

func TestCheckOneRequestPerHost(t *testing.T) {
	var slow inflight
	// A slow host: every answer takes a while, which gives overlapping
	// requests every chance to happen. Some paths refuse HEAD, so GET
	// bodies are read too.
	slowHost := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slow.enter()
		defer slow.leave()
		time.Sleep(20 * time.Millisecond)
		if strings.HasPrefix(r.URL.Path, "/get") && r.Method == http.MethodHead {
			w.WriteHeader(405)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	// Another host whose links all redirect to the slow one: the hops must
	// wait their turn as well.
	other := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, slowHost.URL+"/redirected"+r.URL.Path, http.StatusFound)
	}))

	var targets []Target
	for i := range 6 {
		targets = append(targets,
			Target{URL: fmt.Sprintf("%s/page/%d", slowHost.URL, i), Pos: pos("content/a.md", i+1)},
			Target{URL: fmt.Sprintf("%s/get/%d", slowHost.URL, i), Pos: pos("content/b.md", i+1)},
			Target{URL: fmt.Sprintf("%s/%d", other.URL, i), Pos: pos("content/c.md", i+1)},
		)
	}
	opts := testOpts()
	opts.Concurrency = 8
	ds, rs, err := Check(context.Background(), targets, opts, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 0 || len(rs) != 18 {
		t.Fatalf("got %d diagnostics %v and %d results, want 0 and 18", len(ds), ds, len(rs))
	}
	if got := slowHost.count("", ""); got != 6+12+6 {
		t.Errorf("slow host saw %d requests, want 24", got)
	}
	if m := slow.max.Load(); m != 1 {
		t.Errorf("slow host had %d requests in flight at once, want 1", m)
	}
}

func TestCheckHostsInParallel(t *testing.T) {
	// Each host answers only once the other one has been asked: this can
	// finish only if the two hosts are checked at the same time.
	arrived := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	var sites [2]*site
	for i := range sites {
		sites[i] = newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(arrived[i])
			select {
			case <-arrived[1-i]:
			case <-time.After(guard):
				w.WriteHeader(http.StatusGatewayTimeout)
			}
		}))
	}
	opts := testOpts()
	opts.Retries = -1
	opts.Concurrency = 2
	ds, rs, err := Check(context.Background(), []Target{
		{URL: sites[0].URL + "/x", Pos: pos("a.md", 1)},
		{URL: sites[1].URL + "/y", Pos: pos("a.md", 2)},
	}, opts, false)
	if err != nil || len(ds) != 0 || len(rs) != 2 {
		t.Fatalf("Check = %v, %+v, %v; want both hosts OK", ds, rs, err)
	}
}

func TestCheckConcurrencyLimit(t *testing.T) {
	var all inflight
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		all.enter()
		defer all.leave()
		time.Sleep(10 * time.Millisecond)
	})
	var targets []Target
	for range 6 {
		s := newSite(t, h)
		targets = append(targets, Target{URL: s.URL + "/a"}, Target{URL: s.URL + "/b"})
	}
	opts := testOpts()
	opts.Concurrency = 2
	if _, rs, err := Check(context.Background(), targets, opts, false); err != nil || len(rs) != 12 {
		t.Fatalf("Check: %d results, %v", len(rs), err)
	}
	if m := all.max.Load(); m > 2 {
		t.Errorf("%d requests in flight at once, want at most 2", m)
	}
}

func TestCheckPositionsAndOrder(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/missing", status(404))
	mux.Handle("/gone", status(410))
	mux.Handle("/fine", status(200))
	s := newSite(t, mux)
	missing, gone, fine := s.URL+"/missing", s.URL+"/gone", s.URL+"/fine"
	targets := []Target{
		{URL: missing, Pos: pos("content/z.md", 9)},
		{URL: gone, Pos: pos("content/b.md", 2)},
		{URL: missing + "#section", Pos: pos("content/a.md", 7)}, // same page
		{URL: fine, Pos: pos("content/a.md", 1)},
		{URL: missing, Pos: pos("content/a.md", 4)},
		{URL: missing, Pos: pos("content/a.md", 4)}, // written twice at one place: reported once
		{URL: "mailto:desk@example.org", Pos: pos("content/a.md", 5)},
		{URL: "/dialogues/geneva/", Pos: pos("content/a.md", 6)},
		{URL: "ftp://files.example.org/x", Pos: pos("content/a.md", 8)},
		{URL: "", Pos: pos("content/a.md", 10)},
		{URL: "#top", Pos: pos("content/a.md", 11)},
	}
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%v", strict), func(t *testing.T) {
			before := s.count("", "")
			ds, rs, err := Check(context.Background(), targets, testOpts(), strict)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.count("", "") - before; got != 3 {
				t.Errorf("%d requests, want 3 (one per distinct URL)", got)
			}
			for _, p := range []string{"/missing", "/gone", "/fine"} {
				if n := s.count("", p); n != 1+btoi(strict) {
					t.Errorf("%s requested %d times over the runs", p, n)
				}
			}
			sev := diag.Warning
			if strict {
				sev = diag.Error
			}
			d := func(p diag.Pos, u, why string) diag.Diagnostic {
				return diag.Diagnostic{Pos: p, Severity: sev, Code: Code, Message: "external link " + u + ": " + why}
			}
			want := []diag.Diagnostic{
				d(pos("content/a.md", 4), missing, "404 Not Found"),
				d(pos("content/a.md", 7), missing+"#section", "404 Not Found"),
				d(pos("content/b.md", 2), gone, "410 Gone"),
				d(pos("content/z.md", 9), missing, "404 Not Found"),
			}
			if !slices.Equal(ds, want) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", lines(ds), lines(want))
			}
			var urls []string
			for _, r := range rs {
				urls = append(urls, r.URL)
			}
			if w := []string{fine, gone, missing}; !slices.Equal(urls, w) {
				t.Errorf("result URLs = %v, want %v", urls, w)
			}
		})
	}
}

func TestCheckInvalidURL(t *testing.T) {
	ds, rs, err := Check(context.Background(), []Target{
		{URL: "http://exa mple.org/", Pos: pos("a.md", 1)},
		{URL: "https:///no-host", Pos: pos("a.md", 2)},
	}, testOpts(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || len(ds) != 2 {
		t.Fatalf("results %+v, diagnostics %v; want two of each", rs, ds)
	}
	for _, d := range ds {
		if !strings.Contains(d.Message, "invalid URL") {
			t.Errorf("diagnostic %q does not say the URL is invalid", d.Message)
		}
	}
}

func TestCheckNothingToDo(t *testing.T) {
	ds, rs, err := Check(context.Background(), nil, Options{}, true)
	if ds != nil || len(rs) != 0 || err != nil {
		t.Errorf("Check(nil) = %v, %v, %v", ds, rs, err)
	}
}

func TestCheckCancelled(t *testing.T) {
	s := newSite(t, status(200))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := Check(ctx, []Target{{URL: s.URL}}, testOpts(), false)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func lines(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\t%s\n", d)
	}
	return b.String()
}
