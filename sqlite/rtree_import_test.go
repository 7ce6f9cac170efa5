package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/internal/testdb"
)

// TestImportFillsRTree: an import fills the GeoPackage R*Tree itself (its insert trigger is set aside for the
// import): afterwards every place has its box, equal to what the trigger computes, and the trigger is back, also
// after an import that failed.
func TestImportFillsRTree(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	g := db.Gazetteer()
	pts := map[string]orb.Point{"a": {35.27, 51.19}, "b": {-0.5, 44.25}, "c": {179.9, -89.9}}
	err := g.ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
		for id, pt := range pts {
			if _, err := w.Upsert(ctx, gazetteer.Place{ID: id, Name: "P " + id, Point: pt}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := g.ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
		if _, err := w.Upsert(ctx, gazetteer.Place{ID: "d", Name: "D", Point: orb.Point{1, 1}}); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("failing import = %v, want boom", err)
	}
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var triggers int
	if err := raw.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'rtree_settlements_geom_insert'").Scan(&triggers); err != nil || triggers != 1 {
		t.Fatalf("insert trigger count = %d, %v; want 1", triggers, err)
	}
	rows, err := raw.Query(`SELECT s.id, r.minx, r.maxx, r.miny, r.maxy FROM settlements s
		LEFT JOIN rtree_settlements_geom r ON r.id = s.fid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var minx, maxx, miny, maxy sql.NullFloat64
		if err := rows.Scan(&id, &minx, &maxx, &miny, &maxy); err != nil {
			t.Fatal(err)
		}
		n++
		p, ok := pts[id]
		if !ok {
			t.Errorf("place %q is stored", id)
			continue
		}
		// The R*Tree keeps float32 boxes that contain the point.
		if !minx.Valid || minx.Float64 > p.X() || maxx.Float64 < p.X() || miny.Float64 > p.Y() || maxy.Float64 < p.Y() ||
			maxx.Float64-minx.Float64 > 1e-4 || maxy.Float64-miny.Float64 > 1e-4 {
			t.Errorf("R*Tree box of %s = [%v %v %v %v], want a tight box around %v", id, minx, maxx, miny, maxy, p)
		}
	}
	if n != len(pts) {
		t.Errorf("%d places stored, want %d", n, len(pts))
	}
}
