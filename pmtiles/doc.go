// Package pmtiles writes (and reads back) PMTiles version 3 archives: one file holding every tile of a tileset
// under a Hilbert-curve directory, which a CDN or any static host serves by HTTP range requests and MapLibre reads
// with the pmtiles protocol (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md).
//
// protomaps' go-pmtiles is the reference implementation in Go; its package also holds the cloud-bucket clients and
// the tile server, which tiled does not want in its binary, so this package implements the format's few pieces
// (header, varint directories, leaf directories, deduplicated and clustered tile data) on its own, checked against
// the reference's tile-id vectors and, once, its "pmtiles verify" (see README).
package pmtiles
