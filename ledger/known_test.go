package ledger

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// defaultAsOfScan is DefaultAsOf as it was written before knownSteps: a scan of every claim per call.
func defaultAsOfScan(ix *Index, today, knownOn Date) Date {
	latest := ix.latest
	if !knownOn.IsZero() {
		if knownOn.Before(today) {
			today = knownOn
		}
		latest = Date{}
		for _, s := range ix.setts {
			for i := range s.recs {
				r := &s.recs[i]
				if r.published <= knownOn.n && !r.retraction && r.valid > latest.n && !s.replacedKnown(r, knownOn) {
					latest = Date{n: r.valid}
				}
			}
		}
	}
	if latest.IsZero() || today.Sub(latest) <= ix.staleDays {
		return today
	}
	return latest
}

// TestDefaultAsOfEqualsScan: DefaultAsOf with a publication cut-off, from the steps kept per settlement, equals the
// scan of every claim, for random ledgers (corrections published before, on and after what they correct, several
// corrections of one claim, as NewIndex accepts) grown batch by batch with With, on every cut-off around them.
func TestDefaultAsOfEqualsScan(t *testing.T) {
	start := MakeDate(2025, time.March, 1)
	for seed := range 300 {
		rng := rand.New(rand.NewPCG(uint64(seed), 21))
		ix := NewIndex(nil, nil, Options{StaleDays: 1 + rng.IntN(20)})
		var all []Claim
		for batch := range 1 + rng.IntN(4) {
			var cs []Claim
			for range 1 + rng.IntN(25) {
				valid := start.AddDays(rng.IntN(40))
				c := Claim{ID: int64(len(all) + len(cs) + 1), SettlementID: fmt.Sprintf("s%d", rng.IntN(4)),
					SourceID: fmt.Sprintf("src%d", rng.IntN(3)), Holder: HolderRU, Degree: DegreeFull,
					ValidAt: valid, PublishedAt: valid.AddDays(rng.IntN(15)),
					RecordedAt: time.Unix(int64(rng.IntN(1000)), 0)}
				prior := append(all[:len(all):len(all)], cs...)
				if len(prior) > 0 && rng.IntN(3) == 0 {
					o := prior[rng.IntN(len(prior))]
					c.SettlementID = o.SettlementID
					if o.Retracts == 0 {
						if rng.IntN(2) == 0 {
							c.Supersedes = o.ID
						} else {
							c.Retracts, c.Holder, c.Degree = o.ID, HolderUnknown, ""
						}
						if rng.IntN(2) == 0 { // published before the claim it corrects, at times
							c.PublishedAt = o.PublishedAt.AddDays(rng.IntN(9) - 4)
							c.ValidAt = c.PublishedAt.AddDays(-rng.IntN(3))
						}
					}
				}
				cs = append(cs, c)
			}
			all = append(all, cs...)
			ix = ix.With(nil, cs)
			for k := -2; k < 60; k++ {
				known := start.AddDays(k)
				for _, today := range []Date{start.AddDays(20), start.AddDays(45), start.AddDays(90)} {
					if got, want := ix.DefaultAsOf(today, known), defaultAsOfScan(ix, today, known); got != want {
						t.Fatalf("seed %d batch %d: DefaultAsOf(%s, known %s) = %s, the scan says %s", seed, batch,
							today, known, got, want)
					}
				}
			}
		}
	}
}

// BenchmarkDefaultAsOfKnownOn compares DefaultAsOf with a publication cut-off (every request with known_on asks
// it) by the steps kept per settlement with the scan of every claim it replaced: 5,000 settlements, 1,000,000
// claims (as the 1M bench store), one in twenty superseding an earlier one.
func BenchmarkDefaultAsOfKnownOn(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := MakeDate(2024, time.January, 1)
	cs := make([]Claim, 0, 1_000_000)
	last := map[string]int64{}
	for i := range cap(cs) {
		s := fmt.Sprintf("s%05d", rng.IntN(5_000))
		valid := start.AddDays(rng.IntN(730))
		c := Claim{ID: int64(i + 1), SettlementID: s, SourceID: fmt.Sprintf("src%02d", rng.IntN(6)), Holder: HolderRU,
			Degree: DegreeFull, ValidAt: valid, PublishedAt: valid.AddDays(rng.IntN(3))}
		if prev, ok := last[s]; ok && rng.IntN(20) == 0 {
			c.Supersedes = prev
		}
		last[s] = c.ID
		cs = append(cs, c)
	}
	ix := NewIndex(nil, cs, Options{})
	today, known := MakeDate(2026, time.January, 1), MakeDate(2025, time.March, 20)
	for _, bb := range []struct {
		name string
		fn   func(*Index, Date, Date) Date
	}{{"scan", defaultAsOfScan}, {"steps", (*Index).DefaultAsOf}} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if bb.fn(ix, today, known) != known {
					b.Fatal("want the cut-off")
				}
			}
		})
	}
}
