package markdown

import (
	"html"
	"strings"
)

// unsafeScheme returns "javascript", "vbscript" or "data" when dest would
// run as one of those schemes in a browser, else "". Entity references are
// decoded (repeatedly, so double encoding does not hide a scheme), ASCII
// control characters and spaces are removed, and case is ignored.
func unsafeScheme(dest string) string {
	s := dest
	for i := 0; i < 4 && strings.IndexByte(s, '&') >= 0; i++ {
		d := html.UnescapeString(s)
		if d == s {
			break
		}
		s = d
	}
	var buf [12]byte
	n := 0
	for i := 0; i < len(s) && n < len(buf); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f {
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
		if c == ':' {
			break
		}
	}
	switch string(buf[:n]) {
	case "javascript:":
		return "javascript"
	case "vbscript:":
		return "vbscript"
	case "data:":
		return "data"
	}
	return ""
}
