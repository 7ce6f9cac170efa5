package gazetteer_test

import (
	"reflect"
	"testing"

	"github.com/tiled-maps/tiled/gazetteer"
)

// TestMergeNames: the stored names come first, in order; a new spelling is appended once; a name differing only in
// language or kind is a different name.
func TestMergeNames(t *testing.T) {
	ru := gazetteer.Name{Name: "Суджа", Lang: "ru", Kind: gazetteer.KindOfficial}
	uk := gazetteer.Name{Name: "Суджа", Lang: "uk", Kind: gazetteer.KindOfficial}
	alt := gazetteer.Name{Name: "Sudža", Kind: gazetteer.KindAlternate}
	for _, tt := range []struct {
		name     string
		old, add []gazetteer.Name
		want     []gazetteer.Name
	}{
		{"nothing stored", nil, []gazetteer.Name{ru}, []gazetteer.Name{ru}},
		{"nothing added", []gazetteer.Name{ru, alt}, nil, []gazetteer.Name{ru, alt}},
		{"known names skipped", []gazetteer.Name{ru, alt}, []gazetteer.Name{alt, ru}, []gazetteer.Name{ru, alt}},
		{"same spelling, other language", []gazetteer.Name{ru}, []gazetteer.Name{uk, uk}, []gazetteer.Name{ru, uk}},
	} {
		if got := gazetteer.MergeNames(tt.old, tt.add); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: MergeNames = %v, want %v", tt.name, got, tt.want)
		}
	}
}
