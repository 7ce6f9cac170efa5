package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/geo"
)

var update = flag.Bool("update", false, "rewrite testdata/settlements.golden.geojson from testdata/shared")

func TestParseCodes(t *testing.T) {
	tests := []struct {
		name, in string
		want     Codes
		wantJSON string
		wantErr  bool
	}{
		{"blank", "", nil, "", false},
		{"geonames only", "GeoNames:578072", Codes{{"GeoNames", "578072"}}, `{"GeoNames":"578072"}`, false},
		{"russian codes in order", "OKTMO:14643430106;OKATO:14243806002;postal:309432;GeoNames:578072",
			Codes{{"OKTMO", "14643430106"}, {"OKATO", "14243806002"}, {"postal", "309432"}, {"GeoNames", "578072"}},
			`{"OKTMO":"14643430106","OKATO":"14243806002","postal":"309432","GeoNames":"578072"}`, false},
		{"keys with spaces", "selsoviet OKTMO:38618444;selsoviet OKATO:38218844",
			Codes{{"selsoviet OKTMO", "38618444"}, {"selsoviet OKATO", "38218844"}},
			`{"selsoviet OKTMO":"38618444","selsoviet OKATO":"38218844"}`, false},
		{"ukrainian codes", "KATOTTH:UA59080090010070278;postal:42400",
			Codes{{"KATOTTH", "UA59080090010070278"}, {"postal", "42400"}}, "", false},
		{"spaces around parts", " postal : 307800 ; GeoNames:486816 ", Codes{{"postal", "307800"}, {"GeoNames", "486816"}}, "", false},
		{"no colon", "OKTMO", nil, "", true},
		{"no value", "OKTMO:", nil, "", true},
		{"no key", ":123", nil, "", true},
		{"empty entry", "postal:1;;GeoNames:2", nil, "", true},
		{"key twice", "postal:1;postal:2", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCodes(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseCodes(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseCodes(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if tt.wantJSON != "" {
				b, err := json.Marshal(got)
				if err != nil || string(b) != tt.wantJSON {
					t.Errorf("json.Marshal(parseCodes(%q)) = %s, %v, want %s", tt.in, b, err, tt.wantJSON)
				}
			}
		})
	}
}

func TestFeatureID(t *testing.T) {
	tests := []struct {
		name, slug, codes string
		wantID            string
		wantGeonameID     int64
		wantErr           bool
	}{
		{"geonames id wins", "ru-bel-belgorod", "GeoNames:578072", "578072", 578072, false},
		{"geonames among other codes", "ru-krs-sudzha", "OKTMO:38640101001;postal:307800;GeoNames:486816", "486816", 486816, false},
		{"no geonames: slug", "ru-bel-prilesye", "OKTMO:14643430106;OKATO:14243806002;postal:309432", "ru-bel-prilesye", 0, false},
		{"no codes: slug", "ru-bel-demidovka", "", "ru-bel-demidovka", 0, false},
		{"leading zeros normalised", "x", "GeoNames:0578072", "578072", 578072, false},
		{"not a number", "x", "GeoNames:abc", "", 0, true},
		{"zero", "x", "GeoNames:0", "", 0, true},
		{"negative", "x", "GeoNames:-5", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			codes, err := parseCodes(tt.codes)
			if err != nil {
				t.Fatal(err)
			}
			id, gid, err := featureID(tt.slug, codes)
			if (err != nil) != tt.wantErr || id != tt.wantID || gid != tt.wantGeonameID {
				t.Errorf("featureID(%q, %q) = %q, %d, %v, want %q, %d, error %v",
					tt.slug, tt.codes, id, gid, err, tt.wantID, tt.wantGeonameID, tt.wantErr)
			}
		})
	}
}

func TestFeatureCode(t *testing.T) {
	tests := []struct{ placeType, want string }{
		{"city (oblast centre)", "PPLA"},
		{"urban-type settlement (district centre)", "PPLA2"},
		{"town (district centre)", "PPLA2"},
		{"sloboda (district centre)", "PPLA2"},
		{"settlement (selyshche; former raion centre)", "PPL"},
		{"settlement (former district centre)", "PPL"},
		{"monastery (POI in Gornal village; NOT the village centroid)", "MSTY"},
		{"village (selo); centre of Grafovskoye rural settlement", "PPL"},
		{"village (selo); hromada centre", "PPL"},
		{"urban-type settlement (GeoNames PPL)", "PPL"},
		{"populated place (GeoNames, ≥1000 people)", "PPL"},
		{"village", "PPL"},
		{"", "PPL"},
	}
	for _, tt := range tests {
		t.Run(tt.placeType, func(t *testing.T) {
			if got := featureCode(tt.placeType); got != tt.want {
				t.Errorf("featureCode(%q) = %q, want %q", tt.placeType, got, tt.want)
			}
		})
	}
}

func TestNameLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Prylissia", ""},
		{"Priles'ye", ""},
		{"Sudža", ""},
		{"Прилесье", "ru"},
		{"Прилісся", "uk"},
		{"Їжаківка", "uk"},
		{"Бєлгород", "uk"},
		{"Ґрунь", "uk"},
		{"Поповка", "ru"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := nameLang(tt.in); got != tt.want {
				t.Errorf("nameLang(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMatchAdmin1(t *testing.T) {
	f, err := os.Open("testdata/shared/data/geonames-admin1-RU-UA.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := parseAdmin1(f, "admin1.tsv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		country, name, want string
		wantErr             bool
	}{
		{"RU", "Belgorod Oblast", "RU.09", false},
		{"RU", "Kursk Oblast", "RU.41", false},
		{"UA", "Sumy Oblast", "UA.21", false},
		{"RU", "Tula Oblast", "RU.76", false},
		{"UA", "Rivne Oblast", "UA.19", false},
		{"RU", "Tver Oblast", "RU.77", false},
		{"RU", "Moscow", "RU.48", false},
		{"RU", "Moscow Oblast", "RU.47", false},
		{"RU", "Moscow Region", "", true}, // first word matches Moscow and Moscow Oblast
		{"RU", "Sumy Oblast", "", true},   // wrong country
		{"UA", "Kharkiv Oblast", "", true},
		{"RU", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.country+" "+tt.name, func(t *testing.T) {
			got, err := matchAdmin1(entries, tt.country, tt.name)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("matchAdmin1(%q, %q) = %q, %v, want %q, error %v", tt.country, tt.name, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestCentroidOfNear(t *testing.T) {
	tests := []struct {
		name     string
		nbs      []placedPoint
		want     orb.Point
		wantPrec float64
	}{
		{"single neighbour: its position, at least 5 km",
			[]placedPoint{{orb.Point{35.40444, 51.10389}, 2}}, orb.Point{35.40444, 51.10389}, 5},
		{"single imprecise neighbour keeps its precision",
			[]placedPoint{{orb.Point{35.4, 51.1}, 7.2}}, orb.Point{35.4, 51.1}, 7.5},
		{"two on the equator: half the gap plus precision, rounded up",
			[]placedPoint{{orb.Point{0, 0}, 1}, {orb.Point{0.1, 0}, 1}}, orb.Point{0.05, 0}, 7}, // 5.56 + 1 km
		{"the less precise neighbour decides",
			[]placedPoint{{orb.Point{0, 0}, 1}, {orb.Point{0.1, 0}, 4.5}}, orb.Point{0.05, 0}, 10.5}, // 5.56 + 4.5 km
		{"three points: mean of lon and lat",
			[]placedPoint{{orb.Point{0, 0}, 1}, {orb.Point{0.03, 0}, 1}, {orb.Point{0, 0.03}, 1}}, orb.Point{0.01, 0.01}, 3.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, prec := centroidOfNear(tt.nbs)
			if geo.DistanceKM(got, tt.want) > 1e-6 || prec != tt.wantPrec {
				t.Errorf("centroidOfNear(%v) = %v, %v, want %v, %v", tt.nbs, got, prec, tt.want, tt.wantPrec)
			}
			for _, n := range tt.nbs {
				if d := geo.DistanceKM(got, n.pt) + n.precisionKM; d > prec {
					t.Errorf("centroidOfNear(%v) precision %v does not cover %v (%.3f km)", tt.nbs, prec, n.pt, d)
				}
			}
		})
	}
}

const testHeader = "id,name_en,name_ru,name_uk,alt_names,country,admin1,admin2,lat,lon,precision_km,near,location_note," +
	"population,population_year,place_type,codes,source,confidence\n"

// buildCSV parses and builds a CSV given its data lines (the header is added), against the testdata admin1 codes.
func buildCSV(tb testing.TB, lines ...string) (*FeatureCollection, error) {
	tb.Helper()
	return buildCSVHeader(tb, testHeader, lines...)
}

// buildCSVHeader is buildCSV with the given header line.
func buildCSVHeader(tb testing.TB, header string, lines ...string) (*FeatureCollection, error) {
	tb.Helper()
	f, err := os.Open("testdata/shared/data/geonames-admin1-RU-UA.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	admin1, err := parseAdmin1(f, "admin1.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	rows, err := parseRows(strings.NewReader(header+strings.Join(lines, "\n")+"\n"), "in.csv")
	if err != nil {
		return nil, err
	}
	return build(rows, admin1)
}

func TestBuildPlacement(t *testing.T) {
	fc, err := buildCSV(t,
		"d,D,,,,RU,Kursk Oblast,,,,,c,,,,village,,s,relative",                 // placed after c, which it names
		"a,A,,,,RU,Kursk Oblast,,0,0,,,,,,village,,s,two-sources",             // precision 1
		"b,B,,,,RU,Kursk Oblast,,0,0.1,,,,,,village,GeoNames:42,s,one-source", // precision 2, id "42"
		"c,C,,,,RU,Kursk Oblast,,,,,a|b,,,,village,,s,relative",
		"e,E,,,,RU,Kursk Oblast,,0,1,0.3,,,,,village,,s,one-source", // precision_km given
	)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		pt     orb.Point
		prec   float64
		approx bool
		method string
		near   []string
	}
	wants := []want{
		{orb.Point{0.05, 0}, 8, true, methodCentroid, []string{"c"}}, // c's position and 8 km (a single neighbour: ≥ 5)
		{orb.Point{0, 0}, 1, false, methodSourced, nil},
		{orb.Point{0.1, 0}, 2, false, methodSourced, nil},
		{orb.Point{0.05, 0}, 8, true, methodCentroid, []string{"a", "42"}}, // 5.56 km + b's 2 km, rounded up
		{orb.Point{1, 0}, 0.3, false, methodSourced, nil},
	}
	for i, w := range wants {
		f := fc.Features[i]
		p := f.Properties
		if orb.Point(f.Geometry.Coordinates) != w.pt || p.PrecisionKM != w.prec || p.Approximate != w.approx ||
			p.LocationMethod != w.method || !reflect.DeepEqual(p.Near, w.near) {
			t.Errorf("feature %s = %v %v %v %v %v, want %v", p.Slug, f.Geometry.Coordinates, p.PrecisionKM, p.Approximate,
				p.LocationMethod, p.Near, w)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	ok := "a,A,,,,RU,Kursk Oblast,,51,35,,,,,,village,,s,one-source"
	tests := []struct {
		name  string
		lines []string
		want  string // a substring of the error
	}{
		{"lat out of range", []string{ok, "b,B,,,,RU,Kursk Oblast,,91,35,,,,,,village,,s,one-source"}, "in.csv:3 (b): lat 91"},
		{"lon out of range", []string{"b,B,,,,RU,Kursk Oblast,,51,-181,,,,,,village,,s,one-source"}, "in.csv:2 (b): lat 51, lon -181"},
		{"lat not a number", []string{"b,B,,,,RU,Kursk Oblast,,x,35,,,,,,village,,s,one-source"}, `in.csv:2 (b): lat "x"`},
		{"lat without lon", []string{"b,B,,,,RU,Kursk Oblast,,51,,,,,,,village,,s,one-source"}, "in.csv:2 (b): lat and lon"},
		{"duplicate id", []string{ok, ok}, `in.csv:3 (a): id "a" already used on line 2`},
		{"duplicate geonames id", []string{
			"a,A,,,,RU,Kursk Oblast,,51,35,,,,,,village,GeoNames:7,s,one-source",
			"b,B,,,,RU,Kursk Oblast,,51,35,,,,,,village,GeoNames:7,s,one-source"}, `in.csv:3 (b): feature id "7" already used on line 2`},
		{"blank id", []string{",A,,,,RU,Kursk Oblast,,51,35,,,,,,village,,s,one-source"}, "in.csv:2: id is blank"},
		{"blank name_en", []string{"b,,,,,RU,Kursk Oblast,,51,35,,,,,,village,,s,one-source"}, "in.csv:2 (b): name_en is blank"},
		{"blank country", []string{"b,B,,,,,Kursk Oblast,,51,35,,,,,,village,,s,one-source"}, "in.csv:2 (b): country is blank"},
		{"blank admin1", []string{"b,B,,,,RU,,,51,35,,,,,,village,,s,one-source"}, "in.csv:2 (b): admin1 is blank"},
		{"unknown admin1", []string{"b,B,,,,RU,Orel Oblast,,51,35,,,,,,village,,s,one-source"}, "in.csv:2 (b): admin1 \"Orel Oblast\""},
		{"bad codes", []string{"b,B,,,,RU,Kursk Oblast,,51,35,,,,,,village,OKTMO,s,one-source"}, "in.csv:2 (b): codes entry"},
		{"bad population", []string{"b,B,,,,RU,Kursk Oblast,,51,35,,,,1.5k,,village,,s,one-source"}, `in.csv:2 (b): population "1.5k"`},
		{"unknown confidence without precision", []string{"b,B,,,,RU,Kursk Oblast,,51,35,,,,,,village,,s,relative"}, "in.csv:2 (b): precision_km is blank"},
		{"unknown near", []string{ok, "b,B,,,,RU,Kursk Oblast,,,,,a|zz,,,,village,,s,relative"}, `in.csv:3 (b): near names unknown id "zz"`},
		{"no coordinates, no near", []string{"b,B,,,,RU,Kursk Oblast,,,,,,,,,village,,s,relative"}, "in.csv:2 (b): lat and lon are blank"},
		{"cycle", []string{
			"b,B,,,,RU,Kursk Oblast,,,,,c,,,,village,,s,relative",
			"c,C,,,,RU,Kursk Oblast,,,,,b,,,,village,,s,relative"}, "in.csv:2 (b): near or relations references form a cycle: b → c → b"},
		{"self reference", []string{"b,B,,,,RU,Kursk Oblast,,,,,b,,,,village,,s,relative"}, "cycle: b → b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildCSV(t, tt.lines...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("build(%q) error = %v, want one containing %q", tt.lines, err, tt.want)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	var outs [2][]byte
	var lastDir string
	for i := range outs {
		dir := t.TempDir()
		lastDir = dir
		var stdout, stderr bytes.Buffer
		if err := run([]string{"-shared", "testdata/shared", "-out", dir}, &stdout, &stderr); err != nil {
			t.Fatalf("run: %v\n%s", err, stderr.String())
		}
		var err error
		if outs[i], err = os.ReadFile(filepath.Join(dir, outGeoJSON)); err != nil {
			t.Fatal(err)
		}

	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two runs over the same input wrote different settlements.geojson")
	}
	checkGolden(t, filepath.Join(lastDir, outClaims), "testdata/claims.golden.csv")
	checkGolden(t, filepath.Join(lastDir, outSources), "testdata/sources.golden.csv")
	golden := "testdata/settlements.golden.geojson"
	if *update {
		if err := os.WriteFile(golden, outs[0], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(outs[0], want) {
		t.Errorf("settlements.geojson differs from %s; if the change is intended, run go test ./tools/seedgen -update\n%s",
			golden, firstDiff(outs[0], want))
	}
}

// firstDiff describes the first line at which got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl, wl)
		}
	}
	return ""
}

// requiredProperties are the properties every feature has, with the JSON kind each holds.
var requiredProperties = map[string]string{
	"id": "string", "slug": "string", "name": "string", "names": "array", "country": "string", "admin1": "string",
	"admin1_code": "string", "feature_code": "string", "place_type": "string", "approximate": "bool",
	"precision_km": "number", "location_method": "string", "source": "string", "confidence": "string",
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// committedFeature is a feature of the committed GeoJSON as a consumer reads it: properties left generic.
type committedFeature struct {
	Type     string `json:"type"`
	ID       any    `json:"id"`
	Geometry struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

func (f committedFeature) point() orb.Point {
	return orb.Point{f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]}
}

// TestCommittedData checks the committed data/settlements.geojson, not the generator: it is what tiled imports.
func TestCommittedData(t *testing.T) {
	b, err := os.ReadFile("../../data/settlements.geojson")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type        string             `json:"type"`
		Attribution string             `json:"attribution"`
		CRS         json.RawMessage    `json:"crs"`
		Features    []committedFeature `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		t.Fatalf("settlements.geojson is a %q with %d features, want a FeatureCollection", fc.Type, len(fc.Features))
	}
	if fc.CRS != nil {
		t.Error("settlements.geojson has a crs member; RFC 7946 drops it")
	}
	if !strings.Contains(fc.Attribution, "GeoNames") || !strings.Contains(fc.Attribution, "CC BY 4.0") {
		t.Errorf("attribution = %q, want one naming GeoNames and CC BY 4.0", fc.Attribution)
	}

	byID := map[string]committedFeature{}
	for i, f := range fc.Features {
		id, _ := f.ID.(string)
		if _, dup := byID[id]; dup || id == "" {
			t.Errorf("feature %d: id %v is blank, not a string or not unique", i, f.ID)
		}
		byID[id] = f
		if f.Type != "Feature" {
			t.Errorf("feature %s: type %q, want Feature", id, f.Type)
		}
		for k, kind := range requiredProperties {
			if got := jsonKind(f.Properties[k]); got != kind {
				t.Errorf("feature %s: property %s is %s, want %s", id, k, got, kind)
			}
		}
		if f.Properties["id"] != id {
			t.Errorf("feature %s: properties.id = %v, want the feature id", id, f.Properties["id"])
		}
		if p, ok := f.Properties["precision_km"].(float64); ok && p <= 0 {
			t.Errorf("feature %s: precision_km = %v, want > 0", id, p)
		}
		if f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
			t.Errorf("feature %s: geometry %s %v, want a Point [lon, lat]", id, f.Geometry.Type, f.Geometry.Coordinates)
			continue
		}
		pt := f.point()
		if !geo.ValidLonLat(pt.Lon(), pt.Lat()) || geo.Round(pt.Lon(), 6) != pt.Lon() || geo.Round(pt.Lat(), 6) != pt.Lat() {
			t.Errorf("feature %s: coordinates %v out of range or with more than 6 decimals", id, pt)
		}
	}

	wantApprox := map[string]bool{
		"ru-bel-popovka-kr": true, "ru-bel-demidovka": true, "ru-krs-goptarovka": true, "ru-krs-gogolevka": true,
	}
	for _, f := range fc.Features {
		slug, _ := f.Properties["slug"].(string)
		approx, _ := f.Properties["approximate"].(bool)
		if approx != wantApprox[slug] {
			t.Errorf("feature %s: approximate = %v, want %v", slug, approx, wantApprox[slug])
		}
		if !approx || len(f.Geometry.Coordinates) != 2 {
			continue
		}
		prec, _ := f.Properties["precision_km"].(float64)
		if rels, _ := f.Properties["relations"].([]any); len(rels) > 0 {
			if m := f.Properties["location_method"]; m != methodBearings {
				t.Errorf("feature %s: location_method = %v, want %s", slug, m, methodBearings)
			}
			bySlug := map[string]committedFeature{}
			for _, g := range fc.Features {
				bySlug[g.Properties["slug"].(string)] = g
			}
			for _, r := range rels {
				rs, err := parseRelations(r.(string))
				if err != nil || len(rs) != 1 {
					t.Fatalf("feature %s: relation %v: %v", slug, r, err)
				}
				ref := bySlug[rs[0].Ref]
				d := geo.DistanceKM(ref.point(), f.point())
				if b := bearingDeg(ref.point(), f.point()); angleDiff(b, rs[0].BearingDeg) > rs[0].HalfWidthDeg ||
					d < rs[0].MinKM || d > rs[0].MaxKM {
					t.Errorf("feature %s is %.1f km at %.0f° from %s, want %s", slug, d, b, rs[0].Ref, r)
				}
			}
			continue
		}
		if m := f.Properties["location_method"]; m != methodCentroid {
			t.Errorf("feature %s: location_method = %v, want %s", slug, m, methodCentroid)
		}
		near, _ := f.Properties["near"].([]any)
		if len(near) == 0 {
			t.Errorf("feature %s is approximate but names no near places", slug)
		}
		for _, n := range near {
			id, _ := n.(string)
			nb, ok := byID[id]
			if !ok || len(nb.Geometry.Coordinates) != 2 {
				t.Errorf("feature %s: near %v is not a feature id", slug, n)
				continue
			}
			d := geo.DistanceKM(f.point(), nb.point())
			if d > 15 {
				t.Errorf("feature %s is %.1f km from its neighbour %s, want at most 15 km", slug, d, id)
			}
			if d > prec {
				t.Errorf("feature %s: precision_km %v does not reach its neighbour %s at %.1f km", slug, prec, id, d)
			}
		}
	}
}

// bearingDeg is the initial great-circle bearing from a to b, degrees clockwise from north.
func bearingDeg(a, b orb.Point) float64 {
	la1, la2 := a.Lat()*math.Pi/180, b.Lat()*math.Pi/180
	dl := (b.Lon() - a.Lon()) * math.Pi / 180
	y := math.Sin(dl) * math.Cos(la2)
	x := math.Cos(la1)*math.Sin(la2) - math.Sin(la1)*math.Cos(la2)*math.Cos(dl)
	return math.Mod(math.Atan2(y, x)*180/math.Pi+360, 360)
}

// angleDiff is the absolute difference of two bearings, in [0, 180].
func angleDiff(a, b float64) float64 { return math.Abs(math.Mod(a-b+540, 360) - 180) }

// TestReportedDirections checks the committed data against what the reports say: Demidovka north-west of Grafovka,
// Popovka north-west of Demidovka (and of Grafovka), Gogolevka south-west of Sudzha.
func TestReportedDirections(t *testing.T) {
	b, err := os.ReadFile("../../data/settlements.geojson")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct{ Features []committedFeature }
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	at := map[string]orb.Point{}
	for _, f := range fc.Features {
		at[f.Properties["slug"].(string)] = f.point()
	}
	tests := []struct {
		place, from string
		bearing     float64 // the compass point's centre
	}{
		{"ru-bel-demidovka", "ru-bel-grafovka", 315},
		{"ru-bel-popovka-kr", "ru-bel-demidovka", 315},
		{"ru-bel-popovka-kr", "ru-bel-grafovka", 315},
		{"ru-krs-gogolevka", "ru-krs-sudzha", 225},
	}
	for _, tt := range tests {
		t.Run(tt.place+" from "+tt.from, func(t *testing.T) {
			got := bearingDeg(at[tt.from], at[tt.place])
			if angleDiff(got, tt.bearing) > 22.5 {
				t.Errorf("bearing from %s to %s = %.0f°, want %.0f° ± 22.5°", tt.from, tt.place, got, tt.bearing)
			}
		})
	}
}

func TestParseRelations(t *testing.T) {
	tests := []struct {
		in      string
		want    []relation
		wantErr bool
	}{
		{"", nil, false},
		{"a:NW:1-6", []relation{{"a", "NW", 315, 22.5, 1, 6}}, false},
		{"a:nw:1-5; b:SSE:0-2.5", []relation{{"a", "NW", 315, 22.5, 1, 5}, {"b", "SSE", 157.5, 11.25, 0, 2.5}}, false},
		{"a:NW", nil, true},
		{"a:UP:1-2", nil, true},
		{"a:N:3-1", nil, true},
		{"a:N:3", nil, true},
		{"a:N:-1-3", nil, true},
		{"a:N:1-2;;b:S:1-2", nil, true},
		{":N:1-2", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseRelations(tt.in)
			if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseRelations(%q) = %v, %v, want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestPlaceByRelations(t *testing.T) {
	origin := orb.Point{35.4, 50.9}
	tests := []struct {
		name string
		rels []anchoredRelation
		ok   bool
	}{
		{"one sector", []anchoredRelation{{relation{"a", "NW", 315, 22.5, 1, 6}, origin, 1}}, true},
		{"two overlapping", []anchoredRelation{
			{relation{"a", "N", 0, 22.5, 2, 8}, origin, 0.5},
			{relation{"b", "E", 90, 22.5, 1, 6}, orb.Point{35.33, 50.95}, 0.5}}, true},
		{"disjoint", []anchoredRelation{
			{relation{"a", "N", 0, 22.5, 1, 3}, origin, 1},
			{relation{"a", "S", 180, 22.5, 1, 3}, origin, 1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, prec, ok := placeByRelations(tt.rels)
			if ok != tt.ok {
				t.Fatalf("placeByRelations(%v) ok = %v, want %v", tt.rels, ok, tt.ok)
			}
			if !ok {
				return
			}
			for _, r := range tt.rels {
				d := geo.DistanceKM(r.at, c)
				b := bearingDeg(r.at, c)
				if d < r.MinKM || d > r.MaxKM || angleDiff(b, r.BearingDeg) > r.HalfWidthDeg {
					t.Errorf("placeByRelations(%v) = %v: %.2f km at %.0f° from %s, outside its sector", tt.rels, c, d, b, r.Ref)
				}
				// The precision disc covers the sector's far corners that lie in the region: at least its depth.
				if prec < (r.MaxKM-r.MinKM)/2 && len(tt.rels) == 1 {
					t.Errorf("placeByRelations(%v) precision %v km does not cover a %v–%v km sector", tt.rels, prec, r.MinKM, r.MaxKM)
				}
			}
		})
	}
}

func TestBuildRelations(t *testing.T) {
	header := strings.TrimSuffix(testHeader, "\n") + ",relations\n"
	fc, err := buildCSVHeader(t, header,
		"p,P,,,,RU,Kursk Oblast,,,,,,,,,village,,s,relative,d:NW:1-5;g:NW:2-9", // depends on d, placed after it
		"g,G,,,,RU,Kursk Oblast,,50.91806,35.4275,,,,,,village,,s,one-source,",
		"d,D,,,,RU,Kursk Oblast,,,,,g,,,,village,,s,relative,g:NW:1-6",
	)
	if err != nil {
		t.Fatal(err)
	}
	at := func(i int) orb.Point { return orb.Point(fc.Features[i].Geometry.Coordinates) }
	if b := bearingDeg(at(1), at(2)); angleDiff(b, 315) > 22.5 {
		t.Errorf("d is at %.0f° from g, want north-west", b)
	}
	if b := bearingDeg(at(2), at(0)); angleDiff(b, 315) > 22.5 {
		t.Errorf("p is at %.0f° from d, want north-west", b)
	}
	for _, i := range []int{0, 2} {
		p := fc.Features[i].Properties
		if p.LocationMethod != methodBearings || !p.Approximate || p.PrecisionKM <= 0 {
			t.Errorf("feature %s: method %q, approximate %v, precision %v; want %s, true, > 0", p.Slug, p.LocationMethod,
				p.Approximate, p.PrecisionKM, methodBearings)
		}
	}
	if got := fc.Features[0].Properties.Relations; !reflect.DeepEqual(got, []string{"d:NW:1-5", "g:NW:2-9"}) {
		t.Errorf("p relations = %q", got)
	}
	for _, tt := range []struct{ name, line, want string }{
		{"unknown ref", "x,X,,,,RU,Kursk Oblast,,,,,,,,,village,,s,relative,zz:N:1-2", `relations name unknown id "zz"`},
		{"bad relation", "x,X,,,,RU,Kursk Oblast,,,,,,,,,village,,s,relative,g:UP:1-2", "compass point"},
		{"no overlap", "x,X,,,,RU,Kursk Oblast,,,,,,,,,village,,s,relative,g:N:1-2;g:S:1-2", "do not overlap"},
		{"cycle", "x,X,,,,RU,Kursk Oblast,,,,,,,,,village,,s,relative,x:N:1-2", "cycle"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildCSVHeader(t, header, "g,G,,,,RU,Kursk Oblast,,50.9,35.4,,,,,,village,,s,one-source,", tt.line)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("build error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// checkGolden compares the file at path with the golden file, rewriting it under -update.
func checkGolden(tb testing.TB, path, golden string) {
	tb.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		tb.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from %s; if the change is intended, run go test ./tools/seedgen -update\n%s",
			path, golden, firstDiff(got, want))
	}
}

func TestBuildClaimsErrors(t *testing.T) {
	fc, err := buildCSV(t,
		"a,Popovka,,,Popivka,RU,Kursk Oblast,,51,35,,,,,,village,,s,one-source",
		"b,Popivka,,,,RU,Kursk Oblast,,51.1,35,,,,,,village,,s,one-source",
		"c,Sudzha,,,,RU,Kursk Oblast,,51.2,35,,,,,,village,,s,one-source")
	if err != nil {
		t.Fatal(err)
	}
	head := "settlement,source,holder,degree,valid_at,valid_precision,published_at,relayed_by,evidence,summary\n"
	tests := []struct{ name, in, want string }{
		{"ambiguous name", head + "Popivka,isw,ua,full,2025-03-01,day,2025-03-01,,map update,x\n", "in.csv:2: settlement \"Popivka\" matches 2 places"},
		{"unknown name", head + "Nowhere,isw,ua,full,2025-03-01,day,2025-03-01,,map update,x\n", "matches 0 places"},
		{"missing column", "settlement,source\nSudzha,isw\n", `header has no "holder" column`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildClaims(strings.NewReader(tt.in), "in.csv", fc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("buildClaims error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	out, err := buildClaims(strings.NewReader(head+"sudzha,isw,ua,full,2025-03-01,day,2025-03-02,TASS,Official Statement,x\n"), "in.csv", fc)
	if err != nil {
		t.Fatal(err)
	}
	want := "1,c,isw,ua,full,2025-03-01,day,2025-03-02,TASS,,official-statement,x,,,\n"
	if got := strings.SplitN(string(out), "\n", 2)[1]; got != want {
		t.Errorf("buildClaims row = %q, want %q", got, want)
	}
}

func TestBuildSources(t *testing.T) {
	shared := "id,name,kind,alignment,url,notes\nisw,Institute for the Study of War,analyst organisation,independent,,\n"
	got, err := buildSources([]byte(shared), "sources.csv", []byte("id,name_uk,name_ru,kind_uk,kind_ru\nisw,Інститут,Институт,аналітики,аналитики\n"))
	want := "id,name,kind,alignment,url,notes,name_uk,name_ru,kind_uk,kind_ru\nisw,Institute for the Study of War,analyst organisation,independent,,,Інститут,Институт,аналітики,аналитики\n"
	if err != nil || string(got) != want {
		t.Errorf("buildSources = %q, %v, want %q", got, err, want)
	}
	for _, tt := range []struct{ name, names, want string }{
		{"untranslated source", "id,name_uk,name_ru,kind_uk,kind_ru\n", `source "isw" has no Ukrainian and Russian names`},
		{"translation of nothing", "id,name_uk,name_ru,kind_uk,kind_ru\nisw,a,b,c,d\nnobody,a,b,c,d\n", `"nobody" is not a source`},
		{"bad header", "id,uk\n", "header"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := buildSources([]byte(shared), "sources.csv", []byte(tt.names)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("buildSources error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
