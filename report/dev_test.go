package report_test

import (
	"context"
	"os"
	"testing"

	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/report"
	"github.com/tiled-maps/tiled/seed"
)

// seeded returns a parser over a store with the seed gazetteer and registry.
func seeded(tb testing.TB) *report.Parser {
	tb.Helper()
	db := testdb.Open(tb)
	if _, err := seed.Load(context.Background(), db); err != nil {
		tb.Fatal(err)
	}
	srcs, err := db.Ledger().Sources(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	p, err := report.New(db.Gazetteer(), srcs, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func evaluate(tb testing.TB, p *report.Parser, dir string) report.Evaluation {
	tb.Helper()
	f, err := os.Open(dir + "/gold.json")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	gold, err := report.ReadGold(f)
	if err != nil {
		tb.Fatal(err)
	}
	ev, err := p.Evaluate(context.Background(), gold, dir)
	if err != nil {
		tb.Fatal(err)
	}
	return ev
}

// TestDevSet: the shared development set (testdata/dev, copied from shared/data/reports-dev): every report scores
// settlement recall 1.0 and claim precision and recall of at least 0.8.
func TestDevSet(t *testing.T) {
	ev := evaluate(t, seeded(t), "testdata/dev")
	for _, a := range ev.Articles {
		if a.Settlements.Recall() < 1 || a.Claims.Recall() < 0.8 || a.Claims.Precision() < 0.8 {
			t.Errorf("%s: settlements P/R %.2f/%.2f, claims P/R %.2f/%.2f; missed %v, extra %v", a.File,
				a.Settlements.Precision(), a.Settlements.Recall(), a.Claims.Precision(), a.Claims.Recall(), a.Missed, a.Extra)
		}
	}
}

// TestOwnSet: tiled's own reports (testdata/own) in every style, with their traps.
func TestOwnSet(t *testing.T) {
	ev := evaluate(t, seeded(t), "testdata/own")
	for _, a := range ev.Articles {
		if a.Settlements.Recall() < 1 || a.Settlements.Precision() < 1 || a.Claims.Recall() < 1 || a.Claims.Precision() < 1 {
			t.Errorf("%s: settlements P/R %.2f/%.2f, claims P/R %.2f/%.2f; missed %v, extra %v", a.File,
				a.Settlements.Precision(), a.Settlements.Recall(), a.Claims.Precision(), a.Claims.Recall(), a.Missed, a.Extra)
		}
	}
}
