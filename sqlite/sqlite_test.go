package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/sqlite"
)

func TestOpenCreatesAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := db.SchemaVersion(ctx)
	if err != nil || v1 < 1 {
		t.Fatalf("SchemaVersion = %d, %v; want >= 1", v1, err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path) // reopening must not re-run migrations
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if v2, _ := db.SchemaVersion(ctx); v2 != v1 {
		t.Errorf("SchemaVersion after reopen = %d, want %d", v2, v1)
	}
}

// TestPooledConnectionPragmas checks WAL, foreign keys and the busy timeout on several pooled connections at once.
func TestPooledConnectionPragmas(t *testing.T) {
	db := testdb.Open(t)
	raw := db.ReadPool()
	ctx := context.Background()
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 4; i++ {
		c, err := raw.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000"} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != want {
				t.Errorf("conn %d: PRAGMA %s = %q, %v; want %q", i, pragma, got, err, want)
			}
		}
	}
}

func TestGeoPackageHeader(t *testing.T) {
	db := testdb.Open(t)
	var appID, userVersion int
	raw := db.ReadPool()
	if err := raw.QueryRow("PRAGMA application_id").Scan(&appID); err != nil || appID != 0x47504B47 {
		t.Errorf("application_id = %#x, %v; want GPKG", appID, err)
	}
	if err := raw.QueryRow("PRAGMA user_version").Scan(&userVersion); err != nil || userVersion != 10300 {
		t.Errorf("user_version = %d, %v; want 10300", userVersion, err)
	}
}

func TestRTreeFollowsUpserts(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	put := func(p gazetteer.Place) {
		t.Helper()
		err := db.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
			_, err := w.Upsert(ctx, p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(gazetteer.Place{ID: "a", Name: "Alpha", Country: "RU", Point: orb.Point{35, 50}})
	put(gazetteer.Place{ID: "a", Name: "Alpha", Country: "RU", Point: orb.Point{36, 51}}) // moved
	in := func(b orb.Bound) int {
		ps, err := db.Gazetteer().PlacesWithin(ctx, b, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	if n := in(orb.Bound{Min: orb.Point{34.9, 49.9}, Max: orb.Point{35.1, 50.1}}); n != 0 {
		t.Errorf("old location still indexed: %d places", n)
	}
	if n := in(orb.Bound{Min: orb.Point{35.9, 50.9}, Max: orb.Point{36.1, 51.1}}); n != 1 {
		t.Errorf("new location: %d places, want 1", n)
	}
	p, err := db.Gazetteer().Place(ctx, "a")
	if err != nil || p.Point != (orb.Point{36, 51}) {
		t.Errorf("Place(a) = %v, %v", p.Point, err)
	}
}

func TestPlaceNotFound(t *testing.T) {
	db := testdb.Open(t)
	if _, err := db.Gazetteer().Place(context.Background(), "nope"); !errors.Is(err, gazetteer.ErrNotFound) {
		t.Errorf("Place(nope) error = %v, want ErrNotFound", err)
	}
}

func TestDataVersionBumpsOnImport(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	v0, err := db.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	testdb.Places(t) // another store: must not affect this one
	testdb.ImportGeoJSON(t, db, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[35,50]},"properties":{"name":"X"}}]}`), "x.geojson")
	if v1, _ := db.DataVersion(ctx); v1 <= v0 {
		t.Errorf("DataVersion after import = %d, want > %d", v1, v0)
	}
}

func TestConcurrentWritersQueue(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- db.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
				_, err := w.Upsert(ctx, gazetteer.Place{ID: fmt.Sprint("p", i), Name: "P", Country: "RU", Point: orb.Point{35, 50}})
				return err
			})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent import: %v", err)
		}
	}
	if n, _ := db.Gazetteer().CountPlaces(ctx); n != 8 {
		t.Errorf("CountPlaces = %d, want 8", n)
	}
}

// TestOGRInfoReadsStore proves the store is a GeoPackage GDAL opens as it is: the settlements layer, its feature
// count and its extent.
func TestOGRInfoReadsStore(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo (GDAL, Debian gdal-bin) not installed; CI installs it")
	}
	db := testdb.Places(t)
	ctx := context.Background()
	all, err := db.Gazetteer().AllPlaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b orb.Bound = all[0].Point.Bound()
	for _, p := range all {
		b = b.Extend(p.Point)
	}
	out, err := exec.Command(ogrinfo, "-ro", "-so", db.Path(), "settlements").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"Layer name: settlements", "Geometry: Point", "Feature Count: " + strconv.Itoa(len(all)),
		"Geometry Column NOT NULL = geom", `ID["EPSG",4326]`, "FID Column = fid", "name: String", "approximate: Integer(Boolean)"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(text) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, text)
		}
	}
	m := regexp.MustCompile(`Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("ogrinfo reports no extent:\n%s", text)
	}
	got := [4]float64{}
	for i := range got {
		got[i], _ = strconv.ParseFloat(m[i+1], 64)
	}
	want := [4]float64{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()}
	for i := range got {
		if d := got[i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Errorf("ogrinfo extent = %v, want %v", got, want)
			break
		}
	}
}

// TestOGRInfoReadsFeatures reads a feature through GDAL and checks its attributes and point.
func TestOGRInfoReadsFeatures(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo not installed")
	}
	db := testdb.Places(t)
	out, err := exec.Command(ogrinfo, "-ro", "-q", db.Path(), "settlements", "-where", "id = 'ru-bel-prilesye'").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	for _, want := range []string{"name (String) = Prilesʼye", "name_ru (String) = Прилесье", "POINT (35.41417 50.87639)"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(string(out)) {
			t.Errorf("ogrinfo feature lacks %q:\n%s", want, out)
		}
	}
}

// TestOpenUnknownMigration checks that a file holding a migration this build does not know is refused with
// ErrSchema (migrations are tracked as a set, so a gap in the numbers is not mistaken for "older").
func TestOpenUnknownMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	db.Close()
	if _, err := raw.Exec("INSERT INTO tiled_schema VALUES (9999, 'future', '2030-01-01')"); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(ctx, path); !errors.Is(err, sqlite.ErrSchema) {
		t.Fatalf("Open with unknown migration 9999 = %v, want ErrSchema", err)
	}
}
