package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/sqlite"
	"github.com/tiled-maps/tiled/web"
)

// TestDiskFullAnswers507: with the store's disk full, a write is a 507 with a JSON message that says so (not a
// 500), /ready reports storage_full, reads still work; once space is freed /ready is ready and writes go through.
func TestDiskFullAnswers507(t *testing.T) {
	dir := testdb.TmpFS(t, "4m")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "tiled.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := seed.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	secret, _, err := auth.Service{Store: db.Tokens()}.Create(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{Now: func() time.Time { return fixedNow }},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	s := web.New(web.Config{BasemapTiles: "none", Storage: db.Storage}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	e := &env{srv: srv, handler: s.Handler(), db: db, token: secret}
	auth := map[string]string{"Authorization": "Bearer " + secret}
	post := func(summary string) (int, web.ErrorBody) {
		body := strings.Replace(writeBodies["POST /api/claims"], "Token test.", summary+strings.Repeat(" padding", 100), 1)
		resp := e.do(t, "POST", "/api/claims", strings.NewReader(body), auth)
		var eb web.ErrorBody
		json.Unmarshal(readAll(t, resp), &eb)
		return resp.StatusCode, eb
	}
	ready := func() (int, web.ErrorBody) {
		resp := e.do(t, "GET", "/ready", nil, nil)
		var eb web.ErrorBody
		json.Unmarshal(readAll(t, resp), &eb)
		return resp.StatusCode, eb
	}
	if st, _ := post("Before."); st != 201 {
		t.Fatalf("POST with room = %d, want 201", st)
	}
	filler := testdb.FillDisk(t, dir)
	var st int
	var eb web.ErrorBody
	for i := 0; i < 100; i++ {
		if st, eb = post("Full."); st != 201 {
			break
		}
	}
	if st != 507 || eb.Code != "storage_full" || !strings.Contains(eb.Description, "disk is full") || strings.Contains(eb.Description, dir) {
		t.Fatalf("POST on a full disk = %d %+v, want 507 storage_full saying the disk is full, without the path", st, eb)
	}
	if st, eb := ready(); st != 503 || eb.Code != "storage_full" {
		t.Errorf("/ready on a full disk = %d %+v, want 503 storage_full", st, eb)
	}
	if resp := e.do(t, "GET", "/api/settlements/ru-bel-demidovka", nil, nil); resp.StatusCode != 200 {
		t.Errorf("a read on a full disk = %d, want 200", resp.StatusCode)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if st, _ := post("After."); st != 201 {
		t.Errorf("POST after freeing space = %d, want 201", st)
	}
	if st, eb := ready(); st != 200 {
		t.Errorf("/ready after freeing space = %d %+v, want 200", st, eb)
	}
}
