package atlas

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"
	"sync"
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
	cl   *claimSet // the places with claims; nil: computed on use
	view View
}

// claimSet is the set of places the ledger has claims about, by place number: most places have none, and their
// status (unknown, no views) needs no lookup in the ledger. It is made on first use (load), by the first tile
// built after a write, so that requests served from the tile cache never wait for it.
type claimSet struct {
	pix    *placeIndex
	lix    *ledger.Index
	once   sync.Once
	num    []int32 // by place number: the ledger's settlement number (ledger.Index.Number), -1 without claims
	byRank []int32 // the places with claims in rank order (population, then number)
}

func newClaimSet(pix *placeIndex, lix *ledger.Index) *claimSet { return &claimSet{pix: pix, lix: lix} }

// load fills the set, once.
func (cs *claimSet) load() *claimSet {
	cs.once.Do(func() {
		cs.num = make([]int32, cs.pix.len())
		for i := range cs.num {
			cs.num[i] = -1
		}
		for _, id := range cs.lix.Settlements() {
			i, ok := cs.pix.lookup(id)
			n, ok2 := cs.lix.Number(id)
			if ok && ok2 {
				cs.num[i] = n
				cs.byRank = append(cs.byRank, i)
			}
		}
		slices.SortFunc(cs.byRank, cs.pix.kd.cmp)
	})
	return cs
}

func (cs *claimSet) claimed(i int32) bool { return cs.num[i] >= 0 }

// statusOf returns the status of place i, which has claims, looked up by the ledger's settlement number.
func (s tileSource) statusOf(cs *claimSet, i int32) ledger.Status {
	return s.lix.StatusOfNumber(cs.num[i], s.view.Query)
}

func (s tileSource) claims() *claimSet {
	if s.cl != nil {
		return s.cl.load()
	}
	return newClaimSet(s.pix, s.lix).load()
}

// feature makes the tile feature of place i with status st.
func (s tileSource) feature(i int32, st ledger.Status, prio float64) tiles.Feature {
	r := &s.pix.recs[i]
	return tiles.Feature{ID: s.pix.id(i), Point: r.pt, Priority: prio, Emphasis: st.Sources > 0,
		AppendAttrs: func(dst []tiles.Attr) []tiles.Attr {
			p := s.pix.at(i)
			if st.Settlement == "" { // a place without claims: its (unknown) status is made only now
				st = s.lix.StatusOf(p.ID, s.view.Query)
			}
			return tileAttrs(dst, p, st, s.view)
		}}
}

// status returns place i's status, or the zero Status (no views) without asking the ledger when it has no claims.
func (s tileSource) status(cs *claimSet, i int32) ledger.Status {
	if !cs.claimed(i) {
		return ledger.Status{}
	}
	return s.statusOf(cs, i)
}

// Features implements tiles.Source.
func (s tileSource) Features(_ context.Context, b orb.Bound) ([]tiles.Feature, error) {
	var out []tiles.Feature
	cs := s.claims()
	s.pix.kd.within(s.pix.recs, b, func(i int32) {
		st := s.status(cs, i)
		out = append(out, s.feature(i, st, priorityOf(s.pix.recs[i].pop, st)))
	})
	return out, nil
}

// FeaturesLimit implements tiles.LimitSource. Places with a view at the date outrank every other place, and among
// the others the most populous win: so the answer is the best of (a) the places with claims inside b, taken in rank
// order until limit of them have a view, and (b) the limit most populous places inside b, which the k-d tree gives
// from its ranked lists. Neither walks every place in b: a world tile over a million places reads a few thousand.
func (s tileSource) FeaturesLimit(_ context.Context, b orb.Bound, limit int) ([]tiles.Feature, error) {
	cs := s.claims()
	recs := s.pix.recs
	var cands []cand
	seen := map[int32]ledger.Status{} // the claimed places looked at, with their status
	viewed := 0
	take := func(i int32) bool {
		st := s.statusOf(cs, i)
		seen[i] = st
		if st.Sources > 0 {
			cands = append(cands, cand{i: i, st: st, prio: priorityOf(recs[i].pop, st)})
			viewed++
		}
		return viewed < limit
	}
	if n := s.pix.kd.count(recs, b); n <= len(cs.byRank) {
		// Fewer places in b than places with claims: look at those in b.
		var inB []int32
		s.pix.kd.within(recs, b, func(i int32) {
			if cs.claimed(i) {
				inB = append(inB, i)
			}
		})
		slices.SortFunc(inB, s.pix.kd.cmp)
		for _, i := range inB {
			if !take(i) {
				break
			}
		}
	} else {
		for _, i := range cs.byRank {
			if inBound(b, recs[i].pt) && !take(i) {
				break
			}
		}
	}
	if viewed < limit {
		for _, i := range s.pix.kd.best(recs, b, limit) {
			st, ok := seen[i]
			if !ok && cs.claimed(i) {
				st = s.statusOf(cs, i)
			}
			if st.Sources > 0 && ok {
				continue // already a candidate
			}
			cands = append(cands, cand{i: i, st: st, prio: priorityOf(recs[i].pop, st)})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if c := cmp.Compare(b.prio, a.prio); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	cands = cands[:min(len(cands), limit)]
	out := make([]tiles.Feature, len(cands))
	for k, c := range cands {
		out[k] = s.feature(c.i, c.st, c.prio)
	}
	return out, nil
}

type cand struct {
	i    int32
	st   ledger.Status
	prio float64
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
	pix, lix, cl, err := a.tileState(ctx)
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
	raw, err := a.buildTile(ctx, tileSource{pix: pix, lix: lix, cl: cl, view: view}, t)
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
func (a *Atlas) tileOptions() tiles.Options {
	return tiles.Options{MaxZoom: a.cfg.MaxZoom, Reference: a.cfg.Reference}
}

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
	desc := "Settlements of the front line with each source's control claims, as of " + view.AsOf.String()
	switch view.Reason() {
	case AsOfLatestClaims:
		desc += " (the latest claims: every claim is older than the staleness window)"
	case AsOfToday:
		desc += " (today)"
	}
	if !view.KnownOn.IsZero() {
		desc += ", as known on " + view.KnownOn.String()
	}
	opt := tiles.TileJSONOptions{Name: "tiled settlements", Attribution: a.cfg.Attribution, Tiles: []string{tmpl},
		Description: desc, DataVersion: strconv.FormatInt(lix.Version(), 10), MaxZoom: a.cfg.MaxZoom,
		AsOf: view.AsOf.String(), AsOfReason: view.Reason(), KnownOn: dateString(view.KnownOn)}
	if pix.len() > 0 {
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

// Style returns the MapLibre style of the settlement layer for the view in q. Its metadata states the view's date
// ("tiled:as_of", "tiled:as_of_reason", "tiled:known_on"), as every response describing a date does.
func (a *Atlas) Style(ctx context.Context, base string, q url.Values, opt StyleOptions) (map[string]any, error) {
	if err := onlyParams(q, map[string]bool{"as_of": true, "source": true, "known_on": true, "profile": true}); err != nil {
		return nil, err
	}
	_, lix, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	view, err := a.parseView(lix, q.Get("as_of"), q.Get("source"), q.Get("known_on"))
	if err != nil {
		return nil, err
	}
	qgis := false
	switch p := q.Get("profile"); p {
	case "":
	case "qgis": // drawn within what QGIS's MapBox GL converter understands (tiles.StyleOptions.QGIS)
		qgis = true
	default:
		return nil, paramErr("profile", p, "want qgis, or leave it out")
	}
	tq := url.Values{}
	for _, k := range []string{"as_of", "source", "known_on"} {
		if v := q.Get(k); v != "" {
			tq.Set(k, v)
		}
	}
	u := base + "/tiles.json"
	if len(tq) > 0 {
		u += "?" + tq.Encode()
	}
	st := tiles.Style(tiles.StyleOptions{Name: "tiled", TileJSONURL: u, BasemapTiles: opt.BasemapTiles,
		BasemapAttribution: opt.BasemapAttribution, QGIS: qgis})
	meta := map[string]any{"tiled:as_of": view.AsOf.String(), "tiled:as_of_reason": view.Reason(), "tiled:view": viewName(view)}
	if !view.KnownOn.IsZero() {
		meta["tiled:known_on"] = view.KnownOn.String()
	}
	st["metadata"] = meta
	return st, nil
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
	cl  *claimSet
	at  time.Time
}

// tileState returns the indexes a tile is built from, and the set of places with claims: those of the last call
// when they are younger than TileStateMaxAge and no own write has happened or is running since, else a.state's.
func (a *Atlas) tileState(ctx context.Context) (*placeIndex, *ledger.Index, *claimSet, error) {
	prev := a.hot.recent.Load()
	if prev != nil && time.Since(prev.at) < TileStateMaxAge {
		a.mu.Lock()
		current := a.known == prev.lix && a.placesVer == prev.pix.version
		a.mu.Unlock()
		if current {
			return prev.pix, prev.lix, prev.cl, nil
		}
	}
	at := time.Now()
	pix, lix, err := a.state(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	var cl *claimSet
	if prev != nil && prev.cl.pix == pix && prev.cl.lix == lix {
		cl = prev.cl
	} else {
		cl = newClaimSet(pix, lix)
	}
	a.hot.recent.Store(&tileSnapshot{pix: pix, lix: lix, cl: cl, at: at})
	return pix, lix, cl, nil
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
