package pmtiles_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/tiled-maps/tiled/pmtiles"
)

// TestTileID checks the Hilbert ids against the reference implementation's vectors (go-pmtiles tile_id_test.go)
// and the spec's ordering: every tile of zoom z before any of z+1.
func TestTileID(t *testing.T) {
	for _, tt := range []struct {
		z    uint8
		x, y uint32
		want uint64
	}{
		{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 0, 0, 5},
		{2, 0, 1, 8}, {2, 1, 1, 7}, {2, 1, 0, 6}, {2, 3, 0, 20},
	} {
		if got := pmtiles.TileID(tt.z, tt.x, tt.y); got != tt.want {
			t.Errorf("TileID(%d, %d, %d) = %d, want %d", tt.z, tt.x, tt.y, got, tt.want)
		}
	}
	for z := uint8(0); z < 8; z++ {
		seen := map[uint64]bool{}
		n := uint32(1) << z
		base := (uint64(1)<<(2*uint64(z)) - 1) / 3
		for x := range n {
			for y := range n {
				id := pmtiles.TileID(z, x, y)
				if id < base || id >= base+uint64(n)*uint64(n) || seen[id] {
					t.Fatalf("TileID(%d, %d, %d) = %d: outside zoom %d's range or repeated", z, x, y, id, z)
				}
				seen[id] = true
			}
		}
	}
}

type tile struct {
	z    uint8
	x, y uint32
}

// TestRoundTrip writes tiles in random order — enough distinct ones to need leaf directories, some identical, a
// run of identical neighbours — and reads every one back, checking the header's counts.
func TestRoundTrip(t *testing.T) {
	for _, n := range []int{3, 12000} {
		t.Run(fmt.Sprint(n, " tiles"), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			path := filepath.Join(t.TempDir(), "x.pmtiles")
			w, err := pmtiles.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			want := map[tile][]byte{}
			for len(want) < n {
				tl := tile{9, rng.Uint32N(512), rng.Uint32N(512)}
				data := []byte(fmt.Sprintf("tile %d/%d/%d %d", tl.z, tl.x, tl.y, rng.Uint64()))
				if len(want)%10 == 0 {
					data = []byte("shared content")
				}
				want[tl] = data
			}
			for x := range uint32(4) { // a run: the four z1 tiles, all equal
				want[tile{1, x / 2, x % 2}] = []byte("run")
			}
			for tl, d := range want {
				if err := w.Put(tl.z, tl.x, tl.y, d); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Commit(pmtiles.Metadata{JSON: map[string]any{"name": "test"}, MinZoom: 1, MaxZoom: 9,
				Bounds: [4]float64{30, 45, 40, 55}, Center: [3]float64{35, 50, 6}}); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := pmtiles.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			h := r.Header
			if h.AddressedTiles != uint64(len(want)) || h.TileEntries >= h.AddressedTiles || h.TileContents > h.TileEntries ||
				!h.Clustered || h.MinLatE7 != 450000000 || h.CenterZoom != 6 || h.TileType != pmtiles.TypeMVT {
				t.Errorf("header = %+v", h)
			}
			if n > 10000 && h.LeafLength == 0 {
				t.Errorf("%d tiles and no leaf directories", n)
			}
			if h.RootOffset+h.RootLength > 16384 {
				t.Errorf("root directory ends at %d, past the first 16 KiB", h.RootOffset+h.RootLength)
			}
			checked := 0
			for tl, d := range want { // map order: a random sample of them
				if checked++; checked > 3000 {
					break
				}
				got, err := r.Tile(tl.z, tl.x, tl.y)
				if err != nil || !bytes.Equal(got, d) {
					t.Fatalf("Tile(%v) = %q, %v; want %q", tl, got, err, d)
				}
			}
			if got, err := r.Tile(2, 0, 0); got != nil || err != nil {
				t.Errorf("Tile(2/0/0), never put = %q, %v; want nothing", got, err)
			}
			if m, err := r.Metadata(); err != nil || m["name"] != "test" {
				t.Errorf("Metadata = %v, %v", m, err)
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
			if len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}
