package tiles_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/tiles"
)

func TestNewEntry(t *testing.T) {
	tileBytes, err := tiles.Build(context.Background(), &sliceSource{feats: smallFeatures(60)}, belt, tiles.Options{})
	if err != nil {
		t.Fatal(err)
	}
	etagRE := regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	tests := []struct {
		name string
		raw  []byte
	}{
		{"empty", []byte{}},
		{"nil", nil},
		{"short", []byte("abc")},
		{"tile", tileBytes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tiles.NewEntry(tt.raw)
			c := tiles.NewCache(1 << 20)
			for i, ce := range []tiles.Entry{c.NewEntry(tt.raw), c.NewEntry(tt.raw), (*tiles.Cache)(nil).NewEntry(tt.raw)} {
				if ce.ETag != e.ETag || !bytes.Equal(ce.Gzip, e.Gzip) {
					t.Errorf("Cache.NewEntry #%d = %s, %d gzip bytes; NewEntry = %s, %d", i, ce.ETag, len(ce.Gzip), e.ETag, len(e.Gzip))
				}
			}
			if !bytes.Equal(e.Raw, tt.raw) {
				t.Errorf("Raw = %q, want %q", e.Raw, tt.raw)
			}
			zr, err := gzip.NewReader(bytes.NewReader(e.Gzip))
			if err != nil {
				t.Fatalf("gzip.NewReader: %v", err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("gunzip: %v", err)
			}
			if !bytes.Equal(got, tt.raw) {
				t.Errorf("gunzip(Gzip) = %d bytes, want the %d raw bytes", len(got), len(tt.raw))
			}
			if !etagRE.MatchString(e.ETag) {
				t.Errorf("ETag = %s, want a quoted 32-digit hex", e.ETag)
			}
			if again := tiles.NewEntry(bytes.Clone(tt.raw)); again.ETag != e.ETag {
				t.Errorf("ETag of the same bytes = %s then %s", e.ETag, again.ETag)
			}
		})
	}
	if a, b := tiles.NewEntry([]byte("a")), tiles.NewEntry([]byte("b")); a.ETag == b.ETag {
		t.Errorf("ETag(a) = ETag(b) = %s", a.ETag)
	}
	// Known value: SHA-256("abc") begins ba7816bf8f01cfea414140de5dae2223.
	if got, want := tiles.NewEntry([]byte("abc")).ETag, `"ba7816bf8f01cfea414140de5dae2223"`; got != want {
		t.Errorf(`NewEntry("abc").ETag = %s, want %s`, got, want)
	}
}

// key returns a cache key of tile z/x/y with the default date and source.
func key(z maptile.Zoom, x, y uint32) tiles.Key {
	return tiles.Key{Tile: maptile.New(x, y, z), AsOf: "2025-03-01", Source: "", Version: 1}
}

// chargeOf returns what one entry of raw n bytes under key(…) is charged, measured through Stats.
func chargeOf(tb testing.TB, e tiles.Entry) int64 {
	tb.Helper()
	c := tiles.NewCache(1 << 20)
	c.Put(key(1, 0, 0), e)
	return c.Stats().Bytes
}

func TestCacheLRU(t *testing.T) {
	e := tiles.NewEntry(bytes.Repeat([]byte("x"), 1000))
	size := chargeOf(t, e)
	if size < int64(len(e.Raw)+len(e.Gzip)) {
		t.Fatalf("an entry is charged %d bytes, less than its %d raw and %d gzip bytes", size, len(e.Raw), len(e.Gzip))
	}
	c := tiles.NewCache(3*size + size/2) // room for 3
	k := func(i uint32) tiles.Key { return key(5, i, 0) }
	for i := range uint32(3) {
		c.Put(k(i), e)
	}
	if _, ok := c.Get(k(0)); !ok { // 0 is now the most recent; 1 the least
		t.Fatalf("Get(0) missed in a cache with room for it")
	}
	c.Put(k(3), e)
	for i, want := range []bool{true, false, true, true} {
		if _, ok := c.Get(k(uint32(i))); ok != want {
			t.Errorf("after evicting one: Get(%d) hit = %v, want %v", i, ok, want)
		}
	}
	s := c.Stats()
	if s.Entries != 3 || s.Bytes != 3*size || s.Bytes > s.MaxBytes || s.Evictions != 1 {
		t.Errorf("Stats = %+v, want 3 entries, %d bytes, 1 eviction", s, 3*size)
	}
	if s.Hits != 4 || s.Misses != 1 {
		t.Errorf("Stats hits %d misses %d, want 4 and 1", s.Hits, s.Misses)
	}

	// Replacing an entry re-charges it; a larger entry evicts the least recent others.
	big := tiles.NewEntry(bytes.Repeat([]byte("y"), 5000))
	bigSize := chargeOf(t, big)
	c = tiles.NewCache(bigSize + size - 1)
	c.Put(k(0), e)
	c.Put(k(1), e)
	c.Put(k(1), big)
	if got, ok := c.Get(k(1)); !ok || !bytes.Equal(got.Raw, big.Raw) {
		t.Errorf("Get after replacing = %v, want the new entry", ok)
	}
	if s := c.Stats(); s.Entries != 1 || s.Bytes != bigSize || s.Evictions != 1 {
		t.Errorf("after replacing: Stats = %+v, want 1 entry of %d bytes and 1 eviction", s, bigSize)
	}

	// An entry larger than the cache is not stored, and drops what was under its key.
	c = tiles.NewCache(size)
	c.Put(k(0), e)
	c.Put(k(0), big)
	if _, ok := c.Get(k(0)); ok {
		t.Errorf("Get of an entry larger than the cache hit")
	}
	if s := c.Stats(); s.Entries != 0 || s.Bytes != 0 {
		t.Errorf("after an oversized Put: Stats = %+v, want empty", s)
	}
}

func TestCacheKeyParts(t *testing.T) {
	c := tiles.NewCache(1 << 20)
	base := key(9, 306, 171)
	c.Put(base, tiles.NewEntry([]byte("base")))
	variants := []tiles.Key{
		{Tile: maptile.New(306, 171, 10), AsOf: base.AsOf, Version: base.Version},
		{Tile: base.Tile, AsOf: "2025-03-02", Version: base.Version},
		{Tile: base.Tile, AsOf: base.AsOf, Source: "isw", Version: base.Version},
		{Tile: base.Tile, AsOf: base.AsOf, Version: 2},
	}
	for _, k := range variants {
		if _, ok := c.Get(k); ok {
			t.Errorf("Get(%+v) hit the entry of %+v", k, base)
		}
	}
	if e, ok := c.Get(base); !ok || string(e.Raw) != "base" {
		t.Errorf("Get(base) = %q, %v", e.Raw, ok)
	}
}

func TestCacheDisabled(t *testing.T) {
	for name, c := range map[string]*tiles.Cache{"zero": tiles.NewCache(0), "negative": tiles.NewCache(-5), "nil": nil} {
		t.Run(name, func(t *testing.T) {
			c.Put(key(1, 0, 0), tiles.NewEntry([]byte("x")))
			if _, ok := c.Get(key(1, 0, 0)); ok {
				t.Errorf("disabled cache hit")
			}
			c.InvalidatePoint(orb.Point{35, 51}, 0.1)
			c.InvalidateAll()
			if s := c.Stats(); s.Entries != 0 || s.Bytes != 0 || s.Hits != 0 {
				t.Errorf("Stats = %+v, want nothing stored", s)
			}
		})
	}
}

func TestCacheInvalidatePoint(t *testing.T) {
	const buf = 64.0 / 4096
	z := maptile.Zoom(10)
	home := maptile.At(orb.Point{35.3, 51.0}, z)
	// p is in home, 10 px (of 4096) west of its east edge, half-way down: in the buffer of the east neighbour.
	p := orb.Point{lonAt(float64(home.X)+1-10.0/4096, z), latAt(float64(home.Y)+0.5, z)}
	east := maptile.New(home.X+1, home.Y, z)
	north := maptile.New(home.X, home.Y-1, z)
	far := maptile.At(orb.Point{37.6, 55.75}, z)

	tests := []struct {
		name   string
		buffer float64
		gone   []maptile.Tile // besides the tiles holding p at every zoom
		kept   []maptile.Tile
	}{
		{"buffer reaches the neighbour", buf, []maptile.Tile{east}, []maptile.Tile{north, far}},
		{"no buffer", 0, nil, []maptile.Tile{east, north, far}},
		{"negative buffer counts as none", -1, nil, []maptile.Tile{east, north, far}},
		{"NaN buffer counts as none", math.NaN(), nil, []maptile.Tile{east, north, far}},
		{"buffer of a whole tile", 1, []maptile.Tile{east, north}, []maptile.Tile{far}},
		{"infinite buffer", math.Inf(1), []maptile.Tile{east, north, far}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tiles.NewCache(1 << 24)
			put := func(tile maptile.Tile) {
				for _, asOf := range []string{"2025-03-01", "2025-03-02"} {
					for _, src := range []string{"", "isw"} {
						c.Put(tiles.Key{Tile: tile, AsOf: asOf, Source: src, Version: 3}, tiles.NewEntry([]byte(asOf+src)))
					}
				}
			}
			var holding []maptile.Tile
			for zz := maptile.Zoom(0); zz <= 14; zz++ {
				holding = append(holding, maptile.At(p, zz))
			}
			for _, tile := range append(append(holding, tt.gone...), tt.kept...) {
				put(tile)
			}
			c.InvalidatePoint(p, tt.buffer)
			for _, tile := range append(holding, tt.gone...) {
				for _, asOf := range []string{"2025-03-01", "2025-03-02"} {
					for _, src := range []string{"", "isw"} {
						if _, ok := c.Get(tiles.Key{Tile: tile, AsOf: asOf, Source: src, Version: 3}); ok {
							t.Errorf("InvalidatePoint(%v) kept %v %s %q", p, tile, asOf, src)
						}
					}
				}
			}
			for _, tile := range tt.kept {
				if _, ok := c.Get(tiles.Key{Tile: tile, AsOf: "2025-03-01", Version: 3}); !ok {
					t.Errorf("InvalidatePoint(%v) dropped %v", p, tile)
				}
			}
			if s := c.Stats(); s.Entries != 4*len(tt.kept) {
				t.Errorf("after InvalidatePoint: %d entries, want %d", s.Entries, 4*len(tt.kept))
			}
		})
	}
}

// TestCacheInvalidateMatchesBuild checks, for points all around a tile's edges, that InvalidatePoint drops the
// tile exactly when Build draws the point in it.
func TestCacheInvalidateMatchesBuild(t *testing.T) {
	opt := tiles.Options{}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, z := range []maptile.Zoom{3, 9, 14} {
		center := maptile.At(orb.Point{35.3, 51.0}, z)
		for i := range 300 {
			// a point within 1/10 of a tile around center, most of them near its edges
			fx := float64(center.X) - 0.1 + rng.Float64()*1.2
			fy := float64(center.Y) - 0.1 + rng.Float64()*1.2
			if i%2 == 0 {
				fx = float64(center.X) + float64(rng.IntN(2)) + (rng.Float64()-0.5)*0.04
			}
			p := orb.Point{lonAt(fx, z), latAt(fy, z)}
			data, err := tiles.Build(context.Background(), &sliceSource{feats: []tiles.Feature{{ID: "p", Point: p}}}, center, opt)
			if err != nil {
				t.Fatal(err)
			}
			drawn := len(decode(t, data).Features) == 1

			c := tiles.NewCache(1 << 20)
			k := tiles.Key{Tile: center}
			c.Put(k, tiles.NewEntry(data))
			c.InvalidatePoint(p, opt.BufferFraction())
			_, kept := c.Get(k)
			if drawn == kept {
				t.Errorf("z%d point %v: drawn in %v = %v, but InvalidatePoint kept it = %v", z, p, center, drawn, kept)
			}
		}
	}
}

func TestCacheInvalidateAll(t *testing.T) {
	c := tiles.NewCache(1 << 20)
	for i := range uint32(10) {
		c.Put(key(9, i, i), tiles.NewEntry([]byte{byte(i)}))
	}
	c.Get(key(9, 1, 1))
	c.InvalidateAll()
	if _, ok := c.Get(key(9, 1, 1)); ok {
		t.Errorf("Get after InvalidateAll hit")
	}
	if s := c.Stats(); s.Entries != 0 || s.Bytes != 0 || s.Hits != 1 || s.Misses != 1 {
		t.Errorf("Stats after InvalidateAll = %+v, want empty with the counters kept", s)
	}
	c.Put(key(9, 1, 1), tiles.NewEntry([]byte("again")))
	if _, ok := c.Get(key(9, 1, 1)); !ok {
		t.Errorf("Get after InvalidateAll and Put missed")
	}
}

func TestCacheInvalidTiles(t *testing.T) {
	c := tiles.NewCache(1 << 20)
	c.Put(tiles.Key{Tile: maptile.New(4, 0, 2)}, tiles.NewEntry([]byte("x")))
	c.Put(tiles.Key{Tile: maptile.New(0, 0, 31)}, tiles.NewEntry([]byte("x")))
	if s := c.Stats(); s.Entries != 0 {
		t.Errorf("cache stored %d invalid tiles", s.Entries)
	}
}

// TestCacheConcurrent exercises every method from many goroutines; run it with -race.
func TestCacheConcurrent(t *testing.T) {
	raw := bytes.Repeat([]byte("z"), 300)
	e := tiles.NewEntry(raw)
	c := tiles.NewCache(40 * chargeOf(t, e))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 2000 {
				k := key(maptile.Zoom(rng.IntN(15)), uint32(rng.IntN(2)), uint32(rng.IntN(2)))
				k.Source = fmt.Sprint(rng.IntN(3))
				switch r := rng.IntN(100); {
				case r < 50:
					if got, ok := c.Get(k); ok && got.ETag != e.ETag {
						t.Errorf("Get returned a foreign entry")
					}
				case r < 90:
					c.Put(k, c.NewEntry(raw))
				case r < 98:
					c.InvalidatePoint(orb.Point{-179.9, 85}, 1.0/64)
				case r < 99:
					c.InvalidateAll()
				default:
					if s := c.Stats(); s.Bytes > s.MaxBytes || s.Entries < 0 {
						t.Errorf("Stats = %+v out of bounds", s)
					}
				}
			}
		})
	}
	wg.Wait()
	s := c.Stats()
	// Every key there has a one-byte Source that chargeOf's key lacks.
	if s.Bytes > s.MaxBytes || s.Bytes != int64(s.Entries)*(chargeOf(t, e)+1) {
		t.Errorf("final Stats = %+v inconsistent", s)
	}
	if s.Hits+s.Misses == 0 {
		t.Errorf("no Get counted")
	}
}
