package ledger

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
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

// claimReader reads claims with their text; a Store is one.
type claimReader interface {
	Claims(ctx context.Context, f ClaimFilter) ([]Claim, error)
}

// Index is an immutable in-memory index of a ledger: claims grouped by settlement and then by source, ordered, with
// supersessions and retractions resolved. It keeps each claim in a compact form without its text (56 bytes; the
// text is read from the store by History). Its status methods do no I/O, and every method is safe for concurrent
// use.
//
// A newer index is derived from an older one by With, copying only the settlements the new claims touch (and the
// tables of pointers that lead to them): the older index stays valid and unchanged, so readers holding it never
// wait for the writer building the next one.
type Index struct {
	version   int64
	staleDays int
	text      claimReader

	sources  []Source         // registered sources, by id
	srcIDs   []string         // source number -> id, in order of first appearance
	srcAlign []Alignment      // source number -> alignment ("" for a source not in the registry)
	srcNum   map[string]int32 // id -> source number

	setts []*settlement    // settlement number -> settlement, in order of first appearance
	byID  map[string]int32 // id -> settlement number (a shared base)
	extra map[string]int32 // id -> settlement number for settlements added since byID was built
	order []int32          // settlement numbers ordered by id

	gen    uint64 // the build generation that made this index
	lastID int64  // the highest claim id indexed
	readTo int64  // every claim of the store with an id up to readTo is indexed (Cache.Apply does not move it)
	// rowsRead is how many claims the load that made this index read from the store's rows, beyond the snapshot
	// it started from (see SnapshotBehind).
	rowsRead int
	claims   int  // number of claims indexed
	views    int  // number of (settlement, source) pairs with at least one claim in force
	latest   Date // the latest ValidAt of a claim in force
}

// settlement is what the index knows of one settlement. A build may change only the settlements of its own
// generation (those it copied or created); the others are shared with older indexes.
type settlement struct {
	id     string
	gen    uint64
	recs   []rec   // every claim about the settlement, in sequence order (see recBefore)
	live   []int32 // positions in recs of the claims in force, by source id, then in sequence
	latest int32   // the latest ValidAt of a claim in force, as a day number; 0 for none
	nsrc   int32   // the number of sources with a claim in force
	known  []knownStep
}

// run returns the end of the run of live claims from live[i] on that share its source.
func (s *settlement) run(i int) int {
	src := s.recs[s.live[i]].source
	j := i + 1
	for j < len(s.live) && s.recs[s.live[j]].source == src {
		j++
	}
	return j
}

// rec is the compact form of a claim: what views need, no text.
type rec struct {
	id, recorded, target, replacedBy int64 // recorded: RecordedAt in Unix nanoseconds
	valid, published                 int32
	source                           int32
	holder, degree, precision, evid  uint8
	retraction                       bool
}

func newRec(c *Claim, source int32) rec {
	r := rec{id: c.ID, recorded: unixNano(c.RecordedAt), valid: c.ValidAt.n, published: c.PublishedAt.n,
		source: source, holder: holderCode(c.Holder), degree: degreeCode(c.Degree),
		precision: precisionCode(c.ValidPrecision), evid: evidenceCode(c.Evidence), retraction: c.IsRetraction()}
	r.target = c.Supersedes
	if r.retraction {
		r.target = c.Retracts
	}
	return r
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

// inForce reports whether r counts in views.
func (r *rec) inForce() bool { return !r.retraction && r.replacedBy == 0 }

// recBefore reports whether a comes before b in a settlement's sequence of claims: by ValidAt, then PublishedAt,
// then RecordedAt, then ID (the order the ledger stored them).
func recBefore(a, b *rec) bool {
	switch {
	case a.valid != b.valid:
		return a.valid < b.valid
	case a.published != b.published:
		return a.published < b.published
	case a.recorded != b.recorded:
		return a.recorded < b.recorded
	}
	return a.id < b.id
}

// NewIndex builds an index of sources and claims, keeping the claims' text in memory for History. Claims naming
// an unknown claim (or one about another settlement) in Supersedes or Retracts are kept and the reference ignored;
// the store's constraints prevent that.
func NewIndex(sources []Source, claims []Claim, opt Options) *Index {
	ix := emptyIndex(opt)
	ix.text = memClaims(slices.Clone(claims))
	return ix.With(sources, claims)
}

func emptyIndex(opt Options) *Index {
	return &Index{staleDays: opt.staleDays(), srcNum: map[string]int32{}, byID: map[string]int32{},
		extra: map[string]int32{}}
}

// With returns a new index holding ix's claims and claims, with sources (when not nil) as the source registry.
// Claims ix already holds (by id) are skipped, so applying a claim twice is harmless, and claims may come in any
// order: the result is the index of the union. ix is left unchanged and stays valid. The cost is that of copying
// the settlements the claims are about, plus one pointer per settlement.
func (ix *Index) With(sources []Source, claims []Claim) *Index {
	b := newBuilder(ix, sources)
	for i := range claims {
		b.add(&claims[i])
	}
	b.finish()
	return b.nx
}

// newBuilder starts the index that follows ix, with sources (when not nil) as the registry.
func newBuilder(ix *Index, sources []Source) *builder {
	b := &builder{nx: new(Index)}
	*b.nx = *ix
	b.nx.gen = ix.gen + 1
	if sources != nil {
		b.setSources(sources)
	}
	return b
}

// builder makes one new index from an older one.
type builder struct {
	nx                      *Index
	settsOwned, srcOwned    bool
	extraOwned              bool
	dirty, added            []int32
	oldSources, addedClaims int
}

func (b *builder) setSources(sources []Source) {
	nx := b.nx
	nx.sources = slices.Clone(sources)
	slices.SortFunc(nx.sources, func(a, b Source) int { return strings.Compare(a.ID, b.ID) })
	for _, s := range nx.sources {
		n := b.sourceNum(s.ID)
		if nx.srcAlign[n] != s.Alignment {
			b.ownSources()
			nx.srcAlign[n] = s.Alignment
		}
	}
}

func (b *builder) ownSources() {
	if b.srcOwned {
		return
	}
	nx := b.nx
	nx.srcIDs, nx.srcAlign = slices.Clone(nx.srcIDs), slices.Clone(nx.srcAlign)
	m := make(map[string]int32, len(nx.srcNum)+1)
	for k, v := range nx.srcNum {
		m[k] = v
	}
	nx.srcNum = m
	b.srcOwned = true
}

// sourceNum returns the number of source id, numbering it when new.
func (b *builder) sourceNum(id string) int32 {
	if n, ok := b.nx.srcNum[id]; ok {
		return n
	}
	b.ownSources()
	nx := b.nx
	n := int32(len(nx.srcIDs))
	nx.srcIDs = append(nx.srcIDs, id)
	nx.srcAlign = append(nx.srcAlign, "")
	nx.srcNum[id] = n
	return n
}

// settlement returns settlement id as this build may change it, creating or copying it as needed.
func (b *builder) settlement(id string) *settlement {
	nx := b.nx
	if !b.settsOwned {
		nx.setts = slices.Clone(nx.setts)
		b.settsOwned = true
	}
	n, ok := nx.number(id)
	if !ok {
		if !b.extraOwned {
			m := make(map[string]int32, len(nx.extra)+1)
			for k, v := range nx.extra {
				m[k] = v
			}
			nx.extra = m
			b.extraOwned = true
		}
		n = int32(len(nx.setts))
		nx.extra[id] = n
		s := &settlement{id: id, gen: nx.gen}
		nx.setts = append(nx.setts, s)
		b.added = append(b.added, n)
		b.dirty = append(b.dirty, n)
		return s
	}
	s := nx.setts[n]
	if s.gen != nx.gen {
		c := *s
		c.gen = nx.gen
		c.recs = slices.Clone(s.recs)
		s = &c
		nx.setts[n] = s
		b.dirty = append(b.dirty, n)
		b.oldSources += int(s.nsrc)
	}
	return s
}

// add indexes claim c.
func (b *builder) add(c *Claim) {
	nx := b.nx
	// A claim with an id above every id indexed so far is new, and no claim indexed so far corrects it (a
	// correction always has a higher id than the claim it corrects): the common case, in id order, needs no scan.
	fresh := c.ID > nx.lastID
	if !fresh {
		if n, ok := nx.number(c.SettlementID); ok && c.ID != 0 && slices.ContainsFunc(nx.setts[n].recs, func(r rec) bool { return r.id == c.ID }) {
			return // already indexed
		}
	}
	s := b.settlement(c.SettlementID)
	r := newRec(c, b.sourceNum(c.SourceID))
	if r.target != 0 || !fresh {
		for i := range s.recs {
			o := &s.recs[i]
			if r.target != 0 && o.id == r.target && (o.replacedBy == 0 || r.id < o.replacedBy) {
				o.replacedBy = r.id
			}
			if !fresh && o.target == r.id && r.id != 0 && (r.replacedBy == 0 || o.id < r.replacedBy) {
				r.replacedBy = o.id
			}
		}
	}
	i := sort.Search(len(s.recs), func(i int) bool { return recBefore(&r, &s.recs[i]) })
	s.recs = slices.Insert(s.recs, i, r)
	nx.lastID = max(nx.lastID, c.ID)
	b.addedClaims++
}

// finish regroups the settlements changed and brings the tables up to date.
func (b *builder) finish() {
	nx := b.nx
	newSources := 0
	var rank []int32
	if len(b.dirty) > 0 {
		rank = sourceRanks(nx.srcIDs)
	}
	for _, n := range b.dirty {
		s := nx.setts[n]
		if cap(s.recs) > len(s.recs)+len(s.recs)/8 { // no slack kept from appending
			s.recs = slices.Clone(s.recs)
		}
		s.regroup(rank)
		newSources += int(s.nsrc)
	}
	nx.views += newSources - b.oldSources
	nx.claims += b.addedClaims
	if len(b.added) > 0 {
		slices.SortFunc(b.added, func(x, y int32) int { return strings.Compare(nx.setts[x].id, nx.setts[y].id) })
		order := make([]int32, 0, len(nx.order)+len(b.added))
		i, j := 0, 0
		for i < len(nx.order) || j < len(b.added) {
			if j == len(b.added) || (i < len(nx.order) && nx.setts[nx.order[i]].id < nx.setts[b.added[j]].id) {
				order = append(order, nx.order[i])
				i++
			} else {
				order = append(order, b.added[j])
				j++
			}
		}
		nx.order = order
		if len(nx.extra) > 1024 && len(nx.extra) > len(nx.byID)/8 { // fold the additions into a new base
			m := make(map[string]int32, len(nx.byID)+len(nx.extra))
			for k, v := range nx.byID {
				m[k] = v
			}
			for k, v := range nx.extra {
				m[k] = v
			}
			nx.byID, nx.extra = m, map[string]int32{}
		}
	}
	if len(b.dirty) > 0 {
		var latest int32
		for _, s := range nx.setts {
			latest = max(latest, s.latest)
		}
		nx.latest = Date{n: latest}
	}
}

// sourceRanks returns each source number's rank in the order of the source ids.
func sourceRanks(srcIDs []string) []int32 {
	byID := make([]int32, len(srcIDs))
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int { return strings.Compare(srcIDs[a], srcIDs[b]) })
	rank := make([]int32, len(srcIDs))
	for r, n := range byID {
		rank[n] = int32(r)
	}
	return rank
}

// regroup rebuilds s's claims in force and groups from its records; rank is sourceRanks of the index's sources.
func (s *settlement) regroup(rank []int32) {
	s.live, s.latest, s.nsrc = s.live[:0:0], 0, 0
	for i := range s.recs {
		if r := &s.recs[i]; r.inForce() {
			s.live = append(s.live, int32(i))
			s.latest = max(s.latest, r.valid)
		}
	}
	slices.SortStableFunc(s.live, func(a, b int32) int {
		return cmp.Compare(rank[s.recs[a].source], rank[s.recs[b].source])
	})
	for i := 0; i < len(s.live); i = s.run(i) {
		s.nsrc++
	}
	s.live = slices.Clip(s.live)
	s.known = s.knownSteps()
}

// number returns the settlement number of id.
func (ix *Index) number(id string) (int32, bool) {
	if n, ok := ix.byID[id]; ok {
		return n, true
	}
	n, ok := ix.extra[id]
	return n, ok
}

// Number returns the settlement number of id: a dense number, stable across the indexes derived from one another
// by With (and so across a Cache's refreshes), for callers that look statuses up by number (StatusOfNumber).
// It is false for a settlement without claims.
func (ix *Index) Number(settlementID string) (int32, bool) { return ix.number(settlementID) }

// NumSettlements returns the number of settlements with claims: settlement numbers are below it.
func (ix *Index) NumSettlements() int { return len(ix.setts) }

// Load reads the whole ledger from s and indexes it; History reads the claims' text from s. When s is a
// SnapshotStore holding a snapshot that matches its claims, Load starts from the snapshot and reads only the claims
// stored after it; otherwise it reads every claim.
func Load(ctx context.Context, s Store, opt Options) (*Index, error) {
	ix, err := loadSnapshot(ctx, s, opt)
	if err != nil {
		return nil, err
	}
	if ix == nil {
		ix = emptyIndex(opt)
	}
	return loadAfter(ctx, s, ix)
}

// loadPage is how many claims a load reads from the store at a time.
const loadPage = 1 << 16

// loadAfter reads what s holds beyond ix (the sources, and the claims with ids above ix's last) and returns the
// index of both, at s's version.
func loadAfter(ctx context.Context, s Store, ix *Index) (*Index, error) {
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	sources, err := s.Sources(ctx)
	if err != nil {
		return nil, err
	}
	if sources == nil {
		sources = []Source{}
	}
	b := newBuilder(ix, sources)
	after, read := ix.readTo, 0
	for { // in pages, so that only one page of full claims is held at a time
		claims, err := s.Claims(ctx, ClaimFilter{AfterID: after, Limit: loadPage, NoText: true})
		if err != nil {
			return nil, err
		}
		for i := range claims {
			b.add(&claims[i])
			after = max(after, claims[i].ID)
		}
		read += len(claims)
		if len(claims) < loadPage {
			break
		}
	}
	b.finish()
	nx := b.nx
	nx.version, nx.text, nx.readTo, nx.rowsRead = v, s, after, read
	return nx, nil
}

// Version returns the store version the index was loaded at (0 for NewIndex).
func (ix *Index) Version() int64 { return ix.version }

// Len returns the number of claims indexed.
func (ix *Index) Len() int { return ix.claims }

// LastID returns the highest claim id indexed.
func (ix *Index) LastID() int64 { return ix.lastID }

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
		for _, s := range ix.setts {
			latest.n = max(latest.n, s.knownLatest(knownOn.n))
		}
	}
	if latest.IsZero() || today.Sub(latest) <= ix.staleDays {
		return today
	}
	return latest
}

// replacedKnown reports whether r was superseded or retracted by a claim published on or before knownOn.
func (s *settlement) replacedKnown(r *rec, knownOn Date) bool {
	if r.replacedBy == 0 {
		return false
	}
	i := slices.IndexFunc(s.recs, func(o rec) bool { return o.id == r.replacedBy })
	return i >= 0 && s.recs[i].published <= knownOn.n
}

// Span returns the earliest and latest ValidAt of any claim (zero dates for an empty ledger).
func (ix *Index) Span() (first, last Date) {
	for _, s := range ix.setts {
		if len(s.recs) == 0 {
			continue
		}
		lo, hi := s.recs[0].valid, s.recs[len(s.recs)-1].valid // recs are in ValidAt order
		if first.IsZero() || lo < first.n {
			first.n = lo
		}
		last.n = max(last.n, hi)
	}
	return first, last
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

// Settlements returns the ids of the settlements that have at least one claim, in order.
func (ix *Index) Settlements() []string {
	out := make([]string, len(ix.order))
	for i, n := range ix.order {
		out[i] = ix.setts[n].id
	}
	return out
}

// memClaims is the text of NewIndex's claims.
type memClaims []Claim

func (m memClaims) Claims(_ context.Context, f ClaimFilter) ([]Claim, error) {
	var out []Claim
	for _, c := range m {
		if (f.Settlement == "" || c.SettlementID == f.Settlement) && (f.Source == "" || c.SourceID == f.Source) &&
			c.ID > f.AfterID {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Claim) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
