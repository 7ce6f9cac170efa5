package tiles

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
)

// ReferenceLayer is the name of the reference layer of state borders in every tile (see Reference).
const ReferenceLayer = "boundaries"

// Reference fields: the attributes of a border line.
const (
	// FieldKind is the kind of line (string): "admin0" for a state border.
	FieldKind = "kind"
	// FieldCountries names the two countries a border separates (string), sorted and joined by "|".
	FieldCountries = "countries"
	// FieldLeft and FieldRight name the country on each side of the line's direction (string), for labels.
	FieldLeft  = "left"
	FieldRight = "right"
)

// Reference is a fixed set of lines (state borders) that Build adds to every tile as the layer ReferenceLayer,
// clipped to the tile and simplified to its resolution, so the map is readable with no basemap at all. It is
// read-only once made and safe for concurrent use.
type Reference struct {
	lines []refLine
}

type refLine struct {
	ls    orb.LineString
	bound orb.Bound
	props geojson.Properties
}

// ParseReference reads a GeoJSON FeatureCollection of LineStrings (and MultiLineStrings) into a Reference,
// keeping the string properties FieldKind, FieldCountries, FieldLeft and FieldRight.
func ParseReference(b []byte) (*Reference, error) {
	var fc geojson.FeatureCollection
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, fmt.Errorf("tiles: reference layer: %w", err)
	}
	r := &Reference{}
	for i, f := range fc.Features {
		props := geojson.Properties{}
		for _, k := range []string{FieldKind, FieldCountries, FieldLeft, FieldRight} {
			if s, ok := f.Properties[k].(string); ok {
				props[k] = s
			}
		}
		switch g := f.Geometry.(type) {
		case orb.LineString:
			r.lines = append(r.lines, refLine{g, g.Bound(), props})
		case orb.MultiLineString:
			for _, ls := range g {
				r.lines = append(r.lines, refLine{ls, ls.Bound(), props})
			}
		default:
			return nil, fmt.Errorf("tiles: reference layer: feature %d is a %T, want a LineString", i, f.Geometry)
		}
	}
	return r, nil
}

// Len is the number of lines.
func (r *Reference) Len() int { return len(r.lines) }

// Lines returns copies of the reference lines clipped to b (longitude/latitude), for an export to list the tiles
// they cross.
func (r *Reference) Lines(b orb.Bound) []orb.LineString {
	var out []orb.LineString
	for _, l := range r.lines {
		if !l.bound.Intersects(b) {
			continue
		}
		for _, part := range clip.LineString(b, l.ls.Clone()) {
			if len(part) >= 2 {
				out = append(out, part)
			}
		}
	}
	return out
}

// layer returns the reference lines inside t (buffered as points are), in tile coordinates, simplified to a
// quarter of a screen pixel (Extent/1024).
func (r *Reference) layer(t maptile.Tile, opt Options) *mvt.Layer {
	layer := &mvt.Layer{Name: ReferenceLayer, Version: 2, Extent: opt.Extent}
	bound := t.Bound(opt.BufferFraction())
	for _, l := range r.lines {
		if !l.bound.Intersects(bound) {
			continue
		}
		clipped := clip.LineString(bound, l.ls.Clone())
		for _, part := range clipped {
			if len(part) < 2 {
				continue
			}
			layer.Features = append(layer.Features, &geojson.Feature{Type: "Feature", Geometry: part, Properties: l.props.Clone()})
		}
	}
	layer.ProjectToTile(t)
	layer.Simplify(simplify.DouglasPeucker(float64(opt.Extent) / 1024))
	layer.RemoveEmpty(0, 0.5)
	return layer
}
