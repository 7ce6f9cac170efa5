package atlas

import (
	"context"
	"math"
	"sync"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
)

// PlaceStore is what the atlas needs of the gazetteer's store.
type PlaceStore interface {
	gazetteer.Store
	// EachPlaceSummary calls fn with every place, without its alternate names and long texts, in id order.
	EachPlaceSummary(ctx context.Context, fn func(gazetteer.Place) error) error
	// CountPlaces returns how many places there are.
	CountPlaces(ctx context.Context) (int, error)
	// Version changes whenever places change.
	Version(ctx context.Context) (int64, error)
}

// place is what the atlas keeps in memory of every settlement: enough to draw and label it.
type place struct {
	ID, Name, NameRU, NameUK, Country, Admin1, Admin2, FeatureCode string
	Point                                                          orb.Point
	Population                                                     int64
	PrecisionKM                                                    float64
	Approximate                                                    bool
}

func summarize(p gazetteer.Place) place {
	return place{ID: p.ID, Name: p.Name, NameRU: p.NameIn("ru"), NameUK: p.NameIn("uk"), Country: p.Country,
		Admin1: p.Admin1, Admin2: p.Admin2, FeatureCode: p.FeatureCode, Point: p.Point, Population: p.Population,
		PrecisionKM: p.PrecisionKM, Approximate: p.Approximate}
}

// cellDeg is the size of the in-memory grid's cells in degrees.
const cellDeg = 0.25

// placeIndex is an immutable in-memory grid of every place's summary, rebuilt when the places version changes.
type placeIndex struct {
	version int64
	places  []place
	byID    map[string]int32
	cells   map[[2]int32][]int32
	bound   orb.Bound
}

func cellOf(p orb.Point) [2]int32 {
	return [2]int32{int32(math.Floor(p.Lon() / cellDeg)), int32(math.Floor(p.Lat() / cellDeg))}
}

func newPlaceIndex(version int64, places []place) *placeIndex {
	ix := &placeIndex{version: version, places: places, byID: make(map[string]int32, len(places)),
		cells: map[[2]int32][]int32{}}
	for i, p := range places {
		ix.byID[p.ID] = int32(i)
		c := cellOf(p.Point)
		ix.cells[c] = append(ix.cells[c], int32(i))
		if i == 0 {
			ix.bound = p.Point.Bound()
		} else {
			ix.bound = ix.bound.Extend(p.Point)
		}
	}
	return ix
}

// within calls fn with every place whose point is inside b.
func (ix *placeIndex) within(b orb.Bound, fn func(p *place)) {
	lo, hi := cellOf(b.Min), cellOf(b.Max)
	if int64(hi[0]-lo[0]+1)*int64(hi[1]-lo[1]+1) > int64(len(ix.cells)) {
		for c, ids := range ix.cells { // the bound covers more cells than exist: walk the occupied ones
			if c[0] >= lo[0] && c[0] <= hi[0] && c[1] >= lo[1] && c[1] <= hi[1] {
				ix.each(ids, b, fn)
			}
		}
		return
	}
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			ix.each(ix.cells[[2]int32{x, y}], b, fn)
		}
	}
}

func (ix *placeIndex) each(ids []int32, b orb.Bound, fn func(p *place)) {
	for _, i := range ids {
		if p := &ix.places[i]; b.Contains(p.Point) {
			fn(p)
		}
	}
}

func (ix *placeIndex) place(id string) (*place, bool) {
	i, ok := ix.byID[id]
	if !ok {
		return nil, false
	}
	return &ix.places[i], true
}

// placeCache keeps the placeIndex current.
type placeCache struct {
	store PlaceStore
	mu    sync.Mutex
	ix    *placeIndex
}

func (c *placeCache) index(ctx context.Context) (*placeIndex, error) {
	v, err := c.store.Version(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ix != nil && c.ix.version == v {
		return c.ix, nil
	}
	n, err := c.store.CountPlaces(ctx)
	if err != nil {
		return nil, err
	}
	ps := make([]place, 0, n)
	err = c.store.EachPlaceSummary(ctx, func(p gazetteer.Place) error {
		ps = append(ps, summarize(p))
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.ix = newPlaceIndex(v, ps)
	return c.ix, nil
}
