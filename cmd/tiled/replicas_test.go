package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/internal/pgtest"
)

// startServe runs "tiled serve" in-process on a free port until the test ends and returns its base URL and log.
func startServe(t *testing.T, args ...string) (string, *lockedBuffer) {
	t.Helper()
	url, logs, _ := startServeOut(t, args...)
	return url, logs
}

// startServeOut is startServe that also returns what serve printed on its standard output.
func startServeOut(t *testing.T, args ...string) (string, *lockedBuffer, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log", "text"}, args...),
			strings.NewReader(""), &out, &logs, func(string) string { return "" })
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	re := regexp.MustCompile(`on (http://[0-9.:]+) `)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], &logs, &out
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s", logs.String())
	return "", nil, nil
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, %v: %s", url, resp.StatusCode, err, b)
	}
	return b
}

type readyReport struct {
	Status, Store, Notifications string
	DataVersion                  int64 `json:"data_version"`
}

func ready(t *testing.T, base string) readyReport {
	t.Helper()
	var r readyReport
	if err := json.Unmarshal(get(t, base+"/ready"), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReplicas runs two servers on one PostgreSQL database, both started at once on the empty database (one seeds
// it), writes a claim through A and checks that B serves the changed tile within a second, its data version never
// going backwards.
func TestReplicas(t *testing.T) {
	dsn := cluster.Database(t)
	var a, b string
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		a, _ = startServe(t, "--db", dsn, "--write-rate", "off", "--write-rate-ip", "off")
	}()
	go func() {
		defer wg.Done()
		b, _ = startServe(t, "--db", dsn, "--write-rate", "off", "--write-rate-ip", "off")
	}()
	wg.Wait()
	if a == "" || b == "" {
		t.FailNow()
	}
	secret, errs, err := tiled(t, "token", "create", "--db", dsn, "replica-test")
	if err != nil {
		t.Fatalf("token create: %v %s", err, errs)
	}
	rb := ready(t, b)
	if rb.Status != "ready" || rb.Store != "postgres" || rb.DataVersion < 2 {
		t.Errorf("B /ready = %+v, want ready on postgres with the seed's data version", rb)
	}
	deadline := time.Now().Add(5 * time.Second)
	for ready(t, b).Notifications != "connected" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	out, _, err := tiled(t, "place", "--db", dsn, "--json", "ru-bel-demidovka")
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Lat, Lon float64 }
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Lat == 0 {
		t.Fatalf("place: %v %q", err, out)
	}
	tile := maptile.At(orb.Point{p.Lon, p.Lat}, 10)
	path := fmt.Sprintf("/tiles/%d/%d/%d.mvt?as_of=2025-04-03", tile.Z, tile.X, tile.Y)
	far := maptile.At(orb.Point{30.5, 50.45}, 10) // Kyiv: not affected
	farPath := fmt.Sprintf("/tiles/%d/%d/%d.mvt?as_of=2025-04-03", far.Z, far.X, far.Y)
	beforeB, farB := get(t, b+path), get(t, b+farPath)
	if !bytes.Equal(get(t, a+path), beforeB) {
		t.Fatal("A and B serve different tiles before any write")
	}
	writes := 5
	if n, err := strconv.Atoi(os.Getenv("TILED_REPLICA_WRITES")); err == nil && n > 0 {
		writes = n // BENCHMARKS.md: TILED_REPLICA_WRITES=200 for the p99
	}
	var lat []time.Duration
	for i := range writes {
		claim := fmt.Sprintf(`{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-01","published_at":"2025-04-02","evidence":"analyst-assessment","summary":"Replica test %d."}`, i)
		if i%2 == 1 {
			claim = strings.Replace(claim, `"holder":"ua"`, `"holder":"ru"`, 1)
		}
		req, _ := http.NewRequest(http.MethodPost, a+"/api/claims", strings.NewReader(claim))
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(secret))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /api/claims on A = %d: %s", resp.StatusCode, body)
		}
		written := time.Now()
		wantA := get(t, a+path)
		var seen time.Duration
		for seen == 0 && time.Since(written) < 3*time.Second {
			if bytes.Equal(get(t, b+path), wantA) {
				seen = time.Since(written)
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if seen == 0 {
			t.Fatalf("write %d: B did not serve A's tile within 3 s", i)
		}
		lat = append(lat, seen)
		if i == 0 && bytes.Equal(wantA, beforeB) {
			t.Error("the claim did not change the tile: the test shows nothing")
		}
		if v := ready(t, b).DataVersion; v < rb.DataVersion {
			t.Errorf("B's data version went back from %d to %d", rb.DataVersion, v)
		} else {
			rb.DataVersion = v
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if lat[len(lat)-1] > time.Second {
		t.Errorf("claim on A to changed tile on B: %v, want all under 1 s", lat)
	}
	t.Logf("claim on A to changed tile on B over %d writes: min %v, median %v, p99 %v, max %v", len(lat), lat[0],
		lat[len(lat)/2], lat[(len(lat)*99+99)/100-1], lat[len(lat)-1])
	// Exactly the affected tiles: B still serves the far tile from its cache (no new miss), unchanged.
	misses := metric(t, b)
	if !bytes.Equal(get(t, b+farPath), farB) {
		t.Error("the content of a tile far from the write changed on B")
	}
	if after := metric(t, b); after != misses {
		t.Errorf("the far tile was rebuilt on B after writes elsewhere (%s, then %s): more than the affected tiles dropped", misses, after)
	}
}

// TestServeWaitsForDatabase starts serve against a PostgreSQL address where nothing listens: it must keep
// retrying with backoff, logging each attempt, rather than exit (a crash loop under a supervisor).
func TestServeWaitsForDatabase(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	var logs lockedBuffer
	err = run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log", "text", "--db", "postgres://tiled:secret@" + addr + "/tiled?sslmode=disable&connect_timeout=1"},
		strings.NewReader(""), io.Discard, &logs, func(string) string { return "" })
	if ctx.Err() == nil {
		t.Fatalf("serve returned %v before its context ended, want it to wait for the database", err)
	}
	text := logs.String()
	if n := strings.Count(text, "the database does not answer; retrying"); n < 2 {
		t.Errorf("%d retries logged in 2.5 s, want >= 2 (1 s, then 2 s backoff):\n%s", n, text)
	}
	if strings.Contains(text, "secret") {
		t.Errorf("the log shows the database password:\n%s", text)
	}
}

// TestServeSurvivesDatabaseLoss kills the PostgreSQL server under a running "tiled serve" and brings it back: while
// it is gone /ready answers 503 and says nothing of it to clients, the server keeps running, and afterwards it is
// ready again with its notifications reconnected and writes through another server reaching it.
func TestServeSurvivesDatabaseLoss(t *testing.T) {
	ctx := context.Background()
	c, err := pgtest.Start(ctx)
	if err != nil {
		if errors.Is(err, pgtest.ErrUnavailable) && os.Getenv("CI") == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	defer c.Stop()
	dsn := c.Database(t)
	base, logs := startServe(t, "--db", dsn, "--write-rate", "off", "--write-rate-ip", "off")
	if r := ready(t, base); r.Notifications != "connected" {
		time.Sleep(500 * time.Millisecond)
	}
	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var code int
	var body []byte
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/ready")
		if err != nil {
			t.Fatalf("the server stopped answering when the database went away: %v", err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if code = resp.StatusCode; code == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != http.StatusServiceUnavailable || strings.Contains(string(body), "127.0.0.1") {
		t.Errorf("/ready with the database gone = %d %s; want 503 without internal details", code, body)
	}
	if err := c.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	for time.Now().Before(deadline.Add(20 * time.Second)) {
		resp, err := http.Get(base + "/ready")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && strings.Contains(string(b), `"notifications":"connected"`) {
			if !strings.Contains(logs.String(), "postgres listener: connection lost; retrying") {
				t.Errorf("the lost connection was not logged:\n%s", logs.String())
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("not ready with notifications connected 20 s after the database came back:\n%s", logs.String())
}
