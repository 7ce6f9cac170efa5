package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// startNginx renders deploy/nginx.conf in front of the given tiled base URLs and runs nginx until the test ends;
// it returns nginx's base URL.
func startNginx(t *testing.T, upstreams ...string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx not installed (Debian: nginx); CI installs it")
		}
		bin = "/usr/sbin/nginx"
	}
	tmpl, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "tiled-nginx-") // not t.TempDir: nginx's workers (nobody, under root) must reach it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cache := filepath.Join(dir, "cache")
	for _, d := range []string{dir, cache} {
		if err := os.MkdirAll(d, 0o777); err != nil {
			t.Fatal(err)
		}
		os.Chmod(d, 0o777) //nolint:errcheck // MkdirAll's mode is masked by umask
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var ups strings.Builder
	for _, u := range upstreams {
		fmt.Fprintf(&ups, "server %s;\n        ", strings.TrimPrefix(u, "http://"))
	}
	conf := strings.NewReplacer("@LISTEN@", addr, "@UPSTREAMS@", ups.String(), "@CACHE@", cache, "@RUN@", dir).Replace(string(tmpl))
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", path)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) //nolint:errcheck // the wait reports
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill() //nolint:errcheck // best effort
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx exited: %v\n%s%s", err, out.String(), log)
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("nginx did not listen within 10 s")
	return ""
}

func fetch(t *testing.T, method, url string, body string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestNginxInFront runs deploy/nginx.conf in front of two tiled replicas on one PostgreSQL database: versioned
// tiles are cached for a year and served from the cache, unversioned ones as tiled's headers say, writes pass
// through uncached, requests reach both replicas, and after a write the new versioned URL is fetched fresh.
func TestNginxInFront(t *testing.T) {
	dsn := cluster.Database(t)
	a, _ := startServe(t, "--db", dsn, "--write-rate", "off")
	b, _ := startServe(t, "--db", dsn, "--write-rate", "off", "--seed=false")
	proxy := startNginx(t, a, b)
	secret, errs, err := tiled(t, "token", "create", "--db", dsn, "nginx-test")
	if err != nil {
		t.Fatalf("token create: %v %s", err, errs)
	}
	v := ready(t, a).DataVersion
	tile := func(q string) string { return proxy + demidovkaTile(t, dsn) + "?" + q }
	versioned := tile(fmt.Sprintf("as_of=2025-04-03&v=%d", v))
	r1, body1 := fetch(t, http.MethodGet, versioned, "", nil)
	r2, body2 := fetch(t, http.MethodGet, versioned, "", nil)
	if r1.StatusCode != 200 || r1.Header.Get("X-Cache-Status") != "MISS" || r2.Header.Get("X-Cache-Status") != "HIT" ||
		string(body1) != string(body2) {
		t.Errorf("versioned tile: %d %s then %s; want 200 MISS then HIT with the same bytes", r1.StatusCode,
			r1.Header.Get("X-Cache-Status"), r2.Header.Get("X-Cache-Status"))
	}
	if cc := r2.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("versioned tile Cache-Control = %q, want a year, immutable", cc)
	}
	u1, _ := fetch(t, http.MethodGet, tile("as_of=2025-04-03"), "", nil)
	if cc := u1.Header.Get("Cache-Control"); cc != "public, max-age=60" {
		t.Errorf("unversioned tile Cache-Control = %q, want tiled's 60 s", cc)
	}
	// Writes pass through (POST is never cached) and a bearer token bypasses the cache.
	claim := `{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-01","published_at":"2025-04-02","evidence":"analyst-assessment","summary":"Through nginx."}`
	auth := map[string]string{"Authorization": "Bearer " + strings.TrimSpace(secret), "Content-Type": "application/json"}
	w, wb := fetch(t, http.MethodPost, proxy+"/api/claims", claim, auth)
	if w.StatusCode != http.StatusCreated || w.Header.Get("X-Cache-Status") != "" {
		t.Fatalf("POST /api/claims through nginx = %d (cache %q): %s", w.StatusCode, w.Header.Get("X-Cache-Status"), wb)
	}
	if r, _ := fetch(t, http.MethodGet, versioned, "", map[string]string{"Authorization": "Bearer x"}); r.Header.Get("X-Cache-Status") != "BYPASS" {
		t.Errorf("a request with a bearer token: cache %q, want BYPASS", r.Header.Get("X-Cache-Status"))
	}
	// The new data version gives a new URL, fetched fresh from a replica that has the write.
	var v2 int64
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if v2 = ready(t, b).DataVersion; v2 > v {
			break
		}
	}
	if v2 <= v {
		t.Fatalf("replica B still at data version %d a second after the write", v2)
	}
	fresh := tile(fmt.Sprintf("as_of=2025-04-03&v=%d", v2))
	r3, body3 := fetch(t, http.MethodGet, fresh, "", nil)
	if r3.Header.Get("X-Cache-Status") != "MISS" || string(body3) == string(body1) {
		t.Errorf("tile at the new version: cache %q, changed %v; want a MISS with the claim in it", r3.Header.Get("X-Cache-Status"), string(body3) != string(body1))
	}
	// Requests are spread over both replicas: each replica's own request count grows.
	before := [2]string{metric(t, a), metric(t, b)}
	for i := range 20 {
		fetch(t, http.MethodGet, tile(fmt.Sprintf("as_of=2025-04-%02d", 1+i)), "", nil)
	}
	if after := [2]string{metric(t, a), metric(t, b)}; after[0] == before[0] || after[1] == before[1] {
		t.Errorf("requests did not reach both replicas: counters %v then %v", before, after)
	}
}

// metric returns the tile cache miss counter line of a replica's /metrics.
func metric(t *testing.T, base string) string {
	t.Helper()
	_, b := fetch(t, http.MethodGet, base+"/metrics", "", nil)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "tiled_tile_cache_misses_total ") {
			return line
		}
	}
	t.Fatalf("no tiled_tile_cache_misses_total in %s/metrics", base)
	return ""
}

// demidovkaTile returns the path of the z10 tile holding Demidovka, where the tests write claims.
func demidovkaTile(t *testing.T, dsn string) string {
	t.Helper()
	out, _, err := tiled(t, "place", "--db", dsn, "--json", "ru-bel-demidovka")
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Lat, Lon float64 }
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Lat == 0 {
		t.Fatalf("place: %v %q", err, out)
	}
	tl := maptile.At(orb.Point{p.Lon, p.Lat}, 10)
	return fmt.Sprintf("/tiles/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y)
}

// TestReplicaThroughput (TILED_REPLICA_BENCH=1; BENCHMARKS.md) measures requests/s through deploy/nginx.conf to one
// replica and to two on one PostgreSQL database, the cache bypassed (a bearer header) so that every request
// reaches a replica: wrk, 64 connections, 5 s, three runs alternating.
func TestReplicaThroughput(t *testing.T) {
	if os.Getenv("TILED_REPLICA_BENCH") == "" {
		t.Skip("set TILED_REPLICA_BENCH=1 to measure")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		t.Skip("wrk not installed")
	}
	dsn := cluster.Database(t)
	a, _ := startServe(t, "--db", dsn, "--log", "json")
	b, _ := startServe(t, "--db", dsn, "--seed=false", "--log", "json")
	one, two := startNginx(t, a), startNginx(t, a, b)
	path := demidovkaTile(t, dsn) + "?as_of=2025-04-03"
	fetch(t, http.MethodGet, a+path, "", nil)
	fetch(t, http.MethodGet, b+path, "", nil)
	rps := map[string][]float64{}
	for run := range 3 {
		order := []string{"one", "two"}
		if run%2 == 1 {
			order = []string{"two", "one"}
		}
		for _, name := range order {
			base := map[string]string{"one": one, "two": two}[name]
			out, err := exec.Command(wrk, "-t2", "-c64", "-d5s", "-H", "Authorization: Bearer bench", base+path).CombinedOutput()
			if err != nil {
				t.Fatalf("wrk: %v\n%s", err, out)
			}
			var v float64
			for _, line := range strings.Split(string(out), "\n") {
				if f := strings.Fields(line); len(f) == 2 && f[0] == "Requests/sec:" {
					fmt.Sscan(f[1], &v)
				}
			}
			rps[name] = append(rps[name], v)
		}
	}
	t.Logf("requests/s through nginx, cache bypassed, 64 connections: one replica %v, two replicas %v", rps["one"], rps["two"])
}
