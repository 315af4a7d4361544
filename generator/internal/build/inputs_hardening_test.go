package build

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/unicode/norm"

	"briefings/generator/internal/diag"
	"briefings/generator/internal/outcheck"
)

// mapFS builds a MapFS from path → text.
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for p, d := range files {
		m[p] = &fstest.MapFile{Data: []byte(d)}
	}
	return m
}

// small is a valid site the input tests change one file of.
func small() map[string]string {
	return map[string]string{
		"config.yaml":                   "title: T\nbase_url: https://example.org/\n",
		"content/dialogues/d/_index.md": "---\ntitle: D\n---\nBackground.\n",
		"content/dialogues/d/r1.md":     "---\ntitle: R1\ndate: 2024-01-01\nround: 1\nparticipants: [Ann Example]\ntopics: [Trade]\n---\nBody one.\n",
		"content/about.md":              "---\ntitle: About\n---\nAbout.\n",
	}
}

func with(base map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

// TestYAML11ValuesStayText covers checklist item 9: draft: yes is a bool
// (the field is typed), while a participant No or On and a topic 1.0 are
// printed exactly as written.
func TestYAML11ValuesStayText(t *testing.T) {
	site := with(small(),
		"content/dialogues/d/r1.md", "---\ntitle: R1\ndate: 2024-01-01\nround: 1\nparticipants: [No, On, \"Yes\"]\ntopics: [1.0, off]\n---\n",
		"content/dialogues/d/r2.md", "---\ntitle: R2\ndate: 2024-02-01\nround: 2\nparticipants: [No]\ndraft: yes\n---\n")
	out, diags, res := renderFS(t, mapFS(site), Options{})
	if diag.HasErrors(res.Diagnostics) {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	page := string(out["dialogues/d/r1/index.html"])
	for _, s := range []string{">No<", ">On<", ">Yes<", ">1.0<", ">off<"} {
		if !strings.Contains(page, s) {
			t.Errorf("round page lacks %q", s)
		}
	}
	for _, p := range []string{"participants/no/index.html", "participants/on/index.html", "topics/1-0/index.html"} {
		if _, ok := out[p]; !ok {
			t.Errorf("missing %s", p)
		}
	}
	if _, ok := out["dialogues/d/r2/index.html"]; ok {
		t.Error("draft: yes was not read as true")
	}
}

// TestEncodingVariantsGiveIdenticalOutput covers checklist item 10: a
// BOM, CRLF or lone-CR line endings, no final newline, and trailing spaces
// or tabs after the fences give output byte-identical to the clean file.
func TestEncodingVariantsGiveIdenticalOutput(t *testing.T) {
	clean := "---\ntitle: R1\ndate: 2024-01-01\nround: 1\nparticipants: [Ann Example]\n---\n# Heading\n\nBody one.\n"
	variants := map[string]string{
		"BOM":                 "\ufeff" + clean,
		"CRLF":                strings.ReplaceAll(clean, "\n", "\r\n"),
		"BOM and CRLF":        "\ufeff" + strings.ReplaceAll(clean, "\n", "\r\n"),
		"lone CR":             strings.ReplaceAll(clean, "\n", "\r"),
		"no final newline":    strings.TrimSuffix(clean, "\n"),
		"spaces after fences": strings.Replace(strings.Replace(clean, "---\n", "---  \n", 1), "]\n---\n", "]\n--- \t\n", 1),
	}
	want, _, res := renderFS(t, mapFS(with(small(), "content/dialogues/d/r1.md", clean)), Options{})
	if res.Failed() {
		t.Fatal(res.Diagnostics)
	}
	for name, v := range variants {
		got, diags, res := renderFS(t, mapFS(with(small(), "content/dialogues/d/r1.md", v)), Options{})
		if len(res.Diagnostics) != 0 {
			t.Errorf("%s: diagnostics:\n%s", name, diags)
		}
		for p, b := range want {
			if !bytes.Equal(got[p], b) {
				t.Errorf("%s: %s differs from the clean LF build", name, p)
			}
		}
	}
}

// TestControlCharactersInFeeds covers the build half of checklist item
// 11: control characters in a title and summary (raw and escaped) are
// warnings, and feed.xml and sitemap.xml stay well-formed XML without them.
func TestControlCharactersInFeeds(t *testing.T) {
	site := with(small(), "content/dialogues/d/r1.md",
		"---\ntitle: \"Seoul\\v talks\\x1f\"\ndate: 2024-01-01\nround: 1\nsummary: Pasted\x0b from\x1f a PDF\x7f\nparticipants: [Ann\x0b Example]\n---\nBody.\n")
	out, diags, res := renderFS(t, mapFS(site), Options{})
	if diag.HasErrors(res.Diagnostics) || strings.Count(diags, "control") < 3 {
		t.Fatalf("want warnings only, one per place:\n%s", diags)
	}
	for _, p := range []string{"feed.xml", "sitemap.xml", "dialogues/d/feed.xml"} {
		b, ok := out[p]
		if !ok {
			continue
		}
		for _, f := range outcheck.File(p, b, outcheck.Options{}) {
			t.Errorf("%s", f)
		}
		if bytes.ContainsAny(b, "\x0b\x1f\x7f") {
			t.Errorf("%s carries a control character", p)
		}
	}
	if !bytes.Contains(out["feed.xml"], []byte("Seoul talks")) {
		t.Errorf("feed.xml lacks the cleaned title")
	}
}

// TestConfiguredLimits covers checklist item 12 with the limits set in
// config.yaml: front matter and bodies over them are errors naming the
// file and the limit; a non-.md file and an empty file are errors.
func TestConfiguredLimits(t *testing.T) {
	site := with(small(),
		"config.yaml", "title: T\nbase_url: https://example.org/\nfront_matter_bytes: 120\nbody_bytes: 1000\n",
		"content/dialogues/d/r2.md", "---\ntitle: R2\ndate: 2024-02-01\nround: 2\nparticipants: [Ann Example]\nsummary: "+strings.Repeat("x", 100)+"\n---\n",
		"content/dialogues/d/r3.md", "---\ntitle: R3\ndate: 2024-03-01\nround: 3\nparticipants: [Ann Example]\n---\n"+strings.Repeat("y", 1001),
		"content/notes.txt", "notes",
		"content/empty.md", "\n")
	_, diags, res := renderFS(t, mapFS(site), Options{})
	for _, w := range []string{
		"content/dialogues/d/r2.md:2: error: front matter exceeds 120 bytes (limit front_matter_bytes)",
		"content/dialogues/d/r3.md:7: error: body exceeds 1000 bytes (limit body_bytes)",
		"content/notes.txt:1: error: only .md files are allowed in content/",
		"content/empty.md:1: error: empty file",
	} {
		if !strings.Contains(diags, w) {
			t.Errorf("diagnostics lack %q:\n%s", w, diags)
		}
	}
	if !res.Failed() {
		t.Error("the build succeeded")
	}
	// A file far over both limits is not even read (source.Read's bound).
	big := with(small(), "config.yaml", "title: T\nbase_url: https://example.org/\nfront_matter_bytes: 100\nbody_bytes: 100\n",
		"content/big.md", strings.Repeat("z", 10000))
	if _, diags, _ := renderFS(t, mapFS(big), Options{}); !strings.Contains(diags, "content/big.md: error: file exceeds 208 bytes") {
		t.Errorf("oversized file:\n%s", diags)
	}
}

// TestPathCollisions covers checklist item 14: two sources of one URL are
// an error naming both, compared case-folded and NFC.
func TestPathCollisions(t *testing.T) {
	round := func(n string) string {
		return "---\ntitle: R\ndate: 2024-0" + n + "-01\nround: " + n + "\nparticipants: [Ann Example]\n---\n"
	}
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"space and hyphen", []string{"content/dialogues/d/Round 2.md", round("2"), "content/dialogues/d/round-2.md", round("3")},
			"path collision: /dialogues/d/round-2/ from content/dialogues/d/Round 2.md and content/dialogues/d/round-2.md"},
		{"case only", []string{"content/Seoul.md", "---\ntitle: S\n---\n", "content/seoul.md", "---\ntitle: s\n---\n"},
			"path collision: /seoul/ from content/Seoul.md and content/seoul.md"},
		{"NFC and NFD", []string{"content/dialogues/d/caf\u00e9.md", round("2"), "content/dialogues/d/cafe\u0301.md", round("3")},
			"path collision: /dialogues/d/café/ from content/dialogues/d/caf"},
		{"dialogue folders by case", []string{"content/dialogues/D/_index.md", "---\ntitle: D2\n---\n"},
			"path collision: /dialogues/d/ from content/dialogues/D/_index.md and content/dialogues/d/_index.md"},
		{"static page over a generated one", []string{"static/dialogues/index.html", "<p>x</p>"},
			"static/dialogues/index.html: error: path collision: /dialogues/index.html is generated by the site and also in static/dialogues/index.html"},
		{"static feed", []string{"static/Feed.xml", "<x/>"},
			"path collision: /feed.xml is generated by the site and also in static/Feed.xml"},
		{"a page on a generated section", []string{"content/Participants.md", "---\ntitle: P\n---\n"},
			"path collision: the page content/Participants.md would take /participants/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags, res := renderAny(t, mapFS(with(small(), tt.files...)), Options{})
			if !res.Failed() || !strings.Contains(diags, tt.want) {
				t.Errorf("want %q:\n%s", tt.want, diags)
			}
		})
	}
}

// TestNearDuplicateNames covers checklist item 15: the spellings of one
// person that differ in case, spacing, hyphenation, a trailing no-break
// space or a zero-width joiner give one participant page and warnings
// that list the spellings; --strict makes them errors.
func TestNearDuplicateNames(t *testing.T) {
	site := small()
	for i, name := range []string{"Jung Pak", "Jung  Pak", "JUNG PAK", "Jung-Pak", "Jung Pak\u00a0", "Jung\u200d Pak"} {
		n := string(rune('2' + i))
		site["content/dialogues/d/r"+n+".md"] = "---\ntitle: R\ndate: 2024-0" + n + "-01\nround: " + n + "\nparticipants: [\"" + name + "\"]\n---\n"
	}
	out, diags, res := renderFS(t, mapFS(site), Options{})
	if diag.HasErrors(res.Diagnostics) || !strings.Contains(diags, "warning") || !strings.Contains(diags, "JUNG PAK") {
		t.Fatalf("want warnings naming the spellings:\n%s", diags)
	}
	pages := 0
	for p := range out {
		if strings.HasPrefix(p, "participants/jung") && strings.HasSuffix(p, "/index.html") {
			pages++
		}
	}
	if pages != 1 {
		t.Errorf("%d participant pages for one person", pages)
	}
	if _, _, res := renderFS(t, mapFS(site), Options{Strict: true}); !res.Failed() {
		t.Error("--strict did not fail on near-duplicates")
	}
}

// TestUnicodeNormalisation covers checklist item 18: an NFD file name
// (macOS), conjoining jamo and full-width digits give NFC slugs, and the
// sitemap and feed carry them percent-encoded, never raw.
func TestUnicodeNormalisation(t *testing.T) {
	nfdName := norm.NFD.String("content/dialogues/d/회담-１차.md")
	site := with(small(),
		nfdName, "---\ntitle: 회담\ndate: 2024-02-01\nround: 2\nparticipants: [\""+"\u1100\u1161\u11a8 Min"+"\"]\n---\n")
	out, diags, res := renderFS(t, mapFS(site), Options{})
	if res.Failed() {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	slug := "회담-１차"
	if _, ok := out["dialogues/d/"+slug+"/index.html"]; !ok {
		var keys []string
		for k := range out {
			keys = append(keys, k)
		}
		t.Fatalf("no NFC page for the NFD file name; files: %q", keys)
	}
	if _, ok := out["participants/각-min/index.html"]; !ok {
		t.Error("conjoining jamo did not become the NFC syllable 각")
	}
	for _, f := range []string{"sitemap.xml", "feed.xml"} {
		b := out[f]
		if !bytes.Contains(b, []byte("/dialogues/d/"+(&url.URL{Path: slug}).EscapedPath()+"/")) {
			t.Errorf("%s lacks the percent-encoded NFC URL", f)
		}
		if bytes.Contains(b, []byte(slug)) && f == "sitemap.xml" {
			t.Errorf("%s carries the raw, unencoded URL", f)
		}
	}
}

// TestStalePagesDisappear covers checklist item 28: a round renamed,
// marked draft, a participant no longer referenced and a topic alias
// changed leave no page, list entry, feed, sitemap or search entry behind.
func TestStalePagesDisappear(t *testing.T) {
	site := with(small(),
		"content/dialogues/d/r2.md", "---\ntitle: Second round\ndate: 2024-02-01\nround: 2\nparticipants: [Bo Gone]\ntopics: [Fisheries]\n---\nBody two.\n",
		"content/dialogues/d/r3.md", "---\ntitle: Third round\ndate: 2024-03-01\nround: 3\nparticipants: [Ann Example]\ntopics: [Old Alias]\n---\n",
		"content/topics/trade.md", "---\ntitle: Trade\naliases: [Old Alias]\n---\n")
	before, diags, res := renderFS(t, mapFS(site), Options{})
	if res.Failed() {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	for _, p := range []string{"dialogues/d/r2/index.html", "participants/bo-gone/index.html", "topics/fisheries/index.html"} {
		if _, ok := before[p]; !ok {
			t.Fatalf("setup: %s missing", p)
		}
	}
	after := with(site,
		"content/dialogues/d/r2.md", "",
		"content/dialogues/d/second.md", "---\ntitle: Second round\ndate: 2024-02-01\nround: 2\nparticipants: [Ann Example]\n---\nBody two.\n",
		"content/dialogues/d/r3.md", "---\ntitle: Third round\ndate: 2024-03-01\nround: 3\nparticipants: [Ann Example]\ntopics: [Old Alias]\ndraft: true\n---\n",
		"content/topics/trade.md", "---\ntitle: Trade\naliases: [New Alias]\n---\n")
	out, diags, res := renderFS(t, mapFS(after), Options{})
	if res.Failed() {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	for _, p := range []string{"dialogues/d/r2/index.html", "dialogues/d/r3/index.html", "participants/bo-gone/index.html", "topics/fisheries/index.html", "topics/old-alias/index.html"} {
		if _, ok := out[p]; ok {
			t.Errorf("stale page %s still built", p)
		}
	}
	for name, b := range out {
		for _, gone := range []string{"/dialogues/d/r2/", "/dialogues/d/r3/", "Third round", "bo-gone", "Bo Gone", "fisheries", "Fisheries"} {
			if bytes.Contains(b, []byte(gone)) {
				t.Errorf("%s still mentions %q", name, gone)
			}
		}
	}
	if _, ok := out["dialogues/d/second/index.html"]; !ok {
		t.Error("the renamed round is missing")
	}
}
