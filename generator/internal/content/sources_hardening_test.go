package content

import (
	"strings"
	"testing"
)

// TestSourceURLs covers checklist item 20's sources[].url forms: only an
// absolute http(s) URL with a host is accepted; each other form is an
// error at the url line naming the source and the accepted format.
func TestSourceURLs(t *testing.T) {
	bad := []string{
		"javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
		"//evil.example", `"http://a b"`, `""`, "http://", "https://", "ftp://example.org/x", "example.org/x",
		"/relative/path", "mailto:desk@example.org", `"https://exa mple.org"`,
	}
	for _, u := range bad {
		t.Run(u, func(t *testing.T) {
			_, ds := parse(t, map[string]string{
				"content/dialogues/d/_index.md": index,
				"content/dialogues/d/r.md":      "---\ntitle: T\ndate: 2024-01-01\nround: 1\nparticipants: [A]\nsources:\n  - title: x\n    url: " + u + "\n---\n",
			})
			got := diagText(ds)
			if !strings.Contains(got, "content/dialogues/d/r.md:8:") || !strings.Contains(got, "source 1: url must be an absolute http(s) URL") {
				t.Errorf("url %s:\n%s", u, got)
			}
		})
	}
	for _, u := range []string{"https://example.org", "http://example.org/a?b=1#c", "https://example.org/%22%3E%3Cscript%3E"} {
		_, ds := parse(t, map[string]string{
			"content/dialogues/d/_index.md": index,
			"content/dialogues/d/r.md":      "---\ntitle: T\ndate: 2024-01-01\nround: 1\nparticipants: [A]\nsources:\n  - title: x\n    url: " + u + "\n---\n",
		})
		if len(ds) != 0 {
			t.Errorf("url %s refused:\n%s", u, diagText(ds))
		}
	}
}
