package web_test

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"
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
			var lat []time.Duration
			for b.Loop() {
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				lat = append(lat, time.Since(start))
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1000, "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1000, "p99-µs")
		})
	}
}
