// Package soak holds tiled's soak test: a real server on 127.0.0.1 under 64 concurrent tile and GeoJSON readers
// and a writer adding a claim every 50 ms, checked for server errors, lost claims, stale tiles and memory growth.
// It runs only when TILED_SOAK=1 (make soak; make soak-race under the race detector) and stops by itself.
package soak
