package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/sqlite"
)

// TestExportHTTP: every export answers HEAD with its length and a strong ETag, honours byte ranges and
// If-None-Match, and serves the same bytes to every request while the data stays the same; after a write, the
// export is new and so is its ETag.
func TestExportHTTP(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/export/tiled.gpkg", "/export/settlements.csv?as_of=2025-03-30", "/export/settlements.kml"} {
		t.Run(path, func(t *testing.T) {
			head := e.do(t, http.MethodHead, path, nil, nil)
			readAll(t, head)
			size, err := strconv.Atoi(head.Header.Get("Content-Length"))
			etag := head.Header.Get("Etag")
			if head.StatusCode != 200 || err != nil || size < 100 || len(etag) < 10 || etag[0] != '"' ||
				head.Header.Get("Accept-Ranges") != "bytes" {
				t.Fatalf("HEAD %s = %d, Content-Length %q, ETag %q, Accept-Ranges %q", path, head.StatusCode,
					head.Header.Get("Content-Length"), etag, head.Header.Get("Accept-Ranges"))
			}
			full := e.do(t, http.MethodGet, path, nil, nil)
			body := readAll(t, full)
			if len(body) != size || full.Header.Get("Etag") != etag {
				t.Fatalf("GET %s: %d bytes, ETag %q; HEAD said %d, %q", path, len(body), full.Header.Get("Etag"), size, etag)
			}
			part := e.do(t, http.MethodGet, path, nil, map[string]string{"Range": "bytes=100-199", "If-Range": etag})
			pb := readAll(t, part)
			if part.StatusCode != http.StatusPartialContent || !bytes.Equal(pb, body[100:200]) ||
				part.Header.Get("Content-Range") != "bytes 100-199/"+strconv.Itoa(size) {
				t.Errorf("GET %s bytes=100-199 = %d, %q, %d bytes", path, part.StatusCode, part.Header.Get("Content-Range"), len(pb))
			}
			if nm := e.do(t, http.MethodGet, path, nil, map[string]string{"If-None-Match": etag}); nm.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s If-None-Match its ETag = %d, want 304", path, nm.StatusCode)
			}
		})
	}
	before := e.do(t, http.MethodHead, "/export/tiled.gpkg", nil, nil).Header.Get("Etag")
	claim := `{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-01","published_at":"2025-04-02","evidence":"analyst-assessment","summary":"A claim to change the data."}`
	if r := e.do(t, http.MethodPost, "/api/claims", bytes.NewBufferString(claim), map[string]string{
		"Authorization": "Bearer " + e.token, "Content-Type": "application/json"}); r.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/claims = %d: %s", r.StatusCode, readAll(t, r))
	}
	if after := e.do(t, http.MethodHead, "/export/tiled.gpkg", nil, nil).Header.Get("Etag"); after == before {
		t.Errorf("the GeoPackage's ETag %s did not change with the data", after)
	}
}

// TestExportHasNothingInternal lists every table of the exported GeoPackage: only public data (settlements,
// sources, claims and the GeoPackage's own tables) is there, and no token's name or hash is anywhere in the file,
// not even in free pages.
func TestExportHasNothingInternal(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	secret, tok, err := auth.Service{Store: e.db.Tokens()}.Create(ctx, "editor-nadia-secret-name")
	if err != nil || secret == "" {
		t.Fatal(err)
	}
	// A claim written with the token records its name (recorded_by), which must not leave either.
	w := e.do(t, http.MethodPost, "/api/claims", strings.NewReader(writeBodies["POST /api/claims"]),
		map[string]string{"Authorization": "Bearer " + secret, "Content-Type": "application/json"})
	if wb := readAll(t, w); w.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/claims = %d %s", w.StatusCode, wb)
	}
	resp := e.do(t, http.MethodGet, "/export/tiled.gpkg", nil, nil)
	b := readAll(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /export/tiled.gpkg = %d", resp.StatusCode)
	}
	for _, leak := range []string{tok.Name, secret, "tiled_schema", "name_keys"} {
		if bytes.Contains(b, []byte(leak)) {
			t.Errorf("the export contains %q", leak)
		}
	}
	path := filepath.Join(t.TempDir(), "export.gpkg")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		if !sqlite.ExportTable(name) {
			t.Errorf("the export has %s %s, which is not public data", typ, name)
		}
	}
	for _, bad := range []string{"tokens", "sessions", "reports", "name_keys", "tiled_schema"} {
		if containsString(tables, bad) {
			t.Errorf("the export has the internal table %s", bad)
		}
	}
	for _, want := range []string{"settlements", "claims", "sources", "gpkg_contents"} {
		if !containsString(tables, want) {
			t.Errorf("the export lacks %s; it has %v", want, tables)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM gpkg_contents WHERE table_name NOT IN (SELECT name FROM sqlite_master)").Scan(&n); err != nil || n != 0 {
		t.Errorf("gpkg_contents names %d tables that are not in the export (%v)", n, err)
	}
	// The export is a valid GeoPackage too (GDAL's validate_gpkg.py, from python3-gdal, where installed).
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import osgeo_utils.samples.validate_gpkg").Run() != nil {
			continue
		}
		if out, err := exec.Command(py, "-m", "osgeo_utils.samples.validate_gpkg", path).CombinedOutput(); err != nil {
			t.Errorf("validate_gpkg.py on the export: %v\n%s", err, out)
		}
		break
	}
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
