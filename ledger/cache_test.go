package ledger_test

import (
	"context"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
)

// blockingStore is a memStore whose Claims, once armed, reports that it started and waits to be released: a
// refresh held in progress.
type blockingStore struct {
	memStore
	armed   bool
	started chan struct{}
	release chan struct{}
}

func (b *blockingStore) Claims(ctx context.Context, f ledger.ClaimFilter) ([]ledger.Claim, error) {
	if b.armed {
		close(b.started)
		<-b.release
	}
	return b.memStore.Claims(ctx, f)
}

// TestReaderDoesNotWaitForRefresh: while a refresh is held in progress, Index returns the current index at once
// (not a timing test: the refresh is blocked until the reader has returned), and the refresh publishes the next.
func TestReaderDoesNotWaitForRefresh(t *testing.T) {
	ctx := context.Background()
	cs := claims(t, cl{1, "x", "r1", "ru", "2025-03-01", "", 0, 0, 0, ""}, cl{2, "x", "u1", "ru", "2025-03-02", "", 0, 0, 0, ""})
	st := &blockingStore{memStore: memStore{sources: aligned, claims: cs[:1], version: 1},
		started: make(chan struct{}), release: make(chan struct{})}
	cache := ledger.NewCache(st, ledger.Options{}, nil)
	first, err := cache.Index(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.claims, st.version, st.armed = cs, 2, true
	done := make(chan ledger.Update)
	go func() {
		u, err := cache.Refresh(ctx)
		if err != nil {
			t.Error(err)
		}
		done <- u
	}()
	<-st.started // the refresh holds the store
	ix, err := cache.Index(ctx)
	if err != nil || ix != first {
		t.Fatalf("Index during a refresh = %p, %v; want the current index %p at once", ix, err, first)
	}
	q := ledger.Query{AsOf: d(t, "2025-03-05")}
	if got := ix.StatusOf("x", q); got.Basis != ledger.BasisClaimed {
		t.Errorf("current index: basis %q, want claimed", got.Basis)
	}
	close(st.release)
	u := <-done
	if u.Index == first || len(u.Settlements) != 1 || u.Settlements[0] != "x" {
		t.Fatalf("Refresh = %+v, want a new index changing x", u)
	}
	if got := cache.Current().StatusOf("x", q); got.Basis != ledger.BasisConfirmed {
		t.Errorf("after the refresh: basis %q, want confirmed (the Ukrainian side concedes)", got.Basis)
	}
	if got := first.StatusOf("x", q); got.Basis != ledger.BasisClaimed || first.Len() != 1 {
		t.Errorf("the earlier index changed: basis %q, %d claims", got.Basis, first.Len())
	}
}
