package atlas

import (
	"context"
	"encoding/binary"
	"io"
	"slices"
	"sort"
	"strings"
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

// place is what the atlas shows of a settlement: enough to draw and label it. The index keeps places in a compact
// form and makes a place value only for what a request returns.
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

// placeRec is the compact record of one place: 56 bytes plus its id and names in the index's arena. Its number in
// the index (its "dense number") is its rank in id order, so comparing numbers compares ids.
type placeRec struct {
	pt             orb.Point
	pop            int64
	prec           float32
	str            uint32 // offset in arena of the id, name, Russian and Ukrainian names, each length-prefixed
	admin1, admin2 uint32 // in the index's table of shared strings
	country, code  uint32
	approx         bool
}

// placeIndex is an immutable in-memory index of every place, rebuilt when the places version changes: compact
// records in id order, a string arena, and a k-d tree over the points that answers both "every place in a bound"
// and "the n most populous places in a bound" (kdtree.go) in time that grows with the answer, not the bound.
type placeIndex struct {
	version int64
	recs    []placeRec
	arena   string
	shared  []string // admin units, countries and feature codes, each stored once
	bound   orb.Bound
	kd      kdTree
}

// placeIndexBuilder collects places in id order and makes the index.
type placeIndexBuilder struct {
	recs   []placeRec
	arena  []byte
	shared []string
	intern map[string]uint32
}

func newPlaceIndexBuilder(n int) *placeIndexBuilder {
	return &placeIndexBuilder{recs: make([]placeRec, 0, n), arena: make([]byte, 0, n*16),
		shared: []string{""}, intern: map[string]uint32{"": 0}}
}

func (b *placeIndexBuilder) share(s string) uint32 {
	if i, ok := b.intern[s]; ok {
		return i
	}
	i := uint32(len(b.shared))
	s = strings.Clone(s)
	b.shared = append(b.shared, s)
	b.intern[s] = i
	return i
}

func (b *placeIndexBuilder) add(p place) {
	r := placeRec{pt: p.Point, pop: p.Population, prec: float32(p.PrecisionKM), str: uint32(len(b.arena)),
		admin1: b.share(p.Admin1), admin2: b.share(p.Admin2), country: b.share(p.Country),
		code: b.share(p.FeatureCode), approx: p.Approximate}
	for _, s := range [...]string{p.ID, p.Name, p.NameRU, p.NameUK} {
		b.arena = binary.AppendUvarint(b.arena, uint64(len(s)))
		b.arena = append(b.arena, s...)
	}
	b.recs = append(b.recs, r)
}

func (b *placeIndexBuilder) finish(version int64) *placeIndex {
	ix := &placeIndex{version: version, recs: slices.Clip(b.recs), arena: string(b.arena), shared: b.shared}
	for i, r := range ix.recs {
		if i == 0 {
			ix.bound = r.pt.Bound()
		} else {
			ix.bound = ix.bound.Extend(r.pt)
		}
	}
	ix.kd = newKDTree(ix.recs)
	return ix
}

// newPlaceIndex indexes places (in any order; the index orders them by id).
func newPlaceIndex(version int64, places []place) *placeIndex {
	ps := slices.Clone(places)
	slices.SortFunc(ps, func(a, b place) int { return strings.Compare(a.ID, b.ID) })
	b := newPlaceIndexBuilder(len(ps))
	for _, p := range ps {
		b.add(p)
	}
	return b.finish(version)
}

// len returns the number of places.
func (ix *placeIndex) len() int { return len(ix.recs) }

// strs returns the id, name and official Russian and Ukrainian names of place i, sharing the arena's memory.
func (ix *placeIndex) strs(i int32) (out [4]string) {
	off := int(ix.recs[i].str)
	for k := range out {
		n, w := uvarint(ix.arena, off)
		off += w
		out[k] = ix.arena[off : off+int(n)]
		off += int(n)
	}
	return out
}

// id returns the id of place i.
func (ix *placeIndex) id(i int32) string {
	off := int(ix.recs[i].str)
	n, w := uvarint(ix.arena, off)
	return ix.arena[off+w : off+w+int(n)]
}

// uvarint decodes the unsigned varint at s[off:], returning it and its length.
func uvarint(s string, off int) (n uint64, w int) {
	for shift := 0; ; shift += 7 {
		c := s[off+w]
		w++
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return n, w
		}
	}
}

// at returns place i.
func (ix *placeIndex) at(i int32) *place {
	r := &ix.recs[i]
	s := ix.strs(i)
	return &place{ID: s[0], Name: s[1], NameRU: s[2], NameUK: s[3], Country: ix.shared[r.country],
		Admin1: ix.shared[r.admin1], Admin2: ix.shared[r.admin2], FeatureCode: ix.shared[r.code], Point: r.pt,
		Population: r.pop, PrecisionKM: float64(r.prec), Approximate: r.approx}
}

// lookup returns the number of the place with id, by binary search over the id order.
func (ix *placeIndex) lookup(id string) (int32, bool) {
	i := sort.Search(len(ix.recs), func(i int) bool { return ix.id(int32(i)) >= id })
	return int32(i), i < len(ix.recs) && ix.id(int32(i)) == id
}

// within calls fn with every place whose point is inside b.
func (ix *placeIndex) within(b orb.Bound, fn func(p *place)) {
	ix.kd.within(ix.recs, b, func(i int32) { fn(ix.at(i)) })
}

func (ix *placeIndex) place(id string) (*place, bool) {
	i, ok := ix.lookup(id)
	if !ok {
		return nil, false
	}
	return ix.at(i), true
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
	ps, stored := c.store.(PlaceIndexStore)
	if stored {
		var ix *placeIndex
		_, err := ps.ReadPlaceIndex(ctx, v, func(r io.Reader, size int64) error {
			var err error
			ix, err = decodePlaceIndex(r, size)
			return err
		})
		if err == nil && ix != nil && ix.version == v {
			c.ix = ix
			return ix, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		} // any other failure to read the cache: build the index from the places

	}
	ix, err := loadPlaceIndex(ctx, c.store, v)
	if err != nil {
		return nil, err
	}
	c.ix = ix
	if stored {
		// A cache: when it cannot be stored (a read-only store, a full disk) the next start scans the places again.
		_ = ps.SavePlaceIndex(context.WithoutCancel(ctx), v, ix.writeTo)
	}
	return ix, nil
}

// loadPlaceIndex builds the index of version v from every place of the store.
func loadPlaceIndex(ctx context.Context, store PlaceStore, v int64) (*placeIndex, error) {
	n, err := store.CountPlaces(ctx)
	if err != nil {
		return nil, err
	}
	b := newPlaceIndexBuilder(n)
	sorted := true
	last := ""
	err = store.EachPlaceSummary(ctx, func(p gazetteer.Place) error {
		if len(b.recs) > 0 && p.ID <= last {
			sorted = false
		}
		last = p.ID
		b.add(summarize(p))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !sorted { // a store that does not order by id as asked: sort here
		tmp := b.finish(v)
		ps := make([]place, tmp.len())
		for i := range ps {
			ps[i] = *tmp.at(int32(i))
		}
		return newPlaceIndex(v, ps), nil
	}
	return b.finish(v), nil
}
