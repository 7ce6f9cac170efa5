package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/sqlite"
)

// gpkgValidator returns the command that runs GDAL's validate_gpkg.py (Debian's python3-gdal installs it as the
// module osgeo_utils.samples.validate_gpkg), or skips the test when it is missing, except in CI, which installs it.
func gpkgValidator(t *testing.T) []string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import osgeo_utils.samples.validate_gpkg").Run() == nil {
			return []string{py, "-m", "osgeo_utils.samples.validate_gpkg"}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("GDAL's validate_gpkg.py (Debian python3-gdal) is missing; .ci/run installs it")
	}
	t.Skip("GDAL's validate_gpkg.py (Debian python3-gdal) is not installed")
	return nil
}

// TestStoreIsAValidGeoPackage: a store named tiled.gpkg, with the seed's places, sources and claims, passes GDAL's
// GeoPackage validator; claims and sources are registered as attributes tables, tiled_meta's value is typed.
func TestStoreIsAValidGeoPackage(t *testing.T) {
	validate := gpkgValidator(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tiled.gpkg")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(validate[0], append(validate[1:], path)...).CombinedOutput()
	if err != nil {
		t.Fatalf("validate_gpkg.py %s: %v\n%s", path, err, out)
	}
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for table, kind := range map[string]string{"settlements": "features", "sources": "attributes", "claims": "attributes"} {
		var got string
		if err := raw.QueryRow("SELECT data_type FROM gpkg_contents WHERE table_name = ?", table).Scan(&got); err != nil || got != kind {
			t.Errorf("gpkg_contents %s = %q (%v), want %s", table, got, err, kind)
		}
	}
	var typ string
	if err := raw.QueryRow("SELECT type FROM pragma_table_info('tiled_meta') WHERE name = 'value'").Scan(&typ); err != nil || typ != "INTEGER" {
		t.Errorf("tiled_meta.value type = %q (%v), want INTEGER", typ, err)
	}
	var n int
	if err := raw.QueryRow("SELECT count(*) FROM claims JOIN sources ON sources.id = claims.source_id").Scan(&n); err != nil || n == 0 {
		t.Errorf("claims joined to their sources: %d (%v)", n, err)
	}
}
