package geo

import (
	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
)

// ToGeomPoint converts an orb point to a go-geom XY point in EPSG:4326, for go-geom's encoders (KML).
func ToGeomPoint(p orb.Point) *geom.Point {
	return geom.NewPointFlat(geom.XY, []float64{p.X(), p.Y()}).SetSRID(SRSWGS84)
}

// FromGeomPoint converts a go-geom point back to an orb point.
func FromGeomPoint(p *geom.Point) orb.Point {
	return orb.Point{p.X(), p.Y()}
}
