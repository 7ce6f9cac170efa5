package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/names"
	"github.com/tiled-maps/tiled/sqlite"
)

// The import writes new places in batches on a goroutine of its own. These tests make the batches tiny (2 places a
// statement, 4 a hand-over, 5 name keys) so that a few places cross every boundary.

func smallBatches(tb testing.TB, db *sqlite.DB) {
	tb.Helper()
	db.SetImportBatches(2, 4, 5, 2)
}

// geonamesLines returns n GeoNames rows with ids 1000+i, each its own name, spread over the map.
func geonamesLines(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%d\tPlace %d\tPlace %d\tAlt %d,Место %d\t%.4f\t%.4f\tP\tPPL\tRU\t\t09\t\t\t\t%d\t\t100\tEurope/Moscow\t2024-01-01",
			1000+i, i, i, i, i, 40+float64(i)/10, 30+float64(i)/7, 10*i))
	}
	return out
}

// checkRTree asserts that the R*Tree holds exactly one tight box around each place's point and passes SQLite's
// own rtreecheck.
func checkRTree(tb testing.TB, db *sqlite.DB) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow("SELECT rtreecheck('rtree_settlements_geom')").Scan(&check); err != nil || check != "ok" {
		tb.Errorf("rtreecheck = %q, %v; want ok", check, err)
	}
	var places, boxes int
	if err := raw.QueryRow("SELECT (SELECT count(*) FROM settlements), (SELECT count(*) FROM rtree_settlements_geom)").Scan(&places, &boxes); err != nil {
		tb.Fatal(err)
	}
	if places != boxes {
		tb.Errorf("%d places, %d R*Tree boxes; want one each", places, boxes)
	}
	rows, err := raw.Query(`SELECT s.id, s.geom, r.minx, r.maxx, r.miny, r.maxy FROM settlements s
		LEFT JOIN rtree_settlements_geom r ON r.id = s.fid`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var blob []byte
		var minx, maxx, miny, maxy sql.NullFloat64
		if err := rows.Scan(&id, &blob, &minx, &maxx, &miny, &maxy); err != nil {
			tb.Fatal(err)
		}
		p, err := geo.DecodeGPKGPoint(blob)
		if err != nil {
			tb.Fatal(err)
		}
		if !minx.Valid || minx.Float64 > p.X() || maxx.Float64 < p.X() || miny.Float64 > p.Y() || maxy.Float64 < p.Y() ||
			maxx.Float64-minx.Float64 > 1e-4 || maxy.Float64-miny.Float64 > 1e-4 {
			tb.Errorf("R*Tree box of %s = [%v %v %v %v], want a tight box around %v", id, minx, maxx, miny, maxy, p)
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
}

func count(tb testing.TB, db *sqlite.DB, table string) int {
	tb.Helper()
	var n int
	if err := db.ReadPool().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestBatchedImport: a GeoNames file much longer than a batch lands whole, with every place, name key and R*Tree
// box, the same as an import with the default batch sizes.
func TestBatchedImport(t *testing.T) {
	ctx := context.Background()
	file := strings.Join(geonamesLines(23), "\n") + "\n"
	var snaps []string
	for _, small := range []bool{true, false} {
		db := testdb.Open(t)
		if small {
			smallBatches(t, db)
		}
		st, err := gazetteer.Importer{Store: db.Gazetteer()}.GeoNames(ctx, gazetteer.GeoNamesInput{Main: strings.NewReader(file), MainName: "x.txt"})
		if err != nil {
			t.Fatal(err)
		}
		if st.Read != 23 || st.Inserted != 23 || st.Updated != 0 {
			t.Errorf("small batches %v: stats %+v, want 23 read and inserted", small, st)
		}
		if n := count(t, db, "settlements"); n != 23 {
			t.Errorf("small batches %v: %d places, want 23", small, n)
		}
		checkRTree(t, db)
		m, err := db.Gazetteer().PlacesByKeys(ctx, []string{names.Key("Место 17")})
		if err != nil || len(m) != 1 || m[0].Place.ID != "1017" {
			t.Errorf("small batches %v: PlacesByKeys(Место 17) = %v, %v; want place 1017", small, m, err)
		}
		snaps = append(snaps, content(t, db))
	}
	if snaps[0] != snaps[1] {
		t.Errorf("a store imported in small batches differs from one imported in default batches:\n%s\n----\n%s", snaps[0], snaps[1])
	}
}

// content dumps the places (but their updated_at), name keys and R*Tree boxes.
func content(tb testing.TB, db *sqlite.DB) string {
	tb.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT fid, hex(geom), id, slug, geonameid, name, name_ru, name_uk, names, country, admin1, admin1_code, admin2,
			admin2_code, population, population_year, feature_code, place_type, precision_km, approximate,
			location_method, location_source, location_note, near, codes, source, confidence FROM settlements ORDER BY fid`,
		"SELECT * FROM name_keys ORDER BY key, place_id",
		"SELECT * FROM rtree_settlements_geom ORDER BY id",
	} {
		rows, err := db.ReadPool().Query(q)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
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

// TestBatchedImportRollsBack: batches handed to the writer mid-file are rolled back with everything else when the
// import fails later, whether the failure is the input's (a bad last line), the caller's, or a batch's own write.
func TestBatchedImportRollsBack(t *testing.T) {
	ctx := context.Background()
	lines := geonamesLines(30)
	tests := []struct {
		name  string
		setup func(tb testing.TB, db *sqlite.DB)
		run   func(db *sqlite.DB) error
		want  string
	}{
		{"bad last line", nil, func(db *sqlite.DB) error {
			bad := strings.Join(lines, "\n") + "\n1\tbroken\n"
			_, err := gazetteer.Importer{Store: db.Gazetteer()}.GeoNames(ctx, gazetteer.GeoNamesInput{Main: strings.NewReader(bad), MainName: "x.txt"})
			return err
		}, "x.txt:31: want 19 tab-separated columns"},
		{"caller's error", nil, func(db *sqlite.DB) error {
			return db.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
				for i := range 30 {
					if _, err := w.Upsert(ctx, gazetteer.Place{ID: fmt.Sprint("n", i), Name: fmt.Sprint("New ", i), Point: orb.Point{30, 50}}); err != nil {
						return err
					}
				}
				return errors.New("boom")
			})
		}, "boom"},
		// A trigger refuses one row of a batch: the batch's INSERT fails on the writing goroutine, and the import
		// reports it and keeps nothing, not even the batches written before.
		{"a batch's write fails", func(tb testing.TB, db *sqlite.DB) {
			if _, err := db.ReadPool().Exec(`CREATE TRIGGER refuse BEFORE INSERT ON settlements WHEN NEW.id = '1013'
				BEGIN SELECT RAISE(ABORT, 'refused by test'); END`); err != nil {
				tb.Fatal(err)
			}
		}, func(db *sqlite.DB) error {
			_, err := gazetteer.Importer{Store: db.Gazetteer()}.GeoNames(ctx, gazetteer.GeoNamesInput{Main: strings.NewReader(strings.Join(lines, "\n")), MainName: "x.txt"})
			return err
		}, "refused by test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, seeded := range []bool{false, true} {
				db := testdb.Open(t)
				if seeded {
					db = testdb.Places(t)
				}
				if tt.setup != nil {
					tt.setup(t, db)
				}
				smallBatches(t, db)
				before := testdb.Snapshot(t, db)
				err := tt.run(db)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("seeded %v: import = %v, want an error containing %q", seeded, err, tt.want)
				}
				if after := testdb.Snapshot(t, db); after != before {
					t.Errorf("seeded %v: the store changed after the failed import", seeded)
				}
				checkRTree(t, db)
				var triggers int
				if err := db.ReadPool().QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'rtree_settlements_geom_insert'").Scan(&triggers); err != nil || triggers != 1 {
					t.Errorf("seeded %v: R*Tree insert trigger count = %d, %v; want 1", seeded, triggers, err)
				}
			}
		})
	}
}

// TestBatchedDuplicateID: an id repeated in one file is refused with the line of its first use, also when the two
// lines are batches apart, and nothing of the file is kept.
func TestBatchedDuplicateID(t *testing.T) {
	ctx := context.Background()
	lines := geonamesLines(20)
	lines = append(lines, lines[2]) // line 21 repeats line 3
	db := testdb.Open(t)
	smallBatches(t, db)
	_, err := gazetteer.Importer{Store: db.Gazetteer()}.GeoNames(ctx, gazetteer.GeoNamesInput{Main: strings.NewReader(strings.Join(lines, "\n")), MainName: "x.txt"})
	if want := "x.txt:21: duplicate geonameid 1002 (first on line 3)"; err == nil || !errors.Is(err, gazetteer.ErrInvalid) || !strings.Contains(err.Error(), want) {
		t.Errorf("import = %v, want %q", err, want)
	}
	if n := count(t, db, "settlements") + count(t, db, "name_keys"); n != 0 {
		t.Errorf("%d rows kept after the refused file, want 0", n)
	}
}

// TestBatchedUpsertOfQueuedPlace: through the PlaceWriter, the same id twice in one import updates the first record
// — whether the first is still waiting in its batch or was written batches ago — merging names and moving the
// point, and reports the second as an update.
func TestBatchedUpsertOfQueuedPlace(t *testing.T) {
	ctx := context.Background()
	for _, between := range []int{0, 1, 25} {
		t.Run(fmt.Sprintf("%d places between", between), func(t *testing.T) {
			db := testdb.Places(t)
			smallBatches(t, db)
			before := count(t, db, "settlements")
			err := db.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
				ins, err := w.Upsert(ctx, gazetteer.Place{ID: "q", Name: "Queued", Country: "RU", Point: orb.Point{35, 50},
					Names: []gazetteer.Name{{Name: "Очередь", Lang: "ru", Kind: gazetteer.KindOfficial}}})
				if err != nil || !ins {
					return fmt.Errorf("first Upsert(q) = %v, %v; want inserted", ins, err)
				}
				for i := range between {
					if _, err := w.Upsert(ctx, gazetteer.Place{ID: fmt.Sprint("b", i), Name: fmt.Sprint("Between ", i), Point: orb.Point{20, float64(i)}}); err != nil {
						return err
					}
				}
				ins, err = w.Upsert(ctx, gazetteer.Place{ID: "q", Name: "Queued", Point: orb.Point{36, 51}, Population: 7,
					Names: []gazetteer.Name{{Name: "Kjuju", Lang: "en"}}})
				if err != nil || ins {
					return fmt.Errorf("second Upsert(q) = %v, %v; want an update", ins, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			p, err := db.Gazetteer().Place(ctx, "q")
			if err != nil || p.Point != (orb.Point{36, 51}) || p.Country != "RU" || p.Population != 7 || len(p.Names) != 2 || p.NameIn("ru") != "Очередь" {
				t.Errorf("Place(q) = %+v, %v; want moved, country kept, population set, names merged", p, err)
			}
			if n := count(t, db, "settlements"); n != before+1+between {
				t.Errorf("%d places, want %d", n, before+1+between)
			}
			for _, name := range []string{"Queued", "Очередь", "Kjuju"} {
				if m, err := db.Gazetteer().PlacesByKeys(ctx, []string{names.Key(name)}); err != nil || len(m) != 1 || m[0].Place.ID != "q" {
					t.Errorf("PlacesByKeys(%s) = %v, %v; want q", name, m, err)
				}
			}
			checkRTree(t, db)
		})
	}
}

// TestBatchedImportIntoStoredPlaces: in a store that already holds places, stored ids are updated (names merged)
// and new ones inserted, with the counts right, while the new ones go through the batches.
func TestBatchedImportIntoStoredPlaces(t *testing.T) {
	ctx := context.Background()
	db := testdb.Places(t)
	smallBatches(t, db)
	lines := geonamesLines(12)
	if _, err := (gazetteer.Importer{Store: db.Gazetteer()}).GeoNames(ctx, gazetteer.GeoNamesInput{Main: strings.NewReader(strings.Join(lines[:6], "\n")), MainName: "a.txt"}); err != nil {
		t.Fatal(err)
	}
	before := count(t, db, "settlements")
	// Lines 0-5 again (renamed alternates), interleaved with 6-11, new.
	var mixed []string
	for i := range 6 {
		mixed = append(mixed, strings.Replace(lines[i], "Alt ", "Other ", 1), lines[6+i])
	}
	st, err := gazetteer.Importer{Store: db.Gazetteer()}.GeoNames(ctx, gazetteer.GeoNamesInput{Main: strings.NewReader(strings.Join(mixed, "\n")), MainName: "b.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Read != 12 || st.Inserted != 6 || st.Updated != 6 {
		t.Errorf("stats = %+v, want 12 read, 6 inserted, 6 updated", st)
	}
	if n := count(t, db, "settlements"); n != before+6 {
		t.Errorf("%d places, want %d", n, before+6)
	}
	p, err := db.Gazetteer().Place(ctx, "1003")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range p.Names {
		got = append(got, n.Name)
	}
	if strings.Join(got, ",") != "Alt 3,Место 3,Other 3" {
		t.Errorf("names of 1003 = %v, want the stored ones and the new one merged", got)
	}
	checkRTree(t, db)
}

// TestImportKeepsApproximatePlacesIndexed: an approximate place written earlier in the same import is found by
// ApproximatePlaces (from the writer's index, as stored), in its country only, and is not once it is located.
func TestImportKeepsApproximatePlacesIndexed(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	smallBatches(t, db)
	key := names.Key("Zarechnoye")
	err := db.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
		for i := range 7 {
			if _, err := w.Upsert(ctx, gazetteer.Place{ID: fmt.Sprint("n", i), Name: "Zarechnoye", Country: "RU", Point: orb.Point{30, float64(i)}}); err != nil {
				return err
			}
		}
		if _, err := w.Upsert(ctx, gazetteer.Place{ID: "z", Name: "Zarechnoye", Country: "RU", Point: orb.Point{35, 50},
			Approximate: true, PrecisionKM: 5}); err != nil {
			return err
		}
		if got, err := w.ApproximatePlaces(ctx, key, "RU"); err != nil || len(got) != 1 || got[0].ID != "z" || got[0].PrecisionKM != 5 {
			return fmt.Errorf("ApproximatePlaces(RU) = %v, %v; want z as stored", got, err)
		}
		if got, _ := w.ApproximatePlaces(ctx, key, "UA"); len(got) != 0 {
			return fmt.Errorf("ApproximatePlaces(UA) = %v, want none", got)
		}
		if _, err := w.Upsert(ctx, gazetteer.Place{ID: "z", Name: "Zarechnoye", Point: orb.Point{35.01, 50.01}}); err != nil {
			return err
		}
		if got, _ := w.ApproximatePlaces(ctx, key, "RU"); len(got) != 0 {
			return fmt.Errorf("ApproximatePlaces after locating z = %v, want none", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkRTree(t, db)
}

// TestImportThatCannotStartEnds: when the writer cannot be set up (here the R*Tree is missing, so its statements do
// not prepare), the import returns the error and stops its writing goroutine instead of waiting for it forever.
func TestImportThatCannotStartEnds(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	if _, err := db.ReadPool().Exec("DROP TABLE rtree_settlements_geom"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- db.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
			_, err := w.Upsert(ctx, gazetteer.Place{ID: "a", Name: "A", Point: orb.Point{1, 1}})
			return err
		})
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "rtree_settlements_geom") {
			t.Errorf("import without an R*Tree = %v, want an error naming it", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("import without an R*Tree did not return in 30 s")
	}
}
