package tiles_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/tiles"
)

// citiesFile is the GeoNames cities1000 dump that `make bench-data` fetches.
const citiesFile = "../testdata/bench/cities1000.txt"

// gridCell is the side, in degrees, of gridSource's cells.
const gridCell = 0.25

// gridSource is an in-memory Source indexed by a grid of gridCell-degree cells, so Features costs a few map
// lookups plus the points returned, as an R*Tree query would.
type gridSource struct {
	cells map[[2]int32][]tiles.Feature
}

func cellOf(v float64) int32 { return int32(math.Floor(v / gridCell)) }

func newGridSource(feats []tiles.Feature) *gridSource {
	g := &gridSource{cells: make(map[[2]int32][]tiles.Feature)}
	for _, f := range feats {
		c := [2]int32{cellOf(f.Point[0]), cellOf(f.Point[1])}
		g.cells[c] = append(g.cells[c], f)
	}
	return g
}

func (g *gridSource) Features(_ context.Context, b orb.Bound) ([]tiles.Feature, error) {
	var out []tiles.Feature
	for x := cellOf(b.Min[0]); x <= cellOf(b.Max[0]); x++ {
		for y := cellOf(b.Min[1]); y <= cellOf(b.Max[1]); y++ {
			for _, f := range g.cells[[2]int32{x, y}] {
				if b.Contains(f.Point) {
					out = append(out, f)
				}
			}
		}
	}
	return out, nil
}

// loadCities reads GeoNames cities1000 (tab-separated: 0 id, 1 name, 4 lat, 5 lon, 7 feature code,
// 14 population) into features with the props the web layer sets; it skips the benchmark when the file is absent.
func loadCities(b *testing.B) []tiles.Feature {
	b.Helper()
	f, err := os.Open(citiesFile)
	if errors.Is(err, fs.ErrNotExist) {
		b.Skipf("%s absent: run make bench-data", citiesFile)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	statuses := []string{tiles.StatusRU, tiles.StatusUA, tiles.StatusContested, tiles.StatusDisputed, tiles.StatusUnknown}
	var feats []tiles.Feature
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 15 {
			b.Fatalf("%s:%d: %d columns, want 19", citiesFile, line, len(col))
		}
		lat, err1 := strconv.ParseFloat(col[4], 64)
		lon, err2 := strconv.ParseFloat(col[5], 64)
		pop, _ := strconv.ParseInt(col[14], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			b.Fatalf("%s:%d: %v", citiesFile, line, err)
		}
		id, _ := strconv.Atoi(col[0])
		status := statuses[id%len(statuses)]
		feats = append(feats, tiles.Feature{
			ID:       col[0],
			Point:    orb.Point{lon, lat},
			Priority: float64(pop),
			Props: map[string]any{
				tiles.FieldName:        col[1],
				tiles.FieldPopulation:  pop,
				tiles.FieldFeatureCode: col[7],
				tiles.FieldApproximate: false,
				tiles.FieldPrecisionKM: 0.0,
				tiles.FieldStatus:      status,
				tiles.FieldDisputed:    status == tiles.StatusDisputed,
				tiles.FieldStale:       id%7 == 0,
				tiles.FieldSources:     int64(id % 4),
				tiles.FieldLatest:      "2025-03-01",
				tiles.FieldHolders:     "isw:" + status + ";ru-mod:ru",
				tiles.FieldView:        tiles.ViewConsensus,
			},
		})
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return feats
}

// benchBuild builds tile t in a loop and reports, besides ns/op, the median and 99th percentile of one build and
// the features drawn.
func benchBuild(b *testing.B, src tiles.Source, t maptile.Tile) {
	ctx := context.Background()
	data, err := tiles.Build(ctx, src, t, tiles.Options{})
	if err != nil {
		b.Fatal(err)
	}
	n := len(decode(b, data).Features)
	var times []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if _, err := tiles.Build(ctx, src, t, tiles.Options{}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	pct := func(p float64) float64 { return float64(times[int(p*float64(len(times)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
	b.ReportMetric(float64(n), "features")
	b.ReportMetric(float64(len(data)), "bytes")
}

// densestTile returns the tile at zoom z, among those holding a feature within the z-6 tile around ll, that
// holds the most features (the lowest x, then y, on a tie).
func densestTile(feats []tiles.Feature, ll orb.Point, z maptile.Zoom) maptile.Tile {
	area := maptile.At(ll, 6).Bound()
	count := map[maptile.Tile]int{}
	for _, f := range feats {
		if area.Contains(f.Point) {
			count[maptile.At(f.Point, z)]++
		}
	}
	best := maptile.At(ll, z)
	for t, n := range count {
		if bn := count[best]; n > bn || n == bn && (t.X < best.X || t.X == best.X && t.Y < best.Y) {
			best = t
		}
	}
	return best
}

func BenchmarkBuild(b *testing.B) {
	zooms := []maptile.Zoom{6, 9, 12}
	small := &sliceSource{feats: smallFeatures(60)}
	for _, z := range zooms {
		b.Run(fmt.Sprintf("small/z%d", z), func(b *testing.B) {
			benchBuild(b, small, densestTile(small.feats, orb.Point{35.3, 51.0}, z))
		})
	}
	b.Run("cities1000", func(b *testing.B) {
		cities := loadCities(b)
		grid := newGridSource(cities)
		for _, place := range []struct {
			name string
			ll   orb.Point
		}{{"moscow", orb.Point{37.6, 55.75}}, {"kursk", orb.Point{36.19, 51.73}}} {
			for _, z := range zooms {
				b.Run(fmt.Sprintf("%s/z%d", place.name, z), func(b *testing.B) {
					benchBuild(b, grid, densestTile(cities, place.ll, z))
				})
			}
		}
	})
}

// cacheWithTiles returns a cache holding n entries of a real tile, and their keys.
func cacheWithTiles(b *testing.B, n int) (*tiles.Cache, []tiles.Key) {
	data, err := tiles.Build(context.Background(), &sliceSource{feats: smallFeatures(60)}, belt, tiles.Options{})
	if err != nil {
		b.Fatal(err)
	}
	e := tiles.NewEntry(data)
	c := tiles.NewCache(1 << 30)
	keys := make([]tiles.Key, n)
	for i := range keys {
		keys[i] = tiles.Key{Tile: maptile.New(uint32(i%512), uint32(i/512), 9), AsOf: "2025-03-01", Version: 1}
		c.Put(keys[i], e)
	}
	return c, keys
}

func BenchmarkCacheGet(b *testing.B) {
	c, keys := cacheWithTiles(b, 4096)
	i := 0
	for b.Loop() {
		if _, ok := c.Get(keys[i%len(keys)]); !ok {
			b.Fatal("miss")
		}
		i += 7
	}
}

func BenchmarkCacheGetParallel(b *testing.B) {
	c, keys := cacheWithTiles(b, 4096)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, ok := c.Get(keys[i%len(keys)]); !ok {
				b.Fatal("miss")
			}
			i += 7
		}
	})
}

// BenchmarkCacheInvalidatePoint measures the lookups of an invalidation in a cache of 15 zooms × 2000 tiles that
// holds none of the point's tiles, so every iteration does the same work.
func BenchmarkCacheInvalidatePoint(b *testing.B) {
	c := tiles.NewCache(1 << 30)
	e := tiles.NewEntry([]byte("tile"))
	for z := maptile.Zoom(0); z <= 14; z++ {
		n := uint32(1) << z
		for i := range min(n*n, 2000) {
			c.Put(tiles.Key{Tile: maptile.New(i%n, i/n, z), AsOf: "2025-03-01"}, e)
		}
	}
	p := orb.Point{35.3, 51.0}
	for b.Loop() {
		c.InvalidatePoint(p, 1.0/64)
	}
}

// BenchmarkNewEntry measures what a Put costs beyond the build: gzip and SHA-256 of a z9 tile.
func BenchmarkNewEntry(b *testing.B) {
	data, err := tiles.Build(context.Background(), &sliceSource{feats: smallFeatures(60)}, belt, tiles.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("func", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			tiles.NewEntry(data)
		}
	})
	b.Run("cache", func(b *testing.B) {
		c := tiles.NewCache(1 << 20)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			c.NewEntry(data)
		}
	})
}
