package sqlite

import (
	"context"
	"database/sql"
	"io"

	"github.com/tiled-maps/tiled/ledger"
)

var _ ledger.SnapshotStore = (*Ledger)(nil)

// ReadIndexSnapshot calls read with the stored snapshot of the ledger index, streamed chunk by chunk, and its size;
// found is false when none is stored.
func (l *Ledger) ReadIndexSnapshot(ctx context.Context, read func(r io.Reader, size int64) error) (bool, error) {
	conn, err := l.db.read.Conn(ctx) // one connection: the size and the chunks are read in one transaction
	if err != nil {
		return false, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var size sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT sum(length(data)) FROM tiled_ledger_index").Scan(&size); err != nil {
		return false, err
	}
	if !size.Valid {
		return false, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT data FROM tiled_ledger_index ORDER BY seq")
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if err := read(&chunkReader{rows: rows}, size.Int64); err != nil {
		return true, err
	}
	return true, rows.Err()
}

// SaveIndexSnapshot replaces the stored snapshot of the ledger index with what write writes (nil: none), in one
// transaction. It does not change the data version: the rows are a cache of what the claims already say.
func (l *Ledger) SaveIndexSnapshot(ctx context.Context, write func(w io.Writer) error) error {
	return l.db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM tiled_ledger_index"); err != nil {
			return err
		}
		if write == nil {
			return nil
		}
		st, err := tx.PrepareContext(ctx, "INSERT INTO tiled_ledger_index (data) VALUES (?)")
		if err != nil {
			return err
		}
		defer st.Close()
		w := &chunkWriter{flush: func(b []byte) error {
			_, err := st.ExecContext(ctx, b)
			return err
		}}
		if err := write(w); err != nil {
			return err
		}
		return w.close()
	})
}

// ClaimsThrough returns the number of claims with ids up to id: all claims less those above id, since SQLite
// counts a whole table from its smallest index, and the claims above a recent snapshot's last are few.
func (l *Ledger) ClaimsThrough(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := l.db.read.QueryRowContext(ctx,
		"SELECT (SELECT count(*) FROM claims) - (SELECT count(*) FROM claims WHERE id > ?)", id).Scan(&n)
	return n, err
}
