package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/web"
)

// TestIdleConnectionsCannotLockOut opens ten times more idle connections than the server allows — a third that never
// send a byte, a third that never finish their headers, a third keep-alive connections left idle after a request —
// all from the fresh client's own address, and then a fresh client must still be served at once. (Before, 20,000 idle keep-alive connections made the server
// unreachable for two minutes.)
func TestIdleConnectionsCannotLockOut(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 2,000 connections")
	}
	maxConns, perIP, idle := 200, 100, 2000
	if lim := openFileLimit(); lim > 0 && lim < 2*idle+500 {
		// Both ends of every connection are in this process: fit the open-file limit, keeping the ratio.
		idle = (lim - 500) / 2
		maxConns, perIP = idle/10, idle/20
		if maxConns < 20 {
			t.Skipf("open-file limit %d too low for the test", lim)
		}
	}
	db := testdb.Open(t)
	if _, err := seed.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{}, atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	s := web.New(web.Config{Addr: "127.0.0.1:0", MaxConns: maxConns, MaxConnsPerIP: perIP, BasemapTiles: "none"}, a,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, func(addr string) { addrc <- addr }) }()
	t.Cleanup(func() { cancel(); <-done })
	addr := <-addrc

	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := range idle {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		conns = append(conns, c)
		switch i % 3 {
		case 1:
			continue // never sends a byte
		case 2:
			fmt.Fprintf(c, "GET /health HTTP/1.1\r\nHost: %s\r\n", addr) // headers never finished
			continue
		}
		fmt.Fprintf(c, "GET /health HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			// Pushed out before it was served: a new connection behind it took its place. That is the design.
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// A fresh client, on new connections, is served at once.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	for i := range 5 {
		start := time.Now()
		resp, err := client.Get("http://" + addr + "/api/sources")
		if err != nil {
			t.Fatalf("fresh client request %d after %d idle connections: %v", i, idle, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("fresh client request %d = %d, want 200", i, resp.StatusCode)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("fresh client request %d took %v", i, d)
		}
	}
	resp, err := client.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	open, evicted := metric(t, string(body), "tiled_http_connections"), metric(t, string(body), "tiled_http_connections_evicted_total")
	if open > maxConns {
		t.Errorf("tiled_http_connections = %d, want ≤ %d", open, maxConns)
	}
	if evicted < idle-maxConns {
		t.Errorf("tiled_http_connections_evicted_total = %d, want ≥ %d", evicted, idle-maxConns)
	}
	// The oldest idle connections were closed by the server.
	closed := 0
	for _, c := range conns[:perIP] {
		c.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF || isReset(err) {
			closed++
		}
	}
	if closed < perIP {
		t.Errorf("%d of the %d oldest idle connections were closed, want all", closed, perIP)
	}
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "reset") }

// metric reads an unlabelled sample from a Prometheus text exposition.
func metric(t *testing.T, body, name string) int {
	t.Helper()
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s = %q", name, v)
			}
			return n
		}
	}
	t.Fatalf("no %s in /metrics", name)
	return 0
}

// TestExpensiveReadsLimited: whole exports and pages over 1000 features count against a client's read rate (429
// with Retry-After past it, until the window passes); ranges of an export, small pages and tiles never do, and each
// client behind a trusted proxy has its own budget.
func TestExpensiveReadsLimited(t *testing.T) {
	clk := &clock{now: fixedNow}
	e := newConfigEnv(t, web.Config{ReadRateIP: web.Rate{N: 2, Per: time.Minute}, Now: clk.Now,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	get := func(path string, hdr map[string]string) int {
		resp := e.do(t, "GET", path, nil, hdr)
		readAll(t, resp)
		if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
			t.Errorf("GET %s = 429 without Retry-After", path)
		}
		return resp.StatusCode
	}
	client := map[string]string{"X-Forwarded-For": "198.51.100.20"}
	for i, want := range []int{200, 200, 429} {
		if got := get("/export/settlements.csv", client); got != want {
			t.Errorf("export %d = %d, want %d", i+1, got, want)
		}
	}
	if got := get("/ogc/collections/settlements/items?limit=2000", client); got != 429 {
		t.Errorf("a page of 2000 over the budget = %d, want 429", got)
	}
	for i := range 10 {
		if got := get("/ogc/collections/settlements/items?limit=10", client); got != 200 {
			t.Fatalf("small page %d = %d, want 200 (never limited)", i, got)
		}
		if got := get("/export/settlements.csv", map[string]string{"X-Forwarded-For": "198.51.100.20", "Range": "bytes=0-99"}); got != 206 && got != 200 {
			t.Fatalf("a range of the export %d = %d, want 206 (never limited)", i, got)
		}
	}
	if got := get("/export/settlements.csv", map[string]string{"X-Forwarded-For": "203.0.113.5"}); got != 200 {
		t.Errorf("another client behind the proxy = %d, want 200 (its own budget)", got)
	}
	clk.Add(time.Minute)
	if got := get("/export/settlements.csv", client); got != 200 {
		t.Errorf("export after the window = %d, want 200", got)
	}
}
