package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestStorageErr: the server's refusals for want of disk or of writability become a *StorageError (full or
// read-only, as /ready and the API report them), wrapped or not; every other error passes unchanged.
func TestStorageErr(t *testing.T) {
	for _, tc := range []struct {
		name           string
		err            error
		full, readOnly bool
	}{
		{"disk full", &pgconn.PgError{Code: codeDiskFull, Message: "could not extend file"}, true, false},
		{"disk full, wrapped", fmt.Errorf("add claim: %w", &pgconn.PgError{Code: codeDiskFull}), true, false},
		{"disk full, joined with a failed rollback", errors.Join(&pgconn.PgError{Code: codeDiskFull}, errors.New("conn closed")), true, false},
		{"ENOSPC as an I/O error", &pgconn.PgError{Code: codeOutOfDiskForFile, Message: `could not write to file "base/16384/2619": No space left on device`}, true, false},
		{"another I/O error", &pgconn.PgError{Code: codeOutOfDiskForFile, Message: "could not read block 7"}, false, false},
		{"standby or read-only database", &pgconn.PgError{Code: codeReadOnlyTx, Message: "cannot execute INSERT in a read-only transaction"}, false, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false, false},
		{"not a server error", errors.New("boom"), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := storageErr(tc.err)
			var se *StorageError
			isStorage := errors.As(got, &se)
			if isStorage != (tc.full || tc.readOnly) {
				t.Fatalf("storageErr(%v) = %v: StorageError %v, want %v", tc.err, got, isStorage, tc.full || tc.readOnly)
			}
			if !isStorage {
				if got != tc.err {
					t.Errorf("storageErr changed %v into %v", tc.err, got)
				}
				return
			}
			if se.StorageFull() != tc.full || se.StorageReadOnly() != tc.readOnly {
				t.Errorf("full %v read-only %v, want %v %v", se.StorageFull(), se.StorageReadOnly(), tc.full, tc.readOnly)
			}
			if !errors.Is(got, tc.err) && !errors.Is(got, errors.Unwrap(tc.err)) {
				t.Errorf("%v does not wrap the server's error", got)
			}
		})
	}
	if storageErr(nil) != nil {
		t.Error("storageErr(nil) is not nil")
	}
}
