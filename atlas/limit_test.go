package atlas

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/tiles"
)

// TestLimitSourceBuildsTheSameTiles: the capped source (the k-d tree's ranked lists and the places with claims)
// gives byte-identical tiles to the plain one that hands Build every place, at every zoom and for dates before,
// during and after the claims, with few and with many places with claims.
func TestLimitSourceBuildsTheSameTiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	places := randomPlaces(rng, 6000)
	pix := newPlaceIndex(1, places)
	sources := []ledger.Source{{ID: "isw", Name: "ISW", Alignment: ledger.AlignmentIndependent},
		{ID: "ru-mod", Name: "MoD", Alignment: ledger.AlignmentRU}}
	for _, claimed := range []int{0, 40, 3000} {
		var claims []ledger.Claim
		for k := range claimed {
			p := places[rng.IntN(len(places))]
			d := ledger.MakeDate(2025, 3, 1+rng.IntN(28))
			claims = append(claims, ledger.Claim{ID: int64(k + 1), SettlementID: p.ID, SourceID: sources[k%2].ID,
				Holder: []ledger.Holder{ledger.HolderRU, ledger.HolderUA}[rng.IntN(2)], Degree: ledger.DegreeFull,
				ValidAt: d, PublishedAt: d})
		}
		lix := ledger.NewIndex(sources, claims, ledger.Options{})
		cl := newClaimSet(pix, lix)
		for _, asOf := range []ledger.Date{ledger.MakeDate(2025, 2, 1), ledger.MakeDate(2025, 3, 15), ledger.MakeDate(2025, 5, 1)} {
			for _, source := range []string{"", "isw"} {
				known := ledger.Date{}
				if source != "" {
					known = ledger.MakeDate(2025, 3, 10) // a publication cut-off: fewer places have a view
				}
				src := tileSource{pix: pix, lix: lix, cl: cl, view: View{Query: ledger.Query{AsOf: asOf, Source: source, KnownOn: known}}}
				plain := tiles.SourceFunc(src.Features)
				for _, z := range []maptile.Zoom{0, 2, 4, 5, 6, 7, 8, 9, 11} {
					for range 3 {
						tl := maptile.At(orb.Point{30 + rng.Float64()*10, 48 + rng.Float64()*6}, z)
						a, err := tiles.Build(context.Background(), src, tl, tiles.Options{})
						if err != nil {
							t.Fatal(err)
						}
						b, err := tiles.Build(context.Background(), plain, tl, tiles.Options{})
						if err != nil {
							t.Fatal(err)
						}
						if !bytes.Equal(a, b) {
							t.Fatalf("%d claims, %s %q, %v: the capped source's tile (%d bytes) differs from the plain one (%d bytes)",
								claimed, asOf, source, tl, len(a), len(b))
						}
					}
				}
			}
		}
	}
}
