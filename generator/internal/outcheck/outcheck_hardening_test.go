package outcheck

import (
	"strings"
	"testing"
)

var ours = Options{ScriptSrc: func(src string) bool { return src == "/briefings/assets/search.js" }}

// TestFindsUnsafeOutput: every line must give at least one finding of the
// named rule (the checker must be able to fail).
func TestFindsUnsafeOutput(t *testing.T) {
	tests := []struct{ name, page, rule string }{
		{"inline script", `<p>x</p><script>alert(1)</script>`, "script"},
		{"upper-case script", `<SCRIPT>alert(1)</SCRIPT>`, "script"},
		{"script with attributes", `<script type="text/javascript" defer>x()</script>`, "script"},
		{"foreign script src", `<script src="https://evil.example/x.js"></script>`, "script"},
		{"our src with inline code", `<script src="/briefings/assets/search.js">alert(1)</script>`, "script"},
		{"module script", `<script type=module>import "x"</script>`, "script"},
		{"ld+json that is not JSON", `<script type="application/ld+json">alert(1)</script>`, "script"},
		{"ld+json hiding markup", `<script type="application/ld+json">"<!--<script>"</script>`, "script"},
		{"onerror", `<img src=x onerror=alert(1)>`, "event-handler"},
		{"onload on svg", `<svg onload="alert(1)"></svg>`, "event-handler"},
		{"ONCLICK upper case", `<a href="#" ONCLICK='x()'>a</a>`, "event-handler"},
		{"handler after slash", `<img/onerror=alert(1)>`, "event-handler"},
		{"handler in feed html", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><summary type=\"html\">&lt;img src=x onerror=alert(1)&gt;</summary></entry></feed>", "event-handler"},
		{"javascript href", `<a href="javascript:alert(1)">x</a>`, "script-url"},
		{"mixed case", `<a href="JaVaScRiPt:alert(1)">x</a>`, "script-url"},
		{"entity colon", `<a href="javascript&colon;alert(1)">x</a>`, "script-url"},
		{"numeric entity", `<a href="&#106;avascript:alert(1)">x</a>`, "script-url"},
		{"hex entity", `<a href="&#x6A;avascript:alert(1)">x</a>`, "script-url"},
		{"tab inside", "<a href=\"java\tscript:alert(1)\">x</a>", "script-url"},
		{"leading space", `<a href="  javascript:alert(1)">x</a>`, "script-url"},
		{"unquoted", `<a href=javascript:alert(1)>x</a>`, "script-url"},
		{"single quoted", `<a href='vbscript:msgbox(1)'>x</a>`, "script-url"},
		{"data src", `<img src="data:image/svg+xml;base64,PHN2Zz4=">`, "script-url"},
		{"data in srcset", `<img srcset="a.png 1x, data:image/png;base64,xx 2x">`, "script-url"},
		{"form action", `<form action="javascript:x()"></form>`, "script-url"},
		{"button formaction", `<button formaction="javascript:x()">b</button>`, "script-url"},
		{"style url", `<p style="background:url(javascript:alert(1))">x</p>`, "script-url"},
		{"style expression", `<p style="width:expression(alert(1))">x</p>`, "script-url"},
		{"style element", `<style>a{background:url("javascript:x")}</style>`, "script-url"},
		{"feed link", `<feed xmlns="http://www.w3.org/2005/Atom"><link href="javascript:x"/></feed>`, "script-url"},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, "element"},
		{"object", `<object data="x.swf"></object>`, "element"},
		{"embed", `<embed src="x">`, "element"},
		{"base", `<base href="https://evil.example/">`, "element"},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, "element"},
		{"zgotmplz", `<a href="#ZgotmplZ">x</a>`, "zgotmplz"},
		{"zgotmplz in css", `p{color:ZgotmplZ}`, "zgotmplz"},
		{"unclosed comment", `<p>x</p><!-- <script>alert(1)</script>`, "markup"},
		{"unclosed tag", `<p>x</p><img src="x" onerror="alert(1)`, "markup"},
		{"unclosed script", `<script src="/briefings/assets/search.js">`, "markup"},
		{"malformed feed", `<feed><entry></feed>`, "markup"},
		{"malformed json", `{"a":`, "markup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "page.html"
			switch {
			case strings.HasPrefix(tt.page, "<feed"):
				name = "feed.xml"
			case strings.HasPrefix(tt.page, "{"):
				name = "data.json"
			case strings.HasPrefix(tt.page, "p{"):
				name = "style.css"
			}
			fs := File(name, []byte(tt.page), ours)
			for _, f := range fs {
				if f.Rule == tt.rule {
					return
				}
			}
			t.Errorf("no %s finding in %q; got %v", tt.rule, tt.page, fs)
		})
	}
}

// TestAcceptsSafeOutput: ordinary pages, escaped hostile text and our own
// scripts give no finding.
func TestAcceptsSafeOutput(t *testing.T) {
	tests := []struct{ name, page string }{
		{"plain page", `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A &lt;b&gt;</title></head><body><p>x</p></body></html>`},
		{"escaped script text", `<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`},
		{"script text in a title", `<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>`},
		{"raw html omitted comment", `<p><!-- raw HTML omitted -->text</p>`},
		{"javascript as text", `<p>javascript:alert(1) is text here</p><a href="/js-guide/">javascript: a guide</a>`},
		{"javascript in a title attribute", `<abbr title="JavaScript: the language">JS</abbr>`},
		{"data- attributes", `<form data-index="/briefings/search/index.json" action="/briefings/search/"></form>`},
		{"data word in meta description", `<meta name="description" content="data: the numbers">`},
		{"relative link named like a scheme", `<a href="javascript-guide.md">x</a><img src="img/data.png">`},
		{"our script", `<script src="/briefings/assets/search.js" defer></script>`},
		{"our script with entity in src", `<script src="/briefings/assets/search&#46;js" defer></script>`},
		{"ld+json", `<script type="application/ld+json">{"@context":"https://schema.org","name":"\u003c/script\u003e"}</script>`},
		{"onion is not a handler value", `<p class="on">on</p>`},
		{"less-than in text", `<p>a < b and 3<4</p>`},
		{"greater-than in quoted attribute", `<a title="a > b" href="/x/">x</a>`},
		{"chroma code", `<pre class="chroma"><code><span class="kd">func</span> <span class="nx">onload</span>()</code></pre>`},
		{"noscript markup", `<noscript><p class="notice">needs JavaScript</p></noscript>`},
		{"feed", `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><link href="https://example.org/"/><entry><summary type="html">&lt;p&gt;Agreed &lt;strong&gt;more&lt;/strong&gt;&lt;/p&gt;</summary></entry></feed>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "page.html"
			if strings.HasPrefix(tt.page, "<?xml") {
				name = "feed.xml"
			}
			if fs := File(name, []byte(tt.page), ours); len(fs) != 0 {
				t.Errorf("findings in a safe page: %v", fs)
			}
		})
	}
}

func TestFilesSorted(t *testing.T) {
	fs := Files(map[string][]byte{
		"b.html": []byte(`<a href="javascript:x">`),
		"a.html": []byte(`<p onclick=x><a onmouseover=y>`),
	}, Options{})
	if len(fs) != 3 || fs[0].File != "a.html" || fs[0].Offset > fs[1].Offset || fs[2].File != "b.html" {
		t.Errorf("findings = %v", fs)
	}
}

// FuzzHTML: the checker itself must never panic or hang on any input.
func FuzzHTML(f *testing.F) {
	for _, s := range []string{"<a href=x>", "<!--", "<script>", "<p a='", "<x y=z", "</", "<!", "<title>a</title"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		HTML("f.html", []byte(s), ours)
		XML("f.xml", []byte(s), ours)
	})
}
