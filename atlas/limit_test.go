package atlas

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/tiles"
)

// TestLimitSourceBuildsTheSameTiles: the capped source (a heap of the best candidates) gives byte-identical tiles
// to the plain one that hands Build every place, at zooms where the cap bites.
func TestLimitSourceBuildsTheSameTiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	places := make([]place, 5000)
	for i := range places {
		places[i] = place{ID: fmt.Sprintf("p%05d", i), Name: fmt.Sprintf("P%d", i),
			Point:      orb.Point{30 + rng.Float64()*10, 48 + rng.Float64()*6},
			Population: int64(rng.IntN(3)) * 100} // large ties, so the id order decides
	}
	pix := newPlaceIndex(1, places)
	lix := ledger.NewIndex(nil, nil, ledger.Options{})
	src := tileSource{pix: pix, lix: lix, view: View{Query: ledger.Query{AsOf: ledger.MakeDate(2025, 3, 30)}}}
	plain := tiles.SourceFunc(src.Features)
	opt := tiles.Options{}
	for _, z := range []maptile.Zoom{0, 2, 4, 5, 6} {
		tl := maptile.At(orb.Point{35, 51}, z)
		a, err := tiles.Build(context.Background(), src, tl, opt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := tiles.Build(context.Background(), plain, tl, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("z%d: the capped source's tile (%d bytes) differs from the plain one (%d bytes)", z, len(a), len(b))
		}
	}
}
