package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
)

// TestExportBound: with every export slot taken (as by slow readers of large exports), another export is a 429
// with Retry-After and a JSON body, and is served again as soon as a slot frees; other routes are not affected.
func TestExportBound(t *testing.T) {
	db := testdb.Open(t)
	if _, err := seed.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{ExportDir: t.TempDir()},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	t.Cleanup(func() { a.Close() })
	s := New(Config{BasemapTiles: "none", MaxExports: 2}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	s.exports <- struct{}{} // two exports in progress
	s.exports <- struct{}{}
	for _, path := range []string{"/export/tiled.gpkg", "/export/settlements.csv", "/export/settlements.kml"} {
		rec := get(path)
		var body ErrorBody
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" ||
			json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Code != "too_many_exports" {
			t.Errorf("GET %s with every slot taken = %d, Retry-After %q, %s; want 429 too_many_exports",
				path, rec.Code, rec.Header().Get("Retry-After"), rec.Body.Bytes())
		}
	}
	if rec := get("/api/sources"); rec.Code != http.StatusOK {
		t.Errorf("GET /api/sources while exports are busy = %d", rec.Code)
	}
	<-s.exports
	if rec := get("/export/settlements.csv"); rec.Code != http.StatusOK {
		t.Errorf("GET /export/settlements.csv with a free slot = %d: %s", rec.Code, rec.Body.Bytes())
	}
	if n := len(s.exports); n != 1 {
		t.Errorf("%d slots taken after the export, want 1: the export did not give its slot back", n)
	}
}
