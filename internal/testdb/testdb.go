// Package testdb gives tests a real store in a temporary directory: empty, or with the embedded seed data, and a
// snapshot of every table to prove that a failed write changed nothing.
package testdb

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver for raw snapshots

	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/sqlite"
)

// Open returns a new empty store in tb's temporary directory, closed when the test ends.
func Open(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "tiled.db"))
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Places returns a new store holding the seed settlements (no ledger).
func Places(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := Open(tb)
	ImportGeoJSON(tb, db, data.Settlements(), "data/settlements.geojson")
	return db
}

// ImportGeoJSON imports a FeatureCollection or fails the test.
func ImportGeoJSON(tb testing.TB, db *sqlite.DB, b []byte, name string) gazetteer.ImportStats {
	tb.Helper()
	st, err := gazetteer.Importer{Store: db.Gazetteer()}.GeoJSON(context.Background(), bytes.NewReader(b), name)
	if err != nil {
		tb.Fatalf("import %s: %v", name, err)
	}
	return st
}

// Snapshot returns the contents of every table of the store file as text, so that two snapshots are equal exactly
// when the data is. The atlas's stored place index (tiled_place_index) and the ledger index's snapshot
// (tiled_ledger_index) are left out: they are caches derived from the places and the claims, written when a server
// first reads them.
func Snapshot(tb testing.TB, db *sqlite.DB) string {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	tables, err := column[string](raw, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree_%' AND name NOT IN ('tiled_place_index', 'tiled_ledger_index') ORDER BY name")
	if err != nil {
		tb.Fatal(err)
	}
	tables = append(tables, "rtree_settlements_geom")
	var b strings.Builder
	for _, t := range tables {
		rows, err := raw.Query(fmt.Sprintf("SELECT * FROM %q ORDER BY 1", t))
		if err != nil {
			tb.Fatalf("snapshot %s: %v", t, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(&b, "== %s\n", t)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

func column[T any](db *sql.DB, q string) ([]T, error) {
	rows, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
