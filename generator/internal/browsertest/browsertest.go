// Package browsertest is the harness for tests that look at the built site
// the way readers and validators do: in headless Chromium, with axe-core,
// and with the Nu Html Checker.
//
// It takes a built site as Files (site-relative path → bytes, e.g. from
// Build, or ReadDir over an output folder) and gives:
//
//   - Serve: a loopback httptest server for the files under a base path,
//     answering unknown paths with 404.html and status 404, and logging
//     every request with its size (for transfer budgets);
//   - Start: one headless Chromium per call (flags in Start), stopped by
//     t.Cleanup; Browser.Tab opens a tab with helpers to navigate, set the
//     viewport, emulate prefers-color-scheme, evaluate JavaScript (Eval),
//     measure horizontal overflow, and run axe-core (vendored in axe/);
//   - CheckHTML: the Nu Html Checker over in-memory documents.
//
// Tools that are missing (no Chromium, no Java, VNU_JAR unset) make a test
// skip with a message saying what to install, unless BRIEFINGS_REQUIRE_BROWSER
// is 1 (CI sets it in .ci/run): then the test fails, so CI cannot pass by
// skipping. Nothing here sleeps or asserts on time; a hung browser is caught
// by go test's own -timeout.
package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// RequireEnv names the variable that turns missing browser tools from a
// skip into a failure.
const RequireEnv = "BRIEFINGS_REQUIRE_BROWSER"

// Required reports whether the environment demands the browser tools.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Unavailable skips the test with a message, or fails it when Required.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("%s (%s=1, so this is a failure, not a skip)", msg, RequireEnv)
	}
	t.Skip(msg)
}

// ChromiumPath returns the browser to drive: $BRIEFINGS_CHROMIUM if set,
// else the first of chromium, chromium-browser, google-chrome on PATH or in
// /usr/bin. Without one, the test is Unavailable.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("BRIEFINGS_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			Unavailable(t, "BRIEFINGS_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Unavailable(t, "no Chromium found: install it (apt-get install chromium) or set BRIEFINGS_CHROMIUM; .ci/run installs it")
	return ""
}

// VNUJar returns the path of the Nu Html Checker's jar from $VNU_JAR and
// checks that java runs it; otherwise the test is Unavailable.
func VNUJar(t testing.TB) string {
	t.Helper()
	jar := os.Getenv("VNU_JAR")
	if jar == "" {
		Unavailable(t, "set VNU_JAR to vnu.jar (npm install vnu-jar; it is in node_modules/vnu-jar/build/dist/) to run the Nu Html Checker; .ci/run does")
		return ""
	}
	if _, err := os.Stat(jar); err != nil {
		Unavailable(t, "VNU_JAR=%s: %v", jar, err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		Unavailable(t, "the Nu Html Checker needs java (apt-get install default-jre-headless): %v", err)
	}
	return jar
}

// Browser is one headless Chromium process.
type Browser struct {
	ctx context.Context // a chromedp context whose browser is running
}

// Start launches headless Chromium with a fresh profile in a temporary
// folder; t.Cleanup stops it and removes the profile.
func Start(t testing.TB) *Browser {
	t.Helper()
	exe := ChromiumPath(t)
	profile, err := os.MkdirTemp("", "briefings-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true), // classic scrollbars would eat into clientWidth
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc() // waits for the browser process to exit
		removeProfile(profile)
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", exe, err)
	}
	return &Browser{ctx: ctx}
}

// removeProfile deletes the profile folder. Chromium's helpers can still be
// writing into it for a moment after the browser exits, so RemoveAll is
// retried; what remains is left in the temporary folder, never an error.
func removeProfile(dir string) {
	for range 20 {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Tab is one browser tab. Its methods run in the tab's context; a Tab is
// not for concurrent use, but several tabs of one Browser may run in
// parallel.
type Tab struct {
	ctx context.Context
}

// Tab opens a new tab, closed by t.Cleanup.
func (b *Browser) Tab(t testing.TB) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return &Tab{ctx: ctx}
}

// Context is the tab's chromedp context, for actions this package does not
// wrap (chromedp.Run(tab.Context(), chromedp.Click(...))).
func (p *Tab) Context() context.Context { return p.ctx }

// Navigate loads url and waits for its load event.
func (p *Tab) Navigate(url string) error {
	return chromedp.Do(p.ctx, chromedp.Navigate(url))
}

// Viewport sets the tab's viewport in CSS pixels (device scale 1).
func (p *Tab) Viewport(width, height int) error {
	return chromedp.Do(p.ctx, chromedp.EmulateViewport(int64(width), int64(height)))
}

// ColorScheme emulates prefers-color-scheme: "light" or "dark" ("" resets).
// It stays in force across navigations.
func (p *Tab) ColorScheme(scheme string) error {
	params := emulation.SetEmulatedMediaParams{}
	if scheme != "" {
		params.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	}
	_, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, params)
	return err
}

// Media emulates a CSS media type such as "print" ("" resets).
func (p *Tab) Media(media string) error {
	_, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
	return err
}

// PressTab presses the Tab key once, moving keyboard focus as a reader
// would.
func (p *Tab) PressTab() error {
	return chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Tab))
}

// Eval evaluates a JavaScript expression in the tab and decodes its value
// (JSON) into T. A promise is awaited.
func Eval[T any](p *Tab, expr string) (T, error) {
	return chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// Overflow is the document's horizontal extent against its viewport.
type Overflow struct {
	ScrollWidth int `json:"scrollWidth"`
	ClientWidth int `json:"clientWidth"`
	// Widest lists up to five elements that reach past the viewport's right
	// edge, as "tag.class (right edge px)", to say what to fix.
	Widest []string `json:"widest"`
}

// Scrolls reports whether the page scrolls horizontally.
func (o Overflow) Scrolls() bool { return o.ScrollWidth > o.ClientWidth }

// HorizontalOverflow measures document.documentElement's scroll width
// against its client width.
func (p *Tab) HorizontalOverflow() (Overflow, error) {
	return Eval[Overflow](p, `(() => {
  const d = document.documentElement, w = d.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5) wide.push([r.right, el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' (' + Math.round(r.right) + 'px)']);
  }
  wide.sort((a, b) => b[0] - a[0]);
  return {scrollWidth: d.scrollWidth, clientWidth: w, widest: wide.slice(0, 5).map(x => x[1])};
})()`)
}

//go:embed axe/axe.min.js
var axeSource string

// Violation is one failed axe-core rule with the elements that fail it.
type Violation struct {
	ID      string          `json:"id"`
	Impact  string          `json:"impact"`
	Help    string          `json:"help"`
	HelpURL string          `json:"helpUrl"`
	Nodes   []ViolationNode `json:"nodes"`
}

// ViolationNode is one failing element.
type ViolationNode struct {
	Target  json.RawMessage `json:"target"` // CSS selector path(s)
	HTML    string          `json:"html"`
	Summary string          `json:"summary"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %s %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
	}
	return b.String()
}

// ColourRules are the axe-core rules whose outcome depends on colours
// alone; a page already checked in one colour scheme needs only these in
// another (same DOM, other colours).
var ColourRules = []string{"color-contrast", "link-in-text-block"}

// Axe injects axe-core into the current page and runs every rule it runs
// by default (WCAG 2.0–2.2 A and AA, and best practices), or only the
// rules named, returning the violations. Incomplete results (needing a
// human) are not returned.
func (p *Tab) Axe(rules ...string) ([]Violation, error) {
	if err := chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		return nil, fmt.Errorf("injecting axe-core: %w", err)
	}
	only := "[]"
	if len(rules) > 0 {
		b, err := json.Marshal(rules)
		if err != nil {
			return nil, err
		}
		only = string(b)
	}
	vs, err := Eval[[]Violation](p, `((only) => axe.run(document, only.length ? {resultTypes: ['violations'], runOnly: {type: 'rule', values: only}} : {resultTypes: ['violations']}))(`+only+`).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
  nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary || ''}))
})))`)
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	return vs, nil
}
