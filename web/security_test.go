package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/web"
)

// clock is a settable test clock for the rate limits.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newConfigEnv is newEnv with a server configuration of the test's choosing.
func newConfigEnv(t *testing.T, cfg web.Config) *env {
	t.Helper()
	db := testdb.Open(t)
	if _, err := seed.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{CacheBytes: 16 << 20, Now: func() time.Time { return fixedNow }},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot, Reports: db.Reports(), Aliases: db.Aliases()})
	cfg.BasemapTiles = "none"
	s := web.New(cfg, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	secret, _, err := auth.Service{Store: db.Tokens()}.Create(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, handler: s.Handler(), db: db, token: secret}
}

// writeBodies holds a valid body for every write route: the test of the routes fails when a route is missing here.
var writeBodies = map[string]string{
	"POST /api/claims":                          `{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-08","published_at":"2025-04-09","evidence":"analyst-assessment","summary":"Token test."}`,
	"POST /api/sources":                         `{"id":"token-test","name":"Token test","kind":"OSINT map","alignment":"independent"}`,
	"POST /api/claims/:id/retract":              `{"summary":"Token test."}`,
	"POST /api/sources/:id/grade":               `{"reliability":"B"}`,
	"POST /api/reports/:id/proposals/:n/accept": `{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-08","published_at":"2025-04-09","evidence":"analyst-assessment","summary":"Token test."}`,
	"POST /api/reports/:id/proposals/:n/reject": `{"reason":"Token test."}`,
	"POST /api/sources/:id/aliases":             `{"alias":"Token test alias"}`,
	"POST /api/reports":                         `{"text":"ISW assessed that Russian forces advanced in Demidovka.","published_at":"2025-04-08"}`,
}

// TestEveryWriteRouteRejectsBadTokens sends every write route a valid body with no token, a malformed header, a
// revoked, a wrong and a truncated token: each is 401 or 403 with a JSON error, and the store is unchanged.
func TestEveryWriteRouteRejectsBadTokens(t *testing.T) {
	e := newEnv(t)
	var routes []string
	for _, r := range e.handler.(*echo.Echo).Routes() {
		// The desk's writes take a session, not a bearer token (desk_test.go); echo lists its groups' not-found routes.
		desk := r.Path == "/desk" || strings.HasPrefix(r.Path, "/desk/")
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != echo.RouteNotFound && !desk {
			routes = append(routes, r.Method+" "+r.Path)
		}
	}
	slices.Sort(routes)
	for _, r := range routes {
		if _, ok := writeBodies[r]; !ok {
			t.Errorf("write route %s has no case in writeBodies: add one", r)
		}
	}
	ctx := context.Background()
	revoked, _, err := auth.Service{Store: e.db.Tokens()}.Create(ctx, "revoked")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Tokens().RevokeToken(ctx, "revoked"); err != nil {
		t.Fatal(err)
	}
	before := testdb.Snapshot(t, e.db)
	cases := []struct {
		name, header string
		want         int
	}{
		{"no header", "", 401},
		{"basic scheme", "Basic dGVzdDp0ZXN0", 401},
		{"empty bearer", "Bearer ", 401},
		{"wrong token", "Bearer tiled_0000000000000000000000000000000000000000000", 401},
		{"valid token plus a byte", "Bearer " + e.token + "x", 401},
		{"valid token less a byte", "Bearer " + e.token[:len(e.token)-1], 401},
		{"token without scheme", e.token, 401},
		{"revoked token", "Bearer " + revoked, 403},
		{"injection as token", "Bearer ' OR '1'='1", 401},
	}
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		for _, c := range cases {
			t.Run(r+"/"+c.name, func(t *testing.T) {
				hdr := map[string]string{"Content-Type": "application/json"}
				if c.header != "" {
					hdr["Authorization"] = c.header
				}
				resp := e.do(t, method, path, strings.NewReader(writeBodies[r]), hdr)
				body := readAll(t, resp)
				var eb web.ErrorBody
				if resp.StatusCode != c.want || json.Unmarshal(body, &eb) != nil || eb.Code == "" {
					t.Errorf("%s with %s = %d %s, want %d with a JSON error", r, c.name, resp.StatusCode, body, c.want)
				}
			})
		}
	}
	if after := testdb.Snapshot(t, e.db); after != before {
		t.Error("a write with a bad token changed the store")
	}
}

// TestWritesRecordTheirToken: a claim written through the API names the token that wrote it, in the answer to its
// writer and in the store, but the public settlement history and claim list do not: a token's name is internal.
func TestWritesRecordTheirToken(t *testing.T) {
	e := newEnv(t)
	auth := map[string]string{"Authorization": "Bearer " + e.token, "Content-Type": "application/json"}
	resp := e.do(t, "POST", "/api/claims", strings.NewReader(writeBodies["POST /api/claims"]), auth)
	var c ledger.Claim
	if body := readAll(t, resp); resp.StatusCode != 201 || json.Unmarshal(body, &c) != nil {
		t.Fatalf("POST /api/claims = %d %s", resp.StatusCode, body)
	}
	if c.RecordedBy != "test" {
		t.Errorf("POST /api/claims recorded_by = %q, want %q", c.RecordedBy, "test")
	}
	stored, err := e.db.Ledger().Claims(context.Background(), ledger.ClaimFilter{Settlement: "ru-bel-demidovka"})
	if err != nil {
		t.Fatal(err)
	}
	if last := stored[len(stored)-1]; last.ID != c.ID || last.RecordedBy != "test" {
		t.Errorf("stored claim %d recorded_by = %q, want claim %d by %q", last.ID, last.RecordedBy, c.ID, "test")
	}
	for _, path := range []string{"/api/settlements/ru-bel-demidovka", "/api/claims?settlement=ru-bel-demidovka"} {
		body := string(readAll(t, e.do(t, "GET", path, nil, nil)))
		if !strings.Contains(body, fmt.Sprintf(`"id":%d`, c.ID)) || strings.Contains(body, "recorded_by") {
			t.Errorf("GET %s: want claim %d without recorded_by, got %s", path, c.ID, body)
		}
	}
}

// injections are strings that would do harm if a layer executed or interpreted them: SQL, HTML and script, path
// traversal, format verbs, template syntax, control and odd Unicode characters.
var injections = []string{
	`'; DROP TABLE claims; --`,
	`" OR "1"="1`,
	`Robert'); DELETE FROM sources WHERE ('1'='1`,
	`1; ATTACH DATABASE '/tmp/x.db' AS x; --`,
	`<script>alert(document.cookie)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`../../../../etc/passwd`,
	`%s%n%x%d %v`,
	`{{.}}{{template "x"}}${jndi:ldap://x}`,
	"nul\x00byte",
	"bell\aand\u202eright-to-left\u2028line",
	`\'\"\\`,
	"Попо́вка 🇺🇦 \u202e",
}

// TestInjectionStoredVerbatim writes every injection string as a source's name and notes and a claim's summary and
// relayed_by through the API and reads each back unchanged; as an id it is refused with nothing stored; in query
// parameters and paths it is a 4xx or an answer, never a 5xx; and the schema is as it was.
func TestInjectionStoredVerbatim(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	auth := map[string]string{"Authorization": "Bearer " + e.token, "Content-Type": "application/json"}
	schema := func() string {
		var b strings.Builder
		rows, err := e.db.ReadPool().QueryContext(ctx, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var typ, name string
			var sql *string
			if err := rows.Scan(&typ, &name, &sql); err != nil {
				t.Fatal(err)
			}
			b.WriteString(typ + " " + name + "\n")
		}
		return b.String()
	}
	schemaBefore := schema()
	for i, s := range injections {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			id := "inj-" + strconv.Itoa(i)
			src, _ := json.Marshal(map[string]string{"id": id, "name": s, "kind": "test", "alignment": "independent", "notes": s})
			if resp := e.do(t, "POST", "/api/sources", strings.NewReader(string(src)), auth); resp.StatusCode != 201 {
				t.Fatalf("POST /api/sources name %q = %d %s", s, resp.StatusCode, readAll(t, resp))
			}
			cl, _ := json.Marshal(map[string]string{"settlement": "ru-bel-demidovka", "source": id, "holder": "ua",
				"degree": "presence", "valid_at": "2025-04-08", "published_at": "2025-04-09",
				"evidence": "analyst-assessment", "summary": s, "relayed_by": s})
			if resp := e.do(t, "POST", "/api/claims", strings.NewReader(string(cl)), auth); resp.StatusCode != 201 {
				t.Fatalf("POST /api/claims summary %q = %d %s", s, resp.StatusCode, readAll(t, resp))
			}
			var claims []ledger.Claim
			resp := e.do(t, "GET", "/api/claims?source="+url.QueryEscape(id), nil, nil)
			if err := json.Unmarshal(readAll(t, resp), &claims); err != nil || len(claims) != 1 {
				t.Fatalf("GET /api/claims?source=%s = %d claims (%v), want 1", id, len(claims), err)
			}
			if c := claims[0]; c.Summary != s || c.RelayedBy != s {
				t.Errorf("claim read back: summary %q, relayed_by %q, want %q for both", c.Summary, c.RelayedBy, s)
			}
			var sources []ledger.Source
			if err := json.Unmarshal(readAll(t, e.do(t, "GET", "/api/sources", nil, nil)), &sources); err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(sources, func(x ledger.Source) bool { return x.ID == id })
			if i < 0 || sources[i].Name != s || sources[i].Notes != s {
				t.Errorf("source %s read back = %+v, want name and notes %q", id, sources, s)
			}

			// As an id, the string is refused and nothing is stored.
			before := testdb.Snapshot(t, e.db)
			bad, _ := json.Marshal(map[string]string{"id": s, "name": "x", "kind": "test", "alignment": "independent"})
			if resp := e.do(t, "POST", "/api/sources", strings.NewReader(string(bad)), auth); resp.StatusCode != 422 {
				t.Errorf("POST /api/sources id %q = %d, want 422", s, resp.StatusCode)
			}
			bad, _ = json.Marshal(map[string]string{"settlement": s, "source": "isw", "holder": "ua", "degree": "presence",
				"valid_at": "2025-04-08", "published_at": "2025-04-09", "evidence": "analyst-assessment", "summary": "x"})
			if resp := e.do(t, "POST", "/api/claims", strings.NewReader(string(bad)), auth); resp.StatusCode != 422 {
				t.Errorf("POST /api/claims settlement %q = %d, want 422", s, resp.StatusCode)
			}
			if testdb.Snapshot(t, e.db) != before {
				t.Errorf("a refused write of %q changed the store", s)
			}

			// In query parameters and paths: an answer or a client error, never a server error.
			q := url.QueryEscape(s)
			for _, path := range []string{
				"/api/settlements?q=" + q, "/api/settlements?source=" + q, "/api/settlements?as_of=" + q,
				"/api/settlements?bbox=" + q, "/api/settlements/" + url.PathEscape(s), "/api/geocode?q=" + q,
				"/api/geocode?q=Popovka&context=" + q, "/api/claims?settlement=" + q, "/api/claims?since=" + q,
				"/api/diff?from=" + q + "&to=" + q, "/tiles/" + url.PathEscape(s) + "/0/0.mvt", "/tiles/0/0/0.mvt?source=" + q,
				"/ogc/collections/" + url.PathEscape(s) + "/items", "/ogc/collections/claims/items/" + url.PathEscape(s),
				"/ogc/collections/settlements/items?datetime=" + q, "/export/settlements.csv?source=" + q,
				"/static/" + url.PathEscape(s), "/?lang=" + q, "/embed?as_of=" + q,
			} {
				resp := e.do(t, "GET", path, nil, nil)
				if resp.StatusCode >= 500 {
					t.Errorf("GET %s = %d %s, want no 5xx", path, resp.StatusCode, readAll(t, resp))
				}
			}
		})
	}
	if got := schema(); got != schemaBefore {
		t.Errorf("schema changed:\n%s\nwant\n%s", got, schemaBefore)
	}
	all, err := e.db.Ledger().Claims(ctx, ledger.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if n := slices.IndexFunc(all, func(c ledger.Claim) bool { return strings.HasPrefix(c.SourceID, "inj-") }); n < 0 || len(all)-n != len(injections) {
		t.Errorf("ledger holds %d injection claims, want %d", len(all)-n, len(injections))
	}
}

// TestNoPathToTheFileSystem asks for files outside the embedded assets every way a path can be bent: none is served.
func TestNoPathToTheFileSystem(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/static/../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod", "/static/css/../../../go.mod",
		"/static//etc/passwd", "/static/..\\..\\go.mod", "/../../../etc/passwd", "/static/%252e%252e/go.mod",
		"/static/../web/server.go", "/static/./../../README.md", "/export/../go.mod", "/static/%00../go.mod",
	} {
		t.Run(path, func(t *testing.T) {
			req, err := http.NewRequest("GET", e.srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = path // sent as written, not cleaned by the client
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode == 200 || strings.Contains(string(body), "module github.com/tiled-maps") ||
				strings.Contains(string(body), "root:") || strings.Contains(string(body), "package web") {
				t.Errorf("GET %s = %d with %d bytes, want a 4xx that serves no file", path, resp.StatusCode, len(body))
			}
		})
	}
}

// TestSecurityHeaders: HTML pages carry a CSP with scripts from this server only (no inline script), nosniff and a
// referrer policy, and stay embeddable (frame-ancestors, no X-Frame-Options); every response carries nosniff.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/embed", "/table"} {
		t.Run(path, func(t *testing.T) {
			resp := e.do(t, "GET", path, nil, nil)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s = %d %s, want an HTML page", path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			csp := resp.Header.Get("Content-Security-Policy")
			var script string
			for d := range strings.SplitSeq(csp, ";") {
				if f := strings.Fields(d); len(f) > 0 && (f[0] == "script-src" || (f[0] == "default-src" && script == "")) {
					script = strings.TrimSpace(d)
				}
			}
			if !strings.HasPrefix(script, "script-src") || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") {
				t.Errorf("GET %s script policy = %q (CSP %q), want script-src without unsafe-inline or unsafe-eval", path, script, csp)
			}
			if !strings.Contains(csp, "frame-ancestors *") || resp.Header.Get("X-Frame-Options") != "" {
				t.Errorf("GET %s CSP %q, X-Frame-Options %q: want embeddable anywhere", path, csp, resp.Header.Get("X-Frame-Options"))
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
				t.Errorf("GET %s nosniff %q, Referrer-Policy %q", path, resp.Header.Get("X-Content-Type-Options"), resp.Header.Get("Referrer-Policy"))
			}
		})
	}
	for _, path := range []string{"/api/settlements", "/tiles/0/0/0.mvt", "/nope", "/ogc"} {
		if resp := e.do(t, "GET", path, nil, nil); resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s lacks nosniff", path)
		}
	}
}

// TestWriteBodyLimits: every write route refuses a body over atlas.MaxBodyBytes (reports: atlas.MaxReportBodyBytes) with 413, declared or streamed,
// and stores nothing.
func TestWriteBodyLimits(t *testing.T) {
	e := newEnv(t)
	before := testdb.Snapshot(t, e.db)
	for r := range writeBodies {
		method, path, _ := strings.Cut(r, " ")
		limit := atlas.MaxBodyBytes
		if path == "/api/reports" {
			limit = atlas.MaxReportBodyBytes // a report's text may be longer than any other write
		}
		big := `{"summary":"` + strings.Repeat("x", limit) + `"}`
		for _, streamed := range []bool{false, true} {
			t.Run(r+"/streamed="+strconv.FormatBool(streamed), func(t *testing.T) {
				var body io.Reader = strings.NewReader(big)
				if streamed {
					body = io.MultiReader(strings.NewReader(big)) // unknown length: sent chunked
				}
				resp := e.do(t, method, path, body, map[string]string{"Authorization": "Bearer " + e.token})
				if b := readAll(t, resp); resp.StatusCode != 413 {
					t.Errorf("%s with %d bytes = %d %s, want 413", r, len(big), resp.StatusCode, b)
				}
			})
		}
	}
	if testdb.Snapshot(t, e.db) != before {
		t.Error("an oversized write changed the store")
	}
}

// TestWriteRateLimits: a token over its rate and a client over its rate get 429 with Retry-After, store nothing,
// and may write again once the window has passed; other tokens are not affected.
func TestWriteRateLimits(t *testing.T) {
	clk := &clock{now: time.Date(2025, 4, 10, 12, 0, 0, 0, time.UTC)}
	e := newConfigEnv(t, web.Config{WriteRate: web.Rate{N: 2, Per: time.Minute}, WriteRateIP: web.Rate{N: 4, Per: time.Minute}, Now: clk.Now})
	other, _, err := auth.Service{Store: e.db.Tokens()}.Create(context.Background(), "other")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	post := func(token string) *http.Response {
		n++
		body := strings.Replace(writeBodies["POST /api/claims"], "Token test.", "Rate test "+strconv.Itoa(n)+".", 1)
		return e.do(t, "POST", "/api/claims", strings.NewReader(body), map[string]string{"Authorization": "Bearer " + token})
	}
	count := func() int {
		cs, err := e.db.Ledger().Claims(context.Background(), ledger.ClaimFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	start := count()
	steps := []struct {
		name     string
		token    string
		advance  time.Duration
		want     int
		wantWait string
	}{
		{"first", e.token, 0, 201, ""},
		{"second", e.token, 0, 201, ""},
		{"token over its rate", e.token, 0, 429, "30"},
		{"other token", other, 0, 201, ""},
		{"client over its rate", other, 0, 429, "15"},
		{"a window later", e.token, time.Minute, 201, ""},
	}
	stored := 0
	for _, s := range steps {
		clk.Add(s.advance)
		resp := post(s.token)
		body := readAll(t, resp)
		if resp.StatusCode != s.want || resp.Header.Get("Retry-After") != s.wantWait {
			t.Errorf("%s: POST = %d, Retry-After %q: %s; want %d, Retry-After %q", s.name, resp.StatusCode,
				resp.Header.Get("Retry-After"), body, s.want, s.wantWait)
		}
		if s.want == 429 && !strings.Contains(string(body), `"rate_limited"`) {
			t.Errorf("%s: body %s, want code rate_limited", s.name, body)
		}
		if s.want == 201 {
			stored++
		}
	}
	if got := count() - start; got != stored {
		t.Errorf("%d claims stored, want %d (none for a limited write)", got, stored)
	}
	// Reads are never limited.
	for range 10 {
		if resp := e.do(t, "GET", "/api/claims", nil, nil); resp.StatusCode != 200 {
			t.Fatalf("GET /api/claims after the limits = %d, want 200", resp.StatusCode)
		}
	}
}

// TestClientIPBehindProxies: forwarding headers choose the client's rate bucket only when the request comes from a
// trusted proxy; otherwise a client cannot escape its limit by inventing X-Forwarded-For.
func TestClientIPBehindProxies(t *testing.T) {
	tests := []struct {
		name    string
		trusted []netip.Prefix
		// xff are the X-Forwarded-For headers of two writes in a row from the test client (127.0.0.1), with a
		// client limit of one write per minute.
		xff        [2]string
		wantSecond int
	}{
		{"no proxy trusted: spoofed header ignored", nil, [2]string{"203.0.113.1", "203.0.113.2"}, 429},
		{"trusted proxy: distinct clients", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, [2]string{"203.0.113.1", "203.0.113.2"}, 401},
		{"trusted proxy: same client", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, [2]string{"203.0.113.1", "203.0.113.1"}, 429},
		{"trusted proxy: spoofed hop before the proxy", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, [2]string{"10.0.0.1, 203.0.113.1", "10.0.0.2, 203.0.113.1"}, 429},
		{"other proxy trusted: header ignored", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, [2]string{"203.0.113.1", "203.0.113.2"}, 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{now: fixedNow}
			e := newConfigEnv(t, web.Config{WriteRateIP: web.Rate{N: 1, Per: time.Minute}, TrustedProxies: tt.trusted, Now: clk.Now})
			var got [2]int
			for i, xff := range tt.xff {
				resp := e.do(t, "POST", "/api/sources", strings.NewReader(`{}`), map[string]string{"X-Forwarded-For": xff})
				got[i] = resp.StatusCode
			}
			if got[0] != 401 || got[1] != tt.wantSecond {
				t.Errorf("writes with X-Forwarded-For %q = %v, want [401 %d]", tt.xff, got, tt.wantSecond)
			}
		})
	}
}
