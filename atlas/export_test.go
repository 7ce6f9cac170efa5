package atlas_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/sqlite"
)

// hostilePlace is a test fixture, not a real place: a settlement whose name and district a spreadsheet would run
// as formulas and a KML viewer would render as markup.
const hostilePlace = `{"type":"FeatureCollection","features":[{"type":"Feature","id":"test-hostile",
 "geometry":{"type":"Point","coordinates":[35.5,50.5]},
 "properties":{"id":"test-hostile","name":"=HYPERLINK(\"http://evil.example/\",\"<b>x</b>\")","country":"RU",
  "admin1":"+cmd|' /C calc'!A0","admin2":"@SUM(1+1)","approximate":false,"location_method":"sourced"}}]}`

// exportAtlas returns an atlas over the seed data plus hostilePlace and the store under it.
func exportAtlas(t *testing.T) (*atlas.Atlas, *sqlite.DB) {
	t.Helper()
	db := testdb.Open(t)
	if _, err := seed.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	testdb.ImportGeoJSON(t, db, []byte(hostilePlace), "hostile.geojson")
	a := atlas.New(atlas.Config{Now: benchNow},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	return a, db
}

// TestExportCSVNeutralizesFormulas: no text cell of the CSV export starts with a character that makes a
// spreadsheet evaluate it (OWASP CSV injection); the hostile values are kept, behind an apostrophe.
func TestExportCSVNeutralizesFormulas(t *testing.T) {
	a, _ := exportAtlas(t)
	var b bytes.Buffer
	if err := a.ExportCSV(context.Background(), url.Values{"as_of": {"2025-03-30"}}, &b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows[1:] {
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("column %s = %q: a spreadsheet would evaluate it", rows[0][i], cell)
			}
		}
		if row[0] == "test-hostile" {
			found = true
			for col, want := range map[int]string{1: `'=HYPERLINK("http://evil.example/","<b>x</b>")`,
				5: `'+cmd|' /C calc'!A0`, 6: `'@SUM(1+1)`} {
				if row[col] != want {
					t.Errorf("%s = %q, want %q", rows[0][col], row[col], want)
				}
			}
		}
	}
	if !found {
		t.Fatal("the hostile place is not in the export")
	}
}

// kmlDoc is the part of the KML export the tests read.
type kmlDoc struct {
	Folders []struct {
		Name       string `xml:"name"`
		Placemarks []struct {
			Name        string `xml:"name"`
			Description string `xml:"description"`
			Begin       string `xml:"TimeSpan>begin"`
			End         string `xml:"TimeSpan>end"`
		} `xml:"Placemark"`
	} `xml:"Document>Folder"`
}

// TestExportKML: every claim's TimeSpan ends where the same source's next claim in force about the same settlement
// begins, including a claim replaced on the day it was made; names and descriptions are text (markup escaped for
// Google Earth's HTML balloons).
func TestExportKML(t *testing.T) {
	a, _ := exportAtlas(t)
	ctx := context.Background()
	tok := auth.Token{Name: "test"}
	for _, body := range []string{
		// Two claims by one source on one day: the second replaces the first at once.
		`{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-05-01","published_at":"2025-05-01","evidence":"analyst-assessment","summary":"First report of the day <script>alert(1)</script>."}`,
		`{"settlement":"ru-bel-demidovka","source":"isw","holder":"ru","degree":"full","valid_at":"2025-05-01","published_at":"2025-05-02","evidence":"analyst-assessment","summary":"Second report of the day & <b>bold</b>."}`,
	} {
		if _, err := a.AddClaim(ctx, tok, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := a.ExportKML(ctx, url.Values{"as_of": {"2025-05-31"}}, &b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script") || strings.Contains(b.String(), "<b>") {
		t.Error("a claim's summary reaches the KML as markup")
	}
	var doc kmlDoc
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Folders) != 2 {
		t.Fatalf("%d folders, want 2", len(doc.Folders))
	}
	type span struct{ begin, end string }
	bySource := map[string][]span{} // "settlement — source" → spans in document order
	sawEscaped := false
	for _, pm := range doc.Folders[1].Placemarks {
		key, _, _ := strings.Cut(pm.Name, ":")
		bySource[key] = append(bySource[key], span{pm.Begin, pm.End})
		if strings.Contains(pm.Description, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			sawEscaped = true
		}
	}
	if !sawEscaped {
		t.Error("the escaped summary is missing from the descriptions")
	}
	if len(bySource) < 10 {
		t.Fatalf("claims of %d settlement–source pairs, want the seed's", len(bySource))
	}
	for key, spans := range bySource {
		slices.SortStableFunc(spans, func(x, y span) int { return strings.Compare(x.begin, y.begin) })
		for i, s := range spans {
			switch {
			case i == len(spans)-1 && s.end != "":
				t.Errorf("%s: the last claim (%s) ends on %s", key, s.begin, s.end)
			case i < len(spans)-1 && s.end != spans[i+1].begin:
				t.Errorf("%s: claim from %s ends %q, want %s where the next begins", key, s.begin, s.end, spans[i+1].begin)
			}
		}
	}
	if got := bySource["Demidovka — isw"]; len(got) < 2 || got[len(got)-2] != (span{"2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z"}) {
		t.Errorf("Demidovka — isw spans %v: the claim replaced the same day has no end", got)
	}
	for _, pm := range doc.Folders[0].Placemarks {
		if strings.Contains(pm.Name, "<") {
			t.Errorf("status name %q carries markup", pm.Name)
		}
	}
}

// cancelAfter is a context whose Err reports cancellation from its n+1st call on: the client goes away while the
// work is under way.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n <= 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

// TestHeavyReadsStopWhenTheClientGoes: an export whose client goes away while it is written is abandoned and
// leaves no file; a large read of settlements stops too.
func TestHeavyReadsStopWhenTheClientGoes(t *testing.T) {
	db := testdb.Open(t)
	if _, err := seed.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a := atlas.New(atlas.Config{Now: benchNow, ExportDir: dir},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	defer a.Close()
	for _, name := range []string{"settlements.csv", "settlements.kml"} {
		f, err := a.Export(&cancelAfter{Context: context.Background(), n: 1}, name, nil)
		if !errors.Is(err, context.Canceled) {
			if f != nil {
				f.Close()
			}
			t.Errorf("Export(%s) with the client gone = %v, want context.Canceled", name, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if f, err := a.Export(ctx, "tiled.gpkg", nil); !errors.Is(err, context.Canceled) {
		if f != nil {
			f.Close()
		}
		t.Errorf("Export(tiled.gpkg) with the client gone = %v, want context.Canceled", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	if len(left) != 0 {
		t.Errorf("abandoned exports left files: %v", left)
	}
	if _, err := a.Settlements(&cancelAfter{Context: context.Background(), n: 0}, url.Values{"limit": {"10000"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Settlements(limit=10000) with the client gone = %v, want context.Canceled", err)
	}
	f, err := a.Export(context.Background(), "settlements.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if left, _ := filepath.Glob(filepath.Join(dir, "*", "*")); len(left) != 1 {
		t.Errorf("after one export: files %v, want one", left)
	}
}
