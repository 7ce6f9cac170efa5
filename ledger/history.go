package ledger

import (
	"context"
	"fmt"
	"slices"
)

// Entry is one claim in a settlement's history, with the corrections that concern it.
type Entry struct {
	Claim
	// SupersededBy is the id of the claim that replaces this one, or 0.
	SupersededBy int64 `json:"superseded_by,omitempty"`
	// RetractedBy is the id of the claim that withdraws this one, or 0.
	RetractedBy int64 `json:"retracted_by,omitempty"`
}

// InForce reports whether the entry's claim counts in views: it is not a retraction and has not been superseded or
// retracted.
func (e Entry) InForce() bool { return !e.IsRetraction() && e.SupersededBy == 0 && e.RetractedBy == 0 }

// History returns every claim about a settlement, superseded, retracted and retractions included, oldest first:
// by ValidAt, then PublishedAt, then the order recorded. It is empty for a settlement without claims. The claims'
// text is read from the store (NewIndex: from memory); claims stored after the index was made are not included.
func (ix *Index) History(ctx context.Context, settlementID string) ([]Entry, error) {
	n, ok := ix.number(settlementID)
	if !ok {
		return []Entry{}, nil
	}
	s := ix.setts[n]
	full, err := ix.text.Claims(ctx, ClaimFilter{Settlement: settlementID})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Claim, len(full))
	for i := range full {
		byID[full[i].ID] = &full[i]
	}
	out := make([]Entry, 0, len(s.recs))
	for i := range s.recs {
		r := &s.recs[i]
		c, ok := byID[r.id]
		if !ok {
			return nil, fmt.Errorf("ledger: claim %d is indexed but not in the store", r.id)
		}
		out = append(out, s.entry(c, r))
	}
	return out, nil
}

// entry returns the history entry of c, whose record in s is r.
func (s *settlement) entry(c *Claim, r *rec) Entry {
	e := Entry{Claim: *c}
	if r.replacedBy != 0 {
		if k := slices.IndexFunc(s.recs, func(o rec) bool { return o.id == r.replacedBy }); k >= 0 && s.recs[k].retraction {
			e.RetractedBy = r.replacedBy
		} else {
			e.SupersededBy = r.replacedBy
		}
	}
	return e
}

// Entries returns every claim the index holds as history entries, ordered by id, reading their text as History
// does.
func (ix *Index) Entries(ctx context.Context) ([]Entry, error) {
	full, err := ix.text.Claims(ctx, ClaimFilter{})
	if err != nil {
		return nil, err
	}
	pos := make(map[int64]int32, ix.claims) // claim id -> position in its settlement's records
	for _, s := range ix.setts {
		for i := range s.recs {
			pos[s.recs[i].id] = int32(i)
		}
	}
	out := make([]Entry, 0, ix.claims)
	for i := range full {
		c := &full[i]
		n, ok := ix.number(c.SettlementID)
		k, known := pos[c.ID]
		if !ok || !known || ix.setts[n].recs[k].id != c.ID {
			continue // stored after the index was made
		}
		s := ix.setts[n]
		out = append(out, s.entry(c, &s.recs[k]))
	}
	return out, nil
}

// Change is how a settlement's status differs between two dates.
type Change struct {
	// Settlement is the settlement's id.
	Settlement string `json:"settlement"`
	// ConsensusChanged is true when From.Consensus differs from To.Consensus.
	ConsensusChanged bool `json:"consensus_changed"`
	// Sources lists the sources whose view changed, ordered by source id.
	Sources []SourceChange `json:"sources"`
	// From and To are the statuses on the two dates.
	From Status `json:"from"`
	To   Status `json:"to"`
}

// SourceChange is how one source's view changed.
type SourceChange struct {
	// Source is the source's id.
	Source string `json:"source"`
	// From and To are the views on the two dates; nil when the source had none.
	From *SourceView `json:"from"`
	To   *SourceView `json:"to"`
}

// Diff returns the settlements whose consensus or whose view by some source differs between from and to, ordered
// by settlement id. A view differs when it appears, disappears, or changes holder or degree; a newer claim that
// repeats the same holder and degree, or a view only turning stale, is not a change.
func (ix *Index) Diff(from, to Date) []Change {
	a, b := ix.StatusAll(Query{AsOf: from}), ix.StatusAll(Query{AsOf: to})
	var out []Change
	for i := range a {
		ch := Change{Settlement: a[i].Settlement, From: a[i], To: b[i], ConsensusChanged: a[i].Consensus != b[i].Consensus}
		ch.Sources = diffViews(a[i].Views, b[i].Views)
		if ch.ConsensusChanged || len(ch.Sources) > 0 {
			out = append(out, ch)
		}
	}
	if out == nil {
		out = []Change{}
	}
	return out
}

// diffViews merges two view lists ordered by source id.
func diffViews(a, b []SourceView) []SourceChange {
	out := []SourceChange{}
	for i, j := 0, 0; i < len(a) || j < len(b); {
		switch {
		case j == len(b) || (i < len(a) && a[i].Source < b[j].Source):
			out = append(out, SourceChange{Source: a[i].Source, From: &a[i]})
			i++
		case i == len(a) || b[j].Source < a[i].Source:
			out = append(out, SourceChange{Source: b[j].Source, To: &b[j]})
			j++
		default:
			if a[i].Holder != b[j].Holder || a[i].Degree != b[j].Degree {
				out = append(out, SourceChange{Source: a[i].Source, From: &a[i], To: &b[j]})
			}
			i++
			j++
		}
	}
	return out
}
