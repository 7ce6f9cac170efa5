package sqlite_test

import (
	"context"
	"testing"

	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/store"
	"github.com/tiled-maps/tiled/storetest"
)

// Harness opens SQLite stores for the conformance suite.
func harness() storetest.Harness {
	return storetest.Harness{
		Open: func(tb testing.TB) *store.Store { return store.FromSQLite(testdb.Open(tb)) },
		Exec: func(ctx context.Context, s *store.Store, q string) error {
			_, err := s.SQLite().ReadPool().ExecContext(ctx, q)
			return err
		},
	}
}

// TestConformance runs the behaviour every store must show against SQLite.
func TestConformance(t *testing.T) { storetest.Run(t, harness()) }

// TestCopySQLiteToSQLite copies a store file into another.
func TestCopySQLiteToSQLite(t *testing.T) { storetest.RunCopy(t, harness(), harness()) }
