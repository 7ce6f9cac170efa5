package atlas

import (
	"context"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/names"
)

// Limits of the GeoJSON API.
const (
	DefaultLimit = 1000
	MaxLimit     = 10000
)

// parseBBox reads "minLon,minLat,maxLon,maxLat".
func parseBBox(param, s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, paramErr(param, s, "want minLon,minLat,maxLon,maxLat")
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) {
			return orb.Bound{}, paramErr(param, s, "%q is not a number", p)
		}
		v[i] = f
	}
	b := orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	switch {
	case v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90:
		return b, paramErr(param, s, "out of range: longitudes in [-180,180], latitudes in [-90,90]")
	case v[0] > v[2] || v[1] > v[3]:
		return b, paramErr(param, s, "minimum greater than maximum")
	}
	return b, nil
}

func parseLimit(s string) (int, error) {
	if s == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, paramErr("limit", s, "want an integer from 1 to %d", MaxLimit)
	}
	return n, nil
}

// SettlementsResult is the GeoJSON answer of /api/settlements.
type SettlementsResult struct {
	// Collection holds the features.
	*geojson.FeatureCollection
}

var settlementsParams = map[string]bool{"bbox": true, "as_of": true, "source": true, "known_on": true, "q": true, "limit": true}

// Settlements lists settlements with their status: in bbox, matching q (any spelling), as of a date, as one source
// or the consensus sees them; at most limit (default 1000), largest first, then by id.
func (a *Atlas) Settlements(ctx context.Context, q url.Values) (*geojson.FeatureCollection, error) {
	if err := onlyParams(q, settlementsParams); err != nil {
		return nil, err
	}
	pix, lix, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	view, err := a.parseView(lix, q.Get("as_of"), q.Get("source"), q.Get("known_on"))
	if err != nil {
		return nil, err
	}
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		return nil, err
	}
	b := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	if s := q.Get("bbox"); s != "" {
		if b, err = parseBBox("bbox", s); err != nil {
			return nil, err
		}
	}
	var picked []int32 // place numbers
	if text := q.Get("q"); text != "" {
		keys := names.QueryKeys(text)
		if len(keys) == 0 {
			return nil, paramErr("q", text, "no letters to search for")
		}
		ms, err := a.deps.Places.PlacesByKeys(ctx, keys)
		if err != nil {
			return nil, err
		}
		seen := map[int32]bool{}
		for _, m := range ms {
			if i, ok := pix.lookup(m.Place.ID); ok && !seen[i] && b.Contains(pix.recs[i].pt) {
				seen[i] = true
				picked = append(picked, i)
			}
		}
	} else {
		pix.kd.within(pix.recs, b, func(i int32) { picked = append(picked, i) })
	}
	// Rank every match by priority, keeping 16 bytes a match (a whole-world query over a million places): the
	// status and the feature are made again for the ones returned.
	type item struct {
		i    int32
		prio float64
	}
	items := make([]item, len(picked))
	for k, i := range picked {
		if k%4096 == 0 {
			if err := ctx.Err(); err != nil { // the client went away: stop (a large store takes a while)
				return nil, err
			}
		}
		items[k] = item{i, priorityOf(pix.recs[i].pop, lix.StatusOf(pix.id(i), view.Query))}
	}
	sort.Slice(items, func(j, k int) bool {
		if items[j].prio != items[k].prio {
			return items[j].prio > items[k].prio
		}
		return items[j].i < items[k].i // place numbers follow the id order
	})
	fc := geojson.NewFeatureCollection()
	fc.ExtraMembers = geojson.Properties{"numberMatched": len(items), "as_of": view.AsOf.String(),
		"as_of_reason": view.Reason(), "view": viewName(view)}
	if !view.KnownOn.IsZero() {
		fc.ExtraMembers["known_on"] = view.KnownOn.String()
	}
	for k, it := range items {
		if k == limit {
			break
		}
		if k%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := pix.at(it.i)
		fc.Append(feature(p, lix.StatusOf(p.ID, view.Query), view))
	}
	fc.ExtraMembers["numberReturned"] = len(fc.Features)
	return fc, nil
}

var settlementParams = map[string]bool{"as_of": true, "source": true, "known_on": true}

// Settlement returns one settlement as a GeoJSON feature with every name, its status as of the date (each source's
// view) and its full claim history, oldest first. It is public: who recorded each claim (a write token's name) is
// left out; DeskSettlement keeps it.
func (a *Atlas) Settlement(ctx context.Context, id string, q url.Values) (*geojson.Feature, error) {
	return a.settlement(ctx, id, q, false)
}

// DeskSettlement is Settlement for the signed-in desk: the history says who recorded each claim.
func (a *Atlas) DeskSettlement(ctx context.Context, id string, q url.Values) (*geojson.Feature, error) {
	return a.settlement(ctx, id, q, true)
}

func (a *Atlas) settlement(ctx context.Context, id string, q url.Values, internal bool) (*geojson.Feature, error) {
	if err := onlyParams(q, settlementParams); err != nil {
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
	p, err := a.place(ctx, id)
	if err != nil {
		return nil, err
	}
	st := lix.StatusOf(p.ID, view.Query)
	hist, err := lix.History(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if !internal {
		for i := range hist {
			hist[i].RecordedBy = ""
		}
	}
	sp := summarize(p)
	f := feature(&sp, st, view)
	f.Properties["names"] = p.Names
	f.Properties["status_detail"] = st
	f.Properties["history"] = hist
	for k, v := range map[string]any{"location_method": p.LocationMethod, "location_source": p.LocationSource,
		"location_note": p.LocationNote, "source": p.Source, "confidence": p.Confidence, "place_type": p.PlaceType} {
		if v != "" {
			f.Properties[k] = v
		}
	}
	if len(p.Near) > 0 {
		f.Properties["near"] = p.Near
	}
	if len(p.Codes) > 0 {
		f.Properties["codes"] = p.Codes
	}
	if p.Slug != "" {
		f.Properties["slug"] = p.Slug
	}
	if p.PopulationYear > 0 {
		f.Properties["population_year"] = p.PopulationYear
	}
	sources := map[string]ledger.Source{}
	for _, v := range st.Views {
		if s, ok := lix.Source(v.Source); ok {
			sources[v.Source] = s
		}
	}
	for _, e := range hist {
		if s, ok := lix.Source(e.SourceID); ok {
			sources[e.SourceID] = s
		}
	}
	f.Properties["source_registry"] = sources
	return f, nil
}

// GeocodeResult is the JSON contract of /api/geocode (the same as tiled geocode --json).
type GeocodeResult struct {
	Query      string         `json:"query"`
	Ambiguous  bool           `json:"ambiguous"`
	Candidates []GeocodeMatch `json:"candidates"`
}

// GeocodeMatch is one candidate of GeocodeResult.
type GeocodeMatch struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// NameRU and NameUK are the official Russian and Ukrainian names, when the gazetteer has them (as name_ru and
	// name_uk of the places' GeoJSON), for a page to show the candidate in its language.
	NameRU      string   `json:"name_ru,omitempty"`
	NameUK      string   `json:"name_uk,omitempty"`
	Lat         float64  `json:"lat"`
	Lon         float64  `json:"lon"`
	Country     string   `json:"country"`
	Admin1      string   `json:"admin1"`
	Admin2      string   `json:"admin2"`
	Score       float64  `json:"score"`
	Reasons     []string `json:"reasons"`
	Approximate bool     `json:"approximate"`
	PrecisionKM float64  `json:"precision_km,omitempty"`
	DistanceKM  *float64 `json:"distance_km,omitempty"`
}

// NewGeocodeResult converts a gazetteer result to the JSON contract.
func NewGeocodeResult(res gazetteer.Result) GeocodeResult {
	out := GeocodeResult{Query: res.Query, Ambiguous: res.Ambiguous, Candidates: []GeocodeMatch{}}
	for _, c := range res.Candidates {
		m := GeocodeMatch{ID: c.Place.ID, Name: c.Place.Name, NameRU: c.Place.NameIn("ru"), NameUK: c.Place.NameIn("uk"), Lat: c.Place.Point.Lat(), Lon: c.Place.Point.Lon(),
			Country: c.Place.Country, Admin1: c.Place.Admin1, Admin2: c.Place.Admin2, Score: c.Score,
			Reasons: c.Reasons, Approximate: c.Place.Approximate, PrecisionKM: c.Place.PrecisionKM}
		if m.Reasons == nil {
			m.Reasons = []string{}
		}
		if c.DistanceKM >= 0 {
			d := c.DistanceKM
			m.DistanceKM = &d
		}
		out.Candidates = append(out.Candidates, m)
	}
	return out
}

var geocodeParams = map[string]bool{"q": true, "context": true, "near": true, "within_km": true, "limit": true}

// Geocode answers /api/geocode?q=&context=&near=LAT,LON&within_km=&limit=.
func (a *Atlas) Geocode(ctx context.Context, q url.Values) (GeocodeResult, error) {
	if err := onlyParams(q, geocodeParams); err != nil {
		return GeocodeResult{}, err
	}
	query := gazetteer.Query{Name: q.Get("q"), Context: q.Get("context")}
	if strings.TrimSpace(query.Name) == "" {
		return GeocodeResult{}, paramErr("q", "", "required: the name to look up")
	}
	if s := q.Get("near"); s != "" {
		lat, lon, ok := strings.Cut(s, ",")
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
		if !ok || err1 != nil || err2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 {
			return GeocodeResult{}, paramErr("near", s, "want LAT,LON in range")
		}
		query.Near = &orb.Point{lo, la}
	}
	if s := q.Get("within_km"); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 {
			return GeocodeResult{}, paramErr("within_km", s, "want a positive number")
		}
		query.WithinKM = f
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return GeocodeResult{}, paramErr("limit", s, "want an integer from 1 to 100")
		}
		query.Limit = n
	}
	res, err := gazetteer.Geocoder{Store: a.deps.Places}.Geocode(ctx, query)
	if err != nil {
		return GeocodeResult{}, err
	}
	return NewGeocodeResult(res), nil
}

// Sources lists the source registry.
func (a *Atlas) Sources(ctx context.Context, q url.Values) ([]ledger.Source, error) {
	if err := onlyParams(q, nil); err != nil {
		return nil, err
	}
	_, lix, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	return lix.Sources(), nil
}

var claimsParams = map[string]bool{"settlement": true, "source": true, "since": true}

// Claims lists claims, oldest first: of one settlement (id or slug), of one source, valid on or after since. It is
// public: who recorded each claim is left out.
func (a *Atlas) Claims(ctx context.Context, q url.Values) ([]ledger.Claim, error) {
	if err := onlyParams(q, claimsParams); err != nil {
		return nil, err
	}
	_, lix, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	f := ledger.ClaimFilter{Source: q.Get("source")}
	if f.Source != "" {
		if _, ok := lix.Source(f.Source); !ok {
			return nil, paramErr("source", f.Source, "unknown source (see /api/sources)")
		}
	}
	if s := q.Get("settlement"); s != "" {
		p, err := a.place(ctx, s)
		if err != nil {
			return nil, paramErr("settlement", s, "unknown settlement")
		}
		f.Settlement = p.ID
	}
	var since ledger.Date
	if s := q.Get("since"); s != "" {
		d, err := ledger.ParseDate(s)
		if err != nil {
			return nil, paramErr("since", s, "want a date YYYY-MM-DD")
		}
		since = d
	}
	claims, err := a.deps.Ledger.Claims(ctx, f)
	if err != nil {
		return nil, err
	}
	out := claims[:0]
	for _, c := range claims {
		if since.IsZero() || !c.ValidAt.Before(since) {
			c.RecordedBy = "" // a write token's name: internal (the desk's feed and history show it)
			out = append(out, c)
		}
	}
	if out == nil {
		out = []ledger.Claim{}
	}
	return out, nil
}

var diffParams = map[string]bool{"from": true, "to": true}

// Diff lists the settlements whose consensus or any source's view changed between two dates.
func (a *Atlas) Diff(ctx context.Context, q url.Values) ([]ledger.Change, error) {
	if err := onlyParams(q, diffParams); err != nil {
		return nil, err
	}
	_, lix, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	var dates [2]ledger.Date
	for i, k := range []string{"from", "to"} {
		s := q.Get(k)
		d, err := ledger.ParseDate(s)
		if err != nil {
			return nil, paramErr(k, s, "required: a date YYYY-MM-DD")
		}
		dates[i] = d
	}
	if dates[1].Before(dates[0]) {
		return nil, paramErr("to", q.Get("to"), "before from")
	}
	changes := lix.Diff(dates[0], dates[1])
	if changes == nil {
		changes = []ledger.Change{}
	}
	return changes, nil
}
