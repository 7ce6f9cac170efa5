package atlas_test

import (
	"context"
	"net/url"
	"testing"
)

// TestGeocodeNamesInLanguages: /api/geocode's candidates carry the gazetteer's official Russian and Ukrainian names
// (name_ru, name_uk) beside the English name, for a page to show them in its language.
func TestGeocodeNamesInLanguages(t *testing.T) {
	a := seededAtlas(t)
	for _, tt := range []struct{ q, id, name, ru, uk string }{
		{"Sudzha", "486816", "Sudzha", "Суджа", "Суджа"},
		{"Gogolevka", "ru-krs-gogolevka", "Gogolevka", "Гоголевка", "Гоголівка"},
	} {
		res, err := a.Geocode(context.Background(), url.Values{"q": {tt.q}})
		if err != nil || len(res.Candidates) == 0 {
			t.Fatalf("Geocode(%q) = %+v, %v", tt.q, res, err)
		}
		c := res.Candidates[0]
		if c.ID != tt.id || c.Name != tt.name || c.NameRU != tt.ru || c.NameUK != tt.uk {
			t.Errorf("Geocode(%q) first candidate %s: name %q, name_ru %q, name_uk %q; want %s %q %q %q (ambiguous %v, %d candidates)",
				tt.q, c.ID, c.Name, c.NameRU, c.NameUK, tt.id, tt.name, tt.ru, tt.uk, res.Ambiguous, len(res.Candidates))
		}
	}
}
