package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
)

// benchClaims returns a claims CSV of n claims about the seed settlements from the three test sources, with
// blank ids from first on (the store assigns first, first+1, …), one in fifty superseding a claim a few rows
// above of the same settlement and source, and summaries unique to first.
func benchClaims(first, n int) string {
	settlements := []string{"486816", "ru-bel-demidovka", "ru-bel-prilesye", "ru-krs-sudzha", "ru-bel-grafovka"}
	sources := []string{"isw", "ru-mod", "deepstate"}
	var b strings.Builder
	b.WriteString(claimsHead)
	for i := range n {
		id := first + i
		s, src := settlements[id%len(settlements)], sources[(id/len(settlements))%len(sources)]
		sup := ""
		if i >= 15 && i%50 == 0 {
			sup = fmt.Sprint(id - 15) // same settlement and source (15 is a multiple of 5 and of 3·5)
		}
		valid := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (id*7919)%700)
		fmt.Fprintf(&b, ",%s,%s,ru,full,%s,day,%s,,,map-update,Benchmark claim %d.,,%s,\n", s, src,
			valid.Format(time.DateOnly), valid.AddDate(0, 0, 1).Format(time.DateOnly), id, sup)
	}
	return b.String()
}

// BenchmarkImportClaims measures `tiled claims import` of 10,000 claims into an empty ledger (go test -bench
// ImportClaims -cpuprofile cpu.out ./sqlite).
func BenchmarkImportClaims(b *testing.B) {
	ctx := context.Background()
	const n = 10_000
	csv := benchClaims(1, n)
	for b.Loop() {
		b.StopTimer()
		_, rec := ledgerDB(b)
		b.StartTimer()
		if _, err := rec.ImportClaims(ctx, strings.NewReader(csv), "bench.csv"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "claims/s")
}

// TestBenchClaimsImport checks the benchmark's data: it imports, and its corrections are accepted.
func TestBenchClaimsImport(t *testing.T) {
	db, rec := ledgerDB(t)
	st, err := rec.ImportClaims(context.Background(), strings.NewReader(benchClaims(1, 500)), "bench.csv")
	if err != nil || st.Claims != 500 || st.LastID != 500 {
		t.Fatalf("ImportClaims = %+v, %v; want 500 claims, ids 1–500", st, err)
	}
	cs, err := db.Ledger().Claims(context.Background(), ledger.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sup := 0
	for _, c := range cs {
		if c.Supersedes != 0 {
			sup++
		}
	}
	if sup != 9 {
		t.Errorf("%d claims supersede one, want 9", sup)
	}
}
