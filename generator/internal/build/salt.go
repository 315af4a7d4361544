package build

import (
	"crypto/sha256"
	"io"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"time"
)

// salt digests what every output file may depend on beyond the view
// models render keys (render.Reuse): the generator itself, the built-in
// and site layouts, config.yaml and the options that change output. A
// change to any of them makes every file again.
func (p *pipeline) salt() []byte {
	h := sha256.New()
	field := func(s string) {
		io.WriteString(h, strconv.Itoa(len(s))+":")
		io.WriteString(h, s)
	}
	field(executableDigest())
	field(string(p.site.Config))
	field(p.opts.BaseURL)
	field(strconv.FormatBool(p.opts.Drafts))
	for _, layouts := range []fs.FS{p.opts.Layouts, p.site.Layouts} {
		field("layouts")
		if layouts == nil {
			continue
		}
		_ = fs.WalkDir(layouts, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := fs.ReadFile(layouts, path)
			if err != nil {
				b = []byte("\x00unreadable")
			}
			field(path)
			field(string(b))
			return nil
		})
	}
	return h.Sum(nil)
}

var (
	exeOnce   sync.Once
	exeDigest string
)

// executableDigest is the SHA-256 of the running program, so a build by
// another version of the generator never keeps files of this one. When the
// program cannot be read, a value that never repeats turns keeping off.
func executableDigest() string {
	exeOnce.Do(func() {
		exeDigest = "unknown"
		name, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(name)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return
		}
		exeDigest = string(h.Sum(nil))
	})
	if exeDigest == "unknown" {
		return "unknown:" + strconv.FormatInt(int64(os.Getpid()), 10) + ":" + strconv.FormatInt(time.Now().UnixNano(), 10)
	}
	return exeDigest
}
