package ledger

import (
	"slices"
	"sort"
	"strings"
)

// Query selects a view of the ledger: the date described, whose claims count, and what was known.
type Query struct {
	// AsOf is the date the status describes (valid time).
	AsOf Date
	// Source is "" for all sources, else one source's id: only its claims count.
	Source string
	// KnownOn, when not zero, keeps only the claims published on or before it: the ledger as it could have been
	// read that day. A correction published after KnownOn does not apply yet.
	KnownOn Date
}

// SourceView is one source's view of a settlement on a date: its latest claim in force valid on or before it.
type SourceView struct {
	// Source is the source's id.
	Source string `json:"source"`
	// Holder and Degree are the claim's.
	Holder Holder `json:"holder"`
	Degree Degree `json:"degree,omitempty"`
	// ClaimID identifies the claim.
	ClaimID int64 `json:"claim"`
	// ValidAt, ValidPrecision and PublishedAt are the claim's dates.
	ValidAt        Date      `json:"valid_at"`
	ValidPrecision Precision `json:"valid_precision"`
	PublishedAt    Date      `json:"published_at"`
	// Evidence is the claim's evidence kind.
	Evidence Evidence `json:"evidence"`
	// Alignment is the source's alignment ("" when the source is not in the registry).
	Alignment Alignment `json:"alignment,omitempty"`
	// AgeDays is the number of days from ValidAt to the date asked about.
	AgeDays int `json:"age_days"`
	// Stale is true when AgeDays exceeds the staleness window: the view is shown but does not vote.
	Stale bool `json:"stale"`
}

// Status is the derived control status of a settlement as of a date: what a map needs to draw it, and who says
// what.
type Status struct {
	// Settlement is the settlement's id.
	Settlement string `json:"settlement"`
	// AsOf is the date asked about.
	AsOf Date `json:"as_of"`
	// Source is the source whose view this is, or "" for all sources.
	Source string `json:"source,omitempty"`
	// KnownOn is the publication cut-off asked about (zero: none): only claims published on or before it count.
	KnownOn Date `json:"known_on,omitzero"`
	// Consensus is ru, ua or contested when every voting source agrees, disputed when they disagree; when no
	// source votes, the holder of the latest views (disputed when the views of that latest day disagree), unknown
	// when there is none.
	Consensus Consensus `json:"consensus"`
	// Basis says what a ru, ua or contested consensus rests on: confirmed when a source not aligned with the
	// holder's side supports it, claimed when only the holder's side says so; empty for disputed and unknown.
	Basis Basis `json:"basis,omitempty"`
	// Degree is the degree the voting sources agree on (or the latest view's, when no source votes); empty when
	// they differ or there is no view.
	Degree Degree `json:"degree,omitempty"`
	// Disputed is Consensus == ConsensusDisputed.
	Disputed bool `json:"disputed"`
	// Stale is true when no source votes and the consensus comes from stale views (every view is stale).
	Stale bool `json:"stale"`
	// Sources is the number of sources with a view, stale or not.
	Sources int `json:"sources"`
	// Voting is the number of sources whose view votes: current and with a holder other than unknown.
	Voting int `json:"voting"`
	// Latest is the latest ValidAt among the views; zero when there is none.
	Latest Date `json:"latest,omitzero"`
	// Views holds each source's view, ordered by source id.
	Views []SourceView `json:"views"`
}

// StatusAll returns the status for q of every settlement that has at least one claim, ordered by settlement id.
// Settlements without a view on that date are included with consensus unknown.
func (ix *Index) StatusAll(q Query) []Status {
	out := make([]Status, len(ix.order))
	n := ix.views
	if q.Source != "" {
		n = len(ix.order)
	}
	buf := make([]SourceView, 0, n) // one allocation for every status's views
	for i, k := range ix.order {
		start := len(buf)
		out[i], buf = ix.status(ix.setts[k], q, buf)
		out[i].Views = buf[start:len(buf):len(buf)]
	}
	return out
}

// StatusOf returns the status of one settlement for q. A settlement without claims (or one the ledger does not
// know) has consensus unknown and no views.
func (ix *Index) StatusOf(settlementID string, q Query) Status {
	n, ok := ix.number(settlementID)
	if !ok {
		return Status{Settlement: settlementID, AsOf: q.AsOf, Source: q.Source, KnownOn: q.KnownOn,
			Consensus: ConsensusUnknown, Views: []SourceView{}}
	}
	return ix.StatusOfNumber(n, q)
}

// StatusOfNumber is StatusOf for the settlement numbered n (see Number); n must be below NumSettlements.
func (ix *Index) StatusOfNumber(n int32, q Query) Status {
	st, views := ix.status(ix.setts[n], q, nil)
	st.Views = views
	if st.Views == nil {
		st.Views = []SourceView{}
	}
	return st
}

// status computes the status of s, appending its views to buf; the caller sets Status.Views.
func (ix *Index) status(s *settlement, q Query, buf []SourceView) (Status, []SourceView) {
	st := Status{Settlement: s.id, AsOf: q.AsOf, Source: q.Source, KnownOn: q.KnownOn, Consensus: ConsensusUnknown}
	start := len(buf)
	var (
		latest     *rec
		latestView SourceView
	)
	add := func(r *rec) {
		v := ix.viewOf(r)
		v.AgeDays = q.AsOf.Sub(v.ValidAt)
		v.Stale = v.AgeDays > ix.staleDays
		buf = append(buf, v)
		if latest == nil || recBefore(latest, r) {
			latest, latestView = r, v
		}
	}
	if q.KnownOn.IsZero() {
		i, end := 0, len(s.live)
		if q.Source != "" { // live is ordered by source id: the source's run, if any
			i = sort.Search(len(s.live), func(k int) bool { return ix.srcIDs[s.recs[s.live[k]].source] >= q.Source })
			if i == len(s.live) || ix.srcIDs[s.recs[s.live[i]].source] != q.Source {
				return st, buf
			}
			end = s.run(i)
		}
		for i < end {
			j := s.run(i)
			live := s.live[i:j]
			// The last claim valid on or before AsOf.
			k := sort.Search(len(live), func(k int) bool { return s.recs[live[k]].valid > q.AsOf.n }) - 1
			if k >= 0 {
				add(&s.recs[live[k]])
			}
			i = j
		}
	} else {
		ix.knownViews(s, q, add)
	}
	if latest == nil {
		return st, buf
	}
	st.Latest = latestView.ValidAt
	decide(&st, buf[start:], latestView)
	return st, buf
}

// knownViews calls add with each source's view of s for q when q.KnownOn limits what was published: the claims
// published by then, corrected only by corrections published by then. Views come ordered by source id.
func (ix *Index) knownViews(s *settlement, q Query, add func(*rec)) {
	var last []*rec         // each source's last claim in force valid on or before AsOf
	for i := range s.recs { // in sequence order
		r := &s.recs[i]
		if r.published > q.KnownOn.n || r.valid > q.AsOf.n || r.retraction ||
			(q.Source != "" && ix.srcIDs[r.source] != q.Source) || s.replacedKnown(r, q.KnownOn) {
			continue
		}
		if k := slices.IndexFunc(last, func(o *rec) bool { return o.source == r.source }); k < 0 {
			last = append(last, r)
		} else {
			last[k] = r
		}
	}
	slices.SortFunc(last, func(a, b *rec) int { return strings.Compare(ix.srcIDs[a.source], ix.srcIDs[b.source]) })
	for _, r := range last {
		add(r)
	}
}

// viewOf returns the view claim r gives, without age.
func (ix *Index) viewOf(r *rec) SourceView {
	return SourceView{Source: ix.srcIDs[r.source], Holder: holderOf(r.holder), Degree: degreeOf(r.degree),
		ClaimID: r.id, ValidAt: Date{n: r.valid}, ValidPrecision: precisionOf(r.precision),
		PublishedAt: Date{n: r.published}, Evidence: evidenceOf(r.evid), Alignment: ix.srcAlign[r.source]}
}

// decide sets st's consensus, degree, basis, stale mark and vote counts from views (at least one), of which
// latest comes last in sequence.
func decide(st *Status, views []SourceView, latest SourceView) {
	st.Sources = len(views)
	var (
		agreed    Holder
		degree    Degree
		disagree  bool
		oneDegree = true
	)
	vote := func(v *SourceView) {
		st.Voting++
		switch {
		case st.Voting == 1:
			agreed, degree = v.Holder, v.Degree
		case v.Holder != agreed:
			disagree = true
		case v.Degree != degree:
			oneDegree = false
		}
	}
	for i := range views {
		if v := &views[i]; !v.Stale && v.Holder != HolderUnknown {
			vote(v)
		}
	}
	voters := func(v *SourceView) bool { return !v.Stale && v.Holder != HolderUnknown }
	if st.Voting == 0 {
		// Every view is stale or unknown: the latest day's views speak, each with a holder other than unknown.
		voters = func(v *SourceView) bool { return v.ValidAt == latest.ValidAt && v.Holder != HolderUnknown }
		for i := range views {
			if v := &views[i]; voters(v) {
				vote(v)
			}
		}
		n := st.Voting
		st.Voting = 0
		if n == 0 { // the latest view says unknown
			st.Consensus, st.Degree, st.Stale = Consensus(latest.Holder), latest.Degree, latest.Stale
			return
		}
		st.Stale = latest.Stale
	}
	if disagree {
		st.Consensus, st.Disputed = ConsensusDisputed, true
		return
	}
	st.Consensus = Consensus(agreed)
	if oneDegree {
		st.Degree = degree
	}
	st.Basis = BasisClaimed
	var ru, ua bool
	for i := range views {
		v := &views[i]
		if !voters(v) {
			continue
		}
		switch v.Alignment {
		case AlignmentIndependent:
			st.Basis = BasisConfirmed
		case AlignmentRU:
			ru = true
		case AlignmentUA:
			ua = true
		}
	}
	if (agreed == HolderRU && ua) || (agreed == HolderUA && ru) || (agreed == HolderContested && ru && ua) {
		st.Basis = BasisConfirmed
	}
}
