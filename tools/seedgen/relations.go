package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/geo"
)

// methodBearings is the location method of a place positioned from what reports say of its direction and distance
// from located places (the CSV's relations column).
const methodBearings = "bearings-from-places"

// Relation placement constants; data/README.md states them.
const (
	relationGridStep = 0.05 // km between the samples of the allowed region
)

// compass maps a compass point to its bearing in degrees clockwise from north.
var compass = map[string]float64{
	"N": 0, "NNE": 22.5, "NE": 45, "ENE": 67.5, "E": 90, "ESE": 112.5, "SE": 135, "SSE": 157.5,
	"S": 180, "SSW": 202.5, "SW": 225, "WSW": 247.5, "W": 270, "WNW": 292.5, "NW": 315, "NNW": 337.5,
}

// relation is what a report says of a place's position: between MinKM and MaxKM from the place with slug Ref, in the
// compass direction Bearing (its sector spans HalfWidth degrees either side).
type relation struct {
	Ref          string
	Bearing      string
	BearingDeg   float64
	HalfWidthDeg float64
	MinKM, MaxKM float64
}

// parseRelations reads the relations column: `ID:BEARING:MIN-MAX` entries separated by `;`. A point of the
// eight-point compass (N, NE, …) covers ±22.5°, a point of the sixteen-point compass (NNE, …) ±11.25°.
func parseRelations(s string) ([]relation, error) {
	var out []relation
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			if strings.TrimSpace(s) == "" {
				continue
			}
			return nil, fmt.Errorf("relations %q has an empty entry", s)
		}
		f := strings.Split(part, ":")
		if len(f) != 3 {
			return nil, fmt.Errorf("relation %q is not ID:BEARING:MIN-MAX", part)
		}
		ref, b, dist := strings.TrimSpace(f[0]), strings.ToUpper(strings.TrimSpace(f[1])), strings.TrimSpace(f[2])
		deg, ok := compass[b]
		if ref == "" || !ok {
			return nil, fmt.Errorf("relation %q: want a place id and a compass point (N, NE, NNE, …)", part)
		}
		lo, hi, ok := strings.Cut(dist, "-")
		if !ok {
			return nil, fmt.Errorf("relation %q: distance %q is not MIN-MAX km", part, dist)
		}
		minKM, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		maxKM, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if err1 != nil || err2 != nil || math.IsNaN(minKM) || math.IsNaN(maxKM) || minKM < 0 || maxKM <= minKM || maxKM > 100 {
			return nil, fmt.Errorf("relation %q: distance %q must be MIN-MAX km with 0 ≤ MIN < MAX ≤ 100", part, dist)
		}
		half := 22.5
		if len(b) == 3 {
			half = 11.25
		}
		out = append(out, relation{Ref: ref, Bearing: b, BearingDeg: deg, HalfWidthDeg: half, MinKM: minKM, MaxKM: maxKM})
	}
	return out, nil
}

// anchoredRelation is a relation whose reference place has been positioned.
type anchoredRelation struct {
	relation
	at          orb.Point
	precisionKM float64
}

// placeByRelations positions a place from its relations: it samples, on a local plane around the reference places
// (equirectangular at their mean latitude, exact enough over tens of km), every point that lies inside every
// relation's sector (bearing ± half width, distance MIN–MAX from the reference's position), and returns the centroid
// of those points, rounded to 6 decimals, with a precision radius covering them all plus the largest reference
// precision (the references are themselves only known to that), rounded up to 0.5 km. ok is false when the sectors
// do not overlap.
func placeByRelations(rels []anchoredRelation) (c orb.Point, precisionKM float64, ok bool) {
	lat0 := 0.0
	for _, r := range rels {
		lat0 += r.at.Lat() / float64(len(rels))
	}
	kmPerDegLat := geo.EarthRadiusKM * math.Pi / 180
	kmPerDegLon := kmPerDegLat * math.Cos(lat0*math.Pi/180)
	origin := rels[0].at
	toXY := func(p orb.Point) (x, y float64) {
		return (p.Lon() - origin.Lon()) * kmPerDegLon, (p.Lat() - origin.Lat()) * kmPerDegLat
	}
	// The region lies within every reference's outer circle: scan the first one's bounding square.
	rx, ry := toXY(rels[0].at)
	r0 := rels[0].MaxKM
	var xs, ys []float64
	for x := rx - r0; x <= rx+r0; x += relationGridStep {
		for y := ry - r0; y <= ry+r0; y += relationGridStep {
			inside := true
			for _, r := range rels {
				ax, ay := toXY(r.at)
				dx, dy := x-ax, y-ay
				d := math.Hypot(dx, dy)
				if d < r.MinKM || d > r.MaxKM {
					inside = false
					break
				}
				bearing := math.Mod(math.Atan2(dx, dy)*180/math.Pi+360, 360)
				diff := math.Abs(math.Mod(bearing-r.BearingDeg+540, 360) - 180)
				if diff > r.HalfWidthDeg {
					inside = false
					break
				}
			}
			if inside {
				xs, ys = append(xs, x), append(ys, y)
			}
		}
	}
	if len(xs) == 0 {
		return orb.Point{}, 0, false
	}
	var cx, cy float64
	for i := range xs {
		cx += xs[i] / float64(len(xs))
		cy += ys[i] / float64(len(xs))
	}
	radius := 0.0
	for i := range xs {
		radius = max(radius, math.Hypot(xs[i]-cx, ys[i]-cy))
	}
	refPrec := 0.0
	for _, r := range rels {
		refPrec = max(refPrec, r.precisionKM)
	}
	c = orb.Point{
		geo.Round(origin.Lon()+cx/kmPerDegLon, coordDecimals),
		geo.Round(origin.Lat()+cy/kmPerDegLat, coordDecimals),
	}
	prec := math.Ceil((radius+relationGridStep+refPrec)/precisionStepKM-1e-9) * precisionStepKM
	return c, prec, true
}
