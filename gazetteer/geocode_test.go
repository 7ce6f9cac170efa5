package gazetteer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/sqlite"
)

// withNamesakes returns a store with the seed places and real namesakes from elsewhere (testdata/namesakes.geojson,
// copied from shared/data/namesakes-sample.csv): Popovka of Korochansky district, Popivka of Sumy Oblast, Demydivka
// of Rivne Oblast, Prilesʼye of Tula Oblast.
func withNamesakes(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := testdb.Places(tb)
	b, err := os.ReadFile("testdata/namesakes.geojson")
	if err != nil {
		tb.Fatal(err)
	}
	testdb.ImportGeoJSON(tb, db, b, "namesakes.geojson")
	return db
}

func TestGeocode(t *testing.T) {
	db := withNamesakes(t)
	g := gazetteer.Geocoder{Store: db.Gazetteer()}
	near := func(lat, lon float64) *orb.Point { return &orb.Point{lon, lat} }
	tests := []struct {
		name          string
		q             gazetteer.Query
		wantTop       string
		wantAmbiguous bool
		wantAlso      []string // other candidates that must be listed
		wantAbsent    []string // candidates that must not be listed
	}{
		{"Latin BGN", gazetteer.Query{Name: "Prilesye", Context: "Belgorod Oblast"}, "ru-bel-prilesye", false, []string{"ns-ru-tul-prilesye-uzlovaya"}, nil},
		{"Latin ie", gazetteer.Query{Name: "Prilesie", Context: "Krasnoyaruzhsky District"}, "ru-bel-prilesye", false, nil, nil},
		{"BGN with modifier letter", gazetteer.Query{Name: "Prilesʼye", Context: "Belgorod"}, "ru-bel-prilesye", false, nil, nil},
		{"Russian Cyrillic", gazetteer.Query{Name: "Прилесье", Context: "Белгородская область"}, "ru-bel-prilesye", false, nil, nil},
		{"Prilesye alone has two namesakes", gazetteer.Query{Name: "Prilesye"}, "", true, []string{"ru-bel-prilesye", "ns-ru-tul-prilesye-uzlovaya"}, nil},
		{"Popovka alone is ambiguous", gazetteer.Query{Name: "Popovka"}, "", true,
			[]string{"ru-bel-popovka-kr", "ns-ru-bel-popovka-korocha", "ns-ua-sum-popivka-okhtyrka"}, nil},
		{"Popovka in Krasnoyaruzhsky district", gazetteer.Query{Name: "Popovka", Context: "Krasnoyaruzhsky district"}, "ru-bel-popovka-kr", false, nil, nil},
		{"Popovka in Korochansky district", gazetteer.Query{Name: "Popovka", Context: "Korochansky District"}, "ns-ru-bel-popovka-korocha", false, nil, nil},
		{"Popovka near Demidovka", gazetteer.Query{Name: "Popovka", Context: "near Demidovka"}, "ru-bel-popovka-kr", false, nil, nil},
		{"Popovka, Sumy Oblast", gazetteer.Query{Name: "Popovka", Context: "Sumy Oblast"}, "ns-ua-sum-popivka-okhtyrka", false, nil, nil},
		{"Popovka near a point with a cut-off", gazetteer.Query{Name: "Popovka", Near: near(50.9, 35.42), WithinKM: 30}, "ru-bel-popovka-kr", false, nil,
			[]string{"ns-ru-bel-popovka-korocha", "ns-ua-sum-popivka-okhtyrka"}},
		{"context that matches no candidate", gazetteer.Query{Name: "Popovka", Context: "Tula Oblast"}, "", true, nil, nil},
		{"Ukrainian name of the village", gazetteer.Query{Name: "Попівка", Context: "Krasnoyaruzhsky"}, "ru-bel-popovka-kr", false, nil, nil},
		{"Ukrainian Popivka alone", gazetteer.Query{Name: "Попівка"}, "", true, []string{"ru-bel-popovka-kr", "ns-ua-sum-popivka-okhtyrka"}, nil},
		{"Russian locative", gazetteer.Query{Name: "в Поповке", Context: "Краснояружский район"}, "ru-bel-popovka-kr", false, nil, nil},
		{"Russian genitive", gazetteer.Query{Name: "из Гоптаровки"}, "ru-krs-goptarovka", false, nil, nil},
		{"Russian instrumental", gazetteer.Query{Name: "под Суджей"}, "486816", false, nil, nil},
		{"Gogolevka", gazetteer.Query{Name: "Gogolevka"}, "ru-krs-gogolevka", false, nil, nil},
		{"Hoholivka", gazetteer.Query{Name: "Hoholivka"}, "ru-krs-gogolevka", false, nil, nil},
		{"Гоголівка", gazetteer.Query{Name: "Гоголівка"}, "ru-krs-gogolevka", false, nil, nil},
		{"Demidovka in Belgorod", gazetteer.Query{Name: "Demidovka", Context: "Belgorod Oblast"}, "ru-bel-demidovka", false, nil, nil},
		{"Demydivka in Rivne", gazetteer.Query{Name: "Demydivka", Context: "Rivne Oblast, Ukraine"}, "ns-ua-riv-demydivka", false, nil, nil},
		{"Demidovka near Prilesye", gazetteer.Query{Name: "Demidovka", Context: "Prilesye"}, "ru-bel-demidovka", false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := g.Geocode(context.Background(), tt.q)
			if err != nil {
				t.Fatalf("Geocode(%+v): %v", tt.q, err)
			}
			if len(res.Candidates) == 0 {
				t.Fatalf("Geocode(%q, %q) found nothing", tt.q.Name, tt.q.Context)
			}
			ids := map[string]bool{}
			for _, c := range res.Candidates {
				ids[c.Place.ID] = true
			}
			top := res.Candidates[0]
			if tt.wantTop != "" && top.Place.ID != tt.wantTop {
				t.Errorf("Geocode(%q, %q) top = %s (%.3f %v), want %s; all: %v", tt.q.Name, tt.q.Context, top.Place.ID, top.Score, top.Reasons, tt.wantTop, summary(res))
			}
			if res.Ambiguous != tt.wantAmbiguous {
				t.Errorf("Geocode(%q, %q) ambiguous = %v, want %v; all: %v", tt.q.Name, tt.q.Context, res.Ambiguous, tt.wantAmbiguous, summary(res))
			}
			for _, id := range tt.wantAlso {
				if !ids[id] {
					t.Errorf("Geocode(%q) lacks candidate %s; all: %v", tt.q.Name, id, summary(res))
				}
			}
			for _, id := range tt.wantAbsent {
				if ids[id] {
					t.Errorf("Geocode(%q) lists %s, beyond the cut-off", tt.q.Name, id)
				}
			}
			if len(top.Reasons) == 0 {
				t.Errorf("Geocode(%q) top candidate has no reasons", tt.q.Name)
			}
		})
	}
}

// TestGeocodeNeverPrefersBiggestNamesake: without context the bigger Korochansky Popovka (pop. 1,300) must not win
// with a clear margin over the front-line one; with the front-line context it must lose.
func TestGeocodeNeverPrefersBiggestNamesake(t *testing.T) {
	db := withNamesakes(t)
	g := gazetteer.Geocoder{Store: db.Gazetteer()}
	res, err := g.Geocode(context.Background(), gazetteer.Query{Name: "Popovka"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Ambiguous || len(res.Candidates) < 3 || res.Candidates[0].Score-res.Candidates[1].Score > 0.1 {
		t.Errorf("Popovka without context: ambiguous=%v %v; want ambiguous with close scores", res.Ambiguous, summary(res))
	}
}

func TestGeocodeBadQueries(t *testing.T) {
	db := testdb.Places(t)
	g := gazetteer.Geocoder{Store: db.Gazetteer()}
	for name, q := range map[string]gazetteer.Query{
		"empty":              {Name: "  "},
		"punctuation only":   {Name: "-'-"},
		"near out of range":  {Name: "Sudzha", Near: &orb.Point{200, 10}},
		"within without ref": {Name: "Sudzha", WithinKM: 10},
		"negative within":    {Name: "Sudzha", WithinKM: -1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := g.Geocode(context.Background(), q); !errors.Is(err, gazetteer.ErrQuery) {
				t.Errorf("Geocode(%+v) error = %v, want ErrQuery", q, err)
			}
		})
	}
}

func TestReverse(t *testing.T) {
	db := testdb.Places(t)
	g := gazetteer.Geocoder{Store: db.Gazetteer()}
	got, err := g.Reverse(context.Background(), orb.Point{35.2706, 51.1914}, 3) // central Sudzha
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"486816", "ru-krs-goncharovka", "ru-krs-zaoleshenka"}
	if len(got) != len(want) {
		t.Fatalf("Reverse = %d places, want %d", len(got), len(want))
	}
	for i, id := range want {
		if got[i].Place.ID != id {
			t.Errorf("Reverse[%d] = %s (%.1f km), want %s", i, got[i].Place.ID, got[i].DistanceKM, id)
		}
		if i > 0 && got[i].DistanceKM < got[i-1].DistanceKM {
			t.Errorf("Reverse not sorted by distance at %d", i)
		}
	}
	far, err := g.Reverse(context.Background(), orb.Point{30, 60}, 1) // St Petersburg area: nothing within 2,000 km? Kursk is ~1,000 km
	if err != nil || len(far) != 1 {
		t.Errorf("Reverse far away = %v, %v; want the nearest seed place", far, err)
	}
}

func summary(r gazetteer.Result) []string {
	var out []string
	for _, c := range r.Candidates {
		out = append(out, fmt.Sprintf("%s:%.3f", c.Place.ID, c.Score))
	}
	return out
}

// TestGeocodeContextRegions: context names oblasts and districts in any case and spelling.
func TestGeocodeContextRegions(t *testing.T) {
	db := withNamesakes(t)
	g := gazetteer.Geocoder{Store: db.Gazetteer()}
	tests := []struct {
		name, q, context string
		wantTop          []string // any of these
		wantNotTop       string
	}{
		{"Russian genitive district and oblast", "Поповке", "Корочанский район Белгородской области",
			[]string{"ns-ru-bel-popovka-korocha"}, "ns-ua-sum-popivka-okhtyrka"},
		{"Belgorod oblast in the genitive", "Поповке", "Белгородской области",
			[]string{"ns-ru-bel-popovka-korocha", "ru-bel-popovka-kr"}, "ns-ua-sum-popivka-okhtyrka"},
		{"Ukrainian colloquial oblast", "Попівка", "Сумщина", []string{"ns-ua-sum-popivka-okhtyrka"}, ""},
		{"Tula in the genitive", "Прилесье", "Тульской области", []string{"ns-ru-tul-prilesye-uzlovaya"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := g.Geocode(context.Background(), gazetteer.Query{Name: tt.q, Context: tt.context})
			if err != nil || len(res.Candidates) == 0 {
				t.Fatalf("Geocode(%q, %q) = %v, %v", tt.q, tt.context, res, err)
			}
			top := res.Candidates[0].Place.ID
			ok := false
			for _, w := range tt.wantTop {
				ok = ok || top == w
			}
			if !ok || top == tt.wantNotTop {
				t.Errorf("Geocode(%q, %q) top = %s, want one of %v; all: %v", tt.q, tt.context, top, tt.wantTop, summary(res))
			}
		})
	}
}

// TestSameAdminAcrossSpellings: the context's unit names meet GeoNames' own spellings of the oblasts.
func TestSameAdminAcrossSpellings(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Oryol Oblast", "Orel Oblast", true},
		{"Орловской области", "Orel Oblast", true},
		{"Rostov region", "Rostov", true},
		{"Саратовская область", "Saratovskaya Oblast", true},
		{"Белгородской области", "Belgorod Oblast", true},
		{"Сумщина", "Sumy", true},
		{"Oryol Oblast", "Kursk", false},
	}
	for _, tt := range tests {
		if got := gazetteer.SameAdmin(tt.a, tt.b); got != tt.want {
			t.Errorf("SameAdmin(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
