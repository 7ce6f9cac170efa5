package atlas

import (
	"context"
	"fmt"
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
			{Name: "status", Description: "consensus holder today", Enum: consensusValues()},
			{Name: "country", Description: "ISO 3166-1 alpha-2 country code"},
		},
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
	if len(pix.places) > 0 {
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

func (c settlementsCollection) Items(ctx context.Context, q ogc.Query) ([]*geojson.Feature, int, error) {
	pix, lix, err := c.a.state(ctx)
	if err != nil {
		return nil, 0, err
	}
	view := View{Query: ledger.Query{AsOf: c.a.defaultAsOf(lix, ledger.Date{})}, Today: true}
	var matched []*geojson.Feature
	for i := range pix.places { // places are ordered by id: a stable order for paging
		p := &pix.places[i]
		if !inBBox(q.BBox, p.Point) {
			continue
		}
		st := lix.StatusOf(p.ID, view.Query)
		if !q.Datetime.IsZero() && !dayOverlaps(q.Datetime, st.Latest) {
			continue
		}
		if v, ok := q.Filters["status"]; ok && v != string(st.Consensus) {
			continue
		}
		if v, ok := q.Filters["country"]; ok && v != p.Country {
			continue
		}
		matched = append(matched, nil)
		if n := len(matched); n > q.Offset && n <= q.Offset+q.Limit {
			matched[n-1] = feature(p, st, view)
		}
	}
	return page(matched, q), len(matched), nil
}

// page returns the features of matched between offset and offset+limit.
func page(matched []*geojson.Feature, q ogc.Query) []*geojson.Feature {
	lo := min(q.Offset, len(matched))
	hi := min(q.Offset+q.Limit, len(matched))
	out := matched[lo:hi]
	if out == nil {
		out = []*geojson.Feature{}
	}
	return out
}

func (c settlementsCollection) Item(ctx context.Context, id string) (*geojson.Feature, error) {
	pix, lix, err := c.a.state(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := pix.place(id)
	if !ok {
		return nil, fmt.Errorf("%w: settlement %q", ogc.ErrNotFound, id)
	}
	view := View{Query: ledger.Query{AsOf: c.a.defaultAsOf(lix, ledger.Date{})}, Today: true}
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

// claimFeatures returns every claim as a feature in claim id order.
func (c claimsCollection) all(ctx context.Context) ([]*geojson.Feature, error) {
	pix, lix, err := c.a.state(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := lix.Entries(ctx)
	if err != nil {
		return nil, err
	}
	var out []*geojson.Feature
	for _, e := range entries { // in claim id order
		if p, ok := pix.place(e.SettlementID); ok {
			out = append(out, claimFeature(p, e))
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

func (c claimsCollection) Items(ctx context.Context, q ogc.Query) ([]*geojson.Feature, int, error) {
	all, err := c.all(ctx)
	if err != nil {
		return nil, 0, err
	}
	var matched []*geojson.Feature
	for _, f := range all {
		if !inBBox(q.BBox, f.Point()) {
			continue
		}
		if !q.Datetime.IsZero() {
			d, _ := ledger.ParseDate(f.Properties["valid_at"].(string))
			if !dayOverlaps(q.Datetime, d) {
				continue
			}
		}
		ok := true
		for k, v := range q.Filters {
			if fmt.Sprint(f.Properties[k]) != v {
				ok = false
			}
		}
		if ok {
			matched = append(matched, f)
		}
	}
	return page(matched, q), len(matched), nil
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
	for _, f := range all {
		if f.ID.(int64) == n {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%w: claim %d", ogc.ErrNotFound, n)
}
