package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTokens: the tokeniser and the Markdown-to-text pass never panic, and
// every token is valid UTF-8, non-empty, at most MaxTokenRunes long and a
// token of itself (so a query made of an indexed token finds it).
func FuzzTokens(f *testing.F) {
	for _, s := range tokenTable {
		f.Add(s)
	}
	f.Add("**bold** [link](https://x.org) <b>tag</b> [^1]\n```go\ncode\n```")
	f.Fuzz(func(t *testing.T, s string) {
		for _, in := range []string{s, MarkdownText(s)} {
			for _, tok := range Tokens(in) {
				if tok == "" || !utf8.ValidString(tok) || utf8.RuneCountInString(tok) > MaxTokenRunes {
					t.Fatalf("Tokens(%q): bad token %q", in, tok)
				}
				if again := Tokens(tok); len(again) != 1 || again[0] != tok {
					t.Fatalf("Tokens(%q) has %q, whose tokens are %q", in, tok, again)
				}
			}
		}
		if strings.Contains(MarkdownText(s), "\n") {
			t.Fatalf("MarkdownText(%q) keeps a line break", s)
		}
	})
}
