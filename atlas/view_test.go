package atlas_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/seed"
)

// TestSettlementView: the settlement API carries the consensus's basis, honours known_on, and without as_of shows
// the latest claims' date when every claim is stale (benchNow is months after the seed's last claim).
func TestSettlementView(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{CacheBytes: 1 << 20, Now: benchNow},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	status := func(q url.Values) ledger.Status {
		t.Helper()
		f, err := a.Settlement(ctx, "486816", q) // Sudzha
		if err != nil {
			t.Fatalf("Settlement(Sudzha, %v): %v", q, err)
		}
		return f.Properties["status_detail"].(ledger.Status)
	}
	if st := status(url.Values{"as_of": {"2025-03-20"}}); st.Consensus != ledger.ConsensusRU || st.Basis == "" {
		t.Errorf("Sudzha as of 2025-03-20 = %s basis %q, want ru with a basis", st.Consensus, st.Basis)
	}
	// Known on 12 March 2025, only Ukraine's claim of August 2024 was published.
	st := status(url.Values{"as_of": {"2025-03-20"}, "known_on": {"2025-03-12"}})
	if st.Consensus != ledger.ConsensusUA || !st.Stale || st.KnownOn != ledger.MakeDate(2025, 3, 12) {
		t.Errorf("Sudzha as of 2025-03-20 known on 2025-03-12 = %s stale %v known on %s, want ua, stale, known on 2025-03-12",
			st.Consensus, st.Stale, st.KnownOn)
	}
	claims, err := a.Claims(ctx, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	var latest ledger.Date
	for _, c := range claims {
		if c.ValidAt.After(latest) && !c.IsRetraction() {
			latest = c.ValidAt
		}
	}
	if st := status(url.Values{}); st.AsOf != latest {
		t.Errorf("Sudzha with no as_of: as of %s, want the latest claim's date %s", st.AsOf, latest)
	}
	if _, err := a.Settlement(ctx, "486816", url.Values{"known_on": {"March"}}); err == nil {
		t.Error("Settlement(known_on=March) succeeded, want a parameter error")
	}
}
