package serve

import (
	"html"
	"strconv"
	"strings"
)

// Markers around what serve adds to an HTML page; nothing between them is
// ever written to disk.
const (
	injectStart = "<!-- briefings serve: live reload (dev server only) -->"
	injectEnd   = "<!-- /briefings serve -->"
)

// overlayID is the id of the error overlay element.
const overlayID = "briefings-serve-overlay"

const overlayStyle = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
	"background:rgba(24,24,27,.94);color:#fafafa;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"

const overlayPreStyle = "white-space:pre-wrap;color:#fca5a5;margin:1rem 0"

// liveScript is the reconnecting live-reload client. %ID%, %TAG% and %URL%
// are replaced with JSON strings. It tells the server which page it shows;
// it reloads when that page's bytes changed (the server sends the page's
// current tag) or, when the server sends no tag (the page is unknown, or a
// script, image or static file changed), when the server's current build
// is not the one this page shows (also when the server comes back after a
// restart). It swaps stylesheets on a CSS-only change, and shows or hides
// the error overlay. On a lost connection it retries after 1 s, doubling up
// to 60 s.
const liveScript = `(function () {
  "use strict";
  var id = %ID%, tag = %TAG%, url = %URL% + "?path=" + encodeURIComponent(location.pathname), delay = 1000, es = null;
  function stale(d) {
    return (tag && d.tag !== undefined) ? d.tag !== tag : d.id !== id;
  }
  function overlay(errors) {
    var o = document.getElementById("` + overlayID + `");
    if (!errors || !errors.length) { if (o) o.parentNode.removeChild(o); return; }
    if (!o) {
      o = document.createElement("div");
      o.id = "` + overlayID + `";
      o.setAttribute("role", "alert");
      o.setAttribute("style", "` + overlayStyle + `");
      document.body.appendChild(o);
    }
    o.textContent = "";
    var h = document.createElement("strong");
    h.textContent = "Build failed: showing the last good build. Fix the file and save to reload.";
    var pre = document.createElement("pre");
    pre.setAttribute("style", "` + overlayPreStyle + `");
    pre.textContent = errors.join("\n");
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = "Hide";
    b.onclick = function () { o.style.display = "none"; };
    o.appendChild(h); o.appendChild(pre); o.appendChild(b);
  }
  function swapCSS(urls) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var u = new URL(links[i].href);
      if (urls.indexOf(u.pathname) >= 0) {
        u.searchParams.set("v", id);
        links[i].href = u.href;
      }
    }
  }
  function on(name, f) {
    es.addEventListener(name, function (e) { f(JSON.parse(e.data)); });
  }
  function connect() {
    es = new EventSource(url);
    on("hello", function (d) {
      delay = 1000;
      if (stale(d)) { location.reload(); return; }
      id = d.id;
      overlay(d.errors);
    });
    on("reload", function (d) {
      if (stale(d)) { location.reload(); return; }
      id = d.id;
      overlay(null); // a build succeeded: no errors to show
    });
    on("css", function (d) { id = d.id; swapCSS(d.urls); overlay(null); });
    on("errors", function (d) { overlay(d.errors); });
    es.onerror = function () {
      es.close();
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 60000);
    };
  }
  connect();
})();`

// inject adds the live-reload script, and the error overlay when the latest
// build failed, before the page's last </body> (at the end without one).
// tag is the page's tag (site.tag), "" when it has none.
func inject(page []byte, st *state, tag string) []byte {
	id := ""
	if st.site != nil {
		id = st.site.id
	}
	var b strings.Builder
	b.WriteString(injectStart)
	if st.errors != nil {
		b.WriteString(`<div id="` + overlayID + `" role="alert" style="` + overlayStyle + `">`)
		b.WriteString(`<strong>Build failed: showing the last good build. Fix the file and save to reload.</strong>`)
		b.WriteString(`<pre style="` + overlayPreStyle + `">`)
		for i, e := range st.errors {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(html.EscapeString(e))
		}
		b.WriteString(`</pre></div>`)
	}
	script := strings.NewReplacer("%ID%", strconv.Quote(id), "%TAG%", strconv.Quote(tag), "%URL%", strconv.Quote(EventsPath)).Replace(liveScript)
	b.WriteString("<script>" + script + "</script>")
	b.WriteString(injectEnd)

	at := lastIndexFold(page, "</body>")
	if at < 0 {
		at = len(page)
	}
	out := make([]byte, 0, len(page)+b.Len())
	out = append(out, page[:at]...)
	out = append(out, b.String()...)
	return append(out, page[at:]...)
}

// lastIndexFold is bytes.LastIndex ignoring ASCII case (sep is lower case).
func lastIndexFold(s []byte, sep string) int {
	for i := len(s) - len(sep); i >= 0; i-- {
		match := true
		for j := 0; j < len(sep); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sep[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// errorPage is served while no build has succeeded yet.
func errorPage(st *state) []byte {
	return inject([]byte("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Build failed</title></head>\n<body>\n<p>The site has not built successfully yet.</p>\n</body>\n</html>\n"), st, "")
}
