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
	"math/rand/v2"
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
// The compact indexes an import stores after its commit (tiled_place_index, tiled_ledger_index) are caches of what
// the other tables say, not part of the import's all or nothing, and are left out.
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
	rows, err := raw.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree_%' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('tiled_place_index', 'tiled_ledger_index')")
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
	phase    string  // "reading", "committing" or "committed" (see TestCrashDuringImport)
	at       float64 // reading: the fraction of the input read at the kill; committing: of the commit's WAL written
	elapsed  time.Duration
	finished bool   // the child had already exited when killed
	kept     string // "none" or "all"
}

// fdOffset returns the read offset of the file path that process pid has open (Linux: /proc/PID/fdinfo): -1 when
// it has not opened it yet, -2 once it has closed it. fd caches the descriptor once found.
func fdOffset(pid int, path string, fd *string) int64 {
	if *fd != "" {
		if target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, *fd)); err != nil || target != path {
			return -2 // closed (the number may since name another file)
		}
	} else {
		entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		if err != nil {
			return -1
		}
		for _, e := range entries {
			if target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, e.Name())); err == nil && target == path {
				*fd = e.Name()
				break
			}
		}
		if *fd == "" {
			return -1
		}
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, *fd))
	if err != nil {
		return -2
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "pos:"); ok {
			var n int64
			fmt.Sscan(strings.TrimSpace(v), &n)
			return n
		}
	}
	return -1
}

// progressKnown reports whether a child's read progress can be watched (/proc/PID/fdinfo: Linux).
func progressKnown() bool {
	_, err := os.Stat("/proc/self/fdinfo")
	return err == nil
}

// importProgress is how far a running import has got, as seen from outside: the offset it has read its input to,
// and the size of the store's write-ahead log. An import holds its changes in SQLite's page cache while it reads
// (the WAL stays as it was), writes them to the WAL when it commits (the commit record is the last frame), then
// checkpoints the WAL into the store as it closes.
type importProgress struct {
	pos     int64 // input offset; -1 not opened yet, -2 closed
	walSize int64
}

// minCommitWAL is the least WAL growth of a complete import's commit for the kills to be placed and judged by the
// WAL (below it, by time).
const minCommitWAL = 256 << 10

// pollUntil probes a running import every millisecond until cond holds (true) or the process exits (false).
func pollUntil(pid int, input, wal string, done <-chan struct{}, cond func(importProgress) bool) bool {
	var fd string
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return false
		case <-tick.C:
		}
		p := importProgress{pos: fdOffset(pid, input, &fd)}
		if st, err := os.Stat(wal); err == nil {
			p.walSize = st.Size()
		}
		if cond(p) {
			return true
		}
	}
}

// TestCrashDuringImport kills "tiled import" (GeoJSON) and "tiled claims import" (CSV) inside their transaction and
// checks that the reopened store is sound and holds all of the import or none. The kills are placed by the import's
// progress, not by the clock (a timed kill on a busy machine mostly landed after the commit): the parent watches how
// far the child has read its input (/proc/PID/fdinfo) and how far its commit has written the WAL, and kills it
//   - while reading, at a random fraction of the input: the store must hold none of the import;
//   - while committing, when the WAL has grown to a random fraction of what the commit writes: none (no commit
//     record yet);
//   - as soon as the commit has written the whole WAL (checkpointing, closing): all of it.
//
// Where progress cannot be watched (no /proc), it falls back to random fractions of the complete run's time.
func TestCrashDuringImport(t *testing.T) {
	places, claims, reading, committing, committed := 20000, 2000, 1, 1, 0
	if longCrash() {
		places, claims, reading, committing, committed = 100000, 20000, 5, 4, 2
	}
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("kill points from seed %d", seed)
	tests := []struct {
		name string
		args func(file string) []string
		rows int
		file string
	}{
		// --index=false: the compact indexes an import stores after its commit are a cache written in a later
		// transaction; this test is about the import's own all or nothing, which it reads from the WAL's size.
		{"geojson", func(f string) []string { return []string{"import", "--index=false", f} }, places, bigGeoJSON(t, places)},
		{"claims", func(f string) []string { return []string{"claims", "import", "--index=false", f} }, claims, bigClaimsCSV(t, claims)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := os.Stat(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			size := st.Size()
			// The two end states: the seeded store, and the seeded store after a complete import; and, from the
			// complete import, the WAL size before and after its commit.
			base := seededDB(t)
			before, _ := tableCounts(t, base)
			full := filepath.Join(t.TempDir(), "full.db")
			copyFile(t, base, full)
			start := time.Now()
			var stderr bytes.Buffer
			cmd, _ := child(t, &stderr, append(tt.args(tt.file), "--db", full)...)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			var walRead, walMax int64 = -1, 0 // WAL size when the input was all read; largest seen
			watch := progressKnown()
			if watch {
				pollUntil(cmd.Process.Pid, tt.file, full+"-wal", done, func(p importProgress) bool {
					if walRead < 0 && (p.pos >= size || p.pos == -2) {
						walRead = p.walSize
					}
					walMax = max(walMax, p.walSize)
					return false
				})
			}
			<-done
			if cmd.ProcessState.ExitCode() != 0 {
				t.Fatalf("complete import: %v\n%s", cmd.ProcessState, stderr.String())
			}
			took := time.Since(start)
			if watch && (walRead < 0 || walMax-walRead < minCommitWAL) {
				// A small commit can grow the WAL and be checkpointed away between two probes: its size is not known
				// well enough to judge kills by it.
				t.Logf("the commit was not seen in the WAL (read all: WAL %d, largest %d): kills placed by time", walRead, walMax)
				watch = false
			}
			after, _ := tableCounts(t, full)
			if sameCounts(before, after) {
				t.Fatal("the complete import changed no table")
			}
			type kill struct {
				phase string
				at    float64
			}
			var kills []kill
			for range reading {
				kills = append(kills, kill{"reading", 0.05 + 0.9*rng.Float64()})
			}
			for range committing {
				kills = append(kills, kill{"committing", 0.05 + 0.9*rng.Float64()})
			}
			for range committed {
				kills = append(kills, kill{"committed", 1})
			}
			var outcomes []crashOutcome
			for _, k := range kills {
				db := filepath.Join(t.TempDir(), "killed.db")
				copyFile(t, base, db)
				started := time.Now()
				cmd, _ := child(t, io.Discard, append(tt.args(tt.file), "--db", db)...)
				done := make(chan struct{})
				go func() { cmd.Process.Wait(); close(done) }()
				var cond func(importProgress) bool
				switch k.phase {
				case "reading":
					cond = func(p importProgress) bool { return p.pos >= int64(k.at*float64(size)) }
				case "committing":
					cond = func(p importProgress) bool {
						return p.walSize >= walRead+int64(k.at*float64(walMax-walRead)) && p.walSize > walRead
					}
				default:
					cond = func(p importProgress) bool { return p.walSize >= walMax }
				}
				var running bool
				if watch {
					running = pollUntil(cmd.Process.Pid, tt.file, db+"-wal", done, cond)
				} else {
					select {
					case <-done:
					case <-time.After(time.Duration(rng.Float64() * float64(took))):
						running = true
					}
				}
				killErr := cmd.Process.Kill()
				<-done
				o := crashOutcome{phase: k.phase, at: k.at, elapsed: time.Since(started),
					finished: !running || errors.Is(killErr, os.ErrProcessDone)}
				// The WAL as the kill left it says whether the commit had been written: the import's commit record
				// is the WAL's last frame. (Between the probe and the kill the process runs on: on a small import a
				// kill aimed at the commit can land after it.)
				walAfter := int64(-1)
				if st, err := os.Stat(db + "-wal"); err == nil {
					walAfter = st.Size()
				}
				got, check := tableCounts(t, db)
				switch {
				case check != "ok":
					t.Fatalf("killed %s at %.2f: integrity_check = %q", k.phase, k.at, check)
				case sameCounts(got, before):
					o.kept = "none"
				case sameCounts(got, after):
					o.kept = "all"
				default:
					t.Fatalf("killed %s at %.2f: the store holds part of the import: %v, want %v or %v", k.phase, k.at, got, before, after)
				}
				if watch && !o.finished && walAfter >= 0 {
					want := "none"
					if walAfter >= walMax {
						want = "all"
					}
					if o.kept != want {
						t.Errorf("killed %s at %.0f%% with the WAL at %d of the %d bytes a complete import leaves: the store holds %s of the import, want %s",
							k.phase, 100*k.at, walAfter, walMax, o.kept, want)
					}
				}
				outcomes = append(outcomes, o)
			}
			during, none, all := 0, 0, 0
			for _, o := range outcomes {
				if !o.finished {
					during++
				}
				if o.kept == "none" {
					none++
				} else {
					all++
				}
			}
			t.Logf("%s import of %d rows (%.1f MB) takes %v, its commit writes %.1f MB of WAL; %d kills, %d of them before the process ended: %d left none of it, %d all of it (integrity_check ok every time)",
				tt.name, tt.rows, float64(size)/1e6, took.Round(time.Millisecond), float64(walMax-walRead)/1e6, len(outcomes), during, none, all)
			if longCrash() {
				for _, o := range outcomes {
					what := map[string]string{"reading": fmt.Sprintf("%.0f%% of the input read", 100*o.at),
						"committing": fmt.Sprintf("%.0f%% of the commit's WAL written", 100*o.at),
						"committed":  "the commit's WAL all written"}[o.phase]
					t.Logf("  kill %-10s (%s, after %v): %s%s", o.phase, what, o.elapsed.Round(time.Millisecond), o.kept,
						map[bool]string{true: " (had exited)"}[o.finished])
				}
				if during < len(outcomes)*3/4 {
					t.Errorf("%d of %d kills landed while the import ran: the test did not test interrupted imports", during, len(outcomes))
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
