package tiles_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/tiles"
)

// gets collects the fields read by ["get", name] anywhere in an expression.
func gets(v any, out map[string]bool) {
	switch v := v.(type) {
	case []any:
		if len(v) == 2 && v[0] == "get" {
			if name, ok := v[1].(string); ok {
				out[name] = true
			}
		}
		for _, e := range v {
			gets(e, out)
		}
	case map[string]any:
		for _, e := range v {
			gets(e, out)
		}
	}
}

func TestStyle(t *testing.T) {
	tests := []struct {
		name       string
		opt        tiles.StyleOptions
		wantLayers []string
		basemap    bool
	}{
		{"minimal", tiles.StyleOptions{TileJSONURL: "/tiles.json"},
			[]string{tiles.StyleLayerBackground, tiles.StyleLayerBoundariesCasing, tiles.StyleLayerBoundaries, tiles.StyleLayerSettlements}, false},
		{"basemap and labels", tiles.StyleOptions{
			Name: "tiled", TileJSONURL: "https://example.org/tiles.json",
			BasemapTiles: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", BasemapAttribution: "© OpenStreetMap contributors",
			Glyphs: "https://example.org/fonts/{fontstack}/{range}.pbf", LabelField: tiles.FieldNameUK,
		}, []string{tiles.StyleLayerBackground, tiles.StyleLayerBasemap, tiles.StyleLayerBoundariesCasing, tiles.StyleLayerBoundaries,
			tiles.StyleLayerSettlements, tiles.StyleLayerLabels}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			style := roundTrip(t, tiles.Style(tt.opt))
			if style["version"] != 8.0 {
				t.Errorf("version = %v, want 8", style["version"])
			}
			sources := style["sources"].(map[string]any)
			vec := sources[tiles.StyleSourceSettlements].(map[string]any)
			if vec["type"] != "vector" || vec["url"] != tt.opt.TileJSONURL || vec["promoteId"] != tiles.FieldID {
				t.Errorf("vector source = %v", vec)
			}
			base, ok := sources[tiles.StyleSourceBasemap].(map[string]any)
			if ok != tt.basemap {
				t.Fatalf("basemap source present = %v, want %v", ok, tt.basemap)
			}
			if ok && (base["type"] != "raster" || base["attribution"] != tt.opt.BasemapAttribution ||
				!slices.Equal(base["tiles"].([]any), []any{tt.opt.BasemapTiles}) || base["tileSize"] != 256.0) {
				t.Errorf("basemap source = %v", base)
			}
			if _, ok := style["glyphs"]; ok != (tt.opt.Glyphs != "") {
				t.Errorf("glyphs present = %v with Glyphs %q", ok, tt.opt.Glyphs)
			}

			var ids []string
			fields := map[string]bool{}
			for _, l := range style["layers"].([]any) {
				l := l.(map[string]any)
				id, _ := l["id"].(string)
				ids = append(ids, id)
				typ, _ := l["type"].(string)
				if id == "" || typ == "" {
					t.Errorf("layer %v lacks id or type", l)
				}
				if typ == "background" {
					continue
				}
				src, _ := l["source"].(string)
				if _, ok := sources[src]; !ok {
					t.Errorf("layer %s: source %q not among the sources", id, src)
				}
				if src == tiles.StyleSourceSettlements && l["source-layer"] != tiles.DefaultLayer &&
					!(l["source-layer"] == tiles.ReferenceLayer && strings.HasPrefix(id, tiles.StyleLayerBoundaries)) {
					t.Errorf("layer %s: source-layer %v, want %s", id, l["source-layer"], tiles.DefaultLayer)
				}
				gets(l, fields)
			}
			if !slices.Equal(ids, tt.wantLayers) {
				t.Errorf("layers = %v, want %v", ids, tt.wantLayers)
			}
			for f := range fields {
				if !slices.Contains(fieldNames(), f) {
					t.Errorf("style reads %q, not one of Fields()", f)
				}
			}
			for _, f := range []string{tiles.FieldStatus, tiles.FieldStale, tiles.FieldApproximate, tiles.FieldDisputed, tiles.FieldPopulation} {
				if !fields[f] {
					t.Errorf("style does not read %q", f)
				}
			}
			if tt.opt.Glyphs != "" && !fields[tt.opt.LabelField] {
				t.Errorf("labels do not show %q", tt.opt.LabelField)
			}
		})
	}
}

func TestStyleColors(t *testing.T) {
	style := tiles.Style(tiles.StyleOptions{TileJSONURL: "/tiles.json"})
	var circle map[string]any
	for _, l := range style["layers"].([]any) {
		if l := l.(map[string]any); l["id"] == tiles.StyleLayerSettlements {
			circle = l
		}
	}
	if circle == nil {
		t.Fatalf("no %s layer", tiles.StyleLayerSettlements)
	}
	match := circle["paint"].(map[string]any)["circle-color"].([]any)
	got := map[string]string{}
	for i := 2; i+1 < len(match); i += 2 {
		got[match[i].(string)] = match[i+1].(string)
	}
	want := map[string]string{
		tiles.StatusRU: "#D55E00", tiles.StatusUA: "#0072B2", tiles.StatusDisputed: "#CC79A7", tiles.StatusContested: "#E69F00",
	}
	for status, c := range want {
		if got[status] != c || tiles.StatusColor(status) != c {
			t.Errorf("colour of %s = %s (StatusColor %s), want %s", status, got[status], tiles.StatusColor(status), c)
		}
	}
	if fallback := match[len(match)-1]; fallback != "#999999" || tiles.StatusColor(tiles.StatusUnknown) != "#999999" {
		t.Errorf("colour of unknown = %v, want #999999", fallback)
	}
}
