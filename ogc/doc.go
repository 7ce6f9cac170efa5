// Package ogc implements OGC API – Features – Part 1: Core (OGC 17-069r4) with the GeoJSON and OpenAPI 3.0
// conformance classes, without HTTP: every operation takes the service's base URL, its path parameters and the
// request's query parameters, and returns a Document (a value to encode as JSON and its media type) or an error.
//
// The web layer routes
//
//	{base}                                  → Service.Landing
//	{base}/conformance                      → Service.Conformance
//	{base}/api                              → Service.OpenAPI
//	{base}/collections                      → Service.Collections
//	{base}/collections/{id}                 → Service.Collection
//	{base}/collections/{id}/items           → Service.Items
//	{base}/collections/{id}/items/{fid}     → Service.Item
//	{base}/collections/{id}/schema          → Service.Schema (Part 5)
//	{base}/collections/{id}/queryables      → Service.Queryables (Part 3)
//	{base}/collections/{id}/feature-schema  → Service.FeatureSchema (the describedBy link GDAL reads)
//
// JSON-encodes Document.Body with Content-Type Document.MediaType, and turns errors into responses with ErrorBody:
// a *ParamError (or anything wrapping ErrBadRequest) is a 400, ErrNotFound a 404, anything else a 500 whose
// details stay in the log.
//
// What the service publishes is a list of Collection values. A Collection selects features for a Query (bounding
// box, datetime interval, property filters, further parameters, limit, the cursor of keyset paging and offset);
// MemoryCollection is one held in memory, and a store can implement the interface over its own index.
//
// Coordinates are WGS 84 longitude/latitude (CRS84) throughout; the package offers no other CRS.
package ogc
