package tiles_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/tiles"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// belt is the tile at z9 holding 51N 35.3E, in the Kursk–Sumy border belt.
var belt = maptile.At(orb.Point{35.3, 51.0}, 9)

func TestBuildPixel(t *testing.T) {
	tests := []struct {
		name   string
		ll     orb.Point
		tile   maptile.Tile
		extent uint32
		want   orb.Point // exact where known by hand; else from pixelOf, ±1
		exact  bool
	}{
		{"null island corner z1", orb.Point{0, 0}, maptile.New(1, 1, 1), 4096, orb.Point{0, 0}, true},
		{"lon 90 on the equator z2", orb.Point{90, 0}, maptile.New(3, 2, 2), 4096, orb.Point{0, 0}, true},
		{"quarter way lon z0", orb.Point{-90, 0}, maptile.New(0, 0, 0), 4096, orb.Point{1024, 2048}, true},
		{"belt z9", orb.Point{35.3, 51.0}, belt, 4096, orb.Point{}, false},
		{"belt z12", orb.Point{35.3, 51.0}, maptile.At(orb.Point{35.3, 51.0}, 12), 4096, orb.Point{}, false},
		{"kursk z14 extent 512", orb.Point{36.19, 51.73}, maptile.At(orb.Point{36.19, 51.73}, 14), 512, orb.Point{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &sliceSource{feats: []tiles.Feature{{ID: "p", Point: tt.ll}}}
			data, err := tiles.Build(context.Background(), src, tt.tile, tiles.Options{Extent: tt.extent})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got, ok := byID(t, decode(t, data))["p"]
			if !ok {
				t.Fatalf("Build(%v) has no feature p", tt.ll)
			}
			if tt.exact {
				if got != tt.want {
					t.Errorf("Build(%v) in %v at %v, want %v", tt.ll, tt.tile, got, tt.want)
				}
				return
			}
			x, y := pixelOf(tt.ll, tt.tile, float64(tt.extent))
			if math.Abs(got[0]-math.Floor(x)) > 1 || math.Abs(got[1]-math.Floor(y)) > 1 {
				t.Errorf("Build(%v) in %v at %v, want (%.2f, %.2f) ±1", tt.ll, tt.tile, got, x, y)
			}
		})
	}
}

func TestBuildBuffer(t *testing.T) {
	z := belt.Z
	x0, y0 := float64(belt.X), float64(belt.Y)
	midLat := latAt(y0+0.5, z)
	midLon := lonAt(x0+0.5, z)
	px := func(p float64) float64 { return p / 4096 } // pixels at extent 4096 as a tile fraction
	feats := []tiles.Feature{
		{ID: "inside", Point: orb.Point{midLon, midLat}},
		{ID: "east-in-buffer", Point: orb.Point{lonAt(x0+1+px(32), z), midLat}},
		{ID: "north-in-buffer", Point: orb.Point{midLon, latAt(y0-px(40), z)}},
		{ID: "west-beyond-buffer", Point: orb.Point{lonAt(x0-px(100), z), midLat}},
		{ID: "south-beyond-buffer", Point: orb.Point{midLon, latAt(y0+1+px(80), z)}},
		{ID: "far", Point: orb.Point{37.6, 55.75}},
	}
	tests := []struct {
		name   string
		buffer int
		want   []string
	}{
		{"default 64", 0, []string{"east-in-buffer", "inside", "north-in-buffer"}},
		{"128", 128, []string{"east-in-buffer", "inside", "north-in-buffer", "south-beyond-buffer", "west-beyond-buffer"}},
		{"none", -1, []string{"inside"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &sliceSource{feats: feats}
			data, err := tiles.Build(context.Background(), src, belt, tiles.Options{Buffer: tt.buffer})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got := byID(t, decode(t, data))
			if keys := sortedKeys(got); !slices.Equal(keys, tt.want) {
				t.Errorf("Build(buffer %d) = %v, want %v", tt.buffer, keys, tt.want)
			}
			if p, ok := got["east-in-buffer"]; ok && (p[0] < 4096 || p[0] > 4096+64) {
				t.Errorf("east-in-buffer at x = %v, want in 4096..4160", p[0])
			}
			if p, ok := got["north-in-buffer"]; ok && (p[1] >= 0 || p[1] < -64) {
				t.Errorf("north-in-buffer at y = %v, want in -64..-1", p[1])
			}
			if len(src.bounds) != 1 {
				t.Fatalf("Source asked %d times, want 1", len(src.bounds))
			}
			buf := max(float64(tt.buffer), 0) / 4096
			if tt.buffer == 0 {
				buf = 64.0 / 4096
			}
			if want := belt.Bound(buf); src.bounds[0] != want {
				t.Errorf("Source asked for %v, want the buffered bound %v", src.bounds[0], want)
			}
		})
	}
}

// TestBuildDropsOutsideBound checks that features a Source returns beyond the bound are not drawn.
func TestBuildDropsOutsideBound(t *testing.T) {
	all := tiles.SourceFunc(func(context.Context, orb.Bound) ([]tiles.Feature, error) {
		return []tiles.Feature{
			{ID: "in", Point: belt.Center()},
			{ID: "moscow", Point: orb.Point{37.6, 55.75}},
			{ID: "nan", Point: orb.Point{math.NaN(), 51}},
		}, nil
	})
	data, err := tiles.Build(context.Background(), all, belt, tiles.Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if got := ids(t, decode(t, data)); !slices.Equal(got, []string{"in"}) {
		t.Errorf("Build = %v, want [in]", got)
	}
}

func TestBuildMaxFeatures(t *testing.T) {
	c := belt.Center()
	var feats []tiles.Feature
	for i, pr := range []float64{5, 100, 3, 100, math.NaN(), 50, 7, 1e6, -1, 50} {
		feats = append(feats, tiles.Feature{ID: fmt.Sprintf("f%d", i), Point: orb.Point{c[0] + float64(i)*1e-3, c[1]}, Priority: pr})
	}
	many := make([]tiles.Feature, 600)
	for i := range many {
		many[i] = tiles.Feature{ID: fmt.Sprintf("m%03d", i), Point: orb.Point{35.3 + float64(i)*1e-4, 51}, Priority: float64(i)}
	}
	tests := []struct {
		name  string
		feats []tiles.Feature
		tile  maptile.Tile
		max   func(maptile.Zoom) int
		want  []string // ids in order, or nil to check only the count
		count int
	}{
		{"cap 4 by priority then id", feats, belt, func(maptile.Zoom) int { return 4 }, []string{"f7", "f1", "f3", "f5"}, 4},
		{"no cap keeps all, NaN last", feats, belt, func(maptile.Zoom) int { return 0 },
			[]string{"f7", "f1", "f3", "f5", "f9", "f6", "f0", "f2", "f8", "f4"}, 10},
		{"default z5 is 200", many, maptile.At(orb.Point{35.3, 51}, 5), nil, nil, 200},
		{"default z8 is 500", many, maptile.At(orb.Point{35.3, 51}, 8), nil, nil, 500},
		{"default z9 keeps 600", many, maptile.At(orb.Point{35.3, 51}, 9), nil, nil, 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tiles.Build(context.Background(), &sliceSource{feats: tt.feats}, tt.tile, tiles.Options{MaxFeatures: tt.max})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got := ids(t, decode(t, data))
			if len(got) != tt.count {
				t.Fatalf("Build has %d features, want %d", len(got), tt.count)
			}
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("Build = %v, want %v", got, tt.want)
			}
			if tt.want == nil { // many: priority i, so the survivors are the highest ids, in descending order
				if !slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(b, a) }) || got[0] != "m599" {
					t.Errorf("Build kept %v…, want the highest priorities first from m599", got[:3])
				}
			}
		})
	}
}

func TestBuildProperties(t *testing.T) {
	props := map[string]any{
		tiles.FieldName:        "Tetkino",
		tiles.FieldNameRU:      "Тёткино",
		tiles.FieldPopulation:  int64(4100),
		tiles.FieldPrecisionKM: 0.5,
		tiles.FieldApproximate: true,
		tiles.FieldStale:       false,
		tiles.FieldSources:     3, // int, converted
		tiles.FieldLatest:      "",
		tiles.FieldFeatureCode: nil, // skipped
		tiles.FieldID:          "ignored: ID wins",
		"float32":              float32(1.5),
		"negative":             int64(-7),
		"uint8":                uint8(200),
	}
	src := &sliceSource{feats: []tiles.Feature{{ID: "502213", Point: belt.Center(), Props: props}}}
	data, err := tiles.Build(context.Background(), src, belt, tiles.Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	l := decode(t, data)
	if l.Name != tiles.DefaultLayer || l.Extent != tiles.DefaultExtent || l.Version != 2 {
		t.Errorf("layer %q extent %d version %d, want %q %d 2", l.Name, l.Extent, l.Version, tiles.DefaultLayer, tiles.DefaultExtent)
	}
	if len(l.Features) != 1 {
		t.Fatalf("%d features, want 1", len(l.Features))
	}
	// MVT integers decode as float64 in orb.
	want := geojson.Properties{
		tiles.FieldID:          "502213",
		tiles.FieldName:        "Tetkino",
		tiles.FieldNameRU:      "Тёткино",
		tiles.FieldPopulation:  4100.0,
		tiles.FieldPrecisionKM: 0.5,
		tiles.FieldApproximate: true,
		tiles.FieldStale:       false,
		tiles.FieldSources:     3.0,
		tiles.FieldLatest:      "",
		"float32":              1.5,
		"negative":             -7.0,
		"uint8":                200.0,
		tiles.FieldRank:        0.0,  // set by Build
		tiles.FieldLabel:       true, // the only feature: among the most populous
	}
	if got := l.Features[0].Properties; !reflect.DeepEqual(got, want) {
		t.Errorf("properties = %v, want %v", got, want)
	}
	// The feature carries an MVT id too (clients key feature state and GDAL its FID on it): the GeoNames number.
	if id, ok := l.Features[0].ID.(float64); !ok || id != 502213 {
		t.Errorf("MVT feature id = %v (%T), want 502213", l.Features[0].ID, l.Features[0].ID)
	}

	for _, bad := range []any{[]string{"a"}, map[string]any{}, struct{}{}, uint64(math.MaxUint64)} {
		t.Run(fmt.Sprintf("%T", bad), func(t *testing.T) {
			src := &sliceSource{feats: []tiles.Feature{{ID: "x", Point: belt.Center(), Props: map[string]any{"k": bad}}}}
			_, err := tiles.Build(context.Background(), src, belt, tiles.Options{})
			var pe *tiles.PropertyError
			if !errors.Is(err, tiles.ErrBadProperty) || !errors.As(err, &pe) || pe.Feature != "x" || pe.Key != "k" {
				t.Errorf("Build(prop %T) error = %v, want a *PropertyError for x.k wrapping ErrBadProperty", bad, err)
			}
		})
	}
}

func TestBuildOptions(t *testing.T) {
	src := &sliceSource{feats: []tiles.Feature{{ID: "c", Point: belt.Center()}}}
	data, err := tiles.Build(context.Background(), src, belt, tiles.Options{Layer: "places", Extent: 512})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	l := decode(t, data)
	if l.Name != "places" || l.Extent != 512 {
		t.Errorf("layer %q extent %d, want places 512", l.Name, l.Extent)
	}
	if p := byID(t, l)["c"]; math.Abs(p[0]-256) > 1 || math.Abs(p[1]-256) > 1 {
		t.Errorf("centre at %v, want about (256, 256)", p)
	}
}

// TestBuildDoesNotMutate proves Build works on copies: the source's points and props are as they were, however
// many tiles are built from them.
func TestBuildDoesNotMutate(t *testing.T) {
	feats := smallFeatures(60)
	before := make([]tiles.Feature, len(feats))
	for i, f := range feats {
		before[i] = f
		before[i].Props = make(map[string]any, len(f.Props))
		for k, v := range f.Props {
			before[i].Props[k] = v
		}
	}
	src := tiles.SourceFunc(func(context.Context, orb.Bound) ([]tiles.Feature, error) { return feats, nil })
	var first []byte
	for z := maptile.Zoom(6); z <= 12; z++ {
		data, err := tiles.Build(context.Background(), src, maptile.At(orb.Point{35.3, 51}, z), tiles.Options{MaxFeatures: func(maptile.Zoom) int { return 10 }})
		if err != nil {
			t.Fatalf("Build z%d: %v", z, err)
		}
		if z == 6 {
			first = data
		}
	}
	if !reflect.DeepEqual(feats, before) {
		t.Errorf("Build modified the source's features")
	}
	again, err := tiles.Build(context.Background(), src, maptile.At(orb.Point{35.3, 51}, 6), tiles.Options{MaxFeatures: func(maptile.Zoom) int { return 10 }})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if !bytes.Equal(first, again) {
		t.Errorf("Build of the same tile gave different bytes: ETags would not be stable")
	}
}

func TestBuildEmpty(t *testing.T) {
	for _, tile := range []maptile.Tile{belt, maptile.New(0, 0, 0), maptile.New(16383, 16383, 14)} {
		t.Run(fmt.Sprint(tile), func(t *testing.T) {
			data, err := tiles.Build(context.Background(), &sliceSource{}, tile, tiles.Options{})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			l := decode(t, data)
			if l.Name != tiles.DefaultLayer || len(l.Features) != 0 {
				t.Errorf("empty tile: layer %q with %d features, want %q with none", l.Name, len(l.Features), tiles.DefaultLayer)
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	errSource := errors.New("store down")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		src  tiles.Source
		tile maptile.Tile
		opt  tiles.Options
		want error
	}{
		{"above max zoom", context.Background(), &sliceSource{}, maptile.New(0, 0, 15), tiles.Options{}, tiles.ErrBadTile},
		{"above custom max zoom", context.Background(), &sliceSource{}, maptile.New(0, 0, 11), tiles.Options{MaxZoom: 10}, tiles.ErrBadTile},
		{"x outside the world", context.Background(), &sliceSource{}, maptile.New(512, 0, 9), tiles.Options{}, tiles.ErrBadTile},
		{"source error", context.Background(), &sliceSource{err: errSource}, belt, tiles.Options{}, errSource},
		{"canceled", canceled, &sliceSource{}, belt, tiles.Options{}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tiles.Build(tt.ctx, tt.src, tt.tile, tt.opt)
			if !errors.Is(err, tt.want) {
				t.Errorf("Build(%v) error = %v, want %v", tt.tile, err, tt.want)
			}
		})
	}
}

// TestBuildGolden compares the decoded tile, in tile coordinates, with testdata/build_belt_z9.golden.
func TestBuildGolden(t *testing.T) {
	src := &sliceSource{feats: smallFeatures(60)}
	data, err := tiles.Build(context.Background(), src, belt, tiles.Options{MaxFeatures: func(maptile.Zoom) int { return 15 }})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("mvt.Unmarshal: %v", err)
	}
	fc := layers.ToFeatureCollections()
	raw, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := json.Indent(&got, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	got.WriteByte('\n')
	golden := filepath.Join("testdata", "build_belt_z9.golden")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("decoded tile %v differs from %s (go test -update to accept):\n%s", belt, golden, got.String())
	}
}

// TestBuildVaryingKeys: features of one tile with different sets of attributes (keys that only some have, keys
// that appear first on a later feature, Props naming the fields Build sets) decode to exactly their own attributes
// plus the ones Build sets.
func TestBuildVaryingKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	keys := []string{"zeta", "name", "alpha", tiles.FieldID, tiles.FieldRank, tiles.FieldLabel, "mid", "status", "b"}
	var feats []tiles.Feature
	want := map[string]geojson.Properties{}
	for i := range 40 {
		id := fmt.Sprint(1000 + i)
		props := map[string]any{}
		exp := geojson.Properties{tiles.FieldID: id}
		for _, k := range keys[:1+rng.IntN(len(keys))] {
			if rng.IntN(3) == 0 {
				continue
			}
			v := int64(rng.IntN(5))
			props[k] = v
			if k != tiles.FieldID && k != tiles.FieldRank && k != tiles.FieldLabel {
				exp[k] = float64(v)
			}
		}
		exp[tiles.FieldRank] = float64(i) // priorities fall with i: rank i
		exp[tiles.FieldLabel] = true
		want[id] = exp
		feats = append(feats, tiles.Feature{ID: id, Point: belt.Center(), Priority: float64(1000 - i), Props: props})
	}
	data, err := tiles.Build(context.Background(), &sliceSource{feats: feats}, belt,
		tiles.Options{Labels: func(maptile.Zoom) int { return -1 }, Declutter: -1})
	if err != nil {
		t.Fatal(err)
	}
	l := decode(t, data)
	if len(l.Features) != len(feats) {
		t.Fatalf("%d features, want %d", len(l.Features), len(feats))
	}
	for _, f := range l.Features {
		id, _ := f.Properties[tiles.FieldID].(string)
		if !reflect.DeepEqual(f.Properties, want[id]) {
			t.Errorf("feature %s: properties %v, want %v", id, f.Properties, want[id])
		}
	}
}
