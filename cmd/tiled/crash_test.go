package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
)

// The crash tests run tiled in a child process — this test binary re-executed with TILED_CRASH_CHILD holding the
// command line — and kill it with SIGKILL part-way through a write. The store must then pass integrity_check and
// hold all of the write or none of it. A short version runs with every "go test"; TILED_CRASH=1 (make crashtest)
// runs many kill points on larger inputs and prints the figures RELIABILITY.md quotes.

const crashChildEnv = "TILED_CRASH_CHILD"

// TestCrashChild is the child process: it runs the command line in $TILED_CRASH_CHILD (fields separated by
// newlines) and exits with tiled's exit status. It does nothing in an ordinary test run.
func TestCrashChild(t *testing.T) {
	line := os.Getenv(crashChildEnv)
	if line == "" {
		t.Skip("only runs as the crash tests' child process")
	}
	err := run(context.Background(), strings.Split(line, "\n"), os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tiled:", err)
		os.Exit(exitCode(err))
	}
	os.Exit(0)
}

// child starts tiled with args in a child process; its stdout is returned for reading, stderr goes to errOut.
func child(tb testing.TB, errOut io.Writer, args ...string) (*exec.Cmd, io.Reader) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+strings.Join(args, "\n"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = errOut
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	return cmd, out
}

// longCrash reports whether the long crash test was asked for.
func longCrash() bool { return os.Getenv("TILED_CRASH") != "" }

// tableCounts returns the number of rows of every table (R*Tree included) and PRAGMA integrity_check's answer.
func tableCounts(tb testing.TB, path string) (map[string]int, string) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil {
		tb.Fatalf("integrity_check: %v", err)
	}
	rows, err := raw.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree_%' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	counts := map[string]int{}
	for _, t := range append(tables, "rtree_settlements_geom") {
		var n int
		if err := raw.QueryRow(fmt.Sprintf("SELECT count(*) FROM %q", t)).Scan(&n); err != nil {
			tb.Fatalf("count %s: %v", t, err)
		}
		counts[t] = n
	}
	return counts, check
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// bigGeoJSON writes a FeatureCollection of n synthetic villages to a file and returns its path.
func bigGeoJSON(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "big.geojson")
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Feature","id":"crash-%d","geometry":{"type":"Point","coordinates":[%.5f,%.5f]},`+
			`"properties":{"name":"Crashtest Village %d","name_ru":"Деревня %d","country":"RU","population":%d}}`,
			i, 30+float64(i%1500)/100, 45+float64(i/1500%1000)/100, i, i, i%5000)
	}
	b.WriteString("]}")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// bigClaimsCSV writes n synthetic claims about seed settlements by seed sources and returns its path.
func bigClaimsCSV(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "big.csv")
	var b bytes.Buffer
	b.WriteString("settlement,source,holder,degree,valid_at,valid_precision,published_at,evidence,summary\n")
	places := []string{"ru-bel-demidovka", "ru-bel-prilesye", "ru-bel-popovka-kr", "486816"}
	sources := []string{"isw", "ru-mod", "ua-command", "deepstate"}
	holders := []string{"ru", "ua", "contested"}
	for i := range n {
		d := 1 + i%28
		fmt.Fprintf(&b, "%s,%s,%s,presence,2025-02-%02d,day,2025-02-%02d,map-update,Crash test claim %d.\n",
			places[i%len(places)], sources[i/4%len(sources)], holders[i%3], d, d, i)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// crashOutcome is what one killed run left behind.
type crashOutcome struct {
	delay    time.Duration
	finished bool   // the child had already exited when killed
	kept     string // "none" or "all"
}

// TestCrashDuringImport kills "tiled import" (GeoJSON) and "tiled claims import" (CSV) part-way, at fractions of
// the time a full import takes, and checks that the reopened store is sound and holds all of the import or none.
func TestCrashDuringImport(t *testing.T) {
	places, claims, fractions := 20000, 2000, []float64{0.5}
	if longCrash() {
		places, claims = 150000, 30000
		fractions = nil
		for f := 0.05; f < 2; f += 0.15 { // past 1: a busy machine may run a killed import slower than the timed one
			fractions = append(fractions, f)
		}
	}
	tests := []struct {
		name string
		args func(file string) []string
		rows int
		file string
	}{
		{"geojson", func(f string) []string { return []string{"import", f} }, places, bigGeoJSON(t, places)},
		{"claims", func(f string) []string { return []string{"claims", "import", f} }, claims, bigClaimsCSV(t, claims)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The two end states: the seeded store, and the seeded store after a complete import.
			base := seededDB(t)
			before, _ := tableCounts(t, base)
			full := filepath.Join(t.TempDir(), "full.db")
			copyFile(t, base, full)
			start := time.Now()
			var stderr bytes.Buffer
			cmd, _ := child(t, &stderr, append(tt.args(tt.file), "--db", full)...)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("complete import: %v\n%s", err, stderr.String())
			}
			took := time.Since(start)
			after, _ := tableCounts(t, full)
			if sameCounts(before, after) {
				t.Fatal("the complete import changed no table")
			}
			var outcomes []crashOutcome
			for _, f := range fractions {
				db := filepath.Join(t.TempDir(), "killed.db")
				copyFile(t, base, db)
				delay := time.Duration(f * float64(took))
				cmd, _ := child(t, io.Discard, append(tt.args(tt.file), "--db", db)...)
				time.Sleep(delay)
				killErr := cmd.Process.Kill()
				_ = cmd.Wait()
				o := crashOutcome{delay: delay, finished: errors.Is(killErr, os.ErrProcessDone)}
				got, check := tableCounts(t, db)
				switch {
				case check != "ok":
					t.Fatalf("killed after %v: integrity_check = %q", delay, check)
				case sameCounts(got, before):
					o.kept = "none"
				case sameCounts(got, after):
					o.kept = "all"
				default:
					t.Fatalf("killed after %v: the store holds part of the import: %v, want %v or %v", delay, got, before, after)
				}
				outcomes = append(outcomes, o)
			}
			none, all := 0, 0
			for _, o := range outcomes {
				if o.kept == "none" {
					none++
				} else {
					all++
				}
			}
			t.Logf("%s import of %d rows takes %v; %d kills: %d left none of it, %d all of it (integrity_check ok every time)",
				tt.name, tt.rows, took.Round(time.Millisecond), len(outcomes), none, all)
			if longCrash() {
				for _, o := range outcomes {
					t.Logf("  kill at %6v: %s%s", o.delay.Round(time.Millisecond), o.kept, map[bool]string{true: " (had exited)"}[o.finished])
				}
				if none == 0 {
					t.Error("no kill landed before the commit: the test did not test an interrupted import")
				}
			}
		})
	}
}

var servingRE = regexp.MustCompile(`on http://(\S+) `)

// TestCrashDuringClaimWrites kills "tiled serve" while clients post claims: every claim the server acknowledged
// (201) is in the reopened store exactly as sent, and nothing else is there beyond the requests still in flight.
func TestCrashDuringClaimWrites(t *testing.T) {
	rounds, writers, runFor := 1, 4, 400*time.Millisecond
	if longCrash() {
		rounds, runFor = 10, 1500*time.Millisecond
	}
	db := seededDB(t)
	secret := strings.TrimSpace(ledgerOK(t, db, "token", "create", "crash"))
	totalAcked := 0
	for round := range rounds {
		before, _ := tableCounts(t, db)
		cmd, stdout := child(t, io.Discard, "serve", "--db", db, "--addr", "127.0.0.1:0", "--write-rate", "off",
			"--write-rate-ip", "off", "--log", "text")
		line, err := bufio.NewReader(stdout).ReadString('\n')
		m := servingRE.FindStringSubmatch(line)
		if err != nil || m == nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("server did not start: %q %v", line, err)
		}
		base := "http://" + m[1]
		var (
			mu       sync.Mutex
			acked    = map[int64]ledger.Claim{}
			inFlight = 0
			wg       sync.WaitGroup
		)
		stop := make(chan struct{})
		client := &http.Client{Timeout: 5 * time.Second}
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					summary := fmt.Sprintf("Crash round %d writer %d claim %d.", round, w, i)
					body := fmt.Sprintf(`{"settlement":"ru-bel-demidovka","source":"isw","holder":"contested","degree":"fighting","valid_at":"2025-04-09","published_at":"2025-04-09","evidence":"analyst-assessment","summary":%q}`, summary)
					req, _ := http.NewRequest("POST", base+"/api/claims", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+secret)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						mu.Lock()
						inFlight++ // the server died with this request open: it may or may not have committed
						mu.Unlock()
						return
					}
					var c ledger.Claim
					err = json.NewDecoder(resp.Body).Decode(&c)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated || err != nil || c.Summary != summary {
						t.Errorf("POST claim = %d (%v)", resp.StatusCode, err)
						return
					}
					mu.Lock()
					acked[c.ID] = c
					mu.Unlock()
				}
			}()
		}
		time.Sleep(runFor)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatalf("kill: %v", err)
		}
		cmd.Wait()
		close(stop)
		wg.Wait()

		after, check := tableCounts(t, db)
		if check != "ok" {
			t.Fatalf("round %d: integrity_check = %q", round, check)
		}
		stored := map[int64]ledger.Claim{}
		for _, c := range allClaims(t, db) {
			if strings.HasPrefix(c.Summary, fmt.Sprintf("Crash round %d ", round)) {
				stored[c.ID] = c
			}
		}
		for id, c := range acked {
			s, ok := stored[id]
			if !ok || s.Summary != c.Summary || s.RecordedBy != "crash" || !s.RecordedAt.Equal(c.RecordedAt) {
				t.Errorf("round %d: acknowledged claim %d (%q) stored as %+v (present: %v)", round, id, c.Summary, s, ok)
			}
		}
		if extra := len(stored) - len(acked); extra < 0 || extra > inFlight {
			t.Errorf("round %d: %d claims stored, %d acknowledged, %d in flight at the kill", round, len(stored), len(acked), inFlight)
		}
		if after["claims"]-before["claims"] != len(stored) {
			t.Errorf("round %d: claims table grew by %d, want %d", round, after["claims"]-before["claims"], len(stored))
		}
		if len(acked) == 0 {
			t.Errorf("round %d: no claim was acknowledged before the kill", round)
		}
		totalAcked += len(acked)
		t.Logf("round %d: killed the server after %v: %d claims acknowledged, all stored; %d requests in flight, %d of them committed; integrity_check ok",
			round, runFor, len(acked), inFlight, len(stored)-len(acked))
	}
	t.Logf("%d rounds, %d acknowledged claims, none lost", rounds, totalAcked)
}
