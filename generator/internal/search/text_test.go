package search

import "testing"

func TestMarkdownText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Plain *emphasis* and **strong** and _under_ and ~~gone~~.", "Plain emphasis and strong and under and gone ."},
		{"A [link](https://example.org/x \"t\") and ![alt](a.png).", "A link and alt."},
		{"See <https://example.org/> or https://example.org/a?b=c now.", "See or now."},
		{"## Heading\n\n> quoted\n> more\n\n- item\n1. first\n- [x] done", "Heading quoted more item first done"},
		{"Text[^1].\n\n[^1]: The note.", "Text. The note."},
		{"```go\nfmt.Println(1)\n```", "fmt.Println(1)"},
		{"| a | b |\n|---|:--:|\n| c | d |", "a b c d"},
		{"Tom &amp; Jerry &lt;3 <span class=\"x\">raw</span>", "Tom & Jerry <3 raw"},
		{"snake_case stays; \\*escaped\\*", "snake_case stays; *escaped*"},
		{"[ref]: https://example.org/\nBody [ref].", "Body ref."},
		{"전영희 **국장**", "전영희 국장"},
	} {
		if got := MarkdownText(c.in); got != c.want {
			t.Errorf("MarkdownText(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
