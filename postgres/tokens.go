package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/auth"
)

// Tokens is the auth.Store view of a DB.
type Tokens struct{ db *DB }

// Tokens returns the store's token table.
func (db *DB) Tokens() *Tokens { return &Tokens{db: db} }

var _ auth.Store = (*Tokens)(nil)

// CreateToken stores a token hash under a unique name.
func (t *Tokens) CreateToken(ctx context.Context, name string, role auth.Role, hash []byte) (auth.Token, error) {
	created := time.Now().UTC().Truncate(time.Millisecond)
	var id int64
	err := t.db.writeTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "INSERT INTO tokens (name, hash, created_at, role) VALUES ($1, $2, $3, $4) RETURNING id", name, hash, created, role).Scan(&id)
		if isUnique(err, "tokens_name_key") {
			return fmt.Errorf("%w: a token named %q exists", auth.ErrInvalidName, name)
		}
		return err
	})
	return auth.Token{ID: id, Name: name, Role: role, CreatedAt: created}, err
}

// RestoreToken stores a token as another store had it (id aside): its hash, creation and revocation times. Copies
// between stores use it.
func (t *Tokens) RestoreToken(ctx context.Context, tok auth.Token, hash []byte) error {
	return t.db.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO tokens (name, hash, created_at, revoked_at, role) VALUES ($1, $2, $3, $4, $5)",
			tok.Name, hash, tok.CreatedAt.UTC(), tok.RevokedAt, restoredRole(tok.Role))
		if isUnique(err, "tokens_name_key") {
			return fmt.Errorf("%w: a token named %q exists", auth.ErrInvalidName, tok.Name)
		}
		return err
	})
}

// TokenHashes returns the stored hash of every token by name.
func (t *Tokens) TokenHashes(ctx context.Context) (map[string][]byte, error) {
	rows, err := t.db.pool.Query(ctx, "SELECT name, hash FROM tokens")
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
	tok, stored, err := scanToken(t.db.pool.QueryRow(ctx, "SELECT id, name, hash, created_at, revoked_at, role FROM tokens WHERE hash = $1", hash))
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !auth.Equal(stored, hash)) {
		return auth.Token{}, auth.ErrBadToken
	}
	return tok, err
}

// Tokens lists every token, oldest first.
func (t *Tokens) Tokens(ctx context.Context) ([]auth.Token, error) {
	rows, err := t.db.pool.Query(ctx, "SELECT id, name, hash, created_at, revoked_at, role FROM tokens ORDER BY id")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.Token, error) {
		tok, _, err := scanToken(r)
		return tok, err
	})
}

// RevokeToken revokes the token named name (revoking twice keeps the first time).
func (t *Tokens) RevokeToken(ctx context.Context, name string) error {
	return t.db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE name = $2",
			time.Now().UTC().Truncate(time.Millisecond), name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: %q", auth.ErrNotFound, name)
		}
		return nil
	})
}

func scanToken(r pgx.Row) (auth.Token, []byte, error) {
	var tok auth.Token
	var hash []byte
	var revoked *time.Time
	if err := r.Scan(&tok.ID, &tok.Name, &hash, &tok.CreatedAt, &revoked, &tok.Role); err != nil {
		return tok, nil, err
	}
	tok.CreatedAt = tok.CreatedAt.UTC()
	if revoked != nil {
		t := revoked.UTC()
		tok.RevokedAt = &t
	}
	return tok, hash, nil
}

// restoredRole is the role a copied token keeps: its own, or admin for a token from a store without roles.
func restoredRole(r auth.Role) auth.Role {
	if r == "" {
		return auth.RoleAdmin
	}
	return r
}
