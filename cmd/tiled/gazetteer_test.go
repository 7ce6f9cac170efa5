package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tiled runs the CLI in-process and returns stdout, stderr and the error.
func tiled(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	return out.String(), errb.String(), err
}

func seeded(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "tiled.db")
	if out, errs, err := tiled(t, "seed", "--db", db); err != nil || !strings.Contains(out, "loaded the seed data") {
		t.Fatalf("seed: %v\n%s%s", err, out, errs)
	}
	return db
}

func TestGeocodeJSONContract(t *testing.T) {
	db := seeded(t)
	tests := []struct {
		args          []string
		wantTop       string
		wantAmbiguous bool
	}{
		{[]string{"Prilesye"}, "ru-bel-prilesye", false},
		{[]string{"Попівка"}, "ru-bel-popovka-kr", false},
		{[]string{"--context", "Krasnoyaruzhsky district", "Popovka"}, "ru-bel-popovka-kr", false},
		{[]string{"Hoholivka"}, "ru-krs-gogolevka", false},
		{[]string{"под", "Суджей"}, "486816", false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errs, err := tiled(t, append([]string{"geocode", "--db", db, "--json"}, tt.args...)...)
			if err != nil {
				t.Fatalf("geocode: %v %s", err, errs)
			}
			var res struct {
				Query      string `json:"query"`
				Ambiguous  *bool  `json:"ambiguous"`
				Candidates []struct {
					ID      string   `json:"id"`
					Name    string   `json:"name"`
					Lat     *float64 `json:"lat"`
					Lon     *float64 `json:"lon"`
					Country string   `json:"country"`
					Admin1  string   `json:"admin1"`
					Admin2  string   `json:"admin2"`
					Score   *float64 `json:"score"`
					Reasons []string `json:"reasons"`
				} `json:"candidates"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("geocode --json output is not JSON: %v\n%s", err, out)
			}
			if res.Ambiguous == nil || len(res.Candidates) == 0 {
				t.Fatalf("geocode --json lacks ambiguous or candidates:\n%s", out)
			}
			c := res.Candidates[0]
			if c.ID != tt.wantTop || *res.Ambiguous != tt.wantAmbiguous {
				t.Errorf("geocode %v = %s ambiguous=%v, want %s ambiguous=%v", tt.args, c.ID, *res.Ambiguous, tt.wantTop, tt.wantAmbiguous)
			}
			if c.Lat == nil || c.Lon == nil || c.Score == nil || c.Country == "" || c.Admin1 == "" || c.Admin2 == "" || len(c.Reasons) == 0 || res.Query == "" {
				t.Errorf("candidate lacks contract fields: %+v", c)
			}
		})
	}
}

func TestGeocodeTableOutputSaysAmbiguous(t *testing.T) {
	db := seeded(t)
	ns, err := os.ReadFile("../../gazetteer/testdata/namesakes.geojson")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "namesakes.geojson")
	os.WriteFile(f, ns, 0o644)
	if _, errs, err := tiled(t, "import", "--db", db, f); err != nil {
		t.Fatalf("import: %v %s", err, errs)
	}
	out, _, err := tiled(t, "geocode", "--db", db, "Popovka")
	if err != nil || !strings.Contains(out, "ambiguous") || !strings.Contains(out, "ns-ru-bel-popovka-korocha") {
		t.Errorf("geocode Popovka = %v\n%s\nwant an ambiguity notice listing both namesakes", err, out)
	}
}

func TestImportCLIErrorsNameTheLine(t *testing.T) {
	db := seeded(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("1\tx\n"), 0o644)
	_, _, err := tiled(t, "import", "--db", db, bad)
	if err == nil || !strings.Contains(err.Error(), "bad.txt:1: want 19 tab-separated columns") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("import bad GeoNames error = %v", err)
	}
	if exitCode(err) != 1 {
		t.Errorf("exit code = %d, want 1", exitCode(err))
	}
	_, _, err = tiled(t, "import", "--db", db, filepath.Join(dir, "x.csv"))
	if err == nil || exitCode(err) != 2 {
		t.Errorf("import unknown format: %v (exit %d), want a usage error", err, exitCode(err))
	}
}

func TestReverseCLI(t *testing.T) {
	db := seeded(t)
	out, _, err := tiled(t, "reverse", "--db", db, "--json", "-n", "2", "51.1914", "35.2706")
	if err != nil {
		t.Fatal(err)
	}
	var res []struct {
		ID         string  `json:"id"`
		DistanceKM float64 `json:"distance_km"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 2 || res[0].ID != "486816" {
		t.Errorf("reverse = %v %s, want Sudzha first", err, out)
	}
	if _, _, err := tiled(t, "reverse", "--db", db, "91", "35"); exitCode(err) != 2 {
		t.Errorf("reverse 91 35: %v, want usage error", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	if _, _, err := tiled(t, "frobnicate"); err == nil || exitCode(err) != 2 {
		t.Errorf("unknown command: %v", err)
	}
}

// TestImportGeoNamesWithAdminAndAlternateNames imports a GeoNames dump with its admin1 codes (real rows of
// admin1CodesASCII.txt) and alternate names: oblast names and Russian names come along and are searchable.
func TestImportGeoNamesWithAdminAndAlternateNames(t *testing.T) {
	db := seeded(t)
	dir := t.TempDir()
	// Sudzha as GeoNames has it (id 486816), with an alternate-names row of ours for the test.
	main := "486816\tSudzha\tSudzha\tSudscha\t51.19139\t35.27056\tP\tPPLA2\tRU\t\t41\t\t\t\t6036\t\t177\tEurope/Moscow\t2019-09-05\n"
	alt := "1\t486816\tru\tСуджа\t1\t\t\t\t\t\n2\t486816\tlink\thttps://example.org/x\t\t\t\t\t\t\n"
	os.WriteFile(filepath.Join(dir, "dump.txt"), []byte(main), 0o644)
	os.WriteFile(filepath.Join(dir, "alt.txt"), []byte(alt), 0o644)
	out, errs, err := tiled(t, "import", "--db", db, "--admin1", "testdata/admin1CodesASCII.txt",
		"--alternate-names", filepath.Join(dir, "alt.txt"), filepath.Join(dir, "dump.txt"))
	if err != nil || !strings.Contains(out, "imported 1 places") {
		t.Fatalf("import: %v\n%s%s", err, out, errs)
	}
	out, _, err = tiled(t, "place", "--db", db, "--json", "486816")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Admin1     string `json:"admin1"`
		Admin1Code string `json:"admin1_code"`
		Names      []struct {
			Name, Lang, Kind string
		} `json:"names"`
	}
	json.Unmarshal([]byte(out), &p)
	if p.Admin1 != "Kursk" || p.Admin1Code != "RU.41" {
		t.Errorf("admin1 = %q %q, want Kursk RU.41 from admin1CodesASCII", p.Admin1, p.Admin1Code)
	}
	var ru, link bool
	for _, n := range p.Names {
		ru = ru || (n.Name == "Суджа" && n.Lang == "ru" && n.Kind == "official")
		link = link || strings.HasPrefix(n.Name, "https://")
	}
	if !ru || link {
		t.Errorf("names = %+v, want the preferred Russian name and no link pseudo-name", p.Names)
	}
}

// TestImportStoresTheMapIndexes: after an import commits, the compact place index of the new places version is in
// the store (the server's next start reads it instead of every place); with --index=false it is not, and the
// import is the same.
func TestImportStoresTheMapIndexes(t *testing.T) {
	geojson := filepath.Join("..", "..", "data", "settlements.geojson")
	for _, index := range []bool{true, false} {
		db := seeded(t)
		args := []string{"import", "--db", db, geojson}
		if !index {
			args = append(args, "--index=false")
		}
		out, errs, err := tiled(t, args...)
		if err != nil || !strings.Contains(out, "imported 59 places") {
			t.Fatalf("import (index %v): %v\n%s%s", index, err, out, errs)
		}
		if said := strings.Contains(out, "stored the map's place index"); said != index {
			t.Errorf("import (index %v) says it stored the indexes: %v\n%s", index, said, out)
		}
		raw, err := sql.Open("sqlite3", "file:"+db)
		if err != nil {
			t.Fatal(err)
		}
		var stored int
		err = raw.QueryRow(`SELECT count(*) FROM tiled_place_index
			WHERE places_version = (SELECT value FROM tiled_meta WHERE key = 'places_version')`).Scan(&stored)
		raw.Close()
		if err != nil {
			t.Fatal(err)
		}
		if (stored > 0) != index {
			t.Errorf("import (index %v): %d rows of the current place index stored", index, stored)
		}
	}
}
