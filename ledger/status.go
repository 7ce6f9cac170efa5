package ledger

import (
	"slices"
	"sort"
	"strings"
)

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
	// Consensus is ru, ua or contested when every voting source agrees, disputed when they disagree, else the
	// latest view's holder (unknown when there is none).
	Consensus Consensus `json:"consensus"`
	// Degree is the degree the voting sources agree on (or the latest view's, when no source votes); empty when
	// they differ or there is no view.
	Degree Degree `json:"degree,omitempty"`
	// Disputed is Consensus == ConsensusDisputed.
	Disputed bool `json:"disputed"`
	// Stale is true when no source votes and the consensus comes from a stale view (every view is stale).
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

// StatusAll returns the status as of asOf of every settlement that has at least one claim, ordered by settlement
// id; sourceID "" means all sources, else only that source's claims count. Settlements without a view on that date
// are included with consensus unknown.
func (ix *Index) StatusAll(asOf Date, sourceID string) []Status {
	out := make([]Status, len(ix.settlements))
	n := ix.views
	if sourceID != "" {
		n = len(ix.settlements)
	}
	buf := make([]SourceView, 0, n) // one allocation for every status's views
	for i := range ix.settlements {
		start := len(buf)
		out[i], buf = ix.status(&ix.settlements[i], asOf, sourceID, buf)
		out[i].Views = buf[start:len(buf):len(buf)]
	}
	return out
}

// StatusOf returns the status of one settlement as of asOf; sourceID "" means all sources. A settlement without
// claims (or one the ledger does not know) has consensus unknown and no views.
func (ix *Index) StatusOf(settlementID string, asOf Date, sourceID string) Status {
	i, ok := ix.byID[settlementID]
	if !ok {
		return Status{Settlement: settlementID, AsOf: asOf, Source: sourceID, Consensus: ConsensusUnknown, Views: []SourceView{}}
	}
	st, views := ix.status(&ix.settlements[i], asOf, sourceID, nil)
	st.Views = views
	if st.Views == nil {
		st.Views = []SourceView{}
	}
	return st
}

// status computes the status of s, appending its views to buf; the caller sets Status.Views.
func (ix *Index) status(s *settlementIndex, asOf Date, sourceID string, buf []SourceView) (Status, []SourceView) {
	st := Status{Settlement: s.id, AsOf: asOf, Source: sourceID, Consensus: ConsensusUnknown}
	srcs := s.sources
	if sourceID != "" {
		j, ok := slices.BinarySearchFunc(srcs, sourceID, func(si sourceIndex, id string) int {
			return strings.Compare(si.source, id)
		})
		if !ok {
			return st, buf
		}
		srcs = srcs[j : j+1]
	}
	var (
		latest     *Claim
		latestView SourceView
		agreed     Holder
		degree     Degree
		disagree   bool
		oneDegree  = true
	)
	for k := range srcs {
		si := &srcs[k]
		// The last claim valid on or before asOf.
		j := sort.Search(len(si.valid), func(i int) bool { return si.valid[i] > asOf.n }) - 1
		if j < 0 {
			continue
		}
		v := si.views[j]
		v.AgeDays = asOf.Sub(v.ValidAt)
		v.Stale = v.AgeDays > ix.staleDays
		buf = append(buf, v)
		st.Sources++
		if latest == nil || later(&v, &latestView, si.claims[j], latest) {
			latest, latestView = si.claims[j], v
		}
		if v.Stale || v.Holder == HolderUnknown {
			continue
		}
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
	if latest == nil {
		return st, buf
	}
	st.Latest = latestView.ValidAt
	switch {
	case disagree:
		st.Consensus, st.Disputed = ConsensusDisputed, true
	case st.Voting > 0:
		st.Consensus = Consensus(agreed)
		if oneDegree {
			st.Degree = degree
		}
	default:
		st.Consensus, st.Degree, st.Stale = Consensus(latestView.Holder), latestView.Degree, latestView.Stale
	}
	return st, buf
}

// later reports whether view v (of claim c) comes after view w (of claim d) in sequence, reading the claims only
// to break a tie of dates.
func later(v, w *SourceView, c, d *Claim) bool {
	if v.ValidAt != w.ValidAt {
		return v.ValidAt.After(w.ValidAt)
	}
	if v.PublishedAt != w.PublishedAt {
		return v.PublishedAt.After(w.PublishedAt)
	}
	return before(d, c)
}
