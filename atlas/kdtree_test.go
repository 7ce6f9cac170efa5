package atlas

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// randomPlaces returns n places in a 10°×6° box with populations drawn from few values (many ties, so the id
// order decides) and some points shared by several places.
func randomPlaces(rng *rand.Rand, n int) []place {
	ps := make([]place, n)
	for i := range ps {
		pt := orb.Point{30 + rng.Float64()*10, 48 + rng.Float64()*6}
		if i > 0 && rng.IntN(10) == 0 {
			pt = ps[rng.IntN(i)].Point
		}
		ps[i] = place{ID: fmt.Sprintf("p%06d", rng.IntN(1_000_000)*10+i%10), Name: fmt.Sprintf("P%d", i),
			NameRU: "П", Country: []string{"RU", "UA"}[i%2], Admin1: fmt.Sprintf("A%d", i%7), Point: pt,
			Population: int64(rng.IntN(5)) * 100, PrecisionKM: float64(i % 3), Approximate: i%5 == 0}
	}
	return ps
}

func randomBound(rng *rand.Rand) orb.Bound {
	w, h := rng.Float64()*12, rng.Float64()*8
	x, y := 29+rng.Float64()*12, 47+rng.Float64()*8
	return orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
}

// TestKDTreeAgainstScan: within, count and best answer exactly what a scan of every place answers, for many
// random bounds and limits, including bounds that hold no place, every place, or fewer places than the limit.
func TestKDTreeAgainstScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 31, 33, 700, 6000} {
		ix := newPlaceIndex(1, randomPlaces(rng, n))
		for k := range 200 {
			b := randomBound(rng)
			if k == 0 {
				b = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
			}
			var want []int32
			for i := range ix.recs {
				if inBound(b, ix.recs[i].pt) {
					want = append(want, int32(i))
				}
			}
			var got []int32
			ix.kd.within(ix.recs, b, func(i int32) { got = append(got, i) })
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d %v: within gives %d places, want %d", n, b, len(got), len(want))
			}
			if c := ix.kd.count(ix.recs, b); c != len(want) {
				t.Fatalf("n=%d %v: count = %d, want %d", n, b, c, len(want))
			}
			slices.SortFunc(want, ix.kd.cmp)
			for _, limit := range []int{1, 7, 200, 2258, 5000} {
				got := ix.kd.best(ix.recs, b, limit)
				w := want[:min(limit, len(want))]
				if !slices.Equal(got, w) {
					t.Fatalf("n=%d %v limit %d: best = %v…, want %v…", n, b, limit, got[:min(5, len(got))], w[:min(5, len(w))])
				}
			}
		}
	}
}

// TestPlaceIndexLookup: every place is found by its id, and ids not in the index are not.
func TestPlaceIndexLookup(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ps := randomPlaces(rng, 3000)
	ix := newPlaceIndex(1, ps)
	for _, p := range ps {
		got, ok := ix.place(p.ID)
		if !ok || got.ID != p.ID {
			t.Fatalf("place(%q) = %v, %v", p.ID, got, ok)
		}
	}
	for _, id := range []string{"", "p", "q", "p0000000000", "zzz"} {
		if _, ok := ix.place(id); ok {
			t.Errorf("place(%q) found a place", id)
		}
	}
}

// TestPlaceIndexCodec: the compact form reads back into an index equal to the original, and a truncated or
// damaged form is an error, never a panic or a wrong index.
func TestPlaceIndexCodec(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 5000} {
		ps := randomPlaces(rng, n)
		ix := newPlaceIndex(42, ps)
		var buf bytes.Buffer
		if err := ix.writeTo(&buf); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		got, err := decodePlaceIndex(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("n=%d: decode: %v", n, err)
		}
		if got.version != 42 || got.len() != n || got.bound != ix.bound {
			t.Fatalf("n=%d: decoded version %d, %d places, bound %v", n, got.version, got.len(), got.bound)
		}
		for i := range int32(n) {
			if *got.at(i) != *ix.at(i) {
				t.Fatalf("n=%d: place %d = %+v, want %+v", n, i, *got.at(i), *ix.at(i))
			}
		}
		for range 20 {
			b := randomBound(rng)
			if a, b := got.kd.best(got.recs, b, 100), ix.kd.best(ix.recs, b, 100); !slices.Equal(a, b) {
				t.Fatalf("n=%d: decoded tree answers %v, want %v", n, a, b)
			}
		}
		if n == 0 {
			continue
		}
		for _, cut := range []int{0, 5, len(placeIndexMagic) + 9, len(data) / 2, len(data) - 1} {
			if _, err := decodePlaceIndex(bytes.NewReader(data[:cut]), int64(cut)); !errors.Is(err, errPlaceCodec) {
				t.Errorf("n=%d: decode of the first %d bytes = %v, want errPlaceCodec", n, cut, err)
			}
		}
		for range 300 { // flip bytes: an error, or an index whose answers stay inside the data
			bad := slices.Clone(data)
			bad[rng.IntN(len(bad))] ^= byte(1 + rng.IntN(255))
			if ix, err := decodePlaceIndex(bytes.NewReader(bad), int64(len(bad))); err == nil {
				ix.kd.best(ix.recs, randomBound(rng), 50)
				ix.kd.within(ix.recs, randomBound(rng), func(i int32) { ix.at(i) })
			}
		}
	}
}
