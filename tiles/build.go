package tiles

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// Defaults applied by Options.WithDefaults.
const (
	// DefaultLayer is the name of the one layer in every tile.
	DefaultLayer = "settlements"
	// DefaultExtent is the tile's coordinate range, 0..4096 on each axis.
	DefaultExtent = 4096
	// DefaultBuffer is the margin, in pixels at the extent, around the tile whose points are encoded too: 64 of
	// 4096, 1/64 of a tile (8 screen pixels of a 512 px tile). Clients that clip each tile at its edge (OpenLayers,
	// Leaflet.VectorGrid) then draw a circle straddling an edge whole from both tiles; MapLibre GL draws a point
	// only from the tile that holds it and skips buffered ones, so for it the margin costs bytes only.
	DefaultBuffer = 64
	// DefaultMaxZoom is the highest zoom tiles are built at; map clients overzoom beyond it.
	DefaultMaxZoom = 14
)

// Feature is one point to draw.
type Feature struct {
	// ID is the settlement's stable id; Build writes it into the FieldID property.
	ID string
	// Point is the location, longitude first.
	Point orb.Point
	// Priority ranks features when a tile holds more than Options.MaxFeatures: the highest survive. Callers pass
	// e.g. the population plus a boost for places with claims. NaN ranks below everything.
	Priority float64
	// Props are the MVT attributes, keyed by the Field* names. Values are string, bool, float64 or int64 (other
	// Go integer and float types are converted); nil values are skipped. A FieldID entry is replaced by ID.
	Props map[string]any
	// Emphasis marks a feature that must stay in view: a place with claims. Build never drops one for a feature
	// without it, draws none without it on top of it, and always labels it (see Options.Labels).
	Emphasis bool
	// LazyProps, when Props is nil, returns them: Build calls it only for the features it keeps, so a low-zoom
	// tile over 100,000 places builds attributes for its few hundred survivors only.
	LazyProps func() map[string]any
	// AppendAttrs, when Props and LazyProps are nil, appends the feature's attributes to dst and returns the
	// result: like LazyProps, called only for the features kept, and without a map. Keys must be distinct; in key
	// order they cost least (others are sorted). FieldID, FieldRank and FieldLabel are Build's and are dropped.
	AppendAttrs func(dst []Attr) []Attr
}

// Source supplies the features whose points lie inside a lon/lat bound. Build passes the tile's bound already
// buffered; a Source may return extra features outside it (e.g. from an R*Tree of float32 boxes), which Build drops.
// Build does not modify the returned slice or the features' Props.
type Source interface {
	Features(ctx context.Context, b orb.Bound) ([]Feature, error)
}

// LimitSource is a Source that can itself keep, of the features inside b, only the limit of highest priority (ties
// by ID, as Build orders them). Build uses it when a tile has a feature cap, so that a low-zoom tile over 100,000
// places never holds a candidate for each of them. Build asks for a little more than the cap, since a few features
// at the buffered edge may still be clipped away.
type LimitSource interface {
	Source
	FeaturesLimit(ctx context.Context, b orb.Bound, limit int) ([]Feature, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, b orb.Bound) ([]Feature, error)

// Features calls f.
func (f SourceFunc) Features(ctx context.Context, b orb.Bound) ([]Feature, error) { return f(ctx, b) }

// Options tune Build. The zero value means the defaults; see WithDefaults.
type Options struct {
	// Layer is the MVT layer's name; "" means DefaultLayer.
	Layer string
	// Extent is the tile's coordinate range; 0 means DefaultExtent.
	Extent uint32
	// Buffer is the margin around the tile, in pixels at Extent, whose points are drawn too; 0 means
	// DefaultBuffer and a negative value means no margin.
	Buffer int
	// MaxFeatures caps the features of a tile at zoom z; nil means DefaultMaxFeatures. A result of 0 or less means
	// no cap.
	MaxFeatures func(z maptile.Zoom) int
	// MaxZoom is the highest zoom Build serves; 0 means DefaultMaxZoom. It is capped at MaxZoomLimit.
	MaxZoom int
	// Reference, when set, adds its lines (state borders) to every tile as a second layer, ReferenceLayer.
	Reference *Reference
	// Labels says how many features without Emphasis a tile at zoom z marks with FieldLabel, the highest-priority
	// ones; nil means DefaultLabels. A negative result marks them all.
	Labels func(z maptile.Zoom) int
	// Declutter is the distance, in units of Extent, within which a feature without Emphasis is dropped from a
	// tile that draws a feature with Emphasis, so that it can never hide it; 0 means DefaultDeclutter and a
	// negative value turns it off. It does not apply at MaxZoom, whose tiles draw every feature.
	Declutter int
}

// DefaultLabels is how many places without claims a tile names, by zoom: the most populous 12 up to zoom 4, 24 at
// zooms 5 and 6 (a z6 tile of the border belt names Kharkiv, Voronezh, Kursk, Belgorod, Poltava, Sumy and more),
// 64 at 7 and 8, and every one from zoom 9.
func DefaultLabels(z maptile.Zoom) int {
	switch {
	case z <= 4:
		return 12
	case z <= 6:
		return 24
	case z <= 8:
		return 64
	default:
		return -1
	}
}

// DefaultDeclutter is the default Options.Declutter: 64 of 4096, 8 pixels of a 512-pixel tile, about the radius of
// a settlement's symbol on the map.
const DefaultDeclutter = 64

// DefaultMaxFeatures is the default cap on the features of one tile: 200 up to zoom 5 (a tile there spans
// oblasts), 500 up to zoom 8, 2000 beyond. A z9 tile (≈ 70 km) of the border belt holds a few hundred
// settlements, so from there on nothing is dropped in practice; at low zooms only the largest places survive.
func DefaultMaxFeatures(z maptile.Zoom) int {
	switch {
	case z <= 5:
		return 200
	case z <= 8:
		return 500
	default:
		return 2000
	}
}

// WithDefaults returns o with every zero field replaced by its default and MaxZoom capped at MaxZoomLimit.
func (o Options) WithDefaults() Options {
	if o.Layer == "" {
		o.Layer = DefaultLayer
	}
	if o.Extent == 0 {
		o.Extent = DefaultExtent
	}
	if o.Buffer == 0 {
		o.Buffer = DefaultBuffer
	} else if o.Buffer < 0 {
		o.Buffer = -1
	}
	if o.MaxFeatures == nil {
		o.MaxFeatures = DefaultMaxFeatures
	}
	if o.MaxZoom == 0 {
		o.MaxZoom = DefaultMaxZoom
	}
	o.MaxZoom = min(o.MaxZoom, MaxZoomLimit)
	if o.Labels == nil {
		o.Labels = DefaultLabels
	}
	if o.Declutter == 0 {
		o.Declutter = DefaultDeclutter * int(o.Extent) / DefaultExtent
	}
	return o
}

// BufferFraction returns the effective buffer as a fraction of a tile (64/4096 by default): the value to pass to
// Cache.InvalidatePoint so that it drops the same tiles Build would draw the point in.
func (o Options) BufferFraction() float64 {
	o = o.WithDefaults()
	if o.Buffer < 0 {
		return 0
	}
	return float64(o.Buffer) / float64(o.Extent)
}

// Build encodes tile t as an uncompressed Mapbox Vector Tile with one layer.
//
// It asks src for the features inside t's bound buffered by opt.Buffer, keeps those whose point projects inside
// the buffered extent, orders them by priority (highest first, then by ID, so the result is deterministic),
// keeps the first opt.MaxFeatures(t.Z) of them, drops every one without Emphasis that lies within opt.Declutter
// of one with it (below opt.MaxZoom), and encodes each as a point with its Props plus FieldID = ID, FieldRank
// = its place in that order and FieldLabel = whether the map should name it: every feature with Emphasis and the
// first opt.Labels(t.Z) without. Features with Emphasis thus always outrank, outlast and are drawn clear of the
// others, whatever their priority. The source's features are never modified: Build projects copies (orb's
// ProjectToTile rewrites geometries in place).
// A tile with no feature still holds the (empty) layer. Geometry does not wrap at the antimeridian.
//
// A tile above opt.MaxZoom or outside the world is an error wrapping ErrBadTile; an unencodable property value
// is a *PropertyError; the source's error is wrapped.
func Build(ctx context.Context, src Source, t maptile.Tile, opt Options) ([]byte, error) {
	opt = opt.WithDefaults()
	if int(t.Z) > opt.MaxZoom || !t.Valid() {
		return nil, fmt.Errorf("%w: %s (max zoom %d)", ErrBadTile, tileString(t), opt.MaxZoom)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tiles: build %s: %w", tileString(t), err)
	}
	bufFrac := opt.BufferFraction()
	bound := t.Bound(bufFrac)
	var feats []Feature
	var err error
	if ls, ok := src.(LimitSource); ok && opt.MaxFeatures(t.Z) > 0 {
		n := opt.MaxFeatures(t.Z)
		feats, err = ls.FeaturesLimit(ctx, bound, n+n/8+8)
	} else {
		feats, err = src.Features(ctx, bound)
	}
	if err != nil {
		return nil, fmt.Errorf("tiles: build %s: source: %w", tileString(t), err)
	}

	// Candidates, as indexes into feats, in output order.
	cand := make([]int, 0, len(feats))
	for i := range feats {
		if contains(bound, feats[i].Point) {
			cand = append(cand, i)
		}
	}
	slices.SortStableFunc(cand, func(a, b int) int {
		if ea, eb := feats[a].Emphasis, feats[b].Emphasis; ea != eb {
			if ea {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(feats[b].Priority, feats[a].Priority); c != 0 {
			return c
		}
		return strings.Compare(feats[a].ID, feats[b].ID)
	})

	// Project copies of the points, then clip to the buffered extent. For points clipping is a containment test,
	// done here so the cap below counts only what is drawn.
	slab := make([]geojson.Feature, len(cand))
	layer := &mvt.Layer{Name: opt.Layer, Version: 2, Extent: opt.Extent, Features: make([]*geojson.Feature, len(cand))}
	for j, i := range cand {
		slab[j] = geojson.Feature{Type: "Feature", Geometry: feats[i].Point}
		layer.Features[j] = &slab[j]
	}
	layer.ProjectToTile(t)
	buf := float64(max(opt.Buffer, 0))
	box := orb.Bound{Min: orb.Point{-buf, -buf}, Max: orb.Point{float64(opt.Extent) + buf, float64(opt.Extent) + buf}}
	kept := cand[:0]
	out := layer.Features[:0]
	for j, i := range cand {
		if p, ok := layer.Features[j].Geometry.(orb.Point); ok && contains(box, p) {
			kept = append(kept, i)
			out = append(out, layer.Features[j])
		}
	}
	if n := opt.MaxFeatures(t.Z); n > 0 && len(out) > n {
		kept, out = kept[:n], out[:n]
	}
	if opt.Declutter > 0 && int(t.Z) < opt.MaxZoom {
		kept, out = declutter(feats, kept, out, float64(opt.Declutter))
	}
	layer.Features = out

	labels, plain := opt.Labels(t.Z), 0
	pl := newPointLayer(len(kept))
	// The attributes Build sets, in key order: FieldID, FieldRank and FieldLabel.
	own := []Attr{{key: FieldID}, {key: FieldRank}, {key: FieldLabel}}
	slices.SortFunc(own, func(a, b Attr) int { return strings.Compare(a.key, b.key) })
	for j, i := range kept {
		attrs, err := pl.attributes(&feats[i])
		if err != nil {
			return nil, fmt.Errorf("tiles: build %s: %w", tileString(t), err)
		}
		for k := range own {
			switch own[k].key {
			case FieldID:
				own[k].val = newMVTVal(feats[i].ID)
			case FieldRank:
				own[k].val = newMVTVal(int64(j))
			case FieldLabel:
				own[k].val = newMVTVal(feats[i].Emphasis || labels < 0 || plain < labels)
			}
		}
		if !feats[i].Emphasis {
			plain++
		}
		pt, _ := out[j].Geometry.(orb.Point) // every geometry kept above is a point
		pl.add(FeatureID(feats[i].ID), pt, attrs, own)
	}
	data := pl.appendTo(nil, opt.Layer, opt.Extent, 2)
	if opt.Reference != nil {
		ref, err := mvt.Marshal(mvt.Layers{opt.Reference.layer(t, opt)}) // a Tile of one layer: its layers field
		if err != nil {
			return nil, fmt.Errorf("tiles: build %s: encode: %w", tileString(t), err)
		}
		data = append(data, ref...)
	}
	return data, nil
}

// declutter drops from kept (indexes into feats, in output order) and out (their projected features) every
// feature without Emphasis whose point lies within r of a feature with Emphasis. Those come first in the output
// order, so they are bucketed in a grid of r-sized cells and each other feature checks its 3×3 cells.
func declutter(feats []Feature, kept []int, out []*geojson.Feature, r float64) ([]int, []*geojson.Feature) {
	cell := func(p orb.Point) [2]int { return [2]int{int(math.Floor(p[0] / r)), int(math.Floor(p[1] / r))} }
	grid := map[[2]int][]orb.Point{}
	k := 0
	for j, i := range kept {
		p := out[j].Geometry.(orb.Point)
		if feats[i].Emphasis {
			c := cell(p)
			grid[c] = append(grid[c], p)
		} else if len(grid) > 0 && near(grid, cell(p), p, r) {
			continue
		}
		kept[k], out[k] = i, out[j]
		k++
	}
	return kept[:k], out[:k]
}

func near(grid map[[2]int][]orb.Point, c [2]int, p orb.Point, r float64) bool {
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			for _, q := range grid[[2]int{c[0] + dx, c[1] + dy}] {
				if (p[0]-q[0])*(p[0]-q[0])+(p[1]-q[1])*(p[1]-q[1]) <= r*r {
					return true
				}
			}
		}
	}
	return false
}

// attributes returns f's encodable Props (or LazyProps, or AppendAttrs) in key order, in the layer's scratch space
// (valid until the next call). FieldID, FieldRank and FieldLabel, which Build sets, are left out.
// The features of a tile nearly all have the same keys: they are read in the order of the keys seen so far
// (sorted), so a feature with no new key needs no sort.
func (l *pointLayer) attributes(f *Feature) ([]Attr, error) {
	if f.Props == nil && f.LazyProps == nil && f.AppendAttrs != nil {
		out := f.AppendAttrs(l.attrs[:0])
		if !slices.IsSortedFunc(out, func(a, b Attr) int { return strings.Compare(a.key, b.key) }) {
			slices.SortFunc(out, func(a, b Attr) int { return strings.Compare(a.key, b.key) })
		}
		l.attrs = out
		return l.withoutOwn(), nil
	}
	src := f.Props
	if src == nil && f.LazyProps != nil {
		src = f.LazyProps()
	}
	for {
		out, n := l.attrs[:0], 0
		for _, k := range l.known {
			v, ok := src[k]
			if !ok {
				continue
			}
			n++
			nv, ok := mvtValue(v)
			if !ok {
				return nil, &PropertyError{Feature: f.ID, Key: k, Type: fmt.Sprintf("%T", v)}
			}
			if nv != nil {
				out = append(out, Attr{k, newMVTVal(nv)})
			}
		}
		l.attrs = out
		if n == len(src) {
			break
		}
		for k := range src { // keys not seen before: learn them and read again
			if _, seen := l.knownSet[k]; !seen {
				l.knownSet[k] = struct{}{}
				l.known = append(l.known, k)
			}
		}
		slices.Sort(l.known)
	}
	return l.withoutOwn(), nil
}

// withoutOwn drops FieldID, FieldRank and FieldLabel from the attributes in l.attrs: Build sets them, not the
// feature.
func (l *pointLayer) withoutOwn() []Attr {
	l.attrs = slices.DeleteFunc(l.attrs, func(a Attr) bool { return a.key == FieldID || a.key == FieldRank || a.key == FieldLabel })
	return l.attrs
}

// mvtValue converts v to one of the types MVT carries: string, bool, float64 or int64. nil stays nil (skipped);
// ok is false for any other type and for unsigned values beyond int64.
func mvtValue(v any) (_ any, ok bool) {
	switch v := v.(type) {
	case nil, string, bool, float64, int64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case uint:
		return int64(v), uint64(v) <= math.MaxInt64
	case uint64:
		return int64(v), v <= math.MaxInt64
	default:
		return nil, false
	}
}

// contains reports whether p lies in b, edges included. Unlike orb.Bound.Contains it is false for NaN coordinates.
func contains(b orb.Bound, p orb.Point) bool {
	return b.Min[0] <= p[0] && p[0] <= b.Max[0] && b.Min[1] <= p[1] && p[1] <= b.Max[1]
}
