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
		_, err = tx.Exec(ctx, `UPDATE sessions SET ended_at = now() WHERE ended_at IS NULL
			AND token_id = (SELECT id FROM tokens WHERE name = $1)`, name)
		return err
	})
}

var _ auth.SessionStore = (*Tokens)(nil)

// CreateSession stores a session's hash for token.
func (t *Tokens) CreateSession(ctx context.Context, tok auth.Token, hash []byte, created, expires time.Time) (auth.Session, error) {
	var id int64
	err := t.db.writeTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "INSERT INTO sessions (hash, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id",
			hash, tok.ID, created.UTC().Truncate(time.Millisecond), expires.UTC().Truncate(time.Millisecond)).Scan(&id)
	})
	return auth.Session{ID: id, Token: tok, CreatedAt: created, ExpiresAt: expires}, err
}

const sessionColumns = `s.id, s.created_at, s.expires_at, s.ended_at, t.id, t.name, t.hash, t.created_at, t.revoked_at, t.role, s.hash`

// SessionByHash finds a session by its hash, with its token.
func (t *Tokens) SessionByHash(ctx context.Context, hash []byte) (auth.Session, error) {
	ses, stored, err := scanSession(t.db.pool.QueryRow(ctx, "SELECT "+sessionColumns+`
		FROM sessions s JOIN tokens t ON t.id = s.token_id WHERE s.hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !auth.Equal(stored, hash)) {
		return auth.Session{}, auth.ErrNoSession
	}
	return ses, err
}

// EndSession ends the session with hash (ending twice keeps the first time).
func (t *Tokens) EndSession(ctx context.Context, hash []byte, at time.Time) error {
	return t.db.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE sessions SET ended_at = coalesce(ended_at, $1) WHERE hash = $2",
			at.UTC().Truncate(time.Millisecond), hash)
		return err
	})
}

// Sessions lists the live sessions at now, oldest first.
func (t *Tokens) Sessions(ctx context.Context, at time.Time) ([]auth.Session, error) {
	rows, err := t.db.pool.Query(ctx, "SELECT "+sessionColumns+` FROM sessions s JOIN tokens t ON t.id = s.token_id
		WHERE s.ended_at IS NULL AND t.revoked_at IS NULL AND s.expires_at > $1 ORDER BY s.id`, at.UTC())
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.Session, error) {
		s, _, err := scanSession(r)
		return s, err
	})
	if out == nil && err == nil {
		out = []auth.Session{}
	}
	return out, err
}

func scanSession(r pgx.Row) (auth.Session, []byte, error) {
	var s auth.Session
	var ended, revoked *time.Time
	var tokHash, hash []byte
	var role string
	if err := r.Scan(&s.ID, &s.CreatedAt, &s.ExpiresAt, &ended, &s.Token.ID, &s.Token.Name, &tokHash, &s.Token.CreatedAt,
		&revoked, &role, &hash); err != nil {
		return s, nil, err
	}
	s.Token.Role = auth.Role(role)
	s.CreatedAt, s.ExpiresAt, s.Token.CreatedAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC(), s.Token.CreatedAt.UTC()
	if ended != nil {
		e := ended.UTC()
		s.EndedAt = &e
	}
	if revoked != nil {
		v := revoked.UTC()
		s.Token.RevokedAt = &v
	}
	return s, hash, nil
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
