package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
)

// ledgerCLI runs tiled with --db set to db and returns stdout, stderr and the error.
func ledgerCLI(tb testing.TB, db string, args ...string) (string, string, error) {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	args = append(args, "--db", db)
	err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	return stdout.String(), stderr.String(), err
}

// ledgerOK runs tiled and fails the test on error.
func ledgerOK(tb testing.TB, db string, args ...string) string {
	tb.Helper()
	out, stderr, err := ledgerCLI(tb, db, args...)
	if err != nil {
		tb.Fatalf("tiled %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return out
}

// ledgerJSON runs tiled and decodes its JSON output into v.
func ledgerJSON(tb testing.TB, db string, v any, args ...string) {
	tb.Helper()
	out := ledgerOK(tb, db, args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		tb.Fatalf("tiled %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// seededDB returns the path of a fresh store loaded by "tiled seed", as `make run` loads it.
func seededDB(tb testing.TB) string {
	tb.Helper()
	db := filepath.Join(tb.TempDir(), "tiled.db")
	ledgerOK(tb, db, "seed")
	return db
}

type statusOut struct {
	AsOf        string `json:"as_of"`
	Source      string `json:"source"`
	StaleDays   int    `json:"stale_days"`
	Settlements []struct {
		Name string `json:"name"`
		ledger.Status
	} `json:"settlements"`
}

func TestCLIStatusScenarios(t *testing.T) {
	db := seededDB(t)
	tests := []struct {
		args       []string
		settlement string
		want       ledger.Consensus
		wantDegree ledger.Degree
		wantViews  []string // "source=holder"
	}{
		{[]string{"--as-of", "2024-09-01"}, "486816", ledger.ConsensusUA, ledger.DegreeFull, []string{"ua-command=ua"}},
		{[]string{"--as-of", "2025-03-20"}, "486816", ledger.ConsensusRU, ledger.DegreeFull, []string{"deepstate=ru", "ru-mod=ru", "ua-command=ru"}},
		{[]string{"--as-of", "2025-03-18"}, "ru-bel-demidovka", ledger.ConsensusRU, ledger.DegreeAttackRepelled, []string{"ru-mod=ru"}},
		{[]string{"--as-of", "2025-03-30"}, "ru-bel-demidovka", ledger.ConsensusDisputed, "",
			[]string{"black-bird-group=contested", "isw=ua", "romanov=ua", "ru-milbloggers=contested", "ru-mod=ru", "ru-president=contested", "shot=ru"}},
		{[]string{"--as-of", "2025-03-30", "--source", "isw"}, "ru-bel-popovka-kr", ledger.ConsensusUA, ledger.DegreeAdvance, []string{"isw=ua"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")+" "+tt.settlement, func(t *testing.T) {
			var out statusOut
			ledgerJSON(t, db, &out, append([]string{"status", "--json"}, tt.args...)...)
			var found bool
			for _, st := range out.Settlements {
				if st.Settlement != tt.settlement {
					continue
				}
				found = true
				var views []string
				for _, v := range st.Views {
					views = append(views, v.Source+"="+string(v.Holder))
				}
				if st.Consensus != tt.want || st.Degree != tt.wantDegree || !slices.Equal(views, tt.wantViews) {
					t.Errorf("tiled status %v: %s = %s (%s) %v, want %s (%s) %v", tt.args, tt.settlement, st.Consensus,
						st.Degree, views, tt.want, tt.wantDegree, tt.wantViews)
				}
			}
			if !found {
				t.Errorf("tiled status %v does not list %s", tt.args, tt.settlement)
			}
		})
	}

	// One settlement by slug, and a table for people.
	var one statusOut
	ledgerJSON(t, db, &one, "status", "--json", "--as-of", "2025-03-20", "ru-krs-sudzha")
	if len(one.Settlements) != 1 || one.Settlements[0].Name != "Sudzha" || one.Settlements[0].Consensus != ledger.ConsensusRU {
		t.Errorf("tiled status ru-krs-sudzha = %+v, want Sudzha alone, ru", one.Settlements)
	}
	table := ledgerOK(t, db, "status", "--as-of", "2025-03-30")
	for _, want := range []string{"Demidovka", "disputed", "black-bird-group: contested (presence)", "ru-mod: ru (attack-repelled)",
		"ua-command: ru (full) 2025-03-15 #4"} {
		if !strings.Contains(table, want) {
			t.Errorf("tiled status table lacks %q:\n%s", want, table)
		}
	}
	var all statusOut
	ledgerJSON(t, db, &all, "status", "--json", "--all", "--as-of", "2025-03-30")
	if len(all.Settlements) != 59 {
		t.Errorf("tiled status --all lists %d settlements, want the 59 of the gazetteer", len(all.Settlements))
	}
	var stale statusOut
	ledgerJSON(t, db, &stale, "status", "--json", "--as-of", "2025-03-30", "--stale-days", "10", "486816")
	if st := stale.Settlements[0]; stale.StaleDays != 10 || !st.Stale || st.Consensus != ledger.ConsensusRU {
		t.Errorf("tiled status --stale-days 10: %+v, want ru marked stale", st)
	}
}

func TestCLIHistoryAndDiff(t *testing.T) {
	db := seededDB(t)
	var h struct {
		Settlement string         `json:"settlement"`
		Name       string         `json:"name"`
		Claims     []ledger.Entry `json:"claims"`
	}
	ledgerJSON(t, db, &h, "history", "--json", "ru-bel-demidovka")
	var ids []int64
	for _, c := range h.Claims {
		ids = append(ids, c.ID)
	}
	if want := []int64{5, 7, 8, 9, 10, 13, 16, 20, 21, 23}; h.Name != "Demidovka" || !slices.Equal(ids, want) {
		t.Errorf("tiled history ru-bel-demidovka = %s %v, want Demidovka %v", h.Name, ids, want)
	}
	if out := ledgerOK(t, db, "history", "486816"); !strings.Contains(out, "Sudzha (486816): 4 claims") ||
		!strings.Contains(out, "TASS; Kyiv Independent") {
		t.Errorf("tiled history 486816 =\n%s", out)
	}

	var d struct {
		Changes []struct {
			Name string `json:"name"`
			ledger.Change
		} `json:"changes"`
	}
	ledgerJSON(t, db, &d, "diff", "--json", "2025-03-01", "2025-04-10")
	var names []string
	for _, c := range d.Changes {
		names = append(names, c.Name)
	}
	for _, want := range []string{"Sudzha", "Demidovka", "Prilesʼye", "Popovka"} {
		if !slices.Contains(names, want) {
			t.Errorf("tiled diff 2025-03-01 2025-04-10 lists %v, want it to include %s", names, want)
		}
	}
	if out := ledgerOK(t, db, "diff", "2025-03-01", "2025-04-10"); !strings.Contains(out, "ua (full), claimed only, stale → ru (full), confirmed") {
		t.Errorf("tiled diff table lacks Sudzha's change:\n%s", out)
	}
}

func TestCLIClaims(t *testing.T) {
	db := seededDB(t)
	var isw []ledger.Claim
	ledgerJSON(t, db, &isw, "claims", "list", "--json", "--source", "isw")
	if len(isw) != 4 {
		t.Errorf("tiled claims list --source isw = %d claims, want 4", len(isw))
	}
	var sudzha []ledger.Claim
	ledgerJSON(t, db, &sudzha, "claims", "list", "--json", "--settlement", "ru-krs-sudzha")
	if len(sudzha) != 4 || sudzha[0].SettlementID != "486816" {
		t.Errorf("tiled claims list --settlement ru-krs-sudzha = %+v, want the 4 Sudzha claims", sudzha)
	}

	add := []string{"claims", "add", "--settlement", "ru-bel-popovka-kr", "--source", "deepstate", "--holder", "ua",
		"--degree", "partial", "--valid-at", "2025-04-08", "--published-at", "2025-04-09", "--evidence", "map update",
		"--summary", "Its map showed part of Popovka under Ukrainian control.", "--json"}
	var c ledger.Claim
	ledgerJSON(t, db, &c, add...)
	if c.ID != 25 || c.Evidence != ledger.EvidenceMapUpdate || c.Credibility != 6 || c.RecordedAt.IsZero() {
		t.Errorf("tiled claims add = %+v, want claim 25, map-update, credibility 6, recorded", c)
	}
	out := ledgerOK(t, db, "claims", "add", "--settlement", "ru-bel-popovka-kr", "--source", "deepstate", "--holder", "contested",
		"--degree", "fighting", "--valid-at", "2025-04-08", "--published-at", "2025-04-10", "--evidence", "map-update",
		"--summary", "Corrected: the map showed a grey zone.", "--supersedes", "25", "--credibility", "3")
	if !strings.Contains(out, "recorded claim 26") || !strings.Contains(out, "superseding claim 25") {
		t.Errorf("tiled claims add --supersedes 25 = %q", out)
	}
	ledgerOK(t, db, "claims", "add", "--settlement", "ru-bel-popovka-kr", "--source", "deepstate", "--retracts", "26",
		"--valid-at", "2025-04-11", "--published-at", "2025-04-11", "--evidence", "map-update", "--summary", "Withdrawn.")
	hist := ledgerOK(t, db, "history", "ru-bel-popovka-kr")
	for _, want := range []string{"superseded by 26", "retracted by 27, supersedes 25", "retracts 26"} {
		if !strings.Contains(hist, want) {
			t.Errorf("tiled history after corrections lacks %q:\n%s", want, hist)
		}
	}

	// Bad input names the flag, and records nothing.
	before := ledgerOK(t, db, "claims", "list", "--csv")
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"--holder", "russia"}, `--holder "russia": want one of ru, ua, contested, unknown`},
		{[]string{"--degree", "captured"}, `--degree "captured"`},
		{[]string{"--settlement", "Sudja"}, "did you mean 486816 (Sudzha"},
		{[]string{"--source", "nobody"}, `--source "nobody": not in the source registry`},
		{[]string{"--published-at", "2999-01-01"}, `--published-at "2999-01-01": in the future`},
		{[]string{"--valid-at", "2025-04-12"}, `--valid-at "2025-04-12": after published_at 2025-04-09`},
		{[]string{"--supersedes", "99"}, `--supersedes "99": no such claim`},
		{[]string{"--supersedes", "25"}, "already superseded or retracted by claim 26"},
		{[]string{"--summary", ""}, "--summary: required"},
	}
	for _, tt := range bad {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := slices.Clone(add[:len(add)-1]) // without --json
			for i := 0; i < len(tt.args); i += 2 {
				j := slices.Index(args, tt.args[i])
				if j < 0 {
					args = append(args, tt.args[i], tt.args[i+1])
				} else {
					args[j+1] = tt.args[i+1]
				}
			}
			_, _, err := ledgerCLI(t, db, args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("tiled %v: error = %v, want it to contain %q", tt.args, err, tt.want)
			}
			if exitCode(err) != 1 {
				t.Errorf("tiled %v: exit code %d, want 1", tt.args, exitCode(err))
			}
		})
	}
	if after := ledgerOK(t, db, "claims", "list", "--csv"); after != before {
		t.Error("a failed claims add changed the ledger")
	}
}

func TestCLIClaimsImport(t *testing.T) {
	db := seededDB(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = "settlement,source,holder,degree,valid_at,valid_precision,published_at,relayed_by,relay_url,evidence,summary,credibility,supersedes,retracts\n"
	const good = "ru-bel-grafovka,isw,ru,full,2025-04-08,day,2025-04-08,,,analyst assessment,Assessed Russian control.,,,\n"
	before := ledgerOK(t, db, "claims", "list", "--csv")
	bad := []struct {
		name, row, want string
	}{
		{"unknown settlement", "Sudja,isw,ru,full,2025-04-08,day,2025-04-08,,,map-update,x,,,\n",
			`bad.csv:3: settlement "Sudja": not in the gazetteer (give a settlement id or slug); did you mean 486816 (Sudzha`},
		{"unknown source", "486816,nobody,ru,full,2025-04-08,day,2025-04-08,,,map-update,x,,,\n", `bad.csv:3: source "nobody"`},
		{"bad holder", "486816,isw,russia,full,2025-04-08,day,2025-04-08,,,map-update,x,,,\n", `bad.csv:3: holder "russia"`},
		{"bad degree", "486816,isw,ru,captured,2025-04-08,day,2025-04-08,,,map-update,x,,,\n", `bad.csv:3: degree "captured"`},
		{"malformed date", "486816,isw,ru,full,08/04/2025,day,2025-04-08,,,map-update,x,,,\n", `bad.csv:3: valid_at "08/04/2025"`},
		{"published in the future", "486816,isw,ru,full,2025-04-08,day,2999-04-08,,,map-update,x,,,\n", `bad.csv:3: published_at "2999-04-08": in the future`},
		{"valid after published", "486816,isw,ru,full,2025-04-09,day,2025-04-08,,,map-update,x,,,\n", `bad.csv:3: valid_at "2025-04-09": after published_at`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ledgerCLI(t, db, "claims", "import", write("bad.csv", head+good+tt.row))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was imported") {
				t.Errorf("tiled claims import: error = %v, want it to contain %q and say nothing was imported", err, tt.want)
			}
			if !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("tiled claims import: error = %v, want ledger.ErrInvalid", err)
			}
			if after := ledgerOK(t, db, "claims", "list", "--csv"); after != before {
				t.Error("a failed import changed the ledger")
			}
		})
	}
	out := ledgerOK(t, db, "claims", "import", write("good.csv", head+good))
	if !strings.Contains(out, "imported 1 claims") || !strings.Contains(out, "ids 25–25") {
		t.Errorf("tiled claims import good.csv = %q", out)
	}
	// The CSV export reads back: into a fresh store it rebuilds the same ledger.
	exported := write("export.csv", ledgerOK(t, db, "claims", "list", "--csv"))
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	ledgerOK(t, fresh, "import", "../../data/settlements.geojson")
	ledgerOK(t, fresh, "sources", "import", "../../data/sources.csv")
	ledgerOK(t, fresh, "claims", "import", exported)
	if got, want := ledgerOK(t, fresh, "claims", "list", "--csv"), ledgerOK(t, db, "claims", "list", "--csv"); got != want {
		t.Errorf("re-imported export differs:\n%s\nwant\n%s", got, want)
	}
	// Importing the same file twice fails on its ids instead of doubling the claims.
	if _, _, err := ledgerCLI(t, fresh, "claims", "import", exported); err == nil || !strings.Contains(err.Error(), "ids must increase") {
		t.Errorf("second import of the export: error = %v, want ids must increase", err)
	}
}

func TestCLISources(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tiled.db")
	if out := ledgerOK(t, db, "sources", "list"); !strings.Contains(out, "no sources") {
		t.Errorf("tiled sources list on an empty store = %q", out)
	}
	ledgerOK(t, db, "sources", "add", "--id", "rybar", "--name", "Rybar", "--kind", "Telegram channel", "--alignment", "ru",
		"--url", "https://t.me/rybar")
	if out := ledgerOK(t, db, "sources", "grade", "rybar", "d"); !strings.Contains(out, "reliability D (not usually reliable)") {
		t.Errorf("tiled sources grade = %q", out)
	}
	var srcs []ledger.Source
	ledgerJSON(t, db, &srcs, "sources", "list", "--json")
	if len(srcs) != 1 || srcs[0].Reliability != ledger.ReliabilityD || srcs[0].Kind != "Telegram channel" {
		t.Errorf("tiled sources list --json = %+v", srcs)
	}
	for _, tt := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"sources", "add", "--id", "rybar", "--name", "R", "--kind", "x", "--alignment", "ru"}, "already registered", 1},
		{[]string{"sources", "add", "--id", "x", "--name", "X", "--kind", "x", "--alignment", "neutral"}, `--alignment "neutral"`, 1},
		{[]string{"sources", "grade", "rybar", "G"}, "want a grade A–F", 2},
		{[]string{"sources", "grade", "nobody", "A"}, `source "nobody": not in the source registry`, 1},
		{[]string{"sources", "delete"}, `unknown command "delete"`, 2},
		{[]string{"claims", "edit"}, `unknown command "edit"`, 2},
		{[]string{"diff", "2025-03-01"}, "two dates", 2},
		{[]string{"diff", "2025-04-01", "2025-03-01"}, "before DATE1", 2},
		{[]string{"diff", "2025-03-01", "2025-13-01"}, "YYYY-MM-DD", 2},
		{[]string{"status", "--stale-days", "0"}, "at least 1", 2},
		{[]string{"status", "--source", "nobody"}, "unknown source", 1},
		{[]string{"history"}, "one SETTLEMENT", 2},
		{[]string{"history", "Sudja"}, "not in the gazetteer", 1},
	} {
		_, _, err := ledgerCLI(t, db, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != tt.code {
			t.Errorf("tiled %v: error = %v (exit %d), want %q (exit %d)", tt.args, err, exitCode(err), tt.want, tt.code)
		}
	}
}

// TestCLIStatusView: tiled status says which date it shows, marks a status that only one side claims, and
// --known-on keeps only the claims published by then.
func TestCLIStatusView(t *testing.T) {
	db := seededDB(t)
	var out struct {
		AsOf        string `json:"as_of"`
		AsOfReason  string `json:"as_of_reason"`
		KnownOn     string `json:"known_on"`
		Settlements []struct {
			Name string `json:"name"`
			ledger.Status
		} `json:"settlements"`
	}
	// The seed's claims are all older than the staleness window (the clock is today's): the latest claims' date.
	ledgerJSON(t, db, &out, "status", "--json", "ru-bel-prilesye")
	if out.AsOf != "2025-04-12" || out.AsOfReason != "latest-claims" {
		t.Errorf("tiled status with no --as-of shows %s (%s), want 2025-04-12 (latest-claims)", out.AsOf, out.AsOfReason)
	}
	ledgerJSON(t, db, &out, "status", "--json", "--as-of", "2025-03-20", "ru-bel-prilesye", "486816")
	if p, s := out.Settlements[0], out.Settlements[1]; p.Basis != ledger.BasisClaimed || s.Basis != ledger.BasisConfirmed {
		t.Errorf("Prilesye basis %q, Sudzha basis %q; want claimed, confirmed", p.Basis, s.Basis)
	}
	ledgerJSON(t, db, &out, "status", "--json", "--as-of", "2025-03-20", "--known-on", "2025-03-12", "486816")
	if s := out.Settlements[0]; out.KnownOn != "2025-03-12" || s.Consensus != ledger.ConsensusUA {
		t.Errorf("Sudzha as of 2025-03-20 known on 2025-03-12: %s (known_on %q), want ua: Russia's claim came out on 13 March", s.Consensus, out.KnownOn)
	}
	table := ledgerOK(t, db, "status", "--as-of", "2025-03-20", "--known-on", "2025-03-14")
	// Known on 14 March only Russia's defence ministry had spoken of Sudzha: Russian, but claimed only.
	for _, want := range []string{"as known on 2025-03-14", "ru (full), claimed only"} {
		if !strings.Contains(table, want) {
			t.Errorf("tiled status --known-on table lacks %q:\n%s", want, table)
		}
	}
}
