package ledger_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
)

// d parses a YYYY-MM-DD date or fails the test.
func d(tb testing.TB, s string) ledger.Date {
	tb.Helper()
	v, err := ledger.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// cl is a claim under construction: id, settlement, source, holder and valid_at, published the same day.
type cl struct {
	id                   int64
	settlement, source   string
	holder               ledger.Holder
	valid, published     string
	recorded             int // minutes after a fixed instant
	supersedes, retracts int64
	degree               ledger.Degree
}

func claims(tb testing.TB, cs ...cl) []ledger.Claim {
	tb.Helper()
	base := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	out := make([]ledger.Claim, len(cs))
	for i, c := range cs {
		pub := c.published
		if pub == "" {
			pub = c.valid
		}
		deg := c.degree
		if deg == "" && c.retracts == 0 {
			deg = ledger.DegreeFull
		}
		out[i] = ledger.Claim{ID: c.id, SettlementID: c.settlement, SourceID: c.source, Holder: c.holder,
			Degree: deg, ValidAt: d(tb, c.valid), ValidPrecision: ledger.PrecisionDay, PublishedAt: d(tb, pub),
			RecordedAt: base.Add(time.Duration(c.recorded) * time.Minute), Evidence: ledger.EvidenceMapUpdate,
			Summary: fmt.Sprintf("claim %d", c.id), Credibility: ledger.CredibilityUnknown,
			Supersedes: c.supersedes, Retracts: c.retracts}
	}
	return out
}

func index(tb testing.TB, cs ...cl) *ledger.Index {
	tb.Helper()
	return ledger.NewIndex(nil, claims(tb, cs...), ledger.Options{})
}

// summary renders a status compactly: "disputed [a=ru b=contested(stale)]".
func summary(st ledger.Status) string {
	var b strings.Builder
	b.WriteString(string(st.Consensus))
	if st.Stale {
		b.WriteString(" stale")
	}
	b.WriteString(" [")
	for i, v := range st.Views {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%s#%d", v.Source, v.Holder, v.ClaimID)
		if v.Stale {
			b.WriteString("(stale)")
		}
	}
	b.WriteString("]")
	return b.String()
}

func TestStatusOf(t *testing.T) {
	const s = "sudzha"
	tests := []struct {
		name   string
		claims []cl
		asOf   string
		source string
		want   string
	}{
		{"no claims", nil, "2025-03-10", "", "unknown []"},
		{"claim on the date itself", []cl{{1, s, "a", "ru", "2025-03-10", "", 0, 0, 0, ""}}, "2025-03-10", "", "ru [a=ru#1]"},
		{"claim the day after", []cl{{1, s, "a", "ru", "2025-03-11", "", 0, 0, 0, ""}}, "2025-03-10", "", "unknown []"},
		{"published later still counts from valid_at", []cl{{1, s, "a", "ru", "2025-03-10", "2025-03-20", 0, 0, 0, ""}},
			"2025-03-12", "", "ru [a=ru#1]"},
		{"latest claim of a source wins", []cl{
			{1, s, "a", "ua", "2025-03-01", "", 0, 0, 0, ""},
			{2, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
		}, "2025-03-10", "", "ru [a=ru#2]"},
		{"same day: later published wins", []cl{
			{1, s, "a", "ua", "2025-03-05", "2025-03-07", 0, 0, 0, ""},
			{2, s, "a", "ru", "2025-03-05", "2025-03-06", 1, 0, 0, ""},
		}, "2025-03-10", "", "ua [a=ua#1]"},
		{"same day, same publication: later recorded wins", []cl{
			{1, s, "a", "ua", "2025-03-05", "", 5, 0, 0, ""},
			{2, s, "a", "ru", "2025-03-05", "", 1, 0, 0, ""},
		}, "2025-03-10", "", "ua [a=ua#1]"},
		{"same day, same publication and record time: later id wins", []cl{
			{1, s, "a", "ua", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
		}, "2025-03-10", "", "ru [a=ru#2]"},
		{"retraction removes the claim", []cl{
			{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "a", "unknown", "2025-03-06", "", 0, 0, 1, ""},
		}, "2025-03-10", "", "unknown []"},
		{"retraction brings back the earlier view", []cl{
			{1, s, "a", "ua", "2025-03-01", "", 0, 0, 0, ""},
			{2, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{3, s, "a", "unknown", "2025-03-06", "", 0, 0, 2, ""},
		}, "2025-03-10", "", "ua [a=ua#1]"},
		{"superseding claim replaces the superseded one", []cl{
			{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "a", "contested", "2025-03-05", "2025-03-08", 0, 1, 0, ""},
		}, "2025-03-10", "", "contested [a=contested#2]"},
		{"superseded claim is gone even before its replacement is valid", []cl{
			{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "a", "ua", "2025-03-08", "", 0, 1, 0, ""},
		}, "2025-03-06", "", "unknown []"},
		{"disagreement is a dispute", []cl{
			{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "b", "ua", "2025-03-06", "", 0, 0, 0, ""},
		}, "2025-03-10", "", "disputed [a=ru#1 b=ua#2]"},
		{"ru against contested is a dispute", []cl{
			{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "b", "contested", "2025-03-06", "", 0, 0, 0, ""},
		}, "2025-03-10", "", "disputed [a=ru#1 b=contested#2]"},
		{"everyone contested", []cl{
			{1, s, "a", "contested", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "b", "contested", "2025-03-06", "", 0, 0, 0, ""},
		}, "2025-03-10", "", "contested [a=contested#1 b=contested#2]"},
		{"unknown abstains", []cl{
			{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "b", "unknown", "2025-03-06", "", 0, 0, 0, ""},
		}, "2025-03-10", "", "ru [a=ru#1 b=unknown#2]"},
		{"only unknown", []cl{{1, s, "b", "unknown", "2025-03-06", "", 0, 0, 0, ""}}, "2025-03-10", "", "unknown [b=unknown#1]"},
		{"30 days old is current", []cl{{1, s, "a", "ru", "2025-03-01", "", 0, 0, 0, ""}}, "2025-03-31", "", "ru [a=ru#1]"},
		{"31 days old is stale", []cl{{1, s, "a", "ru", "2025-03-01", "", 0, 0, 0, ""}}, "2025-04-01", "", "ru stale [a=ru#1(stale)]"},
		{"stale view does not vote", []cl{
			{1, s, "a", "ua", "2024-08-15", "", 0, 0, 0, ""},
			{2, s, "b", "ru", "2025-03-13", "", 0, 0, 0, ""},
		}, "2025-03-20", "", "ru [a=ua#1(stale) b=ru#2]"},
		{"all stale: latest claim's holder, stale", []cl{
			{1, s, "a", "ua", "2025-01-10", "", 0, 0, 0, ""},
			{2, s, "b", "ru", "2025-01-20", "", 0, 0, 0, ""},
			{3, s, "c", "contested", "2025-01-15", "", 0, 0, 0, ""},
		}, "2025-04-01", "", "ru stale [a=ua#1(stale) b=ru#2(stale) c=contested#3(stale)]"},
		{"all stale, the latest day disagrees: disputed, not the last row's holder", []cl{
			{1, s, "a", "ua", "2025-01-10", "2025-01-12", 0, 0, 0, ""},
			{2, s, "b", "ru", "2025-01-10", "2025-01-11", 0, 0, 0, ""},
		}, "2025-04-01", "", "disputed stale [a=ua#1(stale) b=ru#2(stale)]"},
		{"all stale, the latest day agrees: earlier days do not count", []cl{
			{1, s, "a", "ua", "2025-01-09", "", 0, 0, 0, ""},
			{2, s, "b", "ru", "2025-01-10", "", 0, 0, 0, ""},
			{3, s, "c", "ru", "2025-01-10", "", 0, 0, 0, ""},
		}, "2025-04-01", "", "ru stale [a=ua#1(stale) b=ru#2(stale) c=ru#3(stale)]"},
		{"all stale, the latest day: unknown abstains", []cl{
			{1, s, "a", "unknown", "2025-01-10", "2025-01-12", 0, 0, 0, ""},
			{2, s, "b", "ru", "2025-01-10", "", 0, 0, 0, ""},
		}, "2025-04-01", "", "ru stale [a=unknown#1(stale) b=ru#2(stale)]"},
		{"current unknown after stale claims", []cl{
			{1, s, "a", "ua", "2025-01-10", "", 0, 0, 0, ""},
			{2, s, "b", "unknown", "2025-03-30", "", 0, 0, 0, ""},
		}, "2025-04-01", "", "unknown [a=ua#1(stale) b=unknown#2]"},
		{"one source's view", []cl{
			{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "b", "ua", "2025-03-06", "", 0, 0, 0, ""},
		}, "2025-03-10", "b", "ua [b=ua#2]"},
		{"one source's view, stale", []cl{
			{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
			{2, s, "b", "ua", "2025-01-06", "", 0, 0, 0, ""},
		}, "2025-03-10", "b", "ua stale [b=ua#2(stale)]"},
		{"one source that never spoke", []cl{{1, s, "a", "ru", "2025-03-05", "", 0, 0, 0, ""}}, "2025-03-10", "z", "unknown []"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := index(t, tt.claims...)
			got := ix.StatusOf(s, ledger.Query{AsOf: d(t, tt.asOf), Source: tt.source})
			if summary(got) != tt.want {
				t.Errorf("StatusOf(%q, %s, %q) = %s, want %s", s, tt.asOf, tt.source, summary(got), tt.want)
			}
			if got.Disputed != (got.Consensus == ledger.ConsensusDisputed) {
				t.Errorf("Disputed = %v with consensus %s", got.Disputed, got.Consensus)
			}
			if got.Sources != len(got.Views) {
				t.Errorf("Sources = %d, want %d", got.Sources, len(got.Views))
			}
			// StatusAll agrees with StatusOf.
			for _, st := range ix.StatusAll(ledger.Query{AsOf: d(t, tt.asOf), Source: tt.source}) {
				if st.Settlement == s && summary(st) != tt.want {
					t.Errorf("StatusAll(%s, %q)[%s] = %s, want %s", tt.asOf, tt.source, s, summary(st), tt.want)
				}
			}
		})
	}
}

func TestStatusFields(t *testing.T) {
	ix := index(t,
		cl{1, "x", "a", "ru", "2025-03-01", "", 0, 0, 0, ledger.DegreeFull},
		cl{2, "x", "b", "ru", "2025-03-04", "2025-03-06", 0, 0, 0, ledger.DegreeFull},
		cl{3, "x", "c", "ru", "2025-03-02", "", 0, 0, 0, ledger.DegreePartial},
		cl{4, "x", "d", "ua", "2024-12-01", "", 0, 0, 0, ledger.DegreeFull},
	)
	st := ix.StatusOf("x", ledger.Query{AsOf: d(t, "2025-03-10")})
	if st.Consensus != ledger.ConsensusRU || st.Degree != "" || st.Disputed || st.Stale {
		t.Errorf("consensus = %s (%q) disputed=%v stale=%v, want ru with no single degree", st.Consensus, st.Degree, st.Disputed, st.Stale)
	}
	if st.Sources != 4 || st.Voting != 3 {
		t.Errorf("Sources, Voting = %d, %d, want 4, 3", st.Sources, st.Voting)
	}
	if st.Latest != d(t, "2025-03-04") {
		t.Errorf("Latest = %s, want 2025-03-04", st.Latest)
	}
	v := st.Views[1]
	if v.Source != "b" || v.AgeDays != 6 || v.PublishedAt != d(t, "2025-03-06") || v.ClaimID != 2 {
		t.Errorf("Views[1] = %+v, want source b, 6 days old, published 2025-03-06, claim 2", v)
	}
	if got := ix.StatusOf("x", ledger.Query{AsOf: d(t, "2025-03-10"), Source: "c"}).Degree; got != ledger.DegreePartial {
		t.Errorf("StatusOf(x, c).Degree = %q, want partial", got)
	}
}

func TestStaleWindow(t *testing.T) {
	ix := index(t, cl{1, "x", "a", "ru", "2025-03-01", "", 0, 0, 0, ""})
	asOf := d(t, "2025-03-11")
	tests := []struct {
		days      int
		wantStale bool
	}{{0, false}, {30, false}, {10, false}, {9, true}, {-1, false}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.days), func(t *testing.T) {
			st := ix.WithStaleDays(tt.days).StatusOf("x", ledger.Query{AsOf: asOf})
			if st.Stale != tt.wantStale {
				t.Errorf("WithStaleDays(%d).StatusOf(x, %s).Stale = %v, want %v", tt.days, asOf, st.Stale, tt.wantStale)
			}
		})
	}
	if ix.StaleDays() != ledger.DefaultStaleDays {
		t.Errorf("StaleDays() = %d, want %d", ix.StaleDays(), ledger.DefaultStaleDays)
	}
}

func TestStatusAll(t *testing.T) {
	ix := index(t,
		cl{1, "b", "s1", "ru", "2025-03-01", "", 0, 0, 0, ""},
		cl{2, "a", "s1", "ua", "2025-03-01", "", 0, 0, 0, ""},
		cl{3, "a", "s2", "ua", "2025-03-02", "", 0, 0, 0, ""},
		cl{4, "c", "s2", "ru", "2025-04-01", "", 0, 0, 0, ""},
	)
	got := ix.StatusAll(ledger.Query{AsOf: d(t, "2025-03-05")})
	var lines []string
	for _, st := range got {
		lines = append(lines, st.Settlement+": "+summary(st))
	}
	want := []string{"a: ua [s1=ua#2 s2=ua#3]", "b: ru [s1=ru#1]", "c: unknown []"}
	if !slices.Equal(lines, want) {
		t.Errorf("StatusAll(2025-03-05) = %q, want %q", lines, want)
	}
	// Views of one status must not alias another's.
	got[0].Views = append(got[0].Views, ledger.SourceView{Source: "zz"})
	if got[1].Views[0].Source != "s1" {
		t.Errorf("appending to one status's views changed the next: %+v", got[1].Views)
	}
	one := ix.StatusAll(ledger.Query{AsOf: d(t, "2025-03-05"), Source: "s2"})
	if len(one) != 3 || summary(one[0]) != "ua [s2=ua#3]" || summary(one[1]) != "unknown []" {
		t.Errorf("StatusAll(2025-03-05, s2) = %v", one)
	}
}

func TestHistory(t *testing.T) {
	ix := index(t,
		cl{1, "x", "a", "ru", "2025-03-05", "", 0, 0, 0, ""},
		cl{2, "x", "b", "ua", "2025-03-01", "", 0, 0, 0, ""},
		cl{3, "x", "a", "contested", "2025-03-05", "2025-03-09", 0, 1, 0, ""},
		cl{4, "x", "b", "unknown", "2025-03-10", "", 0, 0, 2, ""},
		cl{5, "y", "a", "ru", "2025-03-01", "", 0, 0, 0, ""},
	)
	h, err := ix.History(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range h {
		got = append(got, fmt.Sprintf("%d:%s sup=%d ret=%d by=%d/%d inforce=%v", e.ID, e.ValidAt, e.Supersedes, e.Retracts,
			e.SupersededBy, e.RetractedBy, e.InForce()))
	}
	want := []string{
		"2:2025-03-01 sup=0 ret=0 by=0/4 inforce=false",
		"1:2025-03-05 sup=0 ret=0 by=3/0 inforce=false",
		"3:2025-03-05 sup=1 ret=0 by=0/0 inforce=true",
		"4:2025-03-10 sup=0 ret=2 by=0/0 inforce=false",
	}
	if !slices.Equal(got, want) {
		t.Errorf("History(x) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	all, err := ix.Entries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range all {
		ids = append(ids, fmt.Sprintf("%d:%d/%d", e.ID, e.SupersededBy, e.RetractedBy))
	}
	if want := []string{"1:3/0", "2:0/4", "3:0/0", "4:0/0", "5:0/0"}; !slices.Equal(ids, want) {
		t.Errorf("Entries() = %v, want %v", ids, want)
	}
	if h, err := ix.History(context.Background(), "nowhere"); err != nil || len(h) != 0 {
		t.Errorf("History(nowhere) = %v, want empty", h)
	}
}

func TestDiff(t *testing.T) {
	ix := index(t,
		cl{1, "same", "a", "ru", "2025-03-01", "", 0, 0, 0, ""},
		cl{2, "same", "a", "ru", "2025-03-20", "", 0, 0, 0, ""}, // repeats: no change
		cl{3, "flip", "a", "ua", "2025-03-01", "", 0, 0, 0, ""},
		cl{4, "flip", "a", "ru", "2025-03-15", "", 0, 0, 0, ""},
		cl{5, "new", "a", "ru", "2025-03-15", "", 0, 0, 0, ""},
		cl{6, "view", "a", "ru", "2025-03-01", "", 0, 0, 0, ""},
		cl{7, "view", "b", "unknown", "2025-03-15", "", 0, 0, 0, ""}, // new view, same consensus
		cl{8, "deg", "a", "ru", "2025-03-01", "", 0, 0, 0, ledger.DegreePartial},
		cl{9, "deg", "a", "ru", "2025-03-15", "", 0, 0, 0, ledger.DegreeFull},
		cl{10, "later", "a", "ru", "2025-04-15", "", 0, 0, 0, ""},
	)
	var got []string
	for _, c := range ix.Diff(d(t, "2025-03-10"), d(t, "2025-03-25")) {
		s := fmt.Sprintf("%s %s->%s", c.Settlement, c.From.Consensus, c.To.Consensus)
		for _, sc := range c.Sources {
			from, to := "none", "none"
			if sc.From != nil {
				from = fmt.Sprintf("%s/%s", sc.From.Holder, sc.From.Degree)
			}
			if sc.To != nil {
				to = fmt.Sprintf("%s/%s", sc.To.Holder, sc.To.Degree)
			}
			s += fmt.Sprintf(" %s:%s->%s", sc.Source, from, to)
		}
		got = append(got, s)
	}
	want := []string{
		"deg ru->ru a:ru/partial->ru/full",
		"flip ua->ru a:ua/full->ru/full",
		"new unknown->ru a:none->ru/full",
		"view ru->ru b:none->unknown/full",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diff(2025-03-10, 2025-03-25) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestIndexAccessors(t *testing.T) {
	srcs := []ledger.Source{{ID: "z", Name: "Z"}, {ID: "a", Name: "A"}}
	ix := ledger.NewIndex(srcs, claims(t, cl{7, "x", "a", "ru", "2025-03-01", "", 0, 0, 0, ""}), ledger.Options{StaleDays: 5})
	if s, ok := ix.Source("z"); !ok || s.Name != "Z" {
		t.Errorf("Source(z) = %v, %v, want Z", s, ok)
	}
	if _, ok := ix.Source("q"); ok {
		t.Error("Source(q) found, want not found")
	}
	if got := ix.Sources(); got[0].ID != "a" {
		t.Errorf("Sources() = %v, want ordered by id", got)
	}
	if ix.Len() != 1 || ix.LastID() != 7 {
		t.Errorf("Len(), LastID() = %d, %d, want 1, 7", ix.Len(), ix.LastID())
	}
	if got := ix.Settlements(); !slices.Equal(got, []string{"x"}) {
		t.Errorf("Settlements() = %v, want [x]", got)
	}
	if ix.StaleDays() != 5 {
		t.Errorf("StaleDays() = %d, want 5", ix.StaleDays())
	}
}
