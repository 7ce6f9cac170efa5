// Package gazetteer is tiled's knowledge of places: the Place record with its names in every script, the readers
// that import GeoJSON FeatureCollections and GeoNames dumps, and the geocoder that turns a village name found in a
// report into ranked candidates using context (oblast, district, nearby places, a point of interest) rather than
// the size of a namesake.
//
// Persistence sits behind the Store interface defined here; package sqlite implements it.
package gazetteer
