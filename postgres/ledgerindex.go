package postgres

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/ledger"
)

var _ ledger.SnapshotStore = (*Ledger)(nil)

// ReadIndexSnapshot calls read with the stored snapshot of the ledger index, streamed chunk by chunk, and its size;
// found is false when none is stored. Size and chunks are read in one repeatable-read transaction.
func (l *Ledger) ReadIndexSnapshot(ctx context.Context, read func(r io.Reader, size int64) error) (bool, error) {
	return l.db.readChunks(ctx, "tiled_ledger_index", nil, read)
}

// snapshotLock is the advisory lock key a snapshot save takes ('tils'): saves from several servers follow one
// another, and writers of data, which take writeLock, do not wait for them.
const snapshotLock = 0x74696c73

// SaveIndexSnapshot replaces the stored snapshot of the ledger index with what write writes (nil: none), in one
// transaction. It changes neither the data version nor anything a reader of the data sees, and does not hold the
// write lock: writers carry on meanwhile.
func (l *Ledger) SaveIndexSnapshot(ctx context.Context, write func(w io.Writer) error) error {
	return pgx.BeginFunc(ctx, l.db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", snapshotLock); err != nil {
			return err
		}
		return replaceChunks(ctx, tx, "tiled_ledger_index", "INSERT INTO tiled_ledger_index (data) VALUES ($1)", nil, write)
	})
}

// ClaimsThrough returns the number of claims with ids up to id.
func (l *Ledger) ClaimsThrough(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := l.db.pool.QueryRow(ctx, "SELECT count(*) FROM claims WHERE id <= $1", id).Scan(&n)
	return n, err
}
