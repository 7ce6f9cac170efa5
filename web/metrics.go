package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/tiled-maps/tiled/tiles"
)

// latencyBuckets are the histogram bounds in seconds.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histogram struct {
	counts []uint64 // per bucket, cumulative on output
	sum    float64
	n      uint64
}

func (h *histogram) observe(v float64) {
	if h.counts == nil {
		h.counts = make([]uint64, len(latencyBuckets))
	}
	for i, b := range latencyBuckets {
		if v <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += v
	h.n++
}

type routeKey struct {
	method, route string
	status        int
}

// metrics collects the counters /metrics exposes in the Prometheus text format. Every label takes a bounded set of
// values, whatever clients send: the method is one of the standard ones or "other", the route one of the server's
// route patterns (set by setRoutes) or "other", the status a number from 100 to 599 or 0. Before, each distinct
// method a client invented was a new series, kept for good.
type metrics struct {
	mu        sync.Mutex
	routes    map[string]bool
	requests  map[routeKey]uint64
	latency   map[string]*histogram // by route
	tileBuild histogram
}

func newMetrics() *metrics {
	return &metrics{requests: map[routeKey]uint64{}, latency: map[string]*histogram{}}
}

// setRoutes gives the route patterns that may appear as labels ("unmatched" is always one).
func (m *metrics) setRoutes(routes []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.routes = map[string]bool{"unmatched": true}
	for _, r := range routes {
		m.routes[r] = true
	}
}

// metricMethod is the method's label: a standard method, or "other".
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	method = metricMethod(method)
	if status < 100 || status > 599 {
		status = 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.routes[route] {
		route = "other"
	}
	m.requests[routeKey{method, route, status}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{}
		m.latency[route] = h
	}
	h.observe(d.Seconds())
}

func (m *metrics) observeTileBuild(d time.Duration) {
	m.mu.Lock()
	m.tileBuild.observe(d.Seconds())
	m.mu.Unlock()
}

func writeHistogram(w io.Writer, name, labels string, h *histogram) {
	var cum uint64
	sep := ""
	if labels != "" {
		sep = ","
	}
	for i, b := range latencyBuckets {
		if h.counts != nil {
			cum += h.counts[i]
		}
		fmt.Fprintf(w, "%s_bucket{%s%sle=\"%s\"} %d\n", name, labels, sep, strconv.FormatFloat(b, 'g', -1, 64), cum)
	}
	fmt.Fprintf(w, "%s_bucket{%s%sle=\"+Inf\"} %d\n", name, labels, sep, h.n)
	fmt.Fprintf(w, "%s_sum{%s} %g\n%s_count{%s} %d\n", name, labels, h.sum, name, labels, h.n)
}

// write renders every metric, sorted so the output is stable.
func (m *metrics) write(w io.Writer, cache tiles.CacheStats) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP tiled_http_requests_total HTTP requests by method, route and status.")
	fmt.Fprintln(w, "# TYPE tiled_http_requests_total counter")
	keys := make([]routeKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	for _, k := range keys {
		fmt.Fprintf(w, "tiled_http_requests_total{method=%q,route=%q,status=\"%d\"} %d\n", k.method, k.route, k.status, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP tiled_http_request_duration_seconds Request latency by route.")
	fmt.Fprintln(w, "# TYPE tiled_http_request_duration_seconds histogram")
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		writeHistogram(w, "tiled_http_request_duration_seconds", fmt.Sprintf("route=%q", r), m.latency[r])
	}
	fmt.Fprintln(w, "# HELP tiled_tile_build_seconds Time to build a tile on a cache miss.")
	fmt.Fprintln(w, "# TYPE tiled_tile_build_seconds histogram")
	writeHistogram(w, "tiled_tile_build_seconds", "", &m.tileBuild)
	for _, c := range []struct {
		name, help, typ string
		v               int64
	}{
		{"tiled_tile_cache_hits_total", "Tile cache hits.", "counter", cache.Hits},
		{"tiled_tile_cache_misses_total", "Tile cache misses.", "counter", cache.Misses},
		{"tiled_tile_cache_evictions_total", "Tile cache evictions.", "counter", cache.Evictions},
		{"tiled_tile_cache_entries", "Tiles in the cache.", "gauge", int64(cache.Entries)},
		{"tiled_tile_cache_bytes", "Bytes held by the tile cache.", "gauge", cache.Bytes},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", c.name, c.help, c.name, c.typ, c.name, c.v)
	}
}
