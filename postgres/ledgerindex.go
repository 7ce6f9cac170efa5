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
	tx, err := l.db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	var size *int64
	if err := tx.QueryRow(ctx, "SELECT sum(octet_length(data))::bigint FROM tiled_ledger_index").Scan(&size); err != nil {
		return false, err
	}
	if size == nil {
		return false, nil
	}
	rows, err := tx.Query(ctx, "SELECT data FROM tiled_ledger_index ORDER BY seq")
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if err := read(&chunkReader{rows: rows}, *size); err != nil {
		return true, err
	}
	return true, rows.Err()
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
		if _, err := tx.Exec(ctx, "DELETE FROM tiled_ledger_index"); err != nil {
			return err
		}
		if write == nil {
			return nil
		}
		w := &chunkWriter{flush: func(b []byte) error {
			_, err := tx.Exec(ctx, "INSERT INTO tiled_ledger_index (data) VALUES ($1)", b)
			return err
		}}
		if err := write(w); err != nil {
			return err
		}
		return w.close()
	})
}

// ClaimsThrough returns the number of claims with ids up to id.
func (l *Ledger) ClaimsThrough(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := l.db.pool.QueryRow(ctx, "SELECT count(*) FROM claims WHERE id <= $1", id).Scan(&n)
	return n, err
}
