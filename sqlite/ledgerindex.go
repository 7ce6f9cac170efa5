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
	return l.db.readChunks(ctx, "tiled_ledger_index", nil, read)
}

// SaveIndexSnapshot replaces the stored snapshot of the ledger index with what write writes (nil: none), in one
// transaction. It does not change the data version: the rows are a cache of what the claims already say.
func (l *Ledger) SaveIndexSnapshot(ctx context.Context, write func(w io.Writer) error) error {
	return l.db.writeTx(ctx, func(tx *sql.Tx) error {
		return replaceChunks(ctx, tx, "tiled_ledger_index", "INSERT INTO tiled_ledger_index (data) VALUES (?)", nil, write)
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
