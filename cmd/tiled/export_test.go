package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/atlas"
)

// servedTile returns the raw tile the server's core serves for z/x/y with the query q, from the store at db.
func servedTile(t *testing.T, a *atlas.Atlas, z, x, y int, q url.Values) []byte {
	t.Helper()
	res, err := a.Tile(context.Background(), strconv.Itoa(z), strconv.Itoa(x), strconv.Itoa(y)+".mvt", q)
	if err != nil {
		t.Fatalf("Tile %d/%d/%d: %v", z, x, y, err)
	}
	return res.Entry.Raw
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("tile_data is not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func openAtlas(t *testing.T, dbPath string) *atlas.Atlas {
	t.Helper()
	db, err := openDB(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return atlas.New(atlas.Config{StaleDays: 30}, atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
}

// TestExportMBTiles: the MBTiles file has the 1.3 metadata, TMS rows, gzipped tiles equal to what the server
// serves, and GDAL opens it.
func TestExportMBTiles(t *testing.T) {
	db := seeded(t)
	out := filepath.Join(t.TempDir(), "front.mbtiles")
	stdout, stderr, err := tiled(t, "export", "tiles", "--db", db, "--format", "mbtiles", "--maxzoom", "12", "--as-of", "2025-03-30", out)
	if err != nil || !strings.Contains(stdout, "exported") {
		t.Fatalf("export: %v\n%s%s", err, stdout, stderr)
	}
	m, err := sql.Open("sqlite3", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	meta := map[string]string{}
	rows, err := m.Query("SELECT name, value FROM metadata")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		meta[k] = v
	}
	rows.Close()
	for k, want := range map[string]string{"format": "pbf", "minzoom": "0", "maxzoom": "12", "type": "overlay", "tiled_as_of": "2025-03-30"} {
		if meta[k] != want {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], want)
		}
	}
	for _, k := range []string{"name", "bounds", "center", "attribution", "description", "version"} {
		if meta[k] == "" {
			t.Errorf("metadata lacks %s", k)
		}
	}
	var js struct {
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal([]byte(meta["json"]), &js); err != nil || len(js.VectorLayers) != 2 ||
		js.VectorLayers[0].ID != "settlements" || js.VectorLayers[0].Fields["status"] == "" {
		t.Errorf("metadata json = %s (%v), want vector_layers with settlements and its fields, and the boundaries", meta["json"], err)
	} else {
		// MBTiles 1.3: fields map names to "Number", "String" or "Boolean", which GDAL types its fields from.
		for f, want := range map[string]string{"status": "String", "precision_km": "Number", "approximate": "Boolean", "population": "Number"} {
			if got := js.VectorLayers[0].Fields[f]; got != want {
				t.Errorf("vector_layers fields %s = %q, want %q", f, got, want)
			}
		}
	}
	// The center's zoom shows the whole tile set (the seed's border belt), not the lowest zoom exported.
	if c := strings.Split(meta["center"], ","); len(c) != 3 || c[2] == meta["minzoom"] {
		t.Errorf("metadata center = %q with minzoom %s, want a zoom that shows the bounds", meta["center"], meta["minzoom"])
	}

	a := openAtlas(t, db)
	q := url.Values{"as_of": {"2025-03-30"}}
	rows, err = m.Query("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var z, x, row int
		var data []byte
		if err := rows.Scan(&z, &x, &row, &data); err != nil {
			t.Fatal(err)
		}
		y := 1<<z - 1 - row // TMS → XYZ
		if got, want := gunzip(t, data), servedTile(t, a, z, x, y, q); !bytes.Equal(got, want) {
			t.Errorf("tile %d/%d/%d: MBTiles holds %d bytes, the server serves %d different ones", z, x, y, len(got), len(want))
		}
		n++
	}
	if n == 0 {
		t.Fatal("no tiles in the MBTiles")
	}

	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("ogrinfo not on PATH (install gdal-bin): skipping the GDAL check")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ogrinfo", "-ro", "-al", "-so", "-oo", "ZOOM_LEVEL=12", out)
	var ob, eb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &ob, &eb
	if err := cmd.Run(); err != nil {
		t.Fatalf("ogrinfo: %v\n%s%s", err, eb.String(), ob.String())
	}
	info := ob.String()
	if !strings.Contains(info, "using driver `MBTiles'") || !strings.Contains(info, "Layer name: settlements") ||
		!strings.Contains(info, "status: String") || !strings.Contains(info, "precision_km: Real") ||
		!strings.Contains(info, "approximate: Integer(Boolean)") {
		t.Errorf("ogrinfo does not show the settlements layer through the MBTiles driver:\n%s", info)
	}
	fc := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(info)
	if fc == nil || fc[1] == "0" {
		t.Errorf("ogrinfo finds no features at z12:\n%s", info)
	}
}

// TestExportDir: z/x/y.mvt files equal to what the server serves, a gzip copy of each, metadata.json; a non-empty
// directory is refused.
func TestExportDir(t *testing.T) {
	db := seeded(t)
	out := filepath.Join(t.TempDir(), "tiles")
	if stdout, stderr, err := tiled(t, "export", "tiles", "--db", db, "--format", "dir", "--minzoom", "5", "--maxzoom", "9",
		"--as-of", "2025-04-10", "--source", "isw", out); err != nil {
		t.Fatalf("export: %v\n%s%s", err, stdout, stderr)
	}
	a := openAtlas(t, db)
	q := url.Values{"as_of": {"2025-04-10"}, "source": {"isw"}}
	n := 0
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".mvt") {
			return err
		}
		var z, x, y int
		rel, _ := filepath.Rel(out, path)
		parts := strings.Split(strings.TrimSuffix(rel, ".mvt"), string(filepath.Separator))
		if len(parts) != 3 {
			t.Fatalf("unexpected tile path %s", rel)
		}
		z, _ = strconv.Atoi(parts[0])
		x, _ = strconv.Atoi(parts[1])
		y, _ = strconv.Atoi(parts[2])
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		gz, err := os.ReadFile(path + ".gz")
		if err != nil {
			return err
		}
		want := servedTile(t, a, z, x, y, q)
		if !bytes.Equal(raw, want) || !bytes.Equal(gunzip(t, gz), want) {
			t.Errorf("%s differs from the served tile", rel)
		}
		if z < 5 || z > 9 {
			t.Errorf("%s is outside z5–z9", rel)
		}
		n++
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walk: %v, %d tiles", err, n)
	}
	b, err := os.ReadFile(filepath.Join(out, "metadata.json"))
	var meta map[string]string
	if err != nil || json.Unmarshal(b, &meta) != nil || meta["format"] != "pbf" || meta["tiled_view"] != "isw" {
		t.Errorf("metadata.json = %s, %v", b, err)
	}
	if !strings.Contains(meta["json"], `"precision_km":"Number"`) || !strings.Contains(meta["json"], `"status":"String"`) {
		t.Errorf("metadata.json vector_layers fields = %s, want MBTiles 1.3 types", meta["json"])
	}
	// GDAL reads the directory with those types, and every feature carries its MVT id.
	if _, err := exec.LookPath("ogrinfo"); err == nil {
		info, err := exec.Command("ogrinfo", "-ro", "-al", "-oo", "TILE_EXTENSION=mvt", "-oo",
			"METADATA_FILE="+filepath.Join(out, "metadata.json"), filepath.Join(out, "9")).CombinedOutput()
		if err != nil || !strings.Contains(string(info), "precision_km: Real") || !strings.Contains(string(info), "mvt_id (Integer64) = 486816") {
			t.Errorf("ogrinfo of the directory (%v):\n%.3000s", err, info)
		}
	}
	if _, _, err := tiled(t, "export", "tiles", "--db", db, "--format", "dir", out); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("export into a non-empty directory = %v, want an error", err)
	}
}

func TestExportUsage(t *testing.T) {
	db := seeded(t)
	out := filepath.Join(t.TempDir(), "x.mbtiles")
	for _, args := range [][]string{
		{"export", "tiles", "--db", db, out},
		{"export", "tiles", "--db", db, "--format", "geojson", out},
		{"export", "--db", db, "--format", "mbtiles", out},
		{"export", "tiles", "--db", db, "--format", "mbtiles", "--minzoom", "5", "--maxzoom", "4", out},
	} {
		_, _, err := tiled(t, args...)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("tiled %s = %v, want a usage error", strings.Join(args, " "), err)
		}
	}
	if _, _, err := tiled(t, "export", "tiles", "--db", db, "--format", "mbtiles", "--bbox", "1,2,3", out); err == nil {
		t.Error("export with a bad --bbox succeeded")
	}
	// More tiles than --max-tiles: refused before anything is built, naming the flags that narrow it.
	if _, _, err := tiled(t, "export", "tiles", "--db", db, "--format", "mbtiles", "--max-tiles", "100", out); err == nil ||
		!strings.Contains(err.Error(), "more than 100 tiles") || !strings.Contains(err.Error(), "--bbox") {
		t.Errorf("export over --max-tiles = %v, want a refusal naming the limit and --bbox", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed export left %s behind (%v)", out, err)
	}
}
