// Package sqlite is tiled's store: one SQLite file that is at once the gazetteer, the control-status ledger and a
// valid OGC GeoPackage 1.3 (the settlements layer with an R*Tree index), so QGIS and GDAL open it as it is.
//
// Open creates the file on first use and applies the versioned migrations embedded from migrations/. Every pooled
// connection gets WAL, foreign keys, a busy timeout and the GeoPackage SQL functions (ST_MinX, …) that the R*Tree
// triggers call. Writes go through a single-connection pool that begins transactions IMMEDIATE, so concurrent
// writers queue instead of failing; reads use a separate pool.
package sqlite
