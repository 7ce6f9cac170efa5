// Package mbtiles writes MBTiles 1.3 files (https://github.com/mapbox/mbtiles-spec/blob/master/1.3/spec.md): a
// SQLite database holding a tile set's metadata and its tiles, the format static hosts, TileServer GL, GDAL and
// QGIS read. Tiles are addressed in the XYZ scheme by the caller and stored in the spec's TMS rows (y flipped).
//
// A Writer builds the whole file in one transaction inside a temporary file next to the destination and renames it
// into place on Commit, so a reader never sees a half-written tile set and a failed export leaves nothing behind.
package mbtiles
