package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func TestPathAttacks(t *testing.T) {
	ts := newHTTPServer(t, Options{FS: siteFS(t)})
	for _, target := range []string{
		"/../../etc/passwd",
		"/about/../../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/%2E%2E/config.yaml",
		"/%252e%252e/%252e%252e/etc/passwd",
		"/..%2f..%2fetc/passwd",
		"/..%2F..%2Fconfig.yaml",
		"/..%5c..%5cconfig.yaml",
		"/..\\..\\config.yaml",
		"/dialogues../x",
		"/public-leak/",
		"/.git/config",
		"/.hugo_build.lock",
		"/dialogues/.hidden",
		"/./about/",
		"//etc/passwd",
		"/about/%00",
		"/config.yaml",
		"/content/about.md",
		"/static/app.js",
		"/assets/",
		"/docs/",
		"/data/",
		"/" + strings.Repeat("a", 10<<10),
	} {
		code, body := ts.raw(target, "")
		if code != 400 && code != 404 {
			t.Errorf("GET %.60s: status %d, want 400 or 404", target, code)
		}
		for _, leak := range []string{"root:", "base_url", "title: About"} {
			if strings.Contains(body, leak) {
				t.Errorf("GET %.60s: response leaks %q", target, leak)
			}
		}
		if strings.Contains(body, "<li><a href=") && code == 200 {
			t.Errorf("GET %.60s: looks like a directory listing", target)
		}
	}
	if code, _ := ts.raw("/about/", ""); code != 200 {
		t.Errorf("GET /about/: status %d, the server is not answering normal requests", code)
	}
}

// TestStaticSymlinks replaces served static files and the static folder
// itself with symlinks pointing outside, after the build that listed them.
func TestStaticSymlinks(t *testing.T) {
	dir := siteDir(t)
	outside := filepath.Join(t.TempDir(), "secret.txt")
	writeFile(t, outside, "TOP SECRET")
	ts := newHTTPServer(t, Options{Source: dir})
	if res, body := ts.get("/docs/readme.txt"); res.StatusCode != 200 || !strings.Contains(body, "0123") {
		t.Fatalf("static file before: %s %q", res.Status, body)
	}
	readme := filepath.Join(dir, "static/docs/readme.txt")
	os.Remove(readme)
	if err := os.Symlink(outside, readme); err != nil {
		t.Skip("cannot make symlinks:", err)
	}
	if res, body := ts.get("/docs/readme.txt"); res.StatusCode != 404 || strings.Contains(body, "SECRET") {
		t.Errorf("symlinked file: %s %q", res.Status, body)
	}
	// A symlinked folder on the way.
	os.RemoveAll(filepath.Join(dir, "static/docs"))
	os.Symlink(filepath.Dir(outside), filepath.Join(dir, "static/docs"))
	os.Rename(outside, filepath.Join(filepath.Dir(outside), "readme.txt"))
	if res, body := ts.get("/docs/readme.txt"); res.StatusCode != 404 || strings.Contains(body, "SECRET") {
		t.Errorf("file under a symlinked folder: %s %q", res.Status, body)
	}
	// static/ itself replaced by a link to a folder holding app.js.
	writeFile(t, filepath.Join(filepath.Dir(outside), "app.js"), "SECRET JS")
	os.RemoveAll(filepath.Join(dir, "static"))
	os.Symlink(filepath.Dir(outside), filepath.Join(dir, "static"))
	if res, body := ts.get("/app.js"); res.StatusCode != 404 || strings.Contains(body, "SECRET") {
		t.Errorf("symlinked static/: %s %q", res.Status, body)
	}
}

func TestHostCheck(t *testing.T) {
	ts := newHTTPServer(t, Options{FS: siteFS(t)})
	port := ts.port
	for host, want := range map[string]int{
		"127.0.0.1:" + port:          200,
		"localhost:" + port:          200,
		"LOCALHOST:" + port:          200,
		"[::1]:" + port:              200,
		"evil.example":               403,
		"evil.example:" + port:       403,
		"127.0.0.1:1":                403,
		"localhost":                  403,
		"127.0.0.1.nip.io:" + port:   403,
		"10.0.0.1:" + port:           403,
		"attacker.localhost:" + port: 403,
	} {
		res, _ := ts.get("/", "Host", host)
		if res.StatusCode != want {
			t.Errorf("Host %s: %s, want %d", host, res.Status, want)
		}
		if res.StatusCode == 403 {
			res, _ := ts.get(EventsPath, "Host", host)
			if res.StatusCode != 403 {
				t.Errorf("event stream with Host %s: %s, want 403", host, res.Status)
			}
		}
	}
}

func TestHostCheckWildcardBind(t *testing.T) {
	s, err := New(Options{FS: siteFS(t), Bind: "0.0.0.0", Port: 8080})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"192.168.1.20:8080": true, "[fe80::1]:8080": true, "localhost:8080": true,
		"evil.example:8080": false, "192.168.1.20:9": false,
	} {
		if got := s.hostOK(host); got != want {
			t.Errorf("wildcard bind, Host %s: %v, want %v", host, got, want)
		}
	}
	if got := s.URL(); got != "http://127.0.0.1:8080/" {
		t.Errorf("URL() = %s", got)
	}
}

func TestContentTypesAndHeaders(t *testing.T) {
	// A hostile MIME registry must not matter.
	for _, ext := range []string{".js", ".css", ".svg", ".json"} {
		mime.AddExtensionType(ext, "application/x-wrong")
	}
	ts := newHTTPServer(t, Options{FS: siteFS(t)})
	for path, want := range map[string]string{
		"/":                        "text/html; charset=utf-8",
		"/about/":                  "text/html; charset=utf-8",
		"/assets/style.css":        "text/css; charset=utf-8",
		"/extra.css":               "text/css; charset=utf-8",
		"/app.js":                  "text/javascript; charset=utf-8",
		"/mod.mjs":                 "text/javascript; charset=utf-8",
		"/data.json":               "application/json",
		"/feed.xml":                "application/xml; charset=utf-8",
		"/data/feed-like.xml":      "application/xml; charset=utf-8",
		"/logo.svg":                "image/svg+xml",
		"/font.woff2":              "font/woff2",
		"/docs/readme.txt":         "text/plain; charset=utf-8",
		"/dialogues/alpha/one/":    "text/html; charset=utf-8",
		"/participants/lee-ha-na/": "text/html; charset=utf-8",
	} {
		res, _ := ts.get(path)
		if res.StatusCode != 200 {
			t.Errorf("%s: %s", path, res.Status)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", path, got, want)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
		if res.Header.Get("ETag") == "" {
			t.Errorf("%s: no ETag", path)
		}
	}
	res, body := ts.get("/app.js")
	if strings.Contains(body, injectStart) {
		t.Errorf("script injected into JavaScript")
	}
	if res.Header.Get("Content-Length") != fmt.Sprint(len(body)) {
		t.Errorf("Content-Length %s for %d bytes", res.Header.Get("Content-Length"), len(body))
	}
	_, body = ts.get("/about/")
	if !strings.Contains(body, injectStart) || !strings.Contains(body, EventsPath) {
		t.Errorf("live-reload script missing from HTML")
	}
	if strings.Index(body, injectStart) > strings.LastIndex(body, "</body>") {
		t.Errorf("script not before </body>")
	}
}

func TestNotFoundAndRedirects(t *testing.T) {
	ts := newHTTPServer(t, Options{FS: siteFS(t)})
	res, body := ts.get("/no/such/page/")
	if res.StatusCode != 404 {
		t.Errorf("missing page: %s", res.Status)
	}
	if !strings.Contains(body, "<html") || !strings.Contains(page(body), "Serve test") {
		t.Errorf("404 body is not the site's 404.html:\n%.300s", body)
	}
	if res.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("404 headers: %v", res.Header)
	}
	req, _ := http.NewRequest("HEAD", ts.url+"/no/such/page/", nil)
	if res, body := ts.do(req); res.StatusCode != 404 || body != "" {
		t.Errorf("HEAD of a missing page: %s, %d bytes", res.Status, len(body))
	}
	// "x" redirects to "x/" only when x/index.html exists.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := client.Get(ts.url + "/dialogues/alpha?x=1")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 301 || r.Header.Get("Location") != "/dialogues/alpha/?x=1" {
		t.Errorf("redirect: %s to %q", r.Status, r.Header.Get("Location"))
	}
	req, _ = http.NewRequest("POST", ts.url+"/about/", nil)
	if res, _ := ts.do(req); res.StatusCode != 405 {
		t.Errorf("POST: %s", res.Status)
	}
}

func TestBasePath(t *testing.T) {
	fsys := siteFS(t)
	ts := newHTTPServer(t, Options{FS: fsys, BaseURL: "http://127.0.0.1:1/briefings/"})
	if res, body := ts.get("/briefings/about/"); res.StatusCode != 200 || !strings.Contains(body, `href="/briefings/assets/style.css"`) {
		t.Errorf("/briefings/about/: %s", res.Status)
	}
	if res, _ := ts.get("/briefings/app.js"); res.StatusCode != 200 {
		t.Errorf("static under the base path: %s", res.Status)
	}
	if res, _ := ts.get("/about/"); res.StatusCode != 404 {
		t.Errorf("/about/ outside the base path: %s", res.Status)
	}
	res, _ := ts.get("/briefings")
	if res.Request.URL.Path != "/briefings/" {
		t.Errorf("/briefings was not redirected to /briefings/")
	}
}

func TestRangeAndConditional(t *testing.T) {
	ts := newHTTPServer(t, Options{FS: siteFS(t)})
	full := "0123456789abcdefghijklmnopqrstuvwxyz\n"
	cases := []struct {
		rng    string
		status int
		body   string
	}{
		{"bytes=0-0", 206, "0"},
		{"bytes=-10", 206, full[len(full)-10:]},
		{"bytes=10-", 206, full[10:]},
		{"bytes=1000-2000", 416, ""},
		{"bytes=" + strings.TrimSuffix(strings.Repeat("0-30,", 1000), ","), 200, full}, // overlapping ranges: whole file
	}
	for _, c := range cases {
		res, body := ts.get("/docs/readme.txt", "Range", c.rng)
		if res.StatusCode != c.status || (c.body != "" && body != c.body) {
			t.Errorf("Range %.30s: %s %q, want %d %q", c.rng, res.Status, body, c.status, c.body)
		}
	}
	// The same on a generated page, injected script included.
	res, body := ts.get("/about/", "Range", "bytes=0-14")
	if res.StatusCode != 206 || body != "<!DOCTYPE html>" {
		t.Errorf("range of a page: %s %q", res.Status, body)
	}
	for _, path := range []string{"/about/", "/docs/readme.txt", "/assets/style.css"} {
		res, _ := ts.get(path)
		tag, mod := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
		if r2, _ := ts.get(path); r2.Header.Get("ETag") != tag {
			t.Errorf("%s: ETag not stable: %s then %s", path, tag, r2.Header.Get("ETag"))
		}
		if r, body := ts.get(path, "If-None-Match", tag); r.StatusCode != 304 || body != "" {
			t.Errorf("%s If-None-Match: %s", path, r.Status)
		}
		if r, _ := ts.get(path, "If-None-Match", `"other"`); r.StatusCode != 200 {
			t.Errorf("%s If-None-Match other: %s", path, r.Status)
		}
		if mod == "" {
			t.Errorf("%s: no Last-Modified", path)
			continue
		}
		if r, _ := ts.get(path, "If-Modified-Since", mod); r.StatusCode != 304 {
			t.Errorf("%s If-Modified-Since: %s", path, r.Status)
		}
	}
	req, _ := http.NewRequest("HEAD", ts.url+"/about/", nil)
	res, body = ts.do(req)
	getRes, getBody := ts.get("/about/")
	if res.StatusCode != 200 || body != "" || res.Header.Get("Content-Length") != fmt.Sprint(len(getBody)) || res.Header.Get("ETag") != getRes.Header.Get("ETag") {
		t.Errorf("HEAD: %s, %d bytes, length %s (GET %d bytes)", res.Status, len(body), res.Header.Get("Content-Length"), len(getBody))
	}
}

// TestOverlay breaks a file, checks that every page shows the errors while
// the last good build is still served, and that the fix clears them.
func TestOverlay(t *testing.T) {
	fsys := siteFS(t)
	ts := newHTTPServer(t, Options{FS: fsys})
	ev := ts.listen()
	if e := ev.next(); e.name != "hello" || strings.Contains(e.data, `"errors":[`) {
		t.Fatalf("first event %v", e)
	}
	good := fsys["content/about.md"].Data
	fsys["content/about.md"] = &fstest.MapFile{Data: []byte("---\ntitle: About\ndate: [\n---\nBroken.\n")}
	info := ts.Rebuild([]string{"content/about.md"})
	if !info.Snapshot.Failed || info.Event != "errors" {
		t.Fatalf("broken build: failed %v, event %s", info.Snapshot.Failed, info.Event)
	}
	e := ev.next()
	if e.name != "errors" || !strings.Contains(e.data, "content/about.md:3") {
		t.Errorf("errors event: %v", e)
	}
	for _, path := range []string{"/about/", "/", "/dialogues/alpha/one/", "/no-such-page/"} {
		res, body := ts.get(path)
		if !strings.Contains(body, `id="`+overlayID+`"`) || !strings.Contains(body, "content/about.md:3") {
			t.Errorf("%s while failing: no overlay with the error (%s)", path, res.Status)
		}
		if path == "/about/" && (!strings.Contains(body, "About this archive") || strings.Contains(body, "Broken.")) {
			t.Errorf("%s while failing: not the last good build", path)
		}
	}
	if _, body := ts.get("/app.js"); strings.Contains(body, overlayID) {
		t.Errorf("overlay injected into JavaScript")
	}
	// A tab opened now hears about the errors at once.
	if e := ts.listen().next(); e.name != "hello" || !strings.Contains(e.data, "content/about.md:3") {
		t.Errorf("hello while failing: %v", e)
	}
	// Messages are escaped in the page.
	fsys["content/about.md"] = &fstest.MapFile{Data: []byte("---\ntitle: About\n<script>x: [\n---\n")}
	ts.Rebuild([]string{"content/about.md"})
	ev.next()
	if _, body := ts.get("/about/"); strings.Contains(page(body), "<script>x") || strings.Contains(body, "<script>x") {
		t.Errorf("error message not escaped:\n%s", body)
	}

	fsys["content/about.md"] = &fstest.MapFile{Data: good}
	info = ts.Rebuild([]string{"content/about.md"})
	if info.Snapshot.Failed || info.Event != "reload" {
		t.Fatalf("fixed build: failed %v, event %s: %v", info.Snapshot.Failed, info.Event, info.Snapshot.Diagnostics)
	}
	e = ev.next()
	var d struct{ ID string }
	json.Unmarshal([]byte(e.data), &d)
	if e.name != "reload" || d.ID != ts.siteID() {
		t.Errorf("after the fix: %v, want reload to %s", e, ts.siteID())
	}
	if _, body := ts.get("/about/"); strings.Contains(body, overlayID+`"`) && strings.Contains(body, "<pre") {
		t.Errorf("overlay still shown after the fix")
	}
}

func TestFirstBuildFails(t *testing.T) {
	fsys := siteFS(t)
	good := fsys["config.yaml"].Data
	fsys["config.yaml"] = &fstest.MapFile{Data: []byte("title: x\nbase_urll: https://example.org/\n")}
	ts := newHTTPServer(t, Options{FS: fsys})
	res, body := ts.get("/about/")
	if res.StatusCode != 503 || !strings.Contains(body, "config.yaml:2") || !strings.Contains(body, EventsPath) {
		t.Errorf("before any good build: %s\n%s", res.Status, body)
	}
	fsys["config.yaml"] = &fstest.MapFile{Data: good}
	ts.Rebuild([]string{"config.yaml"})
	if res, _ := ts.get("/about/"); res.StatusCode != 200 {
		t.Errorf("after the fix: %s", res.Status)
	}
}

// TestPanicInBuild: a panic during a rebuild is a failed build, not a dead
// server, and the next build starts from scratch.
func TestPanicInBuild(t *testing.T) {
	var mu sync.Mutex
	explode := false
	opts := Options{FS: siteFS(t), beforeBuild: func([]string) {
		mu.Lock()
		defer mu.Unlock()
		if explode {
			explode = false
			panic("boom")
		}
	}}
	ts := newHTTPServer(t, opts)
	mu.Lock()
	explode = true
	mu.Unlock()
	info := ts.Rebuild([]string{"content/about.md"})
	if !info.Snapshot.Failed || !strings.Contains(info.Snapshot.Diagnostics[0].Message, "boom") {
		t.Fatalf("panicking build: %+v", info.Snapshot.Diagnostics)
	}
	if res, body := ts.get("/about/"); res.StatusCode != 200 || !strings.Contains(body, "boom") {
		t.Errorf("after a panic: %s, overlay shown: %v", res.Status, strings.Contains(body, "boom"))
	}
	if info := ts.Rebuild([]string{"content/about.md"}); info.Snapshot.Failed {
		t.Errorf("build after a panic: %v", info.Snapshot.Diagnostics)
	}
}

func TestEventsOrigin(t *testing.T) {
	ts := newHTTPServer(t, Options{FS: siteFS(t)})
	for _, c := range []struct {
		header []string
		want   int
	}{
		{[]string{"Origin", "http://evil.example"}, 403},
		{[]string{"Origin", "null"}, 403},
		{[]string{"Origin", "http://" + ts.addr + ".evil.example"}, 403},
		{[]string{"Sec-Fetch-Site", "cross-site"}, 403},
		{[]string{"Origin", "http://" + ts.addr, "Sec-Fetch-Site", "same-origin"}, 200},
	} {
		req, _ := http.NewRequest("GET", ts.url+EventsPath, nil)
		for i := 0; i < len(c.header); i += 2 {
			req.Header.Set(c.header[i], c.header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("%v: %s, want %d", c.header, res.Status, c.want)
		}
	}
}

// TestReloadAfterSwap checks that the reload event comes after the new
// build is served, and that a CSS-only change swaps stylesheets instead.
func TestReloadAfterSwap(t *testing.T) {
	fsys := siteFS(t)
	ts := newHTTPServer(t, Options{FS: fsys})
	ev := ts.listen("Origin", ts.url)
	hello := ev.next()
	if hello.name != "hello" || !strings.Contains(hello.data, ts.siteID()) {
		t.Fatalf("hello: %v", hello)
	}
	fsys["content/dialogues/alpha/one.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Alpha one renamed\ndate: 2020-05-01\nround: 1\nparticipants: [Lee Ha-na]\n---\n")}
	go ts.Rebuild([]string{"content/dialogues/alpha/one.md"})
	e := ev.next()
	if e.name != "reload" {
		t.Fatalf("event %v, want reload", e)
	}
	// The event comes after the swap: the page is already new.
	if _, body := ts.get("/dialogues/alpha/one/"); !strings.Contains(body, "Alpha one renamed") {
		t.Errorf("reload event before the new page is served")
	}
	fsys["static/extra.css"] = &fstest.MapFile{Data: []byte("body { color: red; }")}
	ts.Rebuild([]string{"static/extra.css"})
	if e := ev.next(); e.name != "css" || !strings.Contains(e.data, `"/extra.css"`) {
		t.Errorf("CSS-only change: %v", e)
	}
	fsys["static/app.js"] = &fstest.MapFile{Data: []byte("console.log(2)")}
	ts.Rebuild([]string{"static/app.js"})
	if e := ev.next(); e.name != "reload" {
		t.Errorf("JS change: %v, want reload", e)
	}
}

func TestSlowClientsDropped(t *testing.T) {
	h := newHub()
	slow, _ := h.add("")
	fast, _ := h.add("")
	for i := 0; i < clientQueue+5; i++ {
		h.broadcast([]byte("x"))
		select {
		case <-fast.msgs:
		default:
		}
	}
	select {
	case <-slow.gone:
	default:
		t.Errorf("a client that never reads was not dropped")
	}
	select {
	case <-fast.gone:
		t.Errorf("a client that keeps up was dropped")
	default:
	}
	h.close()
	select {
	case <-fast.gone:
	default:
		t.Errorf("close did not drop the clients")
	}
	if _, ok := h.add(""); ok {
		t.Errorf("a closed hub accepted a client")
	}
}

// TestNoTornPages fetches pages from many clients while the site is
// rebuilt; every response must be one of the builds' pages.
func TestNoTornPages(t *testing.T) {
	fsys := siteFS(t)
	ts := newHTTPServer(t, Options{FS: fsys})
	paths := []string{"/dialogues/alpha/one/", "/", "/dialogues/alpha/", "/archive/", "/feed.xml"}
	var mu sync.Mutex
	versions := map[string]map[string]bool{}
	record := func() {
		mu.Lock()
		defer mu.Unlock()
		st := ts.state.Load()
		for _, p := range paths {
			name := strings.TrimPrefix(p, "/")
			if name == "" || strings.HasSuffix(name, "/") {
				name += "index.html"
			}
			if versions[p] == nil {
				versions[p] = map[string]bool{}
			}
			versions[p][string(st.site.files[name].data)] = true
		}
	}
	record()
	const rebuilds = 12
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad sync.Map
	var got sync.Map
	for c := 0; c < 16; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := paths[(c+i)%len(paths)]
				res, err := http.Get(ts.url + p)
				if err != nil {
					bad.Store(p, err.Error())
					return
				}
				var b bytes.Buffer
				b.ReadFrom(res.Body)
				res.Body.Close()
				got.Store(fmt.Sprint(c, i), [2]string{p, page(b.String())})
			}
		}(c)
	}
	for i := 1; i <= rebuilds; i++ {
		fsys["content/dialogues/alpha/one.md"] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\ntitle: Alpha one v%d\ndate: 2020-05-01\nround: 1\nparticipants: [Lee Ha-na]\n---\n%s\n", i, strings.Repeat("Text. ", 500*i))}
		if info := ts.Rebuild([]string{"content/dialogues/alpha/one.md"}); info.Snapshot.Failed {
			t.Fatal(info.Snapshot.Diagnostics)
		}
		record()
	}
	close(stop)
	wg.Wait()
	bad.Range(func(k, v any) bool { t.Errorf("%v: %v", k, v); return true })
	n := 0
	got.Range(func(_, v any) bool {
		r := v.([2]string)
		n++
		if !versions[r[0]][r[1]] {
			t.Errorf("%s: response is none of the builds' pages (%d bytes)", r[0], len(r[1]))
			return false
		}
		return true
	})
	if n == 0 {
		t.Fatal("no responses")
	}
}

// TestShutdown: cancelling the context (Ctrl-C) stops Run even with
// live-reload clients connected and a build that never finishes.
func TestShutdown(t *testing.T) {
	dir := siteDir(t)
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{}, 1)
	builds := 0
	var mu sync.Mutex
	opts := Options{Source: dir, Quiet: time.Millisecond, beforeBuild: func([]string) {
		mu.Lock()
		builds++
		n := builds
		mu.Unlock()
		if n > 1 {
			started <- struct{}{}
			<-release // a rebuild stuck for as long as the test lasts
		}
	}}
	ready := make(chan string, 1)
	opts.Ready = func(u string) { ready <- u }
	opts.Log = &logBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	var url string
	select {
	case url = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(deadline):
		t.Fatal("not serving")
	}
	res, err := http.Get(url + strings.TrimPrefix(EventsPath, "/"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	buf := make([]byte, 100)
	res.Body.Read(buf) // the hello
	writeFile(t, filepath.Join(dir, "content/about.md"), "---\ntitle: About again\n---\n")
	select {
	case <-started:
	case <-time.After(deadline):
		t.Fatal("the edit did not start a rebuild")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after Ctrl-C: %v", err)
		}
	case <-time.After(deadline):
		t.Fatal("Run did not return after its context was cancelled")
	}
	if _, err := io.ReadAll(res.Body); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Logf("event stream ended with %v", err)
	}
}

func TestRunPortInUse(t *testing.T) {
	ts := newHTTPServer(t, Options{FS: siteFS(t)})
	err := Run(waitCtx(t), Options{Source: siteDir(t), Port: atoiPort(t, ts.port)})
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "--port") {
		t.Errorf("port in use: %v", err)
	}
	err = Run(waitCtx(t), Options{Source: filepath.Join(t.TempDir(), "missing")})
	if err == nil || !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "no such") {
		t.Errorf("missing site folder: %v", err)
	}
}

func atoiPort(t *testing.T, s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// listenAt opens the live-reload stream as the script of the page at
// urlPath does.
func (ts *testServer) listenAt(urlPath string) *sseClient {
	ts.t.Helper()
	return ts.listenURL(ts.url + EventsPath + "?path=" + url.QueryEscape(urlPath))
}

// TestReloadOnlyChangedPages: every event names the current tag of the
// page the client shows, so only the page whose bytes changed reloads; the
// pages open in browsers are served and announced before the rest of the
// site is rendered (BuildInfo.Early); a change a page's bytes do not show
// (a script) sends no tag, so every page reloads.
func TestReloadOnlyChangedPages(t *testing.T) {
	fsys := siteFS(t)
	ts := newHTTPServer(t, Options{FS: fsys})
	tagOf := func(urlPath string) string {
		_, body := ts.get(urlPath)
		return etag([]byte(page(body)))
	}
	tagIn := func(ev sseEvent) string {
		var d struct {
			Tag string `json:"tag"`
		}
		if err := json.Unmarshal([]byte(ev.data), &d); err != nil {
			t.Fatalf("event data %q: %v", ev.data, err)
		}
		return d.Tag
	}
	const edited, other = "/dialogues/alpha/one/", "/about/"
	before, otherTag := tagOf(edited), tagOf(other)
	a, b := ts.listenAt(edited), ts.listenAt(other)
	if ev := a.next(); ev.name != "hello" || tagIn(ev) != before {
		t.Fatalf("hello of the edited page: %v, want tag %s", ev, before)
	}
	if ev := b.next(); ev.name != "hello" || tagIn(ev) != otherTag {
		t.Fatalf("hello of the other page: %v, want tag %s", ev, otherTag)
	}

	fsys["content/dialogues/alpha/one.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Alpha one\ndate: 2020-05-01\nround: 1\nparticipants: [Lee Ha-na, Kim Min-jun]\ntopics: [Trade]\n---\nFirst round text, edited.\n")}
	info := ts.Rebuild([]string{"content/dialogues/alpha/one.md"})
	if info.Early <= 0 || info.Early > info.Duration {
		t.Errorf("Early = %v (build %v): the open page was not served before the rest", info.Early, info.Duration)
	}
	after := tagOf(edited)
	if after == before {
		t.Fatal("the edit did not change the page")
	}
	// The early announcement and the final one both name the new tag.
	for i := range 2 {
		if ev := a.next(); ev.name != "reload" || tagIn(ev) != after {
			t.Errorf("event %d for the edited page: %v, want reload with tag %s", i, ev, after)
		}
	}
	for i := range 2 {
		if ev := b.next(); ev.name != "reload" || tagIn(ev) != otherTag {
			t.Errorf("event %d for the other page: %v, want its unchanged tag %s", i, ev, otherTag)
		}
	}

	fsys["static/app.js"] = &fstest.MapFile{Data: []byte("console.log(3)")}
	ts.Rebuild([]string{"static/app.js"})
	if ev := b.next(); ev.name != "reload" || tagIn(ev) != "" {
		t.Errorf("script change: %v, want a reload without a tag", ev)
	}
}
