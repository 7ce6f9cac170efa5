package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/pmtiles"
)

// TestExportPMTiles exports the same tiles as MBTiles and as PMTiles and checks that the archive holds exactly the
// MBTiles file's tiles, byte for byte, with its metadata.
func TestExportPMTiles(t *testing.T) {
	db := seeded(t)
	dir := t.TempDir()
	args := []string{"--db", db, "--maxzoom", "11", "--as-of", "2025-03-30"}
	mbt, pmt := filepath.Join(dir, "front.mbtiles"), filepath.Join(dir, "front.pmtiles")
	if out, errs, err := tiled(t, append(append([]string{"export", "tiles", "--format", "mbtiles"}, args...), mbt)...); err != nil {
		t.Fatalf("export mbtiles: %v\n%s%s", err, out, errs)
	}
	out, errs, err := tiled(t, append(append([]string{"export", "tiles", "--format", "pmtiles"}, args...), pmt)...)
	if err != nil || !strings.Contains(out, "exported") {
		t.Fatalf("export pmtiles: %v\n%s%s", err, out, errs)
	}
	f, err := os.Open(pmt)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pmtiles.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sql.Open("sqlite3", "file:"+mbt+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	rows, err := m.Query("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
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
		y := 1<<z - 1 - row
		got, err := r.Tile(uint8(z), uint32(x), uint32(y))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("tile %d/%d/%d: PMTiles holds %d bytes (%v), MBTiles %d", z, x, y, len(got), err, len(data))
		}
		n++
	}
	h := r.Header
	if n == 0 || h.AddressedTiles != uint64(n) || h.MaxZoom != 11 || h.TileType != pmtiles.TypeMVT || !h.Clustered {
		t.Errorf("header = %+v; want %d tiles up to z11", h, n)
	}
	meta, err := r.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := meta["vector_layers"].([]any)
	if len(layers) != 2 || meta["tiled_as_of"] != "2025-03-30" || meta["attribution"] == "" {
		t.Errorf("metadata = %v, want vector_layers (settlements, boundaries), tiled_as_of and attribution", meta)
	}
}
