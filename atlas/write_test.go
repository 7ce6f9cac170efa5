package atlas_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/seed"
)

// heldStore is a ledger store whose next write, or next refresh read (claims after an id), once armed, reports
// that it started and then waits to be released: a write held in progress.
type heldStore struct {
	ledger.Store
	mu                  sync.Mutex
	holdWrite, holdRead bool
	started, release    chan struct{}
}

func (h *heldStore) arm(write bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.holdWrite, h.holdRead = write, !write
	h.started, h.release = make(chan struct{}), make(chan struct{})
}

// hold blocks when armed for this kind of call, once.
func (h *heldStore) hold(write bool) {
	h.mu.Lock()
	armed := (write && h.holdWrite) || (!write && h.holdRead)
	h.holdWrite, h.holdRead = h.holdWrite && !armed, h.holdRead && !armed
	started, release := h.started, h.release
	h.mu.Unlock()
	if armed {
		close(started)
		<-release
	}
}

func (h *heldStore) Write(ctx context.Context, fn func(w ledger.Writer) error) error {
	return h.Store.Write(ctx, func(w ledger.Writer) error {
		if err := fn(w); err != nil {
			return err
		}
		h.hold(true) // the claim is written, the transaction still open
		return nil
	})
}

func (h *heldStore) Claims(ctx context.Context, f ledger.ClaimFilter) ([]ledger.Claim, error) {
	if f.AfterID > 0 {
		h.hold(false) // the write has committed; the index refresh reads it
	}
	return h.Store.Claims(ctx, f)
}

// TestCachedTileReaderNeverWaitsForWriter: a reader of a cached tile completes, from the cache, while a claim's
// write transaction is held open and again while the index refresh after the commit is held; once the write
// completes, the tile of the settlement written shows it. Not a timing test: the writer is blocked until the
// reader has returned, so a reader that waited on it could never return: the test fails after a minute of that.
func TestCachedTileReaderNeverWaitsForWriter(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	store := &heldStore{Store: db.Ledger()}
	a := atlas.New(atlas.Config{CacheBytes: 32 << 20, Now: benchNow},
		atlas.Deps{Places: db.Gazetteer(), Ledger: store, Tokens: db.Tokens(), Snapshot: db.Snapshot})
	tileOf := func(id string) maptile.Tile {
		f, err := a.Settlement(ctx, id, url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		return maptile.At(f.Geometry.(orb.Point), 12)
	}
	q := url.Values{"as_of": {"2025-05-31"}}
	read := func(tl maptile.Tile) (atlas.TileResult, error) {
		return a.Tile(ctx, fmt.Sprint(tl.Z), fmt.Sprint(tl.X), fmt.Sprint(tl.Y)+".mvt", q)
	}
	sudzha, demidovka := tileOf("486816"), tileOf("ru-bel-demidovka")
	if sudzha == demidovka {
		t.Fatal("Sudzha and Demidovka share a tile; the test needs two")
	}
	for range 2 {
		if _, err := read(sudzha); err != nil {
			t.Fatal(err)
		}
	}
	tok := auth.Token{Name: "test"}
	for _, write := range []bool{true, false} {
		store.arm(write)
		done := make(chan error, 1)
		go func() {
			_, err := a.AddClaim(ctx, tok, strings.NewReader(`{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua",
				"degree":"presence","valid_at":"2025-05-30","published_at":"2025-05-30","evidence":"analyst-assessment",
				"summary":"Held write test `+fmt.Sprint(write)+`."}`))
			done <- err
		}()
		<-store.started
		type result struct {
			res atlas.TileResult
			err error
		}
		got := make(chan result, 1)
		go func() { // must not wait for the held writer, which is released only after this read returns
			res, err := read(sudzha)
			got <- result{res, err}
		}()
		select {
		case r := <-got:
			if r.err != nil || !r.res.Hit {
				t.Errorf("held write %v: cached tile read = hit %v, %v; want a hit", write, r.res.Hit, r.err)
			}
		case <-time.After(time.Minute): // a deadlock detector, not a speed limit
			close(store.release)
			t.Fatalf("held write %v: the cached tile read waited for the writer", write)
		}
		close(store.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	res, err := read(demidovka)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(res.Entry.Raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range layers[0].Features {
		if f.Properties["name"] == "Demidovka" && !strings.Contains(fmt.Sprint(f.Properties["holders"]), "isw:ua") {
			t.Errorf("after the writes Demidovka's holders = %v, want isw:ua among them", f.Properties["holders"])
		}
	}
}
