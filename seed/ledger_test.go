package seed_test

import (
	"context"
	"slices"
	"testing"

	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/seed"
)

// Seed settlement ids.
const (
	sudzha     = "486816"
	demidovka  = "ru-bel-demidovka"
	prilesye   = "ru-bel-prilesye"
	popovka    = "ru-bel-popovka-kr"
	goptarovka = "ru-krs-goptarovka"
	gogolevka  = "ru-krs-gogolevka"
)

// seeded returns the index of a fresh store loaded with the seed data, as `make run` loads it.
func seeded(tb testing.TB) *ledger.Index {
	tb.Helper()
	ctx := context.Background()
	db := testdb.Open(tb)
	loaded, err := seed.Load(ctx, db)
	if err != nil || !loaded {
		tb.Fatalf("seed.Load = %v, %v; want true, nil", loaded, err)
	}
	ix, err := ledger.Load(ctx, db.Ledger(), ledger.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

func date(tb testing.TB, s string) ledger.Date {
	tb.Helper()
	d, err := ledger.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// views renders who says what: "ru-mod=ru black-bird-group=contested".
func views(st ledger.Status) map[string]ledger.Holder {
	m := map[string]ledger.Holder{}
	for _, v := range st.Views {
		m[v.Source] = v.Holder
	}
	return m
}

func TestSeedLedgerLoads(t *testing.T) {
	ix := seeded(t)
	n := 0
	for _, id := range ix.Settlements() {
		h, err := ix.History(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		n += len(h)
	}
	if n != ix.Len() || n != 16 {
		t.Errorf("seed ledger holds %d claims, want the 16 of data/claims.csv", n)
	}
	if got := len(ix.Sources()); got != 12 {
		t.Errorf("seed registry holds %d sources, want the 12 of data/sources.csv", got)
	}
	want := []string{sudzha, demidovka, popovka, prilesye, gogolevka, goptarovka}
	if got := ix.Settlements(); !slices.Equal(got, want) {
		t.Errorf("Settlements() = %v, want %v", got, want)
	}
	for _, s := range ix.Sources() {
		if s.Reliability != ledger.ReliabilityF {
			t.Errorf("source %s has reliability %s, want F (not judged) by default", s.ID, s.Reliability)
		}
	}
}

func TestSeedScenarios(t *testing.T) {
	ix := seeded(t)
	tests := []struct {
		name       string
		settlement string
		asOf       string
		source     string
		want       ledger.Consensus
		wantDegree ledger.Degree
		wantViews  map[string]ledger.Holder // a subset of the views
		wantStale  map[string]bool          // views expected stale
	}{
		{"Sudzha taken by Ukraine", sudzha, "2024-09-01", "", ledger.ConsensusUA, ledger.DegreeFull,
			map[string]ledger.Holder{"ua-command": "ua"}, nil},
		{"Sudzha retaken by Russia", sudzha, "2025-03-20", "", ledger.ConsensusRU, ledger.DegreeFull,
			map[string]ledger.Holder{"ru-mod": "ru", "ua-command": "ua"}, map[string]bool{"ua-command": true}},
		{"Sudzha on the day of the Russian claim", sudzha, "2025-03-13", "", ledger.ConsensusRU, ledger.DegreeFull, nil,
			map[string]bool{"ua-command": true}},
		{"Sudzha the day before: only the stale Ukrainian claim", sudzha, "2025-03-12", "", ledger.ConsensusUA, ledger.DegreeFull,
			nil, map[string]bool{"ua-command": true}},
		{"Demidovka before the incursion", demidovka, "2025-03-17", "", ledger.ConsensusUnknown, "", nil, nil},
		{"Demidovka attack repelled", demidovka, "2025-03-19", "", ledger.ConsensusRU, ledger.DegreeAttackRepelled,
			map[string]ledger.Holder{"ru-mod": "ru"}, nil},
		{"Demidovka disputed", demidovka, "2025-03-30", "", ledger.ConsensusDisputed, "",
			map[string]ledger.Holder{"ru-mod": "ru", "black-bird-group": "contested", "ru-president": "contested", "ru-milbloggers": "contested"}, nil},
		{"Demidovka as seen by Black Bird Group", demidovka, "2025-03-30", "black-bird-group", ledger.ConsensusContested, ledger.DegreePresence,
			map[string]ledger.Holder{"black-bird-group": "contested"}, nil},
		{"Popovka as seen by ISW", popovka, "2025-03-30", "isw", ledger.ConsensusUA, ledger.DegreeAdvance,
			map[string]ledger.Holder{"isw": "ua"}, nil},
		{"Popovka disputed", popovka, "2025-03-30", "", ledger.ConsensusDisputed, "",
			map[string]ledger.Holder{"isw": "ua", "romanov": "ua", "ru-milbloggers": "contested"}, nil},
		{"Gogolevka disputed between the defence ministry and DeepState", gogolevka, "2025-03-30", "", ledger.ConsensusDisputed, "",
			map[string]ledger.Holder{"ru-mod": "ru", "deepstate": "ua"}, nil},
		{"Prilesye disputed after ISW's report", prilesye, "2025-04-10", "", ledger.ConsensusDisputed, "",
			map[string]ledger.Holder{"ru-mod": "ru", "isw": "contested"}, nil},
		{"Prilesye, all stale", prilesye, "2025-06-01", "", ledger.ConsensusContested, ledger.DegreeAdvance, nil,
			map[string]bool{"ru-mod": true, "isw": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := ix.StatusOf(tt.settlement, ledger.Query{AsOf: date(t, tt.asOf), Source: tt.source})
			if st.Consensus != tt.want || st.Degree != tt.wantDegree {
				t.Errorf("StatusOf(%q, %s, %q) = %s (%q), want %s (%q); views %v", tt.settlement, tt.asOf, tt.source,
					st.Consensus, st.Degree, tt.want, tt.wantDegree, st.Views)
			}
			got := views(st)
			for src, h := range tt.wantViews {
				if got[src] != h {
					t.Errorf("StatusOf(%q, %s): %s says %q, want %q", tt.settlement, tt.asOf, src, got[src], h)
				}
			}
			for _, v := range st.Views {
				if v.Stale != tt.wantStale[v.Source] {
					t.Errorf("StatusOf(%q, %s): %s stale = %v, want %v", tt.settlement, tt.asOf, v.Source, v.Stale, tt.wantStale[v.Source])
				}
			}
		})
	}
}

func TestSeedDiff(t *testing.T) {
	ix := seeded(t)
	changes := ix.Diff(date(t, "2025-03-01"), date(t, "2025-04-10"))
	got := map[string]ledger.Change{}
	var ids []string
	for _, c := range changes {
		got[c.Settlement] = c
		ids = append(ids, c.Settlement)
	}
	// Sudzha, Demidovka, Prilesye and Popovka as the issue says; Goptarovka and Gogolevka are also new in March.
	want := []string{sudzha, demidovka, popovka, prilesye, gogolevka, goptarovka}
	if !slices.Equal(ids, want) {
		t.Fatalf("Diff(2025-03-01, 2025-04-10) lists %v, want %v", ids, want)
	}
	tests := []struct {
		settlement string
		from, to   ledger.Consensus
	}{
		{sudzha, ledger.ConsensusUA, ledger.ConsensusRU},
		{demidovka, ledger.ConsensusUnknown, ledger.ConsensusDisputed},
		{prilesye, ledger.ConsensusUnknown, ledger.ConsensusDisputed},
		{popovka, ledger.ConsensusUnknown, ledger.ConsensusDisputed},
		{goptarovka, ledger.ConsensusUnknown, ledger.ConsensusRU},
		{gogolevka, ledger.ConsensusUnknown, ledger.ConsensusDisputed},
	}
	for _, tt := range tests {
		c := got[tt.settlement]
		if c.From.Consensus != tt.from || c.To.Consensus != tt.to || !c.ConsensusChanged {
			t.Errorf("Diff: %s %s -> %s, want %s -> %s", tt.settlement, c.From.Consensus, c.To.Consensus, tt.from, tt.to)
		}
	}
	if s := got[sudzha]; !s.From.Stale || len(s.Sources) != 1 || s.Sources[0].Source != "ru-mod" || s.Sources[0].From != nil {
		t.Errorf("Diff: Sudzha = %+v, want a stale ua before and ru-mod's new view as the only source change", s)
	}
}

func TestSeedHistory(t *testing.T) {
	ix := seeded(t)
	h, err := ix.History(context.Background(), demidovka)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range h {
		ids = append(ids, e.ID)
	}
	// Oldest first by valid_at: ru-mod 18 Mar, ru-president 27 Mar, milbloggers 28 Mar (published 28),
	// Black Bird Group 28 Mar (published 31), milbloggers 7 Apr.
	if want := []int64{3, 6, 9, 14, 16}; !slices.Equal(ids, want) {
		t.Errorf("History(%s) ids = %v, want %v", demidovka, ids, want)
	}
}

func TestSeedLoadsOnce(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	if _, err := seed.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	before := testdb.Snapshot(t, db)
	loaded, err := seed.Load(ctx, db)
	if err != nil || loaded {
		t.Errorf("second seed.Load = %v, %v, want false, nil", loaded, err)
	}
	if testdb.Snapshot(t, db) != before {
		t.Error("second seed.Load changed the store")
	}
}

// TestSeedViews checks the views issue 12 names that the seed ledger already holds the claims for, through a real
// store: Prilesye, of which only Russia's defence ministry speaks, is Russian but only claimed; Gogolevka, of which
// Russia's defence ministry and DeepState spoke on the same day, is disputed once both are stale. (Sudzha's
// confirmed basis needs the regenerated seed; ledger's TestReportedScenarios checks it on the reported claims.)
func TestSeedViews(t *testing.T) {
	ix := seeded(t)
	tests := []struct {
		settlement, asOf string
		consensus        ledger.Consensus
		basis            ledger.Basis
	}{
		{prilesye, "2025-03-20", ledger.ConsensusRU, ledger.BasisClaimed},
		{gogolevka, "2025-05-15", ledger.ConsensusDisputed, ""},
	}
	for _, tt := range tests {
		st := ix.StatusOf(tt.settlement, ledger.Query{AsOf: date(t, tt.asOf)})
		if st.Consensus != tt.consensus || st.Basis != tt.basis {
			t.Errorf("StatusOf(%s, %s) = %s basis %q, want %s basis %q", tt.settlement, tt.asOf, st.Consensus, st.Basis,
				tt.consensus, tt.basis)
		}
	}
}
