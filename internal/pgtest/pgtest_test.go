package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/internal/pgtest"
)

var cluster pgtest.Shared

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &cluster)) }

// TestDatabaseHasPostGIS checks that each database is fresh and has PostGIS 3 on PostgreSQL 15 or later.
func TestDatabaseHasPostGIS(t *testing.T) {
	ctx := context.Background()
	a, b := cluster.Database(t), cluster.Database(t)
	if a == b {
		t.Fatalf("Database returned %q twice", a)
	}
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var pg int
	var gis string
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int, postgis_lib_version()").Scan(&pg, &gis); err != nil {
		t.Fatal(err)
	}
	if pg < 150000 || gis[0] < '3' {
		t.Errorf("server %d, PostGIS %s; want PostgreSQL >= 15 and PostGIS 3", pg, gis)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE x (g geometry(Point, 4326))"); err != nil {
		t.Fatal(err)
	}
	conn2, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close(ctx)
	var n int
	if err := conn2.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'x'").Scan(&n); err != nil || n != 0 {
		t.Errorf("second database sees the first's table: %d, %v", n, err)
	}
}
