package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"
)

// ErrBackupExists is returned when a backup's destination already exists: Backup never overwrites.
var ErrBackupExists = errors.New("sqlite: backup destination exists")

// Backup writes a consistent copy of the whole store to the new file dst with SQLite's online backup API, while
// readers and writers carry on: the copy is the store as of one moment (one read transaction), in rollback-journal
// mode so that it is a single self-contained file, and checked with PRAGMA quick_check. It is written beside dst
// and renamed into place, so dst is either absent or a complete backup, even if the process dies part-way.
func (db *DB) Backup(ctx context.Context, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%w: %s", ErrBackupExists, dst)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".partial-*")
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpPath) // after a successful rename there is nothing left to remove
	if err := db.backupTo(ctx, tmpPath); err != nil {
		return err
	}
	if err := checkFile(ctx, tmpPath); err != nil {
		return err
	}
	if err := syncFile(tmpPath); err != nil {
		return err
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%w: %s", ErrBackupExists, dst)
	}
	if err := os.Rename(tmpPath, dst); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return syncFile(filepath.Dir(dst))
}

// backupTo copies the store page by page into the (empty) file at path in one step, so that the copy reflects a
// single read transaction of the source.
func (db *DB) backupTo(ctx context.Context, path string) error {
	drv := &sqlite3.SQLiteDriver{}
	dc, err := drv.Open("file:" + path + "?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("sqlite: backup: open %s: %w", path, err)
	}
	dest := dc.(*sqlite3.SQLiteConn)
	defer dest.Close()
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(raw any) error {
		src, ok := raw.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("sqlite: backup: driver connection is %T", raw)
		}
		b, err := dest.Backup("main", src, "main")
		if err != nil {
			return err
		}
		done, err := b.Step(-1)
		if ferr := b.Finish(); err == nil {
			err = ferr
		}
		if err == nil && !done {
			err = errors.New("backup did not complete")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if _, err := dest.Exec("PRAGMA journal_mode = DELETE", nil); err != nil {
		return fmt.Errorf("sqlite: backup: journal mode: %w", err)
	}
	return nil
}

// checkFile runs PRAGMA quick_check on the store file at path.
func checkFile(ctx context.Context, path string) error {
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer raw.Close()
	var res string
	if err := raw.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("sqlite: backup: check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("sqlite: backup: check of the copy failed: %s", res)
	}
	return nil
}

// syncFile flushes a file or directory to stable storage.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
