package content

import (
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
)

// memFiles is a tiny file system for Options.Read that counts reads.
type memFiles struct {
	mu    sync.Mutex
	files map[string]string
	reads map[string]int
}

func (m *memFiles) read(p string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads[p]++
	s, ok := m.files[p]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	return []byte(s), nil
}

func TestLazyBodies(t *testing.T) {
	const round = "content/dialogues/d/r1.md"
	m := &memFiles{reads: map[string]int{}, files: map[string]string{
		"content/dialogues/d/_index.md": index,
		// BOM and CRLF: the body is found again after normalising.
		round:              "\xef\xbb\xbf---\r\ntitle: R1\r\ndate: 2024-01-01\r\nround: 1\r\nparticipants: [Ann]\r\n---\r\nFirst *body*.\r\n\r\nSecond line.\r\n",
		"content/about.md": "---\ntitle: About\n---\n",
	}}
	files := []File{{Path: "content/dialogues/d/_index.md"}, {Path: round}, {Path: "content/about.md"}}
	site, ds := Parse(files, Options{Read: m.read, LazyBodies: true})
	if len(ds) > 0 {
		t.Fatalf("diagnostics: %s", diagText(ds))
	}
	if len(site.Rounds) != 1 || len(site.Pages) != 1 {
		t.Fatalf("site = %+v", site)
	}
	for _, f := range files {
		if m.reads[f.Path] != 1 {
			t.Errorf("%s read %d times while parsing, want once", f.Path, m.reads[f.Path])
		}
	}
	body := site.Rounds[0].Body
	if body.Line != 7 || body.Size() != len("First *body*.\n\nSecond line.\n") {
		t.Errorf("body line %d, size %d", body.Line, body.Size())
	}
	text, err := body.Bytes()
	if err != nil || string(text) != "First *body*.\n\nSecond line.\n" {
		t.Errorf("Bytes() = %q, %v", text, err)
	}
	if m.reads[round] != 2 {
		t.Errorf("round read %d times, want 2 (parse, Bytes)", m.reads[round])
	}
	// An empty body is not read again.
	if text, err := site.Pages[0].Body.Bytes(); len(text) != 0 || err != nil || m.reads["content/about.md"] != 1 {
		t.Errorf("empty body: %q, %v, %d reads", text, err, m.reads["content/about.md"])
	}

	// The file changes during the build: same size, different bytes; then
	// shorter; then gone.
	for _, c := range []struct{ data, want string }{
		{strings.Replace(m.files[round], "First", "Fixed", 1), "changed while the site was being built"},
		{"---\ntitle: R1\n---\nx\n", "changed while the site was being built"},
		{"", "cannot read"},
	} {
		if c.data == "" {
			delete(m.files, round)
		} else {
			m.files[round] = c.data
		}
		_, err := body.Bytes()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), round) {
			t.Errorf("after a change: Bytes() error %v, want %q naming the file", err, c.want)
		}
	}
}

func TestReadFailureIsADiagnostic(t *testing.T) {
	files := []File{{Path: "content/about.md"}}
	_, ds := Parse(files, Options{Read: func(string) ([]byte, error) {
		return nil, &fs.PathError{Op: "open", Path: "content/about.md", Err: errors.New("input/output error")}
	}})
	if got := diagText(ds); !strings.Contains(got, "content/about.md: error: cannot read: input/output error") {
		t.Errorf("diagnostics = %q", got)
	}
}
