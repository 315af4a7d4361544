package slug

import (
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// seedNames returns file names, folder names and front-matter lines of the
// repository's content/, the names a slug is made from in practice.
func seedNames(tb testing.TB) []string {
	tb.Helper()
	var out []string
	root := os.DirFS("../../../content")
	fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		out = append(out, strings.TrimSuffix(path.Base(p), ".md"))
		if !d.IsDir() {
			if b, err := fs.ReadFile(root, p); err == nil {
				for _, line := range strings.Split(string(b), "\n") {
					if _, v, ok := strings.Cut(line, ": "); ok && len(v) < 200 {
						out = append(out, strings.Trim(v, `"' []`))
					}
				}
			}
		}
		return nil
	})
	return out
}

// FuzzSlug checks the slug rule's promises on any input: the result never
// contains a path separator, a dot, NUL or another character a file system
// treats specially; it is valid NFC UTF-8 of at most MaxBytes; it is never a
// Windows device name; and a slug is its own slug (so slugs can be written
// back as ids and file names). Key must be idempotent too.
func FuzzSlug(f *testing.F) {
	for _, s := range seedNames(f) {
		f.Add(s)
	}
	for _, s := range []string{
		"..", "../x", "%2e%2e", "a/b", `a\b`, ".hidden", "x\x00y", "CON", "nul.md", "aux", "COM1",
		"trailing. ", `a:b*c?d"e<f>g|h`, "evil\u202Etxt", "Jung\u200dPak", "Jung Pak\u00a0",
		strings.Repeat("가나다라", 100), strings.Repeat("a", 101), strings.Repeat("é", 60),
		"Jose\u0301", "\u1100\u1161\u11a8", "１２３", "İstanbul", "ǅemal", "ß", "ﬃ", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := Make(in)
		if len(s) > MaxBytes {
			t.Fatalf("Make(%q) = %q: %d bytes", in, s, len(s))
		}
		if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) {
			t.Fatalf("Make(%q) = %q: not valid NFC", in, s)
		}
		for _, r := range s {
			if r == '/' || r == '\\' || r == '.' || r < ' ' || r == 0x7f || strings.ContainsRune(`:*?"<>| %#`, r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("Make(%q) = %q contains %q", in, s, r)
			}
		}
		if strings.HasPrefix(s, "-") || strings.Contains(s, "--") || (strings.HasSuffix(s, "-") && !windowsDevice(strings.TrimSuffix(s, "-"))) {
			t.Fatalf("Make(%q) = %q: stray hyphen", in, s)
		}
		if windowsDevice(s) {
			t.Fatalf("Make(%q) = %q is a Windows device name", in, s)
		}
		if again := Make(s); again != s {
			t.Fatalf("not idempotent: Make(%q) = %q, Make(%q) = %q", in, s, s, again)
		}
		if k := Key(in); Key(k) != k {
			t.Fatalf("Key not idempotent: Key(%q) = %q, Key(%q) = %q", in, k, k, Key(k))
		}
	})
}
