package atlas_test

import (
	"context"
	"net/url"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/sqlite"
	"github.com/tiled-maps/tiled/tiles"
)

// beltStore is the seed data plus the GeoNames cities1000 rows (CC BY 4.0; alternate names dropped) inside tile
// 6/38/21, which holds Kursk, Belgorod, Sumy, Kharkiv and Voronezh: what the 140k store has there.
func beltStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := testdb.Open(tb)
	ctx := context.Background()
	if _, err := seed.Load(ctx, db); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open("testdata/cities1000-z6-38-21.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := (gazetteer.Importer{Store: db.Gazetteer()}).GeoNames(ctx, gazetteer.GeoNamesInput{Main: f, MainName: "cities1000"}); err != nil {
		tb.Fatal(err)
	}
	return db
}

// tileFeatures builds tile z/x/y as of asOf and decodes it.
func tileFeatures(tb testing.TB, db *sqlite.DB, t maptile.Tile, asOf string) []*mvt.Layer {
	tb.Helper()
	a := newAtlas(db, 0)
	res, err := a.Tile(context.Background(), strconv.Itoa(int(t.Z)), strconv.Itoa(int(t.X)), strconv.Itoa(int(t.Y))+".mvt",
		url.Values{"as_of": {asOf}})
	if err != nil {
		tb.Fatal(err)
	}
	layers, err := mvt.Unmarshal(res.Entry.Raw)
	if err != nil {
		tb.Fatal(err)
	}
	return layers
}

// TestTownLabelsAtLowZoom: at z6 the tile over the border belt names its towns by population — Kursk, Belgorod and
// Sumy among them — besides every place with claims, and names no small place without claims.
func TestTownLabelsAtLowZoom(t *testing.T) {
	db := beltStore(t)
	layers := tileFeatures(t, db, maptile.New(38, 21, 6), "2025-03-30")
	labelled := map[string]bool{}
	for _, f := range layers[0].Features {
		name, _ := f.Properties[tiles.FieldName].(string)
		label, _ := f.Properties[tiles.FieldLabel].(bool)
		sources, _ := f.Properties[tiles.FieldSources].(float64)
		pop, _ := f.Properties[tiles.FieldPopulation].(float64)
		labelled[name] = label
		if sources > 0 && !label {
			t.Errorf("%s has claims but no label at z6", name)
		}
		if sources == 0 && label && pop < 20000 {
			t.Errorf("%s (population %v, no claims) is labelled at z6", name, pop)
		}
	}
	for _, town := range []string{"Kursk", "Belgorod", "Sumy", "Kharkiv", "Voronezh"} {
		if !labelled[town] {
			t.Errorf("%s is not labelled at z6 (in tile: %v)", town, func() bool { _, ok := labelled[town]; return ok }())
		}
	}
}

// TestClaimedNeverHidden: at every zoom from 6 to 13 around Sudzha and Demidovka, every place with a view on the
// date ranks before every place without, and no place without claims is drawn within tiles.DefaultDeclutter of it
// (tiles.TestBuildEmphasis checks that none is dropped).
func TestClaimedNeverHidden(t *testing.T) {
	db := beltStore(t)
	for z := maptile.Zoom(6); z <= 13; z++ {
		for _, at := range []orb.Point{{35.27, 51.19}, {35.42, 50.9}} { // Sudzha; Demidovka and Popovka
			tl := maptile.At(at, z)
			layers := tileFeatures(t, db, tl, "2025-03-30")
			var claimed []orb.Point
			lastClaimed, firstPlain := -1.0, 1e9
			for _, f := range layers[0].Features {
				rank, _ := f.Properties[tiles.FieldRank].(float64)
				if s, _ := f.Properties[tiles.FieldSources].(float64); s > 0 {
					claimed = append(claimed, f.Geometry.(orb.Point))
					lastClaimed = max(lastClaimed, rank)
				} else {
					firstPlain = min(firstPlain, rank)
				}
			}
			if len(claimed) == 0 {
				t.Fatalf("%v: no place with claims in the tile", tl)
			}
			if lastClaimed >= firstPlain {
				t.Errorf("%v: a place without claims ranks %v, before one with claims at %v", tl, firstPlain, lastClaimed)
			}
			for _, f := range layers[0].Features {
				if s, _ := f.Properties[tiles.FieldSources].(float64); s > 0 {
					continue
				}
				p := f.Geometry.(orb.Point)
				for _, q := range claimed {
					if d2 := (p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]); d2 <= tiles.DefaultDeclutter*tiles.DefaultDeclutter {
						t.Errorf("%v: %v (no claims) is drawn on top of a place with claims", tl, f.Properties[tiles.FieldName])
					}
				}
			}
		}
	}
}
