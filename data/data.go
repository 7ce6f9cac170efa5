// Package data embeds tiled's seed data: the settlements of the border belt (settlements.geojson), the sources
// (sources.csv), their claims (claims.csv), and tiled's reference layer of state borders (boundaries.geojson). See README.md in this directory for the schema and the sources.
package data

import _ "embed"

var (
	//go:embed settlements.geojson
	settlements []byte
	//go:embed sources.csv
	sources []byte
	//go:embed claims.csv
	claims []byte
	//go:embed boundaries.geojson
	boundaries []byte
)

// Settlements returns the seed gazetteer, a GeoJSON FeatureCollection.
func Settlements() []byte { return settlements }

// Sources returns the seed source registry as CSV.
func Sources() []byte { return sources }

// Claims returns the seed control-status claims as CSV.
func Claims() []byte { return claims }

// Boundaries returns the state borders of tiled's reference layer: Natural Earth 1:10m admin-0 land borders of the
// region (tools/boundgen), a GeoJSON FeatureCollection of LineStrings.
func Boundaries() []byte { return boundaries }
