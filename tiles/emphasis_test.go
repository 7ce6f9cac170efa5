package tiles_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/tiles"
)

// emphasisFeatures returns n features around the belt tile's centre: every tenth with Emphasis (a place with
// claims) and a low priority, each of those with a populous neighbour without Emphasis right beside it.
func emphasisFeatures(n int, z maptile.Zoom) []tiles.Feature {
	rng := rand.New(rand.NewPCG(9, 9))
	c := belt.Center()
	span := 360.0 / float64(uint32(1)<<z) // the tile's width in degrees, about
	var feats []tiles.Feature
	for i := range n {
		p := orb.Point{c[0] + (rng.Float64()-0.5)*span*0.9, c[1] + (rng.Float64()-0.5)*span*0.5}
		f := tiles.Feature{ID: fmt.Sprintf("f%04d", i), Point: p, Priority: float64(1000 + rng.IntN(100000)),
			Props: map[string]any{tiles.FieldName: fmt.Sprint(i)}}
		if i%10 == 0 {
			f.Emphasis, f.Priority = true, float64(rng.IntN(50))
			// A town without claims a hair away: it outranks the village by population.
			near := orb.Point{p[0] + span/1e4, p[1]}
			feats = append(feats, tiles.Feature{ID: fmt.Sprintf("g%04d", i), Point: near, Priority: 1e6,
				Props: map[string]any{tiles.FieldName: "town"}})
		}
		feats = append(feats, f)
	}
	return feats
}

// TestBuildEmphasis: a feature with claims is never hidden under one without: every one in the tile is kept
// (even over the cap, against more populous places), ranks before every other, is labelled, and no feature
// without Emphasis is drawn within Declutter of it, below MaxZoom. The most populous others are labelled, up to
// Labels(z).
func TestBuildEmphasis(t *testing.T) {
	for _, z := range []maptile.Zoom{5, 6, 9, 12, 14} {
		t.Run(fmt.Sprintf("z%d", z), func(t *testing.T) {
			tl := maptile.At(belt.Center(), z)
			feats := emphasisFeatures(600, z)
			opt := tiles.Options{MaxFeatures: func(maptile.Zoom) int { return 300 }}
			data, err := tiles.Build(context.Background(), &sliceSource{feats: feats}, tl, opt)
			if err != nil {
				t.Fatal(err)
			}
			l := decode(t, data)
			byID := map[string]tiles.Feature{}
			for _, f := range feats {
				byID[f.ID] = f
			}
			var emph []orb.Point
			lastEmphRank, firstPlainRank := -1.0, 1e9
			plainLabels, plain := 0, 0
			drawn := map[string]bool{}
			for _, f := range l.Features {
				id := f.Properties[tiles.FieldID].(string)
				drawn[id] = true
				rank, _ := f.Properties[tiles.FieldRank].(float64)
				label, _ := f.Properties[tiles.FieldLabel].(bool)
				if byID[id].Emphasis {
					emph = append(emph, f.Geometry.(orb.Point))
					lastEmphRank = max(lastEmphRank, rank)
					if !label {
						t.Errorf("%s (with claims) is not labelled", id)
					}
					continue
				}
				plain++
				firstPlainRank = min(firstPlainRank, rank)
				if label {
					plainLabels++
				}
			}
			if lastEmphRank >= firstPlainRank {
				t.Errorf("a place without claims ranks %v, before one with claims at %v", firstPlainRank, lastEmphRank)
			}
			if want := min(plain, tiles.DefaultLabels(z)); tiles.DefaultLabels(z) >= 0 && plainLabels != want {
				t.Errorf("%d places without claims labelled, want %d", plainLabels, want)
			}
			bound := tl.Bound(float64(tiles.DefaultBuffer) / tiles.DefaultExtent)
			for _, f := range feats {
				if f.Emphasis && bound.Contains(f.Point) && !drawn[f.ID] {
					t.Errorf("%s (with claims, in the tile) was dropped", f.ID)
				}
			}
			hidden := 0
			for _, f := range l.Features {
				if byID[f.Properties[tiles.FieldID].(string)].Emphasis {
					continue
				}
				p := f.Geometry.(orb.Point)
				for _, q := range emph {
					if (p[0]-q[0])*(p[0]-q[0])+(p[1]-q[1])*(p[1]-q[1]) <= tiles.DefaultDeclutter*tiles.DefaultDeclutter {
						hidden++
					}
				}
			}
			switch {
			case z < tiles.DefaultMaxZoom && hidden > 0:
				t.Errorf("%d places without claims drawn within %d units of one with claims", hidden, tiles.DefaultDeclutter)
			case z == tiles.DefaultMaxZoom && hidden == 0:
				t.Errorf("at the highest zoom every place is drawn, but no town beside a village with claims was")
			}
		})
	}
}
