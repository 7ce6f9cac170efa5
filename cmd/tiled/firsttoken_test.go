package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServeFirstToken: serve on a fresh store prints one admin token that opens the token-guarded routes, and a
// restart on the same store prints none; --first-token=false prints none on a fresh store.
func TestServeFirstToken(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fresh.gpkg")
	base, _, out := startServeOut(t, "--db", db)
	m := regexp.MustCompile(`\n\s+(tiled_\S+)\n`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("serve on a fresh store printed no token:\n%s", out.String())
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/reports", nil)
	req.Header.Set("Authorization", "Bearer "+m[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/reports with the printed token = %d, want 200", resp.StatusCode)
	}
	if !strings.Contains(out.String(), base+"/desk") {
		t.Errorf("serve did not say where to sign in:\n%s", out.String())
	}

	_, _, again := startServeOut(t, "--db", db)
	if strings.Contains(again.String(), "tiled_") {
		t.Errorf("serve on a store with a token printed another:\n%s", again.String())
	}
	_, _, off := startServeOut(t, "--db", filepath.Join(dir, "other.gpkg"), "--first-token=false")
	if strings.Contains(off.String(), "tiled_") {
		t.Errorf("serve --first-token=false printed a token:\n%s", off.String())
	}
}
