package browsertest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The harness must see what it is meant to see: these pages are built to
// fail each check once, so a harness that silently checks nothing fails here.
var harnessFiles = Files{
	"index.html": []byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Fine</title></head>
<body><main><h1>Fine</h1><p>A page with no problems.</p></main></body></html>`),
	"bad/index.html": []byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Bad</title></head>
<body><main><h1>Bad</h1><img src="x.png"><div style="width:2000px">wide</div></main></body></html>`),
	"dark/index.html": []byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Dark</title>
<style>@media (prefers-color-scheme: dark) { p { color: #222; background: #111; } }</style></head>
<body><main><h1>Dark</h1><p>Readable only in light mode.</p></main></body></html>`),
	"404.html": []byte(`<!DOCTYPE html><html lang="en"><head><title>Not found</title></head><body><h1>Not found</h1></body></html>`),
}

func TestServer(t *testing.T) {
	s := Serve(t, harnessFiles, "/base/")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"", 200, "<title>Fine</title>"},
		{"bad/", 200, "<title>Bad</title>"},
		{"bad", 301, ""},
		{"missing/", 404, "<title>Not found</title>"},
		{"../index.html", 404, "Not found"},
	} {
		resp, err := client.Get(s.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
			t.Errorf("GET %s: %d %.60q, want %d with %q", tc.path, resp.StatusCode, body, tc.status, tc.body)
		}
		if tc.status == 200 && resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", tc.path, resp.Header.Get("Content-Type"))
		}
	}
	reqs := s.Requests()
	if len(reqs) != 5 || reqs[0].Bytes != len(harnessFiles["index.html"]) || reqs[3].Status != 404 {
		t.Errorf("request log = %+v", reqs)
	}
	s.Reset()
	if len(s.Requests()) != 0 {
		t.Error("Reset kept requests")
	}
}

func TestHarnessSeesProblems(t *testing.T) {
	b := Start(t)
	s := Serve(t, harnessFiles, "/")
	tab := b.Tab(t)
	if err := tab.Viewport(375, 700); err != nil {
		t.Fatal(err)
	}

	if err := tab.Navigate(s.URL); err != nil {
		t.Fatal(err)
	}
	if vs, err := tab.Axe(); err != nil || len(vs) != 0 {
		t.Errorf("fine page: axe = %v, %v; want no violations", vs, err)
	}
	if o, err := tab.HorizontalOverflow(); err != nil || o.Scrolls() {
		t.Errorf("fine page: overflow = %+v, %v", o, err)
	}

	if err := tab.Navigate(s.URL + "bad/"); err != nil {
		t.Fatal(err)
	}
	vs, err := tab.Axe()
	if err != nil {
		t.Fatal(err)
	}
	if !hasRule(vs, "image-alt") {
		t.Errorf("bad page: axe found %v, want image-alt", vs)
	}
	if o, err := tab.HorizontalOverflow(); err != nil || !o.Scrolls() || len(o.Widest) == 0 {
		t.Errorf("bad page: overflow = %+v, %v; want a horizontal scroll", o, err)
	}

	// Contrast that fails only in dark mode is seen only when emulating it.
	if err := tab.Navigate(s.URL + "dark/"); err != nil {
		t.Fatal(err)
	}
	if vs, err := tab.Axe(); err != nil || hasRule(vs, "color-contrast") {
		t.Errorf("dark page in light mode: axe = %v, %v", vs, err)
	}
	if err := tab.ColorScheme("dark"); err != nil {
		t.Fatal(err)
	}
	dark, err := Eval[bool](tab, `matchMedia('(prefers-color-scheme: dark)').matches`)
	if err != nil || !dark {
		t.Fatalf("prefers-color-scheme: dark not emulated: %v %v", dark, err)
	}
	if vs, err := tab.Axe(); err != nil || !hasRule(vs, "color-contrast") {
		t.Errorf("dark page in dark mode: axe = %v, %v; want color-contrast", vs, err)
	}
}

func hasRule(vs []Violation, id string) bool {
	for _, v := range vs {
		if v.ID == id {
			return true
		}
	}
	return false
}

// TestCheckHTMLFindsErrors runs the checker once over a valid and an
// invalid document: it must fail naming only the invalid one.
func TestCheckHTMLFindsErrors(t *testing.T) {
	VNUJar(t)
	t.Parallel()
	ft := &recordingT{TB: t} // records the failure instead of failing t
	CheckHTML(ft, map[string][]byte{
		"good.html": harnessFiles["index.html"],
		"bad.html":  []byte(`<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div></p></body></html>`),
	}, "")
	if !ft.failed || !strings.Contains(ft.msg, "bad.html") || strings.Contains(ft.msg, "good.html\"") {
		t.Errorf("CheckHTML did not report exactly the invalid document: failed=%v\n%s", ft.failed, ft.msg)
	}
}

// recordingT records Errorf instead of failing the real test.
type recordingT struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recordingT) Helper() {}
func (r *recordingT) Errorf(format string, args ...any) {
	r.failed = true
	r.msg += fmt.Sprintf(format, args...)
}
