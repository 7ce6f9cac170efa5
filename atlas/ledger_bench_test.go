package atlas_test

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/sqlite"
)

// The ledger benchmarks of issue 15 run on a store named by TILED_BENCH_DB (made by `make bench-ledger`: the
// GeoNames cities1000 places and synthetic claims); they skip without it. They use only calls that the atlas had
// before issue 15 too, so the same file measures the code before and after (BENCHMARKS.md).

// benchStore opens a copy of the store named by TILED_BENCH_DB (writes go to the copy).
func benchStore(b *testing.B) *sqlite.DB {
	b.Helper()
	src := os.Getenv("TILED_BENCH_DB")
	if src == "" {
		b.Skip("TILED_BENCH_DB names no store (make bench-ledger)")
	}
	dst := filepath.Join(b.TempDir(), "bench.db")
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), dst)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func claimCount(b *testing.B, db *sqlite.DB) int {
	b.Helper()
	var n int
	if err := db.ReadPool().QueryRow("SELECT count(*) FROM claims").Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// rssBytes returns the process's resident set size.
func rssBytes(b *testing.B) int64 {
	b.Helper()
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Skip("no /proc/self/statm")
	}
	f := strings.Fields(string(raw))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// BenchmarkLedgerLoad loads the whole ledger into its in-memory index and reports the time, and the heap and RSS
// the index holds per claim.
func BenchmarkLedgerLoad(b *testing.B) {
	db := benchStore(b)
	ctx := context.Background()
	n := claimCount(b, db)
	var heap, rss int64
	for b.Loop() {
		runtime.GC()
		debug.FreeOSMemory()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		r0 := rssBytes(b)
		ix, err := ledger.Load(ctx, db.Ledger(), ledger.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		debug.FreeOSMemory()
		runtime.ReadMemStats(&m1)
		heap, rss = int64(m1.HeapInuse)-int64(m0.HeapInuse), rssBytes(b)-r0
		runtime.KeepAlive(ix)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/float64(n), "heap-B/claim")
	b.ReportMetric(float64(rss)/float64(n), "rss-B/claim")
}

// BenchmarkCachedTileDuringWrites: one reader requests a cached tile every millisecond while claims are written through
// the atlas one after another (a burst of TILED_BENCH_WRITES, default 50, per iteration); it reports the reader's latency percentiles during
// the bursts (from when each request was due, so a stalled reader counts every request it could not make), the
// writes' own latency, and the atlas's start-up (the first Ready).
func BenchmarkCachedTileDuringWrites(b *testing.B) {
	db := benchStore(b)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC) }
	start := time.Now()
	a := atlas.New(atlas.Config{CacheBytes: 64 << 20, Now: now},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	if err := a.Ready(ctx); err != nil {
		b.Fatal(err)
	}
	startup := time.Since(start)
	var settlements []string
	rows, err := db.ReadPool().Query("SELECT DISTINCT settlement_id FROM claims LIMIT 500")
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			b.Fatal(err)
		}
		settlements = append(settlements, s)
	}
	rows.Close()
	// The reader's tile: Sudzha's at z10, away from most written settlements.
	t := maptile.At([2]float64{35.27, 51.19}, 10)
	z, x, y := fmt.Sprint(t.Z), fmt.Sprint(t.X), fmt.Sprint(t.Y)+".mvt"
	q := url.Values{"as_of": {"2025-06-01"}}
	for range 2 {
		if _, err := a.Tile(ctx, z, x, y, q); err != nil {
			b.Fatal(err)
		}
	}
	burstSize := 50
	if v, err := strconv.Atoi(os.Getenv("TILED_BENCH_WRITES")); err == nil && v > 0 {
		burstSize = v
	}
	tok := auth.Token{Name: "bench"}
	// pacedReader requests the tile every millisecond until stop closes, returning each request's latency from
	// when it was due (a stalled reader counts every request it could not make) and its own service time.
	pacedReader := func(stop <-chan struct{}) (late, service []time.Duration) {
		due := time.Now()
		for {
			select {
			case <-stop:
				return late, service
			default:
			}
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
			t0 := time.Now()
			if _, err := a.Tile(ctx, z, x, y, q); err != nil {
				b.Error(err)
				return late, service
			}
			service = append(service, time.Since(t0))
			late = append(late, time.Since(due))
			due = due.Add(time.Millisecond)
		}
	}
	// The peer: the same reader with no writes, for as long as a burst takes (measured below), on the same machine.
	var idle []time.Duration
	idleFor := time.Duration(0)
	var reads, service, writes []time.Duration
	k := 0
	for b.Loop() {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var late, serv []time.Duration
		wg.Add(1)
		go func() {
			defer wg.Done()
			late, serv = pacedReader(stop)
		}()
		t0 := time.Now()
		for range burstSize {
			k++
			body := fmt.Sprintf(`{"settlement":%q,"source":"isw","holder":"ru","degree":"presence","valid_at":"2025-12-01",
				"published_at":"2025-12-02","evidence":"analyst-assessment","summary":"Benchmark write %d."}`,
				settlements[k%len(settlements)], k)
			w0 := time.Now()
			if _, err := a.AddClaim(ctx, tok, strings.NewReader(body)); err != nil {
				b.Fatal(err)
			}
			writes = append(writes, time.Since(w0))
		}
		close(stop)
		wg.Wait()
		idleFor += time.Since(t0)
		reads, service = append(reads, late...), append(service, serv...)
	}
	b.StopTimer()
	stop := make(chan struct{})
	time.AfterFunc(min(idleFor, 30*time.Second), func() { close(stop) })
	idle, _ = pacedReader(stop)
	pct := func(d []time.Duration, p float64) float64 {
		if len(d) == 0 {
			return 0
		}
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(p*float64(len(s))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(reads, 0.5), "read-p50-ms")
	b.ReportMetric(pct(reads, 0.99), "read-p99-ms")
	b.ReportMetric(pct(reads, 1), "read-max-ms")
	b.ReportMetric(float64(len(reads)), "reads")
	b.ReportMetric(pct(service, 0.99), "read-service-p99-ms")
	b.ReportMetric(pct(service, 1), "read-service-max-ms")
	b.ReportMetric(pct(idle, 0.99), "idle-read-p99-ms")
	b.ReportMetric(pct(writes, 0.5), "write-p50-ms")
	b.ReportMetric(pct(writes, 0.99), "write-p99-ms")
	b.ReportMetric(startup.Seconds(), "startup-s")
}
