package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors of sessions.
var (
	// ErrNoSession is returned for a session cookie that names no live session (unknown, signed out or ended).
	ErrNoSession = errors.New("auth: not signed in")
	// ErrSessionExpired is returned for a session past its expiry.
	ErrSessionExpired = errors.New("auth: session expired")
)

// SessionPrefix starts every session secret.
const SessionPrefix = "tiledsess_"

// DefaultSessionTTL is how long a desk session lasts when the service sets no other.
const DefaultSessionTTL = 12 * time.Hour

// Session is a signed-in desk session. Only the hash of its secret (the cookie's value) is stored.
type Session struct {
	// ID is the store's id of the session.
	ID int64 `json:"id"`
	// Token is the token the editor signed in with.
	Token Token `json:"token"`
	// CreatedAt is when the editor signed in; ExpiresAt when the session ends by itself.
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// EndedAt is when it was ended (signed out, or its token revoked); nil while live.
	EndedAt *time.Time `json:"ended_at,omitempty"`
}

// SessionStore persists session hashes. RevokeToken of the token Store ends a token's sessions.
type SessionStore interface {
	// CreateSession stores a new session of token with the secret's hash.
	CreateSession(ctx context.Context, token Token, hash []byte, created, expires time.Time) (Session, error)
	// SessionByHash returns the session with hash (its Token filled in, revocation included), or ErrNoSession.
	SessionByHash(ctx context.Context, hash []byte) (Session, error)
	// EndSession ends the session with hash (ending twice keeps the first time).
	EndSession(ctx context.Context, hash []byte, at time.Time) error
	// Sessions lists the sessions that have not ended or expired at now, oldest first.
	Sessions(ctx context.Context, now time.Time) ([]Session, error)
}

// Sessions signs editors in and out of the desk.
type Sessions struct {
	// Tokens verifies the pasted token.
	Tokens Service
	// Store keeps the sessions.
	Store SessionStore
	// TTL is a session's lifetime; 0 means DefaultSessionTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// SignIn checks a token's text and opens a session for it, returning the session's secret (the cookie's value,
// never stored) and the session.
func (s Sessions) SignIn(ctx context.Context, tokenText string) (string, Session, error) {
	tok, err := s.Tokens.VerifySecret(ctx, tokenText)
	if err != nil {
		return "", Session{}, err
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", Session{}, err
	}
	secret := SessionPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	ttl := s.TTL
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	now := s.now().UTC()
	ses, err := s.Store.CreateSession(ctx, tok, Hash(secret), now, now.Add(ttl))
	if err != nil {
		return "", Session{}, fmt.Errorf("auth: sign in: %w", err)
	}
	return secret, ses, nil
}

// Check returns the live session a cookie's secret names: ErrNoSession for none (or one signed out),
// ErrSessionExpired past its expiry, ErrRevoked when its token was revoked.
func (s Sessions) Check(ctx context.Context, secret string) (Session, error) {
	if !strings.HasPrefix(secret, SessionPrefix) || len(secret) > 100 {
		return Session{}, ErrNoSession
	}
	ses, err := s.Store.SessionByHash(ctx, Hash(secret))
	if err != nil {
		return Session{}, err
	}
	switch {
	case ses.Token.RevokedAt != nil:
		return ses, ErrRevoked
	case ses.EndedAt != nil:
		return ses, ErrNoSession
	case !s.now().Before(ses.ExpiresAt):
		return ses, ErrSessionExpired
	}
	return ses, nil
}

// SignOut ends the session a cookie's secret names; an unknown secret is not an error.
func (s Sessions) SignOut(ctx context.Context, secret string) error {
	if !strings.HasPrefix(secret, SessionPrefix) {
		return nil
	}
	return s.Store.EndSession(ctx, Hash(secret), s.now().UTC())
}
