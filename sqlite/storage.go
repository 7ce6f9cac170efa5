package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// MinFreeBytes is the free space below which Storage reports the store's file system full: a claim is a few
// hundred bytes, but SQLite needs room for a WAL frame of each page a transaction touches.
const MinFreeBytes = 1 << 20

// StorageError is a write the file system refused: the disk is full, or the store is read-only. The web layer
// recognises it by its StorageFull and StorageReadOnly methods (full: 507 Insufficient Storage; read-only: 503)
// without depending on this package.
type StorageError struct {
	// Path is the store's file.
	Path string
	// Full is true for a full disk (SQLITE_FULL, ENOSPC, EDQUOT), false for a read-only store.
	Full bool
	// Err is the underlying error.
	Err error

	msg string // when set, the whole message
}

// Error says what happened and what to do, for operators.
func (e *StorageError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	if e.Full {
		return fmt.Sprintf("sqlite: the disk holding %s is full: nothing was written; free some space: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("sqlite: %s is read-only: nothing was written: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *StorageError) Unwrap() error { return e.Err }

// StorageFull reports whether the disk is full.
func (e *StorageError) StorageFull() bool { return e.Full }

// StorageReadOnly reports whether the store is read-only.
func (e *StorageError) StorageReadOnly() bool { return !e.Full }

// storageErr returns err as a *StorageError when the file system refused the write (full or read-only), else err.
func (db *DB) storageErr(err error) error {
	if err == nil {
		return nil
	}
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch {
	case se.Code == sqlite3.ErrFull,
		se.Code == sqlite3.ErrIoErr && (errors.Is(se.SystemErrno, syscall.ENOSPC) || errors.Is(se.SystemErrno, syscall.EDQUOT)):
		return &StorageError{Path: db.path, Full: true, Err: err}
	case se.Code == sqlite3.ErrReadonly,
		se.Code == sqlite3.ErrIoErr && errors.Is(se.SystemErrno, syscall.EROFS):
		return &StorageError{Path: db.path, Err: err}
	}
	return err
}

// Storage checks that the store's file system can take writes: it is a *StorageError when the file system is
// read-only or has less than MinFreeBytes free. /ready reports it.
func (db *DB) Storage(context.Context) error {
	free, ro, err := fsSpace(filepath.Dir(db.path))
	if err != nil {
		return nil // not known on this system: nothing to report
	}
	if ro {
		return &StorageError{Path: db.path, Err: syscall.EROFS}
	}
	if free < MinFreeBytes {
		return &StorageError{Path: db.path, Full: true, Err: fmt.Errorf("%d bytes free", free)}
	}
	return nil
}

// checkWritable explains, before SQLite tries, why the store at path cannot be opened for writing: its directory
// is missing, or it (or its directory, where the -wal and -shm files live) is on a read-only file system or not
// writable by this user. SQLite itself says "unable to open database file: no such file or directory" for all of
// these.
func checkWritable(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("sqlite: cannot open %s: directory %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("sqlite: cannot open %s: %w", path, err)
	case !st.IsDir():
		return fmt.Errorf("sqlite: cannot open %s: %s is not a directory", path, dir)
	}
	explain := func(what string, err error) error {
		if errors.Is(err, syscall.EROFS) {
			return &StorageError{Path: path, Err: err, msg: fmt.Sprintf("sqlite: cannot open %s: %s is on a read-only file system; tiled writes the store and its -wal and -shm files beside it: remount it read-write, or copy the store to a writable place",
				path, what)}
		}
		return &StorageError{Path: path, Err: err, msg: fmt.Sprintf("sqlite: cannot open %s: %s is not writable by this user (uid %d: %v); tiled writes the store and its -wal and -shm files beside it",
			path, what, os.Geteuid(), err)}
	}
	if _, ro, err := fsSpace(dir); err == nil && ro {
		return explain("the directory "+dir, syscall.EROFS)
	}
	if err := access(dir); err != nil {
		return explain("the directory "+dir, err)
	}
	if _, err := os.Stat(path); err == nil {
		if err := access(path); err != nil {
			return explain("the file", err)
		}
	}
	return nil
}
