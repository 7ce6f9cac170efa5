package ogc

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestNewMemoryCollectionErrors(t *testing.T) {
	feature := func(id any, props map[string]any) *geojson.Feature {
		f := geojson.NewFeature(orb.Point{36, 50})
		f.ID = id
		for k, v := range props {
			f.Properties[k] = v
		}
		return f
	}
	temporal := CollectionInfo{ID: "t", TemporalProperty: "at"}
	tests := []struct {
		name     string
		info     CollectionInfo
		features []*geojson.Feature
		wantErr  bool
	}{
		{"empty", temporal, nil, false},
		{"ok", temporal, []*geojson.Feature{feature(1, map[string]any{"at": "2025-03-28"}), feature("b", nil)}, false},
		{"null time", temporal, []*geojson.Feature{feature(1, map[string]any{"at": nil})}, false},
		{"nil feature", temporal, []*geojson.Feature{nil}, true},
		{"no id", temporal, []*geojson.Feature{feature(nil, nil)}, true},
		{"empty id", temporal, []*geojson.Feature{feature("", nil)}, true},
		{"object id", temporal, []*geojson.Feature{feature(map[string]any{}, nil)}, true},
		{"duplicate id", temporal, []*geojson.Feature{feature(1, nil), feature(1.0, nil)}, true},
		{"duplicate id, number and text", temporal, []*geojson.Feature{feature(7, nil), feature("7", nil)}, true},
		{"bad time", temporal, []*geojson.Feature{feature(1, map[string]any{"at": "March"})}, true},
		{"time not text", temporal, []*geojson.Feature{feature(1, map[string]any{"at": 20250328})}, true},
		{"time ignored without temporal property", CollectionInfo{ID: "n"},
			[]*geojson.Feature{feature(1, map[string]any{"at": "March"})}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMemoryCollection(tc.info, tc.features)
			if (err != nil) != tc.wantErr {
				t.Fatalf("NewMemoryCollection() error = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalidService) {
				t.Errorf("NewMemoryCollection() error = %v, want ErrInvalidService", err)
			}
		})
	}
}

func TestMemoryCollectionGeometries(t *testing.T) {
	box := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}
	tests := []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"nil", nil, false},
		{"point inside", orb.Point{5, 5}, true},
		{"point on edge", orb.Point{10, 5}, true},
		{"point outside", orb.Point{11, 5}, false},
		{"line crossing", orb.LineString{{-5, 5}, {15, 5}}, true},
		{"line beside", orb.LineString{{-5, -5}, {-1, 20}}, false},
		{"diagonal line missing the corner", orb.LineString{{9, 12}, {12, 9}}, false},
		{"polygon containing the box", orb.Polygon{{{-1, -1}, {11, -1}, {11, 11}, {-1, 11}, {-1, -1}}}, true},
		{"polygon inside", orb.Polygon{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}}, true},
		{"triangle whose bound overlaps but shape does not", orb.Polygon{{{9, 20}, {20, 9}, {20, 20}, {9, 20}}}, false},
		{"multipoint, one inside", orb.MultiPoint{{20, 20}, {5, 5}}, true},
		{"multipoint around", orb.MultiPoint{{-1, -1}, {11, 11}}, false},
	}
	var features []*geojson.Feature
	for i, tc := range tests {
		f := geojson.NewFeature(tc.g)
		f.ID = i
		features = append(features, f)
	}
	c, err := NewMemoryCollection(CollectionInfo{ID: "g"}, features)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := intersects(box, tc.g); got != tc.want {
				t.Errorf("intersects(%v, %v) = %v, want %v", box, tc.g, got, tc.want)
			}
		})
	}
	t.Run("geometries untouched", func(t *testing.T) {
		before := mustJSON(t, features)
		if _, _, err := c.Items(context.Background(), Query{BBox: &box, Limit: 100}); err != nil {
			t.Fatal(err)
		}
		if after := mustJSON(t, features); after != before {
			t.Errorf("Items with a bbox changed the features' geometries")
		}
	})
	ext, _ := c.Extent(context.Background())
	if want := (orb.Bound{Min: orb.Point{-5, -5}, Max: orb.Point{20, 20}}); ext.BBox == nil || !ext.BBox.Equal(want) {
		t.Errorf("Extent bbox = %v, want %v", ext.BBox, want)
	}
}

func TestMemoryCollectionItem(t *testing.T) {
	var fc geojson.FeatureCollection
	const data = `{"type":"FeatureCollection","features":[
		{"type":"Feature","id":17,"geometry":{"type":"Point","coordinates":[36,50]},"properties":{"n":1.5,"ok":true}},
		{"type":"Feature","id":"x-1","geometry":null,"properties":{"n":2}}]}`
	if err := json.Unmarshal([]byte(data), &fc); err != nil {
		t.Fatal(err)
	}
	c, err := NewMemoryCollection(CollectionInfo{ID: "m"}, fc.Features)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, id := range []string{"17", "x-1"} {
		if _, err := c.Item(ctx, id); err != nil {
			t.Errorf("Item(%q) error = %v", id, err)
		}
	}
	for _, id := range []string{"17.0", "x", ""} {
		if _, err := c.Item(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Item(%q) error = %v, want ErrNotFound", id, err)
		}
	}
	filters := []struct {
		name, value string
		want        int
	}{
		{"n", "1.5", 1},
		{"n", "2", 1},
		{"ok", "true", 1},
		{"ok", "false", 0},
		{"missing", "x", 0},
	}
	for _, f := range filters {
		t.Run(f.name+"="+f.value, func(t *testing.T) {
			_, n, err := c.Items(ctx, Query{Filters: map[string]string{f.name: f.value}, Limit: 10})
			if err != nil || n != f.want {
				t.Errorf("Items(%s=%s) matched %d, %v, want %d", f.name, f.value, n, err, f.want)
			}
		})
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := c.Items(canceled, Query{Limit: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("Items on a canceled context error = %v, want context.Canceled", err)
	}
}
