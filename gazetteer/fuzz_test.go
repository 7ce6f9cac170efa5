package gazetteer

import (
	"errors"
	"strings"
	"testing"
)

// FuzzReadGeoJSON: any input either parses into valid places or fails with an *InputError; never a panic.
func FuzzReadGeoJSON(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[35.1,50.2]},"properties":{"name":"A","names":[{"name":"Б","lang":"ru"}]}}]}`)
	f.Add(`{"features":[],"type":"FeatureCollection"}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[1,2,3]},"properties":null}]}`)
	f.Add(`{"type":"Feature"}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, in string) {
		err := ReadGeoJSON(strings.NewReader(in), "f.geojson", func(_ int, p Place) error {
			if p.ID == "" || p.Name == "" || p.Point.Lon() < -180 || p.Point.Lon() > 180 || p.Point.Lat() < -90 || p.Point.Lat() > 90 {
				t.Errorf("ReadGeoJSON accepted an invalid place %+v", p)
			}
			return nil
		})
		var ie *InputError
		if err != nil && !errors.As(err, &ie) {
			t.Errorf("ReadGeoJSON error %v is not an *InputError", err)
		}
	})
}

// FuzzReadGeoNames: any input either parses or fails with an *InputError naming a line.
func FuzzReadGeoNames(f *testing.F) {
	f.Add("486816\tSudzha\tSudzha\tSudscha,Суджа\t51.19139\t35.27056\tP\tPPLA2\tRU\t\t41\t\t\t\t6036\t\t177\tEurope/Moscow\t2019-09-05\n")
	f.Add("1\tX\n")
	f.Add("# comment\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		err := ReadGeoNames(strings.NewReader(in), "g.txt", GeoNamesOptions{}, func(_ int, p Place) error {
			if p.GeonameID <= 0 || p.Name == "" {
				t.Errorf("ReadGeoNames accepted an invalid place %+v", p)
			}
			return nil
		})
		var ie *InputError
		if err != nil && (!errors.As(err, &ie) || (ie.Line == 0 && !strings.Contains(err.Error(), "read"))) {
			t.Errorf("ReadGeoNames error %v does not name a line", err)
		}
	})
}
