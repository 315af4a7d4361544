//go:build !linux

package publish

import "errors"

// errUnsupported says the platform cannot do the atomic rename asked for;
// the caller falls back to plain renames.
var errUnsupported = errors.New("rename flag not supported")

func exchange(a, b string) error            { return errUnsupported }
func renameNoReplace(from, to string) error { return errUnsupported }
