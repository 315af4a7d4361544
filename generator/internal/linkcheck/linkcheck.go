// Package linkcheck checks that external links still answer, for
// `check --external`.
//
// Input is a list of Targets: an absolute URL and the place in the site
// source where it was written (a round's source URL, a link in a Markdown
// body). The same URL may appear at many places; it is requested once.
// Only http and https URLs are checked; every other scheme (mailto:,
// relative paths, ftp:) is skipped silently. A fragment is not part of what
// is fetched, so "https://x/a#one" and "https://x/a#two" share one request.
//
// Each distinct URL is asked with HEAD; when the server answers 405 or 501
// to HEAD it is asked again with GET (reading at most a few KB of the body).
// Redirects are followed up to 10 hops; a loop fails at once. A 2xx answer
// is OK. 429, 5xx, timeouts and network errors are retried (Options.Retries
// times, waiting BackoffBase, 2×BackoffBase, 4×BackoffBase … between
// attempts, with no jitter); any other status fails at once.
//
// Politeness: at most Options.Concurrency requests run at a time in total,
// and never two to one host (host:port) at a time, redirect hops included.
//
// Results may be cached in a JSON file (Options.CachePath). A cached result,
// good or bad, younger than Options.MaxAge is reused without a request;
// older ones are checked again and dropped from the file when it is next
// written. The file is written atomically (temporary file and rename). A
// file that cannot be parsed is ignored and rebuilt. Delete the file to
// force every URL to be checked again.
//
// Check returns one diagnostic per failing Target position, with code
// "broken-external-link" and severity Warning (Error when strict), sorted
// with diag.Sort; and one Result per checked URL, sorted by URL. Both are
// deterministic for the same answers from the network. Check itself fails
// only when ctx is cancelled or the cache file cannot be read or written;
// in the second case the diagnostics and results are still returned.
package linkcheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"briefings/generator/internal/diag"
)

// Code is the diagnostic code of a failing external link.
const Code = "broken-external-link"

// Defaults used for zero Options fields.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultRetries     = 2
	DefaultBackoffBase = 500 * time.Millisecond
	DefaultMaxAge      = 7 * 24 * time.Hour
	DefaultConcurrency = 8
	DefaultUserAgent   = "briefings-linkcheck/1"

	// maxRedirects is how many redirect hops are followed.
	maxRedirects = 10
	// maxBodyRead is how much of a GET body is read before closing it.
	maxBodyRead = 4 << 10
)

// Target is one place where an external URL is written.
type Target struct {
	URL string
	Pos diag.Pos
}

// Options tune Check. The zero value is usable.
type Options struct {
	// Client sends the requests. Nil means a default client whose
	// transport keeps at most one connection per host. Check works on a
	// copy: it replaces the copy's CheckRedirect and wraps its Transport
	// to serialise requests per host.
	Client *http.Client
	// Timeout bounds each request: waiting for the host's turn, the
	// redirect hops and reading the body. A GET after a refused HEAD gets
	// its own Timeout. Zero means DefaultTimeout.
	Timeout time.Duration
	// Retries is how many times a retryable failure is tried again. Zero
	// means DefaultRetries; a negative value means no retries.
	Retries int
	// BackoffBase is the wait before the first retry; it doubles for each
	// later one. Zero means DefaultBackoffBase.
	BackoffBase time.Duration
	// CachePath is the JSON cache file; "" means no cache.
	CachePath string
	// MaxAge is how long a cached result is reused. Zero means
	// DefaultMaxAge; a negative value means cached results are never
	// reused (the cache is still written).
	MaxAge time.Duration
	// Concurrency is the number of requests in flight in total. Zero or
	// negative means DefaultConcurrency.
	Concurrency int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// UserAgent is sent with every request; "" means DefaultUserAgent.
	UserAgent string
}

// Result is what was found for one URL.
type Result struct {
	URL       string    // as requested: the fragment removed
	Status    int       // final HTTP status; 0 when none was received
	Err       string    // why the link failed, e.g. "404 Not Found"; "" when OK
	OK        bool      // a 2xx answer was received
	Checked   time.Time // when the answer was received
	FromCache bool      // reused from the cache file, no request made
}

// Check checks every distinct http(s) URL of targets once and reports the
// failing ones at every position where they are written. See the package
// documentation for the rules.
func Check(ctx context.Context, targets []Target, opts Options, strict bool) ([]diag.Diagnostic, []Result, error) {
	opts = opts.withDefaults()

	// Group positions by the URL that is fetched.
	type use struct {
		written string
		pos     diag.Pos
	}
	uses := map[string][]use{}
	invalid := map[string]string{} // fetch key → reason it cannot be requested
	for _, t := range targets {
		key, why, ok := fetchKey(t.URL)
		if !ok {
			continue
		}
		if why != "" {
			invalid[key] = why
		}
		uses[key] = append(uses[key], use{t.URL, t.Pos})
	}
	keys := make([]string, 0, len(uses))
	for k := range uses {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	c, cacheErr := loadCache(opts.CachePath)
	if cacheErr != nil {
		return nil, nil, cacheErr
	}

	now := opts.Now()
	results := make(map[string]Result, len(keys))
	var todo []string
	for _, k := range keys {
		if why, bad := invalid[k]; bad {
			results[k] = Result{URL: k, Err: why, Checked: now}
			continue
		}
		if r, ok := c.fresh(k, now, opts.MaxAge); ok {
			results[k] = r
			continue
		}
		todo = append(todo, k)
	}

	ck := newChecker(opts)
	checked, err := ck.run(ctx, todo)
	ck.close()
	for k, r := range checked {
		results[k] = r
	}
	if err != nil {
		// Keep what was learned before the cancellation.
		_ = c.save(opts.CachePath, checked, opts.Now(), opts.MaxAge)
		return nil, nil, err
	}
	cacheErr = c.save(opts.CachePath, checked, opts.Now(), opts.MaxAge)

	sev := diag.Warning
	if strict {
		sev = diag.Error
	}
	var ds []diag.Diagnostic
	out := make([]Result, 0, len(keys))
	for _, k := range keys {
		r := results[k]
		out = append(out, r)
		if r.OK {
			continue
		}
		for _, u := range uses[k] {
			ds = append(ds, diag.Diagnostic{
				Pos:      u.pos,
				Severity: sev,
				Code:     Code,
				Message:  fmt.Sprintf("external link %s: %s", u.written, r.Err),
			})
		}
	}
	diag.Sort(ds)
	ds = dedup(ds)
	return ds, out, cacheErr
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = DefaultBackoffBase
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	return o
}

// fetchKey returns the URL to request for raw (trimmed, fragment removed).
// ok is false when raw is not an http(s) URL and must be skipped; why is
// non-empty when it is one but cannot be requested.
func fetchKey(raw string) (key, why string, ok bool) {
	s := strings.TrimSpace(raw)
	scheme, _, found := strings.Cut(s, ":")
	if !found {
		return "", "", false
	}
	scheme = strings.ToLower(scheme)
	if scheme != "http" && scheme != "https" {
		return "", "", false
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return s, "invalid URL: " + err.Error(), true
	}
	if u.Host == "" {
		return s, "invalid URL: no host", true
	}
	return s, "", true
}

// hostKey names the host a request goes to, with the default port filled
// in, so "http://x" and "http://x:80" share one slot.
func hostKey(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		} else {
			port = "80"
		}
	}
	return net.JoinHostPort(host, port)
}

func dedup(ds []diag.Diagnostic) []diag.Diagnostic {
	out := ds[:0]
	for i, d := range ds {
		if i > 0 && d == ds[i-1] {
			continue
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// hostGate lets one request per host through at a time.
type hostGate struct {
	mu    sync.Mutex
	slots map[string]chan struct{}
}

func (g *hostGate) slot(host string) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.slots == nil {
		g.slots = map[string]chan struct{}{}
	}
	ch, ok := g.slots[host]
	if !ok {
		ch = make(chan struct{}, 1)
		g.slots[host] = ch
	}
	return ch
}
