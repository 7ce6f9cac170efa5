package tiles_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/tiles"
)

// roundTrip encodes v as JSON and decodes it into a generic value, as a client would see it.
func roundTrip(tb testing.TB, v any) map[string]any {
	tb.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("json.Marshal: %v", err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		tb.Fatalf("json.Unmarshal: %v", err)
	}
	return out
}

func fieldNames() []string {
	var names []string
	for _, f := range tiles.Fields() {
		names = append(names, f.Name)
	}
	return names
}

func TestFields(t *testing.T) {
	want := []string{tiles.FieldID, tiles.FieldName, tiles.FieldNameRU, tiles.FieldNameUK, tiles.FieldPopulation,
		tiles.FieldFeatureCode, tiles.FieldApproximate, tiles.FieldPrecisionKM, tiles.FieldStatus, tiles.FieldDisputed,
		tiles.FieldStale, tiles.FieldSources, tiles.FieldLatest, tiles.FieldHolders, tiles.FieldView, tiles.FieldRank,
		tiles.FieldLabel}
	if got := fieldNames(); !slices.Equal(got, want) {
		t.Errorf("Fields() = %v, want %v", got, want)
	}
	for _, f := range tiles.Fields() {
		if f.Description == "" || !slices.Contains([]string{"string", "number", "boolean"}, f.Type) {
			t.Errorf("Field %+v: want a description and a JSON type", f)
		}
	}
	fs := tiles.Fields()
	fs[0].Name = "changed"
	if tiles.Fields()[0].Name != tiles.FieldID {
		t.Errorf("Fields() shares its slice between calls")
	}
}

func TestTileJSON(t *testing.T) {
	doc := roundTrip(t, tiles.TileJSON(tiles.TileJSONOptions{
		Name:        "tiled",
		Attribution: "GeoNames, ISW",
		Tiles:       []string{"https://example.org/tiles/{z}/{x}/{y}.mvt?asof=2025-03-01", "/tiles/{z}/{x}/{y}.mvt"},
		DataVersion: "42",
		MinZoom:     4,
		MaxZoom:     14,
		Bounds:      [4]float64{33, 49.5, 39.5, 53},
	}))
	for _, m := range []string{"tilejson", "tiles", "scheme", "minzoom", "maxzoom", "bounds", "center", "vector_layers", "version", "name", "attribution"} {
		if _, ok := doc[m]; !ok {
			t.Errorf("TileJSON lacks %q", m)
		}
	}
	if doc["tilejson"] != "3.0.0" || doc["scheme"] != "xyz" || doc["version"] != "1.0.0" {
		t.Errorf("tilejson %v scheme %v version %v, want 3.0.0 xyz 1.0.0", doc["tilejson"], doc["scheme"], doc["version"])
	}
	wantTiles := []any{"https://example.org/tiles/{z}/{x}/{y}.mvt?asof=2025-03-01&v=42", "/tiles/{z}/{x}/{y}.mvt?v=42"}
	if got := doc["tiles"].([]any); !slices.Equal(got, wantTiles) {
		t.Errorf("tiles = %v, want %v", got, wantTiles)
	}
	// 6.5° by 3.5° fill a 1024×768 map at zoom 7: the center's zoom shows the whole tile set, not the world.
	if got := doc["center"].([]any); len(got) != 3 || got[0] != 36.25 || got[1] != 51.25 || got[2] != 7.0 {
		t.Errorf("center = %v, want the bounds' centre at zoom 7", got)
	}
	layers := doc["vector_layers"].([]any)
	if len(layers) != 1 {
		t.Fatalf("%d vector_layers, want 1", len(layers))
	}
	l := layers[0].(map[string]any)
	if l["id"] != tiles.DefaultLayer || l["minzoom"] != 4.0 || l["maxzoom"] != 14.0 || l["description"] == "" {
		t.Errorf("vector layer = %v", l)
	}
	fields := l["fields"].(map[string]any)
	if got := sortedKeys(fields); !slices.Equal(got, slices.Sorted(slices.Values(fieldNames()))) {
		t.Errorf("vector layer fields = %v, want Fields() %v", got, fieldNames())
	}
	for _, f := range tiles.Fields() {
		if fields[f.Name] != f.Description {
			t.Errorf("field %s described as %q, want %q", f.Name, fields[f.Name], f.Description)
		}
	}
}

func TestTileJSONDefaults(t *testing.T) {
	doc := tiles.TileJSON(tiles.TileJSONOptions{Tiles: []string{"/t/{z}/{x}/{y}.mvt"}})
	if doc.MaxZoom != tiles.DefaultMaxZoom || doc.Bounds[0] != -180 || doc.Bounds[3] < 85 || doc.Center != [3]float64{0, 0, 1} {
		t.Errorf("defaults: maxzoom %d bounds %v center %v", doc.MaxZoom, doc.Bounds, doc.Center)
	}
	if doc.Tiles[0] != "/t/{z}/{x}/{y}.mvt" {
		t.Errorf("tiles without a data version = %v, want the template unchanged", doc.Tiles)
	}
}

func TestTileJSONDataVersion(t *testing.T) {
	tests := []struct {
		template, version, want string
	}{
		{"/t/{z}/{x}/{y}.mvt", "7", "/t/{z}/{x}/{y}.mvt?v=7"},
		{"/t/{z}/{x}/{y}.mvt?", "7", "/t/{z}/{x}/{y}.mvt?v=7"},
		{"/t/{z}/{x}/{y}.mvt?a=1", "7", "/t/{z}/{x}/{y}.mvt?a=1&v=7"},
		{"/t/{z}/{x}/{y}.mvt?a=1#f", "7", "/t/{z}/{x}/{y}.mvt?a=1&v=7#f"},
		{"/t/{z}/{x}/{y}.mvt", "2025-03-01 12:00", "/t/{z}/{x}/{y}.mvt?v=2025-03-01+12%3A00"},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			doc := tiles.TileJSON(tiles.TileJSONOptions{Tiles: []string{tt.template}, DataVersion: tt.version})
			if doc.Tiles[0] != tt.want {
				t.Errorf("TileJSON(%q, v %q).tiles = %q, want %q", tt.template, tt.version, doc.Tiles[0], tt.want)
			}
		})
	}
}

// TestFeatureID: GeoNames ids are their own MVT ids; slugs hash into [2^52, 2^53), apart from any GeoNames id and
// exact in JavaScript; the same id always gives the same number.
func TestFeatureID(t *testing.T) {
	tests := []struct {
		id   string
		want uint64
	}{
		{"486816", 486816},
		{"0", 0},
	}
	for _, tt := range tests {
		if got := tiles.FeatureID(tt.id); got != tt.want {
			t.Errorf("FeatureID(%q) = %d, want %d", tt.id, got, tt.want)
		}
	}
	seen := map[uint64]string{}
	for _, id := range []string{"ru-bel-demidovka", "ru-bel-popovka-kr", "ua-sum-basy", "99999999999999999999", "-1"} {
		n := tiles.FeatureID(id)
		if n < 1<<52 || n >= 1<<53 || tiles.FeatureID(id) != n {
			t.Errorf("FeatureID(%q) = %d, want a stable number in [2^52, 2^53)", id, n)
		}
		if other, dup := seen[n]; dup {
			t.Errorf("FeatureID(%q) = FeatureID(%q)", id, other)
		}
		seen[n] = id
	}
}

// TestCenterZoom: the zoom that shows the bounds whole on a 1024×768 map, within the tile set's zooms.
func TestCenterZoom(t *testing.T) {
	tests := []struct {
		name     string
		bounds   [4]float64
		min, max int
		want     int
	}{
		{"border belt", [4]float64{34.7, 50.4, 36.6, 51.8}, 0, 14, 8},
		{"one point", [4]float64{35.27, 51.19, 35.27, 51.19}, 5, 12, 12},
		{"world", [4]float64{-180, -85.05, 180, 85.05}, 0, 14, 1},
		{"clamped to minzoom", [4]float64{-180, -85.05, 180, 85.05}, 4, 14, 4},
	}
	for _, tt := range tests {
		if got := tiles.CenterZoom(tt.bounds, tt.min, tt.max); got != tt.want {
			t.Errorf("CenterZoom(%s) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestStyleQGIS: the QGIS variant draws the settlements with filters and constants only (no match, step or case,
// which QGIS 3.22's converter mistranslates), one filled and one hollow layer per status, each in its colour.
func TestStyleQGIS(t *testing.T) {
	st := tiles.Style(tiles.StyleOptions{TileJSONURL: "/tiles.json", QGIS: true})
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{`"match"`, `"step"`, `"case"`} {
		if strings.Contains(string(b), op) {
			t.Errorf("the QGIS style uses %s", op)
		}
	}
	colours := map[string]string{}
	for _, l := range st["layers"].([]any) {
		l := l.(map[string]any)
		if l["type"] != "circle" {
			continue
		}
		colours[l["id"].(string)] = l["paint"].(map[string]any)["circle-color"].(string)
	}
	for status, want := range map[string]string{tiles.StatusRU: tiles.ColorRU, tiles.StatusUA: tiles.ColorUA,
		tiles.StatusDisputed: tiles.ColorDisputed, tiles.StatusContested: tiles.ColorContested, tiles.StatusUnknown: tiles.ColorUnknown} {
		for _, id := range []string{"settlements-" + status, "settlements-" + status + "-approximate"} {
			if colours[id] != want {
				t.Errorf("layer %s colour = %q, want %s", id, colours[id], want)
			}
		}
	}
}
