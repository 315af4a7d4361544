package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"briefings/generator/internal/build"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/linkcheck"
)

// externalFlags are check's --external* flags.
type externalFlags struct {
	enabled bool
	maxAge  string
	cache   string
	timeout time.Duration
	retries int
}

func (e *externalFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&e.enabled, "external", false, "also check external links (sources' URLs and links in bodies); a failure is a warning unless --strict")
	fs.StringVar(&e.maxAge, "external-max-age", "7d", "reuse results in --external-cache younger than this (e.g. 7d, 12h; 0 re-checks everything)")
	fs.StringVar(&e.cache, "external-cache", "", "JSON file caching external link results between runs (none by default)")
	fs.DurationVar(&e.timeout, "external-timeout", linkcheck.DefaultTimeout, "time limit for one external link, redirects included")
	fs.IntVar(&e.retries, "external-retries", linkcheck.DefaultRetries, "retries after a timeout, a network error, 429 or 5xx (with backoff)")
}

// options validates the flags into linkcheck options. The error is a usage
// error.
func (e *externalFlags) options() (linkcheck.Options, error) {
	var opts linkcheck.Options
	maxAge, err := linkcheck.ParseMaxAge(e.maxAge)
	if err != nil {
		return opts, fmt.Errorf("--external-max-age: %w", err)
	}
	if maxAge == 0 {
		maxAge = -1 // linkcheck: negative never reuses; zero would mean its default
	}
	if e.timeout <= 0 {
		return opts, fmt.Errorf("--external-timeout must be positive, got %s", e.timeout)
	}
	if e.retries < 0 {
		return opts, fmt.Errorf("--external-retries must be 0 or more, got %d", e.retries)
	}
	retries := e.retries
	if retries == 0 {
		retries = -1 // linkcheck: negative means none; zero would mean its default
	}
	return linkcheck.Options{
		Timeout:   e.timeout,
		Retries:   retries,
		CachePath: e.cache,
		MaxAge:    maxAge,
	}, nil
}

// checkExternal runs check and then the external link check, and returns
// the result with both kinds of diagnostics, sorted. A failure of the link
// checker itself (an unreadable cache file) becomes res.Err.
func checkExternal(ctx context.Context, opts build.Options, lopts linkcheck.Options) build.Result {
	res, links := build.CheckLinks(opts)
	if res.Err != nil {
		return res
	}
	targets := make([]linkcheck.Target, len(links))
	for i, l := range links {
		targets[i] = linkcheck.Target{URL: l.URL, Pos: l.Pos}
	}
	ds, _, err := linkcheck.Check(ctx, targets, lopts, opts.Strict)
	if err != nil {
		res.Err = fmt.Errorf("external links: %w", err)
	}
	if len(ds) > 0 {
		res.Diagnostics = append(res.Diagnostics, ds...)
		diag.Sort(res.Diagnostics)
	}
	return res
}
