package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/tiled-maps/tiled/sqlite"
)

// BackupKind says what a backup file is.
type BackupKind string

// The kinds of backup.
const (
	// BackupSQLite is a SQLite/GeoPackage file: SQLite's online backup, or a PostgreSQL store copied into one
	// (restore with tiled copy).
	BackupSQLite BackupKind = "SQLite/GeoPackage file"
	// BackupPgDump is a pg_dump archive in its custom format (restore with pg_restore).
	BackupPgDump BackupKind = "pg_dump custom-format archive"
)

// Backup writes a consistent copy of the store to the new file dst (never overwritten: sqlite.ErrBackupExists) and
// says what it wrote. SQLite uses its online backup API. PostgreSQL uses pg_dump when it is installed (one
// snapshot of the database, custom format); without pg_dump the store is copied into a new SQLite/GeoPackage file
// and checked by content hash. Either way dst appears only complete.
func (s *Store) Backup(ctx context.Context, dst string) (BackupKind, error) {
	if s.lite != nil {
		return BackupSQLite, s.lite.Backup(ctx, dst)
	}
	if _, err := os.Lstat(dst); err == nil {
		return "", fmt.Errorf("%w: %s", sqlite.ErrBackupExists, dst)
	}
	tmpDir, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".partial-")
	if err != nil {
		return "", errf("backup: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "backup")
	kind := BackupSQLite
	if pgDump := findPgDump(); pgDump != "" {
		kind = BackupPgDump
		out, err := exec.CommandContext(ctx, pgDump, "--format=custom", "--no-owner", "--file="+tmp, "--dbname="+s.pg.DSN()).CombinedOutput()
		if err != nil {
			return kind, errf("backup: pg_dump: %v: %s", err, out)
		}
	} else if err := s.copyToFile(ctx, tmp); err != nil {
		return kind, err
	}
	if _, err := os.Lstat(dst); err == nil {
		return "", fmt.Errorf("%w: %s", sqlite.ErrBackupExists, dst)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return kind, errf("backup: %w", err)
	}
	return kind, nil
}

// findPgDump returns the path of pg_dump on the PATH or in Debian's /usr/lib/postgresql/N/bin (highest N), or "".
func findPgDump() string {
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return p
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	if len(dirs) > 0 {
		return dirs[0]
	}
	return ""
}
