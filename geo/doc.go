// Package geo holds the geometry helpers tiled shares between its packages: great-circle distances, bounding
// boxes, the OGC GeoPackage binary geometry encoding of points, and the conversions between orb and go-geom.
//
// Coordinates are WGS 84 (EPSG:4326) longitude/latitude in degrees throughout.
package geo
