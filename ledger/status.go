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
	out := make([]Status, len(ix.settlements))
	n := ix.views
	if q.Source != "" {
		n = len(ix.settlements)
	}
	buf := make([]SourceView, 0, n) // one allocation for every status's views
	for i := range ix.settlements {
		start := len(buf)
		out[i], buf = ix.status(&ix.settlements[i], q, buf)
		out[i].Views = buf[start:len(buf):len(buf)]
	}
	return out
}

// StatusOf returns the status of one settlement for q. A settlement without claims (or one the ledger does not
// know) has consensus unknown and no views.
func (ix *Index) StatusOf(settlementID string, q Query) Status {
	i, ok := ix.byID[settlementID]
	if !ok {
		return Status{Settlement: settlementID, AsOf: q.AsOf, Source: q.Source, KnownOn: q.KnownOn,
			Consensus: ConsensusUnknown, Views: []SourceView{}}
	}
	st, views := ix.status(&ix.settlements[i], q, nil)
	st.Views = views
	if st.Views == nil {
		st.Views = []SourceView{}
	}
	return st
}

// status computes the status of s, appending its views to buf; the caller sets Status.Views.
func (ix *Index) status(s *settlementIndex, q Query, buf []SourceView) (Status, []SourceView) {
	st := Status{Settlement: s.id, AsOf: q.AsOf, Source: q.Source, KnownOn: q.KnownOn, Consensus: ConsensusUnknown}
	start := len(buf)
	var (
		latest     *Claim
		latestView SourceView
	)
	add := func(v SourceView, c *Claim) {
		v.AgeDays = q.AsOf.Sub(v.ValidAt)
		v.Stale = v.AgeDays > ix.staleDays
		buf = append(buf, v)
		if latest == nil || later(&v, &latestView, c, latest) {
			latest, latestView = c, v
		}
	}
	if q.KnownOn.IsZero() {
		srcs := s.sources
		if q.Source != "" {
			j, ok := slices.BinarySearchFunc(srcs, q.Source, func(si sourceIndex, id string) int {
				return strings.Compare(si.source, id)
			})
			if !ok {
				return st, buf
			}
			srcs = srcs[j : j+1]
		}
		for k := range srcs {
			si := &srcs[k]
			// The last claim valid on or before AsOf.
			j := sort.Search(len(si.valid), func(i int) bool { return si.valid[i] > q.AsOf.n }) - 1
			if j >= 0 {
				add(si.views[j], si.claims[j])
			}
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
func (ix *Index) knownViews(s *settlementIndex, q Query, add func(SourceView, *Claim)) {
	var last []*Claim             // each source's last claim in force valid on or before AsOf, by source
	for _, c := range s.history { // in sequence order
		if c.PublishedAt.After(q.KnownOn) || c.ValidAt.After(q.AsOf) || c.IsRetraction() ||
			(q.Source != "" && c.SourceID != q.Source) {
			continue
		}
		if ix.replacedKnown(c, q.KnownOn) {
			continue
		}
		i := slices.IndexFunc(last, func(d *Claim) bool { return d.SourceID == c.SourceID })
		if i < 0 {
			last = append(last, c)
		} else {
			last[i] = c
		}
	}
	slices.SortFunc(last, func(a, b *Claim) int { return strings.Compare(a.SourceID, b.SourceID) })
	for _, c := range last {
		add(ix.viewOf(c), c)
	}
}

// viewOf returns the view claim c gives, without age.
func (ix *Index) viewOf(c *Claim) SourceView {
	return SourceView{Source: c.SourceID, Holder: c.Holder, Degree: c.Degree, ClaimID: c.ID, ValidAt: c.ValidAt,
		ValidPrecision: c.ValidPrecision, PublishedAt: c.PublishedAt, Evidence: c.Evidence,
		Alignment: ix.alignment(c.SourceID)}
}

// alignment returns the alignment of source id, "" when it is not registered.
func (ix *Index) alignment(id string) Alignment {
	s, _ := ix.Source(id)
	return s.Alignment
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
