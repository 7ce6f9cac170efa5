package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/web"
)

func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo (GDAL, Debian gdal-bin) not installed; CI installs it")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=20", "CPL_VSIL_CURL_ALLOWED_EXTENSIONS=.mvt,.pbf,.gpkg,.json,.csv,.kml", "GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func featureCount(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no feature count in\n%s", out)
	}
	return m[1]
}

// TestGDALReadsOGCAPI reads both collections with GDAL's OAPIF driver, the client QGIS uses too.
func TestGDALReadsOGCAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	n, _ := e.db.Gazetteer().CountPlaces(ctx)
	url := "OAPIF:" + e.srv.URL + "/ogc"
	out := ogrinfo(t, "-ro", "-so", url, "settlements")
	if got := featureCount(t, out); got != intStr(n) {
		t.Errorf("GDAL settlements count = %s, want %d\n%s", got, n, out)
	}
	out = ogrinfo(t, "-ro", "-so", url, "claims")
	if got := featureCount(t, out); got != "16" {
		t.Errorf("GDAL claims count = %s, want 16 (the seed's claims)\n%s", got, out)
	}
	// Read every feature through paging (page size 10) and filter by bbox on the server.
	out = ogrinfo(t, "-ro", "-al", "-q", "-oo", "PAGE_SIZE=10", url, "settlements")
	if got := strings.Count(out, "OGRFeature(settlements)"); got != n {
		t.Errorf("GDAL read %d settlements through paging, want %d", got, n)
	}
	out = ogrinfo(t, "-ro", "-al", "-q", "-spat", "35.3", "50.8", "35.5", "51.0", url, "settlements")
	if !strings.Contains(out, "name (String) = Demidovka") || strings.Contains(out, "name (String) = Belgorod") {
		t.Errorf("GDAL bbox read:\n%s", out)
	}
	// Field types come from the collection's schema (describedBy), not from guesses over the first page:
	// precision_km is Real even on a page of whole numbers, and Demidovka's 4.5 stays 4.5.
	out = ogrinfo(t, "-ro", "-so", "-oo", "PAGE_SIZE=1", url, "settlements")
	for _, want := range []string{"precision_km: Real", "population: Integer", "approximate: Integer(Boolean)", "latest: Date"} {
		if !strings.Contains(out, want) {
			t.Errorf("GDAL schema lacks %q:\n%s", want, out)
		}
	}
	out = ogrinfo(t, "-ro", "-al", "-q", "-oo", "PAGE_SIZE=5", "-spat", "35.41", "50.89", "35.43", "50.90", url, "settlements")
	if !strings.Contains(out, "precision_km (Real) = 4.5") {
		t.Errorf("GDAL read Demidovka's precision_km as:\n%s", out)
	}
	// A query carried on the landing URL (GDAL sends it with every request) picks the day: Sudzha was Ukraine's
	// on 1 September 2024.
	out = ogrinfo(t, "-ro", "-al", "-q", "-spat", "35.26", "51.18", "35.28", "51.2", url+"?as_of=2024-09-01", "settlements")
	if !strings.Contains(out, "name (String) = Sudzha") || !strings.Contains(out, "status (String) = ua") {
		t.Errorf("GDAL with ?as_of=2024-09-01 on the landing URL:\n%s", out)
	}
}

// TestGDALReadsTile fetches a vector tile over HTTP with GDAL's MVT driver.
func TestGDALReadsTile(t *testing.T) {
	e := newEnv(t)
	tl := maptile.At([2]float64{35.27056, 51.19139}, 10)
	u := e.srv.URL + "/tiles/10/" + intStr(int(tl.X)) + "/" + intStr(int(tl.Y)) + ".mvt"
	out := ogrinfo(t, "-ro", "-al", "/vsicurl/"+u)
	for _, want := range []string{"Layer name: settlements", "name (String) = Sudzha", "status (String) = ru"} {
		if !strings.Contains(out, want) {
			t.Errorf("GDAL MVT read lacks %q:\n%s", want, out)
		}
	}
}

// TestGDALReadsGeoPackageExport downloads /export/tiled.gpkg and opens it with GDAL.
func TestGDALReadsGeoPackageExport(t *testing.T) {
	e := newEnv(t)
	resp := e.do(t, "GET", "/export/tiled.gpkg", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("export = %d", resp.StatusCode)
	}
	f := filepath.Join(t.TempDir(), "export.gpkg")
	b := readAll(t, resp)
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := ogrinfo(t, "-ro", "-so", f, "settlements")
	n, _ := e.db.Gazetteer().CountPlaces(context.Background())
	if got := featureCount(t, out); got != intStr(n) {
		t.Errorf("GDAL count of the exported GeoPackage = %s, want %d", got, n)
	}
}

// TestRunShutsDownGracefully starts the real listener, serves a request, and stops on cancel.
func TestRunShutsDownGracefully(t *testing.T) {
	db := testdb.Open(t)
	if _, err := seed.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{}, atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	s := web.New(web.Config{Addr: "127.0.0.1:0"}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, func(addr string) { addrc <- addr }) }()
	addr := <-addrc
	resp, err := http.Get("http://" + addr + "/ready")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /ready = %v, %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if _, err := http.Get("http://" + addr + "/health"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// TestGDALOpensExportsByURL: GDAL opens each export where it lies, by URL (/vsicurl/, as QGIS does for a layer
// added from a URL): it needs a HEAD with Content-Length and byte ranges, and reads the GeoPackage in pieces.
func TestGDALOpensExportsByURL(t *testing.T) {
	e := newEnv(t)
	n, _ := e.db.Gazetteer().CountPlaces(context.Background())
	out := ogrinfo(t, "-ro", "-so", "/vsicurl/"+e.srv.URL+"/export/tiled.gpkg", "settlements")
	if got := featureCount(t, out); got != intStr(n) {
		t.Errorf("GDAL count of /vsicurl/ tiled.gpkg settlements = %s, want %d\n%s", got, n, out)
	}
	out = ogrinfo(t, "-ro", "-so", "/vsicurl/"+e.srv.URL+"/export/tiled.gpkg", "claims")
	if got := featureCount(t, out); got != "16" {
		t.Errorf("GDAL count of /vsicurl/ tiled.gpkg claims = %s, want 16\n%s", got, out)
	}
	out = ogrinfo(t, "-ro", "-so", "-al", "CSV:/vsicurl/"+e.srv.URL+"/export/settlements.csv?as_of=2025-03-30")
	if got := featureCount(t, out); got != intStr(n) {
		t.Errorf("GDAL count of /vsicurl/ settlements.csv = %s, want %d\n%s", got, n, out)
	}
}
