package storetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/store"
)

// rowStore hides the store's ledger.BatchWriter: imports through it take the one-row-at-a-time path.
type rowStore struct{ ledger.Store }

func (s rowStore) Write(ctx context.Context, fn func(w ledger.Writer) error) error {
	return s.Store.Write(ctx, func(w ledger.Writer) error { return fn(rowWriter{w}) })
}

// rowWriter is a ledger.Writer and nothing more.
type rowWriter struct{ ledger.Writer }

// importWays are the ways an import may go through a store, which must accept and refuse the same files with the
// same errors: batches of three rows (so that a short file has rows on both sides of a batch's end), the default
// batches, and one row at a time through a Writer without batches.
func importWays(s *store.Store) map[string]ledger.Recorder {
	return map[string]ledger.Recorder{
		"batches of 3":   {Store: s.Ledger(), Places: s.Gazetteer(), Now: Now, BatchSize: 3},
		"default":        {Store: s.Ledger(), Places: s.Gazetteer(), Now: Now},
		"one row a time": {Store: rowStore{s.Ledger()}, Places: s.Gazetteer(), Now: Now},
	}
}

// row is a claims CSV row with a blank id, valid and published on date.
func row(settlement, source, holder, degree, date, summary string, supersedes, retracts int) string {
	id := func(n int) string {
		if n == 0 {
			return ""
		}
		return fmt.Sprint(n)
	}
	return fmt.Sprintf(",%s,%s,%s,%s,%s,day,%s,,,map-update,%s,,%s,%s\n", settlement, source, holder, degree, date, date,
		summary, id(supersedes), id(retracts))
}

// testImportBatches checks that an import checked and appended in batches refuses exactly what one checked row by
// row refuses, naming the same first bad line with the same error, keeps nothing then, and accepts corrections and
// repeats of corrected claims on either side of a batch's end. The seeded ledger holds claim 5 (486816, ru-mod,
// ru full, 2025-03-13, "Retook Sudzha.") and claim 6 (ru-bel-demidovka, isw, unknown, "Unclear."); new claims
// get ids from 7.
func testImportBatches(t *testing.T, h Harness) {
	ctx := context.Background()
	a := row("486816", "isw", "ua", "full", "2025-03-14", "A.", 0, 0)
	b := row("486816", "isw", "ru", "partial", "2025-03-15", "B.", 0, 0)
	c := row("ru-bel-prilesye", "deepstate", "ua", "full", "2025-03-15", "C.", 0, 0)
	d := row("ru-bel-prilesye", "ru-mod", "ru", "advance", "2025-03-16", "D.", 0, 0)
	claim5 := row("486816", "ru-mod", "ru", "full", "2025-03-13", "Retook Sudzha.", 0, 0)
	claim6 := ",ru-bel-demidovka,isw,unknown,,2025-03-20,week,2025-03-21,,,analyst-assessment,Unclear.,,,\n"
	var many strings.Builder
	for i := range 2500 {
		fmt.Fprintf(&many, ",%s,%s,ua,fighting,2025-01-01,day,2025-01-02,,,map-update,Row %d.,,,\n",
			[]string{"486816", "ru-bel-prilesye"}[i%2], []string{"isw", "ru-mod", "deepstate"}[i%3], i)
	}
	const dup = "row: repeats claim %d (same settlement, source, holder, degree, dates and summary)"
	tests := []struct {
		name, rows string
		want       string // the whole error, after "claims.csv:"
	}{
		{"bad last row of the first batch", a + b + row("486816", "rybar", "ru", "full", "2025-03-15", "X.", 0, 0),
			`4: source "rybar": not in the source registry (tiled sources list; add it with tiled sources add)`},
		{"bad last row of the file, batches after the first", a + b + c + d + row("486816", "isw", "ru", "full", "2025-03-20", "E.", 0, 0) +
			",486816,isw,russia,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			`7: holder "russia": want one of ru, ua, contested, unknown`},
		{"repeat of a stored claim on the last row of the file", a + b + c + d + row("486816", "isw", "ru", "full", "2025-03-20", "E.", 0, 0) +
			row("486816", "deepstate", "ua", "full", "2025-03-20", "F.", 0, 0) + claim5, "8: " + fmt.Sprintf(dup, 5)},
		{"repeat within a batch", a + a, "3: " + fmt.Sprintf(dup, 7)},
		{"repeat across batches", a + b + c + a, "5: " + fmt.Sprintf(dup, 7)},
		{"repeat of a stored claim by its settlement's slug", a + claim6, "3: " + fmt.Sprintf(dup, 6)},
		{"corrected twice in a batch", row("486816", "ru-mod", "contested", "fighting", "2025-03-14", "S.", 5, 0) +
			row("486816", "ru-mod", "unknown", "", "2025-03-15", "R.", 0, 5),
			`3: retracts "5": claim 5 was already superseded or retracted by claim 7: a claim is corrected once`},
		{"corrected twice across batches", row("486816", "ru-mod", "contested", "fighting", "2025-03-14", "S.", 5, 0) + a + b +
			row("486816", "ru-mod", "unknown", "", "2025-03-15", "R.", 0, 5),
			`5: retracts "5": claim 5 was already superseded or retracted by claim 7: a claim is corrected once`},
		{"corrects a row below it in the same batch", row("486816", "isw", "ru", "full", "2025-03-14", "S.", 8, 0) + a,
			`2: supersedes "8": no such claim in the ledger or on an earlier row`},
		{"corrects a retraction of the same batch", row("486816", "ru-mod", "unknown", "", "2025-03-15", "R.", 0, 5) +
			row("486816", "ru-mod", "ru", "full", "2025-03-16", "S.", 7, 0),
			`3: supersedes "7": claim 7 is a retraction; retractions cannot be superseded or retracted`},
		{"corrects another source's row of an earlier batch", a + b + c + row("486816", "ru-mod", "ru", "full", "2025-03-16", "S.", 7, 0),
			`5: source "ru-mod": claim 7 is by source isw: only isw can correct or retract it (an admin can record an editorial retraction)`},
		{"a repeat above a bad value in one batch", a + claim5 + ",486816,isw,russia,full,2025-03-13,day,2025-03-13,,,map-update,x,,,\n",
			"3: " + fmt.Sprintf(dup, 5)},
		{"ids not increasing in a batch", "9" + a + "8" + b,
			`3: id "8": claim ids must increase: the ledger already holds ids up to 9 (leave id blank to have one assigned)`},
		{"bad last row after 2,500 good ones", many.String() + ",486816,isw,ru,full,2025-03-13,day,2025-03-13,,,map-update,x,9,,\n",
			`2502: credibility "9": want a grade 1–6 (1 confirmed … 6 cannot be judged)`},
		{"repeat of the first of 2,500 rows on the last", many.String() + strings.SplitAfter(many.String(), "\n")[0],
			"2502: " + fmt.Sprintf(dup, 7)},
	}
	s := Seeded(t, h)
	before := hash(t, s)
	v0, _ := s.DataVersion(ctx)
	for _, tt := range tests {
		for way, rec := range importWays(s) {
			t.Run(tt.name+"/"+way, func(t *testing.T) {
				_, err := rec.ImportClaims(ctx, strings.NewReader(ClaimsHead+tt.rows), "claims.csv")
				if err == nil || err.Error() != "claims.csv:"+tt.want {
					t.Errorf("ImportClaims error = %v\nwant claims.csv:%s", err, tt.want)
				}
			})
		}
	}
	if hash(t, s) != before {
		t.Error("refused imports changed the store")
	}
	if v1, _ := s.DataVersion(ctx); v1 != v0 {
		t.Errorf("DataVersion moved from %d to %d on refused imports", v0, v1)
	}

	// Accepted: corrections of rows of the same batch, of an earlier batch and of the store, and repeats of claims
	// no longer in force, on either side of a batch's end; explicit ids after blank ones.
	good := a + // 7
		row("486816", "isw", "ru", "full", "2025-03-15", "A corrected.", 7, 0) + // 8 supersedes 7, same batch
		a + // 9: repeats 7, which row 3 superseded
		row("ru-bel-demidovka", "isw", "unknown", "", "2025-03-22", "Withdrawn.", 0, 6) + // 10 retracts stored 6
		claim6 + // 11: repeats 6, retracted on the row above
		row("486816", "isw", "contested", "fighting", "2025-03-16", "A again corrected.", 9, 0) + // 12 supersedes 9, earlier batch
		row("486816", "ru-mod", "contested", "fighting", "2025-03-13", "Corrected.", 5, 0) + // 13 supersedes stored 5
		claim5 + // 14: repeats 5, superseded on the row above
		"20" + c + // 20
		d + // 21
		many.String() // 22–2521
	type link struct{ id, supersedes, retracts int64 }
	want := []link{{5, 0, 0}, {6, 0, 0}, {7, 0, 0}, {8, 7, 0}, {9, 0, 0}, {10, 0, 6}, {11, 0, 0}, {12, 9, 0}, {13, 5, 0},
		{14, 0, 0}, {20, 0, 0}, {21, 0, 0}, {22, 0, 0}}
	var first []ledger.Claim
	for way := range importWays(s) {
		t.Run("accepted/"+way, func(t *testing.T) {
			s := Seeded(t, h)
			st, err := importWays(s)[way].ImportClaims(ctx, strings.NewReader(ClaimsHead+good), "claims.csv")
			if err != nil {
				t.Fatal(err)
			}
			if st.Claims != 2510 || st.FirstID != 7 || st.LastID != 2521 {
				t.Errorf("ImportClaims = %+v, want 2510 claims, ids 7–2521", st)
			}
			cs, err := s.Ledger().Claims(ctx, ledger.ClaimFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []link
			for _, c := range cs[:min(len(cs), len(want))] {
				got = append(got, link{c.ID, c.Supersedes, c.Retracts})
			}
			if !reflect.DeepEqual(got, want) || len(cs) != 2512 {
				t.Errorf("claims (id, supersedes, retracts) = %v… (%d claims)\nwant %v… (2512 claims)", got, len(cs), want)
			}
			if first == nil {
				first = cs
			} else if !reflect.DeepEqual(cs, first) {
				t.Errorf("the claims stored differ between the ways of importing")
			}
		})
	}
}
