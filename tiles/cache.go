package tiles

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Key identifies a cached tile: the tile and everything its content depends on.
type Key struct {
	// Tile is the tile.
	Tile maptile.Tile
	// AsOf is the date the statuses are computed for (YYYY-MM-DD).
	AsOf string
	// Source is the source whose view is drawn, "" for the consensus.
	Source string
	// KnownOn is the publication cut-off of the claims drawn (YYYY-MM-DD), "" for none.
	KnownOn string
	// Version is the data version the tile was built from.
	Version int64
}

// Entry is an encoded tile ready to serve. Its slices are shared with the cache: do not modify them.
type Entry struct {
	// Raw is the uncompressed MVT.
	Raw []byte
	// Gzip is Raw gzip-compressed, for clients that accept it.
	Gzip []byte
	// ETag is a strong entity tag of Raw, quoted: the same for the same bytes, whatever the encoding served
	// (serve Gzip with Content-Encoding, so the representation's tag may stay that of the content).
	ETag string
}

// NewEntry returns the Entry of raw: raw itself (not copied), its gzip compression (at gzip.BestSpeed: a cold tile
// costs a quarter less CPU for about 5% more bytes than the default level), and as ETag the quoted hex of
// the first 16 bytes of its SHA-256. Each call allocates a gzip writer (about 800 KB); Cache.NewEntry reuses them.
func NewEntry(raw []byte) Entry {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return newEntry(raw, zw)
}

// NewEntry is like the function NewEntry but reuses the cache's gzip writers. It is safe for concurrent use, and
// works on a nil or disabled cache.
func (c *Cache) NewEntry(raw []byte) Entry {
	if c == nil {
		return NewEntry(raw)
	}
	zw, _ := c.gzipWriters.Get().(*gzip.Writer)
	if zw == nil {
		zw, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)
	}
	e := newEntry(raw, zw)
	c.gzipWriters.Put(zw)
	return e
}

// newEntry builds the Entry of raw, compressing with zw (which it resets).
func newEntry(raw []byte, zw *gzip.Writer) Entry {
	sum := sha256.Sum256(raw)
	return Entry{Raw: raw, Gzip: gzipBytes(raw, zw), ETag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

// gzipBytes compresses b with zw. Writing to memory cannot fail; if it ever did the result would be nil and the
// caller serves Raw.
func gzipBytes(b []byte, zw *gzip.Writer) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 64)
	zw.Reset(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil
	}
	if err := zw.Close(); err != nil {
		return nil
	}
	return buf.Bytes()
}

// entryOverhead approximates, in bytes, what an entry costs beyond its slices and strings: the list element, the
// map slots of both indexes and the headers.
const entryOverhead = 256

// charge is what an entry counts against the cache's maxBytes.
func charge(k Key, e Entry) int64 {
	return int64(len(e.Raw)+len(e.Gzip)+len(e.ETag)+len(k.AsOf)+len(k.Source)) + entryOverhead
}

// CacheStats are a Cache's counters.
type CacheStats struct {
	// Entries is the number of tiles held.
	Entries int `json:"entries"`
	// Bytes is what they are charged: raw and gzip bytes, ETag and key strings, plus a fixed per-entry overhead.
	Bytes int64 `json:"bytes"`
	// MaxBytes is the bound on Bytes; 0 for a disabled cache.
	MaxBytes int64 `json:"max_bytes"`
	// Hits and Misses count Get calls.
	Hits   int64 `json:"hits"`
	Misses int64 `json:"misses"`
	// Evictions counts entries dropped to stay under MaxBytes (invalidations are not counted).
	Evictions int64 `json:"evictions"`
}

// Cache holds encoded tiles, bounded in bytes and evicting the least recently used. It is safe for concurrent use.
// A nil *Cache, like one made with maxBytes 0, is disabled: Get always misses and Put stores nothing.
type Cache struct {
	mu       sync.Mutex
	maxBytes int64
	lru      *list.List // of *cacheItem, most recently used first
	items    map[Key]*list.Element
	byTile   map[maptile.Tile]map[Key]*list.Element
	zooms    map[maptile.Zoom]int // number of entries at each zoom
	stats    CacheStats

	gzipWriters sync.Pool // of *gzip.Writer, for NewEntry
}

type cacheItem struct {
	key    Key
	entry  Entry
	charge int64
}

// NewCache returns a cache holding at most maxBytes (see CacheStats.Bytes for what counts). maxBytes 0 or less
// disables it.
func NewCache(maxBytes int64) *Cache {
	c := &Cache{maxBytes: max(maxBytes, 0)}
	c.reset()
	return c
}

// reset empties the cache; the caller holds mu (or owns c).
func (c *Cache) reset() {
	c.lru = list.New()
	c.items = make(map[Key]*list.Element)
	c.byTile = make(map[maptile.Tile]map[Key]*list.Element)
	c.zooms = make(map[maptile.Zoom]int)
	c.stats.Entries, c.stats.Bytes = 0, 0
}

// Get returns the entry for k and marks it recently used.
func (c *Cache) Get(k Key) (Entry, bool) {
	if c == nil {
		return Entry{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		c.stats.Misses++
		return Entry{}, false
	}
	c.stats.Hits++
	c.lru.MoveToFront(el)
	return el.Value.(*cacheItem).entry, true
}

// Put stores e under k, replacing any entry there, and evicts the least recently used entries until the cache
// fits its bound. An entry larger than the whole bound is not stored (and one already under k is dropped); nor is
// one whose tile is invalid or above MaxZoomLimit.
func (c *Cache) Put(k Key, e Entry) {
	if c == nil || c.maxBytes == 0 || k.Tile.Z > MaxZoomLimit || !k.Tile.Valid() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.remove(el)
	}
	n := charge(k, e)
	if n > c.maxBytes {
		return
	}
	el := c.lru.PushFront(&cacheItem{key: k, entry: e, charge: n})
	c.items[k] = el
	byKey := c.byTile[k.Tile]
	if byKey == nil {
		byKey = make(map[Key]*list.Element)
		c.byTile[k.Tile] = byKey
	}
	byKey[k] = el
	c.zooms[k.Tile.Z]++
	c.stats.Entries++
	c.stats.Bytes += n
	for c.stats.Bytes > c.maxBytes {
		c.remove(c.lru.Back())
		c.stats.Evictions++
	}
}

// remove drops el from every index; the caller holds mu.
func (c *Cache) remove(el *list.Element) {
	it := c.lru.Remove(el).(*cacheItem)
	delete(c.items, it.key)
	if byKey := c.byTile[it.key.Tile]; byKey != nil {
		delete(byKey, it.key)
		if len(byKey) == 0 {
			delete(c.byTile, it.key.Tile)
		}
	}
	if c.zooms[it.key.Tile.Z]--; c.zooms[it.key.Tile.Z] == 0 {
		delete(c.zooms, it.key.Tile.Z)
	}
	c.stats.Entries--
	c.stats.Bytes -= it.charge
}

// removeTile drops every entry of t; the caller holds mu.
func (c *Cache) removeTile(t maptile.Tile) {
	for _, el := range c.byTile[t] {
		c.remove(el) // deletes from the map being ranged over, which Go allows
	}
}

// InvalidatePoint removes the entries, at every zoom and for every date, source and version, of the tiles whose
// bound buffered by buffer (a fraction of a tile, as Options.BufferFraction returns; negative counts as 0)
// contains p: exactly the tiles Build would draw a feature at p in. Call it with the old and the new point when a
// place moves. A point with a NaN coordinate is in no tile.
//
// At each zoom the cache holds it looks up only the tiles around p (at most 3×3 candidates, of which at most 4
// match, when buffer < 0.5), so its cost does not grow with the number of entries.
func (c *Cache) InvalidatePoint(p orb.Point, buffer float64) {
	if c == nil || math.IsNaN(p[0]) || math.IsNaN(p[1]) {
		return
	}
	if !(buffer > 0) { // negative or NaN
		buffer = 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for z := range c.zooms {
		f := maptile.Fraction(p, z)
		n := float64(uint64(1) << z)
		// The tiles t with t-buffer <= f <= t+1+buffer, widened a little for rounding; Bound decides exactly.
		x0, x1 := clampIndex(f[0]-1-buffer-roundingSlack, n), clampIndex(f[0]+buffer+roundingSlack, n)
		y0, y1 := clampIndex(f[1]-1-buffer-roundingSlack, n), clampIndex(f[1]+buffer+roundingSlack, n)
		if uint64(x1-x0+1)*uint64(y1-y0+1) > uint64(len(c.byTile)) {
			// A buffer of many tiles: checking every cached tile is cheaper than every candidate.
			for t := range c.byTile {
				if t.Z == z && t.Bound(buffer).Contains(p) {
					c.removeTile(t)
				}
			}
			continue
		}
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				t := maptile.New(x, y, z)
				if _, ok := c.byTile[t]; ok && t.Bound(buffer).Contains(p) {
					c.removeTile(t)
				}
			}
		}
	}
}

// roundingSlack widens the candidate tiles of InvalidatePoint so that a point on a tile edge, where
// maptile.Fraction and Tile.Bound may round apart, is checked against both tiles.
const roundingSlack = 1e-9

// clampIndex returns floor(v) clamped to the tile indexes 0..n-1.
func clampIndex(v, n float64) uint32 {
	return uint32(min(max(math.Floor(v), 0), n-1))
}

// InvalidateAll removes every entry; the hit, miss and eviction counters are kept.
func (c *Cache) InvalidateAll() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reset()
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	if c == nil {
		return CacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.MaxBytes = c.maxBytes
	return s
}
