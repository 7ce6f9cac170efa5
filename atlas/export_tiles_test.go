package atlas_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/tiles"
)

func seededAtlas(tb testing.TB) *atlas.Atlas {
	tb.Helper()
	db := testdb.Open(tb)
	if _, err := seed.Load(context.Background(), db); err != nil {
		tb.Fatal(err)
	}
	return atlas.New(atlas.Config{Now: benchNow},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
}

func serve(tb testing.TB, a *atlas.Atlas, t maptile.Tile, q url.Values) []byte {
	tb.Helper()
	res, err := a.Tile(context.Background(), strconv.Itoa(int(t.Z)), strconv.Itoa(int(t.X)), strconv.Itoa(int(t.Y))+".mvt", q)
	if err != nil {
		tb.Fatalf("Tile(%v) = %v", t, err)
	}
	return res.Entry.Raw
}

// layerFeatures decodes raw and counts the features of each layer: settlements and the state borders
// (tiles.ReferenceLayer).
func layerFeatures(tb testing.TB, raw []byte) map[string]int {
	tb.Helper()
	ls, err := mvt.Unmarshal(raw)
	if err != nil {
		tb.Fatalf("mvt.Unmarshal: %v", err)
	}
	n := map[string]int{}
	for _, l := range ls {
		n[l.Name] += len(l.Features)
	}
	return n
}

func featureCount(tb testing.TB, raw []byte) int {
	tb.Helper()
	n := 0
	for _, c := range layerFeatures(tb, raw) {
		n += c
	}
	return n
}

// TestExportTilesEqualServed: every exported tile is byte for byte what Tile serves for plan.Query, holds at least
// one feature (a settlement or a stretch of border), and the tiles around them that the plan leaves out are empty
// (no settlement, no border).
func TestExportTilesEqualServed(t *testing.T) {
	a := seededAtlas(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		opt  atlas.TileExportOptions
	}{
		{"consensus z0-z10", atlas.TileExportOptions{MinZoom: 0, MaxZoom: 10, AsOf: "2025-03-30"}},
		{"one source z6-z9 bbox", atlas.TileExportOptions{MinZoom: 6, MaxZoom: 9, AsOf: "2025-04-10", Source: "isw", BBox: "35,51,36,51.5"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := a.PlanTiles(ctx, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Tiles) == 0 {
				t.Fatal("PlanTiles listed no tile")
			}
			in := map[maptile.Tile]bool{}
			for _, tile := range plan.Tiles {
				in[tile] = true
			}
			got := 0
			skipped, err := a.ExportTiles(ctx, plan, 2, func(e atlas.ExportedTile) error {
				got++
				if want := serve(t, a, e.Tile, plan.Query); !bytes.Equal(e.Entry.Raw, want) {
					t.Errorf("exported %v differs from the served tile (%d vs %d bytes)", e.Tile, len(e.Entry.Raw), len(want))
				}
				if featureCount(t, e.Entry.Raw) == 0 {
					t.Errorf("exported %v is empty", e.Tile)
				}
				if len(e.Entry.Gzip) == 0 {
					t.Errorf("exported %v has no gzip", e.Tile)
				}
				return nil
			})
			if err != nil || got+skipped != len(plan.Tiles) {
				t.Fatalf("ExportTiles = %d + %d skipped, %v; want %d tiles", got, skipped, err, len(plan.Tiles))
			}
			if tt.opt.BBox != "" {
				return // tiles outside the box hold places the plan leaves out on purpose
			}
			for _, tile := range plan.Tiles {
				for dx := -1; dx <= 1; dx++ {
					for dy := -1; dy <= 1; dy++ {
						n := maptile.New(uint32(int(tile.X)+dx), uint32(int(tile.Y)+dy), tile.Z)
						if in[n] || !n.Valid() || int(n.X) != int(tile.X)+dx || int(n.Y) != int(tile.Y)+dy {
							continue
						}
						if c := featureCount(t, serve(t, a, n, plan.Query)); c != 0 {
							t.Errorf("tile %v is not in the plan but holds %d features", n, c)
						}
					}
				}
			}
		})
	}
}

// TestExportTilesBorderOnly: an export over a stretch of the state border with no settlement (the Moldovan–Ukrainian
// border) holds the border tiles, each with the boundaries layer and no settlement, and every tile of the box
// left out has no border in it, so the exported map has no gaps in the border.
func TestExportTilesBorderOnly(t *testing.T) {
	a := seededAtlas(t)
	ctx := context.Background()
	plan, err := a.PlanTiles(ctx, atlas.TileExportOptions{MinZoom: 6, MaxZoom: 9, AsOf: "2025-03-30", BBox: "28,46,29.5,47.5"})
	if err != nil {
		t.Fatal(err)
	}
	perZoom := map[maptile.Zoom]int{}
	exported := map[maptile.Tile]bool{}
	_, err = a.ExportTiles(ctx, plan, 2, func(e atlas.ExportedTile) error {
		n := layerFeatures(t, e.Entry.Raw)
		if n[tiles.ReferenceLayer] == 0 || n[tiles.DefaultLayer] != 0 {
			t.Errorf("exported %v holds %v; want only border lines", e.Tile, n)
		}
		exported[e.Tile] = true
		perZoom[e.Tile.Z]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	box := orb.Bound{Min: orb.Point{28, 46}, Max: orb.Point{29.5, 47.5}}
	for z := maptile.Zoom(6); z <= 9; z++ {
		if perZoom[z] == 0 {
			t.Errorf("no border tile exported at z%d (per zoom: %v)", z, perZoom)
		}
		// Every tile inside the box that the export leaves out is served empty: no border tile is missing.
		lo, hi := maptile.At(orb.Point{box.Min.X(), box.Max.Y()}, z), maptile.At(orb.Point{box.Max.X(), box.Min.Y()}, z)
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				tile := maptile.New(x, y, z)
				if exported[tile] {
					continue
				}
				if n := layerFeatures(t, serve(t, a, tile, plan.Query)); n[tiles.ReferenceLayer] != 0 && tile.Bound().Intersects(box) {
					t.Errorf("tile %v in the box is not exported but the server draws %d border lines in it", tile, n[tiles.ReferenceLayer])
				}
			}
		}
	}
}

func TestPlanTilesRejects(t *testing.T) {
	a := seededAtlas(t)
	for _, opt := range []atlas.TileExportOptions{
		{MinZoom: 3, MaxZoom: 2},
		{MinZoom: 0, MaxZoom: 15},
		{MaxZoom: 4, AsOf: "2025-13-01"},
		{MaxZoom: 4, Source: "nobody"},
		{MaxZoom: 4, BBox: "36,50,35,51"},
	} {
		if _, err := a.PlanTiles(context.Background(), opt); !errors.Is(err, atlas.ErrBadRequest) {
			t.Errorf("PlanTiles(%+v) = %v, want ErrBadRequest", opt, err)
		}
	}
}

// TestPlanTilesMaxTiles: a plan larger than MaxTiles is refused with ErrTooManyTiles before anything is built; at
// or above its size, or with no limit, it is made.
func TestPlanTilesMaxTiles(t *testing.T) {
	a := seededAtlas(t)
	ctx := context.Background()
	full, err := a.PlanTiles(ctx, atlas.TileExportOptions{MaxZoom: 10})
	if err != nil {
		t.Fatal(err)
	}
	n := len(full.Tiles)
	if n < 10 {
		t.Fatalf("the seed's z0–z10 plan holds %d tiles: too few for the test", n)
	}
	for _, tt := range []struct {
		max     int
		refused bool
	}{{n - 1, true}, {n / 10, true}, {n, false}, {n + 1, false}, {0, false}} {
		p, err := a.PlanTiles(ctx, atlas.TileExportOptions{MaxZoom: 10, MaxTiles: tt.max})
		if tt.refused {
			if !errors.Is(err, atlas.ErrTooManyTiles) || !strings.Contains(err.Error(), "bbox") {
				t.Errorf("MaxTiles %d of %d: err = %v, want ErrTooManyTiles suggesting a bbox", tt.max, n, err)
			}
			continue
		}
		if err != nil || len(p.Tiles) != n {
			t.Errorf("MaxTiles %d of %d: %v, want the plan of %d tiles", tt.max, n, err, n)
		}
	}
}
