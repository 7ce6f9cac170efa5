package postgres_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/internal/pgtest"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/postgres"
	"github.com/tiled-maps/tiled/store"
	"github.com/tiled-maps/tiled/storetest"
)

var cluster pgtest.Shared

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &cluster)) }

func open(tb testing.TB) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), cluster.Database(tb))
	if err != nil {
		tb.Fatalf("postgres.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func harness() storetest.Harness {
	return storetest.Harness{
		Open: func(tb testing.TB) *store.Store { return store.FromPostgres(open(tb)) },
		Exec: func(ctx context.Context, s *store.Store, q string) error {
			_, err := s.Postgres().Pool().Exec(ctx, q)
			return err
		},
	}
}

func sqliteHarness() storetest.Harness {
	return storetest.Harness{
		Open: func(tb testing.TB) *store.Store { return store.FromSQLite(testdb.Open(tb)) },
		Exec: func(ctx context.Context, s *store.Store, q string) error {
			_, err := s.SQLite().ReadPool().ExecContext(ctx, q)
			return err
		},
	}
}

// TestConformance runs the behaviour every store must show against PostgreSQL.
func TestConformance(t *testing.T) { storetest.Run(t, harness()) }

// TestCopy copies between SQLite and PostgreSQL both ways.
func TestCopy(t *testing.T) {
	t.Run("sqlite to postgres", func(t *testing.T) { storetest.RunCopy(t, sqliteHarness(), harness()) })
	t.Run("postgres to sqlite", func(t *testing.T) { storetest.RunCopy(t, harness(), sqliteHarness()) })
}

// TestOpenMigratesOnce reopens a database without re-running migrations, and refuses one with a migration this
// build does not know.
func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	dsn := cluster.Database(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := db.SchemaVersion(ctx)
	if err != nil || v1 < 1 {
		t.Fatalf("SchemaVersion = %d, %v", v1, err)
	}
	db.Close()
	db, err = postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if v2, _ := db.SchemaVersion(ctx); v2 != v1 {
		t.Errorf("SchemaVersion after reopen = %d, want %d", v2, v1)
	}
	if _, err := db.Pool().Exec(ctx, "INSERT INTO tiled_schema (version, name) VALUES (9999, 'future')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := postgres.Open(ctx, dsn); !errors.Is(err, postgres.ErrSchema) {
		t.Errorf("Open with unknown migration 9999 = %v, want ErrSchema", err)
	}
}

// TestGiSTIndexUsed checks that a bounding-box query over settlements can use the GiST index.
func TestGiSTIndexUsed(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	if _, err := db.Pool().Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, "EXPLAIN SELECT id FROM settlements WHERE geom && ST_MakeEnvelope(35, 50, 36, 51, 4326)")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "settlements_geom") {
		t.Errorf("plan does not use settlements_geom:\n%s", strings.Join(plan, "\n"))
	}
}

// TestClaimsTruncateRefused: TRUNCATE skips row triggers; a statement trigger refuses it.
func TestClaimsTruncateRefused(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	if _, err := db.Pool().Exec(ctx, "TRUNCATE claims CASCADE"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("TRUNCATE claims = %v, want the append-only refusal", err)
	}
}

// TestCorrectedOnceInTheDatabase: the insert trigger (migration 025: two index lookups instead of one OR) still
// refuses a second correction of a claim, whether the first superseded or retracted it, for any client.
func TestCorrectedOnceInTheDatabase(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	setup := []string{
		`INSERT INTO settlements (geom, id, name, updated_at) VALUES (ST_SetSRID(ST_MakePoint(36, 51), 4326), 'p1', 'P', now())`,
		`INSERT INTO sources (id, name, kind, alignment, updated_at) VALUES ('s1', 'S', 'blog', 'independent', now())`,
	}
	claim := `INSERT INTO claims (id, settlement_id, source_id, holder, degree, valid_at, published_at, recorded_at, evidence,
		summary, supersedes, retracts) VALUES ($1, 'p1', 's1', 'ua', 'full', '2025-01-01', '2025-01-02', now(),
		'official-statement', 'x', $2, $3)`
	for _, q := range setup {
		if _, err := db.Pool().Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range [][3]any{{1, nil, nil}, {2, 1, nil}, {3, nil, nil}, {4, nil, 3}} {
		if _, err := db.Pool().Exec(ctx, claim, c[0], c[1], c[2]); err != nil {
			t.Fatalf("claim %v: %v", c[0], err)
		}
	}
	tests := []struct {
		name                 string
		supersedes, retracts any
	}{
		{"supersede a superseded claim", 1, nil},
		{"retract a superseded claim", nil, 1},
		{"supersede a retracted claim", 3, nil},
		{"retract a retracted claim", nil, 3},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Pool().Exec(ctx, claim, 10+i, tt.supersedes, tt.retracts)
			if err == nil || !strings.Contains(err.Error(), "already superseded or retracted") {
				t.Errorf("insert = %v, want the trigger's refusal", err)
			}
		})
	}
}

// TestReadOnlyDatabaseRefusesWrites: a database that takes no writes (here set read-only; a hot standby answers
// the same) refuses a claim with a *StorageError that says so (the API's 503 storage_read_only), and keeps
// nothing.
func TestReadOnlyDatabaseRefusesWrites(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	if _, err := db.Pool().Exec(ctx, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', current_database()); END $$"); err != nil {
		t.Fatal(err)
	}
	db.Pool().Reset() // new connections take the setting
	err := db.Ledger().Write(ctx, func(w ledger.Writer) error {
		return w.AddSource(ctx, ledger.Source{ID: "ro-test", Name: "Read-only test", Kind: "analyst", Alignment: ledger.AlignmentIndependent, Reliability: ledger.ReliabilityF})
	})
	var se *postgres.StorageError
	if !errors.As(err, &se) || !se.StorageReadOnly() || se.StorageFull() {
		t.Fatalf("write to a read-only database = %v, want a read-only *postgres.StorageError", err)
	}
	srcs, err := db.Ledger().Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.ID == "ro-test" {
			t.Error("the refused source was kept")
		}
	}
}
