package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// EarthRadiusKM is the mean Earth radius used for great-circle distances.
const EarthRadiusKM = 6371.0088

// DistanceKM returns the great-circle (haversine) distance between two lon/lat points in kilometres.
func DistanceKM(a, b orb.Point) float64 {
	lat1, lat2 := a.Lat()*math.Pi/180, b.Lat()*math.Pi/180
	dlat := lat2 - lat1
	dlon := (b.Lon() - a.Lon()) * math.Pi / 180
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * EarthRadiusKM * math.Asin(math.Min(1, math.Sqrt(h)))
}

// BoundAround returns the lon/lat bound that contains every point within km kilometres of p. Near the poles the
// bound widens to every longitude.
func BoundAround(p orb.Point, km float64) orb.Bound {
	dlat := km / EarthRadiusKM * 180 / math.Pi
	coslat := math.Cos(p.Lat() * math.Pi / 180)
	dlon := 180.0
	if coslat > 1e-6 {
		dlon = math.Min(180, dlat/coslat)
	}
	return orb.Bound{
		Min: orb.Point{math.Max(-180, p.Lon()-dlon), math.Max(-90, p.Lat()-dlat)},
		Max: orb.Point{math.Min(180, p.Lon()+dlon), math.Min(90, p.Lat()+dlat)},
	}
}

// ValidLonLat reports whether lon and lat are finite and within [-180,180] and [-90,90].
func ValidLonLat(lon, lat float64) bool {
	return !math.IsNaN(lon) && !math.IsNaN(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}

// Round rounds v to n decimals, as GeoJSON output wants (RFC 7946 suggests no more than 6-7).
func Round(v float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(v*p) / p
}
