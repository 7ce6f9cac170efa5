package gazetteer

import (
	"errors"
	"strings"
	"testing"
)

// TestGeoJSONIDs: a feature without an id gets a slug, unless its name gives none (then it is refused rather than
// given an id it would share with every other such place).
func TestGeoJSONIDs(t *testing.T) {
	tests := []struct {
		name, feature string
		want          string // "" for an error
	}{
		{"id member", `{"type":"Feature","id":"x-1","geometry":{"type":"Point","coordinates":[35,50]},"properties":{"name":"Popovka"}}`, "x-1"},
		{"numeric id", `{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[35,50]},"properties":{"name":"Popovka"}}`, "7"},
		{"slug from name", `{"type":"Feature","geometry":{"type":"Point","coordinates":[35,50]},"properties":{"name":"Поповка","country":"ru"}}`, "ru-popovka"},
		{"punctuation name", `{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{"name":" !"}}`, ""},
		{"name of another script", `{"type":"Feature","geometry":{"type":"Point","coordinates":[116,40]},"properties":{"name":"北京","country":"CN"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := `{"type":"FeatureCollection","features":[` + tt.feature + `]}`
			var got []Place
			err := ReadGeoJSON(strings.NewReader(in), "f.geojson", func(_ int, p Place) error {
				got = append(got, p)
				return nil
			})
			var ie *InputError
			switch {
			case tt.want == "" && (err == nil || !errors.As(err, &ie)):
				t.Errorf("ReadGeoJSON(%s) = %v, %v; want an *InputError", tt.feature, got, err)
			case tt.want != "" && (err != nil || len(got) != 1 || got[0].ID != tt.want):
				t.Errorf("ReadGeoJSON(%s) = %v, %v; want one place with id %q", tt.feature, got, err, tt.want)
			}
		})
	}
}
