package content

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"

	"briefings/generator/internal/frontmatter"
)

// lazyText is a body left in its file: its length and a hash, enough to find
// it again and to notice that the file changed.
//
// The body is always a suffix of the file's text after frontmatter.Normalize
// (BOM removed, CRLF made LF), so reading it again needs no parsing: read,
// normalise, take the last size bytes, compare the hash.
type lazyText struct {
	path string
	size int
	seed maphash.Seed
	sum  uint64
	read func(string) ([]byte, error)
}

func newLazyText(path string, body []byte, read func(string) ([]byte, error)) *lazyText {
	l := &lazyText{path: path, size: len(body), seed: maphash.MakeSeed(), read: read}
	l.sum = maphash.Bytes(l.seed, body)
	return l
}

func (l *lazyText) load() ([]byte, error) {
	if l.size == 0 {
		return nil, nil
	}
	data, err := l.read(l.path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s again: %w", l.path, unwrapPath(err))
	}
	text := frontmatter.Normalize(data)
	if len(text) < l.size {
		return nil, l.changed()
	}
	body := text[len(text)-l.size:]
	if maphash.Bytes(l.seed, body) != l.sum {
		return nil, l.changed()
	}
	return body, nil
}

func (l *lazyText) changed() error {
	return fmt.Errorf("%s changed while the site was being built; build again", l.path)
}

// unwrapPath drops the *PathError wrapper whose path the message names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
