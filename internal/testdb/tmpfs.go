package testdb

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TmpFS mounts a tmpfs of size (a mount(8) size, "2m") on a new directory in tb's temporary directory and
// unmounts it when the test ends, so that a test can fill a disk or make it read-only. It skips the test, saying
// why, where mounting is not permitted (not Linux, not root, or a container without CAP_SYS_ADMIN).
func TmpFS(tb testing.TB, size string) string {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("a size-limited file system needs Linux tmpfs")
	}
	if os.Geteuid() != 0 {
		tb.Skip("mounting a size-limited tmpfs needs root: skipped")
	}
	dir := filepath.Join(tb.TempDir(), "fs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		tb.Skipf("mount -t tmpfs not permitted here (%v: %s): skipped", err, out)
	}
	tb.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			tb.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// RemountReadOnly remounts a TmpFS read-only (or read-write again with rw true).
func RemountReadOnly(tb testing.TB, dir string, rw bool) {
	tb.Helper()
	opt := "remount,ro"
	if rw {
		opt = "remount,rw"
	}
	if out, err := exec.Command("mount", "-o", opt, dir).CombinedOutput(); err != nil {
		tb.Fatalf("mount -o %s %s: %v: %s", opt, dir, err, out)
	}
}

// FillDisk writes a file in dir until its file system is full and returns its path: removing it frees the space.
func FillDisk(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			break // ENOSPC: full
		}
	}
	return path
}
