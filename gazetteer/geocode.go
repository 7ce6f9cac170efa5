package gazetteer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/admin"
	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/names"
)

// Scoring weights. A name match dominates; context decides between namesakes; population only breaks ties.
const (
	scoreExactKey    = 1.0  // the query's own key matched
	scoreInflected   = 0.85 // matched after removing a preposition or case ending
	scoreSameSpell   = 0.05 // the query equals a stored spelling, not only its key
	scoreAdmin2      = 1.0  // district named in the context
	scoreAdmin1      = 0.6  // oblast named in the context
	scoreCountry     = 0.3  // country named in the context
	scoreNearPlace   = 0.8  // beside a place named in the context, falling to 0 at nearPlaceKM
	scoreNearPoint   = 0.8  // close to --near, falling to 0 at nearPointKM
	scorePopulation  = 0.05 // at most, for a city of 10 million
	nearPlaceKM      = 40.0
	nearPointKM      = 150.0
	ambiguousMargin  = 0.25
	defaultGeocodeN  = 10
	reverseMaxRadius = 2000.0
)

// ErrQuery is returned for an unusable geocoding query.
var ErrQuery = errors.New("gazetteer: bad query")

// Query is a geocoding request.
type Query struct {
	// Name is the place name as a report writes it, in any script, possibly inflected ("под Суджей").
	Name string
	// Context is free text naming an oblast, district, country or nearby places ("Krasnoyaruzhsky district, near
	// Demidovka").
	Context string
	// Near is a point of interest; nil for none.
	Near *orb.Point
	// WithinKM drops candidates farther than this from Near (or from every context place when Near is nil);
	// 0 for no cut-off.
	WithinKM float64
	// Limit caps the candidates returned; 0 means 10.
	Limit int
}

// Candidate is one place a query may mean.
type Candidate struct {
	// Place is the candidate.
	Place Place
	// Score ranks candidates; higher is better.
	Score float64
	// Reasons explain the score in words.
	Reasons []string
	// DistanceKM is the distance to Query.Near, or to the nearest context place; -1 when neither applies.
	DistanceKM float64
}

// Result is the answer to a Query.
type Result struct {
	// Query echoes the name asked for.
	Query string
	// Ambiguous is true when the best two candidates are too close to call, or when context was given and the best
	// candidate matches none of it.
	Ambiguous bool
	// Candidates are best first.
	Candidates []Candidate
}

// Geocoder resolves names to places.
type Geocoder struct {
	// Store is the gazetteer to search.
	Store Store
}

// Geocode ranks the places q.Name may denote.
func (g Geocoder) Geocode(ctx context.Context, q Query) (Result, error) {
	res := Result{Query: q.Name}
	if strings.TrimSpace(q.Name) == "" {
		return res, fmt.Errorf("%w: empty name", ErrQuery)
	}
	if q.Near != nil && !geo.ValidLonLat(q.Near.Lon(), q.Near.Lat()) {
		return res, fmt.Errorf("%w: near point %v out of range", ErrQuery, *q.Near)
	}
	if q.WithinKM < 0 || math.IsNaN(q.WithinKM) {
		return res, fmt.Errorf("%w: within-km must be positive", ErrQuery)
	}
	keys := names.QueryKeys(q.Name)
	if len(keys) == 0 {
		return res, fmt.Errorf("%w: %q has no letters to match", ErrQuery, q.Name)
	}
	matches, err := g.Store.PlacesByKeys(ctx, keys)
	if err != nil {
		return res, err
	}
	cands := nameCandidates(q.Name, keys, matches)
	ctxInfo, err := g.parseContext(ctx, q.Context, cands)
	if err != nil {
		return res, err
	}
	if q.WithinKM > 0 && q.Near == nil && len(ctxInfo.places) == 0 {
		return res, fmt.Errorf("%w: within-km needs a near point or a place named in the context", ErrQuery)
	}
	kept := cands[:0]
	for _, c := range cands {
		if ctxInfo.apply(c, q) {
			kept = append(kept, c)
		}
	}
	cands = kept
	for _, c := range cands {
		if c.Place.Population > 0 {
			c.Score += scorePopulation * math.Min(1, math.Log10(float64(c.Place.Population)+1)/7)
			c.Reasons = append(c.Reasons, fmt.Sprintf("population %d (tie-break only)", c.Place.Population))
		}
		if c.Place.Approximate {
			c.Reasons = append(c.Reasons, fmt.Sprintf("approximate location (±%g km)", c.Place.PrecisionKM))
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Score != cands[j].Score {
			return cands[i].Score > cands[j].Score
		}
		return cands[i].Place.ID < cands[j].Place.ID
	})
	limit := q.Limit
	if limit <= 0 {
		limit = defaultGeocodeN
	}
	if len(cands) > 1 && cands[0].Score-cands[1].Score < ambiguousMargin {
		res.Ambiguous = true
	}
	if len(cands) > 0 && ctxInfo.given(q) && !cands[0].context {
		res.Ambiguous = true
	}
	for i, c := range cands {
		if i == limit {
			break
		}
		c.Score = math.Round(c.Score*1000) / 1000
		res.Candidates = append(res.Candidates, c.Candidate)
	}
	return res, nil
}

type scored struct {
	Candidate
	context bool // some context or the near point raised the score
}

// nameCandidates scores each matched place by its best name match.
func nameCandidates(query string, keys []string, matches []KeyMatch) []*scored {
	rank := make(map[string]int, len(keys))
	for i, k := range keys {
		if _, ok := rank[k]; !ok {
			rank[k] = i
		}
	}
	qn := names.Normalize(query)
	byID := map[string]*scored{}
	var out []*scored
	for _, m := range matches {
		s := scoreInflected
		how := "after removing a preposition or case ending"
		if rank[m.Key] == 0 {
			s, how = scoreExactKey, "spelling variant"
		}
		if names.Normalize(m.Name) == qn {
			s, how = scoreExactKey+scoreSameSpell, "exact"
		}
		c := byID[m.Place.ID]
		if c == nil {
			c = &scored{Candidate: Candidate{Place: m.Place, DistanceKM: -1}}
			byID[m.Place.ID] = c
			out = append(out, c)
		} else if c.Score >= s {
			continue
		}
		c.Score = s
		c.Reasons = []string{fmt.Sprintf("name: %s match of %q", how, m.Name)}
	}
	return out
}

var contextSplit = regexp.MustCompile(`\s*(?:[,;/|()]|\band\b|\bи\b|\bі\b|\bта\b)\s*`)

type contextInfo struct {
	parts  []string
	admins []string // parts that name an admin unit of some candidate
	places []Place  // places named in the context (not admin units)
	names  []string // the part each place was found under
	cc     string   // a country named in the context
}

var countryWords = map[string]string{
	"russia": "RU", "россия": "RU", "росія": "RU", "rf": "RU", "ru": "RU", "russian federation": "RU",
	"ukraine": "UA", "украина": "UA", "україна": "UA", "ua": "UA",
}

func (g Geocoder) parseContext(ctx context.Context, text string, cands []*scored) (contextInfo, error) {
	var ci contextInfo
	// Units named anywhere in the context, in any spelling and case ("Корочанский район Белгородской области",
	// "Oryol Oblast"), by their English names.
	for _, m := range admin.Default().Find(text) {
		ci.addAdmin(m.Name())
	}
	for _, part := range contextSplit.Split(text, -1) {
		part = strings.TrimSpace(part)
		if names.Normalize(part) == "" {
			continue
		}
		ci.parts = append(ci.parts, part)
		if cc, ok := countryWords[names.Normalize(part)]; ok {
			ci.cc = cc
			continue
		}
		isAdmin := false
		for _, c := range cands {
			if SameAdmin(part, c.Place.Admin1) || SameAdmin(part, c.Place.Admin2) {
				isAdmin = true
				break
			}
		}
		if isAdmin || names.StripAdminWords(part) != names.Normalize(part) {
			ci.addAdmin(part)
			continue
		}
		ms, err := g.Store.PlacesByKeys(ctx, names.QueryKeys(part))
		if err != nil {
			return ci, err
		}
		seen := map[string]bool{}
		for _, m := range ms {
			if !seen[m.Place.ID] {
				seen[m.Place.ID] = true
				ci.places = append(ci.places, m.Place)
				ci.names = append(ci.names, part)
			}
		}
	}
	return ci, nil
}

// addAdmin adds an admin unit named in the context unless one naming the same unit is there already.
func (ci *contextInfo) addAdmin(name string) {
	for _, a := range ci.admins {
		if names.AdminKey(a) == names.AdminKey(name) {
			return
		}
	}
	ci.admins = append(ci.admins, name)
}

func (ci contextInfo) given(q Query) bool { return len(ci.parts) > 0 || q.Near != nil }

// apply adds the context score to c and reports whether c survives the distance cut-off.
func (ci contextInfo) apply(c *scored, q Query) bool {
	p := c.Place
	for _, a := range ci.admins {
		switch {
		case SameAdmin(a, p.Admin2):
			c.Score += scoreAdmin2
			c.context = true
			c.Reasons = append(c.Reasons, fmt.Sprintf("district: %s matches context %q", p.Admin2, a))
		case SameAdmin(a, p.Admin1):
			c.Score += scoreAdmin1
			c.context = true
			c.Reasons = append(c.Reasons, fmt.Sprintf("oblast: %s matches context %q", p.Admin1, a))
		}
	}
	if ci.cc != "" && ci.cc == p.Country {
		c.Score += scoreCountry
		c.context = true
		c.Reasons = append(c.Reasons, fmt.Sprintf("country: %s named in the context", p.Country))
	}
	best, bestName, bestD := -1, "", math.Inf(1)
	for i, np := range ci.places {
		if np.ID == p.ID {
			continue
		}
		if d := geo.DistanceKM(p.Point, np.Point); d < bestD {
			best, bestName, bestD = i, ci.names[i], d
		}
	}
	if best >= 0 {
		c.DistanceKM = round1(bestD)
		// An approximate place is only known to lie within its precision radius: it counts as near a context
		// place by the shortest distance that radius allows.
		scoreD := bestD
		if p.Approximate {
			scoreD = max(0, bestD-p.PrecisionKM)
		}
		if np := ci.places[best]; np.Approximate {
			scoreD = max(0, scoreD-np.PrecisionKM)
		}
		if scoreD < nearPlaceKM {
			c.Score += scoreNearPlace * (1 - scoreD/nearPlaceKM)
			c.context = true
			c.Reasons = append(c.Reasons, fmt.Sprintf("near: %.1f km from %s (context %q)", bestD, ci.places[best].Name, bestName))
		}
	}
	if q.Near != nil {
		d := geo.DistanceKM(p.Point, *q.Near)
		c.DistanceKM = round1(d)
		if q.WithinKM > 0 && d > q.WithinKM {
			return false
		}
		if d < nearPointKM {
			c.Score += scoreNearPoint * (1 - d/nearPointKM)
			c.context = true
			c.Reasons = append(c.Reasons, fmt.Sprintf("point: %.1f km from %.4f,%.4f", d, q.Near.Lat(), q.Near.Lon()))
		}
	} else if q.WithinKM > 0 && best >= 0 && bestD > q.WithinKM {
		return false
	}
	return true
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// Nearby is a place found by Reverse.
type Nearby struct {
	// Place is the settlement.
	Place Place
	// DistanceKM is its distance from the asked point.
	DistanceKM float64
}

// Reverse returns the n places nearest to p (n <= 0 means 5), nearest first, searching outward up to 2,000 km.
func (g Geocoder) Reverse(ctx context.Context, p orb.Point, n int) ([]Nearby, error) {
	if !geo.ValidLonLat(p.Lon(), p.Lat()) {
		return nil, fmt.Errorf("%w: point %v out of range", ErrQuery, p)
	}
	if n <= 0 {
		n = 5
	}
	var out []Nearby
	for r := 5.0; r <= reverseMaxRadius; r *= 4 {
		places, err := g.Store.PlacesWithin(ctx, geo.BoundAround(p, r), 0)
		if err != nil {
			return nil, err
		}
		out = out[:0]
		for _, pl := range places {
			if d := geo.DistanceKM(p, pl.Point); d <= r {
				out = append(out, Nearby{Place: pl, DistanceKM: round1(d)})
			}
		}
		if len(out) >= n {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DistanceKM < out[j].DistanceKM })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}
