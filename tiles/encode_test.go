package tiles

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
)

// TestPointLayerMatchesOrb holds the point layer encoder to orb's mvt.Marshal: for random features (ids, points in
// and around the extent, attributes of every MVT type, shared and distinct keys and values, none at all) both must
// write the same bytes.
func TestPointLayerMatchesOrb(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []string{"name", "status", "population", "disputed", "precision_km", "rank", "label", "id", "holders", "name_uk"}
	value := func() any {
		switch rng.IntN(6) {
		case 0:
			return fmt.Sprintf("v%d", rng.IntN(20))
		case 1:
			return rng.IntN(3) == 0
		case 2:
			return int64(rng.IntN(2000) - 1000)
		case 3:
			return float64(rng.IntN(40)) / 4
		case 4:
			return int64(rng.Int64())
		default:
			return "Попо́вка " + fmt.Sprint(rng.IntN(3))
		}
	}
	for n := range 200 {
		nf := rng.IntN(40)
		if n == 0 {
			nf = 0
		}
		pl := newPointLayer(nf)
		ref := &mvt.Layer{Name: DefaultLayer, Version: 2, Extent: DefaultExtent}
		for range nf {
			id := rng.Uint64N(1 << 53)
			p := orb.Point{float64(rng.IntN(4400) - 150), float64(rng.IntN(4400) - 150)}
			props := geojson.Properties{}
			var attrs []Attr
			for _, k := range keys {
				if rng.IntN(2) == 0 {
					continue
				}
				v := value()
				props[k] = v
				attrs = append(attrs, Attr{k, newMVTVal(v)})
			}
			slices.SortFunc(attrs, func(a, b Attr) int { return strings.Compare(a.key, b.key) })
			f := geojson.NewFeature(p)
			f.ID, f.Properties = id, props
			ref.Features = append(ref.Features, f)
			// Split the attributes in two sorted lists (as Build passes the feature's and its own) at random.
			var mine, more []Attr
			for _, a := range attrs {
				if rng.IntN(3) == 0 {
					more = append(more, a)
				} else {
					mine = append(mine, a)
				}
			}
			pl.add(id, p, mine, more)
		}
		want, err := mvt.Marshal(mvt.Layers{ref})
		if err != nil {
			t.Fatal(err)
		}
		got := pl.appendTo(nil, DefaultLayer, DefaultExtent, 2)
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d (%d features): encoded %d bytes, orb %d bytes; first difference at byte %d",
				n, nf, len(got), len(want), firstDiff(got, want))
		}
		if _, err := mvt.Unmarshal(got); err != nil {
			t.Fatalf("case %d: orb cannot read the layer back: %v", n, err)
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
