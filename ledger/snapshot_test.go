package ledger_test

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
)

// snapStore is a memStore that keeps an index snapshot (ledger.SnapshotStore) and records where each page of a
// load started (the AfterID of every Claims call of all claims that is not one of the snapshot check's
// single-claim reads).
type snapStore struct {
	memStore
	blob   []byte
	stored bool
	pages  []int64
}

func (s *snapStore) Claims(ctx context.Context, f ledger.ClaimFilter) ([]ledger.Claim, error) {
	if f.Limit != 1 && f.Settlement == "" && f.Source == "" {
		s.pages = append(s.pages, f.AfterID)
	}
	if f.Limit <= 0 {
		return s.memStore.Claims(ctx, f)
	}
	var out []ledger.Claim // the first Limit, without copying the rest
	i, _ := slices.BinarySearchFunc(s.claims, f.AfterID+1, func(c ledger.Claim, id int64) int { return cmp.Compare(c.ID, id) })
	for ; i < len(s.claims) && len(out) < f.Limit; i++ {
		if c := s.claims[i]; (f.Settlement == "" || c.SettlementID == f.Settlement) && (f.Source == "" || c.SourceID == f.Source) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *snapStore) ReadIndexSnapshot(_ context.Context, read func(r io.Reader, size int64) error) (bool, error) {
	if !s.stored {
		return false, nil
	}
	return true, read(bytes.NewReader(s.blob), int64(len(s.blob)))
}

func (s *snapStore) SaveIndexSnapshot(_ context.Context, write func(w io.Writer) error) error {
	if write == nil {
		s.blob, s.stored = nil, false
		return nil
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	s.blob, s.stored = b.Bytes(), true
	return nil
}

func (s *snapStore) ClaimsThrough(_ context.Context, id int64) (int64, error) {
	var n int64
	for _, c := range s.claims {
		if c.ID <= id {
			n++
		}
	}
	return n, nil
}

// fromSnapshot reports whether the last load of st started from its snapshot: its first page read began after
// claim 0.
func (s *snapStore) fromSnapshot() bool { return len(s.pages) > 0 && s.pages[0] != 0 }

// load loads st afresh, forgetting earlier page reads.
func (s *snapStore) load(tb testing.TB) *ledger.Index {
	tb.Helper()
	s.pages = nil
	ix, err := ledger.Load(context.Background(), s, ledger.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

// TestSnapshotEqualsRebuild: an index loaded from a snapshot of a random ledger's first claims, plus the claims
// stored after it (supersessions and retractions of claims on either side of it, sources registered later),
// answers exactly as the index built from every claim at once; and a snapshot of that index does too.
func TestSnapshotEqualsRebuild(t *testing.T) {
	iterations := 200
	if testing.Short() {
		iterations = 20
	}
	ctx := context.Background()
	for seed := range iterations {
		rng := rand.New(rand.NewPCG(uint64(seed), 11))
		cs := randomLedger(rng, 1+rng.IntN(80))
		want := snapshot(t, ledger.NewIndex(aligned, cs, ledger.Options{}))

		k := rng.IntN(len(cs) + 1)
		st := &snapStore{memStore: memStore{sources: aligned[:3], claims: cs[:k]}} // i1 registered later
		first := st.load(t)
		if err := ledger.SaveSnapshot(ctx, st, first); err != nil {
			t.Fatal(err)
		}
		st.claims, st.sources = cs, aligned
		ix := st.load(t)
		if k > 0 && !st.fromSnapshot() {
			t.Fatalf("seed %d: the load did not start from the snapshot of %d claims (pages after %v)", seed, k, st.pages)
		}
		if got := snapshot(t, ix); got != want {
			t.Fatalf("seed %d (snapshot of %d claims of %d): the index differs from a rebuild:\n%s", seed, k,
				len(cs), firstDiff(got, want))
		}
		if err := ledger.SaveSnapshot(ctx, st, ix); err != nil {
			t.Fatal(err)
		}
		if got := snapshot(t, st.load(t)); got != want {
			t.Fatalf("seed %d: the index read back from its own snapshot differs from a rebuild:\n%s", seed,
				firstDiff(got, want))
		}
		if len(st.pages) != 1 || st.pages[0] != cs[len(cs)-1].ID {
			t.Errorf("seed %d: a load from an up-to-date snapshot read pages after %v, want only after %d", seed,
				st.pages, cs[len(cs)-1].ID)
		}
	}
}

// TestSnapshotIgnored: a snapshot that is damaged, of another format, or does not describe the claims the store
// holds (replaced, a claim added below its last, the store emptied) is not used: the load reads every claim and
// answers exactly as a rebuild.
func TestSnapshotIgnored(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 3))
	cs := randomLedger(rng, 40)
	other := randomLedger(rand.New(rand.NewPCG(4, 4)), 40) // the same ids, other claims
	gap := slices.Delete(slices.Clone(cs), 2, 3)           // claim 3 missing
	tests := []struct {
		name   string
		before []ledger.Claim                                      // the claims when the snapshot is saved
		after  []ledger.Claim                                      // the claims when it is loaded
		damage func(b []byte) []byte                               // what happens to the stored bytes
		check  func(t *testing.T, st *snapStore, ix *ledger.Index) // more to check, when not nil
	}{
		{name: "truncated", before: cs, after: cs, damage: func(b []byte) []byte { return b[:len(b)-7] }},
		{name: "header only", before: cs, after: cs, damage: func(b []byte) []byte { return b[:40] }},
		{name: "empty", before: cs, after: cs, damage: func(b []byte) []byte { return nil }},
		{name: "byte flipped", before: cs, after: cs, damage: func(b []byte) []byte { b[len(b)/2] ^= 0x10; return b }},
		{name: "checksum flipped", before: cs, after: cs, damage: func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		{name: "bytes appended", before: cs, after: cs, damage: func(b []byte) []byte { return append(b, 0) }},
		{name: "other format version", before: cs, after: cs, damage: func(b []byte) []byte {
			return bytes.Replace(b, []byte("tiled-ledger-index-1\n"), []byte("tiled-ledger-index-9\n"), 1)
		}},
		{name: "claims replaced", before: cs, after: other},
		{name: "claims replaced, more added", before: cs[:20], after: other},
		{name: "claim added below the last", before: gap, after: cs},
		{name: "claims gone", before: cs, after: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &snapStore{memStore: memStore{sources: aligned, claims: tt.before}}
			if err := ledger.SaveSnapshot(ctx, st, st.load(t)); err != nil {
				t.Fatal(err)
			}
			if tt.damage != nil {
				st.blob = tt.damage(st.blob)
			}
			st.claims = tt.after
			ix := st.load(t)
			if st.fromSnapshot() {
				t.Errorf("the load used the snapshot (pages after %v)", st.pages)
			}
			if got, want := snapshot(t, ix), snapshot(t, ledger.NewIndex(aligned, tt.after, ledger.Options{})); got != want {
				t.Errorf("the index differs from a rebuild:\n%s", firstDiff(got, want))
			}
		})
	}
}

// TestSnapshotUnfit: an index holding claims pushed by Cache.Apply beyond what it read is not written as a
// snapshot (it would claim to describe the store up to a point it has not read).
func TestSnapshotUnfit(t *testing.T) {
	ctx := context.Background()
	cs := randomLedger(rand.New(rand.NewPCG(5, 5)), 20)
	st := &snapStore{memStore: memStore{sources: aligned, claims: cs[:10]}}
	cache := ledger.NewCache(st, ledger.Options{}, nil)
	if _, err := cache.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := cache.Apply(ctx, cs[10:])
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.SaveSnapshot(ctx, st, u.Index); err != ledger.ErrSnapshotUnfit {
		t.Errorf("SaveSnapshot(applied index) = %v, want ErrSnapshotUnfit", err)
	}
	if st.stored {
		t.Error("a snapshot was stored")
	}
}

// TestCacheSavesSnapshot: a cache whose first load read at least SnapshotMin claims from the rows saves a snapshot
// once, which the next cache's load starts from; one whose load started from an up-to-date snapshot saves none.
func TestCacheSavesSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a ledger of SnapshotMin claims")
	}
	ctx := context.Background()
	cs := randomLedger(rand.New(rand.NewPCG(6, 6)), 60)
	big := make([]ledger.Claim, 0, ledger.SnapshotMin)
	for i := range ledger.SnapshotMin { // the random claims again and again, renumbered, without corrections
		c := cs[i%len(cs)]
		c.ID, c.Supersedes, c.Retracts = int64(i+1), 0, 0
		if c.Holder == ledger.HolderUnknown {
			c.Degree = ""
		}
		big = append(big, c)
	}
	st := &snapStore{memStore: memStore{sources: aligned, claims: big, version: 1}}
	c1 := ledger.NewCache(st, ledger.Options{}, nil)
	if _, err := c1.Index(ctx); err != nil {
		t.Fatal(err)
	}
	if saved, err := c1.SaveSnapshot(ctx); !saved || err != nil {
		t.Fatalf("SaveSnapshot after a full load = %v, %v; want saved", saved, err)
	}
	if saved, _ := c1.SaveSnapshot(ctx); saved {
		t.Error("SaveSnapshot saved twice")
	}
	st.pages = nil
	c2 := ledger.NewCache(st, ledger.Options{}, nil)
	ix, err := c2.Index(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.fromSnapshot() || ix.Len() != len(big) {
		t.Errorf("the second cache's load: pages after %v, %d claims; want it from the snapshot, %d claims", st.pages,
			ix.Len(), len(big))
	}
	if saved, _ := c2.SaveSnapshot(ctx); saved {
		t.Error("SaveSnapshot saved after a load from an up-to-date snapshot")
	}
}

// FuzzSnapshot: whatever bytes are stored as the snapshot, a load never panics and answers exactly as a rebuild
// (a damaged snapshot is refused; only one that describes the store's claims is used).
func FuzzSnapshot(f *testing.F) {
	ctx := context.Background()
	cs := randomLedger(rand.New(rand.NewPCG(8, 8)), 30)
	st := &snapStore{memStore: memStore{sources: aligned, claims: cs[:20]}}
	ix, err := ledger.Load(ctx, st, ledger.Options{})
	if err == nil {
		err = ledger.SaveSnapshot(ctx, st, ix)
	}
	if err != nil {
		f.Fatal(err)
	}
	f.Add(st.blob)
	f.Add(st.blob[:len(st.blob)/2])
	want := snapshot(f, ledger.NewIndex(aligned, cs, ledger.Options{}))
	f.Fuzz(func(t *testing.T, blob []byte) {
		st := &snapStore{memStore: memStore{sources: aligned, claims: cs}, blob: blob, stored: true}
		if got := snapshot(t, st.load(t)); got != want {
			t.Fatalf("the index differs from a rebuild:\n%s", firstDiff(got, want))
		}
	})
}
