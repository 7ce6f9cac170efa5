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

// tilePropsRef is the definition tileAttrs follows: a settlement's GeoJSON properties without the fields a tile
// leaves out.
func tilePropsRef(p *place, st ledger.Status, v View) map[string]any {
	props := flatProps(p, st, v)
	for _, k := range []string{"country", "admin1", "admin2", "as_of", "as_of_reason", "known_on"} {
		delete(props, k)
	}
	return props
}

// featureSource hands Build a fixed list of features.
type featureSource []tiles.Feature

func (s featureSource) Features(context.Context, orb.Bound) ([]tiles.Feature, error) { return s, nil }

// TestTileAttrsMatchProps: tiles built from tileAttrs are byte for byte those built from the property maps they
// replace, for places with and without names in other languages, population, precision and claims, seen as of
// several dates, by the consensus and by one source with a publication cut-off.
func TestTileAttrsMatchProps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	places := randomPlaces(rng, 300)
	for i := range places {
		if i%4 == 0 {
			places[i].NameRU, places[i].NameUK = "", "Попівка"
		}
	}
	sources := []ledger.Source{{ID: "isw", Name: "ISW", Alignment: ledger.AlignmentIndependent},
		{ID: "ru-mod", Name: "MoD", Alignment: ledger.AlignmentRU}, {ID: "ua-gs", Name: "GS", Alignment: ledger.AlignmentUA}}
	var claims []ledger.Claim
	for k := range 400 {
		p := places[rng.IntN(len(places)/2)]
		d := ledger.MakeDate(2025, 3, 1+rng.IntN(28))
		claims = append(claims, ledger.Claim{ID: int64(k + 1), SettlementID: p.ID, SourceID: sources[k%3].ID,
			Holder: []ledger.Holder{ledger.HolderRU, ledger.HolderUA}[rng.IntN(2)], Degree: ledger.DegreeFull,
			ValidAt: d, PublishedAt: d})
	}
	lix := ledger.NewIndex(sources, claims, ledger.Options{})
	tile := maptile.New(0, 0, 0)
	for _, v := range []View{
		{Query: ledger.Query{AsOf: ledger.MakeDate(2025, 2, 1)}},
		{Query: ledger.Query{AsOf: ledger.MakeDate(2025, 3, 20)}},
		{Query: ledger.Query{AsOf: ledger.MakeDate(2025, 6, 1), Source: "isw", KnownOn: ledger.MakeDate(2025, 3, 10)}},
	} {
		var byMap, byAttrs featureSource
		for i := range places {
			p := &places[i]
			st := lix.StatusOf(p.ID, v.Query)
			byMap = append(byMap, tiles.Feature{ID: p.ID, Point: p.Point, Priority: float64(i), Emphasis: st.Sources > 0,
				Props: tilePropsRef(p, st, v)})
			byAttrs = append(byAttrs, tiles.Feature{ID: p.ID, Point: p.Point, Priority: float64(i), Emphasis: st.Sources > 0,
				AppendAttrs: func(dst []tiles.Attr) []tiles.Attr { return tileAttrs(dst, p, st, v) }})
		}
		opt := tiles.Options{MaxFeatures: func(maptile.Zoom) int { return 1000 }}
		want, err := tiles.Build(context.Background(), byMap, tile, opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tiles.Build(context.Background(), byAttrs, tile, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("as of %s (source %q): the tile from tileAttrs (%d bytes) differs from the one from the property maps (%d bytes)",
				v.AsOf, v.Source, len(got), len(want))
		}
	}
}
