package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/sqlite"
)

// ledgerNow is the clock of the ledger tests: claims published after 2025-06-01 are in the future.
func ledgerNow() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }

const testSources = `id,name,kind,alignment,url,notes
isw,Institute for the Study of War,analyst organisation,independent,https://www.understandingwar.org/,
ru-mod,Russian Ministry of Defence,official,ru,https://mil.ru/,
deepstate,DeepState,OSINT map,ua,https://deepstatemap.live/,
`

const claimsHead = "id,settlement,source,holder,degree,valid_at,valid_precision,published_at,relayed_by,relay_url,evidence,summary,credibility,supersedes,retracts\n"

// ledgerDB returns a store with the seed settlements and three sources, and a Recorder on it.
func ledgerDB(tb testing.TB) (*sqlite.DB, ledger.Recorder) {
	tb.Helper()
	db := testdb.Places(tb)
	rec := ledger.Recorder{Store: db.Ledger(), Places: db.Gazetteer(), Now: ledgerNow}
	if _, err := rec.ImportSources(context.Background(), strings.NewReader(testSources), "sources.csv"); err != nil {
		tb.Fatal(err)
	}
	return db, rec
}

func importClaims(tb testing.TB, rec ledger.Recorder, csv string) ledger.ImportStats {
	tb.Helper()
	st, err := rec.ImportClaims(context.Background(), strings.NewReader(claimsHead+csv), "claims.csv")
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

func TestLedgerRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, rec := ledgerDB(t)
	v0, _ := db.Ledger().Version(ctx)
	st := importClaims(t, rec,
		"5,ru-krs-sudzha,ru-mod,ru,full,2025-03-13,day,2025-03-13,TASS; Kyiv Independent,https://example.org/a,official statement,Retook Sudzha.,2,,\n"+
			",ru-bel-demidovka,isw,unknown,,2025-03-20,week,2025-03-21,,,analyst-assessment,Unclear.,,,\n")
	if st.Claims != 2 || st.FirstID != 5 || st.LastID != 6 {
		t.Errorf("ImportClaims = %+v, want 2 claims, ids 5..6", st)
	}
	if v1, _ := db.Ledger().Version(ctx); v1 <= v0 {
		t.Errorf("Version after import = %d, want > %d", v1, v0)
	}
	cs, err := db.Ledger().Claims(ctx, ledger.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := ledger.Claim{ID: 5, SettlementID: "486816", SourceID: "ru-mod", Holder: ledger.HolderRU, Degree: ledger.DegreeFull,
		ValidAt: ledger.MakeDate(2025, 3, 13), ValidPrecision: ledger.PrecisionDay, PublishedAt: ledger.MakeDate(2025, 3, 13),
		RelayedBy: "TASS; Kyiv Independent", RelayURL: "https://example.org/a", Evidence: ledger.EvidenceOfficialStatement,
		Summary: "Retook Sudzha.", Credibility: 2}
	got := cs[0]
	if got.RecordedAt.IsZero() || !got.RecordedAt.Equal(ledgerNow().Truncate(time.Millisecond)) {
		t.Errorf("RecordedAt = %v, want the recorder's clock %v", got.RecordedAt, ledgerNow())
	}
	got.RecordedAt = time.Time{}
	if len(cs) != 2 || got != want {
		t.Errorf("Claims()[0] = %+v\nwant %+v", got, want)
	}
	if cs[1].ID != 6 || cs[1].Degree != "" || cs[1].Holder != ledger.HolderUnknown || cs[1].Credibility != 6 {
		t.Errorf("Claims()[1] = %+v, want id 6, unknown holder, no degree, credibility 6", cs[1])
	}
	for _, tt := range []struct {
		f    ledger.ClaimFilter
		want int
	}{{ledger.ClaimFilter{Settlement: "486816"}, 1}, {ledger.ClaimFilter{Source: "isw"}, 1}, {ledger.ClaimFilter{Source: "deepstate"}, 0},
		{ledger.ClaimFilter{AfterID: 5}, 1}, {ledger.ClaimFilter{AfterID: 6}, 0}, {ledger.ClaimFilter{Limit: 1}, 1},
		{ledger.ClaimFilter{AfterID: 4, Limit: 5, NoText: true}, 2}} {
		if cs, err := db.Ledger().Claims(ctx, tt.f); err != nil || len(cs) != tt.want {
			t.Errorf("Claims(%+v) = %d claims, %v, want %d", tt.f, len(cs), err, tt.want)
		}
	}
	srcs, err := db.Ledger().Sources(ctx)
	if err != nil || len(srcs) != 3 || srcs[0].ID != "deepstate" || srcs[1].URL != "https://www.understandingwar.org/" ||
		srcs[1].Reliability != ledger.ReliabilityF {
		t.Errorf("Sources() = %+v, %v", srcs, err)
	}
}

// thousandRows returns a thousand good claim rows, ids 1 to 1000, about Sudzha.
func thousandRows() string {
	var b strings.Builder
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&b, "%d,486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,claim %d,,,\n", i, i)
	}
	return b.String()
}

// TestClaimsAppendOnly proves that SQL itself refuses to change or remove a claim.
func TestClaimsAppendOnly(t *testing.T) {
	ctx := context.Background()
	db, rec := ledgerDB(t)
	importClaims(t, rec, "1,486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,official-statement,Retook Sudzha.,,,\n")
	before := testdb.Snapshot(t, db)
	for _, q := range []string{
		"UPDATE claims SET holder = 'ua' WHERE id = 1",
		"UPDATE claims SET summary = summary",
		"DELETE FROM claims WHERE id = 1",
		"DELETE FROM claims",
		`INSERT OR REPLACE INTO claims (id, settlement_id, source_id, holder, degree, valid_at, published_at, recorded_at,
			evidence, summary) VALUES (1, '486816', 'isw', 'ua', 'full', '2025-03-13', '2025-03-13', 'x', 'map-update', 'y')`,
		`INSERT INTO claims (settlement_id, source_id, holder, degree, valid_at, published_at, recorded_at, evidence,
			summary) VALUES ('486816', 'isw', 'ua', 'full', '2025-03-13', '2025-03-13', 'x', 'map-update', 'y')
			ON CONFLICT DO NOTHING`, // not a violation: must succeed, checked below
	} {
		_, err := db.ReadPool().ExecContext(ctx, q)
		if strings.Contains(q, "ON CONFLICT") {
			if err != nil {
				t.Errorf("plain insert failed: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error = %v, want the append-only trigger", q, err)
		}
	}
	after := testdb.Snapshot(t, db)
	if !strings.Contains(after, "Retook Sudzha.") || strings.Count(after, "\n") != strings.Count(before, "\n")+1 {
		t.Errorf("the claims table changed beyond one appended row")
	}
}

// TestImportAtomic proves that an import with one bad row records nothing, and that the error names the row and
// field.
func TestImportAtomic(t *testing.T) {
	const good = "1,486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,official-statement,Retook Sudzha.,,,\n"
	tests := []struct {
		name     string
		rows     string
		line     int
		field    string
		sentinel error
		msg      string // a substring of the error
	}{
		{"unknown settlement", good + "2,Sudja,isw,ua,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			3, "settlement", ledger.ErrUnknownSettlement, "did you mean 486816 (Sudzha, Sudzhansky District, Kursk Oblast, RU)"},
		{"unknown settlement by name of several", good + "2,Popovka,isw,ua,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			3, "settlement", ledger.ErrUnknownSettlement, "ru-bel-popovka-kr (Popovka, Krasnoyaruzhsky District"},
		{"unknown settlement, nothing similar", good + "2,ru-xx-nowhere,isw,ua,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			3, "settlement", ledger.ErrUnknownSettlement, "not in the gazetteer"},
		{"unknown source", good + "2,486816,rybar,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			3, "source", ledger.ErrUnknownSource, "not in the source registry"},
		{"bad holder", good + "2,486816,isw,russia,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			3, "holder", ledger.ErrInvalid, "want one of ru, ua, contested, unknown"},
		{"bad degree", good + "2,486816,isw,ru,captured,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			3, "degree", ledger.ErrInvalid, "want one of full, partial"},
		{"malformed date", good + "2,486816,isw,ru,full,2025-3-13,day,2025-03-13,,,map-update,x,,,\n",
			3, "valid_at", ledger.ErrInvalid, "YYYY-MM-DD"},
		{"published in the future", good + "2,486816,isw,ru,full,2025-06-01,day,2025-06-02,,,map-update,x,,,\n",
			3, "published_at", ledger.ErrInvalid, "in the future (today is 2025-06-01)"},
		{"valid after published", good + "2,486816,isw,ru,full,2025-03-14,day,2025-03-13,,,map-update,x,,,\n",
			3, "valid_at", ledger.ErrInvalid, "after published_at 2025-03-13"},
		{"supersedes an unknown claim", good + "2,486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,9,\n",
			3, "supersedes", ledger.ErrUnknownClaim, "no such claim"},
		{"supersedes a later row", "1,486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,2,\n" + strings.TrimPrefix(good, "1,"),
			2, "supersedes", ledger.ErrUnknownClaim, "no such claim"},
		{"corrects another settlement", good + "2,ru-bel-prilesye,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,1,\n",
			3, "supersedes", ledger.ErrInvalid, "same settlement"},
		{"corrects twice", good + "2,486816,ru-mod,ua,full,2025-03-13,day,2025-03-14,,,map-update,x,,1,\n" +
			"3,486816,ru-mod,,,2025-03-15,day,2025-03-15,,,map-update,y,,,1\n",
			4, "retracts", ledger.ErrExists, "already superseded or retracted by claim 2"},
		{"retracts a retraction", good + "2,486816,ru-mod,,,2025-03-13,day,2025-03-14,,,map-update,x,,,1\n" +
			"3,486816,ru-mod,,,2025-03-15,day,2025-03-15,,,map-update,y,,,2\n",
			4, "retracts", ledger.ErrInvalid, "is a retraction"},
		{"ids not increasing", good + "1,486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			3, "id", ledger.ErrExists, "ids must increase"},
		{"row repeated", good + strings.TrimPrefix(good, "1"), 3, "row", ledger.ErrExists, "repeats claim 1"},
		{"header unknown column", "", 1, "header", ledger.ErrInvalid, "unknown column"},
		{"bad row after a thousand good ones", thousandRows() + "1002,486816,isw,russia,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			1002, "holder", ledger.ErrInvalid, "want one of"},
		{"repeat of a row far above", thousandRows() + "1002,486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,claim 500,,,\n",
			1002, "row", ledger.ErrExists, "repeats claim 500"},
	}
	ctx := context.Background()
	db, rec := ledgerDB(t) // shared: every case must leave it as it was
	before := testdb.Snapshot(t, db)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := claimsHead
			if tt.field == "header" {
				head = strings.Replace(claimsHead, "summary", "colour", 1)
			}
			_, err := rec.ImportClaims(ctx, strings.NewReader(head+tt.rows), "claims.csv")
			var fe *ledger.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ImportClaims error = %v, want a *ledger.FieldError", err)
			}
			if fe.File != "claims.csv" || fe.Line != tt.line || fe.Field != tt.field {
				t.Errorf("ImportClaims error at %s:%d %s, want claims.csv:%d %s: %v", fe.File, fe.Line, fe.Field, tt.line, tt.field, err)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("ImportClaims error = %v, want %v", err, tt.sentinel)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("ImportClaims error = %q, want it to contain %q", err, tt.msg)
			}
			if after := testdb.Snapshot(t, db); after != before {
				t.Errorf("the store changed after a failed import")
			}
		})
	}
}

func TestRecorderCorrections(t *testing.T) {
	ctx := context.Background()
	db, rec := ledgerDB(t)
	importClaims(t, rec, "1,ru-bel-demidovka,ru-mod,ru,full,2025-03-18,day,2025-03-18,,,official-statement,Held.,,,\n")
	sup, err := rec.AddClaim(ctx, ledger.Claim{SettlementID: "ru-bel-demidovka", SourceID: "ru-mod", Holder: ledger.HolderContested,
		Degree: ledger.DegreeFighting, ValidAt: ledger.MakeDate(2025, 3, 18), PublishedAt: ledger.MakeDate(2025, 3, 19),
		Evidence: ledger.EvidenceOfficialStatement, Summary: "Corrected: fighting.", Supersedes: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sup.ID != 2 || sup.Credibility != ledger.CredibilityUnknown || sup.ValidPrecision != ledger.PrecisionDay {
		t.Errorf("AddClaim = %+v, want id 2 with default credibility and precision", sup)
	}
	ix, err := ledger.Load(ctx, db.Ledger(), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.StatusOf("ru-bel-demidovka", ledger.Query{AsOf: ledger.MakeDate(2025, 3, 20)}); got.Consensus != ledger.ConsensusContested {
		t.Errorf("after supersession: consensus = %s, want contested", got.Consensus)
	}
	cache := ledger.NewCache(db.Ledger(), ledger.Options{}, nil)
	ix1, err := cache.Index(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ix2, _ := cache.Index(ctx); ix2 != ix1 {
		t.Error("Cache.Index rebuilt the index without a change")
	}
	if _, err := rec.AddClaim(ctx, ledger.Claim{SettlementID: "ru-bel-demidovka", SourceID: "ru-mod", Holder: ledger.HolderUnknown,
		ValidAt: ledger.MakeDate(2025, 3, 21), PublishedAt: ledger.MakeDate(2025, 3, 21),
		Evidence: ledger.EvidenceOfficialStatement, Summary: "Withdrawn.", Retracts: 2}); err != nil {
		t.Fatal(err)
	}
	ix3, err := cache.Index(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ix3 == ix1 {
		t.Fatal("Cache.Index kept the old index after a write")
	}
	if got := ix3.StatusOf("ru-bel-demidovka", ledger.Query{AsOf: ledger.MakeDate(2025, 3, 22)}); got.Consensus != ledger.ConsensusUnknown {
		t.Errorf("after retracting the correction: consensus = %s, want unknown (the superseded claim stays out)", got.Consensus)
	}
	h, err := ix3.History(ctx, "ru-bel-demidovka")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 || h[0].SupersededBy != 2 || h[1].RetractedBy != 3 || h[2].Retracts != 2 {
		t.Errorf("History = %+v, want 1 superseded by 2, 2 retracted by 3, 3 retracting 2", h)
	}
}

func TestSources(t *testing.T) {
	ctx := context.Background()
	db, rec := ledgerDB(t)
	if err := rec.SetReliability(ctx, "isw", ledger.ReliabilityB); err != nil {
		t.Fatal(err)
	}
	if err := rec.SetReliability(ctx, "nobody", ledger.ReliabilityB); !errors.Is(err, ledger.ErrUnknownSource) {
		t.Errorf("SetReliability(nobody) = %v, want ErrUnknownSource", err)
	}
	err := rec.AddSource(ctx, ledger.Source{ID: "rybar", Name: "Rybar", Kind: "Telegram channel", Alignment: ledger.AlignmentRU})
	if err != nil {
		t.Fatal(err)
	}
	before := testdb.Snapshot(t, db)
	if err := rec.AddSource(ctx, ledger.Source{ID: "isw", Name: "Again", Kind: "x", Alignment: ledger.AlignmentRU}); !errors.Is(err, ledger.ErrExists) {
		t.Errorf("AddSource(isw again) = %v, want ErrExists", err)
	}
	_, err = rec.ImportSources(ctx, strings.NewReader("id,name,kind,alignment,url,notes\nnew,New,x,ru,,\nnew,Dup,x,ru,,\n"), "s.csv")
	var fe *ledger.FieldError
	if !errors.As(err, &fe) || fe.Line != 3 || !errors.Is(err, ledger.ErrExists) {
		t.Errorf("ImportSources with a repeated id = %v, want s.csv:3 ErrExists", err)
	}
	if testdb.Snapshot(t, db) != before {
		t.Error("a failed source write changed the store")
	}
	srcs, _ := db.Ledger().Sources(ctx)
	got := map[string]ledger.Reliability{}
	for _, s := range srcs {
		got[s.ID] = s.Reliability
	}
	if got["isw"] != ledger.ReliabilityB || got["rybar"] != ledger.ReliabilityF || len(srcs) != 4 {
		t.Errorf("Sources() = %+v, want isw graded B and rybar F", srcs)
	}
}
