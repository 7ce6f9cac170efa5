package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
)

// randomLedger returns n claims as a store would accept them: ids increasing, about a few settlements from a few
// sources over two months, about one in six superseding and one in ten retracting an earlier claim of the same
// settlement that is in force and not a retraction.
func randomLedger(rng *rand.Rand, n int) []ledger.Claim {
	start := ledger.MakeDate(2025, time.March, 1)
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	holders, degrees := ledger.Holders(), ledger.Degrees()
	var out []ledger.Claim
	replaced := map[int64]bool{}
	for i := range n {
		valid := start.AddDays(rng.IntN(60))
		c := ledger.Claim{ID: int64(i + 1), SettlementID: fmt.Sprintf("s%d", rng.IntN(5)),
			SourceID: []string{"r1", "r2", "u1", "i1", "x"}[rng.IntN(5)], Holder: holders[rng.IntN(len(holders))],
			Degree: degrees[rng.IntN(len(degrees))], ValidAt: valid, ValidPrecision: ledger.PrecisionDay,
			PublishedAt: valid.AddDays(rng.IntN(10)), RecordedAt: base.Add(time.Duration(rng.IntN(50)) * time.Minute),
			Evidence: ledger.EvidenceMapUpdate, Summary: fmt.Sprintf("claim %d", i+1), Credibility: ledger.CredibilityUnknown}
		var targets []int64
		for _, o := range out {
			if o.SettlementID == c.SettlementID && !o.IsRetraction() && !replaced[o.ID] {
				targets = append(targets, o.ID)
			}
		}
		if len(targets) > 0 {
			switch r := rng.IntN(30); {
			case r < 5:
				c.Supersedes = targets[rng.IntN(len(targets))]
			case r < 8:
				c.Retracts, c.Holder, c.Degree = targets[rng.IntN(len(targets))], ledger.HolderUnknown, ""
			}
		}
		replaced[c.Supersedes+c.Retracts] = true
		out = append(out, c)
	}
	return out
}

// snapshot renders everything an index answers for the ledger of claims: statuses at every few days, for every
// source and a few publication cut-offs, histories, and the accessors.
func snapshot(tb testing.TB, ix *ledger.Index) string {
	tb.Helper()
	var b []byte
	add := func(v any) { b = fmt.Appendf(b, "%+v\n", v) }
	start := ledger.MakeDate(2025, time.March, 1)
	for day := -1; day < 110; day += 7 {
		for _, known := range []int{-1, 12, 40} {
			for _, src := range []string{"", "u1", "none"} {
				q := ledger.Query{AsOf: start.AddDays(day), Source: src}
				if known >= 0 {
					q.KnownOn = start.AddDays(known)
				}
				add(ix.StatusAll(q))
			}
		}
		add(ix.DefaultAsOf(start.AddDays(day), ledger.Date{}))
		add(ix.DefaultAsOf(start.AddDays(day+100), start.AddDays(day)))
	}
	for _, id := range ix.Settlements() {
		h, err := ix.History(context.Background(), id)
		if err != nil {
			tb.Fatal(err)
		}
		add(h)
		n, ok := ix.Number(id)
		if !ok || !reflect.DeepEqual(ix.StatusOfNumber(n, ledger.Query{AsOf: start.AddDays(30)}),
			ix.StatusOf(id, ledger.Query{AsOf: start.AddDays(30)})) {
			tb.Errorf("StatusOfNumber(Number(%s)) differs from StatusOf(%s)", id, id)
		}
	}
	first, last := ix.Span()
	add([]any{ix.Settlements(), ix.Len(), ix.LastID(), first, last})
	return string(b)
}

// TestIncrementalEqualsRebuild: an index grown by a Cache over random batches of a random ledger's claims (read from
// the store by Refresh, or pushed in any order by Apply, as a replica may see them) answers exactly as the index
// built from all the claims at once; and each intermediate index still answers as it did when it was published,
// after later ones were derived from it (copy on write).
func TestIncrementalEqualsRebuild(t *testing.T) {
	iterations := 100
	if testing.Short() {
		iterations = 10
	}
	ctx := context.Background()
	for seed := range iterations {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		cs := randomLedger(rng, 1+rng.IntN(60))
		want := snapshot(t, ledger.NewIndex(aligned, cs, ledger.Options{}))

		st := &memStore{sources: aligned}
		cache := ledger.NewCache(st, ledger.Options{}, nil)
		if _, err := cache.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		type step struct {
			ix   *ledger.Index
			seen string
		}
		var steps []step
		for len(st.claims) < len(cs) {
			k := 1 + rng.IntN(min(len(cs)-len(st.claims), 8))
			batch := cs[len(st.claims) : len(st.claims)+k]
			st.claims = cs[:len(st.claims)+k]
			st.version++
			var (
				u   ledger.Update
				err error
			)
			if rng.IntN(2) == 0 {
				u, err = cache.Refresh(ctx)
			} else { // pushed, out of order, some twice
				pushed := slices.Clone(batch)
				rng.Shuffle(len(pushed), func(i, j int) { pushed[i], pushed[j] = pushed[j], pushed[i] })
				u, err = cache.Apply(ctx, append(pushed, batch[0]))
			}
			if err != nil {
				t.Fatal(err)
			}
			changed := map[string]bool{}
			for _, c := range batch {
				changed[c.SettlementID] = true
			}
			if got := len(u.Settlements); got != len(changed) {
				t.Errorf("seed %d: update lists %d settlements, want %d", seed, got, len(changed))
			}
			steps = append(steps, step{u.Index, statuses(u.Index)})
		}
		ix, err := cache.Index(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := snapshot(t, ix); got != want {
			t.Fatalf("seed %d: the incremental index differs from a rebuild:\n%s", seed, firstDiff(got, want))
		}
		for i, s := range steps {
			if got := statuses(s.ix); got != s.seen {
				t.Fatalf("seed %d: step %d changed after later steps:\n%s", seed, i, firstDiff(got, s.seen))
			}
		}
	}
}

// statuses renders the consensus statuses of ix at a few dates, with and without a publication cut-off.
func statuses(ix *ledger.Index) string {
	var b []byte
	start := ledger.MakeDate(2025, time.March, 1)
	for day := 0; day < 80; day += 20 {
		b = fmt.Appendf(b, "%+v\n%+v\n", ix.StatusAll(ledger.Query{AsOf: start.AddDays(day)}),
			ix.StatusAll(ledger.Query{AsOf: start.AddDays(day), KnownOn: start.AddDays(day / 2)}))
	}
	return string(b)
}

// memStore is a Store in memory whose claims the test reveals step by step; it does not write.
type memStore struct {
	sources []ledger.Source
	claims  []ledger.Claim
	version int64
}

func (m *memStore) Version(context.Context) (int64, error)           { return m.version, nil }
func (m *memStore) Sources(context.Context) ([]ledger.Source, error) { return m.sources, nil }
func (m *memStore) Write(context.Context, func(ledger.Writer) error) error {
	return fmt.Errorf("memStore: read-only")
}

func (m *memStore) Claims(_ context.Context, f ledger.ClaimFilter) ([]ledger.Claim, error) {
	var out []ledger.Claim
	for _, c := range m.claims {
		if (f.Settlement == "" || c.SettlementID == f.Settlement) && (f.Source == "" || c.SourceID == f.Source) &&
			c.ID > f.AfterID {
			out = append(out, c)
		}
	}
	return out, nil
}

func firstDiff(got, want string) string {
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			lo := max(0, i-300)
			return fmt.Sprintf("got  …%s…\nwant …%s…", got[lo:min(len(got), i+300)], want[lo:min(len(want), i+300)])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(got), len(want))
}
