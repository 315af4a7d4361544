package publish

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// keyedBuild publishes files (path → {key, bytes}) to out with memo and
// returns what Keep reported for each path it was asked to keep first.
func keyedBuild(t *testing.T, out string, memo string, files map[string][2]string, keep map[string]bool) map[string]bool {
	t.Helper()
	st, err := Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	kept := map[string]bool{}
	for rel, kv := range files {
		if keep[rel] {
			if n, ok := st.Keep(rel, kv[0]); ok {
				if n != int64(len(kv[1])) {
					t.Errorf("Keep(%s) size = %d, want %d", rel, n, len(kv[1]))
				}
				kept[rel] = true
				continue
			}
		}
		if err := st.WriteKeyed(rel, kv[0], []byte(kv[1])); err != nil {
			t.Fatal(err)
		}
	}
	if memo != "" {
		st.SetMemo([]byte(memo))
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	return kept
}

func TestKeepUsesManifest(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	v1 := map[string][2]string{
		"a/index.html": {"ka", "page a"},
		"b/index.html": {"kb", "page b"},
		"c/index.html": {"kc", "page c"},
		"d/index.html": {"", "unkeyed"},
	}
	keepAll := map[string]bool{"a/index.html": true, "b/index.html": true, "c/index.html": true, "d/index.html": true}
	if kept := keyedBuild(t, out, `{"m":1}`, v1, keepAll); len(kept) != 0 {
		t.Fatalf("first build kept %v from no previous output", kept)
	}
	first, err := os.ReadFile(filepath.Join(out, ManifestName))
	if err != nil {
		t.Fatal(err)
	}

	// A hand edit of c in the output: same key, other bytes. It must be
	// made again, never kept.
	if err := os.Remove(filepath.Join(out, "c/index.html")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "c/index.html"), []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	v2 := map[string][2]string{
		"a/index.html": {"ka", "page a"},       // same key: kept
		"b/index.html": {"kb2", "page b v2"},   // new key: written
		"c/index.html": {"kc", "page c"},       // tampered: written
		"d/index.html": {"", "unkeyed"},        // no key: written
		"e/index.html": {"ke", "page e (new)"}, // new path: written
	}
	keepAll["e/index.html"] = true
	st, err := Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(st.PreviousMemo()); got != `{"m":1}` {
		t.Errorf("PreviousMemo = %q", got)
	}
	st.Abort()
	kept := keyedBuild(t, out, `{"m":2}`, v2, keepAll)
	if want := map[string]bool{"a/index.html": true}; !equalSets(kept, want) {
		t.Errorf("kept %v, want %v", kept, want)
	}
	for rel, kv := range v2 {
		if b, err := os.ReadFile(filepath.Join(out, rel)); err != nil || string(b) != kv[1] {
			t.Errorf("%s = %q, %v; want %q", rel, b, err, kv[1])
		}
	}

	// The manifest lists every file written with WriteKeyed (with a key or
	// not), kept or written; the same build again writes the same bytes.
	st, err = Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for p := range st.prevManifest.Files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	st.Abort()
	if want := []string{"a/index.html", "b/index.html", "c/index.html", "d/index.html", "e/index.html"}; !slices.Equal(paths, want) {
		t.Errorf("manifest lists %v, want %v", paths, want)
	}
	second, _ := os.ReadFile(filepath.Join(out, ManifestName))
	keyedBuild(t, out, `{"m":2}`, v2, keepAll)
	third, _ := os.ReadFile(filepath.Join(out, ManifestName))
	if !bytes.Equal(second, third) {
		t.Errorf("the same build wrote another manifest:\n%s\n%s", second, third)
	}
	if bytes.Equal(first, second) {
		t.Error("a changed build wrote the same manifest")
	}
}

// TestManifestNotWritableAsPage: a site cannot overwrite the manifest.
func TestManifestNotWritableAsPage(t *testing.T) {
	st, err := Begin(Options{Out: filepath.Join(t.TempDir(), "public")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	if err := st.Write(ManifestName, []byte("{}")); err == nil {
		t.Errorf("Write(%s) succeeded", ManifestName)
	}
}

// TestKeepIgnoresBadManifest: a manifest that does not parse, or of
// another version, turns keeping off instead of failing the build.
func TestKeepIgnoresBadManifest(t *testing.T) {
	for name, body := range map[string]string{
		"garbage": "not json",
		"version": `{"version":999,"files":{"a/index.html":{"key":"ka","sha256":"x"}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "public")
			keyedBuild(t, out, "", map[string][2]string{"a/index.html": {"ka", "page a"}}, nil)
			if err := os.Remove(filepath.Join(out, ManifestName)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, ManifestName), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			kept := keyedBuild(t, out, "", map[string][2]string{"a/index.html": {"ka", "page a"}}, map[string]bool{"a/index.html": true})
			if len(kept) != 0 {
				t.Errorf("kept %v with a %s manifest", kept, name)
			}
		})
	}
}

func equalSets(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// TestWriteStream: a streamed file lands with its bytes and key (so the
// next build can keep it), and a failing stream fails the whole stage.
func TestWriteStream(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	st, err := Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("0123456789"), 100_000) // past every buffer
	n, err := st.WriteStream("data/big.json", "kbig", func(w io.Writer) error {
		for i := 0; i < len(big); i += 7000 {
			if _, err := w.Write(big[i:min(i+7000, len(big))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != int64(len(big)) {
		t.Fatalf("WriteStream = %d, %v; want %d", n, err, len(big))
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "data/big.json")); !bytes.Equal(got, big) {
		t.Fatalf("streamed file holds %d bytes, want %d", len(got), len(big))
	}
	st, err = Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := st.Keep("data/big.json", "kbig"); !ok || n != int64(len(big)) {
		t.Errorf("Keep of the streamed file = %d, %v", n, ok)
	}
	if _, err := st.WriteStream("data/bad.json", "k", func(w io.Writer) error {
		w.Write([]byte("half"))
		return errors.New("encoder failed")
	}); err == nil || !strings.Contains(err.Error(), "encoder failed") {
		t.Errorf("failing stream: err = %v", err)
	}
	if err := st.Commit(); err == nil {
		t.Error("Commit published a stage whose stream failed")
	}
	if got, _ := os.ReadFile(filepath.Join(out, "data/big.json")); !bytes.Equal(got, big) {
		t.Error("a failed build changed the previous output")
	}
}

// TestKeepAll keeps every recorded file, keyed or not, and refuses when
// one no longer holds its recorded bytes.
func TestKeepAll(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	files := map[string][2]string{"a/index.html": {"ka", "page a"}, "robots.txt": {"", "User-agent: *"}}
	keyedBuild(t, out, `{"m":1}`, files, nil)
	st, err := Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	n, size, ok := st.KeepAll()
	if !ok || n != 2 || size != int64(len("page a")+len("User-agent: *")) {
		t.Fatalf("KeepAll = %d files, %d bytes, %v", n, size, ok)
	}
	st.SetMemo([]byte(`{"m":1}`))
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	for rel, kv := range files {
		if b, _ := os.ReadFile(filepath.Join(out, rel)); string(b) != kv[1] {
			t.Errorf("%s = %q after KeepAll", rel, b)
		}
	}
	if err := os.Remove(filepath.Join(out, "robots.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "robots.txt"), []byte("User-agent: X"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err = Begin(Options{Out: out, Reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	if _, _, ok := st.KeepAll(); ok {
		t.Error("KeepAll kept a file whose bytes changed")
	}
}
