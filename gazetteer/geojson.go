package gazetteer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// featureProps are the properties tiled reads from a GeoJSON feature; see data/README.md. Only name is required.
type featureProps struct {
	ID             json.RawMessage   `json:"id"`
	Slug           string            `json:"slug"`
	GeonameID      int64             `json:"geonameid"`
	Name           string            `json:"name"`
	NameRU         string            `json:"name_ru"`
	NameUK         string            `json:"name_uk"`
	Names          []Name            `json:"names"`
	AltNames       []string          `json:"alt_names"`
	Country        string            `json:"country"`
	Admin1         string            `json:"admin1"`
	Admin1Code     string            `json:"admin1_code"`
	Admin2         string            `json:"admin2"`
	Admin2Code     string            `json:"admin2_code"`
	Population     int64             `json:"population"`
	PopulationYear int               `json:"population_year"`
	FeatureCode    string            `json:"feature_code"`
	PlaceType      string            `json:"place_type"`
	PrecisionKM    float64           `json:"precision_km"`
	Approximate    bool              `json:"approximate"`
	LocationMethod string            `json:"location_method"`
	LocationSource string            `json:"location_source"`
	LocationNote   string            `json:"location_note"`
	Near           []string          `json:"near"`
	Codes          map[string]string `json:"codes"`
	Source         string            `json:"source"`
	Confidence     string            `json:"confidence"`
}

type rawFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   *rawGeometry    `json:"geometry"`
	Properties *featureProps   `json:"properties"`
}

type rawGeometry struct {
	Type        string            `json:"type"`
	Coordinates []json.RawMessage `json:"coordinates"`
}

// ReadGeoJSON streams the features of a GeoJSON FeatureCollection from r and calls fn with each as a Place. Errors
// are *InputError values naming file and the feature index; fn's own errors are returned as they are. Features
// must be Points with a name; a feature without an id gets a slug from its country, oblast and name.
func ReadGeoJSON(r io.Reader, file string, fn func(index int, p Place) error) error {
	dec := json.NewDecoder(r)
	fail := func(i int, format string, args ...any) error {
		return &InputError{File: file, Feature: i, Msg: fmt.Sprintf(format, args...)}
	}
	top := func(format string, args ...any) error { return fail(-1, format, args...) }
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return top("not a GeoJSON object: %v", jsonErr(err, tok))
	}
	var typ string
	sawFeatures := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return top("malformed JSON: %v", err)
		}
		switch tok {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return top("malformed type: %v", err)
			}
			if typ != "FeatureCollection" {
				return top("not a FeatureCollection (type %q)", typ)
			}
		case "features":
			if typ == "" {
				// Tolerate "type" after "features": features are checked now, the type at the end.
				typ = "?"
			}
			sawFeatures = true
			if err := readFeatures(dec, file, fn); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return top("malformed JSON: %v", err)
			}
		}
	}
	if typ != "FeatureCollection" && typ != "?" {
		return top("not a FeatureCollection (no type member)")
	}
	if !sawFeatures {
		return top("not a FeatureCollection (no features member)")
	}
	if _, err := dec.Token(); err != nil {
		return top("malformed JSON at the end: %v", err)
	}
	return nil
}

func jsonErr(err error, tok json.Token) any {
	if err != nil {
		return err
	}
	return fmt.Sprintf("starts with %v", tok)
}

func readFeatures(dec *json.Decoder, file string, fn func(int, Place) error) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return &InputError{File: file, Feature: -1, Msg: fmt.Sprintf("features is not an array: %v", jsonErr(err, tok))}
	}
	for i := 0; dec.More(); i++ {
		var f rawFeature
		if err := dec.Decode(&f); err != nil {
			return &InputError{File: file, Feature: i, Msg: fmt.Sprintf("malformed feature: %v", err)}
		}
		p, err := f.place()
		if err != nil {
			return &InputError{File: file, Feature: i, Msg: err.Error()}
		}
		if err := fn(i, p); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return &InputError{File: file, Feature: -1, Msg: fmt.Sprintf("malformed features array: %v", err)}
	}
	return nil
}

func (f rawFeature) place() (Place, error) {
	if f.Type != "Feature" {
		return Place{}, fmt.Errorf("type %q is not Feature", f.Type)
	}
	if f.Geometry == nil {
		return Place{}, errors.New("no geometry")
	}
	if f.Geometry.Type != "Point" {
		return Place{}, fmt.Errorf("geometry type %s is not Point (tiled stores settlements as points)", f.Geometry.Type)
	}
	if n := len(f.Geometry.Coordinates); n < 2 || n > 3 {
		return Place{}, fmt.Errorf("a Point needs [longitude, latitude], got %d numbers", n)
	}
	var lon, lat float64
	if json.Unmarshal(f.Geometry.Coordinates[0], &lon) != nil || json.Unmarshal(f.Geometry.Coordinates[1], &lat) != nil {
		return Place{}, errors.New("coordinates are not numbers")
	}
	if lon < -180 || lon > 180 {
		return Place{}, fmt.Errorf("longitude %g out of range [-180, 180]", lon)
	}
	if lat < -90 || lat > 90 {
		return Place{}, fmt.Errorf("latitude %g out of range [-90, 90]", lat)
	}
	pr := f.Properties
	if pr == nil {
		pr = &featureProps{}
	}
	p := Place{
		Slug: strings.TrimSpace(pr.Slug), GeonameID: pr.GeonameID, Name: strings.TrimSpace(pr.Name),
		Country: strings.ToUpper(strings.TrimSpace(pr.Country)), Admin1: pr.Admin1, Admin1Code: pr.Admin1Code,
		Admin2: pr.Admin2, Admin2Code: pr.Admin2Code, Population: pr.Population, PopulationYear: pr.PopulationYear,
		FeatureCode: pr.FeatureCode, PlaceType: pr.PlaceType, Point: orb.Point{lon, lat},
		PrecisionKM: pr.PrecisionKM, Approximate: pr.Approximate, LocationMethod: pr.LocationMethod,
		LocationSource: pr.LocationSource, LocationNote: pr.LocationNote, Near: pr.Near, Codes: pr.Codes,
		Source: pr.Source, Confidence: pr.Confidence,
	}
	if p.Name == "" {
		return Place{}, errors.New("missing name (properties.name)")
	}
	if p.Population < 0 {
		return Place{}, fmt.Errorf("negative population %d", p.Population)
	}
	if p.PrecisionKM < 0 {
		return Place{}, fmt.Errorf("negative precision_km %g", p.PrecisionKM)
	}
	id, err := featureID(f.ID, pr.ID)
	if err != nil {
		return Place{}, err
	}
	if id == "" {
		// A name with no Latin or Cyrillic letter or digit adds nothing to the slug: two such places of one
		// country would share an id, and one would overwrite the other.
		if Slugify(p.Name) == "" {
			return Place{}, fmt.Errorf("no id (feature id or properties.id), and name %q gives no slug to make one", p.Name)
		}
		id = Slugify(p.Country, firstWord(p.Admin1), p.Name)
	}
	p.ID = id
	p.Names = append(p.Names, pr.Names...)
	for _, n := range []Name{{pr.NameRU, "ru", KindOfficial}, {pr.NameUK, "uk", KindOfficial}} {
		if n.Name != "" {
			p.Names = append(p.Names, n)
		}
	}
	for _, a := range pr.AltNames {
		p.Names = append(p.Names, Name{Name: a, Kind: KindAlternate})
	}
	for i, n := range p.Names {
		if strings.TrimSpace(n.Name) == "" {
			return Place{}, fmt.Errorf("names[%d] is empty", i)
		}
		if n.Kind == "" {
			p.Names[i].Kind = KindAlternate
		}
	}
	if p.LocationMethod == "" {
		p.LocationMethod = LocationSourced
		if p.Approximate {
			p.LocationMethod = LocationCentroidOfNear
		}
	}
	return p, nil
}

// featureID takes the feature's id member, else properties.id; numbers become decimal strings.
func featureID(ids ...json.RawMessage) (string, error) {
	for _, raw := range ids {
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s = strings.TrimSpace(s); s != "" {
				return s, nil
			}
			continue
		}
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			if _, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
				return n.String(), nil
			}
		}
		return "", fmt.Errorf("id %s is neither a string nor an integer", raw)
	}
	return "", nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Slugify joins parts into a readable lower-case ASCII id ("ru", "Belgorod", "Popovka" → "ru-belgorod-popovka").
// Non-ASCII letters are dropped after a best-effort transliteration of Cyrillic.
func Slugify(parts ...string) string {
	var b strings.Builder
	dash := false
	for _, part := range parts {
		for _, r := range strings.ToLower(part) {
			s := string(r)
			if t, ok := slugCyrillic[r]; ok {
				s = t
			}
			for _, c := range s {
				if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
					if dash && b.Len() > 0 {
						b.WriteByte('-')
					}
					dash = false
					b.WriteRune(c)
				} else if c != '\'' && c != 'ʼ' {
					dash = true
				}
			}
		}
		dash = true
	}
	return b.String()
}

var slugCyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'е': "e", 'ё': "e", 'є': "ye", 'ж': "zh",
	'з': "z", 'и': "i", 'і': "i", 'ї': "yi", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
	'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
}
