package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
)

func TestCreateVerifyRevoke(t *testing.T) {
	db := testdb.Open(t)
	s := auth.Service{Store: db.Tokens()}
	ctx := context.Background()
	secret, tok, err := s.Create(ctx, "newsroom-desk")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, auth.Prefix) || len(secret) < 30 {
		t.Errorf("Create secret = %q, want a long tiled_ token", secret)
	}
	got, err := s.Verify(ctx, "Bearer "+secret)
	if err != nil || got.Name != "newsroom-desk" || got.ID != tok.ID {
		t.Fatalf("Verify(good) = %+v, %v", got, err)
	}
	for name, tt := range map[string]struct {
		header string
		want   error
	}{
		"missing":      {"", auth.ErrNoToken},
		"wrong scheme": {"Basic " + secret, auth.ErrBadToken},
		"wrong token":  {"Bearer " + auth.Prefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", auth.ErrBadToken},
		"no prefix":    {"Bearer abc", auth.ErrBadToken},
		"just bearer":  {"Bearer", auth.ErrBadToken},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Verify(ctx, tt.header); !errors.Is(err, tt.want) {
				t.Errorf("Verify(%q) error = %v, want %v", tt.header, err, tt.want)
			}
		})
	}
	if err := s.Store.RevokeToken(ctx, "newsroom-desk"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, "Bearer "+secret); !errors.Is(err, auth.ErrRevoked) {
		t.Errorf("Verify(revoked) error = %v, want ErrRevoked", err)
	}
	if err := s.Store.RevokeToken(ctx, "nobody"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("RevokeToken(unknown) = %v, want ErrNotFound", err)
	}
	if _, _, err := s.Create(ctx, "newsroom-desk"); !errors.Is(err, auth.ErrInvalidName) {
		t.Errorf("Create(duplicate name) = %v, want ErrInvalidName", err)
	}
	if _, _, err := s.Create(ctx, "  "); !errors.Is(err, auth.ErrInvalidName) {
		t.Errorf("Create(blank) = %v, want ErrInvalidName", err)
	}
	// Only the hash is stored: the secret appears nowhere in the file's tables.
	if snap := testdb.Snapshot(t, db); strings.Contains(snap, secret) {
		t.Error("the token's secret is stored in the database")
	}
}

// TestFirstAdmin: a store without tokens gets one admin token, once; a store with any token gets none.
func TestFirstAdmin(t *testing.T) {
	db := testdb.Open(t)
	s := auth.Service{Store: db.Tokens()}
	ctx := context.Background()
	secret, err := s.FirstAdmin(ctx, "first-admin")
	if err != nil || secret == "" {
		t.Fatalf("FirstAdmin on an empty store = %q, %v; want a secret", secret, err)
	}
	tok, err := s.Verify(ctx, "Bearer "+secret)
	if err != nil || tok.Role != auth.RoleAdmin || tok.Name != "first-admin" {
		t.Fatalf("Verify(first admin) = %+v, %v; want admin first-admin", tok, err)
	}
	if again, err := s.FirstAdmin(ctx, "first-admin"); err != nil || again != "" {
		t.Errorf("FirstAdmin with a token present = %q, %v; want nothing made", again, err)
	}
	if toks, _ := s.Store.Tokens(ctx); len(toks) != 1 {
		t.Errorf("tokens after two FirstAdmin calls = %d, want 1", len(toks))
	}
}
