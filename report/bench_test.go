package report_test

import (
	"bytes"
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/report"
	"github.com/tiled-maps/tiled/seed"
)

// longReport joins the English test reports, paragraph by paragraph, until the text has at least words words.
func longReport(tb testing.TB, words int) string {
	tb.Helper()
	var paras []string
	for _, f := range []string{"dev/dev-01-en.txt", "dev/dev-03-en.txt", "dev/dev-05-en.txt", "own/own-01-en-wire.txt",
		"own/own-02-en-thinktank.txt", "own/own-06-en-telegram-digest.txt", "own/own-05-en-unrelated.txt"} {
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			tb.Fatal(err)
		}
		paras = append(paras, strings.Split(strings.TrimSpace(string(b)), "\n\n")...)
	}
	var sb strings.Builder
	n := 0
	for i := 0; n < words; i++ {
		p := paras[i%len(paras)]
		sb.WriteString(p)
		sb.WriteString("\n\n")
		n += len(strings.Fields(p))
	}
	return sb.String()
}

// largeParser returns a parser over the seed data plus GeoNames cities1000 (about 135,000 places).
func largeParser(b *testing.B) *report.Parser {
	b.Helper()
	data, err := os.ReadFile("../" + testdb.Cities1000)
	if err != nil {
		b.Skipf("no %s (run make bench-data): %v", testdb.Cities1000, err)
	}
	db := testdb.Open(b)
	ctx := context.Background()
	if _, err := seed.Load(ctx, db); err != nil {
		b.Fatal(err)
	}
	if _, err := (gazetteer.Importer{Store: db.Gazetteer()}).GeoNames(ctx,
		gazetteer.GeoNamesInput{Main: bytes.NewReader(data), MainName: "cities1000.txt"}); err != nil {
		b.Fatal(err)
	}
	srcs, err := db.Ledger().Sources(ctx)
	if err != nil {
		b.Fatal(err)
	}
	p, err := report.New(db.Gazetteer(), srcs, nil)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func benchParse(b *testing.B, p *report.Parser, text string) {
	ctx := context.Background()
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := p.Parse(ctx, text, report.Options{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(len(strings.Fields(text))), "words")
}

// BenchmarkParseLarge parses a 2,000-word report over the seed data plus cities1000 (the target: median < 50 ms).
func BenchmarkParseLarge(b *testing.B) {
	benchParse(b, largeParser(b), longReport(b, 2000))
}

// BenchmarkParseSeed is the same report over the seed store alone: the peer that shows what the 135,000 places
// cost.
func BenchmarkParseSeed(b *testing.B) {
	benchParse(b, seeded(b), longReport(b, 2000))
}
