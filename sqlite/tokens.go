package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tiled-maps/tiled/auth"
)

// Tokens is the auth.Store view of a DB.
type Tokens struct{ db *DB }

// Tokens returns the store's token table.
func (db *DB) Tokens() *Tokens { return &Tokens{db: db} }

var _ auth.Store = (*Tokens)(nil)

const timeFormat = "2006-01-02T15:04:05.000Z"

// CreateToken stores a token hash under a unique name.
func (t *Tokens) CreateToken(ctx context.Context, name string, hash []byte) (auth.Token, error) {
	created := time.Now().UTC()
	var id int64
	err := t.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO tokens (name, hash, created_at) VALUES (?, ?, ?)", name, hash, created.Format(timeFormat))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed: tokens.name") {
				return fmt.Errorf("%w: a token named %q exists", auth.ErrInvalidName, name)
			}
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return auth.Token{ID: id, Name: name, CreatedAt: created}, err
}

// RestoreToken stores a token as another store had it (id aside): its hash, creation and revocation times. Copies
// between stores use it.
func (t *Tokens) RestoreToken(ctx context.Context, tok auth.Token, hash []byte) error {
	var revoked any
	if tok.RevokedAt != nil {
		revoked = tok.RevokedAt.UTC().Format(timeFormat)
	}
	return t.db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO tokens (name, hash, created_at, revoked_at) VALUES (?, ?, ?, ?)",
			tok.Name, hash, tok.CreatedAt.UTC().Format(timeFormat), revoked)
		if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: tokens.name") {
			return fmt.Errorf("%w: a token named %q exists", auth.ErrInvalidName, tok.Name)
		}
		return err
	})
}

// TokenHashes returns the stored hash of every token by name.
func (t *Tokens) TokenHashes(ctx context.Context) (map[string][]byte, error) {
	rows, err := t.db.read.QueryContext(ctx, "SELECT name, hash FROM tokens")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var name string
		var hash []byte
		if err := rows.Scan(&name, &hash); err != nil {
			return nil, err
		}
		out[name] = hash
	}
	return out, rows.Err()
}

// TokenByHash finds a token by its hash.
func (t *Tokens) TokenByHash(ctx context.Context, hash []byte) (auth.Token, error) {
	row := t.db.read.QueryRowContext(ctx, "SELECT id, name, hash, created_at, revoked_at FROM tokens WHERE hash = ?", hash)
	tok, stored, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !auth.Equal(stored, hash)) {
		return auth.Token{}, auth.ErrBadToken
	}
	return tok, err
}

// Tokens lists every token, oldest first.
func (t *Tokens) Tokens(ctx context.Context) ([]auth.Token, error) {
	rows, err := t.db.read.QueryContext(ctx, "SELECT id, name, hash, created_at, revoked_at FROM tokens ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		tok, _, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	return out, rows.Err()
}

// RevokeToken revokes the token named name (revoking twice keeps the first time).
func (t *Tokens) RevokeToken(ctx context.Context, name string) error {
	return t.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE name = ?", now(), name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %q", auth.ErrNotFound, name)
		}
		return nil
	})
}

func scanToken(r rowScanner) (auth.Token, []byte, error) {
	var tok auth.Token
	var hash []byte
	var created string
	var revoked sql.NullString
	if err := r.Scan(&tok.ID, &tok.Name, &hash, &created, &revoked); err != nil {
		return tok, nil, err
	}
	tok.CreatedAt, _ = time.Parse(timeFormat, created)
	if revoked.Valid {
		t, _ := time.Parse(timeFormat, revoked.String)
		tok.RevokedAt = &t
	}
	return tok, hash, nil
}
