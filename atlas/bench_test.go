package atlas_test

import (
	"context"
	"net/url"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/sqlite"
)

var benchNow = func() time.Time { return time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC) }

func newAtlas(db *sqlite.DB, cacheBytes int64) *atlas.Atlas {
	return atlas.New(atlas.Config{CacheBytes: cacheBytes, Now: benchNow},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
}

func seeded(b *testing.B) *sqlite.DB {
	db := testdb.Open(b)
	if _, err := seed.Load(context.Background(), db); err != nil {
		b.Fatal(err)
	}
	return db
}

// occupiedTiles returns the distinct tiles of zoom z that hold a place within 1.5° of lon/lat: tiles with
// something to draw, as a map viewer requests them.
func occupiedTiles(b *testing.B, db *sqlite.DB, lon, lat float64, z maptile.Zoom) []maptile.Tile {
	ps, err := db.Gazetteer().PlaceSummaries(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	seen := map[maptile.Tile]bool{}
	var out []maptile.Tile
	for _, p := range ps {
		if p.Point.Lon() < lon-1.5 || p.Point.Lon() > lon+1.5 || p.Point.Lat() < lat-1.5 || p.Point.Lat() > lat+1.5 {
			continue
		}
		if t := maptile.At(p.Point, z); !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// benchTiles builds tiles with the cache disabled (every request a cold build) and reports p50 and p99 of the wall
// time and, on Linux, of the CPU time of the thread that built each (cpu-p50-µs, cpu-p99-µs): the machines these
// run on are shared, and the wall time also counts the waits for a core.
func benchTiles(b *testing.B, a *atlas.Atlas, ts []maptile.Tile, q url.Values) {
	ctx := context.Background()
	if _, err := a.Tile(ctx, "0", "0", "0.mvt", q); err != nil { // load the indexes outside the timing
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var lat, cpu []time.Duration
	i := 0
	for b.Loop() {
		t := ts[i%len(ts)]
		i++
		c0, okc := threadCPU()
		start := time.Now()
		if _, err := a.Tile(ctx, strconv.Itoa(int(t.Z)), strconv.Itoa(int(t.X)), strconv.Itoa(int(t.Y))+".mvt", q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		if c1, ok := threadCPU(); ok && okc {
			cpu = append(cpu, c1-c0)
		}
	}
	report(b, lat)
	if len(cpu) > 0 {
		slices.Sort(cpu)
		b.ReportMetric(float64(cpu[len(cpu)/2].Microseconds()), "cpu-p50-µs")
		b.ReportMetric(float64(cpu[len(cpu)*99/100].Microseconds()), "cpu-p99-µs")
	}
}

func report(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

var zooms = []maptile.Zoom{6, 8, 9, 10, 12}

// BenchmarkColdTileSeed: the tiles holding seed places around Sudzha, cache off.
func BenchmarkColdTileSeed(b *testing.B) {
	db := seeded(b)
	a := newAtlas(db, 0)
	for _, z := range zooms {
		b.Run("z"+strconv.Itoa(int(z)), func(b *testing.B) {
			benchTiles(b, a, occupiedTiles(b, db, 35.27, 51.19, z), url.Values{"as_of": {"2025-03-30"}})
		})
	}
}

// BenchmarkColdTileLarge: the tiles holding places within 1.5° of Kursk over cities1000 plus the seed, with 3,000
// places carrying 3 synthetic claims each, cache off.
func BenchmarkColdTileLarge(b *testing.B) {
	db := testdb.Large(b, "..", 3000, 3)
	a := newAtlas(db, 0)
	for _, z := range zooms {
		b.Run("z"+strconv.Itoa(int(z)), func(b *testing.B) {
			benchTiles(b, a, occupiedTiles(b, db, 36.19, 51.73, z), url.Values{"as_of": {"2025-10-01"}})
		})
	}
}

// BenchmarkGeoJSONBBox: /api/settlements for a 1°×1° box around Kursk over the large store.
func BenchmarkGeoJSONBBox(b *testing.B) {
	a := newAtlas(testdb.Large(b, "..", 3000, 3), 0)
	ctx := context.Background()
	q := url.Values{"bbox": {"35.7,51.2,36.7,52.2"}, "as_of": {"2025-10-01"}}
	if _, err := a.Settlements(ctx, q); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		fc, err := a.Settlements(ctx, q)
		if err != nil || len(fc.Features) == 0 {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	report(b, lat)
}

// BenchmarkColdTileZooms: cold tiles (cache off) at z0 (the world) and at z6, z8, z10 and z12 around Kursk, over
// the 140k store (cities1000, the seed, 3,000 places with 3 synthetic claims each) and, when TILED_BENCH_1M names
// a store of the 1M places (make bench-data-places; tiled import --db FILE testdata/bench/places1m.txt), over that.
func BenchmarkColdTileZooms(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) *sqlite.DB
	}{
		{"140k", func(b *testing.B) *sqlite.DB { return testdb.Large(b, "..", 3000, 3) }},
		{"1M", func(b *testing.B) *sqlite.DB {
			path := os.Getenv("TILED_BENCH_1M")
			if path == "" {
				b.Skip("TILED_BENCH_1M names no store of the 1M places")
			}
			db, err := sqlite.Open(context.Background(), path)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		}},
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			db := s.open(b)
			a := newAtlas(db, 0)
			for _, z := range []maptile.Zoom{0, 6, 8, 10, 12} {
				b.Run("z"+strconv.Itoa(int(z)), func(b *testing.B) {
					ts := []maptile.Tile{maptile.New(0, 0, 0)}
					if z > 0 {
						ts = occupiedTiles(b, db, 36.19, 51.73, z)
					}
					benchTiles(b, a, ts, url.Values{"as_of": {"2025-10-01"}})
				})
			}
		})
	}
}
