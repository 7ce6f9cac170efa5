package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/mbtiles"
	"github.com/tiled-maps/tiled/pmtiles"
	"github.com/tiled-maps/tiled/postgres"
)

func exportCommands() []command {
	return []command{
		{"export", "export tiles --format mbtiles|pmtiles|dir [--minzoom N] [--maxzoom N] [--as-of DATE] [--source ID] [--bbox W,S,E,N] OUT",
			"bake the vector tiles into an MBTiles file, a PMTiles archive or a z/x/y.mvt directory for static hosting", cmdExport},
	}
}

// exportConfig is what "export tiles" is configured with.
type exportConfig struct {
	DB, Format, Out string
	Atlas           atlas.Config
	Tiles           atlas.TileExportOptions
	Gzip            bool
}

func cmdExport(ctx context.Context, e env, args []string) error {
	var cfg exportConfig
	fs := newFlags(e, "export", "export tiles [--db PATH] --format mbtiles|pmtiles|dir [flags] OUT", &cfg.DB)
	fs.StringVar(&cfg.Format, "format", "", "mbtiles (one SQLite file, MBTiles 1.3), pmtiles (one file served by range requests, PMTiles 3) or dir (OUT/z/x/y.mvt files)")
	fs.IntVar(&cfg.Tiles.MinZoom, "minzoom", 0, "lowest zoom exported")
	fs.IntVar(&cfg.Tiles.MaxZoom, "maxzoom", 14, "highest zoom exported")
	fs.StringVar(&cfg.Tiles.AsOf, "as-of", "", "date the statuses are computed for, YYYY-MM-DD (default today)")
	fs.StringVar(&cfg.Tiles.Source, "source", "", "one source's view (default the consensus)")
	fs.StringVar(&cfg.Tiles.BBox, "bbox", "", "minLon,minLat,maxLon,maxLat: only tiles holding a place inside it (default every place)")
	fs.IntVar(&cfg.Atlas.StaleDays, "stale-days", 30, "a claim older than this many days is stale and does not vote (as for serve)")
	fs.IntVar(&cfg.Tiles.MaxTiles, "max-tiles", atlas.DefaultMaxTiles, "refuse an export of more tiles than this (0: no limit)")
	fs.BoolVar(&cfg.Gzip, "gz", true, "dir: write a gzip copy y.mvt.gz beside each y.mvt (for nginx gzip_static or a CDN)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "tiles" {
		return usagef("export: want \"export tiles --format mbtiles|pmtiles|dir OUT\"")
	}
	cfg.Out = pos[1]
	if cfg.Format != "mbtiles" && cfg.Format != "pmtiles" && cfg.Format != "dir" {
		return usagef("export: --format must be mbtiles, pmtiles or dir, not %q", cfg.Format)
	}
	if cfg.Tiles.MinZoom < 0 || cfg.Tiles.MaxZoom > 22 || cfg.Tiles.MinZoom > cfg.Tiles.MaxZoom || cfg.Atlas.StaleDays < 1 {
		return usagef("export: want 0 <= --minzoom <= --maxzoom <= 22 and --stale-days >= 1")
	}
	cfg.Atlas.MaxZoom = max(cfg.Tiles.MaxZoom, 14) // the server's default; only bounds which tiles may be built
	if _, err := os.Stat(cfg.DB); err != nil && !postgres.IsDSN(cfg.DB) {
		return fmt.Errorf("export: no store at %s (run \"tiled seed\" or \"tiled import\" first): %w", cfg.DB, err)
	}
	return exportTiles(ctx, e, cfg)
}

func exportTiles(ctx context.Context, e env, cfg exportConfig) error {
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	a := atlas.New(cfg.Atlas, atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	plan, err := a.PlanTiles(ctx, cfg.Tiles)
	if errors.Is(err, atlas.ErrTooManyTiles) {
		return fmt.Errorf("export: %w (--bbox W,S,E,N, --maxzoom N, --max-tiles N)", err)
	}
	if err != nil {
		return err
	}
	doc := plan.TileJSON
	meta := mbtiles.Metadata{Name: doc.Name, Description: doc.Description, Attribution: doc.Attribution,
		Bounds: doc.Bounds, Center: doc.Center, MinZoom: doc.MinZoom, MaxZoom: doc.MaxZoom,
		VectorLayers: doc.VectorLayers, Extra: map[string]string{"tiled_as_of": plan.View.AsOf.String(),
			"tiled_view": plan.Query.Get("source")}}
	if meta.Extra["tiled_view"] == "" {
		meta.Extra["tiled_view"] = "consensus"
	}

	var sink tileSink
	switch cfg.Format {
	case "mbtiles":
		sink, err = newMBTilesSink(ctx, cfg.Out)
	case "pmtiles":
		sink, err = newPMTilesSink(cfg.Out)
	default:
		sink, err = newDirSink(cfg.Out, cfg.Gzip)
	}
	if err != nil {
		return err
	}
	prog := newTileProgress(e.stderr, "export", len(plan.Tiles))
	n, bytes := 0, int64(0)
	skipped, err := a.ExportTiles(ctx, plan, runtime.GOMAXPROCS(0), func(t atlas.ExportedTile) error {
		n++
		bytes += int64(len(t.Entry.Gzip))
		prog.add(1)
		return sink.put(ctx, t)
	})
	prog.add(0)
	prog.finish()
	if err != nil {
		sink.abort()
		return err
	}
	if err := sink.commit(ctx, meta); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "tiled: exported %d tiles (z%d–z%d, %s, as of %s; %d empty tiles left out, %.1f MB gzipped) to %s\n",
		n, cfg.Tiles.MinZoom, cfg.Tiles.MaxZoom, meta.Extra["tiled_view"], plan.View.AsOf, skipped, float64(bytes)/1e6, cfg.Out)
	return nil
}

// tileSink receives the tiles of an export.
type tileSink interface {
	put(ctx context.Context, t atlas.ExportedTile) error
	commit(ctx context.Context, m mbtiles.Metadata) error
	abort()
}

type mbtilesSink struct{ w *mbtiles.Writer }

func newMBTilesSink(ctx context.Context, path string) (*mbtilesSink, error) {
	w, err := mbtiles.Create(ctx, path)
	if err != nil {
		return nil, err
	}
	return &mbtilesSink{w: w}, nil
}

// put stores the gzipped MVT, as MBTiles 1.3 expects of pbf tiles.
func (s *mbtilesSink) put(ctx context.Context, t atlas.ExportedTile) error {
	data := t.Entry.Gzip
	if data == nil {
		return errors.New("export: tile without its gzip")
	}
	return s.w.Put(ctx, uint32(t.Tile.Z), t.Tile.X, t.Tile.Y, data)
}

func (s *mbtilesSink) commit(ctx context.Context, m mbtiles.Metadata) error {
	return s.w.Commit(ctx, m)
}
func (s *mbtilesSink) abort() { s.w.Abort() }

// pmtilesSink writes a PMTiles archive of gzipped MVT tiles.
type pmtilesSink struct{ w *pmtiles.Writer }

func newPMTilesSink(path string) (*pmtilesSink, error) {
	w, err := pmtiles.Create(path)
	if err != nil {
		return nil, err
	}
	return &pmtilesSink{w: w}, nil
}

func (s *pmtilesSink) put(_ context.Context, t atlas.ExportedTile) error {
	if t.Entry.Gzip == nil {
		return errors.New("export: tile without its gzip")
	}
	return s.w.Put(uint8(t.Tile.Z), t.Tile.X, t.Tile.Y, t.Entry.Gzip)
}

// commit writes the metadata as PMTiles readers expect it: the MBTiles rows as members, with vector_layers as an
// array (not inside a "json" string).
func (s *pmtilesSink) commit(_ context.Context, m mbtiles.Metadata) error {
	rows, err := m.Rows()
	if err != nil {
		s.w.Abort()
		return err
	}
	js := map[string]any{}
	for k, v := range rows {
		if k != "json" && k != "bounds" && k != "center" && k != "minzoom" && k != "maxzoom" {
			js[k] = v
		}
	}
	js["vector_layers"] = m.VectorLayers
	return s.w.Commit(pmtiles.Metadata{JSON: js, Bounds: m.Bounds, Center: m.Center,
		MinZoom: uint8(m.MinZoom), MaxZoom: uint8(m.MaxZoom)})
}

func (s *pmtilesSink) abort() { s.w.Abort() }

// dirSink writes OUT/z/x/y.mvt (raw MVT), optionally OUT/z/x/y.mvt.gz, and OUT/metadata.json (the MBTiles
// metadata rows). OUT must not exist or be empty, so that no tile of an older export survives in it.
type dirSink struct {
	dir  string
	gzip bool
	made map[string]bool
}

func newDirSink(dir string, gz bool) (*dirSink, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("export: %s exists and is not empty: remove it or choose another directory", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return &dirSink{dir: dir, gzip: gz, made: map[string]bool{}}, nil
}

func (s *dirSink) put(_ context.Context, t atlas.ExportedTile) error {
	d := filepath.Join(s.dir, strconv.Itoa(int(t.Tile.Z)), strconv.FormatUint(uint64(t.Tile.X), 10))
	if !s.made[d] {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		s.made[d] = true
	}
	name := filepath.Join(d, strconv.FormatUint(uint64(t.Tile.Y), 10)+".mvt")
	if err := os.WriteFile(name, t.Entry.Raw, 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if s.gzip {
		if err := os.WriteFile(name+".gz", t.Entry.Gzip, 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

func (s *dirSink) commit(_ context.Context, m mbtiles.Metadata) error {
	rows, err := m.Rows()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.dir, "metadata.json"), append(b, '\n'), 0o644)
}

// abort leaves what was written: the directory was empty before, so removing it is the caller's choice.
func (s *dirSink) abort() {}

// tileProgress counts tiles and, when w is a terminal, redraws a one-line bar at most every 200 ms.
type tileProgress struct {
	w           io.Writer
	label       string
	total, done int
	last        time.Time
	active      bool
}

func newTileProgress(w io.Writer, label string, total int) *tileProgress {
	return &tileProgress{w: w, label: label, total: total, active: isTerminal(w)}
}

// add counts n more tiles.
func (p *tileProgress) add(n int) {
	p.done += n
	if p.active && time.Since(p.last) > 200*time.Millisecond {
		p.last = time.Now()
		p.draw()
	}
}

func (p *tileProgress) draw() {
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = min(1, float64(p.done)/float64(p.total))
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if float64(i) < frac*width {
			bar[i] = '='
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %3.0f%% %d/%d tiles", p.label, bar, frac*100, p.done, p.total)
}

// finish draws the final state and ends the line.
func (p *tileProgress) finish() {
	if p.active {
		p.draw()
		fmt.Fprintln(p.w)
	}
}
