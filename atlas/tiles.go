package atlas

import (
	"container/heap"
	"context"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/tiles"
)

// TileResult is an encoded tile and what the HTTP layer needs to serve it.
type TileResult struct {
	// Entry holds the raw and gzipped bytes and the ETag.
	Entry tiles.Entry
	// Immutable is true when the request named the current data version and a fixed date: the bytes at this URL
	// will not change, so caches may keep them for long.
	Immutable bool
	// Hit is true when the tile came from the cache.
	Hit bool
}

type tileSource struct {
	pix  *placeIndex
	lix  *ledger.Index
	view View
}

// Features implements tiles.Source.
func (s tileSource) Features(_ context.Context, b orb.Bound) ([]tiles.Feature, error) {
	var out []tiles.Feature
	s.pix.within(b, func(p *place) {
		st := s.lix.StatusOf(p.ID, s.view.Query)
		out = append(out, tiles.Feature{ID: p.ID, Point: p.Point, Priority: priority(p, st),
			LazyProps: func() map[string]any { return tileProps(p, st, s.view) }})
	})
	return out, nil
}

// FeaturesLimit implements tiles.LimitSource: it keeps only the limit places of highest priority (ties by id) in a
// min-heap while it walks the bound, and builds features for those alone.
func (s tileSource) FeaturesLimit(_ context.Context, b orb.Bound, limit int) ([]tiles.Feature, error) {
	h := make(candHeap, 0, limit)
	s.pix.within(b, func(p *place) {
		st := s.lix.StatusOf(p.ID, s.view.Query)
		c := cand{p: p, st: st, prio: priority(p, st)}
		if len(h) < limit {
			heap.Push(&h, c)
		} else if c.outranks(h[0]) {
			h[0] = c
			heap.Fix(&h, 0)
		}
	})
	out := make([]tiles.Feature, len(h))
	for i, c := range h {
		out[i] = tiles.Feature{ID: c.p.ID, Point: c.p.Point, Priority: c.prio,
			LazyProps: func() map[string]any { return tileProps(c.p, c.st, s.view) }}
	}
	return out, nil
}

type cand struct {
	p    *place
	st   ledger.Status
	prio float64
}

// outranks orders as tiles.Build does: higher priority first, then the smaller id.
func (c cand) outranks(d cand) bool {
	if c.prio != d.prio {
		return c.prio > d.prio
	}
	return c.p.ID < d.p.ID
}

// candHeap is a min-heap: the weakest candidate on top, to be replaced by a stronger one.
type candHeap []cand

func (h candHeap) Len() int           { return len(h) }
func (h candHeap) Less(i, j int) bool { return h[j].outranks(h[i]) }
func (h candHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *candHeap) Push(x any)        { *h = append(*h, x.(cand)) }
func (h *candHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// tileParams are the query parameters a tile request may carry.
var tileParams = map[string]bool{"as_of": true, "source": true, "known_on": true, "v": true}

// Tile returns tile z/x/y (y carrying the ".mvt" suffix) for the view the query asks for.
func (a *Atlas) Tile(ctx context.Context, z, x, y string, q url.Values) (TileResult, error) {
	var res TileResult
	t, err := tiles.ParsePath(z, x, y, a.cfg.MaxZoom)
	if err != nil {
		return res, err
	}
	if err := onlyParams(q, tileParams); err != nil {
		return res, err
	}
	pix, lix, err := a.tileState(ctx)
	if err != nil {
		return res, err
	}
	view, err := a.parseView(lix, q.Get("as_of"), q.Get("source"), q.Get("known_on"))
	if err != nil {
		return res, err
	}
	if v := q.Get("v"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return res, paramErr("v", v, "want the data version, an integer (see /tiles.json)")
		}
		res.Immutable = n == lix.Version() && !view.Today
	}
	key := tiles.Key{Tile: t, AsOf: view.AsOf.String(), Source: viewName(view), KnownOn: dateString(view.KnownOn), Version: pix.version}
	if e, ok := a.tiles.Get(key); ok {
		res.Entry, res.Hit = e, true
		return res, nil
	}
	raw, err := a.buildTile(ctx, tileSource{pix: pix, lix: lix, view: view}, t)
	if err != nil {
		return res, err
	}
	res.Entry = a.tiles.NewEntry(raw)
	a.putTile(key, res.Entry, lix)
	return res, nil
}

// onlyParams rejects any query parameter not in allowed, rather than silently ignoring it.
func onlyParams(q url.Values, allowed map[string]bool) error {
	for k, vs := range q {
		if !allowed[k] {
			return paramErr(k, "", "unknown parameter")
		}
		if len(vs) > 1 {
			return paramErr(k, "", "given %d times", len(vs))
		}
	}
	return nil
}

// tileOptions are the options every tile is built with; invalidation uses the same buffer.
func (a *Atlas) tileOptions() tiles.Options { return tiles.Options{MaxZoom: a.cfg.MaxZoom} }

// TileJSONOptions describe the tile set for TileJSON; base is the server's public URL.
func (a *Atlas) TileJSON(ctx context.Context, base string, q url.Values) (tiles.TileJSONDoc, error) {
	if err := onlyParams(q, map[string]bool{"as_of": true, "source": true, "known_on": true}); err != nil {
		return tiles.TileJSONDoc{}, err
	}
	pix, lix, err := a.state(ctx)
	if err != nil {
		return tiles.TileJSONDoc{}, err
	}
	view, err := a.parseView(lix, q.Get("as_of"), q.Get("source"), q.Get("known_on"))
	if err != nil {
		return tiles.TileJSONDoc{}, err
	}
	tq := url.Values{}
	if !view.Today {
		tq.Set("as_of", view.AsOf.String())
	}
	if view.Source != "" {
		tq.Set("source", view.Source)
	}
	if !view.KnownOn.IsZero() {
		tq.Set("known_on", view.KnownOn.String())
	}
	tmpl := base + "/tiles/{z}/{x}/{y}" + tiles.TileSuffix
	if len(tq) > 0 {
		tmpl += "?" + tq.Encode()
	}
	opt := tiles.TileJSONOptions{Name: "tiled settlements", Attribution: a.cfg.Attribution, Tiles: []string{tmpl},
		Description: "Settlements of the front line with each source's control claims, as of " + view.AsOf.String(),
		DataVersion: strconv.FormatInt(lix.Version(), 10), MaxZoom: a.cfg.MaxZoom}
	if len(pix.places) > 0 {
		b := pix.bound
		opt.Bounds = [4]float64{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()}
	}
	return tiles.TileJSON(opt), nil
}

// StyleOptions configure the MapLibre style's basemap.
type StyleOptions struct {
	// BasemapTiles is a raster XYZ template; "" for none.
	BasemapTiles string
	// BasemapAttribution credits the basemap.
	BasemapAttribution string
}

// Style returns the MapLibre style of the settlement layer for the view in q.
func (a *Atlas) Style(base string, q url.Values, opt StyleOptions) (map[string]any, error) {
	if err := onlyParams(q, map[string]bool{"as_of": true, "source": true}); err != nil {
		return nil, err
	}
	u := base + "/tiles.json"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return tiles.Style(tiles.StyleOptions{Name: "tiled", TileJSONURL: u, BasemapTiles: opt.BasemapTiles,
		BasemapAttribution: opt.BasemapAttribution}), nil
}

// putTile caches a tile built from ledger index lix, unless the ledger has moved on since: a tile built from an
// index older than a write that ledgerUpdated already invalidated must not come back as a stale cache entry.
func (a *Atlas) putTile(key tiles.Key, e tiles.Entry, lix *ledger.Index) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if lix == a.known {
		a.tiles.Put(key, e)
	}
}

// TileStateMaxAge is how long Tile trusts the indexes it last used before asking the store for its versions again.
// Asking costs two SQLite queries, which under load were most of a cached tile's cost and, through the read pool,
// its queueing: with it a change made by another process (the CLI) shows in tiles within this time. The atlas's
// own writes show at once: they publish a new ledger index, which makes the next tile re-read the store.
const TileStateMaxAge = 250 * time.Millisecond

// tileHotPath is what Tile keeps between calls.
type tileHotPath struct {
	recent atomic.Pointer[tileSnapshot] // the indexes Tile last read, and when
	builds chan struct{}                // one slot per concurrent build (GOMAXPROCS), made by New; see buildTile
}

type tileSnapshot struct {
	pix *placeIndex
	lix *ledger.Index
	at  time.Time
}

// tileState returns the indexes a tile is built from: those of the last call when they are younger than
// TileStateMaxAge and no own write has happened or is running since, else a.state's.
func (a *Atlas) tileState(ctx context.Context) (*placeIndex, *ledger.Index, error) {
	if s := a.hot.recent.Load(); s != nil && time.Since(s.at) < TileStateMaxAge {
		a.mu.Lock()
		current := a.known == s.lix && a.placesVer == s.pix.version
		a.mu.Unlock()
		if current {
			return s.pix, s.lix, nil
		}
	}
	at := time.Now()
	pix, lix, err := a.state(ctx)
	if err != nil {
		return nil, nil, err
	}
	a.hot.recent.Store(&tileSnapshot{pix: pix, lix: lix, at: at})
	return pix, lix, nil
}

// buildTile builds t with at most GOMAXPROCS builds at a time. A build is CPU-bound, so more at once adds no
// throughput, only memory: a low-zoom tile over 140,000 places holds a candidate per place while it is built, and
// 64 cold requests at once took the server's peak RSS from under 200 MB to 385 MB in the load test.
func (a *Atlas) buildTile(ctx context.Context, src tileSource, t maptile.Tile) ([]byte, error) {
	select {
	case a.hot.builds <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-a.hot.builds }()
	return tiles.Build(ctx, src, t, a.tileOptions())
}
