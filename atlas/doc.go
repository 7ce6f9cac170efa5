// Package atlas is tiled's HTTP-agnostic core: it joins the gazetteer's places with the ledger's statuses and
// answers every question the server asks — vector tiles (through package tiles, with a cache that a new claim
// invalidates precisely), GeoJSON, OGC API Features collections, exports and writes — as Go values. Package web
// only binds these to routes, so a change of web framework touches nothing here.
//
// Request parameters arrive as url.Values and are validated here; every client mistake is an error wrapping
// ErrBadRequest (or a package's own sentinel that web maps to a 4xx), never a panic or a 500.
package atlas
