// Package tiles turns settlements into what a web map draws: Mapbox Vector Tiles of settlement points (Build), the
// strict parser of tile paths (ParsePath), a byte-bounded LRU cache of encoded tiles with their gzip and ETag
// (Cache), the TileJSON document describing the layer (TileJSON) and a MapLibre GL style that colours settlements
// by who holds them (Style).
//
// The package knows nothing of HTTP: the web layer parses the request with ParsePath, asks the Cache, calls Build
// on a miss with a Source backed by the store, and serves the Entry. Build can be called from a test with an
// in-memory Source and no server.
//
// The attribute names every tile carries are the Field* constants, listed with their meaning by Fields; the web
// handlers, the TileJSON document, the style and the page all use them.
package tiles
