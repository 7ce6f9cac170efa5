package tiles_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/tiles"
)

// TestReferenceLayer: tiled's own state borders are in every tile that crosses them, at every zoom, clipped to
// the tile, with the countries on either side; a tile far from any border holds an empty layer.
func TestReferenceLayer(t *testing.T) {
	ref, err := tiles.ParseReference(data.Boundaries())
	if err != nil || ref.Len() == 0 {
		t.Fatalf("ParseReference(data.Boundaries()) = %d lines, %v", ref.Len(), err)
	}
	empty := tiles.SourceFunc(func(context.Context, orb.Bound) ([]tiles.Feature, error) { return nil, nil })
	border := orb.Point{35.3434, 50.91} // on the Russia–Ukraine border by Grafovka
	for _, z := range []maptile.Zoom{2, 6, 9, 12, 14} {
		tl := maptile.At(border, z)
		raw, err := tiles.Build(context.Background(), empty, tl, tiles.Options{Reference: ref})
		if err != nil {
			t.Fatal(err)
		}
		ls, err := mvt.Unmarshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 2 || ls[1].Name != tiles.ReferenceLayer {
			t.Fatalf("z%d: layers %d, want settlements and %s", z, len(ls), tiles.ReferenceLayer)
		}
		found := false
		for _, f := range ls[1].Features {
			if f.Properties[tiles.FieldCountries] == "Russia|Ukraine" && f.Properties[tiles.FieldLeft] != "" {
				found = true
			}
			if _, ok := f.Geometry.(orb.LineString); !ok {
				if _, ok := f.Geometry.(orb.MultiLineString); !ok {
					t.Errorf("z%d: a %T in the reference layer, want lines", z, f.Geometry)
				}
			}
		}
		if !found {
			t.Errorf("z%d tile %v: no Russia|Ukraine border line among %d features", z, tl, len(ls[1].Features))
		}
	}
	far := maptile.At(orb.Point{-100, 40}, 8) // Kansas: outside the layer's region
	raw, err := tiles.Build(context.Background(), empty, far, tiles.Options{Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := mvt.Unmarshal(raw)
	if len(ls) != 2 || len(ls[1].Features) != 0 {
		t.Errorf("a tile in Kansas holds %v reference features, want an empty layer", ls)
	}
	if _, err := tiles.ParseReference([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}]}`)); err == nil {
		t.Error("ParseReference accepted a Point")
	}
}
