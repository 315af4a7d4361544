package linkcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

var (
	errRedirectLoop     = errors.New("redirect loop")
	errTooManyRedirects = fmt.Errorf("more than %d redirects", maxRedirects)
)

// checker requests URLs with retries, one request per host at a time.
type checker struct {
	opts   Options
	client *http.Client
	owned  bool // client's transport was made here: close it when done
}

func newChecker(opts Options) *checker {
	var cl http.Client
	if opts.Client != nil {
		cl = *opts.Client
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxConnsPerHost = 1
		cl = http.Client{Transport: t, Timeout: opts.Timeout}
	}
	base := cl.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cl.Transport = &gatedTransport{base: base, gate: &hostGate{}}
	cl.CheckRedirect = checkRedirect
	return &checker{opts: opts, client: &cl, owned: opts.Client == nil}
}

// close releases the idle connections of a transport made by newChecker;
// a caller's client is left alone.
func (c *checker) close() {
	if c.owned {
		c.client.CloseIdleConnections()
	}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return errRedirectLoop
		}
	}
	if len(via) > maxRedirects { // via holds the first request too
		return errTooManyRedirects
	}
	return nil
}

// run checks keys and returns a result for each one finished. URLs of one
// host are checked one after another by one worker; at most
// opts.Concurrency workers run. The error is ctx.Err() when ctx ended
// before every URL was checked.
func (c *checker) run(ctx context.Context, keys []string) (map[string]Result, error) {
	byHost := map[string][]string{}
	for _, k := range keys {
		u, _ := url.Parse(k) // fetchKey has parsed it already
		h := hostKey(u)
		byHost[h] = append(byHost[h], k)
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	// Busiest hosts first: they bound the total time.
	sort.Slice(hosts, func(i, j int) bool {
		a, b := len(byHost[hosts[i]]), len(byHost[hosts[j]])
		if a != b {
			return a > b
		}
		return hosts[i] < hosts[j]
	})

	queue := make(chan string, len(hosts))
	for _, h := range hosts {
		queue <- h
	}
	close(queue)

	var (
		mu      sync.Mutex
		results = make(map[string]Result, len(keys))
		wg      sync.WaitGroup
	)
	workers := min(c.opts.Concurrency, len(hosts))
	for range workers {
		wg.Go(func() {
			for h := range queue {
				for _, k := range byHost[h] {
					r, done := c.check(ctx, k)
					if !done {
						return
					}
					mu.Lock()
					results[k] = r
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(results) < len(keys) {
		if err := ctx.Err(); err != nil {
			return results, err
		}
	}
	return results, nil
}

// outcome is the verdict of one attempt.
type outcome struct {
	status    int
	err       string
	ok        bool
	retryable bool
}

// check asks for one URL, retrying as the package documentation says.
// done is false when ctx ended first.
func (c *checker) check(ctx context.Context, key string) (r Result, done bool) {
	attempts := 1 + c.opts.Retries
	useGet := false
	var last outcome
	n := 0
	for n < attempts {
		if n > 0 {
			t := time.NewTimer(c.opts.BackoffBase << (n - 1))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return Result{}, false
			}
		}
		n++
		last = c.attempt(ctx, key, &useGet)
		if ctx.Err() != nil {
			return Result{}, false
		}
		if last.ok || !last.retryable {
			break
		}
	}
	r = Result{URL: key, Status: last.status, OK: last.ok, Err: last.err, Checked: c.opts.Now()}
	if !r.OK && n > 1 {
		r.Err = fmt.Sprintf("%s (after %d attempts)", r.Err, n)
	}
	return r, true
}

// attempt makes one HEAD request, or GET when the server refuses HEAD.
func (c *checker) attempt(ctx context.Context, key string, useGet *bool) outcome {
	if !*useGet {
		status, err := c.do(ctx, http.MethodHead, key)
		if err != nil || (status != http.StatusMethodNotAllowed && status != http.StatusNotImplemented) {
			return c.classify(status, err)
		}
		*useGet = true
	}
	return c.classify(c.do(ctx, http.MethodGet, key))
}

// do sends one request (following redirects) within opts.Timeout and
// returns the final status.
func (c *checker) do(ctx context.Context, method, key string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, key, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if method == http.MethodGet {
		// A few KB show the server really answers; the rest is not needed.
		_, _ = io.CopyN(io.Discard, resp.Body, maxBodyRead)
	}
	return resp.StatusCode, nil
}

func (c *checker) classify(status int, err error) outcome {
	if err != nil {
		switch {
		case errors.Is(err, errRedirectLoop):
			return outcome{err: errRedirectLoop.Error()}
		case errors.Is(err, errTooManyRedirects):
			return outcome{err: errTooManyRedirects.Error()}
		case isTimeout(err):
			return outcome{err: "timed out after " + c.opts.Timeout.String(), retryable: true}
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return outcome{err: err.Error(), retryable: true}
	}
	o := outcome{status: status, ok: status >= 200 && status <= 299}
	if !o.ok {
		o.err = strings.TrimSpace(fmt.Sprintf("%d %s", status, http.StatusText(status)))
		o.retryable = status == http.StatusTooManyRequests || status >= 500
	}
	return o
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// gatedTransport holds a host's slot from the start of a round trip until
// its response body is closed, so redirect hops to another host, and GET
// bodies, are serialised too.
type gatedTransport struct {
	base http.RoundTripper
	gate *hostGate
}

func (t *gatedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	slot := t.gate.slot(hostKey(req.URL))
	select {
	case slot <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	release := sync.OnceFunc(func() { <-slot })
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// wrapped transport.
func (t *gatedTransport) CloseIdleConnections() {
	if ci, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
