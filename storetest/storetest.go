// Package storetest holds the behaviour every tiled store must show — atomic and idempotent imports, append-only
// claims enforced by the database, the same errors, tokens, data versions, copies between stores — as one suite
// that each store's tests run against a real store (package sqlite against a file, package postgres against a
// throw-away PostgreSQL cluster), as database/sql's driver tests do.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/names"
	"github.com/tiled-maps/tiled/report"
	"github.com/tiled-maps/tiled/store"
)

// Harness opens the stores the suite runs on.
type Harness struct {
	// Open returns a new, empty, migrated store, closed when tb ends.
	Open func(tb testing.TB) *store.Store
	// Exec runs one raw SQL statement on the store, as any client of its database could.
	Exec func(ctx context.Context, s *store.Store, sql string) error
}

// Run runs the whole suite.
func Run(t *testing.T, h Harness) {
	for _, tt := range []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"PlacesRoundTrip", testPlacesRoundTrip},
		{"SpatialIndexFollowsMoves", testSpatialIndex},
		{"ImportAtomic", testImportAtomic},
		{"ImportIdempotent", testImportIdempotent},
		{"ImportBatches", testImportBatches},
		{"LedgerRoundTrip", testLedgerRoundTrip},
		{"LedgerErrors", testLedgerErrors},
		{"ClaimsAppendOnly", testClaimsAppendOnly},
		{"Tokens", testTokens},
		{"ConcurrentWriters", testConcurrentWriters},
		{"DataVersion", testDataVersion},
		{"Reports", testReports},
		{"Desk", testDesk},
		{"LocatesApproximatePlace", testLocatesApproximate},
		{"SourceAliases", testAliases},
		{"PlaceIndexCache", testPlaceIndex},
		{"LedgerIndexSnapshot", testLedgerSnapshot},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, h) })
	}
}

// Now is the suite's clock: claims published after 2025-06-01 are in the future.
func Now() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }

// Sources is a sources CSV of three seed sources.
const Sources = `id,name,kind,alignment,url,notes
isw,Institute for the Study of War,analyst organisation,independent,https://www.understandingwar.org/,
ru-mod,Russian Ministry of Defence,official,ru,https://mil.ru/,
deepstate,DeepState,OSINT map,ua,https://deepstatemap.live/,
`

// ClaimsHead is the header of the claims CSVs of the suite.
const ClaimsHead = "id,settlement,source,holder,degree,valid_at,valid_precision,published_at,relayed_by,relay_url,evidence,summary,credibility,supersedes,retracts\n"

// Seeded returns a store from h holding the seed settlements, the three Sources and two claims.
func Seeded(tb testing.TB, h Harness) *store.Store {
	tb.Helper()
	s := h.Open(tb)
	ctx := context.Background()
	if _, err := (gazetteer.Importer{Store: s.Gazetteer()}).GeoJSON(ctx, bytes.NewReader(data.Settlements()), "settlements.geojson"); err != nil {
		tb.Fatal(err)
	}
	_, err := recorder(s).Import(ctx, ledger.Input{Sources: strings.NewReader(Sources), SourcesFile: "sources.csv",
		Claims: strings.NewReader(ClaimsHead +
			"5,ru-krs-sudzha,ru-mod,ru,full,2025-03-13,day,2025-03-13,TASS,https://example.org/a,official-statement,Retook Sudzha.,2,,\n" +
			",ru-bel-demidovka,isw,unknown,,2025-03-20,week,2025-03-21,,,analyst-assessment,Unclear.,,,\n"),
		ClaimsFile: "claims.csv"})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func recorder(s *store.Store) ledger.Recorder {
	return ledger.Recorder{Store: s.Ledger(), Places: s.Gazetteer(), Now: Now}
}

// hash returns the store's content hash.
func hash(tb testing.TB, s *store.Store) string {
	tb.Helper()
	h, _, err := store.Hash(context.Background(), s)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func testPlacesRoundTrip(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	st, err := gazetteer.Importer{Store: s.Gazetteer()}.GeoJSON(ctx, bytes.NewReader(data.Settlements()), "settlements.geojson")
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Gazetteer().CountPlaces(ctx)
	if err != nil || n != st.Inserted || n < 10 {
		t.Fatalf("CountPlaces = %d, %v; want the %d inserted", n, err, st.Inserted)
	}
	p, err := s.Gazetteer().Place(ctx, "ru-bel-prilesye")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Prilesʼye" || p.NameIn("ru") != "Прилесье" || p.Point != (orb.Point{35.41417, 50.87639}) || p.Country != "RU" {
		t.Errorf("Place(ru-bel-prilesye) = %+v", p)
	}
	bySlug, err := s.Gazetteer().Place(ctx, "ru-krs-sudzha")
	if err != nil || bySlug.ID != "486816" {
		t.Errorf("Place(slug ru-krs-sudzha) = %q, %v; want id 486816", bySlug.ID, err)
	}
	if _, err := s.Gazetteer().Place(ctx, "nope"); !errors.Is(err, gazetteer.ErrNotFound) {
		t.Errorf("Place(nope) = %v, want ErrNotFound", err)
	}
	ms, err := s.Gazetteer().PlacesByKeys(ctx, []string{names.Key("Sudzha"), "no-such-key"})
	if err != nil || len(ms) == 0 || ms[0].Place.ID != "486816" || ms[0].Key != names.Key("Sudzha") {
		t.Errorf("PlacesByKeys(sudzha) = %+v, %v", ms, err)
	}
	all, err := s.Gazetteer().AllPlaces(ctx)
	if err != nil || len(all) != n {
		t.Fatalf("AllPlaces = %d, %v; want %d", len(all), err, n)
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			t.Fatalf("AllPlaces not in id order: %q before %q", all[i-1].ID, all[i].ID)
		}
	}
	var sums []gazetteer.Place
	if err := s.Gazetteer().EachPlaceSummary(ctx, func(p gazetteer.Place) error { sums = append(sums, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(sums) != n || sums[0].ID != all[0].ID || sums[0].Point != all[0].Point {
		t.Errorf("EachPlaceSummary gave %d places, first %+v; want %d, first %+v", len(sums), sums[0], n, all[0])
	}
	within, err := s.Gazetteer().PlacesWithin(ctx, orb.Bound{Min: orb.Point{35.41, 50.87}, Max: orb.Point{35.42, 50.88}}, 0)
	if err != nil || len(within) != 1 || within[0].ID != "ru-bel-prilesye" {
		t.Errorf("PlacesWithin(around Prilesye) = %v, %v", ids(within), err)
	}
	if lim, err := s.Gazetteer().PlacesWithin(ctx, orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, 3); err != nil || len(lim) != 3 {
		t.Errorf("PlacesWithin(world, limit 3) = %d places, %v", len(lim), err)
	}
}

func ids(ps []gazetteer.Place) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func put(tb testing.TB, s *store.Store, ps ...gazetteer.Place) {
	tb.Helper()
	ctx := context.Background()
	err := s.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
		for _, p := range ps {
			if _, err := w.Upsert(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func testSpatialIndex(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	put(t, s, gazetteer.Place{ID: "a", Name: "Alpha", Country: "RU", Point: orb.Point{35, 50},
		Names: []gazetteer.Name{{Name: "Альфа", Lang: "ru", Kind: gazetteer.KindOfficial}}})
	// Moved, with a new name and an empty field that must not blank the stored one, in the same import as a new place.
	put(t, s, gazetteer.Place{ID: "a", Name: "Alpha", Point: orb.Point{36, 51},
		Names: []gazetteer.Name{{Name: "Alfa", Lang: "en"}}}, gazetteer.Place{ID: "b", Name: "Beta", Country: "UA", Point: orb.Point{35, 50}})
	in := func(b orb.Bound) []string {
		ps, err := s.Gazetteer().PlacesWithin(ctx, b, 0)
		if err != nil {
			t.Fatal(err)
		}
		return ids(ps)
	}
	if got := in(orb.Bound{Min: orb.Point{34.9, 49.9}, Max: orb.Point{35.1, 50.1}}); len(got) != 1 || got[0] != "b" {
		t.Errorf("old location of a holds %v, want [b]", got)
	}
	if got := in(orb.Bound{Min: orb.Point{35.9, 50.9}, Max: orb.Point{36.1, 51.1}}); len(got) != 1 || got[0] != "a" {
		t.Errorf("new location holds %v, want [a]", got)
	}
	p, err := s.Gazetteer().Place(ctx, "a")
	if err != nil || p.Point != (orb.Point{36, 51}) || p.Country != "RU" || len(p.Names) != 2 || p.NameIn("ru") != "Альфа" {
		t.Errorf("Place(a) after update = %+v, %v; want moved, country kept, names merged", p, err)
	}
	// The same id twice in one import: the second updates the first.
	put(t, s, gazetteer.Place{ID: "c", Name: "Gamma", Country: "RU", Point: orb.Point{1, 1}},
		gazetteer.Place{ID: "c", Name: "Gamma", Point: orb.Point{2, 2}, Population: 10})
	if p, err := s.Gazetteer().Place(ctx, "c"); err != nil || p.Point != (orb.Point{2, 2}) || p.Country != "RU" || p.Population != 10 {
		t.Errorf("Place(c) = %+v, %v; want the second record merged over the first", p, err)
	}
	if n, _ := s.Gazetteer().CountPlaces(ctx); n != 3 {
		t.Errorf("CountPlaces = %d, want 3", n)
	}
}

func testImportAtomic(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	before := hash(t, s)
	v0, _ := s.DataVersion(ctx)
	boom := errors.New("boom")
	err := s.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
		for i := range 50 {
			if _, err := w.Upsert(ctx, gazetteer.Place{ID: fmt.Sprint("new-", i), Name: "New", Country: "RU", Point: orb.Point{35, 50}}); err != nil {
				return err
			}
		}
		if _, err := w.Upsert(ctx, gazetteer.Place{ID: "ru-bel-prilesye", Name: "Changed", Point: orb.Point{1, 1}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("ImportPlaces = %v, want boom", err)
	}
	// A GeoJSON file whose last feature is bad: nothing of it is kept, and the error names the feature.
	bad := `{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"Point","coordinates":[35,50]},"properties":{"id":"x1","name":"X"}},
		{"type":"Feature","geometry":{"type":"Point","coordinates":[35,500]},"properties":{"id":"x2","name":"Y"}}]}`
	_, err = gazetteer.Importer{Store: s.Gazetteer()}.GeoJSON(ctx, strings.NewReader(bad), "bad.geojson")
	if err == nil || !strings.Contains(err.Error(), "bad.geojson") {
		t.Errorf("GeoJSON import of a bad file = %v, want an error naming bad.geojson", err)
	}
	// A claims file with a bad last row.
	_, err = recorder(s).ImportClaims(ctx, strings.NewReader(ClaimsHead+
		",486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,fine,,,\n"+
		",486816,isw,russia,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n"), "claims.csv")
	var fe *ledger.FieldError
	if !errors.As(err, &fe) || fe.Line != 3 || fe.Field != "holder" || !errors.Is(err, ledger.ErrInvalid) {
		t.Errorf("ImportClaims with a bad holder = %v, want claims.csv:3 holder ErrInvalid", err)
	}
	if after := hash(t, s); after != before {
		t.Error("the store changed after failed imports")
	}
	if v1, _ := s.DataVersion(ctx); v1 != v0 {
		t.Errorf("DataVersion moved from %d to %d on failed imports", v0, v1)
	}
}

func testImportIdempotent(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	before := hash(t, s)
	st, err := gazetteer.Importer{Store: s.Gazetteer()}.GeoJSON(ctx, bytes.NewReader(data.Settlements()), "settlements.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted != 0 || st.Updated != st.Read {
		t.Errorf("re-import = %+v, want every place updated, none inserted", st)
	}
	// Re-importing claims already recorded is refused as a whole, naming the claim it repeats.
	_, err = recorder(s).ImportClaims(ctx, strings.NewReader(ClaimsHead+
		",ru-bel-demidovka,isw,unknown,,2025-03-20,week,2025-03-21,,,analyst-assessment,Unclear.,,,\n"), "again.csv")
	if !errors.Is(err, ledger.ErrExists) || !strings.Contains(err.Error(), "repeats claim 6") {
		t.Errorf("re-import of a claim = %v, want ErrExists naming claim 6", err)
	}
	_, err = recorder(s).ImportSources(ctx, strings.NewReader(Sources), "sources.csv")
	if !errors.Is(err, ledger.ErrExists) {
		t.Errorf("re-import of the sources = %v, want ErrExists", err)
	}
	if after := hash(t, s); after != before {
		t.Error("re-imports changed the store's content")
	}
}

func testLedgerRoundTrip(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	cs, err := s.Ledger().Claims(ctx, ledger.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := ledger.Claim{ID: 5, SettlementID: "486816", SourceID: "ru-mod", Holder: ledger.HolderRU, Degree: ledger.DegreeFull,
		ValidAt: ledger.MakeDate(2025, 3, 13), ValidPrecision: ledger.PrecisionDay, PublishedAt: ledger.MakeDate(2025, 3, 13),
		RelayedBy: "TASS", RelayURL: "https://example.org/a", Evidence: ledger.EvidenceOfficialStatement,
		Summary: "Retook Sudzha.", Credibility: 2, RecordedAt: Now()}
	if len(cs) != 2 {
		t.Fatalf("Claims() = %d claims, want 2", len(cs))
	}
	got := cs[0]
	if !got.RecordedAt.Equal(want.RecordedAt) || got.RecordedAt.Location() != time.UTC {
		t.Errorf("RecordedAt = %v, want %v in UTC", got.RecordedAt, want.RecordedAt)
	}
	got.RecordedAt = want.RecordedAt
	if got != want {
		t.Errorf("Claims()[0] = %+v\nwant %+v", got, want)
	}
	if cs[1].ID != 6 || cs[1].Degree != "" || cs[1].Holder != ledger.HolderUnknown || cs[1].Credibility != 6 || cs[1].ValidPrecision != ledger.PrecisionWeek {
		t.Errorf("Claims()[1] = %+v, want id 6, unknown holder, no degree, credibility 6, week", cs[1])
	}
	for _, tt := range []struct {
		f    ledger.ClaimFilter
		want int
	}{{ledger.ClaimFilter{Settlement: "486816"}, 1}, {ledger.ClaimFilter{Source: "isw"}, 1}, {ledger.ClaimFilter{Source: "deepstate"}, 0}} {
		if cs, err := s.Ledger().Claims(ctx, tt.f); err != nil || len(cs) != tt.want {
			t.Errorf("Claims(%+v) = %d claims, %v, want %d", tt.f, len(cs), err, tt.want)
		}
	}
	srcs, err := s.Ledger().Sources(ctx)
	if err != nil || len(srcs) != 3 || srcs[0].ID != "deepstate" || srcs[1].URL != "https://www.understandingwar.org/" ||
		srcs[1].Reliability != ledger.ReliabilityF {
		t.Errorf("Sources() = %+v, %v", srcs, err)
	}
	// Corrections: supersede, then retract the correction.
	rec := recorder(s)
	sup, err := rec.AddClaim(ctx, ledger.Claim{SettlementID: "ru-krs-sudzha", SourceID: "ru-mod", Holder: ledger.HolderContested,
		Degree: ledger.DegreeFighting, ValidAt: ledger.MakeDate(2025, 3, 13), PublishedAt: ledger.MakeDate(2025, 3, 14),
		Evidence: ledger.EvidenceOfficialStatement, Summary: "Corrected: fighting.", Supersedes: 5})
	if err != nil || sup.ID != 7 {
		t.Fatalf("AddClaim(supersedes 5) = %+v, %v; want id 7", sup, err)
	}
	if _, err := rec.AddClaim(ctx, ledger.Claim{SettlementID: "486816", SourceID: "isw", Holder: ledger.HolderUA,
		Degree: ledger.DegreeFull, ValidAt: ledger.MakeDate(2025, 3, 15), PublishedAt: ledger.MakeDate(2025, 3, 15),
		Evidence: ledger.EvidenceMapUpdate, Summary: "Again.", Supersedes: 5}); !errors.Is(err, ledger.ErrExists) ||
		!strings.Contains(err.Error(), "already superseded or retracted by claim 7") {
		t.Errorf("second correction of claim 5 = %v, want ErrExists naming claim 7", err)
	}
	if err := rec.SetReliability(ctx, "isw", ledger.ReliabilityB); err != nil {
		t.Fatal(err)
	}
	if srcs, _ := s.Ledger().Sources(ctx); srcs[1].Reliability != ledger.ReliabilityB {
		t.Errorf("isw reliability = %s after SetReliability B", srcs[1].Reliability)
	}
	// Names and kinds in Ukrainian and Russian round-trip.
	tr := ledger.Source{ID: "zz-translated", Name: "Ministry", Kind: "ministry", Alignment: ledger.AlignmentUA,
		Reliability: ledger.ReliabilityF, NameUK: "Міністерство", NameRU: "Министерство", KindUK: "міністерство", KindRU: "министерство"}
	if err := rec.AddSource(ctx, tr); err != nil {
		t.Fatal(err)
	}
	if srcs, _ := s.Ledger().Sources(ctx); len(srcs) == 0 || srcs[len(srcs)-1] != tr {
		t.Errorf("translated source read back as %+v, want %+v", srcs[len(srcs)-1], tr)
	}
	ix, err := ledger.Load(ctx, s.Ledger(), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if hist, err := ix.History(ctx, "486816"); err != nil || len(hist) != 2 || hist[0].SupersededBy != 7 {
		t.Errorf("History(486816) = %+v, want claim 5 superseded by 7", hist)
	}
}

func testLedgerErrors(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	rec := recorder(s)
	before := hash(t, s)
	if err := rec.AddSource(ctx, ledger.Source{ID: "isw", Name: "Again", Kind: "x", Alignment: ledger.AlignmentRU}); !errors.Is(err, ledger.ErrExists) {
		t.Errorf("AddSource(isw again) = %v, want ErrExists", err)
	}
	if err := rec.SetReliability(ctx, "nobody", ledger.ReliabilityB); !errors.Is(err, ledger.ErrUnknownSource) {
		t.Errorf("SetReliability(nobody) = %v, want ErrUnknownSource", err)
	}
	_, err := rec.ImportSources(ctx, strings.NewReader("id,name,kind,alignment,url,notes\nnew,New,x,ru,,\nnew,Dup,x,ru,,\n"), "s.csv")
	var fe *ledger.FieldError
	if !errors.As(err, &fe) || fe.Line != 3 || !errors.Is(err, ledger.ErrExists) {
		t.Errorf("ImportSources with a repeated id = %v, want s.csv:3 ErrExists", err)
	}
	for _, tt := range []struct {
		name, row, field string
		sentinel         error
		msg              string
	}{
		{"unknown settlement", ",Sudja,isw,ua,full,2025-03-13,day,2025-03-13,,,map-update,x,,,", "settlement",
			ledger.ErrUnknownSettlement, "did you mean 486816 (Sudzha, Sudzhansky District, Kursk Oblast, RU)"},
		{"unknown source", ",486816,rybar,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,,", "source",
			ledger.ErrUnknownSource, "not in the source registry"},
		{"supersedes an unknown claim", ",486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,9,", "supersedes",
			ledger.ErrUnknownClaim, "no such claim"},
		{"corrects another settlement", ",ru-bel-prilesye,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,5,", "supersedes",
			ledger.ErrInvalid, "same settlement"},
		{"ids not increasing", "6,486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,,,", "id",
			ledger.ErrExists, "ids must increase"},
		{"published in the future", ",486816,isw,ru,full,2025-06-01,day,2025-06-02,,,map-update,x,,,", "published_at",
			ledger.ErrInvalid, "in the future (today is 2025-06-01)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rec.ImportClaims(ctx, strings.NewReader(ClaimsHead+tt.row+"\n"), "claims.csv")
			var fe *ledger.FieldError
			if !errors.As(err, &fe) || fe.Line != 2 || fe.Field != tt.field {
				t.Fatalf("ImportClaims = %v, want claims.csv:2 %s", err, tt.field)
			}
			if !errors.Is(err, tt.sentinel) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("ImportClaims = %q, want %v containing %q", err, tt.sentinel, tt.msg)
			}
		})
	}
	if hash(t, s) != before {
		t.Error("refused ledger writes changed the store")
	}
}

// AppendOnlyStatements are SQL statements any client might try on the claims table; each must be refused by the
// database with an error mentioning "append-only".
var AppendOnlyStatements = []string{
	"UPDATE claims SET holder = 'ua' WHERE id = 5",
	"UPDATE claims SET summary = summary",
	"DELETE FROM claims WHERE id = 5",
	"DELETE FROM claims",
}

func testClaimsAppendOnly(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	before := hash(t, s)
	for _, q := range AppendOnlyStatements {
		if err := h.Exec(ctx, s, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error = %v, want the append-only refusal", q, err)
		}
	}
	if hash(t, s) != before {
		t.Error("the claims changed")
	}
	// Appending by plain SQL is allowed: the database refuses changes, not additions.
	if err := h.Exec(ctx, s, `INSERT INTO claims (id, settlement_id, source_id, holder, degree, valid_at, published_at,
		recorded_at, evidence, summary) VALUES (100, '486816', 'isw', 'ua', 'full', '2025-03-13', '2025-03-13',
		'2025-03-13T00:00:00.000Z', 'map-update', 'y')`); err != nil {
		t.Errorf("plain insert: %v", err)
	}
	if err := h.Exec(ctx, s, `INSERT INTO claims (id, settlement_id, source_id, holder, degree, valid_at, published_at,
		recorded_at, evidence, summary) VALUES (100, '486816', 'isw', 'ru', 'full', '2025-03-13', '2025-03-13',
		'2025-03-13T00:00:00.000Z', 'map-update', 'z')`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("insert over a taken id = %v, want the append-only refusal", err)
	}
}

func testTokens(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	svc := auth.Service{Store: s.Tokens()}
	secret, tok, err := svc.Create(ctx, "editor")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Create(ctx, "editor"); !errors.Is(err, auth.ErrInvalidName) {
		t.Errorf("Create(editor again) = %v, want ErrInvalidName", err)
	}
	got, err := svc.Verify(ctx, "Bearer "+secret)
	if err != nil || got.Name != "editor" || got.ID != tok.ID || !got.CreatedAt.Equal(tok.CreatedAt.Truncate(time.Millisecond)) {
		t.Errorf("Verify = %+v, %v; want %+v", got, err, tok)
	}
	if _, err := svc.Verify(ctx, "Bearer "+secret+"x"); !errors.Is(err, auth.ErrBadToken) {
		t.Errorf("Verify(wrong) = %v, want ErrBadToken", err)
	}
	if err := s.Tokens().RevokeToken(ctx, "editor"); err != nil {
		t.Fatal(err)
	}
	toks, _ := s.Tokens().Tokens(ctx)
	first := *toks[0].RevokedAt
	time.Sleep(5 * time.Millisecond)
	if err := s.Tokens().RevokeToken(ctx, "editor"); err != nil {
		t.Fatal(err)
	}
	if toks, _ := s.Tokens().Tokens(ctx); len(toks) != 1 || !toks[0].RevokedAt.Equal(first) {
		t.Errorf("revoking twice: %+v, want the first revocation time %v kept", toks, first)
	}
	if _, err := svc.Verify(ctx, "Bearer "+secret); !errors.Is(err, auth.ErrRevoked) {
		t.Errorf("Verify(revoked) = %v, want ErrRevoked", err)
	}
	if err := s.Tokens().RevokeToken(ctx, "nobody"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("RevokeToken(nobody) = %v, want ErrNotFound", err)
	}
}

func testConcurrentWriters(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- s.Gazetteer().ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
				_, err := w.Upsert(ctx, gazetteer.Place{ID: fmt.Sprint("p", i), Name: "P", Country: "RU", Point: orb.Point{35, 50}})
				return err
			})
		}()
		go func() {
			defer wg.Done()
			_, err := recorder(s).AddClaim(ctx, ledger.Claim{SettlementID: "486816", SourceID: "isw", Holder: ledger.HolderUA,
				Degree: ledger.DegreePresence, ValidAt: ledger.MakeDate(2025, 4, 1), PublishedAt: ledger.MakeDate(2025, 4, 2),
				Evidence: ledger.EvidenceMapUpdate, Summary: fmt.Sprint("Concurrent ", i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	_, c, err := store.Hash(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if c.Claims != 10 {
		t.Errorf("claims after 8 concurrent appends = %d, want 10", c.Claims)
	}
	cs, _ := s.Ledger().Claims(ctx, ledger.ClaimFilter{})
	for i, c := range cs[2:] {
		if c.ID != int64(7+i) {
			t.Errorf("claim ids = %d at %d, want consecutive ids from 7", c.ID, i)
		}
	}
}

func testDataVersion(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pv0, _ := s.Gazetteer().Version(ctx)
	if _, err := recorder(s).AddClaim(ctx, ledger.Claim{SettlementID: "486816", SourceID: "isw", Holder: ledger.HolderUA,
		Degree: ledger.DegreePresence, ValidAt: ledger.MakeDate(2025, 4, 1), PublishedAt: ledger.MakeDate(2025, 4, 2),
		Evidence: ledger.EvidenceMapUpdate, Summary: "x"}); err != nil {
		t.Fatal(err)
	}
	v1, _ := s.DataVersion(ctx)
	lv1, _ := s.Ledger().Version(ctx)
	if pv1, _ := s.Gazetteer().Version(ctx); v1 <= v0 || lv1 != v1 || pv1 != pv0 {
		t.Errorf("after a claim: data version %d -> %d (ledger %d), places version %d -> %d; want data up, places same", v0, v1, lv1, pv0, pv1)
	}
	put(t, s, gazetteer.Place{ID: "z", Name: "Z", Country: "RU", Point: orb.Point{35, 50}})
	v2, _ := s.DataVersion(ctx)
	if pv2, _ := s.Gazetteer().Version(ctx); v2 <= v1 || pv2 <= pv0 {
		t.Errorf("after a place: data version %d -> %d, places version %d -> %d; want both up", v1, v2, pv0, pv2)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping = %v", err)
	}
}

func addReport(tb testing.TB, s *store.Store, title string) report.Stored {
	tb.Helper()
	r, err := s.Reports().AddReport(context.Background(), report.Stored{Title: title, Outlet: "ISW", URL: "https://example.org/r",
		PublishedAt: "2025-03-14", Text: "Russian forces recaptured Sudzha.", RecordedBy: "editor",
		Result: report.Result{Language: "en", Places: []report.Place{{Mention: "Sudzha", Start: 26, End: 32, Name: "Sudzha"}}}})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func testReports(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	if list, err := s.Reports().Reports(ctx, report.Page{}); err != nil || len(list) != 0 {
		t.Errorf("Reports() of a new store = %v, %v; want none", list, err)
	}
	a, b := addReport(t, s, "first"), addReport(t, s, "second")
	if a.ID == 0 || b.ID <= a.ID || a.RecordedAt.IsZero() {
		t.Errorf("AddReport ids %d, %d, recorded %v; want increasing ids and a time", a.ID, b.ID, a.RecordedAt)
	}
	got, err := s.Reports().Report(ctx, a.ID)
	if err != nil || got.Title != "first" || got.Text != "Russian forces recaptured Sudzha." || got.Language != "en" ||
		len(got.Places) != 1 || got.Places[0].Mention != "Sudzha" || !got.RecordedAt.Equal(a.RecordedAt) || got.RecordedBy != "editor" {
		t.Errorf("Report(%d) = %+v, %v", a.ID, got, err)
	}
	list, err := s.Reports().Reports(ctx, report.Page{})
	if err != nil || len(list) != 2 || list[0].ID != b.ID || list[0].Text != "" {
		t.Errorf("Reports() = %+v, %v; want two, newest first, without text", list, err)
	}
	c := addReport(t, s, "third")
	for _, tt := range []struct {
		page report.Page
		want []int64
	}{
		{report.Page{Limit: 2}, []int64{c.ID, b.ID}},
		{report.Page{Before: b.ID, Limit: 2}, []int64{a.ID}},
		{report.Page{Before: c.ID}, []int64{b.ID, a.ID}},
		{report.Page{Before: a.ID}, nil},
	} {
		list, err := s.Reports().Reports(ctx, tt.page)
		var ids []int64
		for _, r := range list {
			ids = append(ids, r.ID)
		}
		if err != nil || !slices.Equal(ids, tt.want) {
			t.Errorf("Reports(%+v) = %v, %v; want %v", tt.page, ids, err, tt.want)
		}
	}
	if _, err := s.Reports().Report(ctx, 999); !errors.Is(err, report.ErrNotFound) {
		t.Errorf("Report(999) = %v, want ErrNotFound", err)
	}
}

// placeIndexStore is atlas.PlaceIndexStore, which both stores' gazetteers offer.
type placeIndexStore interface {
	ReadPlaceIndex(ctx context.Context, v int64, read func(r io.Reader, size int64) error) (bool, error)
	SavePlaceIndex(ctx context.Context, v int64, write func(w io.Writer) error) error
}

// testPlaceIndex: what SavePlaceIndex stores (in several chunks) reads back byte for byte for its version, is absent
// for any other, and a second save replaces the first.
func testPlaceIndex(t *testing.T, h Harness) {
	ctx := context.Background()
	g, ok := h.Open(t).Gazetteer().(placeIndexStore)
	if !ok {
		t.Fatal("the gazetteer keeps no place index (atlas.PlaceIndexStore)")
	}
	read := func(v int64) ([]byte, bool) {
		t.Helper()
		var got []byte
		found, err := g.ReadPlaceIndex(ctx, v, func(r io.Reader, size int64) error {
			b, err := io.ReadAll(r)
			if int64(len(b)) != size {
				t.Errorf("ReadPlaceIndex(%d) size = %d, read %d bytes", v, size, len(b))
			}
			got = b
			return err
		})
		if err != nil {
			t.Fatalf("ReadPlaceIndex(%d): %v", v, err)
		}
		return got, found
	}
	if _, found := read(1); found {
		t.Fatal("ReadPlaceIndex on a new store found an index")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{10, 3<<20 + 17} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		v := int64(n)
		if err := g.SavePlaceIndex(ctx, v, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			t.Fatal(err)
		}
		if got, found := read(v); !found || !bytes.Equal(got, data) {
			t.Errorf("ReadPlaceIndex(%d) = %d bytes, found %v; want the %d bytes saved", v, len(got), found, n)
		}
		if _, found := read(v + 1); found {
			t.Errorf("ReadPlaceIndex(%d) found the index of version %d", v+1, v)
		}
	}
	if _, found := read(10); found {
		t.Error("the first save was not replaced by the second")
	}
}

func testAliases(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	for _, a := range []report.Alias{{Source: "ru-mod", Alias: "the MoD"}, {Source: "isw", Alias: "ISW analysts"}, {Source: "ru-mod", Alias: "the MoD"}} {
		if err := s.Aliases().AddSourceAlias(ctx, a); err != nil {
			t.Fatalf("AddSourceAlias(%+v) = %v", a, err)
		}
	}
	if err := s.Aliases().AddSourceAlias(ctx, report.Alias{Source: "nobody", Alias: "x"}); !errors.Is(err, report.ErrInvalid) {
		t.Errorf("AddSourceAlias(unknown source) = %v, want ErrInvalid", err)
	}
	if err := s.Aliases().AddSourceAlias(ctx, report.Alias{Source: "isw", Alias: "  "}); !errors.Is(err, report.ErrInvalid) {
		t.Errorf("AddSourceAlias(blank) = %v, want ErrInvalid", err)
	}
	got, err := s.Aliases().SourceAliases(ctx)
	want := []report.Alias{{Source: "isw", Alias: "ISW analysts"}, {Source: "ru-mod", Alias: "the MoD"}}
	if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("SourceAliases = %+v, %v; want %+v", got, err, want)
	}
}

// testLocatesApproximate imports a GeoNames line for a place the seed knows only approximately (a synthetic fixture
// 1 km from the approximate point, as in package gazetteer's test): the record keeps its id and takes the point;
// a namesake in another district is a new place. Then the same with the located place imported again.
func testLocatesApproximate(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	if _, err := (gazetteer.Importer{Store: s.Gazetteer()}).GeoJSON(ctx, bytes.NewReader(data.Settlements()), "settlements.geojson"); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Gazetteer().CountPlaces(ctx)
	line := "99999901\tPopovka\tPopovka\tПоповка\t50.9160\t35.4242\tP\tPPL\tRU\t\t09\t1234\t\t\t0\t\t150\tEurope/Moscow\t2024-01-01\n"
	other := strings.NewReplacer("99999901", "99999902", "1234", "5678", "50.9160", "50.8667", "35.4242", "37.1833").Replace(line)
	admin := gazetteer.GeoNamesAdmin{"RU.09": "Belgorod Oblast", "RU.09.1234": "Krasnoyaruzhskiy Rayon", "RU.09.5678": "Korochanskiy Rayon"}
	st, err := gazetteer.Importer{Store: s.Gazetteer()}.GeoNames(ctx, gazetteer.GeoNamesInput{
		Main: strings.NewReader(line + other), MainName: "fixture.txt", Options: gazetteer.GeoNamesOptions{Admin: admin}})
	if err != nil || st.Located != 1 || st.Inserted != 1 {
		t.Fatalf("GeoNames import = %+v, %v; want 1 located, 1 inserted", st, err)
	}
	p, err := s.Gazetteer().Place(ctx, "ru-bel-popovka-kr")
	if err != nil || p.Approximate || p.Point != (orb.Point{35.4242, 50.9160}) || p.GeonameID != 99999901 {
		t.Errorf("Place(ru-bel-popovka-kr) = %+v, %v; want located at the fixture's point", p, err)
	}
	if n, _ := s.Gazetteer().CountPlaces(ctx); n != before+1 {
		t.Errorf("CountPlaces = %d, want %d", n, before+1)
	}
}

// testDesk: claims keep where they were read and editorial reasons, a proposal is decided once (accepted by its
// claim, or rejected), and desk sessions end when signed out or when their token is revoked.
func testDesk(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	r := addReport(t, s, "a report")
	rec := recorder(s)
	prov := &ledger.Provenance{ReportID: r.ID, Proposal: 0, Start: 0, End: 32, Outlet: "ISW", Published: ledger.MakeDate(2025, 3, 14),
		URL: "https://example.org/r"}
	c, err := rec.AddClaim(ctx, ledger.Claim{SettlementID: "486816", SourceID: "ru-mod", Holder: ledger.HolderRU,
		Degree: ledger.DegreeFull, ValidAt: ledger.MakeDate(2025, 3, 14), PublishedAt: ledger.MakeDate(2025, 3, 14),
		Evidence: ledger.EvidenceOfficialStatement, Summary: "Read in a report.", RecordedBy: "editor", Report: prov})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.Ledger().Claims(ctx, ledger.ClaimFilter{AfterID: 6})
	if err != nil || len(cs) != 1 || cs[0].Report == nil || *cs[0].Report != *prov {
		t.Fatalf("Claims(after 6) = %+v, %v; want the claim with its provenance %+v", cs, err, prov)
	}
	if nt, err := s.Ledger().Claims(ctx, ledger.ClaimFilter{AfterID: 6, NoText: true}); err != nil || len(nt) != 1 || nt[0].ID != c.ID {
		t.Errorf("Claims(NoText) = %+v, %v", nt, err)
	}
	rv, err := s.Reviews().Reviews(ctx, r.ID)
	if err != nil || len(rv) != 1 || rv[0].Decision != ledger.DecisionAccepted || rv[0].ClaimID != c.ID || rv[0].By != "editor" {
		t.Errorf("Reviews(%d) = %+v, %v; want proposal 0 accepted as claim %d", r.ID, rv, err, c.ID)
	}
	before := hash(t, s)
	err = s.Reviews().Reject(ctx, ledger.Review{ReportID: r.ID, Proposal: 0, By: "other"})
	var re *ledger.ReviewedError
	if !errors.As(err, &re) || !errors.Is(err, ledger.ErrReviewed) || re.First.ClaimID != c.ID {
		t.Errorf("rejecting an accepted proposal = %v, want a ReviewedError naming claim %d", err, c.ID)
	}
	_, err = rec.AddClaim(ctx, ledger.Claim{SettlementID: "486816", SourceID: "isw", Holder: ledger.HolderUA,
		Degree: ledger.DegreeFull, ValidAt: ledger.MakeDate(2025, 3, 14), PublishedAt: ledger.MakeDate(2025, 3, 14),
		Evidence: ledger.EvidenceMapUpdate, Summary: "The same proposal again.", RecordedBy: "other", Report: prov})
	if !errors.Is(err, ledger.ErrReviewed) {
		t.Errorf("accepting a proposal twice = %v, want ErrReviewed", err)
	}
	if hash(t, s) != before {
		t.Error("refused reviews changed the store")
	}
	if err := s.Reviews().Reject(ctx, ledger.Review{ReportID: r.ID, Proposal: 1, By: "editor", Reason: "not a claim"}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Reviews().ReviewCounts(ctx); err != nil || n[r.ID] != 2 {
		t.Errorf("ReviewCounts = %v, %v; want 2 for report %d", n, err, r.ID)
	}
	ret, err := rec.AddClaim(ctx, ledger.Claim{SettlementID: "486816", SourceID: "ru-mod", Holder: ledger.HolderUnknown,
		ValidAt: ledger.MakeDate(2025, 3, 15), PublishedAt: ledger.MakeDate(2025, 3, 15), Evidence: ledger.EvidenceMapUpdate,
		Summary: "Withdrawn by the editors.", Retracts: c.ID, EditorialReason: "recorded in error: wrong village"})
	if err != nil {
		t.Fatal(err)
	}
	if cs, _ := s.Ledger().Claims(ctx, ledger.ClaimFilter{AfterID: c.ID}); len(cs) != 1 || cs[0].EditorialReason != "recorded in error: wrong village" {
		t.Errorf("retraction %d read back as %+v", ret.ID, cs)
	}

	// Sessions.
	svc := auth.Service{Store: s.Tokens()}
	_, tok, err := svc.CreateRole(ctx, "desk-editor", auth.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	h1, h2 := auth.Hash("session one"), auth.Hash("session two")
	for _, hh := range [][]byte{h1, h2} {
		if _, err := s.Sessions().CreateSession(ctx, tok, hh, now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Sessions().SessionByHash(ctx, h1)
	if err != nil || got.Token.Name != "desk-editor" || got.Token.Role != auth.RoleEditor || !got.ExpiresAt.Equal(now.Add(time.Hour)) || got.EndedAt != nil {
		t.Errorf("SessionByHash = %+v, %v", got, err)
	}
	if _, err := s.Sessions().SessionByHash(ctx, auth.Hash("nope")); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("SessionByHash(unknown) = %v, want ErrNoSession", err)
	}
	if err := s.Sessions().EndSession(ctx, h1, now); err != nil {
		t.Fatal(err)
	}
	if live, err := s.Sessions().Sessions(ctx, now); err != nil || len(live) != 1 {
		t.Errorf("Sessions after signing one out = %d, %v; want 1", len(live), err)
	}
	if live, _ := s.Sessions().Sessions(ctx, now.Add(2*time.Hour)); len(live) != 0 {
		t.Errorf("Sessions after expiry = %d, want 0", len(live))
	}
	if err := s.Tokens().RevokeToken(ctx, "desk-editor"); err != nil {
		t.Fatal(err)
	}
	if live, _ := s.Sessions().Sessions(ctx, now); len(live) != 0 {
		t.Errorf("Sessions after revoking the token = %d, want 0", len(live))
	}
	if got, err := s.Sessions().SessionByHash(ctx, h2); err != nil || got.EndedAt == nil || got.Token.RevokedAt == nil {
		t.Errorf("a session of a revoked token = %+v, %v; want it ended and its token revoked", got, err)
	}
}

// RunCopy checks that a store copies into another (of the same or the other engine) with its counts and content
// hash, that a copy into a non-empty store is refused, and that a copy back gives the same hash.
func RunCopy(t *testing.T, from, to Harness) {
	ctx := context.Background()
	src := Seeded(t, from)
	if _, _, err := (auth.Service{Store: src.Tokens()}).Create(ctx, "editor"); err != nil {
		t.Fatal(err)
	}
	if err := src.Tokens().RevokeToken(ctx, "editor"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := (auth.Service{Store: src.Tokens()}).Create(ctx, "desk"); err != nil {
		t.Fatal(err)
	}
	r := addReport(t, src, "a report")
	if err := src.Aliases().AddSourceAlias(ctx, report.Alias{Source: "ru-mod", Alias: "the MoD"}); err != nil {
		t.Fatal(err)
	}
	if _, err := recorder(src).AddClaim(ctx, ledger.Claim{SettlementID: "486816", SourceID: "ru-mod", Holder: ledger.HolderRU,
		Degree: ledger.DegreeFull, ValidAt: ledger.MakeDate(2025, 3, 14), PublishedAt: ledger.MakeDate(2025, 3, 14),
		Evidence: ledger.EvidenceOfficialStatement, Summary: "Read in a report.", RecordedBy: "editor",
		Report: &ledger.Provenance{ReportID: r.ID, Proposal: 0, End: 10, Outlet: "ISW"}}); err != nil {
		t.Fatal(err)
	}
	if err := src.Reviews().Reject(ctx, ledger.Review{ReportID: r.ID, Proposal: 1, By: "editor", Reason: "no claim"}); err != nil {
		t.Fatal(err)
	}
	dst := to.Open(t)
	res, err := store.Copy(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Counts{Places: res.Counts.Places, Sources: 3, Claims: 3, Tokens: 2, Reports: 1, Aliases: 1, Reviews: 2}
	if res.Counts != want || res.Counts.Places < 10 {
		t.Errorf("Copy counts = %+v, want %+v", res.Counts, want)
	}
	if h := hash(t, dst); h != res.Hash || h != hash(t, src) {
		t.Errorf("hash of the copy %s, copy reported %s, source %s", h, res.Hash, hash(t, src))
	}
	// The copy works as a store: the geocoder's keys, the spatial index and the tokens came along.
	if ms, err := dst.Gazetteer().PlacesByKeys(ctx, []string{names.Key("Sudzha")}); err != nil || len(ms) == 0 {
		t.Errorf("PlacesByKeys(sudzha) on the copy = %v, %v", ms, err)
	}
	if ps, err := dst.Gazetteer().PlacesWithin(ctx, orb.Bound{Min: orb.Point{35.41, 50.87}, Max: orb.Point{35.42, 50.88}}, 0); err != nil || len(ps) != 1 {
		t.Errorf("PlacesWithin on the copy = %v, %v", ids(ps), err)
	}
	if _, err := store.Copy(ctx, src, dst); !errors.Is(err, store.ErrNotEmpty) {
		t.Errorf("Copy into a non-empty store = %v, want ErrNotEmpty", err)
	}
	back := from.Open(t)
	res2, err := store.Copy(ctx, dst, back)
	if err != nil || res2.Hash != res.Hash {
		t.Errorf("copy back: hash %s, %v; want %s", res2.Hash, err, res.Hash)
	}
}

// snapshotLedger is a store's ledger with its index snapshot (ledger.SnapshotStore), counting the loads that read
// every claim (a Claims call of all claims after id 0).
type snapshotLedger struct {
	snapshotStore
	full int
}

// snapshotStore is a ledger store with an index snapshot.
type snapshotStore interface {
	ledger.Store
	ledger.SnapshotStore
}

func (l *snapshotLedger) Claims(ctx context.Context, f ledger.ClaimFilter) ([]ledger.Claim, error) {
	if f == (ledger.ClaimFilter{Limit: f.Limit, NoText: true}) && f.Limit != 1 {
		l.full++
	}
	return l.snapshotStore.Claims(ctx, f)
}

// testLedgerSnapshot: the ledger keeps an index snapshot (ledger.SnapshotStore) that reads back byte for byte in
// several chunks and is removed by a nil write; ClaimsThrough counts; a load starts from a saved snapshot and
// reads the claims recorded after it, answering as a load of every claim; a copy of the store carries no snapshot.
func testLedgerSnapshot(t *testing.T, h Harness) {
	ctx := context.Background()
	s := Seeded(t, h)
	ss, ok := s.Ledger().(snapshotStore)
	if !ok {
		t.Fatal("the ledger keeps no index snapshot (ledger.SnapshotStore)")
	}
	read := func(ss ledger.SnapshotStore) ([]byte, bool) {
		t.Helper()
		var got []byte
		found, err := ss.ReadIndexSnapshot(ctx, func(r io.Reader, size int64) error {
			b, err := io.ReadAll(r)
			if int64(len(b)) != size {
				t.Errorf("ReadIndexSnapshot size = %d, read %d bytes", size, len(b))
			}
			got = b
			return err
		})
		if err != nil {
			t.Fatalf("ReadIndexSnapshot: %v", err)
		}
		return got, found
	}
	if _, found := read(ss); found {
		t.Fatal("ReadIndexSnapshot on a new store found a snapshot")
	}
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	data := make([]byte, 2<<20+5)
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	if err := ss.SaveIndexSnapshot(ctx, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		t.Fatal(err)
	}
	if got, found := read(ss); !found || !bytes.Equal(got, data) {
		t.Errorf("ReadIndexSnapshot = %d bytes, found %v; want the %d bytes saved", len(got), found, len(data))
	}
	if v, err := s.DataVersion(ctx); err != nil || v != v0 {
		t.Errorf("DataVersion after saving a snapshot = %d, %v; want %d unchanged", v, err, v0)
	}
	if err := ss.SaveIndexSnapshot(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, found := read(ss); found {
		t.Error("a nil save left the snapshot")
	}
	for _, tt := range []struct{ id, want int64 }{{0, 0}, {4, 0}, {5, 1}, {6, 2}, {100, 2}} {
		if n, err := ss.ClaimsThrough(ctx, tt.id); err != nil || n != tt.want {
			t.Errorf("ClaimsThrough(%d) = %d, %v; want %d", tt.id, n, err, tt.want)
		}
	}

	l := &snapshotLedger{snapshotStore: ss}
	first, err := ledger.Load(ctx, l, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.SaveSnapshot(ctx, l, first); err != nil {
		t.Fatal(err)
	}
	if _, err := recorder(s).AddClaim(ctx, ledger.Claim{SettlementID: "ru-krs-sudzha", SourceID: "ru-mod",
		Holder: ledger.HolderContested, Degree: ledger.DegreeFighting, ValidAt: ledger.MakeDate(2025, 3, 14),
		ValidPrecision: ledger.PrecisionDay, PublishedAt: ledger.MakeDate(2025, 3, 14),
		Evidence: ledger.EvidenceOfficialStatement, Summary: "Fighting again.", Supersedes: 5}); err != nil {
		t.Fatal(err)
	}
	l.full = 0
	ix, err := ledger.Load(ctx, l, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.full != 0 {
		t.Error("a load with a saved snapshot read every claim")
	}
	full, err := ledger.Load(ctx, s.Ledger(), ledger.Options{}) // the snapshot is behind by one claim: still used
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.SaveIndexSnapshot(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := ledger.Load(ctx, s.Ledger(), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []int{12, 13, 14, 20, 21} {
		q := ledger.Query{AsOf: ledger.MakeDate(2025, 3, day)}
		want := fmt.Sprintf("%+v", rebuilt.StatusAll(q))
		for name, got := range map[string]*ledger.Index{"snapshot and later claims": ix, "snapshot, again": full} {
			if g := fmt.Sprintf("%+v", got.StatusAll(q)); g != want || got.Len() != rebuilt.Len() {
				t.Errorf("as of %s, the index from the %s = %s (%d claims)\nwant %s (%d claims)", q.AsOf, name, g,
					got.Len(), want, rebuilt.Len())
			}
		}
	}
	h1, err := ix.History(ctx, "486816")
	h2, err2 := rebuilt.History(ctx, "486816")
	if err != nil || err2 != nil || fmt.Sprintf("%+v", h1) != fmt.Sprintf("%+v", h2) || len(h1) != 2 {
		t.Errorf("History from the snapshot = %+v, %v\nwant %+v, %v", h1, err, h2, err2)
	}

	// A copy of the store starts without a snapshot, whatever the source holds.
	if err := ledger.SaveSnapshot(ctx, l, ix); err != nil {
		t.Fatal(err)
	}
	dst := h.Open(t)
	if _, err := store.Copy(ctx, s, dst); err != nil {
		t.Fatal(err)
	}
	if _, found := read(dst.Ledger().(ledger.SnapshotStore)); found {
		t.Error("the copy holds an index snapshot")
	}
}
