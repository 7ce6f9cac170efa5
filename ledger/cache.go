package ledger

import (
	"context"
	"sync"
	"sync/atomic"
)

// Cache keeps the Index of a Store current. It publishes each new index atomically: readers take the current one
// without a lock and never wait for a refresh (or a write) in progress. A refresh reads only what the store gained
// since the current index (the sources and the claims with higher ids) and derives the next index from the current
// one with Index.With, copying only the settlements the new claims touch. It is safe for concurrent use.
type Cache struct {
	store    Store
	opt      Options
	onUpdate func(context.Context, Update)

	cur atomic.Pointer[Index]
	mu  sync.Mutex // serialises refreshes

	snapMu sync.Mutex // serialises SaveSnapshot
	first  *Index     // the first index loaded, while its load found the store's snapshot behind (see SaveSnapshot)
}

// NewCache returns a cache of s's index built with opt. When onUpdate is not nil it is called with every new
// index the cache publishes, in order, before the call that made it returns (so a tile cache can drop exactly
// what changed).
func NewCache(s Store, opt Options, onUpdate func(context.Context, Update)) *Cache {
	return &Cache{store: s, opt: opt, onUpdate: onUpdate}
}

// Update is what a refresh changed.
type Update struct {
	// Index is the index after the refresh.
	Index *Index
	// Settlements lists the settlements that gained claims, in no particular order; nil when none did or Full.
	Settlements []string
	// Full is true for the first load: everything changed.
	Full bool
}

// Index returns the index of the store as it is now. When the store's version has changed since the current index
// it refreshes first, unless another refresh is under way: then it returns the current index without waiting.
// Only the first call, with no index yet, waits for a load.
func (c *Cache) Index(ctx context.Context) (*Index, error) {
	cur := c.cur.Load()
	if cur != nil {
		v, err := c.store.Version(ctx)
		if err != nil {
			return nil, err
		}
		if v == cur.version {
			return cur, nil
		}
		if !c.mu.TryLock() {
			return cur, nil // a refresh is under way: the current index is consistent, if a little behind
		}
		u, err := c.refreshLocked(ctx)
		c.mu.Unlock()
		return u.Index, err
	}
	u, err := c.Refresh(ctx)
	return u.Index, err
}

// Current returns the current index without touching the store; nil before the first load.
func (c *Cache) Current() *Index { return c.cur.Load() }

// Refresh brings the index up to date with the store, waiting for a refresh under way, and returns what changed.
// A write that has committed is in the index Refresh returns: writers call it after writing, and replicas when
// told of a write elsewhere (the same path).
func (c *Cache) Refresh(ctx context.Context) (Update, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refreshLocked(ctx)
}

func (c *Cache) refreshLocked(ctx context.Context) (Update, error) {
	cur := c.cur.Load()
	if cur == nil {
		ix, err := Load(ctx, c.store, c.opt)
		if err != nil {
			return Update{}, err
		}
		if _, ok := c.store.(SnapshotStore); ok && ix.SnapshotBehind() {
			c.snapMu.Lock()
			c.first = ix
			c.snapMu.Unlock()
		}
		return c.publish(ctx, Update{Index: ix, Full: true}), nil
	}
	v, err := c.store.Version(ctx)
	if err != nil {
		return Update{Index: cur}, err
	}
	if v == cur.version {
		return Update{Index: cur}, nil
	}
	nx, err := loadAfter(ctx, c.store, cur)
	if err != nil {
		return Update{Index: cur}, err
	}
	return c.publish(ctx, Update{Index: nx, Settlements: nx.changedSince(cur)}), nil
}

// publish makes u's index the current one and tells onUpdate.
func (c *Cache) publish(ctx context.Context, u Update) Update {
	c.cur.Store(u.Index)
	if c.onUpdate != nil {
		c.onUpdate(ctx, u)
	}
	return u
}

// Apply adds claims known to be in the store (a replica told of them, for example) to the current index and
// publishes the result, without reading the store; claims the index holds already are skipped. The index keeps
// its version, so the next Index or Refresh still reads whatever else the store gained.
func (c *Cache) Apply(ctx context.Context, claims []Claim) (Update, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.cur.Load()
	if cur == nil {
		return c.refreshLocked(ctx)
	}
	nx := cur.With(nil, claims)
	return c.publish(ctx, Update{Index: nx, Settlements: nx.changedSince(cur)}), nil
}

// changedSince lists the settlements whose records differ from old's (old an ancestor of ix).
func (ix *Index) changedSince(old *Index) []string {
	var out []string
	for n, s := range ix.setts {
		if n >= len(old.setts) || old.setts[n] != s {
			out = append(out, s.id)
		}
	}
	return out
}

// SaveSnapshot stores a snapshot of the index in the store (a SnapshotStore) when the cache's first load found the
// stored one missing, unusable or at least SnapshotMin claims behind, so that the next load reads it instead of
// every claim; otherwise, and after it has tried once (unless ctx ended first), it does nothing. It writes the
// current index when that holds only claims read from the store, else the first one loaded. Readers and refreshes
// do not wait for it; call it off any request's path (a server calls it once it is up).
func (c *Cache) SaveSnapshot(ctx context.Context) (saved bool, err error) {
	c.snapMu.Lock()
	defer c.snapMu.Unlock()
	if c.first == nil {
		return false, nil
	}
	ix := c.cur.Load()
	if ix == nil || ix.lastID > ix.readTo {
		ix = c.first
	}
	err = SaveSnapshot(ctx, c.store, ix)
	if ctx.Err() == nil {
		c.first = nil // tried once: a store that cannot take it (read-only, full) is not asked again
	}
	return err == nil, err
}
