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
	// ErrInvalidRole is returned for a role other than editor or admin.
	ErrInvalidRole = errors.New("auth: invalid role")
	// ErrForbidden is returned when a token's role does not allow an action.
	ErrForbidden = errors.New("auth: not allowed for this role")
)

// Role says what a token may do.
type Role string

// The roles.
const (
	// RoleEditor may add reports, claims and sources and review proposals.
	RoleEditor Role = "editor"
	// RoleAdmin may also grade sources, manage tokens and make editorial retractions. Tokens created before roles
	// existed are admins.
	RoleAdmin Role = "admin"
)

// ParseRole parses "editor" or "admin".
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.TrimSpace(s)); r {
	case RoleEditor, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("%w %q: want editor or admin", ErrInvalidRole, s)
}

// Require returns an error wrapping ErrForbidden unless t has role want (an admin has every role).
func (t Token) Require(want Role) error {
	if t.Role == want || t.Role == RoleAdmin {
		return nil
	}
	return fmt.Errorf("%w: this needs the %s role; token %q is %s", ErrForbidden, want, t.Name, t.Role)
}

// Prefix starts every token, so that a leaked one is recognisable in logs and by secret scanners.
const Prefix = "tiled_"

// Token describes a stored token; the secret itself is never stored.
type Token struct {
	// ID is the store's id of the token.
	ID int64 `json:"id"`
	// Name says whom or what the token is for.
	Name string `json:"name"`
	// Role is what the token may do.
	Role Role `json:"role"`
	// CreatedAt is when it was created.
	CreatedAt time.Time `json:"created_at"`
	// RevokedAt is when it was revoked, nil while valid.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Store persists token hashes.
type Store interface {
	// CreateToken stores a new token's hash under name with role.
	CreateToken(ctx context.Context, name string, role Role, hash []byte) (Token, error)
	// TokenByHash returns the token with hash, or ErrBadToken.
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	// Tokens lists every token.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken marks the token named name revoked and ends its sessions, or returns ErrNotFound.
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

// Create makes a new editor token for name and returns its secret text, shown once.
func (s Service) Create(ctx context.Context, name string) (string, Token, error) {
	return s.CreateRole(ctx, name, RoleEditor)
}

// CreateRole makes a new token for name with role and returns its secret text, shown once.
func (s Service) CreateRole(ctx context.Context, name string, role Role) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", Token{}, fmt.Errorf("%w: want 1 to 100 characters", ErrInvalidName)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", Token{}, err
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", Token{}, err
	}
	secret := Prefix + base64.RawURLEncoding.EncodeToString(b[:])
	t, err := s.Store.CreateToken(ctx, name, role, Hash(secret))
	return secret, t, err
}

// Verify checks an Authorization header value ("Bearer tiled_…") and returns the token it names.
func (s Service) Verify(ctx context.Context, header string) (Token, error) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(header), " ")
	if header == "" {
		return Token{}, ErrNoToken
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Token{}, ErrBadToken
	}
	return s.VerifySecret(ctx, secret)
}

// VerifySecret checks a token's text (as pasted into the desk's sign-in form) and returns the token.
func (s Service) VerifySecret(ctx context.Context, secret string) (Token, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return Token{}, ErrNoToken
	}
	if !strings.HasPrefix(secret, Prefix) || len(secret) > 200 {
		return Token{}, ErrBadToken
	}
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

// FirstAdmin makes an admin token called name when the store holds no token at all, so that a fresh install can
// sign in to the desk without a second terminal, and returns its secret text (shown once). It returns "" when any
// token exists, including one another server made at the same moment.
func (s Service) FirstAdmin(ctx context.Context, name string) (string, error) {
	toks, err := s.Store.Tokens(ctx)
	if err != nil || len(toks) > 0 {
		return "", err
	}
	secret, _, err := s.CreateRole(ctx, name, RoleAdmin)
	if err != nil {
		if again, lerr := s.Store.Tokens(ctx); lerr == nil && len(again) > 0 {
			return "", nil
		}
		return "", err
	}
	return secret, nil
}
