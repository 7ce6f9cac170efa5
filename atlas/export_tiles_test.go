package atlas_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strconv"
	"testing"

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

func featureCount(tb testing.TB, raw []byte) int {
	tb.Helper()
	ls, err := mvt.Unmarshal(raw)
	if err != nil {
		tb.Fatalf("mvt.Unmarshal: %v", err)
	}
	n := 0
	for _, l := range ls {
		if l.Name != tiles.ReferenceLayer { // the state borders are in every tile; count the settlements
			n += len(l.Features)
		}
	}
	return n
}

// TestExportTilesEqualServed: every exported tile is byte for byte what Tile serves for plan.Query, holds at least
// one feature, and the tiles around them that the plan leaves out are empty.
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
