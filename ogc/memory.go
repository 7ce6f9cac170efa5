package ogc

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/geojson"
)

// MemoryCollection is a Collection held in memory: features given once and filtered by scanning them, in the order
// given. It suits collections of up to some thousands of features (seed data, tests); a store should implement
// Collection over its own spatial index. It is safe for concurrent use, and neither it nor the Service modifies
// the features; the caller must not modify them either once they are handed over.
type MemoryCollection struct {
	info     CollectionInfo
	features []*geojson.Feature
	spans    []span // spans[i] is the time of features[i]
	byID     map[string]int
	extent   Extent
}

// span is the time of a feature: an instant (start == end), a whole day, or none.
type span struct {
	start, end time.Time
	ok         bool
}

// NewMemoryCollection returns a MemoryCollection of features described by info. Every feature needs an id, unique
// in the collection (a string or a number; Item finds it by its text, "17" for 17); where info names a temporal
// property, its value, where present and not null, must be an RFC 3339 date-time or a plain date. Errors wrap
// ErrInvalidService.
func NewMemoryCollection(info CollectionInfo, features []*geojson.Feature) (*MemoryCollection, error) {
	c := &MemoryCollection{
		info:     info,
		features: append([]*geojson.Feature(nil), features...),
		spans:    make([]span, len(features)),
		byID:     make(map[string]int, len(features)),
	}
	var bound orb.Bound
	hasBound := false
	for i, f := range c.features {
		if f == nil {
			return nil, fmt.Errorf("%w: collection %q: feature %d is nil", ErrInvalidService, info.ID, i)
		}
		id, ok := idText(f.ID)
		if !ok {
			return nil, fmt.Errorf("%w: collection %q: feature %d: id %v: want a non-empty string or a number",
				ErrInvalidService, info.ID, i, f.ID)
		}
		if j, dup := c.byID[id]; dup {
			return nil, fmt.Errorf("%w: collection %q: features %d and %d have the same id %q",
				ErrInvalidService, info.ID, j, i, id)
		}
		c.byID[id] = i
		if f.Geometry != nil {
			if b := f.Geometry.Bound(); hasBound {
				bound = bound.Union(b)
			} else {
				bound, hasBound = b, true
			}
		}
		if info.TemporalProperty == "" {
			continue
		}
		v, present := f.Properties[info.TemporalProperty]
		if !present || v == nil {
			continue
		}
		text, _ := v.(string)
		t, day, ok := parseTime(text)
		if !ok {
			return nil, fmt.Errorf("%w: collection %q: feature %q: %s %v: want an RFC 3339 date-time or a date",
				ErrInvalidService, info.ID, id, info.TemporalProperty, v)
		}
		sp := span{start: t, end: t, ok: true}
		if day {
			sp.end = endOfDay(t)
		}
		c.spans[i] = sp
		if c.extent.Start == nil || sp.start.Before(*c.extent.Start) {
			c.extent.Start = &sp.start
		}
		if c.extent.End == nil || sp.end.After(*c.extent.End) {
			c.extent.End = &sp.end
		}
	}
	if hasBound {
		c.extent.BBox = &bound
	}
	return c, nil
}

// idText returns the text by which a feature id is looked up: the string itself, or the number in decimal.
func idText(id any) (string, bool) {
	switch v := id.(type) {
	case string:
		return v, v != ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// Info returns the description the collection was made with.
func (c *MemoryCollection) Info() CollectionInfo { return c.info }

// Extent returns the bounding box of the features' geometries and the span of their temporal property.
func (c *MemoryCollection) Extent(context.Context) (Extent, error) { return c.extent, nil }

// Items returns the page of features matching q, in the order the collection was made with (after the feature
// q.After, when set; an unknown one gives an empty page), with one more feature when one follows, and how many match.
// A feature matches q.BBox when its geometry intersects the box (a feature without geometry never does), q.Datetime
// when the time in its temporal property, an instant or a whole day, shares an instant with the interval (a feature
// without one never does), and each of q.Filters when its property of that name, written as text, equals the value.
func (c *MemoryCollection) Items(ctx context.Context, q Query) ([]*geojson.Feature, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	start := 0
	if q.After != "" {
		i, ok := c.byID[q.After]
		if !ok {
			return nil, 0, nil
		}
		start = i + 1
	}
	var page []*geojson.Feature
	matched, skipped := 0, 0
	for i, f := range c.features {
		if !c.matches(i, f, q) {
			continue
		}
		matched++
		if i < start {
			continue
		}
		if skipped < q.Offset {
			skipped++
			continue
		}
		if len(page) <= q.Limit {
			page = append(page, f)
		}
	}
	return page, matched, nil
}

// matches reports whether features[i], f, matches every filter of q.
func (c *MemoryCollection) matches(i int, f *geojson.Feature, q Query) bool {
	if q.BBox != nil && !intersects(*q.BBox, f.Geometry) {
		return false
	}
	if !q.Datetime.IsZero() {
		sp := c.spans[i]
		if !sp.ok || !q.Datetime.Overlaps(&sp.start, &sp.end) {
			return false
		}
	}
	for name, want := range q.Filters {
		got, ok := propertyText(f.Properties[name])
		if !ok || got != want {
			return false
		}
	}
	return true
}

// intersects reports whether geometry g shares a point with bound b.
func intersects(b orb.Bound, g orb.Geometry) bool {
	if g == nil || !b.Intersects(g.Bound()) {
		return false
	}
	switch g := g.(type) {
	case orb.Point:
		return b.Contains(g)
	case orb.Bound:
		return true
	}
	gb := g.Bound()
	if b.Contains(gb.Min) && b.Contains(gb.Max) {
		return true
	}
	return clip.Geometry(b, orb.Clone(g)) != nil // clip works in place
}

// propertyText returns a property value as the text a filter compares with: a string itself, a number in decimal,
// a boolean as true or false. Other values (null, arrays, objects) match no filter.
func propertyText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	}
	return idText(v)
}

// Item returns the feature whose id, as text, is id, or an error wrapping ErrNotFound.
func (c *MemoryCollection) Item(ctx context.Context, id string) (*geojson.Feature, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	i, ok := c.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: no feature %q in collection %q", ErrNotFound, id, c.info.ID)
	}
	return c.features[i], nil
}
