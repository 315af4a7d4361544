package render

import (
	"net/url"
	"path"
	"strings"

	"briefings/generator/internal/link"
)

// urls resolves site-relative paths ("dialogues/x/") against the base URL.
type urls struct {
	base     string // absolute base URL with trailing slash, e.g. https://example.org/briefings/
	basePath string // its path, e.g. /briefings/
	origin   string // scheme://host
}

func newURLs(baseURL string) urls {
	u, err := url.Parse(baseURL)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return urls{base: u.Scheme + "://" + u.Host + escapePath(p), basePath: p, origin: u.Scheme + "://" + u.Host}
}

// path returns the root-relative URL of a site-relative path; html/template
// percent-encodes it in attributes.
func (u urls) path(rel string) string { return u.basePath + rel }

// abs returns the absolute, percent-encoded URL of a site-relative path, for
// feeds, sitemaps and canonical links.
func (u urls) abs(rel string) string { return u.origin + escapePath(u.basePath+rel) }

func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// outputPath is the file a page URL is written to: "x/" → "x/index.html".
func outputPath(rel string) string {
	if rel == "" || strings.HasSuffix(rel, "/") {
		return rel + "index.html"
	}
	return rel
}

// resolver rewrites links in one content file's Markdown.
type resolver struct {
	u      urls
	file   string            // the content file, e.g. content/dialogues/x/r2.md
	byFile map[string]string // content file → site-relative URL
	drafts map[string]bool
	// content holds every file of content/, valid or not: a link to a file
	// that failed to decode is not reported again (its own errors are).
	content map[string]bool
	exists  func(rel string) bool // a generated page or static file
}

// resolve implements markdown.LinkResolver.
func (r resolver) resolve(dest string) (string, string) {
	if standsAlone(dest) {
		return dest, ""
	}
	target, suffix := dest, ""
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target, suffix = target[:i], target[i:]
	}
	if t, err := url.PathUnescape(target); err == nil {
		target = t
	}
	if strings.HasPrefix(target, "/") {
		rel := strings.TrimPrefix(path.Clean(target), "/")
		if strings.HasSuffix(target, "/") && rel != "" {
			rel += "/"
		}
		switch {
		case r.exists(rel):
		case !strings.HasSuffix(rel, "/") && r.exists(rel+"/"):
			rel += "/"
		default:
			return dest, "link to " + target + ", which is neither a page nor a file in static/"
		}
		return r.u.path(rel) + suffix, ""
	}
	if !strings.HasSuffix(target, ".md") {
		return dest, "" // a relative link to something other than content; left alone
	}
	file := path.Join(path.Dir(r.file), target)
	if rel, ok := r.byFile[file]; ok {
		return r.u.path(rel) + suffix, ""
	}
	if r.drafts[file] {
		return dest, "link to " + file + ", a draft round (published only with --drafts)"
	}
	if r.content[file] {
		return dest, ""
	}
	return dest, "link to missing content file " + file
}

// standsAlone reports whether dest is left as it is whatever the site
// holds: empty, a fragment, or an external URL (unsafe schemes are dropped
// by package markdown). Its resolution never needs checking again.
func standsAlone(dest string) bool {
	if dest == "" || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "//") {
		return true
	}
	u, err := url.Parse(dest)
	return err == nil && u.Scheme != ""
}

// pageURLs lists every site-relative URL a build writes, for checking
// site-root links.
func pageURLs(a *link.Archive) map[string]bool {
	m := map[string]bool{"": true, "dialogues/": true, "participants/": true, "topics/": true, "archive/": true,
		"feed.xml": true, "sitemap.xml": true, "robots.txt": true, "404.html": true,
		"search/": true, "data/rounds.json": true, "data/rounds.csv": true}
	for _, d := range a.Dialogues {
		m[d.URL()] = true
		m[feedPath(d.URL())] = true
	}
	for _, r := range a.Rounds {
		m[r.URL()] = true
	}
	for _, e := range a.Participants {
		m[e.URL()] = true
		m[feedPath(e.URL())] = true
	}
	for _, e := range a.Topics {
		m[e.URL()] = true
		m[feedPath(e.URL())] = true
	}
	for _, p := range a.Pages {
		m[p.URL()] = true
	}
	for _, l := range pagedLists(a) {
		for n := 2; n <= pageCount(l.items); n++ {
			m[pageRel(l.rel, n)] = true
		}
	}
	return m
}
