// Package config reads the site's config.yaml into a typed Config.
//
// # Input
//
// Parse takes the file name (used in diagnostics, normally "config.yaml") and
// its bytes: one YAML mapping, decoded with frontmatter.DecodeYAML, so a BOM,
// CRLF endings, anchors/aliases, duplicate keys, deep nesting and syntax
// errors are handled exactly as in front matter. Keys:
//
//	title               required string
//	base_url            required absolute http(s) URL, optional path, no query,
//	                    fragment or credentials; normalised to end with "/"
//	language            BCP 47-looking tag such as "en" or "ko-KR" (default "en")
//	description         optional string
//	unsafe_html         bool (default false)
//	highlight_style     optional string; the caller checks it against chroma
//	front_matter_bytes  positive integer (default 64 KiB)
//	body_bytes          positive integer (default 5 MiB)
//
// # Output
//
// A Config with defaults applied. BaseURL always ends with "/" and BasePath
// is its path, starting and ending with "/" ("/" for a site at the root).
//
// # Failure
//
// Parse returns every problem as a diagnostic positioned in the file:
// unknown keys (code unknown-field, with a did-you-mean suggestion), missing
// required keys (missing-field, at line 1), wrong types (the frontmatter
// codes), a bad URL (bad-url), a bad language tag (bad-language), a config
// that is not a mapping (config-type) or over 1 MiB (too-large). When any
// error is returned the Config must not be used. Parse never panics.
package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"briefings/generator/internal/diag"
	"briefings/generator/internal/frontmatter"

	"gopkg.in/yaml.v3"
)

// Config is the typed content of config.yaml.
type Config struct {
	Title, BaseURL, Language, Description, HighlightStyle string
	UnsafeHTML                                            bool
	BasePath                                              string             // path of BaseURL, always starting and ending with "/" (e.g. "/briefings/")
	Limits                                                frontmatter.Limits // optional keys `front_matter_bytes`, `body_bytes` (positive ints)
}

// MaxBytes is the largest config file accepted.
const MaxBytes = 1 << 20

// keys lists the keys config.yaml may contain.
var keys = []string{"title", "base_url", "language", "description", "unsafe_html", "highlight_style", "front_matter_bytes", "body_bytes"}

// Parse decodes config.yaml. See the package documentation.
func Parse(name string, data []byte) (cfg Config, ds []diag.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			cfg = Config{}
			ds = append(ds, errorf(diag.Pos{File: name, Line: 1}, "internal", "internal error while reading config: %v", r))
		}
	}()
	cfg = Config{Language: "en", Limits: frontmatter.Limits{}.WithDefaults()}
	if len(data) > MaxBytes {
		return cfg, []diag.Diagnostic{errorf(diag.Pos{File: name, Line: 1}, "too-large", "config exceeds %d bytes", MaxBytes)}
	}
	root, ds := frontmatter.DecodeYAML(name, data, 1)
	if diag.HasErrors(ds) && root == nil {
		return cfg, ds
	}
	if root == nil {
		ds = append(ds, missing(name, "title"), missing(name, "base_url"))
		return cfg, ds
	}
	if root.Kind != yaml.MappingNode {
		return cfg, append(ds, errorf(frontmatter.Pos(name, root), "config-type", "config must be a mapping of key: value"))
	}
	m, fds := frontmatter.Fields(name, root, keys)
	ds = append(ds, fds...)
	add := func(d *diag.Diagnostic) {
		if d != nil {
			ds = append(ds, *d)
		}
	}

	if n, ok := m["title"]; ok {
		var d *diag.Diagnostic
		cfg.Title, d = frontmatter.String(name, "title", n)
		add(d)
	} else {
		ds = append(ds, missing(name, "title"))
	}

	if n, ok := m["base_url"]; ok {
		raw, d := frontmatter.String(name, "base_url", n)
		add(d)
		if d == nil || d.Severity != diag.Error {
			base, path, msg := baseURL(raw)
			if msg != "" {
				ds = append(ds, errorf(frontmatter.Pos(name, n), "bad-url", "base_url %s (got %q)", msg, raw))
			}
			cfg.BaseURL, cfg.BasePath = base, path
		}
	} else {
		ds = append(ds, missing(name, "base_url"))
	}

	if n, ok := m["language"]; ok {
		lang, d := frontmatter.String(name, "language", n)
		add(d)
		if d == nil || d.Severity != diag.Error {
			if langRE.MatchString(lang) {
				cfg.Language = lang
			} else {
				bad := errorf(frontmatter.Pos(name, n), "bad-language", "language must be a BCP 47 language tag such as \"en\" or \"ko-KR\" (got %q)", lang)
				if fixed := strings.ReplaceAll(lang, "_", "-"); fixed != lang && langRE.MatchString(fixed) {
					bad.Suggestion = fmt.Sprintf("did you mean %q?", fixed)
				}
				ds = append(ds, bad)
			}
		}
	}

	if n, ok := m["description"]; ok && !blank(n) {
		var d *diag.Diagnostic
		cfg.Description, d = frontmatter.String(name, "description", n)
		add(d)
	}
	if n, ok := m["highlight_style"]; ok {
		var d *diag.Diagnostic
		cfg.HighlightStyle, d = frontmatter.String(name, "highlight_style", n)
		add(d)
	}
	if n, ok := m["unsafe_html"]; ok {
		var d *diag.Diagnostic
		cfg.UnsafeHTML, d = frontmatter.Bool(name, "unsafe_html", n)
		add(d)
	}
	if n, ok := m["front_matter_bytes"]; ok {
		v, d := frontmatter.Int(name, "front_matter_bytes", n)
		add(d)
		if d == nil {
			cfg.Limits.FrontMatterBytes = v
		}
	}
	if n, ok := m["body_bytes"]; ok {
		v, d := frontmatter.Int(name, "body_bytes", n)
		add(d)
		if d == nil {
			cfg.Limits.BodyBytes = v
		}
	}
	diag.Sort(ds)
	return cfg, ds
}

// langRE accepts tags that look like BCP 47: a 2–3 letter language and
// optional subtags of 1–8 letters or digits.
var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// baseURL validates raw and returns it normalised with a trailing slash, and
// its path. msg is non-empty when raw is not acceptable.
func baseURL(raw string) (base, path, msg string) {
	const want = "must be an absolute http(s) URL such as https://example.org/briefings/"
	if strings.TrimSpace(raw) != raw || strings.ContainsAny(raw, " \t\n\\") {
		return "", "", want + " without spaces"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return "", "", want
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", "", want
	}
	if u.User != nil {
		return "", "", "must not contain a user name or password"
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return "", "", "must not have a query or fragment"
	}
	u.Scheme = scheme
	u.Host = strings.ToLower(u.Host)
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") {
		return "", "", want + " with a clean path"
	}
	return scheme + "://" + u.Host + p, p, ""
}

// blank reports whether n is null or an empty string, which optional text
// keys accept as "not set".
func blank(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!null" || n.Value == "")
}

func missing(name, key string) diag.Diagnostic {
	return errorf(diag.Pos{File: name, Line: 1}, "missing-field", "required field %q missing", key)
}

func errorf(pos diag.Pos, code, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...)}
}
