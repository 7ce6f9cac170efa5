package ledger

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
)

// DefaultStaleDays is the default staleness window: a claim more than 30 days older than the date asked about is
// stale and does not vote.
const DefaultStaleDays = 30

// Options tune the derived views.
type Options struct {
	// StaleDays is the staleness window in days; 0 or less means DefaultStaleDays.
	StaleDays int
}

func (o Options) staleDays() int {
	if o.StaleDays <= 0 {
		return DefaultStaleDays
	}
	return o.StaleDays
}

// Index is an immutable in-memory index of a ledger: claims grouped by settlement and then by source, ordered, with
// supersessions and retractions resolved. Its methods do no I/O and are safe for concurrent use.
type Index struct {
	version   int64
	staleDays int
	sources   []Source // by id
	claims    map[int64]*Claim
	// replacedBy maps a claim id to the id of the claim that supersedes or retracts it.
	replacedBy  map[int64]int64
	settlements []settlementIndex // by id
	byID        map[string]int
	views       int  // number of (settlement, source) pairs with at least one view claim
	latest      Date // the latest ValidAt of a claim in force
}

// settlementIndex is what the index knows of one settlement.
type settlementIndex struct {
	id      string
	history []*Claim      // every claim about the settlement, in sequence order
	sources []sourceIndex // by source id; only sources with a claim in force
}

// sourceIndex holds one source's claims in force about one settlement.
type sourceIndex struct {
	source string
	valid  []int32      // ValidAt day numbers of claims, ascending
	views  []SourceView // the view each claim gives, without age
	claims []*Claim     // in sequence order (see before)
}

// NewIndex builds an index of sources and claims. Claims naming an unknown claim in Supersedes or Retracts are
// kept and the reference ignored; the store's constraints prevent that.
func NewIndex(sources []Source, claims []Claim, opt Options) *Index {
	ix := &Index{
		staleDays:  opt.staleDays(),
		sources:    slices.Clone(sources),
		claims:     make(map[int64]*Claim, len(claims)),
		replacedBy: map[int64]int64{},
		byID:       map[string]int{},
	}
	slices.SortFunc(ix.sources, func(a, b Source) int { return strings.Compare(a.ID, b.ID) })
	own := slices.Clone(claims)
	for i := range own {
		ix.claims[own[i].ID] = &own[i]
	}
	for i := range own {
		c := &own[i]
		for _, target := range []int64{c.Supersedes, c.Retracts} {
			if _, ok := ix.claims[target]; ok && target != 0 {
				if prev, dup := ix.replacedBy[target]; !dup || c.ID < prev {
					ix.replacedBy[target] = c.ID
				}
			}
		}
	}

	// History by settlement; claims in force sorted by settlement, source and sequence, then laid out in one arena
	// per field so that computing a status reads memory in order.
	history := map[string][]*Claim{}
	var live []*Claim
	for i := range own {
		c := &own[i]
		history[c.SettlementID] = append(history[c.SettlementID], c)
		if !c.IsRetraction() && ix.replacedBy[c.ID] == 0 {
			live = append(live, c)
		}
	}
	slices.SortFunc(live, func(a, b *Claim) int {
		if c := strings.Compare(a.SettlementID, b.SettlementID); c != 0 {
			return c
		}
		if c := strings.Compare(a.SourceID, b.SourceID); c != 0 {
			return c
		}
		return compareSeq(a, b)
	})
	valid := make([]int32, len(live))
	views := make([]SourceView, len(live))
	var groups []sourceIndex // ordered by settlement, then source
	for i := 0; i < len(live); {
		j := i + 1
		for j < len(live) && live[j].SettlementID == live[i].SettlementID && live[j].SourceID == live[i].SourceID {
			j++
		}
		for k := i; k < j; k++ {
			c := live[k]
			valid[k] = c.ValidAt.n
			views[k] = ix.viewOf(c)
			if c.ValidAt.After(ix.latest) {
				ix.latest = c.ValidAt
			}
		}
		groups = append(groups, sourceIndex{source: live[i].SourceID, valid: valid[i:j:j], views: views[i:j:j], claims: live[i:j:j]})
		i = j
	}
	ix.views = len(groups)
	ids := make([]string, 0, len(history))
	for id := range history {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ix.settlements = make([]settlementIndex, len(ids))
	g := 0 // groups and ids are both in settlement order
	for i, id := range ids {
		h := history[id]
		slices.SortFunc(h, compareSeq)
		start := g
		for g < len(groups) && groups[g].claims[0].SettlementID == id {
			g++
		}
		ix.settlements[i] = settlementIndex{id: id, history: h, sources: groups[start:g:g]}
		ix.byID[id] = i
	}
	return ix
}

// compareSeq orders claims of one source by sequence (see before).
func compareSeq(a, b *Claim) int {
	switch {
	case before(a, b):
		return -1
	case before(b, a):
		return 1
	}
	return 0
}

// Load reads the whole ledger from s and indexes it.
func Load(ctx context.Context, s Store, opt Options) (*Index, error) {
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	sources, err := s.Sources(ctx)
	if err != nil {
		return nil, err
	}
	claims, err := s.Claims(ctx, ClaimFilter{})
	if err != nil {
		return nil, err
	}
	ix := NewIndex(sources, claims, opt)
	ix.version = v
	return ix, nil
}

// Version returns the store version the index was loaded at (0 for NewIndex).
func (ix *Index) Version() int64 { return ix.version }

// StaleDays returns the staleness window the index applies.
func (ix *Index) StaleDays() int { return ix.staleDays }

// WithStaleDays returns an index sharing ix's data that applies a staleness window of n days (n <= 0: the
// default). It is cheap: use it for a per-request window.
func (ix *Index) WithStaleDays(n int) *Index {
	c := *ix
	c.staleDays = Options{StaleDays: n}.staleDays()
	return &c
}

// DefaultAsOf returns the date a view shows when none is asked for: the latest date a claim in force describes
// (its ValidAt) when no claim is newer than the staleness window before today, and today otherwise. With a
// KnownOn cut-off (not zero) "today" is KnownOn when that is earlier, and only claims published by then count.
// Every surface (API, tiles, page, CLI) calls this one function.
func (ix *Index) DefaultAsOf(today, knownOn Date) Date {
	latest := ix.latest
	if !knownOn.IsZero() {
		if knownOn.Before(today) {
			today = knownOn
		}
		latest = Date{}
		for _, c := range ix.claims {
			if !c.PublishedAt.After(knownOn) && !c.IsRetraction() && c.ValidAt.After(latest) &&
				!ix.replacedKnown(c, knownOn) {
				latest = c.ValidAt
			}
		}
	}
	if latest.IsZero() || today.Sub(latest) <= ix.staleDays {
		return today
	}
	return latest
}

// replacedKnown reports whether c was superseded or retracted by a claim published on or before knownOn.
func (ix *Index) replacedKnown(c *Claim, knownOn Date) bool {
	by, ok := ix.replacedBy[c.ID]
	return ok && !ix.claims[by].PublishedAt.After(knownOn)
}

// Sources returns every registered source, ordered by id.
func (ix *Index) Sources() []Source { return slices.Clone(ix.sources) }

// Source returns the source with id.
func (ix *Index) Source(id string) (Source, bool) {
	i, ok := slices.BinarySearchFunc(ix.sources, id, func(s Source, id string) int { return strings.Compare(s.ID, id) })
	if !ok {
		return Source{}, false
	}
	return ix.sources[i], true
}

// Claim returns the claim with id.
func (ix *Index) Claim(id int64) (Claim, bool) {
	c, ok := ix.claims[id]
	if !ok {
		return Claim{}, false
	}
	return *c, true
}

// Settlements returns the ids of the settlements that have at least one claim, in order.
func (ix *Index) Settlements() []string {
	out := make([]string, len(ix.settlements))
	for i, s := range ix.settlements {
		out[i] = s.id
	}
	return out
}

// Cache keeps the Index of a Store current, rebuilding it when the store's version changes. It is safe for
// concurrent use.
type Cache struct {
	store Store
	opt   Options

	mu    sync.Mutex
	index *Index
}

// NewCache returns a cache of s's index built with opt.
func NewCache(s Store, opt Options) *Cache { return &Cache{store: s, opt: opt} }

// Index returns the index of the store as it is now, loading it again when the store's version has changed since
// the last call.
func (c *Cache) Index(ctx context.Context) (*Index, error) {
	v, err := c.store.Version(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != nil && c.index.version == v {
		return c.index, nil
	}
	ix, err := Load(ctx, c.store, c.opt)
	if err != nil {
		return nil, err
	}
	c.index = ix
	return ix, nil
}
