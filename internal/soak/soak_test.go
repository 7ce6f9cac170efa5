package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/web"
)

const (
	readers       = 64
	writeInterval = 50 * time.Millisecond
	soakSource    = "soak"
	checkAsOf     = "2025-12-31"
	// maxWritesInFlight bounds the writes waiting for an answer; a tick that finds them all busy is skipped (and
	// counted). On a busy 2-core machine a write may wait a second or two behind the 64 readers.
	maxWritesInFlight = 64
)

// stats gathers what the clients saw.
type stats struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	statuses  map[int]int
	errors    []string
}

func (s *stats) add(kind string, status int, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if len(s.errors) < 20 {
			s.errors = append(s.errors, kind+": "+err.Error())
		}
		s.statuses[-1]++
		return
	}
	s.statuses[status]++
	s.latencies[kind] = append(s.latencies[kind], d)
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

// memSample is the heap in use after a collection and the process's resident set, in MiB.
type memSample struct {
	at        time.Duration
	heap, rss float64
}

func sampleMem(start time.Time) memSample {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rss := 0.0
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				rss = kb / 1024
			}
		}
	}
	return memSample{at: time.Since(start).Round(time.Second), heap: float64(m.HeapInuse) / (1 << 20), rss: rss}
}

// TestSoak runs the soak: see the package comment. TILED_SOAK_DURATION sets its length (default 60s).
func TestSoak(t *testing.T) {
	if os.Getenv("TILED_SOAK") == "" {
		t.Skip("set TILED_SOAK=1 (make soak) to run the soak test")
	}
	duration := 60 * time.Second
	if s := os.Getenv("TILED_SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 || d > 30*time.Minute {
			t.Fatalf("TILED_SOAK_DURATION=%q: want a duration up to 30m", s)
		}
		duration = d
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The store: seed data, a source for the writer and a write token.
	db := testdb.Open(t)
	if _, err := seed.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{CacheBytes: 64 << 20, StaleDays: 36500},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	rec := ledger.Recorder{Store: db.Ledger(), Places: db.Gazetteer()}
	if err := rec.AddSource(ctx, ledger.Source{ID: soakSource, Name: "Soak test", Kind: "test", Alignment: ledger.AlignmentIndependent}); err != nil {
		t.Fatal(err)
	}
	secret, _, err := auth.Service{Store: db.Tokens()}.Create(ctx, "soak")
	if err != nil {
		t.Fatal(err)
	}
	places, err := db.Gazetteer().PlaceSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string // settlements the writer writes about
	tileOf := map[string]maptile.Tile{}
	var readTiles []maptile.Tile
	seenTile := map[maptile.Tile]bool{}
	for _, p := range places {
		if p.Point.Lat() < 50 || p.Point.Lat() > 52 || p.Point.Lon() < 34 || p.Point.Lon() > 37.5 {
			continue
		}
		if len(targets) < 20 {
			targets = append(targets, p.ID)
			tileOf[p.ID] = maptile.At(p.Point, 12)
		}
		for _, z := range []maptile.Zoom{6, 8, 10, 12} {
			if tl := maptile.At(p.Point, z); !seenTile[tl] {
				seenTile[tl] = true
				readTiles = append(readTiles, tl)
			}
		}
	}
	if len(targets) < 5 {
		t.Fatalf("only %d seed settlements in the soak region", len(targets))
	}

	// The server, on loopback only.
	srv := web.New(web.Config{Addr: "127.0.0.1:0", BasemapTiles: "none"}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- srv.Run(ctx, func(addr string) { addrc <- addr }) }()
	var base string
	select {
	case addr := <-addrc:
		base = "http://" + addr
	case err := <-served:
		t.Fatalf("server: %v", err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("server listens on %s, want loopback", base)
	}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: readers + 4, MaxConnsPerHost: readers + maxWritesInFlight + 4}}
	get := func(path string) (int, []byte, error) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}

	st := &stats{latencies: map[string][]time.Duration{}, statuses: map[int]int{}}
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup

	// Readers: tiles (consensus and per source, several dates) and GeoJSON (bbox, dates, OGC items).
	asOfs := []string{"", "2025-03-20", "2025-03-30", "2025-04-10", checkAsOf}
	sources := []string{"", "isw", "ru-mod", soakSource}
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 7))
			for time.Now().Before(deadline) {
				var kind, path string
				q := []string{}
				if d := asOfs[rng.IntN(len(asOfs))]; d != "" {
					q = append(q, "as_of="+d)
				}
				if s := sources[rng.IntN(len(sources))]; s != "" {
					q = append(q, "source="+s)
				}
				switch n := rng.IntN(10); {
				case n < 6:
					tl := readTiles[rng.IntN(len(readTiles))]
					kind, path = "tile", fmt.Sprintf("/tiles/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y)
				case n < 8:
					kind, path = "geojson", "/api/settlements"
					q = append(q, "bbox=34,50,37.5,52", "limit="+strconv.Itoa(10+rng.IntN(500)))
				case n < 9:
					kind, path, q = "ogc", "/ogc/collections/settlements/items", []string{"bbox=34,50,37.5,52", "limit=100"}
				default:
					kind, path, q = "claims", "/api/claims", []string{"settlement=" + targets[rng.IntN(len(targets))]}
				}
				if len(q) > 0 {
					path += "?" + strings.Join(q, "&")
				}
				t0 := time.Now()
				status, _, err := get(path)
				st.add(kind, status, time.Since(t0), err)
			}
		}()
	}

	// The writer: a claim every 50 ms (each sent in its own request, at most maxWritesInFlight at once), each about
	// one of the targets and dated a day after that target's previous one. A checker fetches the target's tile after each
	// accepted claim: it must show that claim's holder or the holder of a later-dated claim sent since.
	type sent struct {
		claim  ledger.Claim
		holder string
	}
	type check struct {
		target string
		round  int // the claim's day, counted from 2025-01-01
	}
	var (
		mu           sync.Mutex
		accepted     []sent
		holdersSent  = map[string][]string{} // holder of each claim sent about a target, by round
		writerErrors []string
		rejected     atomic.Int64
		skipped      atomic.Int64
		staleTiles   atomic.Int64
		tileChecks   atomic.Int64
	)
	checks := make(chan check, 4096)
	var checker sync.WaitGroup
	checker.Add(1)
	go func() {
		defer checker.Done()
		for ck := range checks {
			tl := tileOf[ck.target]
			t0 := time.Now()
			status, raw, err := get(fmt.Sprintf("/tiles/%d/%d/%d.mvt?source=%s&as_of=%s", tl.Z, tl.X, tl.Y, soakSource, checkAsOf))
			st.add("tile-check", status, time.Since(t0), err)
			tileChecks.Add(1)
			got := tileStatus(raw, ck.target)
			mu.Lock()
			ok := err == nil && status == 200 && slices.Contains(holdersSent[ck.target][ck.round:], got)
			mu.Unlock()
			if !ok {
				staleTiles.Add(1)
			}
		}
	}()
	write := func(n int) {
		target := targets[n%len(targets)]
		holder := []string{"ru", "ua", "contested"}[n%3]
		round := n / len(targets)
		day := ledger.MakeDate(2025, 1, 1).AddDays(round)
		summary := fmt.Sprintf("Soak claim %d.", n)
		body, _ := json.Marshal(map[string]string{"settlement": target, "source": soakSource, "holder": holder,
			"degree": "presence", "valid_at": day.String(), "published_at": day.String(), "evidence": "map-update",
			"summary": summary})
		req, _ := http.NewRequest("POST", base+"/api/claims", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			st.add("write", 0, 0, err)
			return
		}
		var c ledger.Claim
		err = json.NewDecoder(resp.Body).Decode(&c)
		resp.Body.Close()
		st.add("write", resp.StatusCode, time.Since(t0), nil)
		mu.Lock()
		defer mu.Unlock()
		if resp.StatusCode != http.StatusCreated || err != nil || c.Summary != summary {
			rejected.Add(1)
			if len(writerErrors) < 10 {
				writerErrors = append(writerErrors, fmt.Sprintf("claim %d: %d %v", n, resp.StatusCode, err))
			}
			return
		}
		accepted = append(accepted, sent{claim: c, holder: holder})
		select {
		case checks <- check{target: target, round: round}:
		default: // the checker is behind: this claim goes unchecked rather than slowing the writer
		}
	}
	var writes sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		inFlight := make(chan struct{}, maxWritesInFlight)
		// The n-th write is due at start + n×50 ms; a late one (the machine was busy) goes at once.
		for n := 0; ; n++ {
			due := start.Add(time.Duration(n) * writeInterval)
			if !due.Before(deadline) {
				break
			}
			time.Sleep(time.Until(due))
			// holdersSent[target][round] is the holder of the round's claim about target, "" when none was sent.
			target, holder := targets[n%len(targets)], ""
			select {
			case inFlight <- struct{}{}:
				holder = []string{"ru", "ua", "contested"}[n%3]
			default:
				skipped.Add(1)
			}
			mu.Lock()
			holdersSent[target] = append(holdersSent[target], holder)
			mu.Unlock()
			if holder == "" {
				continue
			}
			writes.Add(1)
			go func() {
				defer writes.Done()
				defer func() { <-inFlight }()
				write(n)
			}()
		}
		writes.Wait()
	}()

	// Memory, every tenth of the run.
	var mem []memSample
	mem = append(mem, sampleMem(start))
	for time.Now().Before(deadline) {
		time.Sleep(min(duration/10, time.Until(deadline)+time.Millisecond))
		mem = append(mem, sampleMem(start))
	}
	wg.Wait()
	close(checks)
	checker.Wait()
	cancel()
	if err := <-served; err != nil {
		t.Errorf("server: %v", err)
	}
	elapsed := time.Since(start)

	// Every accepted claim is in the ledger, as sent.
	stored, err := db.Ledger().Claims(context.Background(), ledger.ClaimFilter{Source: soakSource})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]ledger.Claim{}
	for _, c := range stored {
		byID[c.ID] = c
	}
	lost := 0
	for _, s := range accepted {
		c, ok := byID[s.claim.ID]
		if !ok || c.Summary != s.claim.Summary || string(c.Holder) != s.holder || c.SettlementID != s.claim.SettlementID ||
			c.ValidAt != s.claim.ValidAt || c.RecordedBy != "soak" {
			lost++
		}
	}

	// Figures.
	total := 0
	fivexx := 0
	for code, n := range st.statuses {
		total += n
		if code >= 500 {
			fivexx += n
		}
	}
	t.Logf("soak: %v, %d readers, a write every %v; %d requests (%.0f/s)", elapsed.Round(time.Second), readers, writeInterval, total, float64(total)/elapsed.Seconds())
	codes := slices.Sorted(func(yield func(int) bool) {
		for c := range st.statuses {
			if !yield(c) {
				return
			}
		}
	})
	for _, c := range codes {
		t.Logf("  status %d: %d", c, st.statuses[c])
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range st.latencies {
			if !yield(k) {
				return
			}
		}
	}) {
		ds := st.latencies[k]
		t.Logf("  %-10s n=%6d p50=%8v p99=%8v max=%8v", k, len(ds), percentile(ds, 0.5).Round(10*time.Microsecond),
			percentile(ds, 0.99).Round(10*time.Microsecond), percentile(ds, 1).Round(10*time.Microsecond))
	}
	t.Logf("  claims: %d accepted, %d rejected, %d ticks skipped (all writers busy), %d stored, %d missing or changed",
		len(accepted), rejected.Load(), skipped.Load(), len(stored), lost)
	t.Logf("  tiles checked after each write: %d, stale: %d", tileChecks.Load(), staleTiles.Load())
	for _, m := range mem {
		t.Logf("  memory at %5v: heap in use %6.1f MiB, RSS %6.1f MiB", m.at, m.heap, m.rss)
	}
	for _, e := range st.errors {
		t.Logf("  client error: %s", e)
	}

	// Verdicts.
	if fivexx > 0 || st.statuses[-1] > 0 {
		t.Errorf("%d responses were 5xx and %d requests failed, want none", fivexx, st.statuses[-1])
	}
	if rejected.Load() > 0 {
		t.Errorf("%d writes were not accepted: %v", rejected.Load(), writerErrors)
	}
	if want := int(duration/writeInterval) - int(skipped.Load()); len(accepted) != want || (!raceEnabled && skipped.Load() > int64(want/10)) {
		t.Errorf("%d claims accepted in %v, %d ticks skipped; want one every %v", len(accepted), duration, skipped.Load(), writeInterval)
	}
	if lost > 0 || len(stored) != len(accepted) {
		t.Errorf("%d accepted claims missing or changed; %d stored for %d accepted", lost, len(stored), len(accepted))
	}
	if staleTiles.Load() > 0 {
		t.Errorf("%d of %d tiles fetched right after a write did not show it", staleTiles.Load(), tileChecks.Load())
	}
	if len(mem) >= 4 {
		warm := mem[len(mem)/4]
		last := mem[len(mem)-1]
		if last.heap > warm.heap*1.5+16 {
			t.Errorf("heap in use grew from %.1f MiB (at %v) to %.1f MiB (at %v): not flat", warm.heap, warm.at, last.heap, last.at)
		}
	}
}

// tileStatus returns the status attribute of settlement id in an MVT tile, or "".
func tileStatus(raw []byte, id string) string {
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		return ""
	}
	for _, l := range layers {
		for _, f := range l.Features {
			if f.Properties["id"] == id {
				s, _ := f.Properties["status"].(string)
				return s
			}
		}
	}
	return ""
}
