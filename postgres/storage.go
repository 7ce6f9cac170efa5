package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes of a write the database cannot take (PostgreSQL, Appendix A).
const (
	codeDiskFull         = "53100" // disk_full
	codeReadOnlyTx       = "25006" // read_only_sql_transaction: a standby, or default_transaction_read_only
	codeOutOfDiskForFile = "58030" // io_error, as ENOSPC on extending a file can surface
)

// StorageError is a write PostgreSQL refused for want of room (SQLSTATE 53100, disk_full) or because the database
// takes no writes (25006: a hot standby, or a database set read-only). The web layer recognises it by its
// StorageFull and StorageReadOnly methods (full: 507 Insufficient Storage; read-only: 503), as it does SQLite's.
type StorageError struct {
	// Full is true for a full disk, false for a database that takes no writes.
	Full bool
	// Err is the server's error.
	Err error
}

// Error says what happened and what to do, for operators.
func (e *StorageError) Error() string {
	if e.Full {
		return fmt.Sprintf("postgres: the database server's disk is full: nothing was written; free some space: %v", e.Err)
	}
	return fmt.Sprintf("postgres: the database takes no writes (a standby, or set read-only): nothing was written: %v", e.Err)
}

// Unwrap returns the server's error.
func (e *StorageError) Unwrap() error { return e.Err }

// StorageFull reports whether the disk is full.
func (e *StorageError) StorageFull() bool { return e.Full }

// StorageReadOnly reports whether the database takes no writes.
func (e *StorageError) StorageReadOnly() bool { return !e.Full }

// storageErr returns err as a *StorageError when the server refused a write for want of room or because it takes
// no writes, else err unchanged.
func storageErr(err error) error {
	var pe *pgconn.PgError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case codeDiskFull:
		return &StorageError{Full: true, Err: err}
	case codeOutOfDiskForFile:
		if strings.Contains(pe.Message, "No space left on device") {
			return &StorageError{Full: true, Err: err}
		}
	case codeReadOnlyTx:
		return &StorageError{Err: err}
	}
	return err
}
