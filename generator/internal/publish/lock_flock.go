//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package publish

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// lockFile is an flock held on an open file. The kernel drops it when the
// process dies, so a killed build never leaves a stale lock.
type lockFile struct {
	path string
	f    *os.File
	once sync.Once
}

func acquireLock(path string) (*lockFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("publish: opening lock %s: %w", path, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("another build holds lock %s", path)
		}
		return nil, fmt.Errorf("publish: locking %s: %w", path, err)
	}
	return &lockFile{path: path, f: f}, nil
}

// release unlocks; closing the file drops the flock. Safe to call twice.
func (l *lockFile) release() {
	l.once.Do(func() { l.f.Close() })
}
