//go:build linux

package sqlite

import "syscall"

// stRdOnly is ST_RDONLY, the read-only mount flag in statfs(2)'s f_flags.
const stRdOnly = 0x1

// fsSpace returns the bytes available to this user on the file system holding dir, and whether it is mounted
// read-only.
func fsSpace(dir string) (free uint64, readOnly bool, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false, err
	}
	return st.Bavail * uint64(st.Bsize), st.Flags&stRdOnly != 0, nil
}

// access reports whether this process may write path (access(2) with W_OK, which also fails on a read-only file
// system for root).
func access(path string) error { return syscall.Access(path, 0x2) }
