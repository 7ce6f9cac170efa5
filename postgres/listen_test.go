package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/postgres"
	"github.com/tiled-maps/tiled/storetest"
)

// TestListener follows writes made through another connection pool, names the settlements of added claims, and
// reconnects after its connection is killed, catching up with a change of everything.
func TestListener(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	writer := storetest.Seeded(t, harness())
	reader, err := postgres.Open(ctx, writer.Postgres().DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	changes := make(chan postgres.Change, 16)
	l := reader.Listen(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), func(c postgres.Change) { changes <- c })
	next := func() postgres.Change {
		t.Helper()
		select {
		case c := <-changes:
			return c
		case <-time.After(5 * time.Second):
			t.Fatal("no change within 5 s")
			return postgres.Change{}
		}
	}
	v0, _ := writer.DataVersion(ctx)
	if c := next(); c.Version != v0 || !c.All {
		t.Errorf("first change = %+v, want the current version %d, all", c, v0)
	}
	addClaim := func(settlement string) {
		t.Helper()
		_, err := ledger.Recorder{Store: writer.Ledger(), Places: writer.Gazetteer(), Now: storetest.Now}.AddClaim(ctx, ledger.Claim{
			SettlementID: settlement, SourceID: "isw", Holder: ledger.HolderUA, Degree: ledger.DegreePresence,
			ValidAt: ledger.MakeDate(2025, 4, 1), PublishedAt: ledger.MakeDate(2025, 4, 2), Evidence: ledger.EvidenceMapUpdate,
			Summary: "Listener test " + settlement})
		if err != nil {
			t.Fatal(err)
		}
	}
	addClaim("ru-bel-prilesye")
	if c := next(); c.Version != v0+1 || c.All || !slices.Equal(c.Settlements, []string{"ru-bel-prilesye"}) {
		t.Errorf("change after a claim = %+v, want version %d naming ru-bel-prilesye", c, v0+1)
	}
	if st := l.Status(); !st.Connected || st.Version != v0+1 {
		t.Errorf("Status = %+v, want connected at version %d", st, v0+1)
	}
	// Kill the listener's connection, write while it is away, and expect it back with a catch-up change.
	// pg_terminate_backend only signals the backend: wait until it has gone, so that the write cannot still be
	// delivered on the old connection.
	var pid int32
	if err := writer.Postgres().Pool().QueryRow(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`,
		postgres.ListenerApplicationName).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Postgres().Pool().Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for gone := false; !gone; {
		var n int
		if err := writer.Postgres().Pool().QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if gone = n == 0; !gone {
			if time.Now().After(deadline) {
				t.Fatalf("the listener's backend %d did not end", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	addClaim("486816")
	var got postgres.Change
	for got.Version < v0+2 && time.Now().Before(deadline) {
		got = next()
	}
	if got.Version != v0+2 {
		t.Fatalf("after the kill: last change %+v, want version %d", got, v0+2)
	}
	st := l.Status()
	for !(st.Connected && st.Reconnects == 1) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		st = l.Status()
	}
	if !st.Connected || st.Retries != 0 || st.Reconnects != 1 {
		t.Errorf("Status after reconnecting = %+v", st)
	}
}
