package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/sqlite"
	"github.com/tiled-maps/tiled/web"
)

// fixedNow is the test clock: after every seed claim, so "today" views and future-date checks are stable.
var fixedNow = time.Date(2025, 4, 10, 12, 0, 0, 0, time.UTC)

type env struct {
	srv     *httptest.Server
	handler http.Handler
	db      *sqlite.DB
	token   string
}

func newEnv(t *testing.T) *env { return newBenchEnv(t) }

// newBenchEnv is newEnv for tests and benchmarks alike.
func newBenchEnv(t testing.TB) *env {
	t.Helper()
	db := testdb.Open(t)
	if _, err := seed.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{CacheBytes: 64 << 20, Now: func() time.Time { return fixedNow }},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot, Reports: db.Reports(), Aliases: db.Aliases()})
	s := web.New(web.Config{BasemapTiles: "none"}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	secret, _, err := auth.Service{Store: db.Tokens()}.Create(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, handler: s.Handler(), db: db, token: secret}
}

func (e *env) do(t *testing.T, method, path string, body io.Reader, hdr map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil && method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Content-Type", "application/json") // the tests' writes are JSON unless hdr says otherwise
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readAll(t *testing.T, r *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadInput: every client mistake is a 4xx with a JSON body naming the problem, never a 500.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, method, path, body string
		hdr                      map[string]string
		want                     int
		wantText                 string
	}{
		{"z out of range", "GET", "/tiles/15/0/0.mvt", "", nil, 400, "z"},
		{"negative z", "GET", "/tiles/-1/0/0.mvt", "", nil, 400, "z"},
		{"x out of range", "GET", "/tiles/2/4/0.mvt", "", nil, 400, "x"},
		{"y out of range", "GET", "/tiles/2/0/4.mvt", "", nil, 400, "y"},
		{"non-numeric x", "GET", "/tiles/2/a/0.mvt", "", nil, 400, "x"},
		{"wrong suffix", "GET", "/tiles/2/0/0.png", "", nil, 400, "mvt"},
		{"missing suffix", "GET", "/tiles/2/0/0", "", nil, 400, "mvt"},
		{"huge z", "GET", "/tiles/99999999999999999999/0/0.mvt", "", nil, 400, "z"},
		{"unknown layer", "GET", "/tiles/roads/2/0/0.mvt", "", nil, 400, "roads"},
		{"unknown tile parameter", "GET", "/tiles/2/0/0.mvt?color=red", "", nil, 400, "color"},
		{"bad as_of", "GET", "/tiles/2/0/0.mvt?as_of=2025-13-01", "", nil, 400, "as_of"},
		{"unknown source", "GET", "/tiles/2/0/0.mvt?source=nobody", "", nil, 400, "source"},
		{"bad data version", "GET", "/tiles/2/0/0.mvt?v=x", "", nil, 400, "v"},
		{"malformed bbox", "GET", "/api/settlements?bbox=1,2,3", "", nil, 400, "bbox"},
		{"bbox min > max", "GET", "/api/settlements?bbox=36,51,35,50", "", nil, 400, "bbox"},
		{"bbox out of range", "GET", "/api/settlements?bbox=-200,0,0,10", "", nil, 400, "bbox"},
		{"limit too big", "GET", "/api/settlements?limit=10001", "", nil, 400, "limit"},
		{"limit zero", "GET", "/api/settlements?limit=0", "", nil, 400, "limit"},
		{"unknown api parameter", "GET", "/api/settlements?colour=red", "", nil, 400, "colour"},
		{"unknown settlement", "GET", "/api/settlements/nowhere", "", nil, 404, "nowhere"},
		{"geocode without q", "GET", "/api/geocode", "", nil, 400, "q"},
		{"geocode bad near", "GET", "/api/geocode?q=Sudzha&near=95,10", "", nil, 400, "near"},
		{"diff bad date", "GET", "/api/diff?from=2025-03-01&to=April", "", nil, 400, "to"},
		{"diff reversed", "GET", "/api/diff?from=2025-04-01&to=2025-03-01", "", nil, 400, "before"},
		{"claims unknown source", "GET", "/api/claims?source=nobody", "", nil, 400, "source"},
		{"claims bad since", "GET", "/api/claims?since=yesterday", "", nil, 400, "since"},
		{"unknown collection", "GET", "/ogc/collections/roads", "", nil, 404, "roads"},
		{"unknown collection items", "GET", "/ogc/collections/roads/items", "", nil, 404, "roads"},
		{"unknown feature", "GET", "/ogc/collections/settlements/items/nowhere", "", nil, 404, "nowhere"},
		{"ogc limit 0", "GET", "/ogc/collections/settlements/items?limit=0", "", nil, 400, "limit"},
		{"ogc as_of not a date", "GET", "/ogc/collections/settlements/items?as_of=2025-13-01", "", nil, 400, "as_of"},
		{"ogc unknown items parameter", "GET", "/ogc/collections/claims/items?colour=red", "", nil, 400, "colour"},
		{"ogc bad bbox", "GET", "/ogc/collections/settlements/items?bbox=a,b,c,d", "", nil, 400, "bbox"},
		{"ogc bad datetime", "GET", "/ogc/collections/claims/items?datetime=../..", "", nil, 400, "datetime"},
		{"ogc unknown parameter", "GET", "/ogc/collections/claims/items?foo=1", "", nil, 400, "foo"},
		{"export bad as_of", "GET", "/export/settlements.csv?as_of=x", "", nil, 400, "as_of"},
		{"unknown route", "GET", "/nope", "", nil, 404, ""},
		{"write without token", "POST", "/api/claims", `{}`, nil, 401, "token"},
		{"write with wrong token", "POST", "/api/claims", `{}`, map[string]string{"Authorization": "Bearer tiled_wrongwrongwrongwrongwrongwrong"}, 401, "invalid"},
		{"write with bad scheme", "POST", "/api/sources", `{}`, map[string]string{"Authorization": "Basic eDp5"}, 401, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, tt.method, tt.path, strings.NewReader(tt.body), tt.hdr)
			body := readAll(t, resp)
			if resp.StatusCode != tt.want {
				t.Fatalf("%s %s = %d, want %d: %s", tt.method, tt.path, resp.StatusCode, tt.want, body)
			}
			var eb web.ErrorBody
			if err := json.Unmarshal(body, &eb); err != nil || eb.Code == "" || eb.Description == "" {
				t.Fatalf("%s %s body = %s (%v), want a JSON error", tt.method, tt.path, body, err)
			}
			if !strings.Contains(strings.ToLower(eb.Description), strings.ToLower(tt.wantText)) {
				t.Errorf("%s %s description = %q, want it to name %q", tt.method, tt.path, eb.Description, tt.wantText)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("error Content-Type = %q", ct)
			}
		})
	}
}

func TestWritesNeedAValidToken(t *testing.T) {
	e := newEnv(t)
	claim := `{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-08","published_at":"2025-04-09","evidence":"analyst-assessment","summary":"Test claim."}`
	before := testdb.Snapshot(t, e.db)
	// A revoked token and a wrong one store nothing.
	secret, _, _ := auth.Service{Store: e.db.Tokens()}.Create(context.Background(), "revoked")
	e.db.Tokens().RevokeToken(context.Background(), "revoked")
	for name, hdr := range map[string]map[string]string{
		"none": nil, "revoked": {"Authorization": "Bearer " + secret}, "wrong": {"Authorization": "Bearer " + e.token + "x"},
	} {
		resp := e.do(t, "POST", "/api/claims", strings.NewReader(claim), hdr)
		if resp.StatusCode != 401 && resp.StatusCode != 403 {
			t.Errorf("POST with %s token = %d, want 401/403", name, resp.StatusCode)
		}
	}
	after := testdb.Snapshot(t, e.db)
	// The revoke itself changed the tokens table; claims must be untouched.
	if claimsPart(before) != claimsPart(after) {
		t.Error("a rejected write changed the claims")
	}
	bad := []struct{ body, want string }{
		{`not json`, "not JSON"},
		{`{"settlement":"nowhere","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-08","published_at":"2025-04-09","evidence":"analyst-assessment","summary":"x"}`, "settlement"},
		{strings.Replace(claim, `"holder":"ua"`, `"holder":"russia"`, 1), "holder"},
		{strings.Replace(claim, `"published_at":"2025-04-09"`, `"published_at":"2025-05-09"`, 1), "published_at"},
		{strings.Replace(claim, `"colour"`, ``, 1)[:len(claim)-1] + `,"colour":"red"}`, "colour"},
		{`{"id":5}`, "id"},
	}
	auth := map[string]string{"Authorization": "Bearer " + e.token, "Content-Type": "application/json"}
	for _, b := range bad {
		resp := e.do(t, "POST", "/api/claims", strings.NewReader(b.body), auth)
		body := readAll(t, resp)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(string(body), b.want) {
			t.Errorf("POST %s = %d %s, want 4xx naming %q", b.body, resp.StatusCode, body, b.want)
		}
	}
	big := `{"summary":"` + strings.Repeat("x", atlas.MaxBodyBytes) + `"}`
	if resp := e.do(t, "POST", "/api/claims", strings.NewReader(big), auth); resp.StatusCode != 413 {
		t.Errorf("oversized body = %d, want 413", resp.StatusCode)
	}
	if claimsPart(testdb.Snapshot(t, e.db)) != claimsPart(before) {
		t.Error("a rejected write changed the claims")
	}
	resp := e.do(t, "POST", "/api/claims", strings.NewReader(claim), auth)
	if body := readAll(t, resp); resp.StatusCode != 201 {
		t.Fatalf("good claim = %d %s", resp.StatusCode, body)
	}
}

func claimsPart(snap string) string {
	i := strings.Index(snap, "== claims\n")
	j := strings.Index(snap[i+1:], "== ")
	return snap[i : i+1+j]
}

// tileFeatures decodes a tile and returns its settlements by name.
func tileFeatures(t *testing.T, raw []byte) map[string]map[string]any {
	t.Helper()
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		t.Fatalf("mvt.Unmarshal: %v", err)
	}
	out := map[string]map[string]any{}
	for _, l := range layers {
		for _, f := range l.Features {
			out[f.Properties["name"].(string)] = f.Properties
		}
	}
	return out
}

func sudzhaTile(z maptile.Zoom) string {
	t := maptile.At([2]float64{35.27056, 51.19139}, z)
	return "/tiles/" + intStr(int(t.Z)) + "/" + intStr(int(t.X)) + "/" + intStr(int(t.Y)) + ".mvt"
}

func intStr(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestTileStatusByDate(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct{ asOf, want string }{{"2024-09-01", "ua"}, {"2025-03-20", "ru"}} {
		resp := e.do(t, "GET", sudzhaTile(10)+"?as_of="+tt.asOf, nil, nil)
		raw := readAll(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != web.MediaMVT {
			t.Fatalf("tile = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		f := tileFeatures(t, raw)["Sudzha"]
		if f == nil || f["status"] != tt.want {
			t.Errorf("Sudzha as of %s: status %v, want %s", tt.asOf, f["status"], tt.want)
		}
	}
}

func TestTileCachingHeaders(t *testing.T) {
	e := newEnv(t)
	path := sudzhaTile(9) + "?as_of=2025-03-30"
	r1 := e.do(t, "GET", path, nil, nil)
	raw := readAll(t, r1)
	etag := r1.Header.Get("ETag")
	if etag == "" || !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
		t.Fatalf("ETag = %q, want a strong tag", etag)
	}
	r2 := e.do(t, "GET", path, nil, map[string]string{"If-None-Match": etag})
	if r2.StatusCode != 304 || len(readAll(t, r2)) != 0 {
		t.Errorf("If-None-Match = %d, want 304 with no body", r2.StatusCode)
	}
	r3 := e.do(t, "HEAD", path, nil, nil)
	if r3.StatusCode != 200 || len(readAll(t, r3)) != 0 || r3.Header.Get("Content-Length") != intStr(len(raw)) {
		t.Errorf("HEAD = %d, length %s, want 200 with the GET's length %d", r3.StatusCode, r3.Header.Get("Content-Length"), len(raw))
	}
	r4 := e.do(t, "GET", path, nil, map[string]string{"Accept-Encoding": "gzip"})
	gz := readAll(t, r4)
	if r4.Header.Get("Content-Encoding") != "gzip" || r4.Header.Get("ETag") == etag {
		t.Errorf("gzip: Content-Encoding %q ETag %q (plain %q)", r4.Header.Get("Content-Encoding"), r4.Header.Get("ETag"), etag)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if un, _ := io.ReadAll(zr); !bytes.Equal(un, raw) {
		t.Error("gzip body does not decompress to the plain tile")
	}
	if !strings.Contains(strings.Join(r1.Header.Values("Vary"), ","), "Accept-Encoding") {
		t.Errorf("Vary = %q", r1.Header.Get("Vary"))
	}
	// Versioned URLs (as TileJSON gives them) are immutable; unversioned "today" tiles are short-lived.
	var tj struct {
		Tiles []string `json:"tiles"`
	}
	json.Unmarshal(readAll(t, e.do(t, "GET", "/tiles.json?as_of=2025-03-30", nil, nil)), &tj)
	if len(tj.Tiles) != 1 || !strings.Contains(tj.Tiles[0], "v=") || !strings.Contains(tj.Tiles[0], "as_of=2025-03-30") {
		t.Fatalf("TileJSON tiles = %v", tj.Tiles)
	}
	u := strings.NewReplacer("{z}", "9", "{x}", "0", "{y}", "0").Replace(tj.Tiles[0])
	u = strings.TrimPrefix(u, e.srv.URL)
	if cc := e.do(t, "GET", u, nil, nil).Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned tile Cache-Control = %q, want immutable", cc)
	}
	if cc := e.do(t, "GET", sudzhaTile(9), nil, nil).Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		t.Errorf("today's tile Cache-Control = %q, want short-lived", cc)
	}
	r5 := e.do(t, "GET", path, nil, map[string]string{"Origin": "https://news.example"})
	if r5.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("CORS Allow-Origin = %q, want *", r5.Header.Get("Access-Control-Allow-Origin"))
	}
}

// TestClaimInvalidatesOnlyItsTiles: a new claim about Demidovka changes every zoom's Demidovka tile and leaves a
// far tile (Belgorod) cached.
func TestClaimInvalidatesOnlyItsTiles(t *testing.T) {
	e := newEnv(t)
	demidovka := func(z maptile.Zoom) string {
		tl := maptile.At([2]float64{35.420835, 50.897225}, z)
		return "/tiles/" + intStr(int(tl.Z)) + "/" + intStr(int(tl.X)) + "/" + intStr(int(tl.Y)) + ".mvt?as_of=2025-04-09"
	}
	belgorod := func() string {
		tl := maptile.At([2]float64{36.58015, 50.61074}, 12)
		return "/tiles/12/" + intStr(int(tl.X)) + "/" + intStr(int(tl.Y)) + ".mvt?as_of=2025-04-09"
	}
	zooms := []maptile.Zoom{5, 8, 11, 14}
	etags := map[string]string{}
	for _, z := range zooms {
		r := e.do(t, "GET", demidovka(z), nil, nil)
		etags[demidovka(z)] = r.Header.Get("ETag")
		if f := tileFeatures(t, readAll(t, r))["Demidovka"]; f == nil || f["status"] != "disputed" {
			t.Fatalf("Demidovka at z%d before: %v, want disputed", z, f)
		}
	}
	readAll(t, e.do(t, "GET", belgorod(), nil, nil))
	statsBefore := cacheHits(t, e)
	claim := `{"settlement":"ru-bel-demidovka","source":"ru-mod","holder":"ru","degree":"full","valid_at":"2025-04-09","published_at":"2025-04-09","evidence":"official-statement","summary":"Test: says it holds the village."}`
	resp := e.do(t, "POST", "/api/claims", strings.NewReader(claim), map[string]string{"Authorization": "Bearer " + e.token})
	if resp.StatusCode != 201 {
		t.Fatalf("POST claim = %d %s", resp.StatusCode, readAll(t, resp))
	}
	for _, z := range zooms {
		r := e.do(t, "GET", demidovka(z), nil, nil)
		f := tileFeatures(t, readAll(t, r))["Demidovka"]
		if r.Header.Get("ETag") == etags[demidovka(z)] {
			t.Errorf("z%d: Demidovka tile unchanged after the claim", z)
		}
		if f == nil || f["holders"] == nil || !strings.Contains(f["holders"].(string), "ru-mod:ru") {
			t.Errorf("z%d: Demidovka after the claim: %v", z, f)
		}
	}
	readAll(t, e.do(t, "GET", belgorod(), nil, nil))
	if after := cacheHits(t, e); after <= statsBefore {
		t.Errorf("Belgorod tile was rebuilt (hits %d → %d): the claim invalidated more than its settlement", statsBefore, after)
	}
}

func cacheHits(t *testing.T, e *env) int {
	t.Helper()
	body := string(readAll(t, e.do(t, "GET", "/metrics", nil, nil)))
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "tiled_tile_cache_hits_total ") {
			var n int
			json.Unmarshal([]byte(strings.TrimPrefix(line, "tiled_tile_cache_hits_total ")), &n)
			return n
		}
	}
	t.Fatalf("no cache hits metric in\n%s", body)
	return 0
}

func TestEmbeddingHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, "GET", "/", nil, nil)
	if xfo := r.Header.Get("X-Frame-Options"); xfo != "" {
		t.Errorf("X-Frame-Options = %q: it would forbid newsroom iframes", xfo)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") {
		t.Errorf("CSP = %q, want frame-ancestors *", csp)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("X-Request-Id") == "" {
		t.Errorf("headers: nosniff %q, request id %q", r.Header.Get("X-Content-Type-Options"), r.Header.Get("X-Request-Id"))
	}
}

func TestReadRoutes(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		path, media string
		check       func(t *testing.T, body []byte)
	}{
		{"/health", "application/json", nil},
		{"/ready", "application/json", nil},
		{"/api/settlements?bbox=35.3,50.8,35.5,51.0&as_of=2025-03-30", web.MediaGeoJSON, func(t *testing.T, b []byte) {
			var fc struct {
				Features []struct {
					Properties map[string]any `json:"properties"`
				} `json:"features"`
			}
			json.Unmarshal(b, &fc)
			got := map[string]any{}
			for _, f := range fc.Features {
				got[f.Properties["name"].(string)] = f.Properties["status"]
			}
			if got["Demidovka"] != "disputed" || got["Grafovka"] != "unknown" {
				t.Errorf("statuses in bbox = %v", got)
			}
		}},
		{"/api/settlements?q=Попівка", web.MediaGeoJSON, func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"ru-bel-popovka-kr"`) {
				t.Errorf("q=Попівка lacks Popovka: %s", b)
			}
		}},
		{"/api/settlements/ru-bel-popovka-kr?as_of=2025-03-30", web.MediaGeoJSON, func(t *testing.T, b []byte) {
			for _, want := range []string{`"approximate":true`, `"history"`, `"isw"`, `"ru-milbloggers"`, `"Попівка"`} {
				if !strings.Contains(string(b), want) {
					t.Errorf("settlement lacks %s", want)
				}
			}
		}},
		{"/api/geocode?q=Hoholivka", "application/json", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"id":"ru-krs-gogolevka"`) {
				t.Errorf("geocode: %s", b)
			}
		}},
		{"/api/sources", "application/json", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"black-bird-group"`) {
				t.Errorf("sources: %s", b)
			}
		}},
		{"/api/claims?settlement=ru-bel-demidovka", "application/json", func(t *testing.T, b []byte) {
			var cl []map[string]any
			json.Unmarshal(b, &cl)
			if len(cl) != 5 {
				t.Errorf("Demidovka claims = %d, want 5", len(cl))
			}
		}},
		{"/api/diff?from=2025-03-01&to=2025-04-10", "application/json", func(t *testing.T, b []byte) {
			for _, id := range []string{"486816", "ru-bel-demidovka", "ru-bel-prilesye", "ru-bel-popovka-kr"} {
				if !strings.Contains(string(b), `"`+id+`"`) {
					t.Errorf("diff lacks %s", id)
				}
			}
		}},
		{"/tiles.json", "application/json", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"tilejson":"3.0.0"`) || !strings.Contains(string(b), `"vector_layers"`) {
				t.Errorf("tilejson: %s", b)
			}
		}},
		{"/style.json", "application/json", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"version":8`) {
				t.Errorf("style: %s", b)
			}
		}},
		{"/metrics", "text/plain", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), "tiled_http_requests_total") {
				t.Errorf("metrics: %s", b)
			}
		}},
		{"/export/settlements.csv?as_of=2025-03-30", "text/csv", func(t *testing.T, b []byte) {
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(lines) != 60 || !strings.HasSuffix(lines[0], "wkt") || !strings.Contains(string(b), "POINT (35.41417 50.87639)") {
				t.Errorf("csv: %d lines, header %q", len(lines), lines[0])
			}
		}},
		{"/export/settlements.kml", "application/vnd.google-earth.kml+xml", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), "<TimeSpan>") || !strings.Contains(string(b), "<begin>2025-03-28") {
				t.Errorf("kml lacks TimeSpans")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := e.do(t, "GET", tt.path, nil, nil)
			b := readAll(t, r)
			if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), tt.media) {
				t.Fatalf("GET %s = %d %s: %s", tt.path, r.StatusCode, r.Header.Get("Content-Type"), b)
			}
			if tt.check != nil {
				tt.check(t, b)
			}
		})
	}
}
