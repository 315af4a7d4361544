package publish

import (
	"errors"

	"golang.org/x/sys/unix"
)

// errUnsupported says the file system cannot do the atomic rename asked for;
// the caller falls back to plain renames.
var errUnsupported = errors.New("rename flag not supported")

// exchange swaps the two existing paths atomically (renameat2
// RENAME_EXCHANGE).
func exchange(a, b string) error {
	return renameat2(a, b, unix.RENAME_EXCHANGE)
}

// renameNoReplace renames from to to, failing if to exists.
func renameNoReplace(from, to string) error {
	return renameat2(from, to, unix.RENAME_NOREPLACE)
}

func renameat2(from, to string, flags uint) error {
	err := unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, flags)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
		return errUnsupported
	}
	return err
}
