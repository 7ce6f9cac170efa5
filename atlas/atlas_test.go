package atlas_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
)

// TestNoStaleTileAfterConcurrentWrites: readers keep requesting Demidovka's tile while claims are written; once the
// writes are done, the tile (cached or not) shows the last claim — no tile built from an older ledger survives in
// the cache.
func TestNoStaleTileAfterConcurrentWrites(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{CacheBytes: 32 << 20, Now: benchNow},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	demidovka, err := db.Gazetteer().Place(ctx, "ru-bel-demidovka")
	if err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(demidovka.Point, 12)
	z, x, y := fmt.Sprint(tl.Z), fmt.Sprint(tl.X), fmt.Sprint(tl.Y)+".mvt"
	q := url.Values{"as_of": {"2025-05-31"}, "source": {"isw"}}
	holder := func() string {
		res, err := a.Tile(ctx, z, x, y, q)
		if err != nil {
			t.Error(err)
			return ""
		}
		layers, err := mvt.Unmarshal(res.Entry.Raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range layers[0].Features {
			if f.Properties["name"] == "Demidovka" {
				return fmt.Sprint(f.Properties["holders"])
			}
		}
		return ""
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					holder()
				}
			}
		}()
	}
	tok := auth.Token{Name: "test"}
	last := ""
	for i := 0; i < 20; i++ {
		h := []string{"ru", "ua"}[i%2]
		body := fmt.Sprintf(`{"settlement":"ru-bel-demidovka","source":"isw","holder":%q,"degree":"presence","valid_at":"2025-05-%02d","published_at":"2025-05-%02d","evidence":"analyst-assessment","summary":"Concurrency test %d."}`, h, i+1, i+1, i)
		if _, err := a.AddClaim(ctx, tok, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		last = "isw:" + h
	}
	close(stop)
	wg.Wait()
	for i := 0; i < 2; i++ { // the second read comes from the cache
		if got := holder(); got != last {
			t.Fatalf("read %d after the writes: Demidovka holders = %q, want %q", i, got, last)
		}
	}
}
