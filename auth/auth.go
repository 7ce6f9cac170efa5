package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors returned by the token service.
var (
	// ErrNoToken is returned when a request carries no bearer token.
	ErrNoToken = errors.New("auth: missing bearer token")
	// ErrBadToken is returned for a token that is unknown or malformed.
	ErrBadToken = errors.New("auth: invalid token")
	// ErrRevoked is returned for a token that was revoked.
	ErrRevoked = errors.New("auth: token revoked")
	// ErrNotFound is returned when revoking an unknown token name.
	ErrNotFound = errors.New("auth: no such token")
	// ErrInvalidName is returned for an empty or over-long token name.
	ErrInvalidName = errors.New("auth: invalid token name")
)

// Prefix starts every token, so that a leaked one is recognisable in logs and by secret scanners.
const Prefix = "tiled_"

// Token describes a stored token; the secret itself is never stored.
type Token struct {
	// ID is the store's id of the token.
	ID int64 `json:"id"`
	// Name says whom or what the token is for.
	Name string `json:"name"`
	// CreatedAt is when it was created.
	CreatedAt time.Time `json:"created_at"`
	// RevokedAt is when it was revoked, nil while valid.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Store persists token hashes.
type Store interface {
	// CreateToken stores a new token's hash under name.
	CreateToken(ctx context.Context, name string, hash []byte) (Token, error)
	// TokenByHash returns the token with hash, or ErrBadToken.
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	// Tokens lists every token.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken marks the token named name revoked, or returns ErrNotFound.
	RevokeToken(ctx context.Context, name string) error
}

// Service creates and verifies tokens.
type Service struct {
	// Store keeps the hashes.
	Store Store
}

// Hash returns the SHA-256 of a token's text.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Create makes a new token for name and returns its secret text, shown once.
func (s Service) Create(ctx context.Context, name string) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", Token{}, fmt.Errorf("%w: want 1 to 100 characters", ErrInvalidName)
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", Token{}, err
	}
	secret := Prefix + base64.RawURLEncoding.EncodeToString(b[:])
	t, err := s.Store.CreateToken(ctx, name, Hash(secret))
	return secret, t, err
}

// Verify checks an Authorization header value ("Bearer tiled_…") and returns the token it names.
func (s Service) Verify(ctx context.Context, header string) (Token, error) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(header), " ")
	if header == "" {
		return Token{}, ErrNoToken
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(strings.TrimSpace(secret), Prefix) {
		return Token{}, ErrBadToken
	}
	secret = strings.TrimSpace(secret)
	h := Hash(secret)
	t, err := s.Store.TokenByHash(ctx, h)
	if err != nil {
		return Token{}, err
	}
	if t.RevokedAt != nil {
		return t, ErrRevoked
	}
	return t, nil
}

// Equal compares two hashes in constant time; stores that look hashes up by index call it to confirm a match.
func Equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

// HexHash is the hex form of Hash, for logs that must name a token without revealing it.
func HexHash(token string) string { return hex.EncodeToString(Hash(token))[:12] }
