package report_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/report"
	"github.com/tiled-maps/tiled/seed"
)

// withNamesakes returns a parser over the seed data and real namesakes from elsewhere (testdata/namesakes.geojson,
// from shared/data/namesakes-sample.csv): Popovka of Korochansky district, Popivka of Sumy Oblast, Demydivka of
// Rivne Oblast, Prilesʼye of Tula Oblast.
func withNamesakes(tb testing.TB) *report.Parser {
	tb.Helper()
	db := testdb.Open(tb)
	ctx := context.Background()
	if _, err := seed.Load(ctx, db); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile("testdata/namesakes.geojson")
	if err != nil {
		tb.Fatal(err)
	}
	testdb.ImportGeoJSON(tb, db, b, "namesakes.geojson")
	srcs, err := db.Ledger().Sources(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := report.New(db.Gazetteer(), srcs, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestResolveWithTheWholeReport: namesakes are told apart by what else the report says, never by size; what the
// report does not decide stays ambiguous.
func TestResolveWithTheWholeReport(t *testing.T) {
	p := withNamesakes(t)
	tests := []struct {
		name, text, outlet string
		want               string // the first mention's id, "?" ambiguous, "-" unresolved
	}{
		{"alone, the namesakes tie", "Popovka was quiet.", "Rivne Daily", "?"},
		{"a nearby village decides", "Popovka, near Grafovka, was shelled.", "", "ru-bel-popovka-kr"},
		{"the district decides", "Popovka in Korochansky district was quiet.", "", "ns-ru-bel-popovka-korocha"},
		{"a district in Russian genitive", "Поповка Корочанского района.", "", "ns-ru-bel-popovka-korocha"},
		{"the oblast named elsewhere", "Fighting in Sumy Oblast. Popivka was shelled.", "", "ns-ua-sum-popivka-okhtyrka"},
		{"the outlet's area", "Прилесье обстреляли.", "Тульские новости (Тульская область)", "ns-ru-tul-prilesye-uzlovaya"},
		{"the border belt by default", "Прилесье обстреляли.", "", "ru-bel-prilesye"},
		{"a district without the place", "Demidovka in Grayvoronsky district.", "", "-"},
		{"Rivne's Demydivka", "Demydivka in Rivne Oblast held a fair.", "", "ns-ua-riv-demydivka"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Parse(context.Background(), tt.text, report.Options{Published: mustDate(t, "2025-03-30"), Outlet: tt.outlet})
			if err != nil {
				t.Fatal(err)
			}
			for _, pl := range res.Places {
				if pl.Kind != report.KindSettlement {
					continue
				}
				got := "-"
				switch {
				case pl.Ambiguous:
					got = "?"
					if len(pl.Alternatives) < 2 {
						t.Errorf("Parse(%q): ambiguous with alternatives %v", tt.text, pl.Alternatives)
					}
				case pl.ID != nil:
					got = *pl.ID
				}
				if got != tt.want {
					t.Errorf("Parse(%q) first place = %s (%s), want %s", tt.text, got, pl.Note, tt.want)
				}
				return
			}
			t.Errorf("Parse(%q) found no settlement", tt.text)
		})
	}
}

// FuzzParse: any text either parses or is refused with ErrInvalid/ErrTooLarge, and every offset points into the
// text at the words it names.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"Popovka, near Grafovka", "Бои в Демидовке", "ISW: Russian forces advanced in Sudzha.",
		"«Суджа»—Сумщина; 18 марта", "\u0301Sudzha's", "V. Popov said", "Related coverage\nKyiv"} {
		f.Add(s)
	}
	p := seeded(f)
	f.Fuzz(func(t *testing.T, text string) {
		res, err := p.Parse(context.Background(), text, report.Options{Published: mustDate(t, "2025-03-30")})
		if err != nil {
			return
		}
		runes := []rune(text)
		for _, pl := range res.Places {
			if pl.Start < 0 || pl.End > len(runes) || pl.Start >= pl.End || string(runes[pl.Start:pl.End]) != pl.Mention {
				t.Fatalf("Parse(%q): place %q at %d-%d", text, pl.Mention, pl.Start, pl.End)
			}
		}
		for _, c := range res.Claims {
			if c.Start < 0 || c.End > len(runes) || c.Start >= c.End || strings.Contains(c.Summary, string(runes[c.Start:c.End])) && c.End-c.Start > 40 {
				t.Fatalf("Parse(%q): claim span %d-%d, summary %q", text, c.Start, c.End, c.Summary)
			}
		}
	})
}
