package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/sqlite"
	"github.com/tiled-maps/tiled/storetest"
)

// fullLoads counts the loads of a ledger that read every claim.
type fullLoads struct {
	*sqlite.Ledger
	n int
}

func (l *fullLoads) Claims(ctx context.Context, f ledger.ClaimFilter) ([]ledger.Claim, error) {
	if f == (ledger.ClaimFilter{Limit: f.Limit, NoText: true}) && f.Limit != 1 {
		l.n++
	}
	return l.Ledger.Claims(ctx, f)
}

// statuses renders the consensus of every settlement on a few dates.
func statuses(ix *ledger.Index) string {
	var s string
	for _, d := range []int{12, 13, 20, 21} {
		s += fmt.Sprintf("%+v\n", ix.StatusAll(ledger.Query{AsOf: ledger.MakeDate(2025, 3, d)}))
	}
	return s
}

// TestLedgerSnapshotBackupAndTamper: a backup of the store carries the ledger index's snapshot, and a load of the
// backup starts from it (the claims came with it); a store whose claims were changed behind the triggers' backs
// (triggers dropped, a claim's holder rewritten) does not use its snapshot and answers as a load of every claim.
func TestLedgerSnapshotBackupAndTamper(t *testing.T) {
	ctx := context.Background()
	s := storetest.Seeded(t, harness())
	l := &fullLoads{Ledger: s.SQLite().Ledger()}
	ix, err := ledger.Load(ctx, l, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.SaveSnapshot(ctx, l, ix); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "backup.gpkg")
	if _, err := s.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	bdb, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	bl := &fullLoads{Ledger: bdb.Ledger()}
	bix, err := ledger.Load(ctx, bl, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bl.n != 0 || statuses(bix) != statuses(ix) {
		t.Errorf("the backup's load read every claim %d times; statuses\n%s\nwant\n%s", bl.n, statuses(bix), statuses(ix))
	}

	for _, q := range []string{"DROP TRIGGER claims_no_update", "UPDATE claims SET holder = 'ua' WHERE id = 5"} {
		if _, err := s.SQLite().ReadPool().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	l.n = 0
	tampered, err := ledger.Load(ctx, l, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SQLite().Ledger().SaveIndexSnapshot(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := ledger.Load(ctx, s.Ledger(), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.n != 1 || statuses(tampered) != statuses(rebuilt) || statuses(tampered) == statuses(ix) {
		t.Errorf("after the claim was rewritten: %d full loads (want 1); statuses\n%s\nwant\n%s", l.n,
			statuses(tampered), statuses(rebuilt))
	}
}
