package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/internal/testdb"
)

const reportText = `Russia's Defence Ministry said on Tuesday that its forces had stopped Ukrainian attempts to break through toward Demidovka and Prilesye.`

// TestReportsAPI: a report posted with a token is parsed, stored and listed; without a token nothing is readable;
// bad bodies are clear 4xx errors and store nothing; reports never reach the public export.
func TestReportsAPI(t *testing.T) {
	e := newEnv(t)
	authz := map[string]string{"Authorization": "Bearer " + e.token, "Content-Type": "application/json"}
	body, _ := json.Marshal(map[string]string{"text": reportText, "title": "MoD on Demidovka", "outlet": "Kyiv Independent",
		"url": "https://example.org/a", "published_at": "2025-03-20", "language": "en"})

	before := testdb.Snapshot(t, e.db)
	bad := []struct {
		name, body string
		hdr        map[string]string
		want       int
	}{
		{"no token", string(body), nil, http.StatusUnauthorized},
		{"empty text", `{"text": "   "}`, authz, http.StatusUnprocessableEntity},
		{"binary text", `{"text": "\u0001\u0002\u0003\u0004 ab"}`, authz, http.StatusUnprocessableEntity},
		{"bad date", `{"text": "Sudzha", "published_at": "March 2025"}`, authz, http.StatusUnprocessableEntity},
		{"future date", `{"text": "Sudzha", "published_at": "2031-01-01"}`, authz, http.StatusUnprocessableEntity},
		{"bad language", `{"text": "Sudzha", "language": "de"}`, authz, http.StatusUnprocessableEntity},
		{"unknown field", `{"text": "Sudzha", "colour": "red"}`, authz, http.StatusBadRequest},
		{"not JSON", `text=Sudzha`, authz, http.StatusBadRequest},
		{"too large", `{"text": "` + strings.Repeat("Sudzha ", 800_000) + `"}`, authz, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, "POST", "/api/reports", strings.NewReader(tt.body), tt.hdr)
			b := readAll(t, resp)
			if resp.StatusCode != tt.want || !bytes.Contains(b, []byte(`"code"`)) {
				t.Errorf("POST /api/reports (%s) = %d %s, want %d with a JSON error", tt.name, resp.StatusCode, b, tt.want)
			}
		})
	}
	if after := testdb.Snapshot(t, e.db); after != before {
		t.Fatal("a rejected report changed the store")
	}

	resp := e.do(t, "POST", "/api/reports", bytes.NewReader(body), authz)
	b := readAll(t, resp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/reports = %d %s", resp.StatusCode, b)
	}
	var got struct {
		ID     int64  `json:"id"`
		Title  string `json:"title"`
		Text   string `json:"text"`
		Claims []struct {
			Settlement string  `json:"settlement"`
			Source     *string `json:"source"`
			Holder     string  `json:"holder"`
			ValidAt    string  `json:"valid_at"`
		} `json:"claims"`
		Places []struct {
			ID *string `json:"id"`
		} `json:"places"`
		RecordedBy string `json:"recorded_by"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID == 0 || got.RecordedBy != "test" || len(got.Claims) != 2 || got.Claims[0].Source == nil ||
		*got.Claims[0].Source != "ru-mod" || got.Claims[0].Holder != "ru" || got.Claims[0].ValidAt != "2025-03-18" {
		t.Errorf("POST /api/reports = %s", b)
	}
	if loc := resp.Header.Get("Location"); loc != "/api/reports/1" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Location %q, Cache-Control %q", loc, resp.Header.Get("Cache-Control"))
	}

	for _, path := range []string{"/api/reports", "/api/reports/1"} {
		if resp := e.do(t, "GET", path, nil, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without a token = %d, want 401", path, resp.StatusCode)
		}
		resp := e.do(t, "GET", path, nil, authz)
		b := readAll(t, resp)
		if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte("MoD on Demidovka")) {
			t.Errorf("GET %s = %d %s", path, resp.StatusCode, b)
		}
	}
	if resp := e.do(t, "GET", "/api/reports/99", nil, authz); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /api/reports/99 = %d, want 404", resp.StatusCode)
	}
	if resp := e.do(t, "GET", "/api/reports/x", nil, authz); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET /api/reports/x = %d, want 400", resp.StatusCode)
	}
	// The export snapshot carries no trace of the report.
	resp = e.do(t, "GET", "/export/tiled.gpkg", nil, nil)
	gpkg := readAll(t, resp)
	if resp.StatusCode != http.StatusOK || bytes.Contains(gpkg, []byte("stopped Ukrainian attempts")) || bytes.Contains(gpkg, []byte("CREATE TABLE reports")) {
		t.Errorf("the exported GeoPackage (%d, %d bytes) holds the report", resp.StatusCode, len(gpkg))
	}
}

// TestSourceAliasesAPI: an alias added to the registry lets the parser find the source under that name.
func TestSourceAliasesAPI(t *testing.T) {
	e := newEnv(t)
	authz := map[string]string{"Authorization": "Bearer " + e.token, "Content-Type": "application/json"}
	if resp := e.do(t, "POST", "/api/sources/nobody/aliases", strings.NewReader(`{"alias":"X"}`), authz); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("alias of an unknown source = %d, want 422", resp.StatusCode)
	}
	if resp := e.do(t, "POST", "/api/sources/isw/aliases", strings.NewReader(`{"alias":""}`), authz); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty alias = %d, want 422", resp.StatusCode)
	}
	resp := e.do(t, "POST", "/api/sources/isw/aliases", strings.NewReader(`{"alias":"the Washington think tank"}`), authz)
	if b := readAll(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST alias = %d %s", resp.StatusCode, b)
	}
	body := `{"text":"The Washington think tank assessed that Russian forces advanced in Sudzha.","published_at":"2025-03-10"}`
	resp = e.do(t, "POST", "/api/reports", strings.NewReader(body), authz)
	b := readAll(t, resp)
	if resp.StatusCode != http.StatusCreated || !bytes.Contains(b, []byte(`"source":"isw"`)) {
		t.Errorf("POST /api/reports with an alias = %d %s", resp.StatusCode, b)
	}
}

// TestReportsListPages: GET /api/reports gives limit reports a page, newest first, and the next page's link (in
// the body and in a Link header) until the last page; a bad limit or cursor is a 400.
func TestReportsListPages(t *testing.T) {
	e := newEnv(t)
	authz := map[string]string{"Authorization": "Bearer " + e.token, "Content-Type": "application/json"}
	for i := range 5 {
		body, _ := json.Marshal(map[string]string{"text": reportText, "title": "report " + strconv.Itoa(i+1), "published_at": "2025-03-20"})
		if resp := e.do(t, "POST", "/api/reports", bytes.NewReader(body), authz); resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /api/reports = %d %s", resp.StatusCode, readAll(t, resp))
		}
	}
	var titles []string
	path, pages := "/api/reports?limit=2", 0
	for path != "" {
		resp := e.do(t, "GET", path, nil, authz)
		var page struct {
			Reports []struct {
				Title string `json:"title"`
			} `json:"reports"`
			Next string `json:"next"`
		}
		if err := json.Unmarshal(readAll(t, resp), &page); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d, %v", path, resp.StatusCode, err)
		}
		if link := resp.Header.Get("Link"); (page.Next == "") != (link == "") || page.Next != "" && link != "<"+page.Next+`>; rel="next"` {
			t.Errorf("GET %s: next %q but Link %q", path, page.Next, link)
		}
		for _, r := range page.Reports {
			titles = append(titles, r.Title)
		}
		path = page.Next
		if pages++; pages > 5 {
			t.Fatal("the pages do not end")
		}
	}
	if want := "report 5,report 4,report 3,report 2,report 1"; strings.Join(titles, ",") != want || pages != 3 {
		t.Errorf("pages of 2 = %d pages %q, want 3 pages %q", pages, strings.Join(titles, ","), want)
	}
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "before=0", "before=x", "page=2"} {
		if resp := e.do(t, "GET", "/api/reports?"+q, nil, authz); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET /api/reports?%s = %d, want 400", q, resp.StatusCode)
		}
	}
}
