package tiles_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/tiles"
)

// sliceSource is a Source over a slice, selecting by bound; it records the bounds it was asked for.
type sliceSource struct {
	feats  []tiles.Feature
	bounds []orb.Bound
	err    error
}

func (s *sliceSource) Features(ctx context.Context, b orb.Bound) ([]tiles.Feature, error) {
	s.bounds = append(s.bounds, b)
	if s.err != nil {
		return nil, s.err
	}
	var out []tiles.Feature
	for _, f := range s.feats {
		if b.Contains(f.Point) {
			out = append(out, f)
		}
	}
	return out, nil
}

// smallFeatures returns n deterministic settlements scattered within about 0.5° of 51N 35.3E, with the props
// the web layer sets.
func smallFeatures(n int) []tiles.Feature {
	rng := rand.New(rand.NewPCG(51, 35))
	statuses := []string{tiles.StatusRU, tiles.StatusUA, tiles.StatusContested, tiles.StatusDisputed, tiles.StatusUnknown}
	feats := make([]tiles.Feature, n)
	for i := range feats {
		pop := int64(rng.IntN(5000))
		if i%10 == 0 {
			pop *= 20
		}
		status := statuses[rng.IntN(len(statuses))]
		feats[i] = tiles.Feature{
			ID:       fmt.Sprint(700000 + i),
			Point:    orb.Point{35.3 + (rng.Float64()-0.5)*1.0, 51.0 + (rng.Float64()-0.5)*0.7},
			Priority: float64(pop),
			Props: map[string]any{
				tiles.FieldName:        fmt.Sprintf("Selo %d", i),
				tiles.FieldNameRU:      fmt.Sprintf("Село %d", i),
				tiles.FieldNameUK:      fmt.Sprintf("Село %d", i),
				tiles.FieldPopulation:  pop,
				tiles.FieldFeatureCode: "PPL",
				tiles.FieldApproximate: i%7 == 0,
				tiles.FieldPrecisionKM: float64(i%7) * 0.5,
				tiles.FieldStatus:      status,
				tiles.FieldDisputed:    status == tiles.StatusDisputed,
				tiles.FieldStale:       i%5 == 0,
				tiles.FieldSources:     int64(i % 4),
				tiles.FieldLatest:      fmt.Sprintf("2025-03-%02d", 1+i%28),
				tiles.FieldHolders:     "isw:" + status + ";ru-mod:ru",
				tiles.FieldView:        tiles.ViewConsensus,
			},
		}
	}
	return feats
}

// decode unmarshals an MVT and returns its only layer.
func decode(tb testing.TB, data []byte) *mvt.Layer {
	tb.Helper()
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		tb.Fatalf("mvt.Unmarshal: %v", err)
	}
	if len(layers) != 1 {
		tb.Fatalf("tile has %d layers, want 1", len(layers))
	}
	return layers[0]
}

// ids returns the "id" property of every feature of l, in order.
func ids(tb testing.TB, l *mvt.Layer) []string {
	tb.Helper()
	out := make([]string, len(l.Features))
	for i, f := range l.Features {
		id, ok := f.Properties[tiles.FieldID].(string)
		if !ok {
			tb.Fatalf("feature %d: id property is %T %v, want string", i, f.Properties[tiles.FieldID], f.Properties[tiles.FieldID])
		}
		out[i] = id
	}
	return out
}

// byID returns l's features keyed by their "id" property.
func byID(tb testing.TB, l *mvt.Layer) map[string]orb.Point {
	tb.Helper()
	out := make(map[string]orb.Point, len(l.Features))
	for i, id := range ids(tb, l) {
		p, ok := l.Features[i].Geometry.(orb.Point)
		if !ok {
			tb.Fatalf("feature %s: geometry %T, want orb.Point", id, l.Features[i].Geometry)
		}
		out[id] = p
	}
	return out
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// lonAt and latAt invert Web Mercator: the longitude and latitude of world tile coordinate fx, fy at zoom z.
// They use the textbook formulas, not orb's, so tests check Build against an independent projection.
func lonAt(fx float64, z maptile.Zoom) float64 { return fx/math.Exp2(float64(z))*360 - 180 }

func latAt(fy float64, z maptile.Zoom) float64 {
	n := math.Pi * (1 - 2*fy/math.Exp2(float64(z)))
	return math.Atan(math.Sinh(n)) * 180 / math.Pi
}

// pixelOf projects ll to pixel coordinates in tile t at the given extent with the textbook formulas.
func pixelOf(ll orb.Point, t maptile.Tile, extent float64) (x, y float64) {
	n := math.Exp2(float64(t.Z))
	fx := (ll[0] + 180) / 360 * n
	lat := ll[1] * math.Pi / 180
	fy := (1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2 * n
	return (fx - float64(t.X)) * extent, (fy - float64(t.Y)) * extent
}
