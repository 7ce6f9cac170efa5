package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/sqlite"
	"github.com/tiled-maps/tiled/web"
)

// BenchmarkCachedTile measures a cache hit through the whole handler stack (routing, middleware, ETag, gzip
// selection), without the network: the server-side cost of a warm tile.
func BenchmarkCachedTile(b *testing.B) {
	for _, gz := range []bool{false, true} {
		name := "identity"
		if gz {
			name = "gzip"
		}
		b.Run(name, func(b *testing.B) {
			e := newBenchEnv(b)
			h := e.handler
			req := httptest.NewRequest(http.MethodGet, sudzhaTile(10)+"?as_of=2025-03-30", nil)
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			h.ServeHTTP(httptest.NewRecorder(), req) // fill the cache
			serveLoop(b, h, req)
		})
	}
}

// BenchmarkColdTileHandler measures a tile built on every request (the tile cache off, as `serve --cache-mb 0`
// and the peers' comparison run it) through the whole handler stack with the JSON request log that serve writes:
// the server-side cost of a cold tile, without the network. The store is the seed, or the store file
// TILED_BENCH_DB names (opened as it is: the atlas may save its place index into it).
func BenchmarkColdTileHandler(b *testing.B) {
	for _, z := range []maptile.Zoom{6, 10, 12} {
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			var db *sqlite.DB
			if path := os.Getenv("TILED_BENCH_DB"); path != "" {
				var err error
				if db, err = sqlite.Open(context.Background(), path); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { db.Close() })
			} else {
				db = testdb.Open(b)
				if _, err := seed.Load(context.Background(), db); err != nil {
					b.Fatal(err)
				}
			}
			a := atlas.New(atlas.Config{CacheBytes: 0, Now: func() time.Time { return fixedNow }},
				atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
			h := web.New(web.Config{BasemapTiles: "none"}, a, slog.New(slog.NewJSONHandler(io.Discard, nil))).Handler()
			req := httptest.NewRequest(http.MethodGet, sudzhaTile(z)+"?as_of=2025-03-30", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			serveLoop(b, h, req)
		})
	}
}

// serveLoop serves req with h once per benchmark iteration, each must answer 200, and reports the median and 99th
// percentile of the handler's time.
func serveLoop(b *testing.B, h http.Handler, req *http.Request) {
	var lat []time.Duration
	for b.Loop() {
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1000, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1000, "p99-µs")
}
