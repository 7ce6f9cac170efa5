package atlas

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/tiles"
)

// TileExportOptions choose the tiles PlanTiles bakes.
type TileExportOptions struct {
	// MinZoom and MaxZoom bound the zooms exported; MaxZoom may not exceed the atlas's MaxZoom.
	MinZoom, MaxZoom int
	// AsOf is the date the statuses are computed for (YYYY-MM-DD); "" means the default date (ledger.Index.DefaultAsOf).
	AsOf string
	// Source is one source's view; "" or "consensus" for the consensus.
	Source string
	// KnownOn keeps only the claims published on or before it (YYYY-MM-DD); "" means no cut-off.
	KnownOn string
	// BBox is "minLon,minLat,maxLon,maxLat": only tiles holding a place or a stretch of the state border inside it
	// are exported. "" means every place of the store and the whole border (data.Boundaries covers 20–60°E
	// 40–62°N).
	BBox string
	// MaxTiles, when above 0, refuses a plan of more tiles than that (an ErrTooManyTiles naming the count), before
	// anything is built: a world export at z14 of a large store is millions of tiles.
	MaxTiles int
}

// DefaultMaxTiles is the export size the CLI accepts unless told otherwise: about an hour of building on one core
// at the large store's cold-tile cost, and a few GB of output.
const DefaultMaxTiles = 1_000_000

// ErrTooManyTiles is the error of a plan larger than TileExportOptions.MaxTiles.
var ErrTooManyTiles = errors.New("atlas: too many tiles")

// TilePlan is a tile export ready to run: a snapshot of the store's places and statuses and the tiles that hold
// at least one of the chosen places or a stretch of the state border (the reference layer) inside the box, so the
// exported map has no gaps in the border. Empty tiles are not in it: the server answers them with an empty layer, a
// static host with 404 or 204, which map clients treat alike.
type TilePlan struct {
	// Tiles are the tiles to export, ordered by zoom, then x, then y.
	Tiles []maptile.Tile
	// View is the resolved date and source.
	View View
	// Query is the query string under which the server serves the same bytes: as_of, and source for one
	// source's view.
	Query url.Values
	// TileJSON describes the tile set: name, description, attribution, bounds of the chosen places, zooms and
	// the vector layer with its fields.
	TileJSON tiles.TileJSONDoc

	src  tileSource
	opt  tiles.Options
	zoom [2]int
}

// PlanTiles resolves opt against the store and lists the tiles to export. The plan keeps the indexes it was made
// from, so an export is consistent even if claims arrive while it runs.
func (a *Atlas) PlanTiles(ctx context.Context, opt TileExportOptions) (*TilePlan, error) {
	if opt.MinZoom < 0 || opt.MinZoom > opt.MaxZoom || opt.MaxZoom > a.cfg.MaxZoom {
		return nil, paramErr("zoom", fmt.Sprintf("%d..%d", opt.MinZoom, opt.MaxZoom), "want 0 <= minzoom <= maxzoom <= %d", a.cfg.MaxZoom)
	}
	pix, lix, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	view, err := a.parseView(lix, opt.AsOf, opt.Source, opt.KnownOn)
	if err != nil {
		return nil, err
	}
	b := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	if opt.BBox != "" {
		if b, err = parseBBox("bbox", opt.BBox); err != nil {
			return nil, err
		}
	}
	p := &TilePlan{View: view, Query: url.Values{"as_of": {view.AsOf.String()}},
		src: tileSource{pix: pix, lix: lix, cl: newClaimSet(pix, lix), view: view}, opt: a.tileOptions(), zoom: [2]int{opt.MinZoom, opt.MaxZoom}}
	if view.Source != "" {
		p.Query.Set("source", view.Source)
	}
	buf := p.opt.BufferFraction()
	var seen []map[[2]uint32]bool
	for z := opt.MinZoom; z <= opt.MaxZoom; z++ {
		seen = append(seen, map[[2]uint32]bool{})
	}
	var bound orb.Bound
	n := 0
	over := func() bool { // the plan holds more than MaxTiles already (counted as it grows, so memory stays bounded)
		if opt.MaxTiles <= 0 {
			return false
		}
		total := 0
		for _, s := range seen {
			total += len(s)
		}
		return total > opt.MaxTiles
	}
	tooMany := false
	pix.within(b, func(pl *place) {
		if n == 0 {
			bound = pl.Point.Bound()
		} else {
			bound = bound.Extend(pl.Point)
		}
		n++
		if tooMany {
			return
		}
		for z := opt.MinZoom; z <= opt.MaxZoom; z++ {
			addTilesOf(seen[z-opt.MinZoom], pl.Point, maptile.Zoom(z), buf)
		}
		tooMany = n%1024 == 0 && over()
	})
	if tooMany || over() {
		return nil, fmt.Errorf("%w: the export of zooms %d–%d would hold more than %d tiles; narrow it with a bbox or a lower maxzoom, or raise the limit",
			ErrTooManyTiles, opt.MinZoom, opt.MaxZoom, opt.MaxTiles)
	}
	if ref := p.opt.Reference; ref != nil {
		for _, ls := range ref.Lines(b) {
			for z := opt.MinZoom; z <= opt.MaxZoom; z++ {
				addLineTiles(seen[z-opt.MinZoom], ls, maptile.Zoom(z), buf)
			}
			if over() {
				return nil, fmt.Errorf("%w: the export of zooms %d–%d would hold more than %d tiles (the state border crosses many of them); narrow it with a bbox or a lower maxzoom, or raise the limit",
					ErrTooManyTiles, opt.MinZoom, opt.MaxZoom, opt.MaxTiles)
			}
		}
	}
	for i, s := range seen {
		z := maptile.Zoom(opt.MinZoom + i)
		first := len(p.Tiles)
		for xy := range s {
			p.Tiles = append(p.Tiles, maptile.New(xy[0], xy[1], z))
		}
		slices.SortFunc(p.Tiles[first:], func(a, b maptile.Tile) int {
			if a.X != b.X {
				return int(a.X) - int(b.X)
			}
			return int(a.Y) - int(b.Y)
		})
	}
	doc := tiles.TileJSONOptions{Name: "tiled settlements", Attribution: a.cfg.Attribution,
		Description: "Settlements of the front line with " + viewLabel(view) + " control claims, as of " + view.AsOf.String(),
		MinZoom:     opt.MinZoom, MaxZoom: opt.MaxZoom, Tiles: []string{"{z}/{x}/{y}" + tiles.TileSuffix}}
	if n > 0 {
		doc.Bounds = [4]float64{bound.Min.Lon(), bound.Min.Lat(), bound.Max.Lon(), bound.Max.Lat()}
	}
	p.TileJSON = tiles.TileJSON(doc)
	p.TileJSON.MaxZoom = opt.MaxZoom // TileJSON reads 0 as the default
	p.TileJSON.VectorLayers[0].MaxZoom = opt.MaxZoom
	// MBTiles 1.3 and tile directories: fields map names to types, which GDAL reads its field types from.
	p.TileJSON.VectorLayers[0].Fields = tiles.FieldTypes()
	return p, nil
}

// viewLabel names whose claims a view shows, for descriptions.
func viewLabel(v View) string {
	if v.Source == "" {
		return "every source's"
	}
	return v.Source + "'s"
}

// addTilesOf adds to s the x/y of the tiles of zoom z whose bound buffered by buf (a fraction of a tile) contains
// p: the tiles tiles.Build draws p in. The range is widened by a rounding slack; a tile that turns out empty is
// skipped when it is built.
func addTilesOf(s map[[2]uint32]bool, p orb.Point, z maptile.Zoom, buf float64) {
	addTilesAt(s, maptile.Fraction(p, z), z, buf)
}

// lineStep is the spacing, in tiles, of the points addLineTiles samples along a line.
const lineStep = 0.25

// addLineTiles adds to s the x/y of the tiles of zoom z whose bound buffered by buf crosses ls: it samples ls every
// lineStep of a tile and adds the tiles around each sample with the buffer widened by half a step, so no tile the
// line passes through is missed. The extra tiles this may add are empty and skipped when they are built.
func addLineTiles(s map[[2]uint32]bool, ls orb.LineString, z maptile.Zoom, buf float64) {
	for i := 1; i < len(ls); i++ {
		a, b := maptile.Fraction(ls[i-1], z), maptile.Fraction(ls[i], z)
		steps := int(math.Ceil(max(math.Abs(b[0]-a[0]), math.Abs(b[1]-a[1])) / lineStep))
		for k := 0; k <= steps; k++ {
			t := 0.0
			if steps > 0 {
				t = float64(k) / float64(steps)
			}
			addTilesAt(s, orb.Point{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t}, z, buf+lineStep/2)
		}
	}
}

// addTilesAt adds to s the x/y of the tiles of zoom z whose bound buffered by buf contains f, a position in tile
// units (maptile.Fraction).
func addTilesAt(s map[[2]uint32]bool, f orb.Point, z maptile.Zoom, buf float64) {
	const slack = 1e-9
	n := float64(uint64(1) << z)
	idx := func(v float64) uint32 { return uint32(min(max(math.Floor(v), 0), n-1)) }
	for x := idx(f[0] - buf - slack); x <= idx(f[0]+buf+slack); x++ {
		for y := idx(f[1] - buf - slack); y <= idx(f[1]+buf+slack); y++ {
			s[[2]uint32{x, y}] = true
		}
	}
}

// ExportedTile is one tile of an export.
type ExportedTile struct {
	// Tile is its position (XYZ scheme).
	Tile maptile.Tile
	// Entry holds the raw MVT, its gzip compression and its ETag: the bytes the server sends.
	Entry tiles.Entry
}

// exportBatch is how many tiles ExportTiles builds before handing them to the sink in order.
const exportBatch = 256

// ExportTiles builds every tile of the plan with workers goroutines (at least one) and calls fn with each
// non-empty tile, one at a time and in the plan's order. The bytes are those Tile returns for the same tile and
// plan.Query. It stops at the first error, from a build, from fn or from ctx. It returns how many tiles were
// empty (and skipped).
func (a *Atlas) ExportTiles(ctx context.Context, plan *TilePlan, workers int, fn func(ExportedTile) error) (skipped int, err error) {
	workers = max(workers, 1)
	eopt := plan.opt
	if eopt.Reference != nil {
		eopt.Reference = &tiles.Reference{} // an empty reference layer: a tile with no place and no border
	}
	empty, err := tiles.Build(ctx, tiles.SourceFunc(func(context.Context, orb.Bound) ([]tiles.Feature, error) {
		return nil, nil
	}), maptile.New(0, 0, 0), eopt)
	if err != nil {
		return 0, err
	}
	out := make([]ExportedTile, exportBatch)
	errs := make([]error, workers)
	for start := 0; start < len(plan.Tiles); start += exportBatch {
		batch := plan.Tiles[start:min(start+exportBatch, len(plan.Tiles))]
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				errs[w] = nil
				for i := w; i < len(batch); i += workers {
					raw, err := tiles.Build(ctx, plan.src, batch[i], plan.opt)
					if err != nil {
						errs[w] = err
						return
					}
					out[i] = ExportedTile{Tile: batch[i]}
					if !bytes.Equal(raw, empty) {
						out[i].Entry = a.tiles.NewEntry(raw)
					}
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return skipped, err
			}
		}
		for i := range batch {
			if out[i].Entry.Raw == nil {
				skipped++
				continue
			}
			if err := fn(out[i]); err != nil {
				return skipped, err
			}
		}
	}
	return skipped, nil
}
