//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// lockFile is an exclusively created file. Unlike flock it survives a killed
// process; the message says how to clear it.
type lockFile struct {
	path string
	f    *os.File
	once sync.Once
}

func acquireLock(path string) (*lockFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("another build holds lock %s (if no build is running, delete it)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("publish: creating lock %s: %w", path, err)
	}
	return &lockFile{path: path, f: f}, nil
}

// release closes and removes the lock file. Safe to call twice.
func (l *lockFile) release() {
	l.once.Do(func() {
		l.f.Close()
		os.Remove(l.path)
	})
}
