//go:build unix

package serve

import (
	"io/fs"
	"syscall"
)

// inode is the file's inode number, so polling sees a file replaced by an
// atomic save even when its size and modification time look the same.
func inode(info fs.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
