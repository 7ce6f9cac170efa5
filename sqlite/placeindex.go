package sqlite

import (
	"context"
	"database/sql"
	"io"

	"github.com/tiled-maps/tiled/internal/chunks"
)

// ReadPlaceIndex calls read with the stored place index of places version v, streamed chunk by chunk, and its
// size; found is false when the stored one (if any) is of another version.
func (g *Gazetteer) ReadPlaceIndex(ctx context.Context, v int64, read func(r io.Reader, size int64) error) (bool, error) {
	return g.db.readChunks(ctx, "tiled_place_index WHERE places_version = ?", []any{v}, read)
}

// readChunks calls read with the data column of the rows of from (a table and its WHERE clause, with args), in seq
// order, as one stream, and its total size, all read in one transaction; found is false when there are no rows.
func (db *DB) readChunks(ctx context.Context, from string, args []any, read func(r io.Reader, size int64) error) (bool, error) {
	conn, err := db.read.Conn(ctx) // one connection: the size and the chunks are read in one transaction
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
	if err := tx.QueryRowContext(ctx, "SELECT sum(length(data)) FROM "+from, args...).Scan(&size); err != nil {
		return false, err
	}
	if !size.Valid {
		return false, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT data FROM "+from+" ORDER BY seq", args...)
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
		var b sql.RawBytes // valid until the next call, which is when the reader is done with it
		err := rows.Scan(&b)
		return b, err
	})
	if err := read(r, size.Int64); err != nil {
		return true, err
	}
	return true, rows.Err()
}

// SavePlaceIndex stores what write writes as the place index of places version v, replacing the one stored
// before, in one transaction. It changes neither the data version nor the places version: the rows are a cache of
// what the places already say.
func (g *Gazetteer) SavePlaceIndex(ctx context.Context, v int64, write func(w io.Writer) error) error {
	return g.db.writeTx(ctx, func(tx *sql.Tx) error {
		return replaceChunks(ctx, tx, "tiled_place_index", "INSERT INTO tiled_place_index (places_version, data) VALUES (?, ?)", []any{v}, write)
	})
}

// replaceChunks empties table and stores what write writes (nothing when write is nil) in rows of
// chunks.Size bytes, each inserted by insert with args followed by the chunk.
func replaceChunks(ctx context.Context, tx *sql.Tx, table, insert string, args []any, write func(w io.Writer) error) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
		return err
	}
	if write == nil {
		return nil
	}
	st, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return err
	}
	defer st.Close()
	w := chunks.NewWriter(func(b []byte) error {
		_, err := st.ExecContext(ctx, append(args[:len(args):len(args)], b)...)
		return err
	})
	if err := write(w); err != nil {
		return err
	}
	return w.Close()
}
