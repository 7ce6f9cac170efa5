package testdb

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/sqlite"
)

// Cities1000 is where "make bench-data" puts GeoNames cities1000.txt, relative to the module root.
const Cities1000 = "testdata/bench/cities1000.txt"

// Large returns a store with the seed data, GeoNames cities1000 (about 135,000 places) and claimsPer claims from
// random seed sources about n places of the region around the front line,
// with dates spread over 2024–2025. root is the module root relative to the test's directory ("../..").
// Benchmarks skip when cities1000 has not been fetched.
func Large(tb testing.TB, root string, n, claimsPer int) *sqlite.DB {
	tb.Helper()
	b, err := os.ReadFile(root + "/" + Cities1000)
	if err != nil {
		tb.Skipf("no %s (run make bench-data): %v", Cities1000, err)
	}
	db := Places(tb)
	ctx := context.Background()
	_, err = gazetteer.Importer{Store: db.Gazetteer()}.GeoNames(ctx, gazetteer.GeoNamesInput{Main: bytes.NewReader(b), MainName: "cities1000.txt"})
	if err != nil {
		tb.Fatal(err)
	}
	places, err := db.Gazetteer().PlaceSummaries(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	// Claims about places of the wider region (45–56°N, 30–45°E), in id order.
	rng := rand.New(rand.NewPCG(7, 11))
	var csv strings.Builder
	csv.WriteString("settlement,source,holder,degree,valid_at,valid_precision,published_at,evidence,summary\n")
	sources := []string{"isw", "ru-mod", "ua-command", "deepstate", "rybar", "black-bird-group"}
	holders := []string{"ru", "ua", "contested"}
	picked := 0
	for _, p := range places {
		if picked == n {
			break
		}
		if p.Point.Lat() < 45 || p.Point.Lat() > 56 || p.Point.Lon() < 30 || p.Point.Lon() > 45 {
			continue
		}
		picked++
		for i := 0; i < claimsPer; i++ {
			day := 1 + rng.IntN(27)
			month := 1 + rng.IntN(12)
			fmt.Fprintf(&csv, "%s,%s,%s,presence,2025-%02d-%02d,day,2025-%02d-%02d,map-update,Synthetic benchmark claim %d.\n",
				p.ID, sources[rng.IntN(len(sources))], holders[rng.IntN(len(holders))], month, day, month, day+1, i)
		}
	}
	rec := ledger.Recorder{Store: db.Ledger(), Places: db.Gazetteer()}
	if _, err := rec.Import(ctx, ledger.Input{Sources: bytes.NewReader(data.Sources()), SourcesFile: "sources.csv",
		Claims: strings.NewReader(csv.String()), ClaimsFile: "synthetic.csv"}); err != nil {
		tb.Fatal(err)
	}
	return db
}
