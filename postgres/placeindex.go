package postgres

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/internal/chunks"
)

// ReadPlaceIndex calls read with the stored place index of places version v, streamed chunk by chunk, and its
// size; found is false when the stored one (if any) is of another version. Size and chunks are read in one
// repeatable-read transaction.
func (g *Gazetteer) ReadPlaceIndex(ctx context.Context, v int64, read func(r io.Reader, size int64) error) (bool, error) {
	return g.db.readChunks(ctx, "tiled_place_index WHERE places_version = $1", []any{v}, read)
}

// readChunks calls read with the data column of the rows of from (a table and its WHERE clause, with args), in seq
// order, as one stream, and its total size, all read in one repeatable-read transaction; found is false when there
// are no rows.
func (db *DB) readChunks(ctx context.Context, from string, args []any, read func(r io.Reader, size int64) error) (bool, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	var size *int64
	if err := tx.QueryRow(ctx, "SELECT sum(octet_length(data))::bigint FROM "+from, args...).Scan(&size); err != nil {
		return false, err
	}
	if size == nil {
		return false, nil
	}
	rows, err := tx.Query(ctx, "SELECT data FROM "+from+" ORDER BY seq", args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	r := chunks.NewReader(func() ([]byte, error) {
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		var b []byte
		err := rows.Scan(&b)
		return b, err
	})
	if err := read(r, *size); err != nil {
		return true, err
	}
	return true, rows.Err()
}

// SavePlaceIndex stores what write writes as the place index of places version v, replacing the one stored
// before, in one transaction. It changes neither the data version nor the places version.
func (g *Gazetteer) SavePlaceIndex(ctx context.Context, v int64, write func(w io.Writer) error) error {
	return g.db.writeTx(ctx, func(tx pgx.Tx) error {
		return replaceChunks(ctx, tx, "tiled_place_index", "INSERT INTO tiled_place_index (places_version, data) VALUES ($1, $2)", []any{v}, write)
	})
}

// replaceChunks empties table and stores what write writes (nothing when write is nil) in rows of
// chunks.Size bytes, each inserted by insert with args followed by the chunk.
func replaceChunks(ctx context.Context, tx pgx.Tx, table, insert string, args []any, write func(w io.Writer) error) error {
	if _, err := tx.Exec(ctx, "DELETE FROM "+table); err != nil {
		return err
	}
	if write == nil {
		return nil
	}
	w := chunks.NewWriter(func(b []byte) error {
		_, err := tx.Exec(ctx, insert, append(args[:len(args):len(args)], b)...)
		return err
	})
	if err := write(w); err != nil {
		return err
	}
	return w.Close()
}
