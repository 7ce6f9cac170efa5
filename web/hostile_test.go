package web_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/web"
)

// TestMetricsLabelsBounded sends thousands of requests with invented methods, paths and queries: /metrics keeps a
// bounded set of series (before, each new method was a series for good: 310 MB after 8,000 requests).
func TestMetricsLabelsBounded(t *testing.T) {
	e := newEnv(t)
	send := func(method, path string) {
		c, err := net.Dial("tcp", e.srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", method, path)
		_, _ = bufio.NewReader(c).ReadString('\n')
	}
	series := func() int {
		resp := e.do(t, "GET", "/metrics", nil, nil)
		n := 0
		for _, line := range strings.Split(string(readAll(t, resp)), "\n") {
			if strings.HasPrefix(line, "tiled_http_requests_total{") || strings.HasPrefix(line, "tiled_http_request_duration_seconds_count{") {
				n++
			}
		}
		return n
	}
	send("GET", "/health")
	base := series()
	for i := range 600 {
		send(fmt.Sprintf("M%dX", i), "/health")
		send("GET", fmt.Sprintf("/nowhere/%d", i))
		send("BREW", fmt.Sprintf("/tiles/%d/0/0.mvt?q%d=1", i, i))
		send("get", fmt.Sprintf("/static/%d.js", i))
	}
	got := series()
	if got > base+20 {
		t.Errorf("/metrics has %d request series after 2,400 odd requests, %d before: labels are not bounded", got, base)
	}
	resp := e.do(t, "GET", "/metrics", nil, nil)
	body := string(readAll(t, resp))
	for _, bad := range []string{`method="M1X"`, `method="BREW"`, `method="get"`, `route="/nowhere/1"`} {
		if strings.Contains(body, bad) {
			t.Errorf("/metrics holds %s", bad)
		}
	}
	if !strings.Contains(body, `method="other"`) {
		t.Errorf("/metrics does not count invented methods as method=\"other\"")
	}
}

// TestQuerySemicolon: a ';' or a bad %-escape in a query string is a 400, never a parameter silently dropped
// (before, as_of=2024-09-01; answered for today).
func TestQuerySemicolon(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/api/settlements?as_of=2024-09-01;",
		"/api/settlements?as_of=2024-09-01;source=isw",
		"/tiles/6/38/21.mvt?as_of=2024-09-01;",
		"/api/claims?settlement=ru-bel-demidovka;x=1",
		"/ogc/collections/settlements/items?limit=5;",
		"/?as_of=2024-09-01;",
		"/api/settlements?as_of=%zz",
	} {
		resp := e.do(t, "GET", path, nil, nil)
		var eb web.ErrorBody
		if body := readAll(t, resp); resp.StatusCode != 400 || json.Unmarshal(body, &eb) != nil || eb.Code != "bad_request" {
			t.Errorf("GET %s = %d %s, want 400 bad_request", path, resp.StatusCode, body)
		}
	}
	for _, path := range []string{"/api/settlements?as_of=2024-09-01", "/api/claims?settlement=ru-bel-demidovka%3B"} {
		resp := e.do(t, "GET", path, nil, nil)
		if body := string(readAll(t, resp)); resp.StatusCode >= 500 || strings.Contains(body, "query string") {
			t.Errorf("GET %s = %d %s, want an answer (an escaped ';' is a character, not a separator)", path, resp.StatusCode, body)
		}
	}
}

// TestCrossOriginWrites: a browser write from another origin is refused whatever token it carries, and gets no
// CORS headers; same-origin and non-browser writes pass; reads stay open to every origin.
func TestCrossOriginWrites(t *testing.T) {
	e := newEnv(t)
	before := testdb.Snapshot(t, e.db)
	tok := "Bearer " + e.token
	for _, tc := range []struct {
		name string
		hdr  map[string]string
	}{
		{"origin elsewhere", map[string]string{"Origin": "https://evil.example"}},
		{"origin elsewhere, same host name other port", map[string]string{"Origin": "http://127.0.0.1:1"}},
		{"fetch metadata cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"fetch metadata same-site", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://sub.example"}},
		{"origin null", map[string]string{"Origin": "null"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for route, body := range writeBodies {
				method, path, _ := strings.Cut(route, " ")
				hdr := map[string]string{"Authorization": tok}
				for k, v := range tc.hdr {
					hdr[k] = v
				}
				resp := e.do(t, method, path, strings.NewReader(body), hdr)
				b := readAll(t, resp)
				var eb web.ErrorBody
				if resp.StatusCode != 403 || json.Unmarshal(b, &eb) != nil || eb.Code != "cross_origin" {
					t.Errorf("%s %s = %d %s, want 403 cross_origin", route, tc.name, resp.StatusCode, b)
				}
				if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
					t.Errorf("%s %s: Access-Control-Allow-Origin %q on a write", route, tc.name, v)
				}
			}
		})
	}
	if after := testdb.Snapshot(t, e.db); after != before {
		t.Fatal("a cross-origin write changed the store")
	}
	// The preflight a browser sends before a cross-origin POST with a token does not allow it.
	resp := e.do(t, "OPTIONS", "/api/claims", nil, map[string]string{"Origin": "https://evil.example",
		"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"})
	if m := resp.Header.Get("Access-Control-Allow-Methods"); strings.Contains(m, "POST") {
		t.Errorf("preflight for a cross-origin POST allows methods %q", m)
	}
	// Same origin (the page itself) and no browser headers at all (curl) write.
	u := e.srv.URL
	for i, hdr := range []map[string]string{
		{"Origin": u, "Sec-Fetch-Site": "same-origin"},
		{"Origin": u},
		{},
	} {
		hdr["Authorization"] = tok
		body := strings.Replace(writeBodies["POST /api/sources"], "token-test", fmt.Sprintf("origin-test-%d", i), 1)
		if resp := e.do(t, "POST", "/api/sources", strings.NewReader(body), hdr); resp.StatusCode != 201 {
			t.Errorf("same-origin POST with %v = %d %s, want 201", hdr, resp.StatusCode, readAll(t, resp))
		}
	}
	// Reads stay open.
	resp = e.do(t, "GET", "/api/sources", nil, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("cross-origin GET = %d, Access-Control-Allow-Origin %q; want 200, *", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

// TestJSONBodies: every write route refuses what the strict decoder refuses (400), a body that is not declared
// JSON (415), and the ledger's limits (422); nothing is stored.
func TestJSONBodies(t *testing.T) {
	e := newEnv(t)
	before := testdb.Snapshot(t, e.db)
	claim := writeBodies["POST /api/claims"]
	source := writeBodies["POST /api/sources"]
	type tc struct {
		name, route, body, ctype string
		status                   int
		want                     string
	}
	cases := []tc{
		{"invalid UTF-8", "POST /api/claims", strings.Replace(claim, "Token test.", "caf\xe9", 1), "", 400, "UTF-8"},
		{"lone surrogate", "POST /api/claims", strings.Replace(claim, "Token test.", `\ud800`, 1), "", 400, "surrogate"},
		{"lone low surrogate in a name", "POST /api/sources", strings.Replace(source, "Token test", `x\udc00`, 1), "", 400, "surrogate"},
		{"duplicate key", "POST /api/claims", strings.Replace(claim, `"holder":"ua"`, `"holder":"ua","holder":"ru"`, 1), "", 400, "twice"},
		{"duplicate key, source", "POST /api/sources", strings.Replace(source, `"id":"token-test"`, `"id":"token-test","id":"isw"`, 1), "", 400, "twice"},
		{"form content type", "POST /api/claims", claim, "application/x-www-form-urlencoded", 415, "application/json"},
		{"text/plain", "POST /api/sources", source, "text/plain", 415, "application/json"},
		{"no content type", "POST /api/claims", claim, "-", 415, "Content-Type"},
		{"latin1 charset", "POST /api/claims", claim, "application/json; charset=iso-8859-1", 415, "charset"},
		{"date before 1900", "POST /api/claims", strings.NewReplacer(`"2025-04-08"`, `"1899-12-31"`, `"2025-04-09"`, `"1900-01-02"`).Replace(claim), "", 422, "valid_at"},
		{"year 0024", "POST /api/claims", strings.NewReplacer(`"2025-04-08"`, `"0024-09-01"`).Replace(claim), "", 422, "valid_at"},
		{"long settlement id", "POST /api/claims", strings.Replace(claim, "ru-bel-demidovka", strings.Repeat("a", 65), 1), "", 422, "settlement"},
		{"long summary", "POST /api/claims", strings.Replace(claim, "Token test.", strings.Repeat("ж", 1001), 1), "", 422, "summary"},
		{"long relayed_by", "POST /api/claims", strings.Replace(claim, `"summary"`, `"relayed_by":"`+strings.Repeat("r", 2001)+`","summary"`, 1), "", 422, "relayed_by"},
		{"source called consensus", "POST /api/sources", strings.Replace(source, "token-test", "consensus", 1), "", 422, "reserved"},
		{"source named Consensus", "POST /api/sources", strings.Replace(source, "Token test", "Consensus", 1), "", 422, "reserved"},
		{"long source id", "POST /api/sources", strings.Replace(source, "token-test", strings.Repeat("a", 65), 1), "", 422, "id"},
		{"long source name", "POST /api/sources", strings.Replace(source, "Token test", strings.Repeat("n", 201), 1), "", 422, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, path, _ := strings.Cut(c.route, " ")
			hdr := map[string]string{"Authorization": "Bearer " + e.token}
			switch c.ctype {
			case "":
			case "-":
				hdr["Content-Type"] = ""
			default:
				hdr["Content-Type"] = c.ctype
			}
			resp := e.do(t, method, path, strings.NewReader(c.body), hdr)
			b := readAll(t, resp)
			var eb web.ErrorBody
			if resp.StatusCode != c.status || json.Unmarshal(b, &eb) != nil || !strings.Contains(eb.Description, c.want) {
				t.Errorf("%s = %d %s, want %d naming %q", c.name, resp.StatusCode, b, c.status, c.want)
			}
		})
	}
	if after := testdb.Snapshot(t, e.db); after != before {
		t.Fatal("a refused body changed the store")
	}
}

// TestHostHeaderNotInLinks: without a public URL, a Host header that does not name this server never reaches the
// documents caches keep (TileJSON, style, OGC, oEmbed); nor does an X-Forwarded-Proto from an untrusted client. A
// loopback name is kept, and a configured public URL always wins.
func TestHostHeaderNotInLinks(t *testing.T) {
	e := newEnv(t)
	pub := newConfigEnv(t, web.Config{PublicURL: "https://maps.example.org/"})
	_, port, _ := net.SplitHostPort(e.srv.Listener.Addr().String())
	get := func(srvURL, path, host string, hdr map[string]string) (int, string) {
		req, err := http.NewRequest("GET", srvURL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	local := e.srv.URL // http://127.0.0.1:PORT: the connection's local address
	oembed := "/oembed?format=json&url=" + url.QueryEscape(local+"/?as_of=2025-03-20")
	for _, path := range []string{"/tiles.json", "/style.json", "/ogc", "/ogc/collections", oembed} {
		for _, tc := range []struct {
			name, host string
			hdr        map[string]string
			want       string
		}{
			{"foreign host", "evil.example", nil, local},
			{"foreign host with port", "evil.example:" + port, nil, local},
			{"foreign IP", "203.0.113.9:" + port, nil, local},
			{"markup in host", `x"><script>`, nil, local},
			{"forwarded proto from a client", "127.0.0.1:" + port, map[string]string{"X-Forwarded-Proto": "javascript", "X-Forwarded-Host": "evil.example"}, local},
			{"loopback address", "127.0.0.1:" + port, nil, local},
		} {
			status, body := get(e.srv.URL, path, tc.host, tc.hdr)
			if status == 400 && tc.name == "markup in host" {
				continue // Go's server refuses the header itself
			}
			if status != 200 || strings.Contains(body, "evil") || strings.Contains(body, "203.0.113.9") || strings.Contains(body, "javascript") || !strings.Contains(body, strings.ReplaceAll(tc.want, "/", `\/`)) && !strings.Contains(body, tc.want) {
				t.Errorf("GET %s with Host %q (%s) = %d, want 200 linking %s only:\n%.300s", path, tc.host, tc.name, status, tc.want, body)
			}
		}
	}
	if status, body := get(e.srv.URL, "/tiles.json", "localhost:"+port, nil); status != 200 || !strings.Contains(body, "http://localhost:"+port+"/tiles/") {
		t.Errorf("GET /tiles.json with Host localhost:%s = %d, want links on localhost:\n%.300s", port, status, body)
	}
	if status, body := get(pub.srv.URL, "/tiles.json", "evil.example", nil); status != 200 || !strings.Contains(body, "https://maps.example.org/tiles/") || strings.Contains(body, "evil") {
		t.Errorf("GET /tiles.json with a public URL = %d, want links on it:\n%.300s", status, body)
	}
}

// TestEveryWriteRouteIsStrictJSON: every token write route (writeBodies, which the route test keeps complete)
// refuses a body not declared JSON (415) and a body that names a member twice (400), whatever else it checks.
func TestEveryWriteRouteIsStrictJSON(t *testing.T) {
	e := newEnv(t)
	before := testdb.Snapshot(t, e.db)
	for route, body := range writeBodies {
		method, path, _ := strings.Cut(route, " ")
		dup := strings.Replace(body, "{", `{"x":1,"x":1,`, 1)
		for _, tc := range []struct {
			name, ctype, body string
			status            int
		}{
			{"text/plain", "text/plain", body, 415},
			{"form", "application/x-www-form-urlencoded", body, 415},
			{"repeated member", "application/json", dup, 400},
		} {
			resp := e.do(t, method, path, strings.NewReader(tc.body), map[string]string{"Authorization": "Bearer " + e.token, "Content-Type": tc.ctype})
			b := readAll(t, resp)
			if resp.StatusCode != tc.status {
				t.Errorf("%s with %s = %d %s, want %d", route, tc.name, resp.StatusCode, b, tc.status)
			}
		}
	}
	if after := testdb.Snapshot(t, e.db); after != before {
		t.Error("a refused body changed the store")
	}
}
