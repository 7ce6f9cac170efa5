// Package data embeds tiled's seed data: the settlements of the border belt (settlements.geojson), the sources
// (sources.csv) and their claims (claims.csv). See README.md in this directory for the schema and the sources.
package data

import _ "embed"

var (
	//go:embed settlements.geojson
	settlements []byte
	//go:embed sources.csv
	sources []byte
	//go:embed claims.csv
	claims []byte
)

// Settlements returns the seed gazetteer, a GeoJSON FeatureCollection.
func Settlements() []byte { return settlements }

// Sources returns the seed source registry as CSV.
func Sources() []byte { return sources }

// Claims returns the seed control-status claims as CSV.
func Claims() []byte { return claims }
