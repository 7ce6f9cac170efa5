package mbtiles

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver
)

// ErrBadTile is returned by Put for a tile outside its zoom's grid or a zoom beyond MaxZoom.
var ErrBadTile = errors.New("mbtiles: bad tile")

// MaxZoom is the highest zoom Put accepts: 2^30 tiles a side still fit the tile indexes.
const MaxZoom = 30

// Metadata is the metadata table of a vector tile set (MBTiles 1.3, "Content" section). Format is always "pbf".
type Metadata struct {
	// Name is the tile set's human-readable name (required).
	Name string
	// Description says what the tiles show.
	Description string
	// Attribution credits the data; it may hold HTML links.
	Attribution string
	// Version is the tile set's version, a number as the spec asks ("1", "1.0.0" is rejected by some readers).
	Version string
	// Type is "overlay" or "baselayer"; "" means "overlay".
	Type string
	// Bounds is west, south, east, north in WGS 84 degrees.
	Bounds [4]float64
	// Center is longitude, latitude and the default zoom.
	Center [3]float64
	// MinZoom and MaxZoom are the lowest and highest zooms with tiles.
	MinZoom, MaxZoom int
	// VectorLayers is the "vector_layers" member of the json row (required for pbf): one object per layer with
	// id, fields, and optionally description, minzoom and maxzoom — TileJSON's vector_layers.
	VectorLayers any
	// Extra holds further rows (name → value), e.g. the date the statuses are computed for.
	Extra map[string]string
}

// Rows returns the metadata as the name → value rows of the metadata table; empty values are left out. It fails
// without a Name or VectorLayers.
func (m Metadata) Rows() (map[string]string, error) {
	if m.Name == "" {
		return nil, errors.New("mbtiles: metadata needs a name")
	}
	if m.VectorLayers == nil {
		return nil, errors.New("mbtiles: metadata needs vector_layers for format pbf")
	}
	js, err := json.Marshal(map[string]any{"vector_layers": m.VectorLayers})
	if err != nil {
		return nil, fmt.Errorf("mbtiles: metadata json: %w", err)
	}
	if m.Type == "" {
		m.Type = "overlay"
	}
	if m.Version == "" {
		m.Version = "1"
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	r := map[string]string{}
	for k, v := range m.Extra {
		r[k] = v
	}
	for k, v := range map[string]string{
		"name":        m.Name,
		"format":      "pbf",
		"bounds":      strings.Join([]string{f(m.Bounds[0]), f(m.Bounds[1]), f(m.Bounds[2]), f(m.Bounds[3])}, ","),
		"center":      strings.Join([]string{f(m.Center[0]), f(m.Center[1]), strconv.Itoa(int(m.Center[2]))}, ","),
		"minzoom":     strconv.Itoa(m.MinZoom),
		"maxzoom":     strconv.Itoa(m.MaxZoom),
		"json":        string(js),
		"type":        m.Type,
		"version":     m.Version,
		"description": m.Description,
		"attribution": m.Attribution,
	} {
		if v != "" {
			r[k] = v
		}
	}
	return r, nil
}

// schema is the MBTiles 1.3 schema: the metadata and tiles tables with the unique indexes the spec recommends.
const schema = `
CREATE TABLE metadata (name TEXT NOT NULL, value TEXT);
CREATE UNIQUE INDEX name ON metadata (name);
CREATE TABLE tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB);
CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
`

// Writer writes one MBTiles file. It is not safe for concurrent use.
type Writer struct {
	path, tmp string
	db        *sql.DB
	tx        *sql.Tx
	put       *sql.Stmt
	n         int
}

// Create starts an MBTiles file that Commit will place at path, replacing any file there. Until then the tiles
// go to a temporary file in the same directory, inside one transaction.
func Create(ctx context.Context, path string) (*Writer, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("mbtiles: %w", err)
	}
	tmp := f.Name()
	f.Close()
	w := &Writer{path: path, tmp: tmp}
	q := url.Values{"_journal_mode": {"OFF"}, "_synchronous": {"OFF"}}
	if w.db, err = sql.Open("sqlite3", "file:"+tmp+"?"+q.Encode()); err != nil {
		return nil, w.fail(err)
	}
	w.db.SetMaxOpenConns(1)
	for _, p := range []string{"PRAGMA page_size = 4096", "PRAGMA application_id = 0x4d504258"} { // "MPBX"
		if _, err := w.db.ExecContext(ctx, p); err != nil {
			return nil, w.fail(err)
		}
	}
	if w.tx, err = w.db.BeginTx(ctx, nil); err != nil {
		return nil, w.fail(err)
	}
	if _, err := w.tx.ExecContext(ctx, schema); err != nil {
		return nil, w.fail(err)
	}
	if w.put, err = w.tx.PrepareContext(ctx, "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)"); err != nil {
		return nil, w.fail(err)
	}
	return w, nil
}

// Put stores the tile z/x/y, addressed in the XYZ scheme (y = 0 at the north), with data as it should be served:
// for vector tiles the gzip-compressed MVT, as the spec expects. The row stored is the TMS row 2^z-1-y.
func (w *Writer) Put(ctx context.Context, z, x, y uint32, data []byte) error {
	if z > MaxZoom || uint64(x) >= 1<<z || uint64(y) >= 1<<z {
		return fmt.Errorf("%w: %d/%d/%d", ErrBadTile, z, x, y)
	}
	row := (uint64(1) << z) - 1 - uint64(y)
	if _, err := w.put.ExecContext(ctx, z, x, row, data); err != nil {
		return fmt.Errorf("mbtiles: put %d/%d/%d: %w", z, x, y, err)
	}
	w.n++
	return nil
}

// Len returns the number of tiles put so far.
func (w *Writer) Len() int { return w.n }

// Commit writes the metadata, commits the transaction and renames the file into place.
func (w *Writer) Commit(ctx context.Context, m Metadata) error {
	rows, err := m.Rows()
	if err != nil {
		return w.fail(err)
	}
	for k, v := range rows {
		if _, err := w.tx.ExecContext(ctx, "INSERT INTO metadata (name, value) VALUES (?, ?)", k, v); err != nil {
			return w.fail(fmt.Errorf("mbtiles: metadata %s: %w", k, err))
		}
	}
	w.put.Close()
	if err := w.tx.Commit(); err != nil {
		return w.fail(err)
	}
	w.tx = nil
	if _, err := w.db.ExecContext(ctx, "ANALYZE"); err != nil {
		return w.fail(err)
	}
	if err := w.db.Close(); err != nil {
		w.db = nil
		return w.fail(err)
	}
	w.db = nil
	if err := os.Rename(w.tmp, w.path); err != nil {
		return w.fail(err)
	}
	w.tmp = ""
	return nil
}

// Abort discards everything written; the destination is left as it was. It is safe to call after Commit (it
// does nothing then) and more than once.
func (w *Writer) Abort() {
	if w.tmp == "" {
		return
	}
	if w.tx != nil {
		w.tx.Rollback()
		w.tx = nil
	}
	if w.db != nil {
		w.db.Close()
		w.db = nil
	}
	os.Remove(w.tmp)
	w.tmp = ""
}

// fail aborts and returns err wrapped.
func (w *Writer) fail(err error) error {
	w.Abort()
	if strings.HasPrefix(err.Error(), "mbtiles:") {
		return err
	}
	return fmt.Errorf("mbtiles: %w", err)
}
