package atlas

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/ogc"
)

// OGC returns the OGC API – Features service publishing two collections: settlements (with their consensus status
// today) and claims (every claim as a point at its settlement).
func (a *Atlas) OGC() *ogc.Service {
	s := &ogc.Service{
		Title:       "tiled",
		Description: "Front-line settlements and the control claims each source makes about them. " + DefaultAttribution,
		Published:   []ogc.Collection{settlementsCollection{a}, claimsCollection{a}},
		Now:         a.cfg.Now,
	}
	if err := s.Validate(); err != nil {
		panic(err) // the collections are fixed in code: an invalid service is a programming error
	}
	return s
}

type settlementsCollection struct{ a *Atlas }

func (settlementsCollection) Info() ogc.CollectionInfo {
	return ogc.CollectionInfo{
		ID: "settlements", Title: "Settlements",
		Description: "Settlements of the gazetteer with each source's holder and the consensus as of today " +
			"(status: ru, ua, contested, disputed or unknown). Approximate locations are flagged.",
		TemporalProperty:    "latest",
		TemporalDescription: "the date of the latest claim about the settlement (settlements without claims have none)",
		Filters: []ogc.Filter{
			{Name: "status", Description: "consensus holder on the date shown (as_of)", Enum: consensusValues()},
			{Name: "country", Description: "ISO 3166-1 alpha-2 country code"},
		},
		Parameters: viewParameters("the status of each settlement as of that date, the map of that day " +
			"(default: today, or the latest claims' date when every claim is stale)"),
		Properties: []ogc.Property{
			{Name: "id", Type: "string", Description: "settlement id"},
			{Name: "name", Type: "string", Description: "name (BGN/PCGN romanisation)"},
			{Name: "name_ru", Type: "string", Description: "Russian name"},
			{Name: "name_uk", Type: "string", Description: "Ukrainian name"},
			{Name: "country", Type: "string", Description: "ISO 3166-1 alpha-2 country code"},
			{Name: "admin1", Type: "string", Description: "oblast"},
			{Name: "admin2", Type: "string", Description: "district"},
			{Name: "population", Type: "integer", Description: "population, where known"},
			{Name: "feature_code", Type: "string", Description: "GeoNames feature code"},
			{Name: "approximate", Type: "boolean", Description: "the location is approximate (see precision_km)"},
			{Name: "precision_km", Type: "number", Description: "radius of the location's uncertainty in km, for approximate locations"},
			{Name: "status", Type: "string", Description: "consensus holder", Enum: consensusValues()},
			{Name: "disputed", Type: "boolean", Description: "current sources disagree"},
			{Name: "stale", Type: "boolean", Description: "every claim is older than the staleness window"},
			{Name: "sources", Type: "integer", Description: "number of sources with a view"},
			{Name: "latest", Type: "string", Format: "date", Description: "date of the latest claim"},
			{Name: "holders", Type: "string", Description: "each source's holder, source:holder;…"},
			{Name: "view", Type: "string", Description: "consensus or the source shown"},
			{Name: "as_of", Type: "string", Format: "date", Description: "the date the status is for"},
		},
	}
}

// viewParameters are the items parameters that pick the day a collection shows: as_of and known_on.
func viewParameters(asOf string) []ogc.Parameter {
	return []ogc.Parameter{
		{Name: "as_of", Format: "date", Description: "A date, YYYY-MM-DD: " + asOf + "."},
		{Name: "known_on", Format: "date", Description: "A date, YYYY-MM-DD: only claims published on or before it " +
			"count, the ledger as it could be read that day (a correction published later does not apply yet)."},
	}
}

func consensusValues() []string {
	return []string{string(ledger.ConsensusRU), string(ledger.ConsensusUA), string(ledger.ConsensusContested),
		string(ledger.ConsensusDisputed), string(ledger.ConsensusUnknown)}
}

func (c settlementsCollection) Extent(ctx context.Context) (ogc.Extent, error) {
	pix, lix, err := c.a.state(ctx)
	if err != nil {
		return ogc.Extent{}, err
	}
	ext := ogc.Extent{}
	if pix.len() > 0 {
		b := pix.bound
		ext.BBox = &b
	}
	ext.Start, ext.End = claimSpan(lix)
	return ext, nil
}

// claimSpan returns the first and last valid_at of the ledger's claims.
func claimSpan(lix *ledger.Index) (*time.Time, *time.Time) {
	first, last := lix.Span()
	if first.IsZero() {
		return nil, nil
	}
	s, e := first.Time(), last.Time().Add(24*time.Hour-time.Nanosecond)
	return &s, &e
}

// dayOverlaps reports whether the whole UTC day d overlaps iv.
func dayOverlaps(iv ogc.Interval, d ledger.Date) bool {
	if d.IsZero() {
		return false
	}
	s := d.Time()
	e := s.Add(24*time.Hour - time.Nanosecond)
	return iv.Overlaps(&s, &e)
}

func inBBox(b *orb.Bound, p orb.Point) bool { return b == nil || b.Contains(p) }

// Items pages through the settlements in id order by keyset: the page starts after q.After, found by binary search,
// and a status is computed only for the settlements a filter needs it for or the page shows. The count of matches
// (numberMatched) walks every settlement; it is made when that walk is cheap (no filter on the status) or on the
// first page, and left out (-1) otherwise.
func (c settlementsCollection) Items(ctx context.Context, q ogc.Query) ([]*geojson.Feature, int, error) {
	pix, lix, err := c.a.state(ctx)
	if err != nil {
		return nil, 0, err
	}
	view, err := c.a.parseView(lix, q.Params["as_of"], "", q.Params["known_on"])
	if err != nil {
		return nil, 0, err
	}
	status, byStatus := q.Filters["status"]
	needStatus := byStatus || !q.Datetime.IsZero()
	country, byCountry := q.Filters["country"]
	start := 0
	if q.After != "" {
		start = sort.Search(pix.len(), func(i int) bool { return pix.id(int32(i)) > q.After })
	}
	counting := !needStatus || q.After == ""
	first := start
	if counting {
		first = 0
	}
	unfiltered := q.BBox == nil && !byCountry && !needStatus
	if unfiltered { // every settlement matches: the count is known without a walk
		first = start
	}
	out := []*geojson.Feature{}
	matched, skipped := 0, 0
	for i := int32(first); int(i) < pix.len(); i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil { // the client went away
				return nil, 0, err
			}
		}
		r := &pix.recs[i]
		if !inBBox(q.BBox, r.pt) || byCountry && country != pix.shared[r.country] {
			continue
		}
		var st ledger.Status
		if needStatus {
			st = lix.StatusOf(pix.id(i), view.Query)
			if byStatus && status != string(st.Consensus) || !q.Datetime.IsZero() && !dayOverlaps(q.Datetime, st.Latest) {
				continue
			}
		}
		matched++
		if int(i) < start {
			continue
		}
		if skipped < q.Offset {
			skipped++
			continue
		}
		if len(out) > q.Limit { // the page and the one beyond it are found: only the count goes on
			if !counting || unfiltered {
				break
			}
			continue
		}
		p := pix.at(i)
		if !needStatus {
			st = lix.StatusOf(p.ID, view.Query)
		}
		out = append(out, feature(p, st, view))
	}
	switch {
	case unfiltered:
		matched = pix.len()
	case !counting:
		matched = -1
	}
	return out, matched, nil
}

func (c settlementsCollection) Item(ctx context.Context, id string) (*geojson.Feature, error) {
	return c.ItemWith(ctx, id, nil)
}

// ItemWith is the settlement with its status as of params["as_of"] and as known on params["known_on"].
func (c settlementsCollection) ItemWith(ctx context.Context, id string, params map[string]string) (*geojson.Feature, error) {
	pix, lix, err := c.a.state(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := pix.place(id)
	if !ok {
		return nil, fmt.Errorf("%w: settlement %q", ogc.ErrNotFound, id)
	}
	view, err := c.a.parseView(lix, params["as_of"], "", params["known_on"])
	if err != nil {
		return nil, err
	}
	return feature(p, lix.StatusOf(p.ID, view.Query), view), nil
}

type claimsCollection struct{ a *Atlas }

func (claimsCollection) Info() ogc.CollectionInfo {
	holders := []string{}
	for _, h := range ledger.Holders() {
		holders = append(holders, string(h))
	}
	evidence := []string{}
	for _, e := range ledger.Evidences() {
		evidence = append(evidence, string(e))
	}
	return ogc.CollectionInfo{
		ID: "claims", Title: "Control claims",
		Description: "Every claim of the ledger, oldest first, as a point at its settlement: which side a source " +
			"says held it on a date, with evidence, relaying outlet and a summary in tiled's words. Claims are never " +
			"edited; corrections supersede or retract them (in_force says whether a claim still counts).",
		TemporalProperty:    "valid_at",
		TemporalDescription: "the date the claim describes (not when it was published)",
		Filters: []ogc.Filter{
			{Name: "settlement", Description: "settlement id"},
			{Name: "source", Description: "source id (see the sources at /api/sources)"},
			{Name: "holder", Description: "the side the source says holds the settlement", Enum: holders},
			{Name: "evidence", Description: "what the claim rests on", Enum: evidence},
		},
		Parameters: viewParameters("only claims valid on or before that date (valid_at), the record as it stood " +
			"that day"),
		Properties: []ogc.Property{
			{Name: "id", Type: "integer", Description: "claim id"},
			{Name: "settlement", Type: "string", Description: "settlement id"},
			{Name: "settlement_name", Type: "string", Description: "settlement name"},
			{Name: "source", Type: "string", Description: "source id"},
			{Name: "holder", Type: "string", Description: "the side the source says holds the settlement", Enum: holders},
			{Name: "degree", Type: "string", Description: "how far the holder holds it"},
			{Name: "valid_at", Type: "string", Format: "date", Description: "the date the claim describes"},
			{Name: "valid_precision", Type: "string", Description: "precision of valid_at: day, week or month"},
			{Name: "published_at", Type: "string", Format: "date", Description: "the date the source published it"},
			{Name: "recorded_at", Type: "string", Format: "date-time", Description: "when it entered the ledger"},
			{Name: "evidence", Type: "string", Description: "what the claim rests on", Enum: evidence},
			{Name: "summary", Type: "string", Description: "the claim in tiled's words"},
			{Name: "credibility", Type: "integer", Description: "Admiralty credibility grade, 1 (confirmed) to 6"},
			{Name: "in_force", Type: "boolean", Description: "the claim still counts (not superseded or retracted)"},
			{Name: "approximate_location", Type: "boolean", Description: "the settlement's location is approximate"},
			{Name: "relayed_by", Type: "string", Description: "the outlet that relayed the claim"},
			{Name: "relay_url", Type: "string", Format: "uri", Description: "where it was relayed"},
			{Name: "supersedes", Type: "integer", Description: "the claim this one corrects"},
			{Name: "retracts", Type: "integer", Description: "the claim this one withdraws"},
			{Name: "superseded_by", Type: "integer", Description: "the claim that corrects this one"},
			{Name: "retracted_by", Type: "integer", Description: "the claim that withdraws this one"},
		},
	}
}

func (c claimsCollection) Extent(ctx context.Context) (ogc.Extent, error) {
	pix, lix, err := c.a.state(ctx)
	if err != nil {
		return ogc.Extent{}, err
	}
	ext := ogc.Extent{}
	for i, id := range lix.Settlements() {
		if p, ok := pix.place(id); ok {
			if i == 0 || ext.BBox == nil {
				b := p.Point.Bound()
				ext.BBox = &b
			} else {
				b := ext.BBox.Extend(p.Point)
				ext.BBox = &b
			}
		}
	}
	ext.Start, ext.End = claimSpan(lix)
	return ext, nil
}

// claimAt is a claim with the settlement it is about.
type claimAt struct {
	p *place
	e ledger.Entry
}

// all returns every claim with its settlement, in claim id order.
func (c claimsCollection) all(ctx context.Context) ([]claimAt, error) {
	pix, lix, err := c.a.state(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := lix.Entries(ctx)
	if err != nil {
		return nil, err
	}
	var out []claimAt
	for _, e := range entries { // in claim id order
		if p, ok := pix.place(e.SettlementID); ok {
			out = append(out, claimAt{p, e})
		}
	}
	return out, nil
}

func claimFeature(p *place, e ledger.Entry) *geojson.Feature {
	f := geojson.NewFeature(point(p.Point))
	f.ID = e.ID
	props := map[string]any{
		"id": e.ID, "settlement": p.ID, "settlement_name": p.Name, "source": e.SourceID, "holder": string(e.Holder),
		"degree": string(e.Degree), "valid_at": e.ValidAt.String(), "valid_precision": string(e.ValidPrecision),
		"published_at": e.PublishedAt.String(), "evidence": string(e.Evidence), "summary": e.Summary,
		"credibility": int(e.Credibility), "in_force": e.InForce(), "approximate_location": p.Approximate,
	}
	if !e.RecordedAt.IsZero() {
		props["recorded_at"] = e.RecordedAt.UTC().Format(time.RFC3339)
	}
	for k, v := range map[string]string{"relayed_by": e.RelayedBy, "relay_url": e.RelayURL} {
		if v != "" {
			props[k] = v
		}
	}
	for k, v := range map[string]int64{"supersedes": e.Supersedes, "retracts": e.Retracts,
		"superseded_by": e.SupersededBy, "retracted_by": e.RetractedBy} {
		if v != 0 {
			props[k] = v
		}
	}
	f.Properties = props
	return f
}

// Items pages through the claims in id order by keyset (the page starts after the claim q.After), building
// features only for the page.
func (c claimsCollection) Items(ctx context.Context, q ogc.Query) ([]*geojson.Feature, int, error) {
	all, err := c.all(ctx)
	if err != nil {
		return nil, 0, err
	}
	var asOf, knownOn ledger.Date
	for name, d := range map[string]*ledger.Date{"as_of": &asOf, "known_on": &knownOn} {
		if v, ok := q.Params[name]; ok {
			if *d, err = ledger.ParseDate(v); err != nil {
				return nil, 0, paramErr(name, v, "want a date YYYY-MM-DD")
			}
		}
	}
	var after int64 = -1
	if q.After != "" {
		if after, err = strconv.ParseInt(q.After, 10, 64); err != nil {
			return nil, 0, paramErr("cursor", q.After, "want a claim id from a next link")
		}
	}
	out := []*geojson.Feature{}
	matched, skipped := 0, 0
	for i, ca := range all {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
		}
		e := ca.e
		if !inBBox(q.BBox, ca.p.Point) || !q.Datetime.IsZero() && !dayOverlaps(q.Datetime, e.ValidAt) ||
			!asOf.IsZero() && e.ValidAt.After(asOf) || !knownOn.IsZero() && e.PublishedAt.After(knownOn) {
			continue
		}
		ok := true
		for k, v := range q.Filters {
			switch k {
			case "settlement":
				ok = ok && ca.p.ID == v
			case "source":
				ok = ok && e.SourceID == v
			case "holder":
				ok = ok && string(e.Holder) == v
			case "evidence":
				ok = ok && string(e.Evidence) == v
			}
		}
		if !ok {
			continue
		}
		matched++
		if e.ID <= after {
			continue
		}
		if skipped < q.Offset {
			skipped++
			continue
		}
		if len(out) <= q.Limit {
			out = append(out, claimFeature(ca.p, e))
		}
	}
	return out, matched, nil
}

func (c claimsCollection) Item(ctx context.Context, id string) (*geojson.Feature, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: claim ids are integers, not %q", ogc.ErrNotFound, id)
	}
	all, err := c.all(ctx)
	if err != nil {
		return nil, err
	}
	i := sort.Search(len(all), func(i int) bool { return all[i].e.ID >= n })
	if i == len(all) || all[i].e.ID != n {
		return nil, fmt.Errorf("%w: claim %d", ogc.ErrNotFound, n)
	}
	return claimFeature(all[i].p, all[i].e), nil
}
