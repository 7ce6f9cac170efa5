package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
)

// synthetic returns n claims about settlements settlements from sources sources, spread over two years, with one
// claim in fifty superseding and one in a hundred retracting an earlier claim of the same settlement. Every
// settlement has at least one claim.
func synthetic(settlements, sources, n int) []ledger.Claim {
	rng := rand.New(rand.NewPCG(1, 2))
	holders := ledger.Holders()
	degrees := ledger.Degrees()
	start := ledger.MakeDate(2024, time.January, 1)
	recorded := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	last := map[string]int64{} // settlement -> a claim id about it
	out := make([]ledger.Claim, 0, n)
	for i := range n {
		k := rng.IntN(settlements)
		if i < settlements {
			k = i // every settlement has a claim
		}
		s := fmt.Sprintf("s%05d", k)
		valid := start.AddDays(rng.IntN(730))
		c := ledger.Claim{ID: int64(i + 1), SettlementID: s, SourceID: fmt.Sprintf("src%02d", rng.IntN(sources)),
			Holder: holders[rng.IntN(len(holders))], Degree: degrees[rng.IntN(len(degrees))], ValidAt: valid,
			ValidPrecision: ledger.PrecisionDay, PublishedAt: valid.AddDays(rng.IntN(3)),
			RecordedAt: recorded.Add(time.Duration(i) * time.Second), Evidence: ledger.EvidenceMapUpdate,
			Summary: "synthetic", Credibility: ledger.CredibilityUnknown}
		if prev, ok := last[s]; ok {
			switch r := rng.IntN(100); {
			case r < 2:
				c.Supersedes = prev
				delete(last, s)
			case r < 3:
				c.Retracts, c.Degree = prev, ""
				delete(last, s)
			}
		}
		if c.Supersedes == 0 && c.Retracts == 0 {
			last[s] = c.ID
		}
		out = append(out, c)
	}
	return out
}

// BenchmarkStatusAll measures the status of every settlement at one date: 10,000 settlements, 100,000 claims,
// 20 sources. The target is well under 50 ms.
func BenchmarkStatusAll(b *testing.B) {
	ix := ledger.NewIndex(nil, synthetic(10_000, 20, 100_000), ledger.Options{})
	asOf := ledger.MakeDate(2025, time.March, 20)
	b.ReportAllocs()
	for b.Loop() {
		if got := ix.StatusAll(ledger.Query{AsOf: asOf}); len(got) != 10_000 {
			b.Fatalf("StatusAll returned %d statuses, want 10000", len(got))
		}
	}
}

// BenchmarkStatusAllOneSource is BenchmarkStatusAll as seen by one source.
func BenchmarkStatusAllOneSource(b *testing.B) {
	ix := ledger.NewIndex(nil, synthetic(10_000, 20, 100_000), ledger.Options{})
	asOf := ledger.MakeDate(2025, time.March, 20)
	b.ReportAllocs()
	for b.Loop() {
		ix.StatusAll(ledger.Query{AsOf: asOf, Source: "src07"})
	}
}

// BenchmarkNewIndex measures building the index of 100,000 claims, done once per data version.
func BenchmarkNewIndex(b *testing.B) {
	cs := synthetic(10_000, 20, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		ledger.NewIndex(nil, cs, ledger.Options{})
	}
}

// BenchmarkDiff measures the changes of every settlement between two dates.
func BenchmarkDiff(b *testing.B) {
	ix := ledger.NewIndex(nil, synthetic(10_000, 20, 100_000), ledger.Options{})
	from, to := ledger.MakeDate(2025, time.March, 1), ledger.MakeDate(2025, time.April, 10)
	b.ReportAllocs()
	for b.Loop() {
		ix.Diff(from, to)
	}
}

// TestSyntheticStatusMatchesNaive checks the index against a direct computation over the synthetic ledger.
func TestSyntheticStatusMatchesNaive(t *testing.T) {
	cs := synthetic(200, 6, 4000)
	ix := ledger.NewIndex(nil, cs, ledger.Options{})
	replaced := map[int64]bool{}
	for _, c := range cs {
		replaced[c.Supersedes], replaced[c.Retracts] = true, true
	}
	for _, asOf := range []ledger.Date{ledger.MakeDate(2024, 3, 1), ledger.MakeDate(2025, 3, 20), ledger.MakeDate(2026, 1, 1)} {
		// naive: for each (settlement, source), the last in-force claim valid on or before asOf.
		want := map[string]map[string]ledger.Claim{}
		for _, c := range cs {
			if c.IsRetraction() || replaced[c.ID] || c.ValidAt.After(asOf) {
				continue
			}
			m := want[c.SettlementID]
			if m == nil {
				m = map[string]ledger.Claim{}
				want[c.SettlementID] = m
			}
			p, ok := m[c.SourceID]
			if !ok || p.ValidAt.Before(c.ValidAt) || (p.ValidAt == c.ValidAt && (p.PublishedAt.Before(c.PublishedAt) ||
				(p.PublishedAt == c.PublishedAt && p.ID < c.ID))) {
				m[c.SourceID] = c
			}
		}
		for _, st := range ix.StatusAll(ledger.Query{AsOf: asOf}) {
			m := want[st.Settlement]
			if len(st.Views) != len(m) {
				t.Fatalf("%s as of %s: %d views, want %d", st.Settlement, asOf, len(st.Views), len(m))
			}
			for _, v := range st.Views {
				if m[v.Source].ID != v.ClaimID {
					t.Errorf("%s as of %s: %s's view is claim %d, want %d", st.Settlement, asOf, v.Source, v.ClaimID, m[v.Source].ID)
				}
			}
		}
	}
}

// BenchmarkLoad compares a load that reads every claim from a store (in memory here: the cost of indexing, not of
// the store's reads) with one that reads a snapshot of them: 5,000 settlements, 1,000,000 claims, 6 sources, as
// the 1M bench store.
func BenchmarkLoad(b *testing.B) {
	cs := synthetic(5_000, 6, 1_000_000)
	st := &snapStore{memStore: memStore{claims: cs}}
	ctx := context.Background()
	b.Run("claims", func(b *testing.B) {
		for b.Loop() {
			if _, err := ledger.Load(ctx, &st.memStore, ledger.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	ix, err := ledger.Load(ctx, st, ledger.Options{})
	if err == nil {
		err = ledger.SaveSnapshot(ctx, st, ix)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Run("snapshot", func(b *testing.B) {
		b.ReportMetric(float64(len(st.blob)), "snapshot-bytes")
		for b.Loop() {
			st.pages = nil
			if ix, err := ledger.Load(ctx, st, ledger.Options{}); err != nil || !st.fromSnapshot() || ix.Len() != len(cs) {
				b.Fatalf("Load = %v, pages %v", err, st.pages)
			}
		}
	})
}
