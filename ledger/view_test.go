package ledger_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
)

// aligned are sources of each alignment for the basis tests: r1, r2 Russian, u1 Ukrainian, i1 independent.
var aligned = []ledger.Source{
	{ID: "r1", Alignment: ledger.AlignmentRU}, {ID: "r2", Alignment: ledger.AlignmentRU},
	{ID: "u1", Alignment: ledger.AlignmentUA}, {ID: "i1", Alignment: ledger.AlignmentIndependent},
}

func TestBasis(t *testing.T) {
	const s = "x"
	tests := []struct {
		name   string
		claims []cl
		asOf   string
		want   string // consensus/basis
	}{
		{"one partisan claim is claimed", []cl{{1, s, "r1", "ru", "2025-03-10", "", 0, 0, 0, ""}}, "2025-03-12", "ru/claimed"},
		{"two sources of the holder's side are still claimed", []cl{
			{1, s, "r1", "ru", "2025-03-10", "", 0, 0, 0, ""},
			{2, s, "r2", "ru", "2025-03-11", "", 0, 0, 0, ""},
		}, "2025-03-12", "ru/claimed"},
		{"the other side conceding confirms", []cl{
			{1, s, "r1", "ru", "2025-03-10", "", 0, 0, 0, ""},
			{2, s, "u1", "ru", "2025-03-11", "", 0, 0, 0, ""},
		}, "2025-03-12", "ru/confirmed"},
		{"an independent source confirms", []cl{{1, s, "i1", "ua", "2025-03-10", "", 0, 0, 0, ""}}, "2025-03-12", "ua/confirmed"},
		{"a Ukrainian claim of Ukrainian control is claimed", []cl{{1, s, "u1", "ua", "2025-03-10", "", 0, 0, 0, ""}}, "2025-03-12", "ua/claimed"},
		{"a stale concession does not confirm", []cl{
			{1, s, "u1", "ru", "2025-01-10", "", 0, 0, 0, ""},
			{2, s, "r1", "ru", "2025-03-11", "", 0, 0, 0, ""},
		}, "2025-03-12", "ru/claimed"},
		{"an unregistered source does not confirm", []cl{
			{1, s, "r1", "ru", "2025-03-10", "", 0, 0, 0, ""},
			{2, s, "nobody", "ru", "2025-03-11", "", 0, 0, 0, ""},
		}, "2025-03-12", "ru/claimed"},
		{"contested by one side is claimed", []cl{{1, s, "r1", "contested", "2025-03-10", "", 0, 0, 0, ""}}, "2025-03-12", "contested/claimed"},
		{"contested by both sides is confirmed", []cl{
			{1, s, "r1", "contested", "2025-03-10", "", 0, 0, 0, ""},
			{2, s, "u1", "contested", "2025-03-10", "", 0, 0, 0, ""},
		}, "2025-03-12", "contested/confirmed"},
		{"disputed has no basis", []cl{
			{1, s, "r1", "ru", "2025-03-10", "", 0, 0, 0, ""},
			{2, s, "i1", "ua", "2025-03-10", "", 0, 0, 0, ""},
		}, "2025-03-12", "disputed/"},
		{"all stale: the latest day's sources give the basis", []cl{
			{1, s, "r1", "ru", "2025-01-10", "", 0, 0, 0, ""},
			{2, s, "i1", "ru", "2025-01-10", "", 0, 0, 0, ""},
		}, "2025-04-12", "ru/confirmed"},
		{"all stale: an older concession does not count", []cl{
			{1, s, "u1", "ru", "2025-01-09", "", 0, 0, 0, ""},
			{2, s, "r1", "ru", "2025-01-10", "", 0, 0, 0, ""},
		}, "2025-04-12", "ru/claimed"},
		{"no view, no basis", []cl{{1, s, "r1", "ru", "2025-03-10", "", 0, 0, 0, ""}}, "2025-03-01", "unknown/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := ledger.NewIndex(aligned, claims(t, tt.claims...), ledger.Options{})
			q := ledger.Query{AsOf: d(t, tt.asOf)}
			st := ix.StatusOf(s, q)
			if got := fmt.Sprintf("%s/%s", st.Consensus, st.Basis); got != tt.want {
				t.Errorf("StatusOf(%s, %s) = %s, want %s (%s)", s, tt.asOf, got, tt.want, summary(st))
			}
			if all := ix.StatusAll(q); len(all) != 1 || all[0].Basis != st.Basis {
				t.Errorf("StatusAll(%s) = %+v, want the basis of StatusOf, %q", tt.asOf, all, st.Basis)
			}
		})
	}
}

func TestKnownOn(t *testing.T) {
	const s = "x"
	cs := []cl{
		{1, s, "a", "ua", "2025-03-01", "2025-03-02", 0, 0, 0, ""},
		{2, s, "a", "ru", "2025-03-05", "2025-03-09", 0, 0, 0, ""},        // published late
		{3, s, "b", "ru", "2025-03-03", "2025-03-03", 0, 0, 0, ""},        //
		{4, s, "b", "contested", "2025-03-03", "2025-03-08", 0, 3, 0, ""}, // corrects 3 on the 8th
		{5, s, "c", "ua", "2025-03-04", "2025-03-04", 0, 0, 0, ""},
		{6, s, "c", "unknown", "2025-03-06", "2025-03-07", 0, 0, 5, ""}, // retracts 5 on the 7th
	}
	tests := []struct {
		knownOn string
		want    string
	}{
		{"", "disputed [a=ru#2 b=contested#4]"},
		{"2025-03-01", "unknown []"},
		{"2025-03-03", "disputed [a=ua#1 b=ru#3]"},
		{"2025-03-06", "disputed [a=ua#1 b=ru#3 c=ua#5]"},
		{"2025-03-07", "disputed [a=ua#1 b=ru#3]"},
		{"2025-03-08", "disputed [a=ua#1 b=contested#4]"},
		{"2025-03-09", "disputed [a=ru#2 b=contested#4]"},
		{"2025-12-31", "disputed [a=ru#2 b=contested#4]"},
	}
	ix := index(t, cs...)
	asOf := d(t, "2025-03-10")
	for _, tt := range tests {
		t.Run(tt.knownOn, func(t *testing.T) {
			q := ledger.Query{AsOf: asOf}
			if tt.knownOn != "" {
				q.KnownOn = d(t, tt.knownOn)
			}
			st := ix.StatusOf(s, q)
			if summary(st) != tt.want {
				t.Errorf("StatusOf(%s, known on %s) = %s, want %s", s, tt.knownOn, summary(st), tt.want)
			}
			if st.KnownOn != q.KnownOn {
				t.Errorf("KnownOn = %s, want %s", st.KnownOn, q.KnownOn)
			}
			if all := ix.StatusAll(q); summary(all[0]) != tt.want {
				t.Errorf("StatusAll(known on %s) = %s, want %s", tt.knownOn, summary(all[0]), tt.want)
			}
		})
	}
	// One source's view with a cut-off.
	q := ledger.Query{AsOf: asOf, Source: "b", KnownOn: d(t, "2025-03-07")}
	if got := summary(ix.StatusOf(s, q)); got != "ru [b=ru#3]" {
		t.Errorf("StatusOf(%s, source b, known on 2025-03-07) = %s, want ru [b=ru#3]", s, got)
	}
}

func TestDefaultAsOf(t *testing.T) {
	ix := index(t,
		cl{1, "x", "a", "ru", "2025-03-01", "2025-03-02", 0, 0, 0, ""},
		cl{2, "x", "a", "ru", "2025-04-12", "2025-04-20", 0, 0, 0, ""},
		cl{3, "y", "a", "ru", "2025-06-01", "", 0, 0, 0, ""},
		cl{4, "y", "a", "unknown", "2025-06-02", "", 0, 0, 3, ""}, // retracts 3: no longer describes 1 June
	)
	tests := []struct {
		today, knownOn, want string
	}{
		{"2026-11-29", "", "2025-04-12"},           // every claim stale: the latest claim's date
		{"2025-05-12", "", "2025-05-12"},           // 30 days after the latest: still today
		{"2025-05-13", "", "2025-04-12"},           // 31 days: the latest claim's date
		{"2025-04-15", "", "2025-04-15"},           // a recent claim: today
		{"2026-11-29", "2025-04-19", "2025-03-01"}, // claim 2 not yet published
		{"2026-11-29", "2025-03-20", "2025-03-20"}, // the cut-off day is "today", claim 1 is 19 days old
		{"2026-11-29", "2025-02-01", "2025-02-01"}, // nothing published: the cut-off day
		{"2026-11-29", "2025-06-01", "2025-06-01"}, // claim 3 not yet retracted and current on the cut-off day
	}
	for _, tt := range tests {
		t.Run(tt.today+"/"+tt.knownOn, func(t *testing.T) {
			var known ledger.Date
			if tt.knownOn != "" {
				known = d(t, tt.knownOn)
			}
			if got := ix.DefaultAsOf(d(t, tt.today), known); got != d(t, tt.want) {
				t.Errorf("DefaultAsOf(%s, %s) = %s, want %s", tt.today, tt.knownOn, got, tt.want)
			}
		})
	}
	empty := ledger.NewIndex(nil, nil, ledger.Options{})
	if got := empty.DefaultAsOf(d(t, "2026-11-29"), ledger.Date{}); got != d(t, "2026-11-29") {
		t.Errorf("empty ledger: DefaultAsOf = %s, want today", got)
	}
}

// reported loads testdata/reported-claims.csv (a copy of the reported claims of ../shared/data, settlements named
// by their names) and testdata/sources.csv, numbering the claims in file order.
func reported(tb testing.TB) *ledger.Index {
	tb.Helper()
	var sources []ledger.Source
	f, err := os.Open("testdata/sources.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := ledger.ReadSources(f, f.Name(), func(_ int, s ledger.Source) error {
		sources = append(sources, s)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	g, err := os.Open("testdata/reported-claims.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer g.Close()
	var cs []ledger.Claim
	base := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	if err := ledger.ReadClaims(g, g.Name(), func(_ int, c ledger.Claim) error {
		c.ID = int64(len(cs) + 1)
		c.RecordedAt = base.Add(time.Duration(c.ID) * time.Second)
		cs = append(cs, c)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	if len(cs) != 24 {
		tb.Fatalf("read %d reported claims, want 24", len(cs))
	}
	return ledger.NewIndex(sources, cs, ledger.Options{})
}

// TestReportedScenarios checks the views issue 12 names over the reported claims.
func TestReportedScenarios(t *testing.T) {
	ix := reported(t)
	tests := []struct {
		settlement, asOf string
		consensus        ledger.Consensus
		basis            ledger.Basis
		stale            bool
	}{
		// Only Russia's defence ministry speaks of Prilesye.
		{"Prilesye", "2025-03-20", ledger.ConsensusRU, ledger.BasisClaimed, false},
		// Russia's defence ministry, and DeepState and the Ukrainian General Staff conceding.
		{"Sudzha", "2025-03-20", ledger.ConsensusRU, ledger.BasisConfirmed, false},
		// Russia's defence ministry and DeepState on the same day, both stale by 15 May.
		{"Gogolevka", "2025-05-15", ledger.ConsensusDisputed, "", true},
		// Before the Ukrainian side conceded, only Russia's defence ministry said Sudzha was retaken.
		{"Sudzha", "2025-03-14", ledger.ConsensusRU, ledger.BasisClaimed, false},
	}
	for _, tt := range tests {
		t.Run(tt.settlement+"/"+tt.asOf, func(t *testing.T) {
			st := ix.StatusOf(tt.settlement, ledger.Query{AsOf: d(t, tt.asOf)})
			if st.Consensus != tt.consensus || st.Basis != tt.basis || st.Stale != tt.stale {
				t.Errorf("StatusOf(%s, %s) = %s basis %q stale %v, want %s basis %q stale %v (%s)", tt.settlement, tt.asOf,
					st.Consensus, st.Basis, st.Stale, tt.consensus, tt.basis, tt.stale, summary(st))
			}
		})
	}
	// Opened on 29 November 2026, the map shows the latest claims' date, 12 April 2025.
	if got := ix.DefaultAsOf(d(t, "2026-11-29"), ledger.Date{}); got != d(t, "2025-04-12") {
		t.Errorf("DefaultAsOf(2026-11-29) = %s, want 2025-04-12", got)
	}
}
