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
func (t *Tokens) CreateToken(ctx context.Context, name string, role auth.Role, hash []byte) (auth.Token, error) {
	created := time.Now().UTC()
	var id int64
	err := t.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO tokens (name, hash, created_at, role) VALUES (?, ?, ?, ?)", name, hash, created.Format(timeFormat), role)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed: tokens.name") {
				return fmt.Errorf("%w: a token named %q exists", auth.ErrInvalidName, name)
			}
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return auth.Token{ID: id, Name: name, Role: role, CreatedAt: created}, err
}

// RestoreToken stores a token as another store had it (id aside): its hash, creation and revocation times. Copies
// between stores use it.
func (t *Tokens) RestoreToken(ctx context.Context, tok auth.Token, hash []byte) error {
	var revoked any
	if tok.RevokedAt != nil {
		revoked = tok.RevokedAt.UTC().Format(timeFormat)
	}
	return t.db.writeTx(ctx, func(tx *sql.Tx) error {
		role := tok.Role
		if role == "" {
			role = auth.RoleAdmin // a token from a store without roles, like the tokens made before roles existed
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO tokens (name, hash, created_at, revoked_at, role) VALUES (?, ?, ?, ?, ?)",
			tok.Name, hash, tok.CreatedAt.UTC().Format(timeFormat), revoked, role)
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
	row := t.db.read.QueryRowContext(ctx, "SELECT id, name, hash, created_at, revoked_at, role FROM tokens WHERE hash = ?", hash)
	tok, stored, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !auth.Equal(stored, hash)) {
		return auth.Token{}, auth.ErrBadToken
	}
	return tok, err
}

// Tokens lists every token, oldest first.
func (t *Tokens) Tokens(ctx context.Context) ([]auth.Token, error) {
	rows, err := t.db.read.QueryContext(ctx, "SELECT id, name, hash, created_at, revoked_at, role FROM tokens ORDER BY id")
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

// RevokeToken revokes the token named name (revoking twice keeps the first time) and ends its sessions.
func (t *Tokens) RevokeToken(ctx context.Context, name string) error {
	return t.db.writeTx(ctx, func(tx *sql.Tx) error {
		at := now()
		res, err := tx.ExecContext(ctx, "UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE name = ?", at, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %q", auth.ErrNotFound, name)
		}
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL
			AND token_id = (SELECT id FROM tokens WHERE name = ?)`, at, name)
		return err
	})
}

var _ auth.SessionStore = (*Tokens)(nil)

// CreateSession stores a session's hash for token.
func (t *Tokens) CreateSession(ctx context.Context, tok auth.Token, hash []byte, created, expires time.Time) (auth.Session, error) {
	var id int64
	err := t.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO sessions (hash, token_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			hash, tok.ID, created.UTC().Format(timeFormat), expires.UTC().Format(timeFormat))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return auth.Session{ID: id, Token: tok, CreatedAt: created, ExpiresAt: expires}, err
}

const sessionColumns = `s.id, s.created_at, s.expires_at, s.ended_at, t.id, t.name, t.hash, t.created_at, t.revoked_at, t.role`

// SessionByHash finds a session by its hash, with its token.
func (t *Tokens) SessionByHash(ctx context.Context, hash []byte) (auth.Session, error) {
	ses, stored, err := scanSession(t.db.read.QueryRowContext(ctx, "SELECT "+sessionColumns+`, s.hash
		FROM sessions s JOIN tokens t ON t.id = s.token_id WHERE s.hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !auth.Equal(stored, hash)) {
		return auth.Session{}, auth.ErrNoSession
	}
	return ses, err
}

// EndSession ends the session with hash.
func (t *Tokens) EndSession(ctx context.Context, hash []byte, at time.Time) error {
	return t.db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE sessions SET ended_at = coalesce(ended_at, ?) WHERE hash = ?",
			at.UTC().Format(timeFormat), hash)
		return err
	})
}

// Sessions lists the live sessions at now, oldest first.
func (t *Tokens) Sessions(ctx context.Context, at time.Time) ([]auth.Session, error) {
	rows, err := t.db.read.QueryContext(ctx, "SELECT "+sessionColumns+`, s.hash FROM sessions s JOIN tokens t ON t.id = s.token_id
		WHERE s.ended_at IS NULL AND t.revoked_at IS NULL AND s.expires_at > ? ORDER BY s.id`, at.UTC().Format(timeFormat))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []auth.Session{}
	for rows.Next() {
		s, _, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func scanSession(r rowScanner) (auth.Session, []byte, error) {
	var s auth.Session
	var created, expires, tokCreated string
	var ended, revoked sql.NullString
	var tokHash, hash []byte
	if err := r.Scan(&s.ID, &created, &expires, &ended, &s.Token.ID, &s.Token.Name, &tokHash, &tokCreated, &revoked,
		&s.Token.Role, &hash); err != nil {
		return s, nil, err
	}
	s.CreatedAt, _ = time.Parse(timeFormat, created)
	s.ExpiresAt, _ = time.Parse(timeFormat, expires)
	s.Token.CreatedAt, _ = time.Parse(timeFormat, tokCreated)
	if ended.Valid {
		t, _ := time.Parse(timeFormat, ended.String)
		s.EndedAt = &t
	}
	if revoked.Valid {
		t, _ := time.Parse(timeFormat, revoked.String)
		s.Token.RevokedAt = &t
	}
	return s, hash, nil
}

func scanToken(r rowScanner) (auth.Token, []byte, error) {
	var tok auth.Token
	var hash []byte
	var created string
	var revoked sql.NullString
	if err := r.Scan(&tok.ID, &tok.Name, &hash, &created, &revoked, &tok.Role); err != nil {
		return tok, nil, err
	}
	tok.CreatedAt, _ = time.Parse(timeFormat, created)
	if revoked.Valid {
		t, _ := time.Parse(timeFormat, revoked.String)
		tok.RevokedAt = &t
	}
	return tok, hash, nil
}
